"""Shared fixtures: no test reaches the network; small synthetic corpora (notes carry a `SENSITIVE-NOTE-`
marker) and one release built from them, shared read-only by the tests that only inspect it."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

import tests.support  # noqa: F401  (sets the offline environment before any test imports datasets)
from nklabor.release.build import BuildResult, build_release
from nklabor.release.versions import published
from tests.support import ROOT
from tests.support.synthetic import corpus_annotations, write_corpus


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Fail any attempt to open a network connection; returns the list of attempts."""
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("network access attempted in a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: refuse(None, a))  # type: ignore[arg-type]
    return attempts


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


@pytest.fixture(scope="session")
def shipped_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The shipped annotations built as the next major version beside a copy of the published releases (so
    splits, pseudonyms and the changelog follow them), once per session. Read it, never write to it."""
    root = tmp_path_factory.mktemp("shipped")
    shutil.copytree(ROOT / "releases", root / "releases")
    versions = published(root / "releases")
    version = f"{versions[-1].major + 1}.0.0" if versions else "1.0.0"
    return build_release(version, ROOT / "annotations", root / "releases")


@pytest.fixture(scope="session")
def shipped_release(shipped_build: BuildResult) -> Path:
    return shipped_build.path
