r"""Portfolio value implied by an index move: the CAPM mapping shared by ``puts`` and ``compare``.

Hull, *Options, Futures and Other Derivatives*, 11th ed., ch. 17 ("When the portfolio's beta
is not 1.0") and §3.5 / Table 3.4: over a horizon of :math:`T` years, with the index price
moving by :math:`x`, the index paying a dividend yield :math:`q` and the risk-free rate
:math:`r`, the market's total return is :math:`x + qT` and the portfolio's expected total
return is

.. math:: R_p = rT + \beta\,(x + qT - rT).

The portfolio's value at the horizon **including the dividends it paid** (kept as cash) is

.. math:: W = V\,[1 + \beta\,(x + qT) + (1-\beta)\,rT].

The portfolio's own dividend yield :math:`q_p` only splits :math:`W` into the value of the
shares, :math:`W - q_p V T` (Hull's table), and the dividends received, :math:`q_p V T`: the
wealth :math:`W` does not depend on it. Dividends and interest are simple over the horizon,
as in :mod:`hedgekit.scenarios` (``return_model="capm"``), so the scenario tables, ``puts``
and ``compare`` value the stocks alike.
"""

from __future__ import annotations

from typing import overload

import numpy as np
import numpy.typing as npt

from hedgekit._typing import Float64Array

__all__ = ["capm_portfolio_value"]


@overload
def capm_portfolio_value(
    value_usd: float, beta: float, index_move: float, rate_annual: float,
    dividend_yield: float, t_years: float,
) -> float: ...  # fmt: skip
@overload
def capm_portfolio_value(
    value_usd: float, beta: float, index_move: npt.ArrayLike, rate_annual: float,
    dividend_yield: float, t_years: float,
) -> Float64Array: ...  # fmt: skip
def capm_portfolio_value(
    value_usd: float,
    beta: float,
    index_move: npt.ArrayLike,
    rate_annual: float,
    dividend_yield: float,
    t_years: float,
) -> float | Float64Array:
    r"""Portfolio value at the horizon, dividends received included, for an index price move.

    .. math:: W = V\,[1 + \beta\,(x + qT) + (1-\beta)\,rT]

    (Hull 11e ch. 17, portfolio insurance with a beta other than 1; module notes.)

    Parameters
    ----------
    value_usd
        Portfolio value today :math:`V`.
    beta
        Beta against the index.
    index_move
        Index price move :math:`x = S_T/S_0 - 1` (scalar or array).
    rate_annual, dividend_yield
        Risk-free rate :math:`r` and the index's dividend yield :math:`q`, per year.
    t_years
        Horizon :math:`T` in years.

    Returns
    -------
    float or ndarray
        :math:`W` in USD. Subtract :math:`q_p V T` for the shares alone (ex dividends).

    Examples
    --------
    Hull's example: $500,000, beta 2, r 12 %, q 4 %, three months, the index 1,000 -> 960:

    >>> w = capm_portfolio_value(500_000, 2.0, -0.04, 0.12, 0.04, 0.25)
    >>> round(w - 0.04 * 0.25 * 500_000)  # ex dividends
    450000
    """
    x = np.asarray(index_move, dtype=np.float64)
    w = value_usd * (
        1.0 + beta * (x + dividend_yield * t_years) + (1.0 - beta) * rate_annual * t_years
    )
    if w.ndim == 0:
        return float(w)
    return np.asarray(w, dtype=np.float64)
