"""`nklabor validate` with a project configuration: the root run, every format equal to the library's
report, standard input, --force-exclude, and configuration errors as usage errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nklabor import validate
from nklabor.cli import app
from nklabor.config import load
from nklabor.report.reporters import REPORTERS, text
from nklabor.report.sarif import to_sarif
from tests.support import ROOT
from tests.support.project import CHANGED, make_project, others, retext

runner = CliRunner()


def invoke(*args: str, stdin: bytes | None = None) -> tuple[int, str]:
    result = runner.invoke(app, ["validate", *args], input=stdin)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_project(tmp_path / "project")
    monkeypatch.chdir(root)
    monkeypatch.delenv("NKLABOR_ANNOTATOR", raising=False)
    return root


@pytest.mark.parametrize("args", [["."], []], ids=["dot", "no-path"])
def test_the_project_root_validates_the_annotations_only(
    monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.chdir(ROOT)
    code, output = invoke(*args)
    assert code == 0, output
    assert output.strip() == text(validate(["annotations"]))
    code, output = invoke("--format", "json", *args)
    sources = json.loads(output)["sources"]
    assert code == 0 and sources and all(s.startswith("annotations/") for s in sources)


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif", "junit"])
def test_every_format_prints_the_library_report(project: Path, fmt: str) -> None:
    retext(project / CHANGED)
    code, output = invoke("--format", fmt, CHANGED)
    assert code == 1
    report = validate([CHANGED], config=load())
    assert report.consulted == others(project)
    if fmt == "json":
        assert json.loads(output) == report.to_dict()
    elif fmt == "sarif":
        assert json.loads(output) == to_sarif(report)
    else:
        assert output.rstrip("\n") == REPORTERS[fmt](report)


def test_standard_input_with_a_name(project: Path) -> None:
    body = (project / CHANGED).read_bytes()
    code, output = invoke("-", "--stdin-filename", CHANGED, stdin=body)
    assert code == 0, output
    assert output.strip().endswith(f"the rules across files also consulted {others(project)} other file(s)")
    retext(project / CHANGED)
    edited = (project / CHANGED).read_bytes()
    (project / CHANGED).write_bytes(body)
    code, output = invoke("-", "--stdin-filename", CHANGED, "-f", "json", stdin=edited)
    assert code == 1
    assert [(i["file"], i["code"]) for i in json.loads(output)["issues"]] == [
        (CHANGED, "document.hash-conflict")
    ]


def test_standard_input_as_jsonl(project: Path) -> None:
    body = (project / CHANGED).read_text(encoding="utf-8")
    line = json.dumps(json.loads(body), ensure_ascii=False) + "\n"
    code, output = invoke("-", "--stdin-filename", "annotations/piped.jsonl", stdin=line.encode())
    assert code == 1  # the same document and annotator as the file on disk
    assert "annotations/piped.jsonl:1:" in output and "[annotation.duplicate]" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--stdin-filename", "x.json", CHANGED], "--stdin-filename names standard input"),
        (["-", CHANGED], "read alone"),
        (["-", "--stdin-filename", "x.txt"], "not a .json or .jsonl file name"),
    ],
)
def test_standard_input_misuse_exits_2(project: Path, args: list[str], message: str) -> None:
    code, output = invoke(*args, stdin=b"{}")
    assert code == 2 and message in output


def test_force_exclude_leaves_out_what_is_not_an_annotation(project: Path) -> None:
    named = ["schema/annotation.schema.json", "releases/v1.0.0/croissant.json", "tests/data/broken.json"]
    code, output = invoke(*named)
    assert code == 1
    code, output = invoke("--force-exclude", *named, CHANGED)
    assert code == 0, output
    assert output.strip().endswith("3 named file(s) left out by the configuration")


def test_options_override_the_configuration(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.nklabor]\nroots = ["annotations"]\nmax_record_bytes = 100\n', encoding="utf-8"
    )
    code, output = invoke(CHANGED)
    assert code == 1 and "[record.too-large]" in output
    code, output = invoke("--max-record-bytes", "1000000", CHANGED)
    assert code == 0, output


def test_an_explicit_configuration_file(project: Path) -> None:
    (project / "ci.toml").write_text('roots = ["annotations"]\nmax_record_bytes = 100\n', encoding="utf-8")
    code, output = invoke("--config", "ci.toml", CHANGED)
    assert code == 1 and "[record.too-large]" in output


def test_a_broken_configuration_is_a_usage_error(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.nklabor]\nroot = ['annotations']\n", encoding="utf-8")
    code, output = invoke(CHANGED)
    assert code == 2
    assert "pyproject.toml [tool.nklabor]: unknown setting 'root'; did you mean 'roots'?" in output


def test_workers_print_the_same_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nklabor.validation import run
    from tests.support import DATA

    monkeypatch.setattr(run, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(run, "PART_BYTES", (512, 512))
    folder = DATA / "invalid" / "hash-conflict"
    case = [str(p) for p in sorted(folder.iterdir()) if p.name != "expected.json"]
    args = ["validate", "--format", "json", *case]
    outputs = [runner.invoke(app, [*args, "--workers", n]) for n in ("1", "2")]
    assert [r.exit_code for r in outputs] == [1, 1]
    assert outputs[0].output == outputs[1].output
    assert runner.invoke(app, ["validate", "--workers", "0", *case]).exit_code == 2
