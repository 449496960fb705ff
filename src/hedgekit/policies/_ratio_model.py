r"""A policy whose hedge ratio is a time-varying minimum-variance ratio (rolling, EWMA, DCC).

The engine's hedge ratio is the fraction of the beta exposure to sell; with the exposure
:math:`\beta V` in index dollars, the minimum-variance number of contracts is
:math:`h^{MV}_t \beta V / (m F)`, where :math:`h^{MV}_t` is the minimum-variance ratio of
the *index* against the *futures* (Hull, 11th ed., §3.4, eq. 3.1 and the tailing of §3.4;
Kroner & Sultan 1993 for the conditional version). The policy's target on session ``t`` is
the model's forecast made at the close of ``t`` (from index and futures returns up to and
including ``t``; DCC parameters refitted at each refit date on the sessions before it), so
it never looks ahead.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from hedgekit._typing import Float64Array
from hedgekit.errors import InputError
from hedgekit.policies._base import HedgePolicy, finish_targets
from hedgekit.policies._market import PolicyMarket

__all__ = ["RatioModelHedge"]

_MODELS: Final = ("rolling", "ewma", "dcc")
_REFITS: Final = ("weekly", "monthly", "quarterly")
#: Target where the model has too little history for an estimate: the full hedge.
_NO_ESTIMATE_RATIO: Final = 1.0


def _bundled_history(index: str) -> pd.DataFrame:
    """Index closes and front-month futures prices on common sessions.

    The futures are the CME ES1 settlements where bundled (to 2019-10-18), then the ES=F
    closes; the session where the source switches is marked as a roll (its change mixes a
    settlement and a close), as are contract changes.
    """
    from hedgekit import datasets

    if index != "SPX":
        raise InputError(
            "time-varying hedge ratios need bundled futures prices: only the S&P 500 has them",
            source="--contract",
            value=index,
            expected="ES or MES",
        )
    spx = datasets.load_sp500()["close"].dropna()
    es1 = datasets.load_es_front_month()[["settle", "inferred_contract"]].dropna()
    front = datasets.load_futures_front("ES")[["close", "inferred_contract"]].dropna()
    last_settle = es1.index[-1]
    later = front.loc[front.index > last_settle]
    price = pd.concat([es1["settle"], later["close"]])
    label = pd.concat(
        [es1["inferred_contract"].astype(str), later["inferred_contract"].astype(str) + "/c"]
    )
    common = spx.index.intersection(price.index)
    return pd.DataFrame(
        {"spot": spx.reindex(common), "futures": price.reindex(common), "contract": label},
        index=common,
    ).dropna()


@functools.lru_cache(maxsize=16)
def _forecast_path(model: str, window: int, decay: float, refit: str, index: str) -> pd.Series:
    return forecast_path(_bundled_history(index), model, window=window, decay=decay, refit=refit)


def forecast_path(
    history: pd.DataFrame, model: str, *, window: int, decay: float, refit: str
) -> pd.Series:
    """The model's forecast :math:`h_{t+1|t}` made at each session's close.

    ``history`` has columns ``spot``, ``futures`` (price levels) and ``contract`` (the
    futures contract held, for the roll days whose change is excluded). Sessions where the
    forecast cannot be made yet are NaN; a roll session carries the previous forecast.
    """
    from hedgekit.estimation._out_of_sample import OutOfSampleSettings, _dcc_path, _period_starts
    from hedgekit.estimation._time_varying import (
        DCC_MIN_OBS,
        EWMA_START_OBS,
        ewma_path,
        rolling_path,
    )

    spot = history["spot"].to_numpy(dtype=np.float64)
    fut = history["futures"].to_numpy(dtype=np.float64)
    label = history["contract"].astype(str).to_numpy()
    dates = pd.DatetimeIndex(history.index)
    s = spot[1:] / spot[:-1] - 1.0
    f = fut[1:] / fut[:-1] - 1.0
    ok = (label[1:] == label[:-1]) & np.isfinite(s) & np.isfinite(f)
    keep = np.flatnonzero(ok)
    sc, fc = s[keep], f[keep]
    if model == "rolling":
        path = rolling_path(sc, fc, window)[0]
    elif model == "ewma":
        path = ewma_path(sc, fc, decay)[0]
        # The recursion starts from the first 75 returns' moments: no forecast before them.
        path[: EWMA_START_OBS + 1] = np.nan
    else:
        settings = OutOfSampleSettings(models=("dcc",), decay=decay, refit=refit)  # type: ignore[arg-type]
        refit_days = _period_starts(dates[1:][keep], refit)
        path = _dcc_path(sc, fc, min(DCC_MIN_OBS, sc.size), refit_days, settings, None)[0]
    # path[k + 1] is the forecast at the close of the k-th kept return's session.
    out = np.full(len(dates), np.nan)
    out[keep + 1] = path[1:]
    return pd.Series(out, index=dates).ffill()


@dataclass(frozen=True, slots=True)
class RatioModelHedge(HedgePolicy):
    """Hedge the minimum-variance ratio of a time-varying model, re-estimated every session.

    Attributes
    ----------
    model
        ``"rolling"`` (OLS over ``window`` sessions), ``"ewma"`` (RiskMetrics, ``decay``)
        or ``"dcc"`` (DCC-GARCH(1,1), refitted ``refit``; see
        :func:`hedgekit.estimation.dcc_hedge_ratio`).
    window
        Rolling OLS window, sessions.
    decay
        EWMA λ (also the DCC's fallback when a fit fails).
    refit
        DCC refit frequency: ``"weekly"``, ``"monthly"`` or ``"quarterly"``.
    index
        Index the futures are on (``"SPX"``: the bundled S&P 500 and ES prices).

    Notes
    -----
    The targets come from the bundled index and futures history (CME ES1 settlements to
    2019-10-18, then ES=F closes), so a run's own warm-up length does not limit the fit.
    Sessions without an estimate (before enough history) target the full hedge, 1.
    """

    model: str = "ewma"
    window: int = 252
    decay: float = 0.94
    refit: str = "monthly"
    index: str = "SPX"

    def __post_init__(self) -> None:
        if self.model not in _MODELS:
            raise InputError(
                "unknown ratio model", source="model", value=self.model,
                expected=" | ".join(_MODELS),
            )  # fmt: skip
        if self.refit not in _REFITS:
            raise InputError(
                "unknown refit frequency", source="refit", value=self.refit,
                expected=" | ".join(_REFITS),
            )  # fmt: skip
        w = self.window
        if isinstance(w, bool) or not isinstance(w, int | np.integer) or not 20 <= w <= 10_000:
            raise InputError(
                "rolling window out of range", source="window", value=w,
                expected="an integer from 20 to 10000 sessions",
            )  # fmt: skip
        d = self.decay
        if isinstance(d, bool) or not isinstance(d, int | float) or not 0.0 < d < 1.0:
            raise InputError("decay out of range", source="decay", value=d, expected="0 < λ < 1")
        object.__setattr__(self, "window", int(w))
        object.__setattr__(self, "decay", float(d))

    @property
    def name(self) -> str:
        """Short description, e.g. ``"dcc ratio"``."""
        if self.model == "rolling":
            return f"rolling {self.window}-session ratio"
        if self.model == "ewma":
            return f"EWMA ratio (λ = {self.decay:g})"
        return f"DCC-GARCH ratio (refit {self.refit})"

    def targets(self, market: PolicyMarket) -> Float64Array:
        """The model's forecast at each session's close (1 where none can be made yet)."""
        path = _forecast_path(self.model, self.window, self.decay, self.refit, self.index)
        values = path.reindex(market.dates).to_numpy(dtype=np.float64)
        # A session the history lacks (a futures-only gap): carry the last forecast.
        values = pd.Series(values).ffill().to_numpy(dtype=np.float64)
        out = np.where(np.isfinite(values), values, _NO_ESTIMATE_RATIO)
        if not all(math.isfinite(x) for x in out):  # pragma: no cover - guarded above
            raise InputError("non-finite ratio", source="model", value=self.model)
        return finish_targets(out, market, "ratio-model")
