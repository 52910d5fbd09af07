"""The documentation stays true: every console example in the README and docs is regenerated from the real
commands and compared (`make docs` rewrites them)."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout

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
    for guide in ("docs/releases.md", "docs/agreement.md", "docs/architecture.md", "docs/codebook.md"):
        assert f"]({guide}" in readme, guide
