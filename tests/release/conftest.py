"""Fixtures for the release tests: small synthetic corpora (with notes carrying a `SENSITIVE-NOTE-` marker) and
one release built from them, shared read-only by the tests that only inspect it."""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from toolkit import load_schemas, synthetic
from toolkit.release.build import BuildResult, build_release

ROOT = Path(__file__).resolve().parents[2]
SEED_RELEASE = ROOT / "releases" / "v1.0.0"
MARKER = "SENSITIVE-NOTE-"

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def corpus_annotations(n: int, seed: int = 3, two_annotators: Iterable[int] = (),
                       adjudicated: Iterable[int] = ()) -> list[dict[str, Any]]:
    """`n` synthetic documents, one annotation each; documents in `two_annotators` also get ann-02, those in
    `adjudicated` get ann-02 and the adjudicator adj-01. Every annotation carries a note."""
    schemas = load_schemas()
    rng = random.Random(seed)
    two, adj = set(two_annotators), set(adjudicated)
    out = []
    for i in range(n):
        annotators = ["ann-01"]
        if i in two or i in adj:
            annotators.append("ann-02")
        if i in adj:
            annotators.append(synthetic.ADJUDICATOR)
        for annotator in annotators:
            annotation = synthetic.annotation(rng, i, seed, annotator, schemas)
            annotation["notes"] = f"{MARKER}{seed}-{i}-{annotator}: the source is a cousin of the brigade leader"
            out.append(annotation)
    return out


def write_corpus(folder: Path, annotations: list[dict[str, Any]]) -> Path:
    """Annotations as one JSONL file beside an annotators.json; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "annotators.json").write_text(json.dumps(synthetic.registry()), encoding="utf-8")
    with (folder / "corpus.jsonl").open("w", encoding="utf-8") as handle:
        for annotation in annotations:
            handle.write(json.dumps(annotation, ensure_ascii=False) + "\n")
    return folder


def normal(kind: pa.DataType) -> pa.DataType:
    """The type with list items named `item` (Parquet names them `element` on the way back)."""
    if pa.types.is_list(kind):
        return pa.list_(normal(kind.value_type))
    if pa.types.is_struct(kind):
        return pa.struct([pa.field(kind.field(i).name, normal(kind.field(i).type)) for i in range(kind.num_fields)])
    return kind


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """12 documents: #3 with two annotators (withheld), #5 adjudicated."""
    return write_corpus(tmp_path / "annotations", corpus_annotations(12, two_annotators=[3], adjudicated=[5]))


@pytest.fixture(scope="session")
def shared_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """One release of 40 synthetic documents (#3, #7 withheld; #5, #11 adjudicated), built once per session.
    Read it, never write to it."""
    root = tmp_path_factory.mktemp("shared")
    annotations = corpus_annotations(40, two_annotators=[3, 7], adjudicated=[5, 11])
    source = write_corpus(root / "annotations", annotations)
    return build_release("1.0.0", source, root / "releases")


@pytest.fixture(scope="session")
def shared_release(shared_build: BuildResult) -> Path:
    return shared_build.path
