"""Which files a run reads: `.json` and `.jsonl` under the given paths. Symlinks and files that are not
regular
files (FIFOs, sockets, devices) are reported, never followed or opened.

With a project configuration (`Selection`), walks skip what its exclude patterns name and keep what its
include patterns name; a folder of the project that holds annotation roots without being inside one (the
project root itself) is narrowed to those roots; and `corpus` lists the other annotation files that the rules
across files consult when only some files are given.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pathspec

from ..config import Config
from ..errors import UsageError
from ..report import Issue

SUFFIXES = (".json", ".jsonl")
REGISTRY_NAME = "annotators.json"


@dataclass(frozen=True)
class SourceFile:
    """A file to read, with the path shown in findings. `stream`, when set, holds its content (standard
    input read as the file `path`)."""

    path: Path
    display: str
    stream: Any = field(default=None, compare=False)

    @property
    def is_registry(self) -> bool:
        return self.path.name == REGISTRY_NAME


def _symlink(display: str) -> Issue:
    return Issue(
        display,
        None,
        None,
        "$",
        "path.symlink",
        "symbolic link: not followed (commit the file itself)",
    )


def _not_regular(display: str) -> Issue:
    return Issue(
        display,
        None,
        None,
        "$",
        "path.not-regular-file",
        "not a regular file (a FIFO, socket or device): not opened",
    )


def fold(name: str) -> str:
    """The form under which two file names collide on some file system: case and Unicode normalisation
    (macOS stores NFD, Linux keeps the bytes) are ignored."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def discover(paths: Iterable[str | Path]) -> tuple[list[SourceFile], list[Issue]]:
    """Expand files and folders into the sorted list of files to read, and the findings about paths.

    A path that does not exist, or a named file that is not .json/.jsonl, is a `UsageError`.
    """
    found = select(paths)
    return found.files, found.issues


@dataclass
class Found:
    """What `select` found: the files to read, the findings about paths, and how many named files the
    configuration left out."""

    files: list[SourceFile]
    issues: list[Issue]
    skipped: int = 0


def _absolute(path: Path) -> Path:
    """`path` made absolute without following symlinks (patterns match the names as they are)."""
    return Path(os.path.abspath(path))


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def shown(path: Path) -> str:
    """A path relative to the current folder when it is inside it (as users type them), else absolute."""
    here = Path.cwd().resolve()
    target = _absolute(path)
    return os.path.relpath(target, here) if _within(target, here) else str(target)


@dataclass(frozen=True)
class Selection:
    """Which files of a project are annotations (from its `Config`): the annotation roots, and
    gitignore-style include and exclude patterns, matched against paths relative to the project root (or,
    outside the project, relative to the folder walked)."""

    base: Path
    roots: tuple[Path, ...]
    scoped: bool
    include: pathspec.PathSpec
    exclude: pathspec.PathSpec
    where: str = "the configuration"

    @classmethod
    def of(cls, config: Config) -> Selection:
        return cls(
            base=config.root,
            roots=config.roots,
            scoped=config.roots_configured,
            include=pathspec.GitIgnoreSpec.from_lines(config.include),
            exclude=pathspec.GitIgnoreSpec.from_lines(config.excludes),
            where=config.source("roots"),
        )

    def _relative(self, path: Path, anchor: Path) -> str | None:
        for base in (self.base, anchor):
            if _within(path, base):
                rel = path.relative_to(base).as_posix()
                return None if rel == "." else rel
        return None

    def excluded(self, path: Path, anchor: Path, is_dir: bool) -> bool:
        """True when the configuration leaves out `path` (absolute), met while walking `anchor`."""
        rel = self._relative(path, anchor)
        if rel is None:
            return False
        if is_dir:
            return self.exclude.match_file(rel + "/")
        return self.exclude.match_file(rel) or not self.include.match_file(rel)

    def admits(self, path: Path) -> bool:
        """Whether a file named on the command line is an annotation of the project: inside the project it
        must lie in a root; anywhere, it must be included and not excluded."""
        here = _absolute(path)
        if self.excluded(here, here.parent, is_dir=False):
            return False
        return not _within(here, self.base) or any(_within(here, r) for r in self.roots)

    def narrow(self, folder: Path) -> list[Path] | None:
        """The roots to walk instead of `folder` when `folder` is a folder of the project that holds roots
        without being inside one (the project root); None to walk `folder` itself."""
        here = _absolute(folder).resolve()
        if not _within(here, self.base) or any(_within(here, r) for r in self.roots):
            return None
        inner = [r for r in self.roots if _within(r, here)]
        if not inner:
            return None
        for root in inner:
            if not root.is_dir():
                raise UsageError(f"{shown(root)}: no such folder (an annotation root set in {self.where})")
        return [folder / r.relative_to(here) for r in inner]

    def corpus_of(self, path: Path, registry: Path | None) -> Path | None:
        """The folder whose annotations the rules across files consult for the file `path`: the configured
        root that holds it; without configured roots, the folder of `registry` (the nearest annotators.json
        above it)."""
        if self.scoped:
            here = _absolute(path)
            return next((r for r in self.roots if _within(here, r)), None)
        return registry.parent if registry is not None else None

    def keeper(self, folder: Path) -> Callable[[Path, bool], bool]:
        anchor = _absolute(folder)
        return lambda path, is_dir: not self.excluded(_absolute(path), anchor, is_dir)


def select(
    paths: Iterable[str | Path], selection: Selection | None = None, *, force_exclude: bool = False
) -> Found:
    """Expand files and folders into the sorted list of files to read, and the findings about paths. With a
    `selection`, walks keep only what it admits, and named files too when `force_exclude`.

    A path that does not exist, or a named file that is not .json/.jsonl, is a `UsageError`.
    """
    files: dict[Path, SourceFile] = {}
    found = Found([], [])
    given = [Path(p) for p in paths]
    if not given:
        raise UsageError("no paths given")
    for path in given:
        display = str(path)
        if force_exclude and selection is not None and not path.is_dir() and not selection.admits(path):
            found.skipped += 1
        elif path.is_symlink():
            found.issues.append(_symlink(display))
        elif not path.exists():
            raise UsageError(f"{display}: no such file or folder")
        elif path.is_dir():
            targets = selection.narrow(path) if selection is not None else None
            for folder in targets if targets is not None else [path]:
                keep = selection.keeper(folder) if selection is not None else None
                _walk(folder, files, found.issues, keep)
        elif path.suffix.lower() not in SUFFIXES:
            raise UsageError(f"{display}: not a .json or .jsonl file")
        elif not path.is_file():
            found.issues.append(_not_regular(display))
        else:
            files.setdefault(path.resolve(), SourceFile(path, display))
    found.files = sorted(files.values(), key=lambda f: f.display)
    return found


def corpus(
    selection: Selection, given: Iterable[SourceFile], registry_of: Callable[[Path], Path | None]
) -> list[SourceFile]:
    """The other annotation files the rules across files consult for the `given` ones: those of the corpus
    (`Selection.corpus_of`) of each, less the given files and the registries. Their path findings are not
    kept: they are not the files asked about."""
    given = list(given)
    scopes = {
        scope
        for source in given
        if (scope := selection.corpus_of(source.path, registry_of(source.path))) is not None
    }
    files: dict[Path, SourceFile] = {}
    for scope in sorted(scopes):
        if scope.is_dir():
            folder = Path(shown(scope))
            _walk(folder, files, [], selection.keeper(folder))
    asked = {s.path.resolve() for s in given}
    return sorted(
        (f for key, f in files.items() if key not in asked and not f.is_registry), key=lambda f: f.display
    )


def _walk(
    folder: Path,
    files: dict[Path, SourceFile],
    issues: list[Issue],
    keep: Callable[[Path, bool], bool] | None = None,
) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        raise UsageError(f"{folder}: cannot list folder: {exc.strerror}") from None
    by_fold: dict[str, str] = {}
    for entry in entries:
        if entry.name.startswith("."):
            continue  # .git, editor backups
        path = folder / entry.name
        is_dir = entry.is_dir(follow_symlinks=False)
        relevant = is_dir or path.suffix.lower() in SUFFIXES
        if not relevant and not entry.is_symlink():
            continue
        # A symlink may stand for a folder: only the exclude patterns judge it.
        if keep is not None and not keep(path, is_dir or (entry.is_symlink() and not relevant)):
            continue  # left out by the configuration: not even its symlinks are findings
        folded = fold(entry.name)
        if folded in by_fold:
            same_nfc = unicodedata.normalize("NFC", by_fold[folded]) == unicodedata.normalize(
                "NFC", entry.name
            )
            how = "Unicode normalisation (NFC/NFD)" if same_nfc else "case"
            issues.append(
                Issue(
                    str(path),
                    None,
                    None,
                    "$",
                    "path.case-collision",
                    f"differs only by {how} from {by_fold[folded]!r}",
                )
            )
        else:
            by_fold[folded] = entry.name
        if entry.is_symlink():
            if relevant or entry.is_dir():  # a link to a folder could hide any number of files
                issues.append(_symlink(str(path)))
        elif is_dir:
            _walk(path, files, issues, keep)
        elif not entry.is_file(follow_symlinks=False):
            issues.append(_not_regular(str(path)))
        else:
            files.setdefault(path.resolve(), SourceFile(path, str(path)))
