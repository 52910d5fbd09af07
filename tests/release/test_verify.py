"""`verify_release` recomputes every checksum and names each file that does not match."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nklabor.errors import UsageError
from nklabor.release.checksums import sha256_file
from nklabor.release.verify import verify_release


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
    rel = "data/events/train-00000-of-00001.parquet"
    assert len(result.problems) == 2
    assert result.problems[0].startswith(f"{rel}: sha256 ")
    assert result.problems[1].startswith(f"croissant.json: {rel}: sha256 ")


def test_a_file_edited_with_its_manifest_line_is_caught_by_croissant(release: Path) -> None:
    rel = "data/events/train-00000-of-00001.parquet"
    path = release / rel
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    manifest = release / "checksums.sha256"
    lines = [
        f"{sha256_file(path)}  {rel}" if line.endswith(f"  {rel}") else line
        for line in manifest.read_text(encoding="utf-8").splitlines()
    ]
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = verify_release(release).problems
    assert len(problems) == 1 and problems[0].startswith(f"croissant.json: {rel}: sha256 ")


def test_missing_and_unlisted_files_are_caught(release: Path) -> None:
    (release / "croissant.json").unlink()
    (release / "data" / "extra.parquet").write_bytes(b"x")
    problems = verify_release(release).problems
    assert problems == [
        "croissant.json: missing",
        "data/extra.parquet: not listed in checksums.sha256",
    ]


def test_a_missing_manifest_is_a_usage_error(release: Path) -> None:
    (release / "checksums.sha256").unlink()
    with pytest.raises(UsageError, match="missing"):
        verify_release(release)
    with pytest.raises(UsageError, match="no such release"):
        verify_release(release.parent / "v9.9.9")
