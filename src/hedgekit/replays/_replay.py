"""Replaying an episode: the backtest of its stated setup and its claims measured."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from hedgekit.errors import InputError
from hedgekit.replays._claims import ClaimCheck, MeasureContext, check_claim
from hedgekit.replays._episodes import Episode, get_episode

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd

    from hedgekit.backtest import BacktestResult, BacktestSpec

__all__ = ["ReplayResult", "check_claims", "episode_spec", "replay"]

#: Episode fields an override may change (the story and its claims stay as stated).
EPISODE_OVERRIDES: Final = (
    "start",
    "end",
    "hedge_ratio",
    "hedge_until",
    "value_usd",
    "beta",
    "contract",
    "initial_margin_per_contract_usd",
    "rounding",
    "call_source",
    "other_assets_usd",
)


@dataclass(frozen=True, slots=True)
class ReplayResult:
    """An episode replayed on the real history.

    Attributes
    ----------
    episode
        The episode as run (overrides applied).
    result
        The backtest of its setup.
    claims
        Each of the story's claims next to the figure measured.
    """

    episode: Episode
    result: BacktestResult
    claims: tuple[ClaimCheck, ...]

    @property
    def n_disagreements(self) -> int:
        """Claims measured that disagree with the history."""
        return sum(1 for c in self.claims if c.measured is not None and not c.agrees)

    def claims_frame(self) -> pd.DataFrame:
        """One row per claim: stated, measured, difference, agrees, comment, section."""
        import pandas as pd

        return pd.DataFrame([c.to_dict() for c in self.claims])

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe mapping: the episode, the backtest's ``to_dict()`` and the claims."""
        return {
            "episode": self.episode.to_dict(),
            "n_claims": len(self.claims),
            "n_disagreements": self.n_disagreements,
            "claims": [c.to_dict() for c in self.claims],
            "backtest": self.result.to_dict(),
        }


def _closes() -> tuple[pd.Series, pd.Series]:
    from hedgekit.datasets import load_sp500, load_vix

    return load_sp500()["close"], load_vix()["close"]


def check_claims(episode: Episode, result: BacktestResult | None = None) -> tuple[ClaimCheck, ...]:
    """Measure an episode's claims.

    Parameters
    ----------
    episode
        The episode.
    result
        The backtest of its setup; without it only the claims on index levels (bundled S&P 500
        and VIX closes) are measured, and the others are reported as not measured.

    Returns
    -------
    tuple of ClaimCheck
        In the episode's claim order.
    """
    spx, vix = _closes()
    ctx = MeasureContext(
        index_close=spx,
        vix_close=vix,
        daily=None if result is None else result.daily,
        margin_calls=None if result is None else result.margin_calls,
        rolls=None if result is None else result.rolls,
        other_assets_usd=episode.other_assets_usd,
        initial_margin_per_contract_usd=episode.initial_margin_per_contract_usd,
    )
    return tuple(check_claim(c, ctx) for c in episode.claims)


def episode_spec(episode: Episode, **spec_overrides: Any) -> BacktestSpec:
    """The backtest specification of an episode's stated setup.

    The portfolio tracks the S&P 500 with the episode's beta and earns the index dividend
    yield; margin per contract is the story's figure (the bundled contract registry has no
    dated margins before 2024) with maintenance at initial / 1.10; contracts are rounded as
    the story rounds them, set when the hedge is placed and re-sized only at the quarterly
    rolls (:class:`~hedgekit.policies.Never` rebalances in between), as the stories keep their
    count. Costs are the backtest's defaults.

    Parameters
    ----------
    episode
        The episode.
    **spec_overrides
        Fields of :class:`hedgekit.backtest.BacktestSpec` to set instead (e.g. ``costs``,
        ``rebalance``, ``futures_prices``).
    """
    from hedgekit.backtest import BacktestSpec, IndexPortfolio, MarginSpec
    from hedgekit.policies import Never

    spec = BacktestSpec(
        start=episode.start,
        end=episode.end,
        portfolio=IndexPortfolio(value_usd=episode.value_usd, beta=episode.beta),
        contract=episode.contract,
        policy=episode.policy,
        margin=MarginSpec(
            initial_usd=episode.initial_margin_per_contract_usd,
            maintenance_usd=episode.maintenance_margin_per_contract_usd,
            call_source=episode.call_source,
            model="fixed",
        ),
        rebalance=Never(),
        rounding=episode.rounding,
    )
    if spec_overrides:
        names = {f.name for f in dataclasses.fields(spec)}
        for key in spec_overrides:
            if key not in names:
                raise InputError(
                    "unknown override",
                    source=key,
                    value=spec_overrides[key],
                    expected=f"an episode field ({', '.join(EPISODE_OVERRIDES)}) or a "
                    f"BacktestSpec field ({', '.join(sorted(names))})",
                )
        spec = dataclasses.replace(spec, **spec_overrides)
    return spec


def replay(
    key: str | Episode,
    *,
    engine: str = "auto",
    progress: Callable[[int, int], None] | None = None,
    **overrides: Any,
) -> ReplayResult:
    """Run a named episode on the bundled history and measure the story's claims.

    Parameters
    ----------
    key
        Episode key (see :func:`list_episodes`) or an :class:`Episode`.
    engine
        Passed to :func:`hedgekit.backtest.run_backtest`.
    progress
        Optional progress callback, passed to ``run_backtest``.
    **overrides
        Episode fields to change (``start``, ``end``, ``hedge_ratio``, ``hedge_until``,
        ``value_usd``, ``beta``, ``contract``, ``initial_margin_per_contract_usd``,
        ``rounding``, ``call_source``, ``other_assets_usd``) or ``BacktestSpec`` fields
        (``costs``, ``rebalance``, ``futures_prices``, ...). The claims stay as the story
        states them; those outside a shortened run are reported as not measured.

    Returns
    -------
    ReplayResult

    Raises
    ------
    InputError
        Unknown key or override, or an override out of range.

    Examples
    --------
    >>> from hedgekit.replays import list_episodes
    >>> [e.key for e in list_episodes()][:3]
    ['crisis-2008', 'q4-2018', 'covid-crash-2020']
    """
    from hedgekit.backtest import run_backtest

    episode = key if isinstance(key, Episode) else get_episode(key)
    ep_changes = {k: v for k, v in overrides.items() if k in EPISODE_OVERRIDES}
    spec_changes = {k: v for k, v in overrides.items() if k not in EPISODE_OVERRIDES}
    if ep_changes:
        episode = dataclasses.replace(episode, **ep_changes)
    spec = episode_spec(episode, **spec_changes)
    result = run_backtest(spec, engine=engine, progress=progress)  # type: ignore[arg-type]
    return ReplayResult(episode, result, check_claims(episode, result))
