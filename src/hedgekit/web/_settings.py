"""What the web app is started with: the token, the hedge book, the upload limits."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

#: Largest upload accepted, bytes (a holdings file of a few thousand lines fits easily).
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
#: Most data rows accepted in an uploaded holdings file.
MAX_UPLOAD_ROWS = 10_000


def is_loopback(host: str) -> bool:
    """Whether ``host`` only listens on this machine (127.0.0.0/8, ::1, ``localhost``)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class WebSettings:
    """Settings of one app.

    Attributes
    ----------
    token
        The access token; ``None`` when none was given. Book writes always need it.
    token_everywhere
        Every request needs the token (the server listens beyond this machine).
    book
        The hedge book's file or database URL (``hedgekit serve --book``); ``None`` for
        the default book (``$HEDGEKIT_BOOK`` or the user's data folder).
    max_upload_bytes, max_upload_rows
        Caps on uploaded files.
    job_workers
        Threads that run long jobs (backtest, stress, sweep).
    """

    token: str | None = None
    token_everywhere: bool = False
    book: str | None = None
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    max_upload_rows: int = MAX_UPLOAD_ROWS
    job_workers: int = 2
