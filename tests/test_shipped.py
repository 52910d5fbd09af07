"""The shipped annotations validate, and deliberately broken copies of them fail with the fault located."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nklabor import validate
from nklabor.annotating.authoring import read_article
from nklabor.annotation import text_sha256
from nklabor.cli import app
from tests.support import ROOT

ANNOTATIONS = ROOT / "annotations"
SHIPPED = sorted(p for p in ANNOTATIONS.glob("*.json") if p.name != "annotators.json")


def test_shipped_annotations_are_valid() -> None:
    report = validate([ANNOTATIONS])
    assert report.issues == []
    assert len(SHIPPED) >= 5


def test_every_seed_article_is_annotated() -> None:
    seeds = ROOT.parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("seed articles not beside the checkout")
    hashes = {json.loads(p.read_text(encoding="utf-8"))["document"]["text_sha256"] for p in SHIPPED}
    for seed in sorted(seeds.glob("*.txt")):
        assert text_sha256(read_article(seed)) in hashes, seed.name


Fault = Callable[[str], tuple[str, str]]  # file text -> (broken text, marker of the faulty line)


def wrong_enum(text: str) -> tuple[str, str]:
    broken = re.sub(r'"mobilization_type": "([a-z_]+)"', r'"mobilization_type": "\1x"', text, count=1)
    return broken, re.search(r'"mobilization_type": "[a-z_]+x"', broken).group(0)  # type: ignore[union-attr]


def span_off_by_one(text: str) -> tuple[str, str]:
    match = re.search(r'"start": (\d+)', text)
    assert match
    return text.replace(
        match.group(0), f'"start": {int(match.group(1)) + 1}', 1
    ), f'"start": {int(match.group(1)) + 1}'


def duplicate_key(text: str) -> tuple[str, str]:
    return text.replace('"status": ', '"status": "x", "status": ', 1), '"status": "x", "status"'


def bad_date(text: str) -> tuple[str, str]:
    match = re.search(r'"end": "(\d{4})-\d\d-\d\d"', text)
    assert match
    return text.replace(
        match.group(0), f'"end": "{match.group(1)}-02-30"', 1
    ), f'"end": "{match.group(1)}-02-30"'


def hash_mismatch(text: str) -> tuple[str, str]:
    match = re.search(r'"text_sha256": "([0-9a-f]{64})"', text)
    assert match
    return text.replace(match.group(1), "0" * 64, 1), '"text_sha256"'


def nan(text: str) -> tuple[str, str]:
    return re.sub(r'"credibility": \d', '"credibility": NaN', text, count=1), '"credibility": NaN'


FAULTS: dict[str, tuple[Fault, str, str]] = {
    "wrong-enum": (wrong_enum, "schema.enum", r"\$\.events\[\d+\]\.mobilization_type"),
    "span-off-by-one": (
        span_off_by_one,
        "span.quote-mismatch",
        r"\$\.events\[\d+\]\..*evidence\[\d+\]",
    ),
    "duplicate-key": (
        duplicate_key,
        "json.duplicate-key",
        r"\$\.events\[\d+\]\.(coercion\[\d+\]\.)?status",
    ),
    "bad-date": (bad_date, "schema.format", r"\$\.events\[\d+\]\.time\.end"),
    "hash-mismatch": (hash_mismatch, "text.hash-mismatch", r"\$\.document\.text_sha256"),
    "nan": (nan, "json.non-finite-number", r"\$\.events\[\d+\]\.sources\[\d+\]\.credibility"),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
@pytest.mark.parametrize("original", SHIPPED[:5], ids=lambda p: p.name)
def test_broken_copy_is_located(tmp_path: Path, original: Path, fault: str) -> None:
    shutil.copy(ANNOTATIONS / "annotators.json", tmp_path)
    make, code, path_pattern = FAULTS[fault]
    broken, marker = make(original.read_text(encoding="utf-8"))
    target = tmp_path / original.name
    target.write_text(broken, encoding="utf-8")
    lines = broken.splitlines()
    start_line = next(i for i, line in enumerate(lines, 1) if marker in line)
    result = CliRunner().invoke(app, ["validate", str(target)])
    assert result.exit_code == 1
    finding = next(line for line in result.output.splitlines() if f"[{code}]" in line)
    match = re.match(rf"{re.escape(str(target))}:(\d+):\d+: ({path_pattern}) \[{re.escape(code)}\]", finding)
    assert match, finding
    # a span fault is reported on the span object, which opens a line or two above its "start"
    assert 0 <= start_line - int(match.group(1)) <= (1 if fault == "span-off-by-one" else 0)


def test_bom_copy_is_located(tmp_path: Path) -> None:
    shutil.copy(ANNOTATIONS / "annotators.json", tmp_path)
    target = tmp_path / SHIPPED[0].name
    target.write_bytes(b"\xef\xbb\xbf" + SHIPPED[0].read_bytes())
    result = CliRunner().invoke(app, ["validate", str(target)])
    assert result.exit_code == 1
    assert result.output.startswith(f"{target}:1:1: $ [encoding.bom]")
