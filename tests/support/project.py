"""A temporary annotating project for the CI tests: a copy of the shipped annotations, a configuration,
and the edits a maintainer makes (one that breaks the text-hash agreement with the other annotators' files,
one that is valid)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from nklabor.annotation import text_sha256
from tests.support import ROOT

DOCUMENT = "dailynk-2021-komdok-soldiers-miners"
"""A shipped document with two annotators and an adjudication."""
CHANGED = f"annotations/{DOCUMENT}.ann-02.json"
KOMDOK = f"{DOCUMENT}.ann-01.json"
"""Its first annotator's file."""
CONFIG = '[tool.nklabor]\nroots = ["annotations"]\n'


def make_project(root: Path, config: str | None = CONFIG) -> Path:
    """`root` holding annotations/ (the shipped files), a pyproject.toml with `config` (none when None), and
    JSON that is not annotations: a release manifest, a schema and a test fixture."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "annotations", root / "annotations")
    if config is not None:
        (root / "pyproject.toml").write_text(config, encoding="utf-8")
    for other in ("releases/v1.0.0/croissant.json", "schema/annotation.schema.json"):
        (root / other).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / other, root / other)
    (root / "tests" / "data").mkdir(parents=True)
    (root / "tests" / "data" / "broken.json").write_text('{"not": "an annotation"', encoding="utf-8")
    return root


def others(root: Path) -> int:
    """How many annotation files of `root`'s corpus a run given one of them consults: all but that one."""
    return sum(1 for p in (root / "annotations").glob("*.json") if p.name != "annotators.json") - 1


def one_annotation(folder: Path, name: str = KOMDOK) -> Path:
    """A copy of one shipped annotation (and the registry) in `folder`; returns the copy's path."""
    shutil.copy(ROOT / "annotations" / "annotators.json", folder)
    shutil.copy(ROOT / "annotations" / name, folder)
    return folder / name


def all_strings(value: Any) -> list[str]:
    """Every string in a JSON value, depth first."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in all_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in all_strings(v)]
    return []


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def save(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def retext(path: Path) -> None:
    """Append a sentence to the document's text and store its new hash: the file stays valid on its own (its
    spans come before the end), but no longer agrees with the other annotations of the document."""
    data = load(path)
    text = data["document"]["text"]
    data["document"]["text"] = text + ("" if text.endswith("\n") else "\n") + "A sentence added later.\n"
    data["document"]["text_sha256"] = text_sha256(data["document"]["text"])
    save(path, data)


def renote(path: Path) -> None:
    """A valid change: new notes."""
    data = load(path)
    data["notes"] = "Checked again against the article."
    save(path, data)
