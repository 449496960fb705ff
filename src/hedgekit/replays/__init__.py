"""Replays of famous hedging episodes on the real bundled history.

Each :class:`Episode` is a classic hedging story (the 2008 crisis, Q4 2018, the 2020 crash and
rebound, 2022, 2023, a perpetual hedge from 2009 to 2020) with the setup it states and the
numbers it claims. :func:`replay` runs the setup through :func:`hedgekit.backtest.run_backtest`
on the bundled S&P 500, VIX, T-bill and ES history, and puts each claim next to the figure
measured, saying plainly where they disagree.
"""

from __future__ import annotations

from hedgekit.replays._claims import Claim, ClaimCheck, Measure, Unit, check_claim
from hedgekit.replays._episodes import EPISODES, Episode, get_episode, list_episodes
from hedgekit.replays._replay import ReplayResult, check_claims, episode_spec, replay

__all__ = [
    "EPISODES",
    "Claim",
    "ClaimCheck",
    "Episode",
    "Measure",
    "ReplayResult",
    "Unit",
    "check_claim",
    "check_claims",
    "episode_spec",
    "get_episode",
    "list_episodes",
    "replay",
]
