"""The Dask build on a real `distributed.LocalCluster`: the same report and the same bytes as a build in one
process, through the library and through `nklabor release build --dask ADDRESS`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nklabor.cli import app
from nklabor.release import dask as dask_module
from nklabor.release.build import build_release
from nklabor.release.dask import DaskExecutor
from nklabor.validation.run import PART_BYTES
from tests.support.synthetic import corpus_annotations, write_corpus, write_files

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    with distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    ) as local:
        yield local


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A JSONL file large enough to be read in byte ranges, beside one-annotation files, with documents
    that several annotators labelled (withheld, and adjudicated)."""
    root = tmp_path_factory.mktemp("dask") / "annotations"
    items = corpus_annotations(260, two_annotators=[3, 40], adjudicated=[5, 11, 200])
    write_corpus(root, items[:240])
    write_files(root / "more", items[240:])
    assert (root / "corpus.jsonl").stat().st_size > 2 * PART_BYTES[0]
    return root


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_dask_build_is_the_serial_build(cluster: object, source: Path, tmp_path: Path) -> None:
    serial = build_release("1.0.0", source, tmp_path / "serial", flavour="both")
    with distributed.Client(cluster) as client, distributed.get_task_stream(client) as stream:
        spread = build_release(
            "1.0.0", source, tmp_path / "dask", flavour="both", executor=DaskExecutor(client), workers=2
        )
    ran = {str(task["key"]).split("-")[0] for task in stream.data}
    assert {"check_parts", "build_batch"} <= ran  # validated and turned into rows on the cluster
    assert spread.report.to_dict() == serial.report.to_dict()
    assert spread.withheld == serial.withheld and spread.rows == serial.rows
    for flavour in ("public", "full"):
        assert tree(spread.flavours[flavour]) == tree(serial.flavours[flavour]), flavour
    assert (tmp_path / "dask" / ".pseudonyms.json").read_bytes() == (
        tmp_path / "serial" / ".pseudonyms.json"
    ).read_bytes()


def test_the_cli_builds_on_a_scheduler_address(cluster: object, source: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    address = cluster.scheduler_address  # type: ignore[attr-defined]
    serial = runner.invoke(
        app, ["release", "build", "--version", "1.0.0", "--from", str(source), "--out", str(tmp_path / "a")]
    )
    spread = runner.invoke(
        app,
        [
            "release",
            "build",
            "--version",
            "1.0.0",
            "--from",
            source.as_uri(),
            "--out",
            (tmp_path / "b").as_uri(),
            "--dask",
            address,
        ],
    )
    assert serial.exit_code == 0 and spread.exit_code == 0, spread.output
    assert spread.output.replace(str(tmp_path / "b"), "OUT") == serial.output.replace(
        str(tmp_path / "a"), "OUT"
    )
    assert tree(tmp_path / "b" / "v1.0.0") == tree(tmp_path / "a" / "v1.0.0")


def test_an_unreachable_scheduler_is_an_environment_error(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dask_module, "CONNECT_TIMEOUT", 1.0)
    result = CliRunner().invoke(
        app,
        [
            "release",
            "build",
            "--version",
            "1.0.0",
            "--from",
            str(source),
            "--out",
            str(tmp_path),
            "--dask",
            "tcp://127.0.0.1:9",
        ],
    )
    assert result.exit_code == 3 and "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.output
    assert not (tmp_path / "v1.0.0").exists()
