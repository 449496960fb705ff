"""Command-line interface: ``hedgekit <command>``.

The CLI only parses options, calls the library and formats results (rich tables, or a
stable JSON document with ``--json``). User errors are shown as one readable block and the
process exits with status 2; no traceback is shown for them.
"""

from __future__ import annotations

from hedgekit.cli._app import app
from hedgekit.cli._main import main

__all__ = ["app", "main"]
