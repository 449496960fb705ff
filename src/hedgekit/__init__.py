"""hedgekit: hedge equity portfolios with stock index futures.

Measure a portfolio's beta, size a short futures hedge, cost it next to protective puts,
stress it, and replay it over real market history.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("hedgekit")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

__all__ = ["__version__"]
