"""A futures hedge position as one object: legs, date, origin, and the portfolio it hedges.

:class:`HedgePosition` is what a plan recommends, what a holdings file says is already held
(futures rows), and what ``--legs ES:-2,MES:-5`` or a saved position file names. It saves as
a JSON document ``{"schema_version": 1, "kind": "position", "data": {...}}`` (the envelope of
the CLI's ``--json``) and loads back strictly: every problem is an
:class:`~hedgekit.errors.InputError` naming the file or option, the field, the value and what
was expected.

>>> from hedgekit.position import HedgePosition
>>> pos = HedgePosition.from_legs_text("ES:-2,MES:-5")
>>> pos.es_equivalent()
{'ES': -2.5}
>>> pos.to_legs_text()
'ES:-2,MES:-5'
"""

from __future__ import annotations

from hedgekit.position._legs import PositionLeg, PositionPortfolio
from hedgekit.position._parse import DOCUMENT_KIND, SCHEMA_VERSION, parse_legs_text
from hedgekit.position._position import HedgePosition, IndexExposure, UnitCount

__all__ = [
    "DOCUMENT_KIND",
    "SCHEMA_VERSION",
    "HedgePosition",
    "IndexExposure",
    "PositionLeg",
    "PositionPortfolio",
    "UnitCount",
    "parse_legs_text",
]
