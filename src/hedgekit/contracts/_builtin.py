"""The built-in US stock index futures: E-minis and Micro E-minis on SPX, NDX, RUT and DJIA.

Contract terms (multiplier, tick, months) come from the exchange: CME Group contract
specification pages and the CME/CBOT rulebooks, cited per contract below. The Micro E-mini
futures (launched by CME Group in May 2019) are 1/10 the size of the E-mini on the same index
with the same tick in index points.

Margins are NOT exchange records. No history of CME margins is available to hedgekit, so each
contract carries one dated, approximate figure, labelled as such in its ``source``:

* E-mini initial margins are the per-contract figures quoted in the guide "Portfolio hedging
  with futures" (ES ~$12,000, NQ ~$16,000, RTY ~$6,000; about 5-6% of notional at the index
  levels of early 2024: S&P 500 4,742.83, Nasdaq-100 16,543.94, Russell 2000 2,012.80 at the
  2024-01-02 close). YM is not quoted there: its figure is estimated by applying ES's
  margin-to-notional ratio (~5.1%) to YM's notional at a DJIA level of about 37,700.
* Maintenance = initial / 1.10, rounded to whole dollars: CME Clearing sets the maintenance
  level and the initial level for speculative accounts is typically 110% of it (CME Group,
  "Margin: Know What's Needed").
* Micro margins are 1/10 of the E-mini figures, as the contract is 1/10 the size.
* All are dated 2024-01-01, the approximate period of these levels.

Margins change often (CME revises them with volatility) and brokers add their own
requirements: override them with your broker's figures in a contracts TOML file.
"""

from __future__ import annotations

import datetime as dt

from hedgekit.contracts._spec import ContractSpec, MarginRate

__all__ = ["BUILTIN_CONTRACTS"]

_EFFECTIVE = dt.date(2024, 1, 1)
_RATIO = "maintenance = initial / 1.10 (CME initial for speculative accounts is typically 110% "
_RATIO += "of maintenance: CME Group, 'Margin: Know What's Needed')"
_CHECK = "approximate, not an exchange record; check CME Group or your broker for current figures"


def _guide(initial_usd: float, maintenance_usd: float, what: str) -> MarginRate:
    return MarginRate(
        effective=_EFFECTIVE,
        initial_usd=initial_usd,
        maintenance_usd=maintenance_usd,
        source=f"{what}; {_RATIO}; dated 2024-01-01 as the approximate period; {_CHECK}",
    )


_GUIDE = "as quoted in the guide 'Portfolio hedging with futures'"
_ES_MARGIN = _guide(12_000.0, 10_909.0, f"initial ~$12,000 {_GUIDE}")
_NQ_MARGIN = _guide(16_000.0, 14_545.0, f"initial ~$16,000 {_GUIDE}")
_RTY_MARGIN = _guide(6_000.0, 5_455.0, f"initial ~$6,000 {_GUIDE}")
_YM_MARGIN = _guide(
    9_500.0,
    8_636.0,
    "initial ~$9,500 estimated as ES's margin-to-notional ratio (~5.1% at S&P 500 4,742.83 on "
    "2024-01-02) times YM's notional at DJIA ~37,700 (no quoted figure available)",
)


def _micro(full: MarginRate, full_root: str) -> MarginRate:
    return MarginRate(
        effective=full.effective,
        initial_usd=full.initial_usd / 10.0,
        maintenance_usd=full.maintenance_usd / 10.0,
        source=f"1/10 of the {full_root} figure (the Micro is 1/10 the size), which is: "
        + full.source,
    )


_MICRO_SPECS = (
    "CME Group, Micro E-mini futures contract specifications (listed May 2019): {unit}; "
    "outright minimum price fluctuation {tick}; five months in the March quarterly cycle"
)

BUILTIN_CONTRACTS: tuple[ContractSpec, ...] = (
    ContractSpec(
        root="ES",
        listed=dt.date(1997, 9, 9),
        name="E-mini S&P 500",
        index="SPX",
        multiplier_usd=50.0,
        tick_size_points=0.25,
        months="HMUZ",
        exchange="CME",
        margins=(_ES_MARGIN,),
        sources=(
            "CME Rulebook, Chapter 358: E-mini Standard and Poor's 500 Stock Price Index "
            "Futures (Rule 35801: each contract valued at $50.00 times the index)",
            "CME Group, E-mini S&P 500 futures contract specifications: $50 x S&P 500 Index; "
            "minimum price fluctuation 0.25 index points = $12.50; quarterly contracts "
            "(Mar, Jun, Sep, Dec)",
        ),
    ),
    ContractSpec(
        root="MES",
        listed=dt.date(2019, 5, 6),
        name="Micro E-mini S&P 500",
        index="SPX",
        multiplier_usd=5.0,
        tick_size_points=0.25,
        months="HMUZ",
        exchange="CME",
        margins=(_micro(_ES_MARGIN, "ES"),),
        full_size_root="ES",
        sources=(
            _MICRO_SPECS.format(unit="$5 x S&P 500 Index", tick="0.25 index points = $1.25"),
            "CME Group contract specifications page for Micro E-mini S&P 500 futures (MES)",
        ),
    ),
    ContractSpec(
        root="NQ",
        listed=dt.date(1999, 6, 21),
        name="E-mini Nasdaq-100",
        index="NDX",
        multiplier_usd=20.0,
        tick_size_points=0.25,
        months="HMUZ",
        exchange="CME",
        margins=(_NQ_MARGIN,),
        sources=(
            "CME Rulebook, Chapter 359: E-mini Nasdaq-100 Index Futures",
            "CME Group, E-mini Nasdaq-100 futures contract specifications: $20 x Nasdaq-100 "
            "Index; minimum price fluctuation 0.25 index points = $5.00; quarterly contracts "
            "(Mar, Jun, Sep, Dec)",
        ),
    ),
    ContractSpec(
        root="MNQ",
        listed=dt.date(2019, 5, 6),
        name="Micro E-mini Nasdaq-100",
        index="NDX",
        multiplier_usd=2.0,
        tick_size_points=0.25,
        months="HMUZ",
        exchange="CME",
        margins=(_micro(_NQ_MARGIN, "NQ"),),
        full_size_root="NQ",
        sources=(
            _MICRO_SPECS.format(unit="$2 x Nasdaq-100 Index", tick="0.25 index points = $0.50"),
            "CME Group contract specifications page for Micro E-mini Nasdaq-100 futures (MNQ)",
        ),
    ),
    ContractSpec(
        root="RTY",
        listed=dt.date(2017, 7, 10),
        name="E-mini Russell 2000",
        index="RUT",
        multiplier_usd=50.0,
        tick_size_points=0.10,
        months="HMUZ",
        exchange="CME",
        margins=(_RTY_MARGIN,),
        sources=(
            "CME Rulebook, Chapter 393: E-mini Russell 2000 Index Futures",
            "CME Group, E-mini Russell 2000 Index futures contract specifications: $50 x "
            "Russell 2000 Index; outright minimum price fluctuation 0.10 index points = $5.00; "
            "quarterly contracts (Mar, Jun, Sep, Dec)",
        ),
    ),
    ContractSpec(
        root="M2K",
        listed=dt.date(2019, 5, 6),
        name="Micro E-mini Russell 2000",
        index="RUT",
        multiplier_usd=5.0,
        tick_size_points=0.10,
        months="HMUZ",
        exchange="CME",
        margins=(_micro(_RTY_MARGIN, "RTY"),),
        full_size_root="RTY",
        sources=(
            _MICRO_SPECS.format(unit="$5 x Russell 2000 Index", tick="0.10 index points = $0.50"),
            "CME Group contract specifications page for Micro E-mini Russell 2000 futures (M2K)",
        ),
    ),
    ContractSpec(
        root="YM",
        listed=dt.date(2002, 4, 4),
        name="E-mini Dow ($5)",
        index="DJI",
        multiplier_usd=5.0,
        tick_size_points=1.0,
        months="HMUZ",
        exchange="CBOT",
        margins=(_YM_MARGIN,),
        sources=(
            "CBOT Rulebook, Chapter 27: E-mini Dow ($5) futures on the Dow Jones Industrial "
            "Average",
            "CME Group, E-mini Dow ($5) futures contract specifications: $5 x DJIA; minimum "
            "price fluctuation 1.00 index point = $5.00; quarterly contracts (Mar, Jun, Sep, Dec)",
        ),
    ),
    ContractSpec(
        root="MYM",
        listed=dt.date(2019, 5, 6),
        name="Micro E-mini Dow",
        index="DJI",
        multiplier_usd=0.5,
        tick_size_points=1.0,
        months="HMUZ",
        exchange="CBOT",
        margins=(_micro(_YM_MARGIN, "YM"),),
        full_size_root="YM",
        sources=(
            _MICRO_SPECS.format(unit="$0.50 x DJIA", tick="1.00 index point = $0.50")
            + "; listed with CBOT",
            "CME Group contract specifications page for Micro E-mini Dow futures (MYM)",
        ),
    ),
)
