"""`README.md`: the data card. YAML front matter that `datasets` reads (configs, data files per split,
license,
language, task categories, size category, `dataset_info` features), then sections after Datasheets for
Datasets and the Hugging Face card template (`templates/card.md.j2`), with statistics computed from the
written Parquet files."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import jinja2
import yaml

from .diff import ReleaseDiff
from .features import Struct, hf_yaml
from .gold import Withheld
from .layout import AGREEMENT, CONFIGS, FIGURE, LABELS, SPLITS, data_file
from .metadata import (
    AUTHOR,
    CONFIG_DESCRIPTIONS,
    ISSUES,
    LICENSE,
    PRIVATE_REPORTS,
    REPOSITORY,
    TITLE,
    bibtex,
)
from .stats import Stats

TEMPLATE = "card.md.j2"
SHOWN_LABELS = (
    "mobilization_type",
    "secondary_types",
    "population",
    "sector",
    "status",
    "phase",
    "recruitment_mode",
    "financial_extraction",
    "place_precision",
    "time_start_precision",
    "time_end_precision",
    "count_qualifier",
    "count_status",
    "sanctions_relevance",
    "sanctions_provisions",
    "sanctions_evasion",
    "source_attribution",
    "source_claim_status",
    "source_reliability",
    "source_credibility",
    "forced_labour_assessment",
    "sanctions_period",
)


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
    changes: ReleaseDiff | None = None
    pseudonyms_since: str | None = None
    """The first version whose pseudonyms are stable across releases."""
    legacy_pseudonyms: list[str] = field(default_factory=list)
    """Earlier releases that numbered annotators anew in each release."""
    human: dict[str, Any] = field(default_factory=dict)
    """`agreement.json` of the release (`ceiling.compute`)."""
    # document id -> (annotators, observed agreement before adjudication) for documents with several
    # annotators
    agreement: dict[str, tuple[int, float | None]] = field(default_factory=dict)


def size_category(n: int) -> str:
    """The Hugging Face `size_categories` bucket of `n` examples."""
    bounds = [
        (1_000, "n<1K"),
        (10_000, "1K<n<10K"),
        (100_000, "10K<n<100K"),
        (1_000_000, "100K<n<1M"),
        (10_000_000, "1M<n<10M"),
    ]
    return next((name for limit, name in bounds if n < limit), "10M<n<100M")


def front_matter(
    card: CardInput, stats: Stats, configs: dict[str, Struct], sizes: dict[str, tuple[int, int]]
) -> dict[str, Any]:
    """The YAML metadata. `sizes` maps a data file to (bytes on disk, uncompressed bytes)."""
    infos: list[dict[str, Any]] = []
    configs_yaml: list[dict[str, Any]] = []
    for config in CONFIGS:
        present = [s for s in SPLITS if stats.rows[config][s]]
        if not present:
            continue
        splits = [
            {
                "name": s,
                "num_bytes": sizes[data_file(config, s)][1],
                "num_examples": stats.rows[config][s],
            }
            for s in present
        ]
        infos.append(
            {
                "config_name": config,
                "features": hf_yaml(configs[config]),
                "splits": splits,
                "download_size": sum(sizes[data_file(config, s)][0] for s in present),
                "dataset_size": sum(sizes[data_file(config, s)][1] for s in present),
            }
        )
        configs_yaml.append(
            {
                "config_name": config,
                "data_files": [{"split": s, "path": data_file(config, s)} for s in present],
                **({"default": True} if config == "events" else {}),
            }
        )
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
    return (
        f" No document of this release falls in {' or '.join(f'`{s}`' for s in empty)}, so that split has "
        "no files and is not listed in the metadata (`datasets` cannot load an empty split); it fills as "
        "documents are added."
    )


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


LISTED = 20
"""Events named one by one in the changelog; beyond that, `nklabor release diff` lists them."""


def _value(value: Any) -> str:
    return "[" + ", ".join(map(str, value)) + "]" if isinstance(value, list) else str(value)


def _code(items: list[str]) -> str:
    return ", ".join(f"`{i}`" for i in items)


def _schema_changelog(diff: ReleaseDiff) -> list[str]:
    schema = diff.schema
    if schema.empty or schema.old_version is None:
        return []
    parts = []
    if schema.fields.renamed:
        parts.append(
            "fields renamed: " + "; ".join(f"`{r.old}` -> {_code(r.new)}" for r in schema.fields.renamed)
        )
    for what, items in (
        ("fields added", schema.fields.added),
        ("fields removed", schema.fields.removed),
        ("vocabularies added", schema.vocabularies.added),
        ("vocabularies removed", schema.vocabularies.removed),
    ):
        if items:
            parts.append(f"{what}: {_code(items)}")
    renamed = [f"`{name}.{r.old}` -> {_code(r.new)}" for name, ids in schema.ids.items() for r in ids.renamed]
    if renamed:
        parts.append("ids renamed or split: " + "; ".join(renamed))
    for what in ("added", "removed"):
        found = [f"`{n}`: {_code(getattr(c, what))}" for n, c in schema.ids.items() if getattr(c, what)]
        if found:
            parts.append(f"ids {what}: " + "; ".join(found))
    head = f"Codebook {schema.old_version} -> {schema.new_version}"
    return [head + (": " + "; ".join(parts) if parts else "") + "."]


def _column_changelog(diff: ReleaseDiff) -> list[str]:
    out = [f"Config `{c}` added." for c in diff.configs_added]
    out += [f"Config `{c}` removed." for c in diff.configs_removed]
    for config, changes in diff.columns.items():
        nested = False
        if config == "documents" and "events" in diff.columns:
            changes, nested = changes.outside("events.")
        parts = []
        if changes.added:
            parts.append(f"added {_code(changes.added)}")
        if changes.removed:
            parts.append(f"removed {_code(changes.removed)}")
        parts += [f"`{r.old}` renamed {_code(r.new)}" for r in changes.renamed]
        parts += [f"`{r.column}` now {r.new} (was {r.old})" for r in changes.retyped]
        if nested:
            parts.append("the nested `events` change as the `events` config")
        out.append(f"Columns of `{config}`: " + "; ".join(parts) + ".")
    return out


def _document_changelog(diff: ReleaseDiff) -> list[str]:
    out = []
    if diff.adjudicated:
        out.append(f"Gold now adjudicated (was a single annotation): {_code(diff.adjudicated)}.")
    back = [g.id for g in diff.gold_changed if g.new != "adjudicated"]
    if back:
        out.append(f"Gold no longer adjudicated: {_code(back)}.")
    for what, docs in (
        ("Documents added", diff.documents_added),
        ("Documents removed", diff.documents_removed),
        ("Document texts changed", diff.documents_retexted),
    ):
        if docs:
            out.append(f"{what}: {_code(docs)}.")
    if diff.documents_edited:
        out.append(
            "Document fields edited: "
            + "; ".join(f"`{d}` ({', '.join(cols)})" for d, cols in diff.documents_edited)
            + "."
        )
    if diff.documents_resplit:
        out.append(
            "Split moves: " + "; ".join(f"`{d}` {o} -> {n}" for d, o, n in diff.documents_resplit) + "."
        )
    elif diff.documents_compared:
        out.append("Splits: no document moved.")
    return out


def _event_changelog(diff: ReleaseDiff) -> list[str]:
    out = []
    for what, events in (("Events added", diff.events_added), ("Events removed", diff.events_removed)):
        if events:
            out.append(f"{what}: {_code([f'{d}/{e}' for d, e in events])}.")
    relabelled = [
        f"`{d}/{e}` (" + "; ".join(f"{k}: {_value(o)} -> {_value(n)}" for k, (o, n) in changes.items()) + ")"
        for d, e, changes in diff.relabelled
    ]
    if relabelled:
        more = f"; and {len(relabelled) - LISTED} more" if len(relabelled) > LISTED else ""
        out.append(f"Events relabelled ({len(relabelled)}): " + "; ".join(relabelled[:LISTED]) + more + ".")
    if diff.edited:
        out.append(f"Events with other edits: {len(diff.edited)}.")
    if diff.label_counts:
        out.append(
            "Label counts (all splits): "
            + "; ".join(
                f"`{col}` " + ", ".join(f"{name} {o} -> {n}" for name, (o, n) in counts.items())
                for col, counts in diff.label_counts.items()
            )
            + "."
        )
    return out


def _pseudonym_change(card: CardInput) -> list[str]:
    if card.pseudonyms_since != card.version or not card.legacy_pseudonyms:
        return []
    return [
        "Release pseudonyms are stable from this version on: an annotator keeps the same `R<n>` in every "
        f"later release ({', '.join(card.legacy_pseudonyms)} numbered annotators anew in each release)."
    ]


def changelog(diff: ReleaseDiff) -> list[str]:
    """The changelog entries of a release: every kind of change `nklabor release diff` finds, one line
    each."""
    lines = [
        *_schema_changelog(diff),
        *_column_changelog(diff),
        *_document_changelog(diff),
        *_event_changelog(diff),
    ]
    return lines if not diff.empty else ["No change to documents or events."]


HUMAN_SHOWN = (
    "mobilization_type",
    "population",
    "coercion",
    "sanctions_relevance",
    "forced_labour_assessment",
)


def _f1(value: Any) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _human_summary(human: dict[str, Any]) -> str:
    """A table of a few human-agreement F1 figures per split (empty when no split has two annotators)."""
    rows = []
    for split, entry in human.get("splits", {}).items():
        scores = entry.get("scores")
        if not scores:
            continue
        fields = scores["fields"]
        rows.append(
            [
                f"`{split}`",
                entry["documents"],
                _f1(scores["events"]["f1"]),
                *(_f1(fields[name]["f1"]) for name in HUMAN_SHOWN),
                _f1(scores["evidence"]["f1"]),
            ]
        )
    if not rows:
        return " No document of this release had two annotators, so it records none."
    header = ["split", "documents", "events", *HUMAN_SHOWN, "evidence"]
    return "\n\nHuman agreement (F1), a few of its figures:\n\n" + _lines(_table(header, rows))


def _render_template(**context: Any) -> str:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("nklabor.release", "templates"),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env.get_template(TEMPLATE).render(**context)


def render(
    card: CardInput, stats: Stats, configs: dict[str, Struct], sizes: dict[str, tuple[int, int]]
) -> str:
    """The full README.md text: the figures are computed here, the prose is in `templates/card.md.j2`."""
    meta = yaml.safe_dump(
        front_matter(card, stats, configs, sizes), sort_keys=False, allow_unicode=True, width=1000
    )
    period = (
        f"{stats.published[0].isoformat()} to {stats.published[1].isoformat()}"
        if stats.published
        else "no documents"
    )
    labels = _labels_section(stats)
    order = {
        name: i
        for i, name in enumerate(
            (*stats.names.get("indicators", ()), *stats.names.get("indicator_status", ()))
        )
    }
    indicators = sorted(
        {key for c in stats.indicators.values() for key in c},
        key=lambda pair: (order.get(pair[0], 0), order.get(pair[1], 0)),
    )
    indicator_rows = [
        [f"`{i}`", f"`{s}`", *row[1:]]
        for (i, s), row in zip(indicators, _per_split(stats.indicators, indicators), strict=True)
    ]
    return _render_template(
        meta=meta.rstrip("\n"),
        title=TITLE,
        author=AUTHOR,
        repository=REPOSITORY,
        issues=ISSUES,
        private_reports=PRIVATE_REPORTS,
        bibtex=bibtex(card.version, card.date),
        figure=FIGURE,
        labels_file=LABELS,
        agreement_file=AGREEMENT,
        human_summary=_human_summary(card.human),
        version=card.version,
        date=card.date.isoformat(),
        docs=sum(stats.rows["documents"].values()),
        events=sum(stats.rows["events"].values()),
        spans=sum(stats.rows["spans"].values()),
        period=period,
        data_pattern=data_file("<config>", "<split>"),
        config_table=_lines(
            _table(
                ["config", "row", *SPLITS],
                [[f"`{c}`", CONFIG_DESCRIPTIONS[c], *(stats.rows[c][s] for s in SPLITS)] for c in CONFIGS],
            )
        ),
        empty_note=_empty_note(stats),
        document_splits=_splits(stats.rows["documents"]),
        languages=", ".join(
            f"`{lang}` {n}" for lang, n in sorted(stats.documents.get("language", {}).items())
        ),
        outlet_types=", ".join(
            f"`{k}` {n}" for k, n in sorted(stats.documents.get("outlet_type", {}).items())
        ),
        annotators_table=_lines(
            _table(
                ["annotations", *SPLITS, "total"],
                _per_split(stats.annotators, sorted({k for c in stats.annotators.values() for k in c})),
            )
        ),
        agreement_table=_lines(
            _table(
                ["document", "annotators", "agreement"],
                [
                    [f"`{doc}`", n, "n/a" if a is None else f"{a:.3f}"]
                    for doc, (n, a) in card.agreement.items()
                ],
            )
        )
        if card.agreement
        else "",
        withheld=card.withheld,
        labels_section=("\n" + _lines(labels)) if labels else "",
        indicators_table=_lines(_table(["indicator", "status", *SPLITS, "total"], indicator_rows))
        if indicators
        else "",
        outlets=", ".join(f"{name} ({n})" for name, n in sorted(stats.documents.get("outlet", {}).items())),
        input_annotations=card.input_annotations,
        withheld_values=card.withheld_values,
        previous=card.previous,
        changes=[*(changelog(card.changes) if card.changes is not None else []), *_pseudonym_change(card)],
        pseudonyms_since=card.pseudonyms_since,
        legacy_pseudonyms=", ".join(card.legacy_pseudonyms),
    )


def _lines(lines: list[str]) -> str:
    return "\n".join(lines)
