"""Console examples for the README and docs, produced by running the real commands (used by cog blocks).

`make docs` rewrites every example (`cog -r README.md docs/*.md`); `tests/test_docs.py` fails when one drifts.
Commands run with the repository root as working folder, or inside a sandbox: a temporary copy of the
annotations (and, when asked, the releases) for examples that write files.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import cog

from tests.support import ROOT

BIN = Path(sys.executable).parent
# glog-style prefixes (`I1125 08:31:43.606789 139704 validate.py:53] `) carry a time and a thread id.
_GLOG = re.compile(r"^[IWEF]\d{4} [\d:.]+ +\d+ [\w.]+:\d+\] ", re.M)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(HF_DATASETS_OFFLINE="1", HF_HUB_OFFLINE="1", COLUMNS="200", NO_COLOR="1", PYTHONHASHSEED="0")
    env.pop("NKLABOR_ANNOTATOR", None)
    return env


def run(command: str, cwd: Path = ROOT) -> tuple[int, str]:
    """Run one shell command; its exit code and its output (stdout then stderr, as a terminal shows them)."""
    done = subprocess.run(
        command, shell=True, cwd=cwd, env=_env(), capture_output=True, text=True, check=False
    )
    return done.returncode, _GLOG.sub("", done.stdout + done.stderr).rstrip("\n")


def session(*commands: str, cwd: Path = ROOT, elide: dict[int, int] | None = None) -> str:
    """A console transcript: `$ command` and its output for each command; `echo $?` prints the previous exit
    code. `elide` maps a command's index to the number of last output lines to keep (the rest become
    `...`)."""
    lines: list[str] = []
    code = 0
    for i, command in enumerate(commands):
        lines.append(f"$ {command}")
        if command == "echo $?":
            lines.append(str(code))
            continue
        code, output = run(command, cwd)
        out = output.splitlines()
        keep = (elide or {}).get(i)
        if keep is not None and len(out) > keep:
            out = ["...", *out[len(out) - keep :]]
        lines.extend(out)
    return "\n".join(lines)


def console(*commands: str, cwd: Path = ROOT, elide: dict[int, int] | None = None) -> None:
    """Write a ```console block of the transcript into the cog output."""
    cog.outl("```console")
    cog.outl(session(*commands, cwd=cwd, elide=elide))
    cog.outl("```")


def block(kind: str, text: str) -> None:
    """Write a fenced block of `kind` holding `text`."""
    cog.outl(f"```{kind}")
    cog.outl(text.rstrip("\n"))
    cog.outl("```")


@contextmanager
def sandbox(releases: bool = False) -> Iterator[Path]:
    """A temporary project folder holding a copy of `annotations/` (and of `releases/` when asked), for
    examples that write files."""
    with tempfile.TemporaryDirectory(prefix="nklabor-docs-") as tmp:
        root = Path(tmp)
        shutil.copytree(ROOT / "annotations", root / "annotations")
        if releases:
            shutil.copytree(ROOT / "releases", root / "releases")
        yield root


def python(code: str, cwd: Path = ROOT) -> str:
    """The output of a Python snippet run with the project's interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=_env(), capture_output=True, text=True, check=True
    )
    return done.stdout.rstrip("\n")


def tamper(path: Path) -> None:
    """Flip one bit in the middle of a file (for the `release verify` example)."""
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def draft_excerpt(path: Path) -> str:
    """The head of an adjudication draft's notes, its disputes and its last line; instructions and the
    annotators' own notes are elided."""
    import json

    lines = json.loads(path.read_text(encoding="utf-8"))["notes"].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Disputes"))
    notes = [f"{line.split(':', 1)[0]}: ..." for line in lines if line.startswith("Notes of ")]
    disputes = [line for line in lines[start + 1 :] if line.startswith("[")]
    return "\n".join([*lines[:2], "...", lines[start], *disputes, *notes, lines[-1]])


def make_run() -> None:
    """The `make run` example: what make prints, then the validation of the shipped annotations."""
    _, output = run("nklabor validate annotations/")
    cog.outl("```console")
    cog.outl("$ make run     # creates .venv, installs nklabor, validates the shipped annotations")
    cog.outl(".venv/bin/nklabor validate annotations/")
    cog.outl(output)
    cog.outl("")
    cog.outl("$ make test    # ruff, ruff format, mypy and the test suite (what CI runs: .ci/run)")
    cog.outl("```")


def write_article(path: Path, document: str) -> None:
    """The text of a shipped document as a plain article file (for the `nklabor new` example)."""
    import json

    annotation = next((ROOT / "annotations").glob(f"{document}.*.json"))
    path.write_text(json.loads(annotation.read_text(encoding="utf-8"))["document"]["text"], encoding="utf-8")


_BUILT: dict[str, tuple[Path, str]] = {}


def current_release() -> tuple[Path, str]:
    """(project folder, release folder name) of a release built under the current codebook, for examples of
    what such a release offers: the newest checked-in one when it is of the current codebook, else the shipped
    annotations built once per process as the next major version in a sandbox copy of the project (removed
    at exit)."""
    if "release" in _BUILT:
        return _BUILT["release"]
    import atexit

    from nklabor import load_schemas
    from nklabor.release.build import build_release
    from nklabor.release.versions import published

    versions = published(ROOT / "releases")
    newest = ROOT / "releases" / versions[-1].name if versions else None
    if newest is not None and load_schemas(newest / "schema").version == load_schemas().version:
        _BUILT["release"] = (ROOT, newest.name)
        return _BUILT["release"]
    root = Path(tempfile.mkdtemp(prefix="nklabor-docs-"))
    atexit.register(shutil.rmtree, root, True)
    shutil.copytree(ROOT / "annotations", root / "annotations")
    shutil.copytree(ROOT / "releases", root / "releases")
    version = f"{versions[-1].major + 1}.0.0" if versions else "1.0.0"
    result = build_release(version, root / "annotations", root / "releases")
    _BUILT["release"] = (root, result.path.name)
    return _BUILT["release"]


@contextmanager
def empty_folder() -> Iterator[Path]:
    """An empty temporary folder: where the annotator walkthrough starts (`nklabor init`)."""
    with tempfile.TemporaryDirectory(prefix="nklabor-docs-") as tmp:
        yield Path(tmp)


def corrected_article(path: Path, annotation: Path) -> None:
    """The article of `annotation` with two corrections (an en dash made an em dash, a date added before most
    quotes), as a plain text file (for the `nklabor reanchor` example)."""
    import json

    text = json.loads(annotation.read_text(encoding="utf-8"))["document"]["text"]
    fixed = text.replace("locals – who", "locals — who").replace("last Thursday,", "last Thursday (June 24),")
    path.write_text(fixed, encoding="utf-8")


def broken_export(path: Path) -> None:
    """Break a Label Studio export in two ways (an event region with an unknown label, an indicator's span
    off the text), for the import example."""
    import json

    export = json.loads(path.read_text(encoding="utf-8"))
    result = export[0]["annotations"][0]["result"]
    result[0]["value"]["labels"] = ["mobilisation"]
    indicator = next(item for item in result if item.get("from_name") == "indicator")
    indicator["value"]["start"], indicator["value"]["end"] = 9000, 9040
    path.write_text(json.dumps(export, ensure_ascii=False, indent=2), encoding="utf-8")


def labelstudio_mapping() -> None:
    """The table of which Label Studio element holds which annotation field, read from the form itself."""
    from nklabor.annotating.labelstudio import build_form
    from nklabor.annotating.labelstudio.form import EVENT, INDICATOR, TASK

    form = build_form()
    tags = {"choices": "Choices", "textarea": "TextArea", "number": "Number", "datetime": "DateTime"}
    rows = [
        ("`document.text`", "the `Text` object `text` (task data `text`)"),
        ("`document` (metadata), `schema_version`", "task data `nklabor` (shown: `title`), not labelled"),
        ("`annotator`, `role`", "`--annotator`, `--role` of `nklabor labelstudio import`"),
        ("`annotated_at`", "when Label Studio last saved the annotation (`updated_at`)"),
        (
            "`events[*]` and `events[*].evidence[*]`",
            "span label `event`; the first region carries the fields",
        ),
        (
            "`events[*].coercion[*]`",
            "span label `indicator` (value = the indicator id), one region per evidence span",
        ),
    ]
    for group in form.groups.values():
        if group.evidence:
            where = {"first": "[0]", "primary": "[primary]"}.get(group.pick or "", "")
            rows.append(
                (
                    f"`events[*].{group.key}{where}.evidence[*]`",
                    f"span label `evidence` value `{group.prefix}`",
                )
            )
    rows.append(("evidence and further event regions", "a relation to the event's first region"))
    for control in form.controls:
        if control.owner == TASK:
            field, where = f"`{control.key}`", "task-level"
        elif control.owner == INDICATOR:
            field, where = f"`events[*].coercion[*].{control.key}`", "per indicator region"
        else:
            holder = form.groups.get(control.group or "")
            pick = {"first": "[0]", "primary": "[primary]"}.get(holder.pick or "", "") if holder else ""
            field = (
                f"`events[*].{holder.key}{pick}.{control.key}`" if holder else f"`events[*].{control.key}`"
            )
            where = "per event region"
        kind = tags[control.kind] + (" (multiple)" if control.many and control.kind == "choices" else "")
        rows.append((field, f"{kind} `{control.name}`, {where}"))
    assert all(c.owner in (TASK, EVENT, INDICATOR) for c in form.controls)
    rows.append(("everything else (listed below)", "TextArea `event_extra` (JSON), per event region"))
    cog.outl("| nklabor field | Label Studio element |")
    cog.outl("|---|---|")
    for field, element in rows:
        cog.outl(f"| {field} | {element} |")
