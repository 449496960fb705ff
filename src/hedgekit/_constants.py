"""Constants used across hedgekit: the only place such numbers may appear."""

from __future__ import annotations

from typing import Final

#: Trading sessions per year used to annualise daily figures (NYSE averages ~252).
TRADING_DAYS_PER_YEAR: Final = 252
#: Weeks per year used to annualise weekly (Friday-to-Friday) figures.
WEEKS_PER_YEAR: Final = 52
#: Calendar days per year for continuous-compounding time fractions (Hull, ch. 5).
CALENDAR_DAYS_PER_YEAR: Final = 365.0
#: Money-market day count used by CME fair-value convention (actual/360).
MONEY_MARKET_DAYS_PER_YEAR: Final = 360.0
#: Exchange whose sessions define US index expiries and trading days.
PRIMARY_EXCHANGE: Final = "XNYS"
