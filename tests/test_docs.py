"""The documentation stays true: every console example in the README and docs is regenerated from the real
commands and compared (`make docs` rewrites them)."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from cogapp import Cog

from tests.support import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_console_examples_match_what_the_commands_print() -> None:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = Cog().main(["cog", "--check", "-I", str(ROOT), *map(str, DOCS)])
    assert code == 0, f"stale examples: run `make docs`\n{out.getvalue()}{err.getvalue()}"


def test_the_readme_links_every_guide() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for guide in (
        "docs/releases.md",
        "docs/agreement.md",
        "docs/architecture.md",
        "docs/codebook.md",
        "docs/labelstudio.md",
    ):
        assert f"]({guide}" in readme, guide


def walkthrough() -> list[tuple[str, list[str]]]:
    """The README's annotator walkthrough: each command with the output the README shows for it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Annotating a new article") :]
    block = section[section.index("```console\n") + len("```console\n") :]
    block = block[: block.index("```")]
    steps: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            steps[-1][1].append(line)
    return steps


def test_the_annotator_walkthrough_works_verbatim_in_an_empty_folder(tmp_path: Path) -> None:
    from tests.support.docs import run, write_article

    steps = walkthrough()
    assert steps[0][0].startswith("nklabor init ") and len(steps) >= 5
    write_article(tmp_path / "article.txt", "dailynk-2021-komdok-soldiers-miners")  # the annotator's article
    code = 0
    for i, (command, shown) in enumerate(steps):
        if command == "echo $?":
            assert shown == [str(code)], steps[i - 1][0]
            code = 0  # the README shows it: an expected failure
            continue
        if code != 0:
            raise AssertionError(f"{steps[i - 1][0]!r} exited {code} and the README does not say so")
        code, output = run(command, cwd=tmp_path)
        assert output.splitlines() == shown, command
    assert code == 0
    made = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert "annotations/example-komdok.ann-03.json" in made and ".vscode/settings.json" in made
