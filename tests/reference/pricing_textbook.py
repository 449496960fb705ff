"""Published worked examples used to check ``hedgekit.pricing``.

Provenance
----------
Each value below is copied from the printed source named next to it; none was produced by
hedgekit. Hull = J. C. Hull, *Options, Futures and Other Derivatives* (Pearson). Example
numbers are those of the 8th-11th editions as recalled when this file was written; the
books could not be consulted offline, so every entry also records the inputs, which make
the value re-derivable by hand from the formula quoted in the same source, and the
tolerance is the printed rounding (half a unit of the last printed digit, or a little
more where the book rounds intermediate results such as N(d1) to four places).
"""

from __future__ import annotations

from typing import Final

# Hull ch. 5, "Futures prices of stock indices" (Example 5.3 in eds. 8-10):
# 3-month futures, dividend yield 1 %, index 1,300, r = 5 % continuous.
# F0 = 1300 e^{(0.05 - 0.01) 0.25} = 1,313.07.
HULL_INDEX_FUTURES: Final = {
    "spot": 1300.0,
    "rate_annual": 0.05,
    "dividend_yield": 0.01,
    "t_years": 0.25,
    "futures": 1313.07,
    "tol": 0.005,
}

# Hull ch. 15, Example 15.6: S0 = 42, K = 40, r = 10 %, sigma = 20 %, T = 0.5, no dividends.
# d1 = 0.7693, d2 = 0.6278; c = 4.76, p = 0.81.
HULL_BSM_EX_15_6: Final = {
    "spot": 42.0,
    "strike": 40.0,
    "rate_annual": 0.10,
    "dividend_yield": 0.0,
    "vol": 0.20,
    "t_years": 0.5,
    "call": 4.76,
    "put": 0.81,
    "tol": 0.005,
}

# Hull ch. 15, §15.11 "Implied volatilities": a European call on a non-dividend-paying
# stock worth 1.875 when S0 = 21, K = 20, r = 0.1, T = 0.25 has implied vol 0.235.
HULL_IMPLIED_VOL: Final = {
    "price": 1.875,
    "spot": 21.0,
    "strike": 20.0,
    "rate_annual": 0.10,
    "dividend_yield": 0.0,
    "t_years": 0.25,
    "vol": 0.235,
    "tol": 0.0005,
}

# Hull ch. 17, Example 17.1: European call on an index, 2 months, index 930, strike 900,
# r = 8 %, sigma = 20 %, dividend yields 0.2 % and 0.3 % in the two months -> q = 3 % p.a.
# d1 = 0.5444, d2 = 0.4628, N(d1) = 0.7069, N(d2) = 0.6782, c = 51.83.
HULL_INDEX_OPTION_EX_17_1: Final = {
    "spot": 930.0,
    "strike": 900.0,
    "rate_annual": 0.08,
    "dividend_yield": 0.03,
    "vol": 0.20,
    "t_years": 2.0 / 12.0,
    "call": 51.83,
    "d1": 0.5444,
    "d2": 0.4628,
    "tol": 0.01,
}

# Hull ch. 19, "The Greek Letters", running example: a bank has sold a European call on a
# non-dividend-paying stock, S0 = 49, K = 50, r = 5 %, sigma = 20 %, T = 20 weeks = 0.3846.
# Printed: delta 0.522 (N(d1), d1 = 0.0542); theta -4.31 per year = -0.0118 per calendar
# day; gamma 0.066; vega 12.1 per unit vol (0.121 per vol point); rho 8.91.
HULL_GREEKS_CH19: Final = {
    "spot": 49.0,
    "strike": 50.0,
    "rate_annual": 0.05,
    "dividend_yield": 0.0,
    "vol": 0.20,
    "t_years": 0.3846,
    "delta": (0.522, 0.0005),
    "gamma": (0.066, 0.0005),
    "vega": (12.1, 0.05),
    "theta": (-4.31, 0.005),
    "theta_per_day": (-0.0118, 0.00005),
    "rho": (8.91, 0.005),
}

# CME Group "Equity index fair value" formula, Fair value = Cash [1 + r (x/360)] - Dividends.
# CME's own page (formerly www.cme.com/trading/prd/equity/fairvalue.html) could not be
# consulted offline; this worked example is the one reproduced with the CME formula in
# B. Twomey, *Inside the Currency Market*, Wiley 2011, ch. 8 "Fair Value":
# S&P 500 cash 1146.00, r = 5.7 %, 78 days, dividends to expiry 3.47 points
# -> fair value 1156.68; futures at 1157.00 are 0.32 above fair value.
CME_FAIR_VALUE_TWOMEY: Final = {
    "spot": 1146.0,
    "rate_annual": 0.057,
    "days_to_expiry": 78.0,
    "dividends_points": 3.47,
    "fair_value": 1156.68,
    "quoted": 1157.00,
    "difference": 0.32,
    "tol": 0.005,
}

# Hull ch. 6, §6.1 (Treasury bill quotes): a 90-day bill with cash price 98 (per 100 face)
# is quoted at a discount rate of 360/90 x 2 = 8.00.
HULL_TBILL_QUOTE: Final = {"d_pct": 8.0, "days": 90, "cash_price_per_100": 98.0}
