"""Real validation reports, for the tests of the report formats: every invalid case, the valid cases, the
shipped annotations, a partial run that consulted other files and found a conflict, one from standard input,
one of absolute paths and one of findings about paths."""

from __future__ import annotations

import io
import tempfile
from contextlib import chdir
from functools import cache
from pathlib import Path

from nklabor import Report, validate
from nklabor.config import load
from tests.support import DATA, ROOT
from tests.support.project import CHANGED, make_project, retext


@cache
def real_reports() -> dict[str, Report]:
    """name -> report, built once per test session."""
    reports: dict[str, Report] = {}
    with chdir(ROOT):
        for case in sorted(p for p in (DATA / "invalid").iterdir() if p.is_dir()):
            files = [p.relative_to(ROOT) for p in sorted(case.iterdir()) if p.name != "expected.json"]
            reports[f"invalid/{case.name}"] = validate(files)
        reports["valid"] = validate([(DATA / "valid").relative_to(ROOT)])
        reports["annotations"] = validate(["annotations"])
        reports["root"] = validate(["."], config=load(environ={}))
    reports["absolute"] = validate([DATA / "invalid" / "many-errors" / "input.json"])
    reports["stdin"] = validate(
        stdin=io.BytesIO(b'{"schema_version": "1.0"}'), registry=DATA / "annotators.json"
    )
    with tempfile.TemporaryDirectory() as tmp:
        project = make_project(Path(tmp) / "project")
        retext(project / CHANGED)
        with chdir(project):
            reports["partial"] = validate([CHANGED], config=load(environ={}))
        loose = Path(tmp) / "loose"  # no registry, and a symlink: findings without a column, without a line
        loose.mkdir()
        (loose / "a.json").write_bytes((DATA / "valid" / "komdok-excerpt.json").read_bytes())
        (loose / "link.json").symlink_to(loose / "a.json")
        with chdir(tmp):
            reports["paths"] = validate(["loose"])
    assert reports["partial"].consulted and not reports["partial"].valid
    return reports
