"""The checksum manifest."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from nklabor.release.checksums import MANIFEST, parse, release_files, render, sha256_file


def test_render_parse_round_trip(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "b.bin").write_bytes(b"\x00" * 3_000_000)
    (tmp_path / "a.md").write_text("hello", encoding="utf-8")
    (tmp_path / MANIFEST).write_text("ignored", encoding="utf-8")
    files = release_files(tmp_path)
    assert files == ["a.md", "data/b.bin"]
    text = render(tmp_path, files)
    assert text.splitlines()[0] == f"{hashlib.sha256(b'hello').hexdigest()}  a.md"
    assert parse(text) == {rel: sha256_file(tmp_path / rel) for rel in files}


@pytest.mark.parametrize(
    "text", ["abc  a.md", f"{'0' * 64} a.md", f"{'0' * 64}  ", f"{'0' * 64}  a\n{'1' * 64}  a"]
)
def test_bad_manifests_name_the_line(text: str) -> None:
    with pytest.raises(ValueError, match=rf"{MANIFEST}:\d+"):
        parse(text)
