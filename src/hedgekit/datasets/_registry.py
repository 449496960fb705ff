"""What is bundled: one declarative record per dataset (names, files, schema, source, terms).

The computed facts (row counts, date ranges, checksums) live in ``data/metadata.json``,
written by ``tools/build_datasets.py``; this module holds what a person decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

__all__ = ["DATASETS", "DATASET_NAMES", "DatasetSpec"]

Frequency = Literal["daily", "monthly"]

_OHLC: Final = ("open", "high", "low", "close")

# Short statements of terms, one per provider (full text: PROVENANCE.md, section 0).
_TERMS_YAHOO: Final = (
    "Yahoo Finance data: personal, non-commercial use; Yahoo's terms do not allow redistribution"
)
_TERMS_SPDJI_YAHOO: Final = (
    "S&P Dow Jones Indices data via Yahoo Finance: personal, non-commercial use; no redistribution"
)
_TERMS_CBOE: Final = "CBOE data via datasets/finance-vix (ODC-PDDL as declared by the maintainer)"
_TERMS_FRED: Final = "FRED / Federal Reserve H.15: US-government data, effectively public domain"
_TERMS_SHILLER: Final = "R. Shiller data via datasets/s-and-p-500 (ODC-PDDL); credit R. Shiller"
_TERMS_CHRIS: Final = (
    "Quandl CHRIS community data built from exchange data; the exchange's own terms may apply"
)
_TERMS_SKFOLIO: Final = "skfolio package data, BSD-3-Clause (not accurate market data, per skfolio)"


@dataclass(frozen=True, slots=True)
class DatasetSpec:
    """A bundled dataset: its file, its schema and where it came from.

    Attributes
    ----------
    name
        Public name, used by :func:`hedgekit.datasets.load` (``load_<name>`` is its loader).
    source_path
        Path of the staged source file, relative to the shared data folder.
    filename
        Name of the gzip-compressed copy shipped in ``hedgekit/datasets/data``.
    description
        One line saying what the series is, with units.
    source
        Repository (or package) and path the data was taken from.
    terms
        Short statement of the licence or terms of use.
    file_columns
        Header of the shipped file after ``date``, in order.
    columns
        Column names of the loaded frame (same order as ``file_columns``).
    string_columns
        Columns kept as strings (everything else is float64).
    frequency
        ``"daily"`` (session dates) or ``"monthly"`` (first day of each month).
    """

    name: str
    source_path: str
    description: str
    source: str
    terms: str
    file_columns: tuple[str, ...]
    columns: tuple[str, ...] = ()
    string_columns: tuple[str, ...] = ()
    frequency: Frequency = "daily"

    @property
    def filename(self) -> str:
        """Shipped file name: the source file's base name plus ``.gz``."""
        return self.source_path.rsplit("/", 1)[-1] + ".gz"

    @property
    def output_columns(self) -> tuple[str, ...]:
        """Loaded column names (``columns`` when renamed, else the file's)."""
        return self.columns or self.file_columns


# fmt: off
_LARGE_CAPS: Final = (
    "AAPL", "AMZN", "BA", "BAC", "CAT", "COP", "COST", "CSCO", "CVX", "DIS", "GOOGL", "GS",
    "HD", "HON", "IBM", "INTC", "JNJ", "JPM", "KO", "LLY", "MA", "MCD", "META", "MRK", "MSFT",
    "NEE", "NVDA", "ORCL", "PEP", "PFE", "PG", "SO", "T", "TSLA", "UNH", "UNP", "V", "VZ",
    "WFC", "WMT", "XOM",
)
_SKFOLIO: Final = (
    "AAPL", "AMD", "BAC", "BBY", "CVX", "GE", "HD", "JNJ", "JPM", "KO", "LLY", "MRK", "MSFT",
    "PEP", "PFE", "PG", "RRC", "UNH", "WMT", "XOM",
)
# fmt: on
_SLOW_TURTLE: Final = "YoussefKh200/Slow-Turtle-Research"
_ALITALBI: Final = "alitalbi/storage_data_fy"
_COVARIANCE: Final = "marlowequart/covariance"

_SPECS: Final = (
    DatasetSpec(
        "sp500",
        "indices/sp500_daily.csv",
        "S&P 500 price index, daily OHLC (index points)",
        f"{_SLOW_TURTLE} data/^GSPC.csv (Yahoo ^GSPC); 2 closes from FRED SP500",
        _TERMS_SPDJI_YAHOO,
        _OHLC,
    ),
    DatasetSpec(
        "ndx",
        "indices/ndx_daily.csv",
        "NASDAQ-100 index, daily OHLC (index points)",
        f"{_SLOW_TURTLE} data/^NDX.csv (Yahoo ^NDX)",
        _TERMS_YAHOO,
        _OHLC,
    ),
    DatasetSpec(
        "rut",
        "indices/rut_daily.csv",
        "Russell 2000 index, daily OHLC (index points)",
        f"{_ALITALBI} ^RUT.csv (Yahoo ^RUT)",
        _TERMS_YAHOO,
        _OHLC,
    ),
    DatasetSpec(
        "sp500_tr",
        "indices/sp500tr_daily.csv",
        "S&P 500 Total Return index, daily close (index points)",
        "s-ananth/invest-at-lows data/^SP500TR.csv (Yahoo ^SP500TR)",
        _TERMS_SPDJI_YAHOO,
        ("close",),
    ),
    DatasetSpec(
        "vix",
        "indices/vix_daily.csv",
        "CBOE VIX, daily OHLC (volatility points)",
        "datasets/finance-vix data/vix-daily.csv (CBOE VIX_History.csv); 4 days from Yahoo ^VIX",
        _TERMS_CBOE,
        _OHLC,
    ),
    DatasetSpec(
        "tbill_3m",
        "rates/dtb3_daily.csv",
        "3-month T-bill, secondary market, % per annum, bank-discount basis (FRED DTB3)",
        "SGPPellow/Yield-Curve data/DTB3.csv + thomas-quant/dip-vs-b-h data/DTB3.csv (FRED)",
        _TERMS_FRED,
        ("dtb3",),
        columns=("discount_pct",),
    ),
    DatasetSpec(
        "tbill_3m_monthly",
        "rates/tb3ms_monthly.csv",
        "3-month T-bill, monthly average, % per annum (FRED TB3MS)",
        "open-datahub/interest_rate TB3MS.csv (FRED)",
        _TERMS_FRED,
        ("tb3ms",),
        columns=("rate_pct",),
        frequency="monthly",
    ),
    DatasetSpec(
        "shiller_monthly",
        "indices/sp500_monthly_shiller.csv",
        "Shiller monthly S&P 500: price, 12m dividends and earnings, CPI, GS10, CAPE, yield",
        "datasets/s-and-p-500 data/data.csv (R. Shiller + FRED)",
        _TERMS_SHILLER,
        (
            "sp500_price",
            "dividend_12m",
            "earnings_12m",
            "cpi",
            "gs10",
            "cape_pe10",
            "dividend_yield",
        ),
        frequency="monthly",
    ),
    *(
        DatasetSpec(
            f"etf_{t.lower()}",
            f"etfs/{t.lower()}_adjusted_daily.csv",
            f"{t} ETF, split- and dividend-adjusted daily OHLC (USD)",
            f"{_SLOW_TURTLE} data/{t}.csv (Yahoo, yfinance auto_adjust)",
            _TERMS_YAHOO,
            _OHLC,
        )
        for t in ("SPY", "QQQ", "IWM", "DIA")
    ),
    DatasetSpec(
        "large_caps",
        "stocks/us_large_caps_adj_close_daily.csv",
        "41 large US stocks, adjusted daily close (USD), wide; blank before listing",
        "Sicheng-Wang1999/SP500 spliced with ejiang444/interactive-trading-simulator (Yahoo)",
        _TERMS_YAHOO,
        _LARGE_CAPS,
    ),
    DatasetSpec(
        "sp500_20stocks",
        "stocks/skfolio_sp500_20stocks_adj_close_daily.csv",
        "20 S&P 500 stocks, adjusted daily close (USD, 3 decimals), wide",
        "PyPI skfolio 1.12.2 skfolio/datasets/data/sp500_dataset.csv.gz",
        _TERMS_SKFOLIO,
        _SKFOLIO,
    ),
    DatasetSpec(
        "es_front_month",
        "futures/es_front_month_chris_cme_es1.csv",
        "E-mini S&P 500 (CME ES) front month held to expiry: OHLC, last, settle, volume, OI",
        f"{_COVARIANCE} CHRIS-CME_ES1.csv (Quandl CHRIS/CME_ES1)",
        _TERMS_CHRIS,
        (
            "open",
            "high",
            "low",
            "last",
            "change",
            "settle",
            "volume",
            "prev_day_open_interest",
            "inferred_contract",
        ),
        string_columns=("inferred_contract",),
    ),
    DatasetSpec(
        "tf_front_month",
        "futures/russell2000_mini_front_month_chris_ice_tf1.csv",
        "Russell 2000 mini (ICE TF, $100) front month held to expiry: OHLC, volume, OI",
        f"{_COVARIANCE} CHRIS-ICE_TF1.csv (Quandl CHRIS/ICE_TF1)",
        _TERMS_CHRIS,
        (
            "open",
            "high",
            "low",
            "close",
            "change",
            "volume",
            "prev_day_open_interest",
            "inferred_contract",
        ),
        string_columns=("inferred_contract",),
    ),
    *(
        DatasetSpec(
            f"futures_front_{root.lower()}",
            f"futures/{root.lower()}_continuous_front_yahoo.csv",
            f"{label} front-month continuous ({root}=F), unadjusted daily OHLCV",
            f"{_ALITALBI} {root}=F.csv (Yahoo)",
            _TERMS_YAHOO,
            ("open", "high", "low", "close", "volume", "inferred_contract"),
            string_columns=("inferred_contract",),
        )
        for root, label in (
            ("ES", "E-mini S&P 500"),
            ("NQ", "E-mini NASDAQ-100"),
            ("RTY", "E-mini Russell 2000 (CME)"),
        )
    ),
)

#: Every bundled dataset by public name, in display order.
DATASETS: Final[dict[str, DatasetSpec]] = {spec.name: spec for spec in _SPECS}
#: The names accepted by :func:`hedgekit.datasets.load`.
DATASET_NAMES: Final[tuple[str, ...]] = tuple(DATASETS)
