"""Paths given as fsspec URLs (`file:///data/annotations`) or plain paths, for the commands whose input or
output may be named either way (`release build`, whose Dask workers are handed the same names)."""

from __future__ import annotations

from pathlib import Path

from .errors import UsageError


def local_path(given: Path | str) -> Path:
    """The local path `given` names: itself, or the path of a `file://` URL (through fsspec, which also
    resolves `local://` and chained local URLs). `UsageError` for another file system: a release is
    published by an atomic rename, which only a local (or mounted) file system gives."""
    text = str(given)
    if "://" not in text:
        return Path(given)
    from fsspec.core import url_to_fs
    from fsspec.implementations.local import LocalFileSystem

    try:
        fs, path = url_to_fs(text)
    except (ValueError, ImportError) as exc:
        raise UsageError(f"{text}: not a path or file system URL nklabor can read ({exc})") from None
    if not isinstance(fs, LocalFileSystem):
        protocol = fs.protocol[0] if isinstance(fs.protocol, tuple) else fs.protocol
        raise UsageError(
            f"{text}: a {protocol} URL; releases are built from and into a local or mounted file system "
            "(a path, or a file:// URL)"
        )
    return Path(path)
