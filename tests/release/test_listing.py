"""`list_releases` and `nklabor release list`: versions, dates, codebook, sizes and row counts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from nklabor.cli import app
from nklabor.release.listing import list_releases

runner = CliRunner()


def test_each_release_is_described_from_its_own_files(shared_release: Path, tmp_path: Path) -> None:
    folder = tmp_path / "releases"
    shutil.copytree(shared_release, folder / "v1.0.0")
    shutil.copytree(shared_release, folder / "v1.2.0")
    (folder / ".v1.3.0.tmp-x").mkdir()  # a staging folder is not a release
    found = list_releases(folder)
    assert [r.version for r in found] == ["v1.0.0", "v1.2.0"]
    info = found[0]
    files = [p for p in (folder / "v1.0.0").rglob("*") if p.is_file()]
    assert info.files == len(files) and info.bytes == sum(p.stat().st_size for p in files)
    croissant = json.loads((folder / "v1.0.0" / "croissant.json").read_text(encoding="utf-8"))
    assert info.date == croissant["datePublished"] and info.codebook == "2.0"
    for config in ("documents", "events", "spans"):
        expected = sum(
            pq.ParquetFile(p).metadata.num_rows for p in (folder / "v1.0.0").glob(f"data/{config}/*")
        )
        assert info.total(config) == expected > 0
    assert list_releases(tmp_path / "none") == []


def test_cli_list_text_and_json(shared_release: Path, tmp_path: Path) -> None:
    folder = tmp_path / "releases"
    shutil.copytree(shared_release, folder / "v1.0.0")
    result = runner.invoke(app, ["release", "list", "--releases", str(folder)])
    assert result.exit_code == 0, result.output
    header, row = result.output.splitlines()
    assert header.split() == ["version", "date", "codebook", "size", "files", "documents", "events", "spans"]
    info = list_releases(folder)[0]
    assert row.split()[:3] == ["v1.0.0", info.date, "2.0"]
    assert row.split()[-3:] == [str(info.total(c)) for c in ("documents", "events", "spans")]
    assert row.split()[4] in ("KiB", "MiB")
    result = runner.invoke(app, ["release", "list", "--releases", str(folder), "--format", "json"])
    data = json.loads(result.output)
    assert data[0]["bytes"] == info.bytes and data[0]["rows"]["events"]["total"] == info.total("events")
    result = runner.invoke(app, ["release", "list", "--releases", str(tmp_path / "none")])
    assert result.exit_code == 0 and "no published release" in result.output
