"""Our rendering of features agrees with `datasets` itself, so the card and the Parquet metadata load as
declared."""

from __future__ import annotations

import datasets
import pyarrow as pa
import pytest

from nklabor import load_schemas
from nklabor.release.features import (
    ClassLabel,
    List,
    Value,
    arrow_schema,
    class_labels,
    features_of,
    from_hf_json,
    hf_json,
    hf_yaml,
)
from nklabor.release.tables import CONFIGS, Columns


@pytest.fixture(scope="module")
def columns() -> Columns:
    return Columns(load_schemas())


@pytest.mark.parametrize("config", CONFIGS)
def test_yaml_and_json_match_datasets(columns: Columns, config: str) -> None:
    features = columns.configs[config]
    theirs = datasets.Features.from_dict({name: hf_json(f) for name, f in features.items()})
    assert theirs._to_yaml_list() == hf_yaml(features)
    assert datasets.Features._from_yaml_list(hf_yaml(features)) == theirs
    assert theirs.arrow_schema.remove_metadata().equals(arrow_schema(features).remove_metadata())


@pytest.mark.parametrize("config", CONFIGS)
def test_schema_metadata_round_trips(columns: Columns, config: str) -> None:
    schema = columns.schemas_by_config[config]
    assert features_of(schema) == {
        name: from_hf_json(hf_json(f)) for name, f in columns.configs[config].items()
    }
    hf = datasets.Features.from_arrow_schema(schema)
    assert isinstance(hf["id" if config == "documents" else "document_id"], datasets.Value)


def test_label_columns_carry_the_codebook_ids(columns: Columns) -> None:
    schemas = load_schemas()
    events = columns.configs["events"]
    assert events["mobilization_type"] == ClassLabel(
        "mobilization_type", tuple(schemas.labels["mobilization_type"].names)
    )
    assert events["population"] == List(ClassLabel("population", tuple(schemas.labels["population"].names)))
    assert events["source_credibility"].names == ("1", "2", "3", "4", "5", "6")  # type: ignore[union-attr]
    labels = class_labels(events)
    assert {
        "mobilization_type",
        "population",
        "forced_labour_assessment",
        "sanctions_period",
    } <= set(labels)
    assert "document_id" not in labels and "coercion" not in labels


def test_types() -> None:
    schema = arrow_schema(
        {
            "a": ClassLabel("x", ("p", "q")),
            "b": List(Value("int32")),
            "c": Value("date32"),
            "d": {"e": Value("string")},
        }
    )
    assert schema.field("a").type == pa.int64()
    assert schema.field("b").type == pa.list_(pa.int32())
    assert schema.field("c").type == pa.date32()
    assert schema.field("d").type == pa.struct([pa.field("e", pa.string())])
    with pytest.raises(ValueError):
        Value("float16")
