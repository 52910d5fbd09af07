"""Version names: strict semver, never a path."""

from __future__ import annotations

from pathlib import Path

import pytest

from nklabor.errors import UsageError
from nklabor.release.versions import Version, parse_version, published, release_dir


@pytest.mark.parametrize("text", ["1.0.0", "v1.0.0", "0.3.12", "10.20.30", "1.0.0-rc.1", "v2.0.0-alpha"])
def test_semver_is_accepted(text: str) -> None:
    version = parse_version(text)
    assert version.name == "v" + text.removeprefix("v")


@pytest.mark.parametrize(
    "text",
    [
        "../x",
        "/etc",
        "1.0",
        "1",
        "v1.0.0/..",
        "1.0.0/../../etc",
        "01.0.0",
        "1.0.0+build",
        "1.0.0-",
        "",
        "v",
        "1.0.0 ",
        " 1.0.0",
        "1.0.0\n",
        "1..0",
        "1.0.0-rc..1",
        "x" * 200,
        "vv1.0.0",
        "1.0.0-01",
        "1\u0660.0.0",
        "1.2.3-1\u0661",
        "\uff11.0.0",
        "1.0.\u0663",
    ],
)
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(UsageError, match="not a release version"):
        parse_version(text)


def test_precedence_follows_semver() -> None:
    ordered = [
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
        "1.0.1",
        "1.2.0",
        "2.0.0",
        "10.0.0",
    ]
    parsed = [parse_version(v) for v in ordered]
    assert sorted(reversed(parsed), key=Version.key) == parsed
    assert parsed[0] < parsed[-1] and parsed[6] <= parsed[6]


def test_published_lists_release_folders_only(tmp_path: Path) -> None:
    for name in ("v1.0.0", "v0.9.0", ".v1.1.0.tmp-abc", "v1.x", "notes"):
        (tmp_path / name).mkdir()
    (tmp_path / "v2.0.0").write_text("a file, not a release")
    assert [str(v) for v in published(tmp_path)] == ["0.9.0", "1.0.0"]
    assert published(tmp_path / "missing") == []
    assert release_dir(tmp_path, "1.0.0") == tmp_path / "v1.0.0"
    with pytest.raises(UsageError, match="no such release"):
        release_dir(tmp_path, "v3.0.0")
