"""What a release says about itself, written once for the data card and for Croissant: title, licence, config
descriptions, keywords, the schema.org properties and the Responsible-AI (RAI) fields."""

from __future__ import annotations

from datetime import date
from typing import Any

TITLE = "nklabor: state-imposed labour in North Korea"
LICENSE = {
    "license": "other",
    "license_name": "nklabor-annotations-cc-by-4.0",
    "license_link": "https://creativecommons.org/licenses/by/4.0/",
}
CONFIG_DESCRIPTIONS = {
    "documents": "one row per document: metadata, full text, and its events nested",
    "events": "one row per event: every label flattened, derived values and evidence spans",
    "spans": "one row per evidence span, with the indicator or event it supports",
}
KEYWORDS = ["forced labour", "North Korea", "human rights", "sanctions", "event extraction"]


def dataset(version: str, published: date, languages: list[str]) -> dict[str, Any]:
    """The schema.org properties of the Croissant document."""
    return {
        "name": "nklabor",
        "description": f"{TITLE}: news articles labelled with mobilisation events, "
        "coercion indicators, sanctions relevance and evidence spans.",
        "version": version,
        "datePublished": published.isoformat(),
        "license": LICENSE["license_link"],
        "inLanguage": languages,
        "keywords": KEYWORDS,
        "citeAs": f"nklabor v{version} ({published.year}). {TITLE}.",
        "creator": {"@type": "sc:Organization", "name": "nklabor"},
    }


def rai(withheld_values: int, pseudonyms_since: str | None = None) -> dict[str, Any]:
    """Croissant RAI 1.0 fields (without their `rai:` prefix)."""
    stable = (
        f" Pseudonyms are stable across releases from v{pseudonyms_since} on." if pseudonyms_since else ""
    )
    return {
        "dataCollection": "Published news articles and reports on labour mobilisation in or from North "
        "Korea, "
        "selected by human-rights researchers; full text stored as annotated, with its SHA-256.",
        "dataCollectionType": ["Manual Human Curated", "Secondary Data Analysis"],
        "dataAnnotationProtocol": "Events, labels and evidence spans coded against the nklabor codebook "
        "(codebook.md, JSON Schema in schema/); every annotation passes `nklabor "
        "validate`. An adjudicator's annotation wins; a single annotation is used as is; "
        "documents with several annotators and no adjudicator are withheld.",
        "dataAnnotationPlatform": "JSON files edited by annotators with the nklabor CLI (`new`, `span`, "
        "`validate`).",
        "annotationsPerItem": "One published annotation per document (adjudicated or single); the "
        "`annotators` "
        "column of `documents` gives how many annotations each document had.",
        "annotatorDemographics": "Trained researchers registered under pseudonymous ids; no demographic data "
        "is collected about them.",
        "dataPreprocessingProtocol": "Texts normalised to Unicode NFC with \\n line endings; "
        "forced_labour_assessment "
        "and sanctions_period derived by the toolkit; labels stored as class indices.",
        "dataUseCases": "Research on state-imposed labour; classifiers and span extractors as triage aids "
        "for "
        "human researchers. Not for legal conclusions, sanctions designations, prevalence "
        "estimates or decisions about individuals.",
        "dataBiases": "Coverage follows what specialist outlets report (border provinces, dispatch to Russia "
        "and China), not the distribution of events.",
        "dataLimitations": "Sources are mostly unverifiable (anonymous informants, defectors, state media "
        "counter-claims); labels record what a source reports, with attribution, claim status "
        "and Admiralty reliability/credibility. Small class counts.",
        "dataSocialImpact": "Documents forced labour for accountability and sanctions research; careless use "
        "could endanger informants, so no annotator notes are published.",
        "personalSensitiveInformation": f"Annotator notes withheld ({withheld_values} input annotation(s) "
        "had "
        "them): they may describe informants. Annotator ids replaced by release "
        f"pseudonyms.{stable} A leak scan over every written byte fails the build on any "
        "withheld value or raw id. Article texts may name officials and places.",
        "dataReleaseMaintenancePlan": "Immutable semantic-versioned releases with SHA-256 checksums; "
        "corrections "
        "and adjudicated documents come as new versions.",
    }
