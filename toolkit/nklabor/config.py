"""The project configuration: `[tool.nklabor]` in `pyproject.toml`, or the top level of `nklabor.toml`.

    import nklabor.config
    config = nklabor.config.load()           # the nearest configuration above the current folder
    config.roots, config.default_annotator   # typed values
    config.source("default_annotator")       # where that value came from

The nearest folder, from the current one upwards, that holds `nklabor.toml` or a `pyproject.toml` with a
`[tool.nklabor]` table is the project root (`nklabor.toml` wins when both are there); paths in the file are
relative to it. Without a file every setting has its default and the project root is the current folder.
Precedence, lowest first: default, file, environment (`NKLABOR_ANNOTATOR` for `default_annotator`), command
line (`Config.override`). Every value is checked when the file is read: a bad one is a `UsageError` naming
the file and the key.
"""

from __future__ import annotations

import difflib
import math
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pathspec

from .errors import UsageError

PROJECT_FILE = "pyproject.toml"
OWN_FILE = "nklabor.toml"
TABLE = "tool.nklabor"
ENV_ANNOTATOR = "NKLABOR_ANNOTATOR"

DEFAULT_MAX_RECORD_BYTES = 16 * 2**20
"""Largest record read: a `.json` file, or one JSONL line. A larger one is a `record.too-large` finding."""
DEFAULT_INCLUDE = ("*.json", "*.jsonl")
DEFAULT_EXCLUDE = ("releases/", "schema/", ".venv/")
"""Published releases and the schema files are JSON, but not annotations; a virtual environment holds any."""

DEFAULT = "default"
COMMAND_LINE = "command line"

# name -> what the value is, as said in an error message
SETTINGS: dict[str, str] = {
    "roots": "a list of folders",
    "include": "a list of patterns",
    "exclude": "a list of patterns",
    "extend_exclude": "a list of patterns",
    "registry": "a path",
    "default_annotator": "an annotator id",
    "max_record_bytes": "a positive integer",
    "min_alpha": "a number from -1 to 1",
}


@dataclass(frozen=True)
class Config:
    """The effective settings of one project and where each came from (`source(name)`).

    `roots` are the folders that hold the annotations (absolute); `include` and `exclude` (plus
    `extend_exclude`) are gitignore-style patterns, matched against paths relative to the project root;
    `registry` overrides the nearest `annotators.json`; `default_annotator` is the id new annotations are
    signed with; `min_alpha` is the agreement gate.
    """

    root: Path
    file: Path | None = None
    roots: tuple[Path, ...] = ()
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    registry: Path | None = None
    default_annotator: str | None = None
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
    min_alpha: float | None = None
    sources: Mapping[str, str] = field(default_factory=dict)

    def source(self, name: str) -> str:
        """Where the value of setting `name` came from: `default`, the file (`pyproject.toml [tool.nklabor]`),
        `environment NKLABOR_ANNOTATOR` or `command line`."""
        if name not in SETTINGS:
            raise KeyError(name)
        return self.sources.get(name, DEFAULT)

    @property
    def excludes(self) -> tuple[str, ...]:
        """Every exclude pattern in force: `exclude` then `extend_exclude`."""
        return (*self.exclude, *self.extend_exclude)

    @property
    def roots_configured(self) -> bool:
        """True when `roots` were set; by default the project root is the one root."""
        return self.source("roots") != DEFAULT

    def override(self, **values: Any) -> Config:
        """A copy with the given settings replaced (a `None` value leaves a setting alone), each marked as
        coming from the command line. Paths are taken as given (relative to the current folder)."""
        given = {k: v for k, v in values.items() if v is not None}
        unknown = sorted(set(given) - set(SETTINGS))
        if unknown:
            raise KeyError(unknown[0])
        checked = {k: _check(k, _plain(v), None, COMMAND_LINE) for k, v in given.items()}
        return replace(self, **checked, sources={**self.sources, **dict.fromkeys(checked, COMMAND_LINE)})

    def to_dict(self) -> dict[str, Any]:
        """The JSON form; `nklabor config --format json` prints exactly this. Paths are shown relative to
        the current folder when they are inside it."""
        return {
            "file": _show(self.file),
            "root": _show(self.root),
            "settings": {
                name: {"value": _value(getattr(self, name)), "source": self.source(name)} for name in SETTINGS
            },
        }


def load(
    file: Path | str | None = None,
    *,
    start: Path | str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Config:
    """The configuration of the project: `file` when given (a `pyproject.toml` must then hold a
    `[tool.nklabor]` table; any other name is read like `nklabor.toml`), else the nearest one from `start`
    (default: the current folder) upwards; defaults without one. `environ` (default: `os.environ`) supplies
    `NKLABOR_ANNOTATOR`."""
    environ = os.environ if environ is None else environ
    path: Path | None = None
    table: dict[str, Any] | None = None
    if file is not None:
        path = Path(file)
        table = _read(path, required=True)
    else:
        found = find(Path(start) if start is not None else Path.cwd())
        if found is not None:
            path, table = found
    root = path.resolve().parent if path is not None else Path(start or Path.cwd()).resolve()
    config = Config(root=root, file=path.resolve() if path is not None else None, roots=(root,))
    if path is not None and table is not None:
        config = _apply(config, table, _describe(path))
    annotator = environ.get(ENV_ANNOTATOR, "").strip()
    if annotator:
        where = f"environment {ENV_ANNOTATOR}"
        config = replace(
            config,
            default_annotator=_check("default_annotator", annotator, root, where),
            sources={**config.sources, "default_annotator": where},
        )
    return config


def find(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest configuration file from `start` upwards and its nklabor table; None when there is
    none."""
    here = start.resolve()
    for folder in (here, *here.parents):
        own = folder / OWN_FILE
        if own.is_file():
            table = _read(own, required=True)
            assert table is not None
            return own, table
        project = folder / PROJECT_FILE
        if project.is_file():
            table = _read(project, required=False)
            if table is not None:
                return project, table
    return None


def _describe(path: Path) -> str:
    shown = _show(path)
    return f"{shown} [{TABLE}]" if path.name == PROJECT_FILE else str(shown)


def _read(path: Path, *, required: bool) -> dict[str, Any] | None:
    """The nklabor settings of one file: the `[tool.nklabor]` table of a pyproject.toml (None when it has
    none and none is `required`), else the whole file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}: no such configuration file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML: {exc}") from None
    if path.name != PROJECT_FILE:
        return data
    table = data.get("tool", {}).get("nklabor") if isinstance(data.get("tool"), dict) else None
    if table is None:
        if required:
            raise UsageError(f"{path}: no [{TABLE}] table")
        return None
    if not isinstance(table, dict):
        raise UsageError(f"{path}: [{TABLE}] must be a table")
    return table


def _apply(config: Config, table: Mapping[str, Any], where: str) -> Config:
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in SETTINGS:
            close = difflib.get_close_matches(key.replace("-", "_"), SETTINGS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(SETTINGS)})"
            raise UsageError(f"{where}: unknown setting {key!r}{hint}")
        values[key] = _check(key, value, config.root, where)
    return replace(config, **values, sources={**config.sources, **dict.fromkeys(values, where)})


class _Invalid(Exception):
    """A value is not of its setting's kind; the message, when there is one, says more."""


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _Invalid
    return list(value)


def _folders(value: Any, base: Path | None) -> tuple[Path, ...]:
    folders = _strings(value)
    if not folders:
        raise _Invalid("roots must name at least one folder")
    return tuple(((base or Path.cwd()) / v).resolve() for v in folders)


def _patterns(value: Any, base: Path | None) -> tuple[str, ...]:
    patterns = _strings(value)
    try:
        pathspec.GitIgnoreSpec.from_lines(patterns)
    except ValueError as exc:  # pathspec's pattern errors derive from ValueError
        raise _Invalid(str(exc)) from None
    return tuple(patterns)


def _path(value: Any, base: Path | None) -> Path:
    if not isinstance(value, str | Path) or not str(value).strip():
        raise _Invalid
    return Path(value) if base is None else base / value


def _annotator(value: Any, base: Path | None) -> str:
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise _Invalid
    return value


def _positive(value: Any, base: Path | None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _Invalid
    return value


def _alpha(value: Any, base: Path | None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _Invalid
    if not -1.0 <= value <= 1.0:
        raise _Invalid
    return float(value)


_CHECKS: dict[str, Callable[[Any, Path | None], Any]] = {
    "roots": _folders,
    "include": _patterns,
    "exclude": _patterns,
    "extend_exclude": _patterns,
    "registry": _path,
    "default_annotator": _annotator,
    "max_record_bytes": _positive,
    "min_alpha": _alpha,
}


def _check(name: str, value: Any, base: Path | None, where: str) -> Any:
    """The typed value of one setting; `UsageError` naming `where` and the key when it is not valid. Paths
    are relative to `base` (the project root), or kept as given when it is None (the command line)."""
    try:
        return _CHECKS[name](value, base)
    except _Invalid as exc:
        why = str(exc) or f"{name} must be {SETTINGS[name]}, not {value!r}"
        raise UsageError(f"{where}: {why}") from None


def _plain(value: Any) -> Any:
    """Command-line values as the file would hold them (paths as strings, tuples as lists)."""
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _show(path: Path | None) -> str | None:
    """A path relative to the current folder when it is inside it, else absolute."""
    if path is None:
        return None
    here = Path.cwd().resolve()
    try:
        shown = Path(path).resolve().relative_to(here)
    except ValueError:
        return str(path)
    return str(shown) if str(shown) != "" else "."


def _value(value: Any) -> Any:
    if isinstance(value, Path):
        return _show(value)
    if isinstance(value, tuple):
        return [_value(v) for v in value]
    return value
