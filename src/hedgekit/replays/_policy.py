"""The hedge policy of an episode: a static hedge ratio, lifted after a given session."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from hedgekit._typing import Float64Array
from hedgekit.errors import InputError
from hedgekit.policies import HedgePolicy, PolicyMarket, StaticHedge

if TYPE_CHECKING:
    from hedgekit.replays._episodes import Episode

__all__ = ["HedgeWindow", "episode_policy"]


@dataclass(frozen=True, slots=True)
class HedgeWindow(HedgePolicy):
    r"""Hedge ``h`` of the beta exposure until the session ``until``, closed at its close.

    The target is ``h`` before ``until`` and 0 from ``until`` on, so the position carried into
    ``until`` takes that day's settlement and is bought back at its close:

    .. math:: h_t = h \\cdot \\mathbb{1}[t < \\text{until}]

    Parameters
    ----------
    h
        Hedge ratio while the hedge is on (0..1).
    until
        Session at whose close the hedge is lifted.
    """

    h: float
    until: dt.date

    def __post_init__(self) -> None:
        h = float(self.h)
        if not 0.0 <= h <= 1.0:
            raise InputError("out of range", source="h", value=self.h, expected="in [0, 1]")
        if not isinstance(self.until, dt.date):
            raise InputError("not a date", source="until", value=self.until, expected="a date")
        object.__setattr__(self, "h", h)

    @property
    def name(self) -> str:
        """E.g. ``"static 0.75 until 2009-03-09"``."""
        return f"static {self.h:.2f} until {self.until.isoformat()}"

    def targets(self, market: PolicyMarket) -> Float64Array:
        """``h`` on sessions up to ``until`` (the close it is lifted at gives 0), 0 after."""
        on = np.asarray(market.dates < pd.Timestamp(self.until), dtype=np.bool_)
        return np.where(on, self.h, 0.0).astype(np.float64)


def episode_policy(episode: Episode) -> HedgePolicy:
    """The policy of ``episode``: :class:`HedgeWindow` or a plain static hedge."""
    if episode.hedge_until is not None and episode.hedge_until < episode.end:
        return HedgeWindow(episode.hedge_ratio, episode.hedge_until)
    return StaticHedge(episode.hedge_ratio)
