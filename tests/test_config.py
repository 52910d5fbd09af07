"""The project configuration: where it is found, what each value may be, where each value came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from nklabor.config import (
    DEFAULT_EXCLUDE,
    DEFAULT_MAX_RECORD_BYTES,
    ENV_ANNOTATOR,
    SETTINGS,
    Config,
    load,
)
from nklabor.errors import UsageError
from tests.support import ROOT


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_without_a_file_every_setting_has_its_default(tmp_path: Path) -> None:
    config = load(start=tmp_path, environ={})
    assert config.file is None and config.root == tmp_path.resolve()
    assert config.roots == (tmp_path.resolve(),) and not config.roots_configured
    assert config.exclude == DEFAULT_EXCLUDE == ("releases/", "schema/", ".venv/")
    assert config.max_record_bytes == DEFAULT_MAX_RECORD_BYTES
    assert config.registry is None and config.default_annotator is None and config.min_alpha is None
    assert {config.source(name) for name in SETTINGS} == {"default"}


def test_pyproject_table_is_read_with_paths_relative_to_it(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.nklabor]\nroots = ["corpus", "more/"]\nregistry = "people.json"\n'
        'default_annotator = "ann-07"\nmax_record_bytes = 4096\nmin_alpha = 0.67\n'
        'extend_exclude = ["drafts/"]\n',
    )
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    config = load(start=tmp_path / "sub" / "deeper", environ={})
    assert config.file == tmp_path.resolve() / "pyproject.toml"
    assert config.root == tmp_path.resolve()
    assert config.roots == (tmp_path.resolve() / "corpus", tmp_path.resolve() / "more")
    assert config.registry == tmp_path.resolve() / "people.json"
    assert (config.default_annotator, config.max_record_bytes, config.min_alpha) == ("ann-07", 4096, 0.67)
    assert config.excludes == (*DEFAULT_EXCLUDE, "drafts/")
    assert config.source("roots").endswith("pyproject.toml [tool.nklabor]")
    assert config.source("exclude") == "default"


def test_nklabor_toml_wins_over_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.nklabor]\nroots = ["a"]\n')
    write(tmp_path / "nklabor.toml", 'roots = ["b"]\n')
    config = load(start=tmp_path, environ={})
    assert config.roots == (tmp_path.resolve() / "b",)
    assert config.source("roots").endswith("nklabor.toml")


def test_a_pyproject_without_the_table_is_passed_over(tmp_path: Path) -> None:
    write(tmp_path / "nklabor.toml", 'roots = ["corpus"]\n')
    write(tmp_path / "inner" / "pyproject.toml", '[project]\nname = "inner"\n')
    config = load(start=tmp_path / "inner", environ={})
    assert config.file == tmp_path.resolve() / "nklabor.toml"


def test_the_repository_configures_its_annotation_folder() -> None:
    config = load(start=ROOT, environ={})
    assert config.roots == (ROOT / "annotations",) and config.roots_configured


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (
            "max-record-bytes = 10\n",
            ["unknown setting 'max-record-bytes'", "did you mean 'max_record_bytes'"],
        ),
        ('roots = "annotations"\n', ["roots must be a list of folders"]),
        ("roots = []\n", ["at least one folder"]),
        ("max_record_bytes = 0\n", ["max_record_bytes must be a positive integer"]),
        ("max_record_bytes = true\n", ["max_record_bytes must be a positive integer"]),
        ("min_alpha = 1.5\n", ["min_alpha must be a number from -1 to 1"]),
        ('min_alpha = "high"\n', ["min_alpha must be a number"]),
        ("default_annotator = 7\n", ["default_annotator must be an annotator id"]),
        ('default_annotator = " ann-01"\n', ["default_annotator must be an annotator id"]),
        ("exclude = [1]\n", ["exclude must be a list of patterns"]),
        ('roots = ["a"]\nmin_alpha = = 1\n', ["not valid TOML", "line 2"]),
    ],
)
def test_a_bad_value_names_the_file_and_the_key(tmp_path: Path, body: str, words: list[str]) -> None:
    write(tmp_path / "nklabor.toml", body)
    with pytest.raises(UsageError) as caught:
        load(start=tmp_path, environ={})
    assert str(caught.value).startswith(f"{tmp_path.resolve() / 'nklabor.toml'}: ")
    for word in words:
        assert word in str(caught.value)


def test_a_bad_value_in_pyproject_names_the_table(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.nklabor]\nmin_alpha = 3\n")
    with pytest.raises(UsageError, match=r"pyproject\.toml \[tool\.nklabor\]: min_alpha"):
        load(start=tmp_path, environ={})


def test_an_explicit_file_must_exist_and_hold_the_table(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such configuration file"):
        load(tmp_path / "missing.toml", environ={})
    plain = write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    with pytest.raises(UsageError, match=r"no \[tool\.nklabor\] table"):
        load(plain, environ={})
    own = write(tmp_path / "elsewhere" / "ci.toml", 'roots = ["corpus"]\n')
    config = load(own, environ={})
    assert config.root == own.parent.resolve() and config.roots == (own.parent.resolve() / "corpus",)


def test_the_environment_names_the_default_annotator(tmp_path: Path) -> None:
    write(tmp_path / "nklabor.toml", 'default_annotator = "ann-01"\n')
    config = load(start=tmp_path, environ={ENV_ANNOTATOR: "ann-02"})
    assert config.default_annotator == "ann-02"
    assert config.source("default_annotator") == "environment NKLABOR_ANNOTATOR"
    assert load(start=tmp_path, environ={ENV_ANNOTATOR: ""}).default_annotator == "ann-01"


def test_the_command_line_overrides_everything(tmp_path: Path) -> None:
    write(tmp_path / "nklabor.toml", "max_record_bytes = 100\nmin_alpha = 0.5\n")
    config = load(start=tmp_path, environ={}).override(max_record_bytes=200, min_alpha=None, registry=None)
    assert config.max_record_bytes == 200 and config.source("max_record_bytes") == "command line"
    assert config.min_alpha == 0.5 and config.source("min_alpha").endswith("nklabor.toml")
    with pytest.raises(UsageError, match="command line: max_record_bytes"):
        config.override(max_record_bytes=-1)
    with pytest.raises(KeyError):
        config.override(colour="blue")


def test_to_dict_holds_every_setting_with_its_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "pyproject.toml", '[tool.nklabor]\nroots = ["corpus"]\n')
    monkeypatch.chdir(tmp_path)
    shown = load(environ={}).to_dict()
    assert shown["file"] == "pyproject.toml" and shown["root"] == "."
    assert list(shown["settings"]) == list(SETTINGS)
    assert shown["settings"]["roots"] == {"value": ["corpus"], "source": "pyproject.toml [tool.nklabor]"}
    assert shown["settings"]["registry"] == {"value": None, "source": "default"}


def test_config_is_a_value() -> None:
    config = Config(root=Path("/x"))
    with pytest.raises(AttributeError):
        config.roots = ()  # type: ignore[misc]
