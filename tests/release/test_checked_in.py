"""The newest checked-in release of the current codebook rebuilds byte for byte from the annotations of the
commit that added it (beside the releases before it and the pseudonym mapping of that commit)."""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from nklabor import load_schemas
from nklabor.release.build import build_release
from nklabor.release.flavours import flavour_of
from nklabor.release.versions import parse_version, published
from tests.support import ROOT


def newest_current() -> Path | None:
    folder = ROOT / "releases"
    for version in reversed(published(folder)):
        release = folder / version.name
        if load_schemas(release / "schema").version == load_schemas().version:
            return release
    return None


def commit_of(path: Path) -> str | None:
    """The commit that added `path`, or None outside a git checkout."""
    try:
        done = subprocess.run(
            ["git", "log", "--diff-filter=A", "--format=%H", "-1", "--", str(path.relative_to(ROOT))],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.strip() or None


def extract(commit: str, paths: list[str], into: Path) -> None:
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit, *paths], cwd=ROOT, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")


def test_the_newest_release_rebuilds_byte_identical(tmp_path: Path) -> None:
    release = newest_current()
    if release is None:
        pytest.skip("no checked-in release is built under the current codebook yet")
    commit = commit_of(release)
    if commit is None:
        pytest.skip("not a git checkout with the release's history")
    extract(commit, ["annotations", "releases/.pseudonyms.json"], tmp_path)
    releases = tmp_path / "releases"
    target = parse_version(release.name)
    for version in published(ROOT / "releases"):
        if version < target:
            shutil.copytree(ROOT / "releases" / version.name, releases / version.name)
    flavour = flavour_of(release)
    rebuilt = build_release(str(target), tmp_path / "annotations", releases, flavour=flavour).path
    names = sorted(p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(rebuilt).as_posix() for p in rebuilt.rglob("*") if p.is_file())
    for rel in names:
        assert (release / rel).read_bytes() == (rebuilt / rel).read_bytes(), rel
