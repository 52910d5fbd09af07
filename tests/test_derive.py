"""Derived values: the forced-labour assessment and the sanctions period."""

from __future__ import annotations

import pytest

from nklabor.derive import forced_labour_assessment, sanctions_period
from nklabor.schema import load_schemas

DIMS = load_schemas().dimensions


def event(*coded: tuple[str, str]) -> dict[str, object]:
    return {"coercion": [{"indicator": i, "status": s} for i, s in coded]}


@pytest.mark.parametrize(
    ("coded", "expected"),
    [
        ((), "insufficient"),
        ((("st_compulsory_order", "stated"),), "possible"),
        ((("st_compulsory_order", "stated"), ("st_ration_cut", "hedged")), "indicated"),
        ((("st_compulsory_order", "stated"), ("st_ration_cut", "implied")), "possible"),
        ((("ilo_deception", "denied"), ("st_ration_cut", "denied")), "insufficient"),
        ((("ilo_withholding_of_wages", "hedged"), ("st_detention_threat", "stated")), "possible"),
    ],
)
def test_assessment(coded: tuple[tuple[str, str], ...], expected: str) -> None:
    assert forced_labour_assessment(event(*coded), DIMS) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2016-01-01", "2017-08-04", "pre_2371"),
        ("2017-08-05", "2017-09-10", "2371_2375"),
        ("2017-09-11", "2019-12-22", "2375_2397"),
        ("2019-12-23", "2025-01-01", "post_repatriation_deadline"),
        ("2017-08-04", "2017-08-05", "spans_periods"),
        ("2019-12-22", "2019-12-23", "spans_periods"),
    ],
)
def test_sanctions_period_boundaries(start: str, end: str, expected: str) -> None:
    assert sanctions_period({"time": {"start": start, "end": end, "precision": "day"}}) == expected


def test_sanctions_period_without_dates() -> None:
    assert sanctions_period({"time": {"precision": "unknown"}}) == "unknown"


def test_derived_ids_are_schema_labels() -> None:
    labels = load_schemas().labels
    assert set(labels["forced_labour_assessment"].names) == {
        "indicated",
        "possible",
        "insufficient",
    }
    assert "spans_periods" in labels["sanctions_period"].names
