"""Import every command module so that its commands are registered on the app.

Each command module does ``from hedgekit.cli._app import app`` and decorates its commands
with ``@app.command(...)``. Heavy imports stay inside the command functions, so start-up
stays fast.
"""

from __future__ import annotations

from hedgekit.cli import (
    _cmd_book,  # noqa: F401
    _cmd_costs,  # noqa: F401
    _cmd_data,  # noqa: F401
    _cmd_hedge_ratio,  # noqa: F401
    _cmd_history,  # noqa: F401
    _cmd_scale,  # noqa: F401
    _cmd_serve,  # noqa: F401
)
