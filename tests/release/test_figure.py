"""The card's label-distribution figure: deterministic SVG bytes, drawn from the release's own counts."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from nklabor.release.figure import FAMILIES, render
from nklabor.release.stats import Stats, compute


def test_two_renders_are_byte_identical_and_carry_no_date_or_version(shared_release: Path) -> None:
    stats = compute(shared_release)
    first, second = render(stats), render(compute(shared_release))
    assert first == second
    assert first.startswith(b"<?xml") and b"<svg" in first
    assert b"<dc:date>" not in first and b"Matplotlib v" not in first
    assert (shared_release / "label_distribution.svg").read_bytes() == first


def test_the_figure_draws_each_family_and_only_classes_with_examples(shared_release: Path) -> None:
    stats = compute(shared_release)
    svg = render(stats).decode("utf-8")
    texts = set(re.findall(r"<text[^>]*>([^<]+)</text>", svg))
    for family in FAMILIES:
        if family in stats.labels:
            assert family in texts
            total = stats.total(family)
            for name in stats.names[family]:
                # An empty class is not drawn (a name shared with a drawn family may still appear).
                if total.get(name):
                    assert name in texts, (family, name)
    present = {
        s
        for s in ("train", "validation", "test")
        if any(stats.labels["mobilization_type"].get(s, {}).values())
    }
    assert present <= texts


def test_an_empty_release_gets_a_note() -> None:
    stats = Stats(labels={"mobilization_type": {"train": Counter()}}, names={"mobilization_type": ("a", "b")})
    svg = render(stats).decode("utf-8")
    assert "No labelled events in this release." in svg
