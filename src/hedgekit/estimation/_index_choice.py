"""Which index to hedge with: single-index ranking and the joint multi-index regression."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from hedgekit._typing import DateLike
from hedgekit.errors import InputError

from ._align import ReturnsLike, align_frame
from ._beta import fit_ols_frame
from ._common import (
    MIN_OBS,
    Frequency,
    check_frequency,
    check_spacing,
    iso,
    json_float,
    periods_per_year,
    values,
)
from ._kernels import design_is_full_rank, ols

__all__ = [
    "IndexFit",
    "IndexFitTable",
    "JointHedgeVerdict",
    "MultiBetaResult",
    "assess_joint_hedge",
    "compare_indices",
    "multi_index_beta",
]

_PORTFOLIO = "portfolio_returns"


def _pct_pair(a: float, b: float, base_decimals: int) -> tuple[str, str]:
    """Format two fractions as percentages with enough decimals to tell them apart."""
    for d in range(base_decimals, base_decimals + 3):
        sa, sb = f"{a:.{d}%}", f"{b:.{d}%}"
        if sa != sb:
            return sa, sb
    return sa, sb


def _candidates_frame(
    portfolio_returns: ReturnsLike,
    candidates: Mapping[str, ReturnsLike],
    *,
    start: DateLike | None,
    end: DateLike | None,
    window: int | None,
    min_obs: int,
    frequency: Frequency,
    least: int,
) -> tuple[pd.DataFrame, pd.DatetimeIndex]:
    if not isinstance(candidates, Mapping) or len(candidates) < least:
        raise InputError(
            "not enough candidate indices",
            source="candidates",
            value=0 if not isinstance(candidates, Mapping) else len(candidates),
            expected=f"a mapping of name -> returns with >= {least} entries",
        )
    names = [str(k) for k in candidates]
    if _PORTFOLIO in names:
        raise InputError("reserved candidate name", source="candidates", value=_PORTFOLIO)
    series: dict[str, object] = {_PORTFOLIO: portfolio_returns}
    series.update({str(k): v for k, v in candidates.items()})
    frame, excluded = align_frame(series, start=start, end=end, window=window, min_obs=min_obs)
    check_spacing(pd.DatetimeIndex(frame.index), frequency, source=_PORTFOLIO)
    return frame, excluded


@dataclass(frozen=True, slots=True)
class IndexFit:
    """One candidate index regressed alone on the portfolio's returns.

    Attributes
    ----------
    name
        Candidate name.
    rank
        1 = best hedge.
    beta, beta_se
        OLS beta and its classical standard error.
    r_squared
        Hedge effectiveness (share of portfolio variance explained).
    correlation
        Correlation of portfolio and candidate returns.
    tracking_error_annual
        Annualised volatility of the beta-hedged portfolio, ``sd(r_p − β r_m)·√P``.
    n_obs
        Observations (the same for every candidate).
    """

    name: str
    rank: int
    beta: float
    beta_se: float
    r_squared: float
    correlation: float
    tracking_error_annual: float
    n_obs: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "name": self.name,
            "rank": int(self.rank),
            "beta": json_float(self.beta),
            "beta_se": json_float(self.beta_se),
            "r_squared": json_float(self.r_squared),
            "correlation": json_float(self.correlation),
            "tracking_error_annual": json_float(self.tracking_error_annual),
            "n_obs": int(self.n_obs),
        }


@dataclass(frozen=True, slots=True)
class IndexFitTable:
    """Candidate indices ranked as single-index hedges of one portfolio.

    Attributes
    ----------
    rows
        One :class:`IndexFit` per candidate, best first.
    best
        Name of the best candidate.
    reason
        One sentence citing the numbers behind the choice.
    frequency, start, end, n_obs
        The common sample every candidate was fitted on.
    n_roll_days_excluded
        Futures roll days dropped from that sample.
    """

    rows: tuple[IndexFit, ...]
    best: str
    reason: str
    frequency: Frequency
    start: pd.Timestamp
    end: pd.Timestamp
    n_obs: int
    n_roll_days_excluded: int = 0

    def row(self, name: str) -> IndexFit:
        """The row of candidate ``name``."""
        for r in self.rows:
            if r.name == name:
                return r
        raise InputError("no such candidate", source="name", value=name)

    def to_frame(self) -> pd.DataFrame:
        """One row per candidate (index: name), best first."""
        df = pd.DataFrame([r.to_dict() for r in self.rows]).set_index("name")
        return df

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "best": self.best,
            "reason": self.reason,
            "frequency": self.frequency,
            "start": iso(self.start),
            "end": iso(self.end),
            "n_obs": int(self.n_obs),
            "n_roll_days_excluded": int(self.n_roll_days_excluded),
            "rows": [r.to_dict() for r in self.rows],
        }


def _rank(frame: pd.DataFrame, excluded: pd.DatetimeIndex, frequency: Frequency) -> IndexFitTable:
    fits = []
    for name in frame.columns[1:]:
        res = fit_ols_frame(
            frame[[_PORTFOLIO, name]],
            excluded,
            frequency=frequency,
            index_name=str(name),
            source=str(name),
        )
        fits.append(res)
    order = sorted(
        range(len(fits)),
        key=lambda i: (-(fits[i].r_squared or 0.0), fits[i].residual_vol_annual or 0.0),
    )
    rows = tuple(
        IndexFit(
            name=fits[i].index_name,
            rank=rank + 1,
            beta=fits[i].beta,
            beta_se=fits[i].beta_se or 0.0,
            r_squared=fits[i].r_squared or 0.0,
            correlation=fits[i].correlation or 0.0,
            tracking_error_annual=fits[i].residual_vol_annual or 0.0,
            n_obs=fits[i].n_obs,
        )
        for rank, i in enumerate(order)
    )
    best = rows[0]
    if len(rows) == 1:
        reason = (
            f"{best.name} is the only candidate: it explains {best.r_squared:.0%} of "
            f"{frequency} variance; residual tracking error {best.tracking_error_annual:.1%} "
            "a year."
        )
    else:
        second = rows[1]
        r2a, r2b = _pct_pair(best.r_squared, second.r_squared, 0)
        tea, teb = _pct_pair(best.tracking_error_annual, second.tracking_error_annual, 1)
        reason = (
            f"{best.name} explains {r2a} of {frequency} variance vs {r2b} for {second.name}; "
            f"residual tracking error {tea} vs {teb} a year."
        )
    return IndexFitTable(
        rows=rows,
        best=best.name,
        reason=reason,
        frequency=frequency,
        start=pd.Timestamp(frame.index[0]),
        end=pd.Timestamp(frame.index[-1]),
        n_obs=len(frame),
        n_roll_days_excluded=len(excluded),
    )


def compare_indices(
    portfolio_returns: ReturnsLike,
    candidates: Mapping[str, ReturnsLike],
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    window: int | None = None,
    frequency: Frequency = "daily",
    min_obs: int = MIN_OBS,
) -> IndexFitTable:
    r"""Rank candidate indices as single-index hedges of a portfolio.

    Each candidate is regressed alone, :math:`r_p = \alpha + \beta r_m + \varepsilon`,
    on one common sample (all series aligned together, as in :func:`align`). Candidates
    are ranked by hedge effectiveness :math:`R^2` (Hull, 11th ed., §3.4: the variance a
    beta hedge removes), ties broken by the lower tracking error
    :math:`\mathrm{sd}(r_p - \hat\beta r_m)\sqrt{P}`. On one sample the two orders agree,
    since that tracking error is :math:`\sqrt{(1-R^2)\,\mathrm{SST}/(n-1)}\sqrt{P}`.

    Parameters
    ----------
    portfolio_returns
        Returns of the portfolio to hedge.
    candidates
        Name -> returns of each candidate index or hedge instrument
        (:class:`FuturesReturns` allowed; the union of their roll days is excluded).
    start, end, window, min_obs
        Sample selection, as in :func:`align`.
    frequency
        Frequency of the returns.

    Returns
    -------
    IndexFitTable
    """
    freq = check_frequency(frequency)
    frame, excluded = _candidates_frame(
        portfolio_returns,
        candidates,
        start=start,
        end=end,
        window=window,
        min_obs=min_obs,
        frequency=freq,
        least=1,
    )
    return _rank(frame, excluded, freq)


@dataclass(frozen=True, slots=True)
class MultiBetaResult:
    r"""Joint regression of a portfolio on several indices.

    .. math:: r_p = \alpha + \sum_j \beta_j r_{m_j} + \varepsilon

    Attributes
    ----------
    index_names, betas, beta_ses
        Regressors, their coefficients and classical OLS standard errors, in input order.
    alpha, alpha_se
        Intercept per period and its standard error.
    r_squared, adj_r_squared
        :math:`R^2` and :math:`\bar R^2 = 1-(1-R^2)(n-1)/(n-k-1)`.
    residual_vol_annual
        Tracking error of the jointly hedged portfolio,
        ``sd(r_p − Σ β_j r_j)·√P`` (``ddof = 1``).
    n_obs, start, end, frequency, n_roll_days_excluded
        Sample used.
    """

    index_names: tuple[str, ...]
    betas: tuple[float, ...]
    beta_ses: tuple[float, ...]
    alpha: float
    alpha_se: float
    r_squared: float
    adj_r_squared: float
    residual_vol_annual: float
    n_obs: int
    start: pd.Timestamp
    end: pd.Timestamp
    frequency: Frequency
    n_roll_days_excluded: int = 0

    def beta(self, name: str) -> float:
        """Coefficient on index ``name``."""
        if name not in self.index_names:
            raise InputError("not a regressor of this fit", source="name", value=name)
        return self.betas[self.index_names.index(name)]

    def to_frame(self) -> pd.DataFrame:
        """One row per index: ``beta`` and ``beta_se``."""
        return pd.DataFrame(
            {"beta": self.betas, "beta_se": self.beta_ses},
            index=pd.Index(self.index_names, name="index_name"),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "betas": {n: json_float(b) for n, b in zip(self.index_names, self.betas, strict=True)},
            "beta_ses": {
                n: json_float(s) for n, s in zip(self.index_names, self.beta_ses, strict=True)
            },
            "alpha": json_float(self.alpha),
            "alpha_se": json_float(self.alpha_se),
            "r_squared": json_float(self.r_squared),
            "adj_r_squared": json_float(self.adj_r_squared),
            "residual_vol_annual": json_float(self.residual_vol_annual),
            "n_obs": int(self.n_obs),
            "start": iso(self.start),
            "end": iso(self.end),
            "frequency": self.frequency,
            "n_roll_days_excluded": int(self.n_roll_days_excluded),
        }


def _multi(
    frame: pd.DataFrame, excluded: pd.DatetimeIndex, frequency: Frequency
) -> MultiBetaResult:
    names = tuple(str(c) for c in frame.columns[1:])
    y = values(frame[_PORTFOLIO])
    x = frame[list(frame.columns[1:])].to_numpy(dtype=np.float64)
    if len(frame) <= x.shape[1] + 1:
        raise InputError(
            "more regressors than the sample can identify",
            source="candidates",
            value=len(frame),
            expected=f"> {x.shape[1] + 1} observations",
        )
    if not design_is_full_rank(x):
        raise InputError(
            "candidate returns are collinear (or one is constant): their betas cannot be "
            "told apart",
            source="candidates",
            value=", ".join(names),
            expected="linearly independent index returns",
        )
    if float(np.ptp(y)) == 0.0:
        raise InputError("portfolio returns are constant", source=_PORTFOLIO)
    fit = ols(y, x)
    n = fit.n_obs
    return MultiBetaResult(
        index_names=names,
        betas=tuple(float(b) for b in fit.coef[1:]),
        beta_ses=tuple(float(s) for s in fit.se[1:]),
        alpha=float(fit.coef[0]),
        alpha_se=float(fit.se[0]),
        r_squared=float(fit.r_squared),
        adj_r_squared=float(fit.adj_r_squared),
        residual_vol_annual=math.sqrt(fit.ssr / (n - 1) * periods_per_year(frequency)),
        n_obs=n,
        start=pd.Timestamp(frame.index[0]),
        end=pd.Timestamp(frame.index[-1]),
        frequency=frequency,
        n_roll_days_excluded=len(excluded),
    )


def multi_index_beta(
    portfolio_returns: ReturnsLike,
    candidates: Mapping[str, ReturnsLike],
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    window: int | None = None,
    frequency: Frequency = "daily",
    min_obs: int = MIN_OBS,
) -> MultiBetaResult:
    r"""Regress the portfolio on several indices at once.

    .. math:: r_p = \alpha + \sum_j \beta_j r_{m_j} + \varepsilon

    OLS with classical standard errors (the multi-factor extension of the hedge
    regression; Hull, 11th ed., §3.4–3.5). Each :math:`\beta_j` is the value of index
    :math:`j` to short per dollar of portfolio in a joint hedge.

    Parameters
    ----------
    portfolio_returns
        Returns of the portfolio.
    candidates
        Name -> returns of each index (at least one; collinear ones are rejected).
    start, end, window, min_obs, frequency
        As :func:`compare_indices`.

    Returns
    -------
    MultiBetaResult
    """
    freq = check_frequency(frequency)
    frame, excluded = _candidates_frame(
        portfolio_returns,
        candidates,
        start=start,
        end=end,
        window=window,
        min_obs=min_obs,
        frequency=freq,
        least=1,
    )
    return _multi(frame, excluded, freq)


@dataclass(frozen=True, slots=True)
class JointHedgeVerdict:
    """Whether hedging with several indices together is materially better than the best one.

    Attributes
    ----------
    materially_better
        ``True`` when the adjusted-R² gain or the relative tracking-error reduction
        reaches its threshold.
    best_single
        Best single index (see :func:`compare_indices`).
    single_adj_r_squared, joint_adj_r_squared, adj_r_squared_gain
        Adjusted R² of the best single-index and the joint regression, and the gain.
    single_tracking_error_annual, joint_tracking_error_annual
        Annualised tracking errors of the two hedges.
    tracking_error_reduction
        ``1 − joint / single`` tracking error.
    min_adj_r_squared_gain, min_tracking_error_reduction
        Thresholds used.
    reason
        One sentence with the numbers.
    singles, joint
        The underlying fits (same sample).
    """

    materially_better: bool
    best_single: str
    single_adj_r_squared: float
    joint_adj_r_squared: float
    adj_r_squared_gain: float
    single_tracking_error_annual: float
    joint_tracking_error_annual: float
    tracking_error_reduction: float
    min_adj_r_squared_gain: float
    min_tracking_error_reduction: float
    reason: str
    singles: IndexFitTable
    joint: MultiBetaResult

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "materially_better": bool(self.materially_better),
            "best_single": self.best_single,
            "single_adj_r_squared": json_float(self.single_adj_r_squared),
            "joint_adj_r_squared": json_float(self.joint_adj_r_squared),
            "adj_r_squared_gain": json_float(self.adj_r_squared_gain),
            "single_tracking_error_annual": json_float(self.single_tracking_error_annual),
            "joint_tracking_error_annual": json_float(self.joint_tracking_error_annual),
            "tracking_error_reduction": json_float(self.tracking_error_reduction),
            "min_adj_r_squared_gain": float(self.min_adj_r_squared_gain),
            "min_tracking_error_reduction": float(self.min_tracking_error_reduction),
            "reason": self.reason,
            "singles": self.singles.to_dict(),
            "joint": self.joint.to_dict(),
        }


def _threshold(value: float, *, source: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1:
        raise InputError(
            "threshold out of range", source=source, value=value, expected="0 <= x < 1"
        )
    return float(value)


def assess_joint_hedge(
    portfolio_returns: ReturnsLike,
    candidates: Mapping[str, ReturnsLike],
    *,
    min_adj_r_squared_gain: float = 0.02,
    min_tracking_error_reduction: float = 0.10,
    start: DateLike | None = None,
    end: DateLike | None = None,
    window: int | None = None,
    frequency: Frequency = "daily",
    min_obs: int = MIN_OBS,
) -> JointHedgeVerdict:
    r"""Say whether a joint multi-index hedge is materially better than the best single one.

    Both are fitted on one common sample. The joint hedge is *materially* better when

    .. math::

        \bar R^2_{joint} - \bar R^2_{single} \ge g
        \quad\text{or}\quad
        1 - \frac{TE_{joint}}{TE_{single}} \ge t

    with defaults :math:`g = 0.02` (two points of adjusted R², which penalises the extra
    regressors) and :math:`t = 0.10` (a tenth less tracking error): below both, the
    extra contracts, margin and rolls of a second hedge instrument are rarely worth it.
    The thresholds are judgement, not theory; set them to taste.

    Parameters
    ----------
    portfolio_returns
        Returns of the portfolio.
    candidates
        At least two candidate indices.
    min_adj_r_squared_gain, min_tracking_error_reduction
        Thresholds :math:`g` and :math:`t`, in ``[0, 1)``.
    start, end, window, frequency, min_obs
        As :func:`compare_indices`.

    Returns
    -------
    JointHedgeVerdict
    """
    g = _threshold(min_adj_r_squared_gain, source="min_adj_r_squared_gain")
    t = _threshold(min_tracking_error_reduction, source="min_tracking_error_reduction")
    freq = check_frequency(frequency)
    frame, excluded = _candidates_frame(
        portfolio_returns,
        candidates,
        start=start,
        end=end,
        window=window,
        min_obs=min_obs,
        frequency=freq,
        least=2,
    )
    singles = _rank(frame, excluded, freq)
    joint = _multi(frame, excluded, freq)
    best = singles.rows[0]
    n = singles.n_obs
    single_adj = 1.0 - (1.0 - best.r_squared) * (n - 1) / (n - 2)
    gain = joint.adj_r_squared - single_adj
    te_red = 1.0 - joint.residual_vol_annual / best.tracking_error_annual
    material = gain >= g or te_red >= t
    others = [name for name in joint.index_names if name != best.name]
    together = " + ".join([best.name, *others])
    numbers = (
        f"adjusted R² {joint.adj_r_squared:.3f} vs {single_adj:.3f} ({gain:+.3f}; threshold "
        f"{g:.3f}), tracking error {joint.residual_vol_annual:.1%} vs "
        f"{best.tracking_error_annual:.1%} a year ({te_red:.0%} reduction; threshold {t:.0%})"
    )
    if material:
        reason = (
            f"Hedging with {together} together is materially better than {best.name} "
            f"alone: {numbers}."
        )
    else:
        reason = (
            f"Hedging with {together} together is not materially better than {best.name} "
            f"alone: {numbers}; a single {best.name} hedge is simpler."
        )
    return JointHedgeVerdict(
        materially_better=material,
        best_single=best.name,
        single_adj_r_squared=single_adj,
        joint_adj_r_squared=joint.adj_r_squared,
        adj_r_squared_gain=gain,
        single_tracking_error_annual=best.tracking_error_annual,
        joint_tracking_error_annual=joint.residual_vol_annual,
        tracking_error_reduction=te_red,
        min_adj_r_squared_gain=g,
        min_tracking_error_reduction=t,
        reason=reason,
        singles=singles,
        joint=joint,
    )
