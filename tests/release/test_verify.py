"""`verify_release` recomputes every checksum and names each file that does not match."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from toolkit.errors import UsageError
from toolkit.release.verify import verify_release


@pytest.fixture
def release(shared_release: Path, tmp_path: Path) -> Path:
    copy = tmp_path / shared_release.name
    shutil.copytree(shared_release, copy)
    return copy


def test_a_fresh_release_verifies(release: Path) -> None:
    result = verify_release(release)
    assert result.ok and result.checked == len([p for p in release.rglob("*") if p.is_file()]) - 1


def test_a_tampered_parquet_file_is_caught(release: Path) -> None:
    path = next(release.glob("data/events/train-*.parquet"))
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    result = verify_release(release)
    assert not result.ok
    assert [p.split(":")[0] for p in result.problems] == ["data/events/train-00000-of-00001.parquet"]


def test_missing_and_unlisted_files_are_caught(release: Path) -> None:
    (release / "croissant.json").unlink()
    (release / "data" / "extra.parquet").write_bytes(b"x")
    problems = verify_release(release).problems
    assert problems == ["croissant.json: missing", "data/extra.parquet: not listed in checksums.sha256"]


def test_a_missing_manifest_is_a_usage_error(release: Path) -> None:
    (release / "checksums.sha256").unlink()
    with pytest.raises(UsageError, match="missing"):
        verify_release(release)
    with pytest.raises(UsageError, match="no such release"):
        verify_release(release.parent / "v9.9.9")
