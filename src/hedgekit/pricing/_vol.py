r"""Volatility inputs for option pricing: VIX, realised volatility and a labelled skew heuristic."""

from __future__ import annotations

from typing import Final, overload

import numpy as np
import numpy.typing as npt

from hedgekit._typing import Float64Array
from hedgekit.pricing._validation import (
    as_float_array,
    broadcast,
    finish,
    non_negative,
    positive,
    require,
)

__all__ = [
    "DEFAULT_SKEW_PER_10PCT",
    "REALISED_VOL_WINDOW",
    "TRADING_DAYS_PER_YEAR",
    "realised_vol",
    "skew_adjusted_vol",
    "vol_from_vix",
]

#: Daily log returns in the default realised-vol window: 63 sessions, about three months.
REALISED_VOL_WINDOW: Final = 63
#: Trading days per year used to annualise a daily standard deviation (Hull 11e §15.4).
TRADING_DAYS_PER_YEAR: Final = 252

#: Default slope of :func:`skew_adjusted_vol`: +5 vol points (0.05) for each 10 % of spot
#: that the strike sits below spot. This is an **assumption** of this library to make the
#: downside skew of index options visible in cost comparisons, not an estimate fitted to
#: data; calibrate it to the option quotes you actually trade.
DEFAULT_SKEW_PER_10PCT: Final = 0.05


@overload
def vol_from_vix(vix_level: float) -> float: ...
@overload
def vol_from_vix(vix_level: npt.ArrayLike) -> Float64Array: ...
def vol_from_vix(vix_level: npt.ArrayLike) -> float | Float64Array:
    r"""Annualised volatility from a VIX level: :math:`\sigma = \mathrm{VIX}/100`.

    The VIX is the 30-calendar-day expected volatility of the S&P 500 implied by SPX option
    prices, quoted in percent per year. It is a model-free (variance-swap style) measure
    that weights out-of-the-money puts, so it usually sits above the at-the-money implied
    volatility; using it as the BSM vol for at-the-money options is an approximation, and
    for horizons other than 30 days the term structure is ignored.

    Parameters
    ----------
    vix_level
        VIX index level(s), e.g. 18.5 (>= 0).

    Returns
    -------
    float or ndarray
        Volatility as a fraction per year (0.185).

    References
    ----------
    Cboe, "VIX White Paper: Cboe Volatility Index" (methodology, 30-day expected volatility).
    """
    return finish(non_negative(vix_level, "vix_level") / 100.0)


@overload
def skew_adjusted_vol(
    atm_vol: float,
    moneyness_k_over_s: float,
    *,
    skew_per_10pct: float = ...,
) -> float: ...
@overload
def skew_adjusted_vol(
    atm_vol: npt.ArrayLike,
    moneyness_k_over_s: npt.ArrayLike,
    *,
    skew_per_10pct: float = ...,
) -> Float64Array: ...
def skew_adjusted_vol(
    atm_vol: npt.ArrayLike,
    moneyness_k_over_s: npt.ArrayLike,
    *,
    skew_per_10pct: float = DEFAULT_SKEW_PER_10PCT,
) -> float | Float64Array:
    r"""Heuristic linear volatility skew around the at-the-money vol.

    .. math:: \sigma(K) = \sigma_{ATM} + b\,\frac{1 - K/S}{0.10}

    **A heuristic, not a model.** Equity index implied vols rise as strikes fall below
    spot (Hull, 11th ed., ch. 20 "Volatility Smiles and Volatility Surfaces", the equity
    skew). This straight line makes that visible when pricing out-of-the-money puts from
    a single vol level (e.g. :func:`vol_from_vix`). It extends above spot with the same
    slope (lower vol for higher strikes) and refuses to return a vol <= 0.

    Parameters
    ----------
    atm_vol
        At-the-money volatility :math:`\sigma_{ATM}` (fraction, > 0).
    moneyness_k_over_s
        Strike over spot :math:`K/S` (> 0); 0.9 is a put 10 % out of the money.
    skew_per_10pct
        Slope :math:`b`: vol added (as a fraction) per 10 % of spot below spot. The default
        :data:`DEFAULT_SKEW_PER_10PCT` is an assumption, not an estimate; set it from the
        quotes you trade, or 0 for a flat surface.

    Returns
    -------
    float or ndarray
        Skew-adjusted volatility.

    Raises
    ------
    InputError
        If the line gives a vol <= 0 (strike far above spot with a steep slope).
    """
    atm = positive(atm_vol, "atm_vol")
    m = positive(moneyness_k_over_s, "moneyness_k_over_s")
    b = float(as_float_array(skew_per_10pct, "skew_per_10pct"))
    atm, m = broadcast(atm_vol=atm, moneyness_k_over_s=m)
    out = atm + b * (1.0 - m) / 0.10
    require(
        out > 0.0,
        np.asarray(m),
        "moneyness_k_over_s",
        "a moneyness where the linear skew still gives a positive vol",
    )
    return finish(out)


def realised_vol(
    closes: npt.ArrayLike,
    window: int = REALISED_VOL_WINDOW,
    periods_per_year: float = TRADING_DAYS_PER_YEAR,
) -> float:
    r"""Annualised historical volatility from the last ``window`` daily log returns.

    With :math:`u_i = \ln(S_i / S_{i-1})` the last :math:`n` daily log returns and
    :math:`s` their sample standard deviation (divisor :math:`n - 1`),

    .. math:: \hat\sigma = s\,\sqrt{\tau}, \qquad \tau = 252 \text{ trading days a year}

    (Hull, *Options, Futures and Other Derivatives*, 11th ed., §15.4 "Estimating volatility
    from historical data", eqs. 15.2–15.4, trading days only). A backward-looking estimate:
    it is not the implied volatility the options trade at, which is usually higher, above
    all for out-of-the-money puts.

    Parameters
    ----------
    closes
        Daily closes in date order, the last one the day the estimate is made (> 0). Only
        the last ``window + 1`` are used.
    window
        Number of daily returns :math:`n` (>= 2); default 63, about three months.
    periods_per_year
        Sessions a year used to annualise (default 252).

    Returns
    -------
    float
        Volatility as a fraction per year.
    """
    c = positive(closes, "closes")
    c = np.atleast_1d(np.asarray(c, dtype=np.float64))
    n = int(window)
    require(np.asarray(n >= 2), np.asarray(n), "window", "at least 2 returns")
    require(
        np.asarray(len(c) >= n + 1),
        np.asarray(len(c)),
        "closes",
        f"at least {n + 1} closes for {n} daily returns",
    )
    u = np.diff(np.log(c[-(n + 1) :]))
    return float(np.std(u, ddof=1) * np.sqrt(float(periods_per_year)))
