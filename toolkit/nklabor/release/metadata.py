"""What a release says about itself, written once for the data card, for Croissant and for the project's
`CITATION.cff`: title, authors, the project's addresses (repository, contact, corrections and takedown
requests), citation, licence, config descriptions, keywords, the schema.org properties and the
Responsible-AI (RAI) fields.

The authors are the project, an organisation: no person is named (annotators appear only as pseudonyms).
The addresses are the project's role addresses, kept here and nowhere else; `CITATION.cff` repeats them and a
test keeps the two in step."""

from __future__ import annotations

from datetime import date
from typing import Any

TITLE = "nklabor: state-imposed labour in North Korea"
AUTHOR = "nklabor project"
"""The author and maintainer of every release: the project, never a person's name."""
REPOSITORY = "https://github.com/nklabor/nklabor"
"""The project's home: the toolkit, the codebook, the releases and their history."""
ISSUES = f"{REPOSITORY}/issues"
"""Public contact: questions, and corrections of labels or metadata."""
PRIVATE_REPORTS = f"{REPOSITORY}/security/advisories/new"
"""Private reports (GitHub private vulnerability reporting): takedown requests, or anything that could
identify or endanger a person, which must not be put in a public issue."""
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


def citation_key(version: str) -> str:
    """The BibTeX key of a release: `nklabor_v2_0_0`."""
    return "nklabor_v" + "".join(c if c.isalnum() else "_" for c in version)


def bibtex(version: str, published: date) -> str:
    """The BibTeX entry of one release (a `@misc`, which every BibTeX style knows)."""
    fields = [
        ("title", f"{{{TITLE}}}"),
        ("author", f"{{{AUTHOR}}}"),
        ("year", str(published.year)),
        ("version", version),
        ("url", REPOSITORY),
        ("note", f"Dataset, release v{version} of {published.isoformat()}; annotations CC BY 4.0"),
    ]
    width = max(len(k) for k, _ in fields)
    body = ",\n".join(f"  {k.ljust(width)} = {{{v}}}" for k, v in fields)
    return f"@misc{{{citation_key(version)},\n{body}\n}}"


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
        "citeAs": bibtex(version, published),
        "url": REPOSITORY,
        "creator": {"@type": "sc:Organization", "name": AUTHOR, "url": REPOSITORY},
        "publisher": {"@type": "sc:Organization", "name": AUTHOR, "url": REPOSITORY},
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
