"""Text renderers for every result a command prints. They only format; they decide nothing.

A validation `Report` has its reporters in `nklabor.report.reporters`; the JSON form of every result is its
`to_dict()`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..release.layout import CONFIGS, MANIFEST, PSEUDONYMS, SPLITS

if TYPE_CHECKING:  # types only: rendering never pays for importing what it renders
    from ..agreement.measure import AgreementReport
    from ..annotating.adjudication import Plan
    from ..annotating.migration import MigrationReport
    from ..config import Config
    from ..evaluation.run import Evaluation
    from ..release.build import BuildResult
    from ..release.diff import ReleaseDiff
    from ..release.listing import ReleaseInfo
    from ..release.verify import VerifyResult


def _num(value: float | None, width: int = 7) -> str:
    if value is None:
        return "n/a".rjust(width)
    if math.isnan(value):
        return "nan".rjust(width)
    return f"{value:.3f}".rjust(width)


def agreement_text(report: AgreementReport) -> str:
    """A readable table: families, pairs of annotators, documents worst first, and the gate."""
    lines: list[str] = []
    excluded = (
        f"{len(report.single)} document(s) with one annotator excluded"
        if report.single
        else "no document with a single annotator"
    )
    lines.append(
        f"Agreement over {report.compared} of {report.total_documents} document(s) with two or more "
        f"annotators ({', '.join(report.annotators) or 'none'}); {excluded}; "
        f"{report.adjudications} adjudication(s) not counted."
    )
    if not report.documents:
        lines.append("Nothing to compare: every document has a single annotator.")
    else:
        width = max(len("field"), *(len(f.field) for f in report.fields))
        lines.append("")
        lines.append(f"{'field'.ljust(width)}  {'measure':<16} {'units':>5}  {'alpha':>7}  {'observed':>8}")
        for row in report.fields:
            flag = ""
            if report.min_alpha is not None and row.alpha is not None and row.alpha < report.min_alpha:
                flag = f"  < {report.min_alpha:g}"
            alpha_text = "—".rjust(7) if row.measure == "span overlap F1" else _num(row.alpha)
            lines.append(
                f"{row.field.ljust(width)}  {row.measure:<16} {row.units:>5}  {alpha_text}  "
                f"{_num(row.observed, 8)}{flag}"
            )
        lines.append(
            "alpha: Krippendorff's alpha (n/a = no variation, undefined); observed: mean pairwise agreement "
            "(MASI for sets, span overlap F1 for evidence)."
        )
        lines.append("")
        lines.append("Annotator pairs (mean per-document agreement, documents in common)")
        label = max(8, *(len(a) + 2 for a in report.annotators))
        cell = max(14, label)
        head = " " * label + "".join(a.ljust(cell) for a in report.annotators)
        lines.append(head.rstrip())
        pairs = {(p.a, p.b): p for p in report.pairs}
        for a in report.annotators:
            cells = []
            for b in report.annotators:
                pair = pairs.get((a, b)) or pairs.get((b, a))
                if a == b:
                    cells.append("—".ljust(cell))
                elif pair is None or pair.agreement is None:
                    cells.append("— (0)".ljust(cell))
                else:
                    cells.append(f"{pair.agreement:.3f} ({pair.documents})".ljust(cell))
            lines.append((a.ljust(label) + "".join(cells)).rstrip())
        lines.append("")
        lines.append("Documents, worst first")
        id_width = max(len("document"), *(len(d.id) for d in report.documents))
        lines.append(f"{'agreement':>9}  {'document'.ljust(id_width)}  annotators  weakest")
        for doc in report.documents:
            weak = ", ".join(f"{n} {v:.2f}" for n, v in doc.weakest()) or "—"
            lines.append(f"{doc.agreement:9.3f}  {doc.id.ljust(id_width)}  {len(doc.annotators):>10}  {weak}")
        lines.extend(_event_lines(report))
    if report.min_alpha is not None:
        lines.append("")
        failed = report.gate_failed
        if failed:
            lines.append(f"gate failed (--min-alpha {report.min_alpha:g}): " + "; ".join(failed))
        else:
            lines.append(f"gate passed: every defined alpha >= {report.min_alpha:g}")
    return "\n".join(lines)


def _event_lines(report: AgreementReport) -> list[str]:
    """The event-level table: alpha per field over the aligned events, then the events nothing matched."""
    lines = [
        "",
        f"Events: {report.clusters} aligned cluster(s) over the compared documents; "
        f"{len(report.unaligned)} event(s) match no other annotator's",
    ]
    width = max(len("field"), *(len(f.field) for f in report.events)) if report.events else len("field")
    lines.append(f"{'field'.ljust(width)}  {'measure':<9} {'units':>5}  {'alpha':>7}  {'observed':>8}")
    for row in report.events:
        flag = ""
        if report.min_alpha is not None and row.alpha is not None and row.alpha < report.min_alpha:
            flag = f"  < {report.min_alpha:g}"
        lines.append(
            f"{row.field.ljust(width)}  {row.measure:<9} {row.units:>5}  {_num(row.alpha)}  "
            f"{_num(row.observed, 8)}{flag}"
        )
    lines.append(
        "units: aligned events (pairs of annotators' events of one episode); for presence rows (cluster, "
        "value); coercion.status: (cluster, indicator) both coded, denied < implied < hedged < stated."
    )
    for loose in report.unaligned:
        lines.append(f"unaligned: {loose.document} {loose.annotator} {loose.event_id} ({loose.summary})")
    return lines


def adjudication_text(plan: Plan, written: Sequence[Path]) -> str:
    """What was written and what was left alone, one line per document."""
    lines = [f"wrote {p}" for p in written]
    width = max((len(a.document_id) for a in plan.adjudications), default=0)
    for a in plan.adjudications:
        figure = "n/a" if a.agreement is None else f"{a.agreement:.3f}"
        kind = "accepted" if a.final else "draft"
        lines.append(
            f"{kind:<9} {a.document_id.ljust(width)}  {', '.join(a.annotators)}  agreement {figure}  "
            f"{len(a.disputes)} dispute(s)"
        )
    for doc in plan.unanimous_skipped:
        lines.append(f"unanimous {doc}  (pass --accept-unanimous to write it as adjudicated)")
    for doc, where in plan.pending:
        lines.append(f"pending   {doc}  draft not settled yet in {where}")
    if plan.adjudicated:
        lines.append(f"{len(plan.adjudicated)} document(s) already adjudicated")
    if plan.single:
        lines.append(f"{len(plan.single)} document(s) with one annotator: nothing to adjudicate")
    if not plan.adjudications:
        lines.append("nothing written")
    return "\n".join(lines)


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


def _names(items: Sequence[str]) -> str:
    return ", ".join(items)


def _renames(items: Sequence[Any]) -> list[str]:
    return [f"{r.old} -> {_names(r.new)}" for r in items]


def _schema_lines(diff: ReleaseDiff) -> list[str]:
    schema = diff.schema
    if schema.old_version is None or schema.new_version is None:
        return ["schema: no schema snapshot to compare"]
    if schema.empty:
        return [f"schema: codebook {schema.new_version} in both, unchanged"]
    lines = [f"schema: codebook {schema.old_version} -> {schema.new_version}"]
    lines += [f"  > field {r}" for r in _renames(schema.fields.renamed)]
    if schema.fields.added:
        lines.append(f"  + fields: {_names(schema.fields.added)}")
    if schema.fields.removed:
        lines.append(f"  - fields: {_names(schema.fields.removed)}")
    if schema.vocabularies.added:
        lines.append(f"  + vocabularies: {_names(schema.vocabularies.added)}")
    if schema.vocabularies.removed:
        lines.append(f"  - vocabularies: {_names(schema.vocabularies.removed)}")
    for name, ids in schema.ids.items():
        lines += [f"  > id {name}.{r}" for r in _renames(ids.renamed)]
    for sign, attr in (("+", "added"), ("-", "removed")):
        found = [
            f"{name}: {_names(getattr(ids, attr))}" for name, ids in schema.ids.items() if getattr(ids, attr)
        ]
        if found:
            lines.append(f"  {sign} ids: {'; '.join(found)}")
    return lines


def _column_lines(diff: ReleaseDiff) -> list[str]:
    lines = [f"+ config {c}" for c in diff.configs_added] + [f"- config {c}" for c in diff.configs_removed]
    if not diff.columns:
        return lines
    lines.append("columns:")
    for config, changes in diff.columns.items():
        nested = False
        if config == "documents" and "events" in diff.columns:
            changes, nested = changes.outside("events.")
        parts = []
        if changes.added:
            parts.append(f"+ {_names(changes.added)}")
        if changes.removed:
            parts.append(f"- {_names(changes.removed)}")
        parts += [f"> {r}" for r in _renames(changes.renamed)]
        parts += [f"~ {r.column}: {r.old} -> {r.new}" for r in changes.retyped]
        if nested:
            parts.append("events.*: as in events")
        lines.append(f"  {config}: {'; '.join(parts)}")
    return lines


def _gold(source: str, annotators: int | None) -> str:
    return f"{source} ({annotators} annotators)" if source == "adjudicated" else source


def _document_lines(diff: ReleaseDiff) -> list[str]:
    lines = [f"+ document {doc}" for doc in diff.documents_added]
    lines += [f"- document {doc}" for doc in diff.documents_removed]
    lines += [f"~ document {doc}: text changed" for doc in diff.documents_retexted]
    lines += [
        f"~ document {g.id}: gold {_gold(g.old, g.old_annotators)} -> {_gold(g.new, g.new_annotators)}"
        for g in diff.gold_changed
    ]
    lines += [f"~ document {doc}: edited {', '.join(cols)}" for doc, cols in diff.documents_edited]
    lines += [f"! document {doc}: split {old} -> {new}" for doc, old, new in diff.documents_resplit]
    if diff.documents_compared and not diff.documents_resplit:
        lines.append(f"splits: no document moved ({diff.documents_compared} in both releases)")
    return lines


def diff_text(diff: ReleaseDiff) -> str:
    """The human-readable report of a release diff."""
    if diff.empty:
        return f"{diff.old} -> {diff.new}: " + "; ".join(diff.summary())
    lines = [
        f"{diff.old} -> {diff.new}: " + "; ".join(diff.summary()),
        *_schema_lines(diff),
        *_column_lines(diff),
        *_document_lines(diff),
    ]
    lines += [f"+ event {doc}/{ev}" for doc, ev in diff.events_added]
    lines += [f"- event {doc}/{ev}" for doc, ev in diff.events_removed]
    for doc, ev, changes in diff.relabelled:
        shown = "; ".join(f"{k}: {_show(o)} -> {_show(n)}" for k, (o, n) in changes.items())
        lines.append(f"~ event {doc}/{ev}: {shown}")
    lines += [f"~ event {doc}/{ev}: edited {', '.join(cols)}" for doc, ev, cols in diff.edited]
    if diff.label_counts:
        lines.append("label counts (all splits):")
        for col, counts in diff.label_counts.items():
            shown = ", ".join(f"{name} {o} -> {n} ({n - o:+d})" for name, (o, n) in counts.items())
            lines.append(f"  {col}: {shown}")
    return "\n".join(lines)


def build_text(result: BuildResult) -> str:
    """What a build published, per config and split, and what was withheld."""

    def per_split(config: str) -> str:
        counts = result.rows[config]
        return f"{sum(counts.values())} {config} ({', '.join(f'{s} {counts[s]}' for s in SPLITS)})"

    line = f"built {result.path}: " + "; ".join(per_split(c) for c in CONFIGS)
    if result.withheld:
        line += f"\nwithheld until adjudicated: {', '.join(w.document_id for w in result.withheld)}"
    if result.new_pseudonyms:
        line += (
            f"\n{result.new_pseudonyms} annotator(s) got a stable pseudonym: commit "
            f"{result.path.parent / PSEUDONYMS} with the release (never publish it)"
        )
    return line


def verify_text(result: VerifyResult) -> tuple[list[str], str]:
    """(problem lines, summary line) of a verification."""
    problems = [f"{result.path}/{p}" for p in result.problems]
    if result.ok:
        return problems, f"{result.path}: {result.checked} file(s) match {MANIFEST}"
    return problems, f"{result.path}: {len(result.problems)} problem(s)"


# What an unset setting means.
_UNSET = {
    "registry": "(the nearest annotators.json above each file)",
    "default_annotator": "(none)",
    "min_alpha": "(no agreement gate)",
}


def config_text(config: Config) -> str:
    """The effective settings, one per line: name, value (as JSON) and where it came from."""
    shown = config.to_dict()
    where = f"{shown['file']}" if shown["file"] else "no configuration file (defaults)"
    lines = [f"configuration: {where}; project root: {shown['root']}"]
    rows = [
        (
            name,
            _UNSET.get(name, "null") if s["value"] is None else json.dumps(s["value"], ensure_ascii=False),
            s["source"],
        )
        for name, s in shown["settings"].items()
    ]
    name_width = max(len(r[0]) for r in rows)
    value_width = max(len(r[1]) for r in rows)
    lines.extend(f"{n.ljust(name_width)}  {v.ljust(value_width)}  {src}" for n, v, src in rows)
    return "\n".join(lines)


def agreement_github(report: AgreementReport) -> str:
    """The text report, then a GitHub workflow annotation saying whether the gate passed (one error per
    failing field), so that a failed gate shows on the run's summary."""
    lines = [agreement_text(report)]
    if report.min_alpha is None:
        return lines[0]
    failed = report.gate_failed
    for reason in failed:
        lines.append(f"::error title=nklabor agreement::{_escape(reason)} (min_alpha {report.min_alpha:g})")
    if not failed:
        lines.append(
            f"::notice title=nklabor agreement::gate passed: every defined alpha >= {report.min_alpha:g}"
        )
    return "\n".join(lines)


def _escape(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def migration_text(report: MigrationReport, check: bool) -> str:
    """Every finding as `file:line:col: $.path [code] message`, then one line of what was (or would be)
    done."""
    lines = [f"{i.file}:{i.line}:{i.column}: {i.path} [{i.code}] {i.message}" for i in report.issues]
    verb = "would migrate" if check else "migrated"
    done = len(report.pending) if check else len(report.written)
    current = len([f for f in report.files if not f.changed and not f.blocked])
    lines.append(
        f"{verb} {done} file(s); {len(report.blocked)} need(s) a decision; {current} already current"
    )
    return "\n".join(lines)


def size_text(n: int) -> str:
    """Bytes for a person: `812 B`, `3.4 KiB`, `1.2 MiB`."""
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{n} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError(n)  # the loop returns at GiB


def list_text(found: Sequence[ReleaseInfo], folder: Path) -> str:
    """One row per published release."""
    if not found:
        return f"{folder}: no published release"
    header = ["version", "date", "codebook", "size", "files", *CONFIGS]
    rows = [
        [
            r.version,
            r.date or "?",
            r.codebook or "?",
            size_text(r.bytes),
            str(r.files),
            *(str(r.total(c)) for c in CONFIGS),
        ]
        for r in found
    ]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    right = {3, 4, 5, 6, 7}
    lines = [
        "  ".join(
            cell.rjust(w) if i in right else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in [header, *rows]
    ]
    return "\n".join(lines)


Figures = tuple[float | None, float | None, float | None, float | None, float | None, float | None]
_COLUMNS = (("P", 6), ("R", 6), ("F1", 6), ("macro F1", 9), ("human F1", 9), ("human macro", 12))


def _evaluation_rows(result: Evaluation) -> list[tuple[str, str, Figures | None]]:
    """(label, measure, figures) per line; a line without figures is a group heading."""
    scores, human = result.scores, result.human_figure
    events, evidence = scores.events, scores.evidence
    rows: list[tuple[str, str, Figures | None]] = [
        (
            "events",
            "aligned events",
            (events.precision, events.recall, events.f1, None, human("events"), None),
        )
    ]
    group = "events"
    for name, item in scores.fields.items():
        if item.group != group:
            group = item.group
            rows.append((f"[{group}]", "", None))
        micro = item.micro
        rows.append(
            (
                name,
                item.measure,
                (
                    micro.precision,
                    micro.recall,
                    micro.f1,
                    item.macro_f1,
                    human(name),
                    human(name, "macro_f1"),
                ),
            )
        )
        if name == "coercion":  # every indicator, scored with its status
            rows += [
                (f"  {cls}", "", (t.precision, t.recall, t.f1, None, human(name, cls=cls), None))
                for cls, t in sorted(item.classes.items())
            ]
    rows.append(("[evidence]", "", None))
    rows.append(
        (
            "evidence",
            "span overlap",
            (evidence.precision, evidence.recall, evidence.f1, None, human("evidence"), None),
        )
    )
    return rows


def evaluation_text(result: Evaluation) -> str:
    """The scores as a table: one row per figure, the human agreement on the same split beside it."""
    scores, human = result.scores, result.human or {}
    if human.get("documents"):
        ceiling = (
            f"Human agreement beside each figure: {human['documents']} document(s) of {result.split} with "
            f"two or more annotators, {human['comparisons']} comparison(s)."
        )
    else:
        ceiling = f"Human agreement: no document of {result.split} had two annotators, so none is shown."
    lines = [
        f"Scored {result.predicted} prediction(s) on {result.release} {result.split}: {scores.documents} "
        f"document(s), {scores.gold_events} gold event(s), {scores.predicted_events} predicted.",
        ceiling,
        "",
    ]
    rows = _evaluation_rows(result)
    width = max(len(label) for label, _, _ in rows)
    measure = max(len(m) for _, m, _ in rows)
    lines.append(
        f"{'field'.ljust(width)}  {'measure'.ljust(measure)}" + "".join(name.rjust(w) for name, w in _COLUMNS)
    )
    for label, what, figures in rows:
        if figures is None:
            lines.append(label)
            continue
        cells = "".join(
            ("—" if v is None else f"{v:.3f}").rjust(w) for v, (_, w) in zip(figures, _COLUMNS, strict=True)
        )
        lines.append(f"{label.ljust(width)}  {what.ljust(measure)}{cells}".rstrip())
    lines += [
        "",
        "P/R/F1: micro over the split's documents (— where there was nothing to score); macro F1: mean over "
        "classes; human: one annotator scored against another, before adjudication.",
    ]
    if result.missing:
        lines.append(f"no prediction (scored as no event): {', '.join(result.missing)}")
    if result.ignored:
        lines.append(f"ignored ({len(result.ignored)} of other splits): {', '.join(result.ignored)}")
    return "\n".join(lines)
