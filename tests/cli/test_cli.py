"""The CLI through typer's CliRunner: exit codes, the three formats, and CLI == API."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nklabor import load_schemas, validate
from nklabor.cli import ARROW_POOL, app, prefer_returning_pool
from tests.support import DATA, ROOT

runner = CliRunner()


def test_valid_exits_0() -> None:
    result = runner.invoke(app, ["validate", str(DATA / "valid")])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("valid: 3 record(s) in 2 file(s), 0 error(s)")


def test_invalid_exits_1_with_file_line_path_and_code() -> None:
    case = DATA / "invalid" / "span-off-by-one" / "input.json"
    result = runner.invoke(app, ["validate", str(case)])
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert re.fullmatch(
        rf"{re.escape(str(case))}:\d+:\d+: \$\.events\[1\]\.coercion\[0\]\.evidence\[0\] "
        r"\[span\.quote-mismatch\] .+",
        first,
    ), first


def test_json_report_equals_the_api_report() -> None:
    paths = [str(DATA / "invalid" / "many-errors" / "input.json"), str(DATA / "valid")]
    result = runner.invoke(app, ["validate", "--format", "json", *paths])
    assert result.exit_code == 1
    assert json.loads(result.output) == validate(paths).to_dict()


def test_github_format() -> None:
    case = DATA / "invalid" / "bad-date" / "input.json"
    result = runner.invoke(app, ["validate", "-f", "github", str(case)])
    assert result.exit_code == 1
    assert re.fullmatch(
        r"::error file=[^,]+,line=\d+,col=\d+,title=schema\.format::\$\.events\[1\]\.time\.end .+",
        result.output.strip(),
    ), result.output


def test_missing_path_is_a_usage_error() -> None:
    result = runner.invoke(app, ["validate", "no/such/folder"])
    assert result.exit_code == 2
    assert "no/such/folder" in result.output and "Traceback" not in result.output


def test_unknown_option_is_a_usage_error() -> None:
    assert runner.invoke(app, ["validate", "--format", "xml", str(DATA / "valid")]).exit_code == 2


def test_wrong_suffix_is_a_usage_error(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("x", encoding="utf-8")
    assert runner.invoke(app, ["validate", str(article)]).exit_code == 2


def test_environment_error_exits_3(monkeypatch: pytest.MonkeyPatch) -> None:
    from nklabor.errors import ToolkitEnvironmentError

    def broken(*args: object, **kwargs: object) -> None:
        raise ToolkitEnvironmentError("format checks unavailable")

    monkeypatch.setattr("nklabor.cli.validate.run_validation", broken)
    result = runner.invoke(app, ["validate", str(DATA / "valid")])
    assert result.exit_code == 3
    assert "format checks unavailable" in result.output


@pytest.mark.parametrize("case", sorted(p.name for p in (DATA / "invalid").iterdir()))
def test_no_invalid_case_gives_a_traceback(case: str) -> None:
    folder = DATA / "invalid" / case
    body = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    files = [str(p) for p in sorted(folder.iterdir()) if p.name != "expected.json"]
    options = [f"--{k.replace('_', '-')}={v}" for k, v in body.get("options", {}).items()]
    result = runner.invoke(app, ["validate", *options, *files])
    warnings_only = all(e.get("severity") == "warning" for e in body["findings"])
    assert result.exit_code == (0 if warnings_only else 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def commands() -> list[str]:
    import typer.main

    group = typer.main.get_command(app)
    names: list[str] = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        sub = getattr(command, "commands", None)
        names.extend(f"{name} {s}" for s in sub) if sub else names.append(name)
    return names


@pytest.mark.parametrize("command", commands())
def test_every_command_is_documented_in_the_readme(command: str) -> None:
    assert f"nklabor {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_version_prints_the_package_and_schema_versions() -> None:
    from importlib.metadata import version

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"nklabor {version('nklabor')} (schema {load_schemas().version})"


def test_shell_completion_is_offered() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "--install-completion" in result.output and "--show-completion" in result.output


@pytest.mark.skipif(sys.platform != "linux", reason="the pool is chosen on Linux only")
def test_the_command_chooses_a_returning_arrow_pool_unless_one_is_chosen() -> None:
    environ: dict[str, str] = {}
    prefer_returning_pool(environ)
    assert environ == {ARROW_POOL[0]: ARROW_POOL[1]}
    chosen = {ARROW_POOL[0]: "system"}
    prefer_returning_pool(chosen)
    assert chosen == {ARROW_POOL[0]: "system"}
    # Through the console entry point, in a fresh process: the choice is made before pyarrow is imported.
    code = (
        "import sys, nklabor.cli; sys.argv = ['nklabor', '--version']\n"
        "try:\n    nklabor.cli.main()\nexcept SystemExit:\n    pass\n"
        "import pyarrow; print(pyarrow.default_memory_pool().backend_name)"
    )
    environ = {k: v for k, v in os.environ.items() if k != ARROW_POOL[0]}
    command = [sys.executable, "-c", code]
    done = subprocess.run(command, capture_output=True, text=True, env=environ, check=True)
    assert done.stdout.strip().splitlines()[-1] == ARROW_POOL[1]
