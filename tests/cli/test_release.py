"""`nklabor release build|verify|diff` through the CLI: output and exit codes, never a traceback."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nklabor.cli import app

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["release", *args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_build_prints_the_report_and_what_it_published(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "releases"
    code, output = invoke("build", "--version", "1.0.0", "--from", str(corpus), "--out", str(out))
    assert code == 0, output
    lines = output.splitlines()
    assert lines[0] == "valid: 15 record(s) in 2 file(s), 0 error(s)"  # 12 documents, #3 twice, #5 thrice
    assert lines[1].startswith(f"built {out / 'v1.0.0'} (public): 11 documents (train ")
    assert lines[2] == "withheld until adjudicated: synthetic-3-0000003"
    assert lines[3] == (
        f"2 annotator(s) got a stable pseudonym: commit {out / '.pseudonyms.json'} with the release "
        "(never publish it)"
    )
    code, output = invoke("build", "--version", "1.0.0", "--from", str(corpus), "--out", str(out))
    assert code == 2 and "already published; releases are never overwritten" in output


@pytest.mark.parametrize("version", ["../x", "/etc", "1.0", "v1.0.0/../../x", "1.0.0-"])
def test_path_like_versions_are_refused(corpus: Path, tmp_path: Path, version: str) -> None:
    out = tmp_path / "releases"
    code, output = invoke("build", "--version", version, "--from", str(corpus), "--out", str(out))
    assert code == 2 and "is not a release version" in output
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["annotations"]


def test_invalid_input_prints_every_finding_and_exits_1(corpus: Path, tmp_path: Path) -> None:
    path = corpus / "corpus.jsonl"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"status": "', '"status": "x', 1), encoding="utf-8"
    )
    code, output = invoke("build", "--version", "1.0.0", "--from", str(corpus), "--out", str(tmp_path / "r"))
    assert code == 1
    assert f"{path}:1:" in output and "[schema.enum]" in output
    assert "error: the input does not validate (1 error(s)): nothing done" in output
    assert not (tmp_path / "r" / "v1.0.0").exists()


def test_verify_and_tampering(shared_release: Path, tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    shutil.copytree(shared_release, releases / "v1.0.0")
    code, output = invoke("verify", "v1.0.0", "--releases", str(releases))
    assert code == 0 and "file(s) match checksums.sha256" in output
    card = releases / "v1.0.0" / "README.md"
    card.write_text(card.read_text(encoding="utf-8").replace("Motivation", "Motive"), encoding="utf-8")
    code, output = invoke("verify", "1.0.0", "--releases", str(releases))
    assert code == 1 and f"{releases / 'v1.0.0'}/README.md: sha256" in output
    code, output = invoke("verify", "v2.0.0", "--releases", str(releases))
    assert code == 2 and "no such release" in output
    code, output = invoke("verify", "../v1.0.0", "--releases", str(releases))
    assert code == 2 and "is not a release version" in output


def test_diff_text_and_json(shared_release: Path, tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    shutil.copytree(shared_release, releases / "v1.0.0")
    shutil.copytree(shared_release, releases / "v1.0.1")
    code, output = invoke("diff", "v1.0.0", "v1.0.1", "--releases", str(releases))
    assert code == 0 and output.strip() == "v1.0.0 -> v1.0.1: no change to documents or events"
    code, output = invoke("diff", "v1.0.0", "v1.0.1", "--releases", str(releases), "--json")
    assert code == 0 and json.loads(output)["events"]["relabelled"] == []


def test_verify_and_diff_json_equal_the_library(shared_release: Path, tmp_path: Path) -> None:
    from nklabor.release.diff import diff_releases
    from nklabor.release.verify import verify_release

    releases = tmp_path / "releases"
    shutil.copytree(shared_release, releases / "v1.0.0")
    shutil.copytree(shared_release, releases / "v1.0.1")
    code, output = invoke("verify", "v1.0.0", "--releases", str(releases), "--format", "json")
    assert code == 0 and json.loads(output) == verify_release(releases / "v1.0.0").to_dict()
    assert json.loads(output)["ok"] is True
    (releases / "v1.0.0" / "README.md").write_text("changed", encoding="utf-8")
    code, output = invoke("verify", "v1.0.0", "--releases", str(releases), "-f", "json")
    shown = json.loads(output)
    assert code == 1 and shown == verify_release(releases / "v1.0.0").to_dict()
    assert shown["ok"] is False and shown["problems"][0].startswith("README.md: sha256 ")
    expected = diff_releases(releases / "v1.0.0", releases / "v1.0.1").to_dict()
    for flag in (["--format", "json"], ["--json"]):
        code, output = invoke("diff", "v1.0.0", "v1.0.1", "--releases", str(releases), *flag)
        assert code == 0 and json.loads(output) == expected


def test_the_command_builds_without_importing_pandas(corpus: Path, tmp_path: Path) -> None:
    """The console entry point spares pandas in its own process (`nklabor.release.memory`); the
    command under `CliRunner` (as in the other tests) leaves the importing process's pyarrow alone."""
    out = tmp_path / "releases"
    argv = ["nklabor", "release", "build", "--version", "1.0.0", "--from", str(corpus), "--out", str(out)]
    code = (
        f"import sys, nklabor.cli; sys.argv = {argv!r}\n"
        "try:\n    nklabor.cli.main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "print('pandas' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "False"
    assert (out / "v1.0.0" / "data").is_dir()
