"""Publishing a staged release: everything is written into a hidden folder beside the target, then made
durable and renamed into place, so a reader sees the whole release or none of it."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .errors import ReleaseExistsError


def stage(parent: Path, name: str) -> Path:
    """A fresh hidden staging folder for `name` in `parent` (created), after removing the staging folders of
    earlier, dead builds of it (call it under the version's lock)."""
    parent.mkdir(parents=True, exist_ok=True)
    for stale in parent.glob(f".{name}.tmp-*"):
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f".{name}.tmp-", dir=parent))


def refuse_existing(target: Path) -> None:
    """`ReleaseExistsError` when `target` is published already: releases are never overwritten."""
    if target.exists() or target.is_symlink():
        raise ReleaseExistsError(f"{target}: already published; releases are never overwritten")


def publish(staging: Path, target: Path) -> None:
    """Give the staged files the modes of a checkout, make them durable, and rename the folder to `target`
    (refused if `target` appeared meanwhile)."""
    _publishable_modes(staging)
    _fsync_tree(staging)
    if target.exists() or target.is_symlink():
        raise ReleaseExistsError(f"{target}: appeared during the build; not overwritten")
    os.rename(staging, target)
    fsync_dir(target.parent)


def _publishable_modes(root: Path) -> None:
    """Folders 0755 and files 0644, as git checks them out (`mkdtemp` made the staging folder 0700)."""
    os.chmod(root, 0o755)
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            os.chmod(os.path.join(folder, name), 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)


def _fsync_tree(root: Path) -> None:
    for folder, _dirs, files in os.walk(root):
        for name in files:
            fd = os.open(os.path.join(folder, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(Path(folder))


def fsync_dir(folder: Path) -> None:
    """Make a folder's entries (a rename into it) durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_text(path: Path, text: str) -> None:
    """Write a release's text file: UTF-8, `\\n` line endings."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
