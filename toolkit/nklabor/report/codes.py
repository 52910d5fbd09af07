"""The catalogue of finding codes. Codes are stable: renaming one is a breaking change for CI users."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    """A kind of finding: its slug, the layer that raises it, and what it means."""

    slug: str
    layer: str
    description: str


_ENTRIES: list[tuple[str, str, str]] = [
    # files and paths
    ("path.symlink", "file", "A symbolic link: reported, never followed."),
    (
        "path.case-collision",
        "file",
        "Two file names in one folder differ only by case or by Unicode normalisation (NFC/NFD); they "
        "collide on "
        "some systems.",
    ),
    (
        "path.not-regular-file",
        "file",
        "A FIFO, socket or device named like an annotation: reported, never opened.",
    ),
    ("file.empty", "file", "The file has no content."),
    (
        "record.too-large",
        "file",
        "One record (a .json file, or a JSONL line) is larger than the per-record cap.",
    ),
    (
        "encoding.bom",
        "encoding",
        "The file starts with a byte-order mark; save it as UTF-8 without BOM.",
    ),
    ("encoding.utf16", "encoding", "The file is UTF-16 (or has NUL bytes); save it as UTF-8."),
    (
        "encoding.invalid-utf8",
        "encoding",
        "Bytes that are not UTF-8 (often CP1252 quotes or a Latin-1 file).",
    ),
    (
        "encoding.lone-surrogate",
        "encoding",
        "A \\uD800-\\uDFFF escape without its pair: not a Unicode character.",
    ),
    # JSON syntax
    ("json.syntax", "json", "Not valid JSON."),
    ("json.trailing-comma", "json", "A comma before a closing bracket or brace."),
    (
        "json.extra-data",
        "json",
        "More content after the first JSON value (in JSONL: one value per line).",
    ),
    (
        "json.duplicate-key",
        "json",
        "The same key twice in one object; JSON readers disagree on which one wins.",
    ),
    (
        "json.non-finite-number",
        "json",
        "NaN, Infinity or a number too large for a float (e.g. 1e400).",
    ),
    (
        "json.unsafe-integer",
        "json",
        "An integer beyond +/-(2**53 - 1), which many JSON readers corrupt.",
    ),
    ("json.too-deep", "json", "Nesting deeper than any annotation needs."),
    (
        "json.float-for-integer",
        "json",
        "A number with a fraction or exponent (3.0, 1e2) where the schema wants an integer token (3).",
    ),
    ("jsonl.blank-line", "json", "A blank line in a JSONL file."),
    (
        "record.not-object",
        "json",
        "A record that is not a JSON object (null, a list, a string, a number).",
    ),
    # structure (JSON Schema keywords)
    (
        "schema.outdated-version",
        "schema",
        "The file declares an older schema version: `nklabor migrate` rewrites it to the current one.",
    ),
    (
        "migrate.needs-decision",
        "migration",
        "The file cannot be migrated without a human decision (e.g. an indicator that was split): not "
        "written.",
    ),
    (
        "migrate.check",
        "migration",
        "Warning: migrated, but the old schema could not record this (a title's provenance, a count's "
        "hedging): check it.",
    ),
    ("schema.required", "schema", "A required property is missing."),
    ("schema.additional-property", "schema", "A property the schema does not define."),
    ("schema.type", "schema", "A value of the wrong JSON type."),
    ("schema.enum", "schema", "A value outside the codebook's ids."),
    ("schema.format", "schema", "A malformed date, date-time or URI."),
    ("schema.pattern", "schema", "A string that does not match its pattern."),
    ("schema.length", "schema", "A string that is too short or too long."),
    ("schema.range", "schema", "A number below the minimum or above the maximum."),
    ("schema.items", "schema", "Too few or too many items in a list."),
    ("schema.unique-items", "schema", "A list repeats an item."),
    ("schema.invalid", "schema", "Any other schema violation."),
    # semantic rules of the codebook
    ("text.hash-mismatch", "semantic", "document.text_sha256 is not the SHA-256 of the text."),
    ("text.not-nfc", "semantic", "document.text is not in Unicode NFC."),
    ("text.line-endings", "semantic", "document.text has \\r line endings; use \\n."),
    ("span.out-of-range", "semantic", "A span's offsets are outside the text or start >= end."),
    ("span.quote-mismatch", "semantic", "text[start:end] differs from the span's quote."),
    (
        "span.splits-grapheme",
        "semantic",
        "Warning: a span edge falls inside a user-perceived character (a letter "
        "with combining marks, an emoji sequence).",
    ),
    ("coercion.duplicate-indicator", "semantic", "The same indicator twice in one event."),
    ("counts.order", "semantic", "A count (or casualty figure) must satisfy min <= best <= max."),
    ("counts.qualifier-mismatch", "semantic", "The numbers given do not fit the count qualifier."),
    (
        "counts.primary",
        "semantic",
        "An event with counts marks exactly one of them primary (the figure to aggregate).",
    ),
    (
        "counts.duplicate-scope",
        "semantic",
        "Two counts of one event with the same scope; keep one figure per scope.",
    ),
    ("counts.as-of-needs-cumulative", "semantic", "as_of dates a cumulative count only."),
    ("time.order", "semantic", "time.start is after time.end."),
    ("date.invalid", "semantic", "A date of the right shape that is not a calendar day (2021-02-30)."),
    (
        "metadata.provenance-mismatch",
        "semantic",
        "A title or publication date without a value must have provenance unknown, and one with a value "
        "must not.",
    ),
    (
        "metadata.missing-basis",
        "semantic",
        "A reconstructed, translated or unknown title or date needs a basis: how it was worked out.",
    ),
    ("place.unknown-country", "semantic", "Not an ISO 3166-1 alpha-2 country code."),
    ("place.unknown-subdivision", "semantic", "Not an ISO 3166-2 subdivision code."),
    (
        "place.subdivision-mismatch",
        "semantic",
        "The subdivision's prefix differs from the country.",
    ),
    (
        "sanctions.needs-foreign-place",
        "semantic",
        "direct/possible sanctions relevance needs a place outside KP.",
    ),
    (
        "sanctions.needs-provision",
        "semantic",
        "direct/possible sanctions relevance needs at least one provision.",
    ),
    (
        "sanctions.direct-needs-realised",
        "semantic",
        "direct sanctions relevance needs income being earned (status ongoing or completed); plans are "
        "possible.",
    ),
    ("sanctions.duplicate-evasion", "semantic", "The same evasion method twice in one event."),
    (
        "source.credibility-needs-corroboration",
        "semantic",
        "Credibility 1 needs a second, independent source recorded in sources.",
    ),
    ("event.legal-basis-needs-detention", "semantic", "legal_basis applies to detention types only."),
    ("event.needs-foreign-place", "semantic", "overseas_dispatch needs a place outside KP."),
    ("event.duplicate-id", "semantic", "Two events of one annotation share an id."),
    ("event.secondary-repeats-primary", "semantic", "secondary_types repeats mobilization_type."),
    ("annotation.irrelevant-with-events", "semantic", "relevant is false but events is not empty."),
    # across files
    ("annotator.unregistered", "cross-file", "The annotator id is not in annotators.json."),
    ("annotator.role-not-granted", "cross-file", "The annotator is not registered for this role."),
    ("annotation.duplicate", "cross-file", "A second annotation of one document by one annotator."),
    (
        "document.hash-conflict",
        "cross-file",
        "Annotations of one document carry different text hashes.",
    ),
    ("registry.missing", "cross-file", "No annotators.json in the folder or any parent folder."),
    (
        "registry.personal-data",
        "cross-file",
        "annotators.json holds a name, e-mail address or other personal data.",
    ),
    ("registry.duplicate-id", "cross-file", "annotators.json lists an id twice."),
    # predictions scored against a release (`nklabor evaluate`)
    ("prediction.unknown-document", "evaluation", "A prediction of a document the release does not hold."),
    (
        "prediction.text-mismatch",
        "evaluation",
        "A prediction's text hash differs from the release's text of that document: its offsets cannot be "
        "compared.",
    ),
    # a Label Studio export (`nklabor labelstudio import`)
    ("labelstudio.not-an-export", "labelstudio", "Not a Label Studio JSON export: a list of tasks."),
    (
        "labelstudio.no-document",
        "labelstudio",
        "A task without the text and document that `nklabor labelstudio export` gives it.",
    ),
    (
        "labelstudio.text-changed",
        "labelstudio",
        "The task's text differs from the text its document was exported with (SHA-256).",
    ),
    (
        "labelstudio.no-annotation",
        "labelstudio",
        "Warning: a task with no annotation to import (or skipped).",
    ),
    (
        "labelstudio.several-annotations",
        "labelstudio",
        "A task with several annotations: choose whose to import (by Label Studio user).",
    ),
    ("labelstudio.duplicate-document", "labelstudio", "Two tasks of one document."),
    (
        "labelstudio.unknown-control",
        "labelstudio",
        "A result from a control the labeling config does not have.",
    ),
    ("labelstudio.unknown-label", "labelstudio", "A label or choice that is not a codebook id."),
    (
        "labelstudio.bad-value",
        "labelstudio",
        "A value of the wrong shape for its control (two labels on one region, two entries in a single "
        "field, a number that is not an integer, a date that is not YYYY-MM-DD).",
    ),
    ("labelstudio.span-off-text", "labelstudio", "A region's offsets are outside the task's text."),
    (
        "labelstudio.span-mismatch",
        "labelstudio",
        "The text between a region's offsets (in code points, or in UTF-16 units) is not the region's text.",
    ),
    (
        "labelstudio.offsets-converted",
        "labelstudio",
        "Warning: a region's offsets counted UTF-16 units; they were converted to code points.",
    ),
    (
        "labelstudio.ambiguous-region",
        "labelstudio",
        "One region carries labels of two span controls (an event and an indicator): make it two regions.",
    ),
    (
        "labelstudio.orphan-value",
        "labelstudio",
        "A per-region value whose region does not exist or holds another kind of label.",
    ),
    (
        "labelstudio.bad-relation",
        "labelstudio",
        "A relation that does not link evidence to one event (unknown regions, no event, two events).",
    ),
    (
        "labelstudio.unlinked-region",
        "labelstudio",
        "Evidence not linked to its event by a relation, in an annotation with several events (or none).",
    ),
    (
        "labelstudio.conflicting-values",
        "labelstudio",
        "Values that disagree: two regions of one event both carry its fields, or one indicator's regions "
        "give different statuses.",
    ),
    (
        "labelstudio.bad-extra",
        "labelstudio",
        "event_extra does not hold the JSON object of an event's fields.",
    ),
    (
        "labelstudio.missing-value",
        "labelstudio",
        "The annotation does not say whether the article is relevant.",
    ),
]

CODES: dict[str, Code] = {slug: Code(slug, layer, text) for slug, layer, text in _ENTRIES}
