"""Which files a run reads: `.json` and `.jsonl` under the given paths. Symlinks and files that are not
regular
files (FIFOs, sockets, devices) are reported, never followed or opened."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from ..report import Issue

SUFFIXES = (".json", ".jsonl")
REGISTRY_NAME = "annotators.json"


@dataclass(frozen=True)
class SourceFile:
    """A file to read, with the path shown in findings."""

    path: Path
    display: str

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
    files: dict[Path, SourceFile] = {}
    issues: list[Issue] = []
    given = [Path(p) for p in paths]
    if not given:
        raise UsageError("no paths given")
    for path in given:
        display = str(path)
        if path.is_symlink():
            issues.append(_symlink(display))
        elif not path.exists():
            raise UsageError(f"{display}: no such file or folder")
        elif path.is_dir():
            _walk(path, files, issues)
        elif path.suffix.lower() not in SUFFIXES:
            raise UsageError(f"{display}: not a .json or .jsonl file")
        elif not path.is_file():
            issues.append(_not_regular(display))
        else:
            files.setdefault(path.resolve(), SourceFile(path, display))
    return sorted(files.values(), key=lambda f: f.display), issues


def _walk(folder: Path, files: dict[Path, SourceFile], issues: list[Issue]) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        raise UsageError(f"{folder}: cannot list folder: {exc.strerror}") from None
    by_fold: dict[str, str] = {}
    for entry in entries:
        if entry.name.startswith("."):
            continue  # .git, editor backups
        path = folder / entry.name
        relevant = entry.is_dir(follow_symlinks=False) or path.suffix.lower() in SUFFIXES
        if not relevant and not entry.is_symlink():
            continue
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
        elif entry.is_dir(follow_symlinks=False):
            _walk(path, files, issues)
        elif not entry.is_file(follow_symlinks=False):
            issues.append(_not_regular(str(path)))
        else:
            files.setdefault(path.resolve(), SourceFile(path, str(path)))
