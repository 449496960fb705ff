"""Writing files whole: a temporary file in the same folder, renamed into place when complete.

Every file hedgekit writes (text, HTML, CSV, Parquet, PNG, a position's JSON) goes through
:func:`atomic_write`, so a reader never sees half a file and a failure or Ctrl-C part-way
leaves the old file (or none) at the path. The rename is atomic because the temporary file is
in the same folder, hence on the same file system (POSIX ``rename(2)``; ``os.replace``).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path

__all__ = [
    "Interrupted",
    "atomic_write",
    "atomic_write_bytes",
    "atomic_write_text",
    "partial_path",
]


class Interrupted(KeyboardInterrupt):
    """A Ctrl-C that left something to say: ``message`` follows ``interrupted:`` on stderr.

    Raised in place of the plain ``KeyboardInterrupt`` where partial output was kept (a
    sweep's ``X.partial`` with its manifest), so the command line can point at it.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def partial_path(path: str | os.PathLike[str]) -> Path:
    """Where a streamed file is written until it is complete: ``X`` -> ``X.partial``."""
    p = Path(path)
    return p.with_name(p.name + ".partial")


def _temporary(target: Path) -> Path:
    """A new empty file beside ``target``, created with the usual permissions (umask)."""
    folder = target.parent
    for _ in range(100):
        tmp = folder / f".{target.name}.{secrets.token_hex(4)}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:  # pragma: no cover - 32 random bits collide
            continue
        os.close(fd)
        return tmp
    raise FileExistsError(f"no free temporary name beside {target}")  # pragma: no cover


def atomic_write(
    path: str | os.PathLike[str], write: Callable[[Path], object], *, overwrite: bool = True
) -> Path:
    """Write a file whole: ``write(tmp)`` fills a temporary file, renamed to ``path`` after.

    Parameters
    ----------
    path
        The file to write; its folder must exist.
    write
        Called with the temporary file's path (an empty file); writes the content there
        (``frame.to_parquet(tmp)``, ``tmp.write_text(...)``).
    overwrite
        Replace an existing file. When false the file is linked into place and an existing
        file (even one created meanwhile) raises ``FileExistsError``; nothing is replaced.

    Returns
    -------
    pathlib.Path
        ``path``.

    Notes
    -----
    The content is flushed to disk (``fsync``) before the rename, so a crash leaves either
    the old file or the new one. On any failure, Ctrl-C included, the temporary file is
    removed and the exception raised again.
    """
    target = Path(path)
    tmp = _temporary(target)
    try:
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        if overwrite:
            os.replace(tmp, target)
        else:
            os.link(tmp, target)  # fails instead of replacing a file created meanwhile
            os.unlink(tmp)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target


def atomic_write_text(path: str | os.PathLike[str], text: str, *, overwrite: bool = True) -> Path:
    """:func:`atomic_write` of ``text`` in UTF-8."""
    return atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"), overwrite=overwrite)


def atomic_write_bytes(
    path: str | os.PathLike[str], data: bytes, *, overwrite: bool = True
) -> Path:
    """:func:`atomic_write` of ``data``."""
    return atomic_write(path, lambda p: p.write_bytes(data), overwrite=overwrite)
