"""hedgekit on the web: a JSON API and server-rendered pages (``hedgekit serve``).

The API's request bodies mirror the command-line options and its answers are the CLI's
``--json`` documents, built by the same functions; the pages show the same numbers as
tables (no JavaScript needed) and as Plotly charts served by the app itself.
Needs the ``web`` extra: ``pip install 'hedgekit[web]'``.
"""

from __future__ import annotations

from hedgekit.web._app import create_app
from hedgekit.web._settings import WebSettings

__all__ = ["WebSettings", "create_app"]
