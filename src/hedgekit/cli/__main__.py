"""Allow ``python -m hedgekit.cli``."""

from __future__ import annotations

from hedgekit.cli._main import main

raise SystemExit(main())
