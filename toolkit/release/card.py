"""`README.md`: the data card. YAML front matter that `datasets` reads (configs, data files per split, license,
language, task categories, size category, `dataset_info` features), then sections after Datasheets for Datasets
and the Hugging Face card template, with statistics computed from the written Parquet files."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml

from .features import Struct, hf_yaml
from .gold import Withheld
from .stats import Stats
from .tables import CONFIGS, SPLITS, TableWriter

TITLE = "nklabor: state-imposed labour in North Korea"
LICENSE = {"license": "other", "license_name": "nklabor-annotations-cc-by-4.0",
           "license_link": "https://creativecommons.org/licenses/by/4.0/"}
CONFIG_ROWS = {
    "documents": "one row per document: metadata, full text, and its events nested",
    "events": "one row per event: every label flattened, derived values and evidence spans",
    "spans": "one row per evidence span, with the indicator or event it supports",
}
SHOWN_LABELS = ("mobilization_type", "secondary_types", "population", "sector", "status", "recruitment_mode",
                "financial_extraction", "place_precision", "time_precision", "workers_qualifier",
                "sanctions_relevance", "sanctions_provisions", "sanctions_evasion", "source_attribution",
                "source_claim_status", "source_reliability", "source_credibility", "forced_labour_assessment",
                "sanctions_period")


@dataclass(frozen=True)
class CardInput:
    """Everything the card says that the Parquet files do not hold."""

    version: str
    date: date
    input_annotations: int
    withheld_values: int
    withheld: list[Withheld]
    languages: list[str]
    previous: str | None
    changes: list[str] = field(default_factory=list)
    # document id -> (annotators, observed agreement before adjudication) for documents with several annotators
    agreement: dict[str, tuple[int, float | None]] = field(default_factory=dict)


def size_category(n: int) -> str:
    """The Hugging Face `size_categories` bucket of `n` examples."""
    bounds = [(1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"),
              (10_000_000, "1M<n<10M")]
    return next((name for limit, name in bounds if n < limit), "10M<n<100M")


def front_matter(card: CardInput, stats: Stats, configs: dict[str, Struct],
                 sizes: dict[str, tuple[int, int]]) -> dict[str, Any]:
    """The YAML metadata. `sizes` maps a data file to (bytes on disk, uncompressed bytes)."""
    infos: list[dict[str, Any]] = []
    configs_yaml: list[dict[str, Any]] = []
    for config in CONFIGS:
        present = [s for s in SPLITS if stats.rows[config][s]]
        if not present:
            continue
        splits = [{"name": s, "num_bytes": sizes[TableWriter.relative(config, s)][1],
                   "num_examples": stats.rows[config][s]} for s in present]
        infos.append({
            "config_name": config,
            "features": hf_yaml(configs[config]),
            "splits": splits,
            "download_size": sum(sizes[TableWriter.relative(config, s)][0] for s in present),
            "dataset_size": sum(sizes[TableWriter.relative(config, s)][1] for s in present),
        })
        configs_yaml.append({"config_name": config,
                             "data_files": [{"split": s, "path": TableWriter.relative(config, s)} for s in present],
                             **({"default": True} if config == "events" else {})})
    return {
        "pretty_name": TITLE,
        **LICENSE,
        "language": card.languages,
        "multilinguality": "monolingual" if len(card.languages) <= 1 else "multilingual",
        "annotations_creators": ["expert-generated"],
        "language_creators": ["found"],
        "source_datasets": ["original"],
        "task_categories": ["text-classification", "token-classification"],
        "task_ids": ["multi-class-classification", "multi-label-classification"],
        "size_categories": [size_category(sum(stats.rows["events"].values()))],
        "tags": ["forced-labour", "human-rights", "north-korea", "sanctions", "event-extraction"],
        "configs": configs_yaml,
        "dataset_info": infos,
    }


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    rule = "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"
    out = ["| " + " | ".join(header) + " |", rule]
    out.extend("| " + " | ".join(str(c) for c in row) + " |" for row in rows)
    return out


def _per_split(counts: dict[str, Counter[Any]], keys: list[Any]) -> list[list[Any]]:
    rows = []
    for key in keys:
        values = [counts.get(s, Counter()).get(key, 0) for s in SPLITS]
        rows.append([f"`{key}`" if isinstance(key, str) else key, *values, sum(values)])
    return rows


def _splits(counts: dict[str, int]) -> str:
    return ", ".join(f"{s} {counts[s]}" for s in SPLITS)


def _empty_note(stats: Stats) -> str:
    empty = [s for s in SPLITS if not stats.rows["documents"][s]]
    if not empty:
        return ""
    return (f" No document of this release falls in {' or '.join(f'`{s}`' for s in empty)}, so that split has "
            "no files and is not listed in the metadata (`datasets` cannot load an empty split); it fills as "
            "documents are added.")


def _labels_section(stats: Stats) -> list[str]:
    out: list[str] = []
    for column in SHOWN_LABELS:
        if column not in stats.labels:
            continue
        total = stats.total(column)
        present = [n for n in stats.names[column] if total.get(n)]
        absent = [n for n in stats.names[column] if not total.get(n)]
        kind = "multi-label: an event may count in several rows" if column in stats.multi else "one per event"
        out += ["", f"**`{column}`** ({kind})", ""]
        if present:
            out += _table(["class", *SPLITS, "total"], _per_split(stats.labels[column], present))
        if absent:
            out += ["", "No examples: " + ", ".join(f"`{n}`" for n in absent) + "."]
    return out


def render(card: CardInput, stats: Stats, configs: dict[str, Struct], sizes: dict[str, tuple[int, int]]) -> str:
    """The full README.md text."""
    meta = yaml.safe_dump(front_matter(card, stats, configs, sizes), sort_keys=False, allow_unicode=True, width=1000)
    docs = sum(stats.rows["documents"].values())
    events = sum(stats.rows["events"].values())
    spans = sum(stats.rows["spans"].values())
    period = (f"{stats.published[0].isoformat()} to {stats.published[1].isoformat()}" if stats.published
              else "no documents")
    lines = [
        "---", meta.rstrip("\n"), "---", "",
        f"# {TITLE} (v{card.version})", "",
        f"Released {card.date.isoformat()} (the date of the latest annotation in the input). "
        f"{docs} news articles about North Koreans mobilised for labour by the state, labelled by human-rights "
        f"researchers with {events} events and {spans} evidence spans, following the nklabor codebook "
        "([codebook.md](codebook.md), JSON Schema in [schema/](schema/)).", "",
        "## Loading", "",
        "```python",
        "from datasets import load_dataset",
        f'events = load_dataset("path/to/v{card.version}", "events")  # or "documents", "spans"',
        'events["train"].features["mobilization_type"].names  # the codebook ids',
        "```", "",
        "Label columns are `ClassLabel`s (lists of `ClassLabel` for multi-label columns) whose names are the "
        "codebook ids in schema order. Files: `data/<config>/<split>-00000-of-00001.parquet`; "
        "`croissant.json` describes them in Croissant 1.1 with RAI fields; `checksums.sha256` holds the SHA-256 of "
        f"every file (`nklabor release verify v{card.version}`).", "",
        "## Dataset structure", "",
        *_table(["config", "row", *SPLITS], [[f"`{c}`", CONFIG_ROWS[c], *(stats.rows[c][s] for s in SPLITS)]
                                             for c in CONFIGS]),
        "",
        "`events` columns: `document_id`, `event_id`, `annotator` (release pseudonym), the labels "
        "(`mobilization_type`, `secondary_types`, `population`, `sector`, `status`, `recruitment_mode`, "
        "`financial_extraction`, `place_*`, `route`, `time_*`, `workers_*`, `indicators` (every coded coercion "
        "indicator), `coercion` (indicator, status and evidence), `sanctions_*`, `source_*`), the derived "
        "`forced_labour_assessment` and `sanctions_period`, and `evidence`. Spans are `{start, end, quote}` with "
        "offsets in Unicode code points into the document's `text` (`text[start:end] == quote`). `spans` rows "
        "carry `kind` (`event` evidence or `indicator` evidence), the event's `mobilization_type`, and for "
        "indicator evidence the `indicator` and its `indicator_status`; join on `document_id` for the text.", "",
        "Splits are assigned by a hash of the document's `story_group` (or of its id when it has none), about "
        "80/10/10: translations and reprints of one story never straddle splits, and a document keeps its split "
        "in every later release." + _empty_note(stats), "",
        "## Motivation", "",
        "Reports of state-imposed labour in North Korea (soldiers reassigned to mines, workers dispatched abroad "
        "in breach of UN sanctions, detainees used in construction campaigns) are scattered across specialist "
        "outlets, often anonymous, and hard to compare. This dataset turns them into structured, evidence-linked "
        "events so that researchers and ML teams can count, search and model them, with every label tied to the "
        "words that support it.", "",
        "## Composition", "",
        f"- Documents: {docs} ({_splits(stats.rows['documents'])}), "
        f"published {period}.",
        f"- Events: {events}; evidence spans: {spans}.",
        "- Languages: " + ", ".join(f"`{lang}` {n}" for lang, n in sorted(stats.documents.get("language", {}).items()))
        + ".",
        "- Outlet types: " + ", ".join(f"`{k}` {n}" for k, n in sorted(stats.documents.get("outlet_type", {}).items()))
        + ".",
        "",
        "### Annotators per document", "",
        *_table(["annotations", *SPLITS, "total"],
                _per_split(stats.annotators, sorted({k for c in stats.annotators.values() for k in c}))),
        "",
        "A document with one annotation is published as annotated; with several, the adjudicator's annotation is "
        "published.",
        "",
        "### Agreement before adjudication", "",
    ]
    if card.agreement:
        lines += ["Documents with several annotators, published as adjudicated; `agreement` is the observed agreement "
                  "between the annotators (0-1, mean over annotator pairs and label families, `nklabor agreement`), "
                  "also in the `documents` config:", ""]
        lines += _table(["document", "annotators", "agreement"],
                        [[f"`{doc}`", n, "n/a" if a is None else f"{a:.3f}"] for doc, (n, a) in card.agreement.items()])
    else:
        lines.append("None: every published document has a single annotator.")
    lines += ["", "### Withheld until adjudicated", ""]
    if card.withheld:
        lines.append(f"{len(card.withheld)} document(s) have several annotations and no single adjudication; they "
                     "are left out of this release and will be published once adjudicated:")
        lines.append("")
        lines += [f"- `{w.document_id}`: {w.reason}" for w in card.withheld]
    else:
        lines.append("None: every annotated document is in this release.")
    lines += ["", "### Label distributions", "",
              "Counts of events per class and split; only classes with examples are listed."]
    lines += _labels_section(stats)
    order = {name: i for i, name in enumerate((*stats.names.get("indicators", ()),
                                                *stats.names.get("indicator_status", ())))}
    indicators = sorted({key for c in stats.indicators.values() for key in c},
                        key=lambda pair: (order.get(pair[0], 0), order.get(pair[1], 0)))
    lines += ["", "### Coercion indicators", "",
              "Events coding each indicator, by the status the annotator gave it (only `stated` and `hedged` count "
              "towards `forced_labour_assessment`).", ""]
    if indicators:
        lines += _table(["indicator", "status", *SPLITS, "total"],
                        [[f"`{i}`", f"`{s}`", *row[1:]] for (i, s), row in
                         zip(indicators, _per_split(stats.indicators, indicators), strict=True)])
    else:
        lines.append("No indicator is coded in this release.")
    lines += [
        "",
        "## Collection process", "",
        "Researchers select published articles that report labour mobilisation in or from North Korea; in this "
        "release: " + ", ".join(f"{name} ({n})" for name, n in sorted(stats.documents.get("outlet", {}).items()))
        + ". The full text is stored exactly as annotated (Unicode NFC, `\\n` line endings) with its SHA-256, "
        "so every evidence offset can be checked against it.", "",
        "## Annotation process", "",
        "Each article is labelled by a trained annotator against the codebook ([codebook.md](codebook.md), "
        "rendered from the JSON Schema snapshot in [schema/](schema/) used for this build): one event per "
        "mobilisation episode (type x population x place x time window), with coercion indicators from the ILO "
        "forced-labour indicators and state-imposed practices, sanctions relevance and provisions, source "
        "attribution and Admiralty reliability/credibility, and for every label at least one evidence span. "
        f"Every annotation passed `nklabor validate` (schema, span offsets, text hash, dates, counts, ISO codes, "
        f"registry) before this build: {card.input_annotations} annotation(s) in the input. "
        "`forced_labour_assessment` and `sanctions_period` are computed by the toolkit, never annotated.", "",
        "## Personal and sensitive information", "",
        "- Annotators' free-text `notes` are withheld (the schema marks them `x-sensitivity: withhold`): they may "
        "name or describe informants, and a detail that identifies a source inside North Korea can endanger them "
        f"and their families. {card.withheld_values} annotation(s) in the input had such values; none is in any "
        "file of this release.",
        "- Annotator ids are replaced by release pseudonyms (`R1`, `R2`, ...) that are not linked to the project's "
        "annotator registry and may differ between releases.",
        "- A leak scan over every written byte (Parquet values decoded, text files as bytes) fails the build if a "
        "withheld value or a raw annotator id appears.",
        "- Article texts are published reports; they can name officials and places, and sometimes describe "
        "individuals. Sources inside North Korea are anonymous in the articles themselves; nothing was added "
        "that could identify them. Do not try to re-identify anyone described.", "",
        "## Uses", "",
        "- Research on state-imposed labour: counting and mapping reported events, tracking coercion indicators "
        "and sanctions-relevant dispatches over time.",
        "- Training and evaluating classifiers (event type, population, sector, indicators) and span extractors "
        "for evidence, as triage aids for human researchers.", "",
        "## Out-of-scope uses", "",
        "- Legal conclusions or sanctions designations: `sanctions_relevance` and `sanctions_provisions` record "
        "which provisions are potentially engaged, never a finding of breach.",
        "- Decisions about individuals (workers, officials, informants), or any attempt to identify sources.",
        "- Prevalence estimates: the documents are what outlets chose to report, not a sample of events.", "",
        "## Bias, risks and limitations", "",
        "- Sources are mostly unverifiable: anonymous informants inside North Korea, defectors, outlets with "
        "their own stances; state media make counter-claims. Each event records the attribution, claim status "
        "and Admiralty reliability/credibility; treat labels as what a source reports, not as established fact.",
        "- Coverage follows outlets' reach and interests (border provinces, Russia and China dispatch), not the "
        "distribution of events.",
        "- Small size: class counts above are low for many labels; some splits can be empty in early releases.",
        "- Labels reflect one annotator or an adjudicator per document. For adjudicated documents the "
        "`documents` config records the number of annotators (`annotators`) and their observed agreement before "
        "adjudication (`agreement`, 0-1, mean over annotator pairs and label families; empty with one annotator; "
        "see `nklabor agreement`).", "",
        "## Maintenance", "",
        "Releases are immutable: a version is never rebuilt or overwritten, and every file's SHA-256 is in "
        "`checksums.sha256`. Corrections and new documents come as new versions (semantic versioning: a major "
        "version changes the codebook incompatibly); `nklabor release diff` lists what changed. Documents "
        "withheld above are published once adjudicated.", "",
        "## License", "",
        "Annotations: CC BY 4.0. Article texts and quotes remain the copyright of their publishers and are "
        "included for research on the events they report; redistribute them only as your jurisdiction allows.", "",
        "## Changelog", "",
        f"### v{card.version} ({card.date.isoformat()})", "",
    ]
    if card.previous is None:
        lines.append("- First release.")
    else:
        lines.append(f"Compared with {card.previous}:")
        lines.append("")
        lines += [f"- {line}" for line in card.changes]
    return "\n".join(lines) + "\n"
