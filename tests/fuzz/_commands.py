"""Every command's options, with values a user might type: sensible ones and malformed ones.

Each command has a base command line that succeeds quickly (short periods, few paths) and,
for each option, a few valid values; the malformed values come from the option's kind.
Options that size the work (paths, days, periods, grids) get no huge values here: those
belong to the pre-flight checks, tested one by one in ``test_known_cases``.
"""

from __future__ import annotations

from collections.abc import Mapping

#: Malformed values for every kind of option.
JUNK: tuple[str, ...] = ("", " ", "abc", "nan", "NaN", "-", "1,,2", "é", "x" * 300)
NUMBER_JUNK: tuple[str, ...] = (
    "inf", "-inf", "1e308", "-1e308", "-1", "0", "1e-300", "-0", "99999999999999999999",
    "1_000", "0x10", "5%",
)  # fmt: skip
DATE_JUNK: tuple[str, ...] = (
    "2024-02-30", "2023-02-29", "2024-13-01", "9999-12-31", "0001-01-01", "1900-01-01",
    "1969-12-31", "20240603", "2024/06/03", "03-06-2024", "yesterday", "2100-01-04",
)  # fmt: skip
ROOT_JUNK: tuple[str, ...] = ("ZZ", "es", "ESM4", "SPX", "auto ", "ES,NQ", "MES:1")
#: Sizes of work: malformed but never huge (a huge size is a pre-flight question).
SIZE_JUNK: tuple[str, ...] = ("-1", "0", "1.5", "nan", "inf", "1e3")

KIND_JUNK: Mapping[str, tuple[str, ...]] = {
    "number": NUMBER_JUNK,
    "date": DATE_JUNK,
    "root": ROOT_JUNK,
    "size": SIZE_JUNK,
    "text": ("ZZ", "none", "1:2:3", "=", "static:", "a:b:c", "vix:0", "band:-1"),
    "list": ("1,,2", "nan,1", "inf", "-5,-5", "1e308", "10,abc", ",", "%"),
    "file": ("missing.csv", ".", "holdings.csv", "prices.csv", "contracts.toml", "pos.json"),
    "out": ("out", ".", "missing/out.parquet", "holdings.csv", "out.txt"),
}

#: A portfolio that every planning command accepts.
PORTFOLIO = ("--value-usd", "1000000", "--beta", "1", "--as-of", "2024-06-03")
#: command -> (base command line, {flag: (kind, valid values)}); a kind of "flag" takes no value.
Spec = tuple[tuple[str, ...], Mapping[str, tuple[str, tuple[str, ...]]]]

_PORTFOLIO_OPTIONS: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "--holdings": ("file", ("holdings.csv",)),
    "--prices": ("file", ("prices.csv",)),
    "--value-usd": ("number", ("250000", "1e6", "5000000")),
    "--beta": ("number", ("0.8", "1.2")),
    "--as-of": ("date", ("2024-06-03", "2023-03-15", "2021-12-31")),
    "--contract": ("root", ("ES", "MES", "NQ", "auto")),
    "--net-short-tolerance": ("number", ("0", "0.05")),
    "--index-level": ("number", ("5300", "4000")),
    "--rate": ("number", ("0.05", "0")),
    "--dividend-yield": ("number", ("0.013", "0")),
    "--contracts-file": ("file", ("contracts.toml",)),
    "--position": ("file", ("pos.json",)),
    "--legs": ("text", ("ES:-2", "ES:-1,MES:-3")),
    "--json": ("flag", ()),
}
_SIZING_OPTIONS: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "--hedge": ("number", ("0.5", "1")),
    "--target-beta": ("number", ("0.2", "0")),
    "--rounding": ("text", ("nearest", "down", "up")),
    "--no-micro": ("flag", ()),
    "--allow-net-short": ("flag", ()),
    "--futures-price": ("number", ("5310", "4100")),
    "--commission": ("number", ("2.5", "0")),
    "--slippage-ticks": ("number", ("1", "0")),
}
_MARGIN_COST_OPTIONS: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "--horizon": ("text", ("91d", "30d", "1y")),
    "--margin-rate": ("number", ("0.05", "0")),
    "--margin-in-tbills": ("flag", ()),
}

COMMANDS: Mapping[str, Spec] = {
    "plan": (
        ("plan", *PORTFOLIO),
        {
            **_PORTFOLIO_OPTIONS,
            **_SIZING_OPTIONS,
            "--window": ("size", ("60", "252")),
            "--frequency": ("text", ("daily", "weekly")),
            "--beta-method": ("text", ("ols", "blume", "vasicek", "holdings")),
            "--price-basis": ("text", ("futures", "index")),
            "--tail": ("flag", ()),
            "--horizon-days": ("size", ("30", "91")),
            "--moves": ("list", ("-30,-10,0,10", "-5")),
            "--net-worth": ("number", ("3000000",)),
            "--cash-buffer": ("number", ("50000",)),
            "--save-position": ("out", ("new.json",)),
            "--force": ("flag", ()),
            "--ratio-model": ("text", ("ewma", "rolling")),
        },
    ),
    "cost": (
        ("cost", *PORTFOLIO),
        {
            **_PORTFOLIO_OPTIONS,
            **_SIZING_OPTIONS,
            **_MARGIN_COST_OPTIONS,
            "--quoted-spread": ("list", ("0.25", "0.25,0.5")),
        },
    ),
    "puts": (
        ("puts", *PORTFOLIO),
        {
            **_PORTFOLIO_OPTIONS,
            "--strikes": ("list", ("100%,95%", "5000", "90%")),
            "--hedge-ratios": ("list", ("100,50", "80")),
            "--days": ("size", ("30", "91")),
            "--horizon": ("text", ("91d", "60d")),
            "--structure": ("text", ("put", "collar", "put-spread", "all")),
            "--call-strike": ("text", ("105%", "5600")),
            "--spread-width": ("text", ("10%", "5%")),
            "--vol": ("number", ("0.18", "0.3")),
            "--skew": ("number", ("0.1", "0")),
            "--option": ("root", ("auto", "SPX", "XSP")),
            "--option-multiplier": ("number", ("100",)),
            "--option-fraction": ("number", ("0.5", "1")),
            "--option-rounding": ("text", ("nearest", "down", "up")),
            "--option-fee": ("number", ("1.5", "0")),
        },
    ),
    "compare": (
        ("compare", *PORTFOLIO),
        {
            **_PORTFOLIO_OPTIONS,
            **_SIZING_OPTIONS,
            **_MARGIN_COST_OPTIONS,
            "--put-strike": ("text", ("95%", "90%")),
            "--call-strike": ("text", ("105%",)),
            "--vol": ("number", ("0.2",)),
            "--skew": ("number", ("0.1",)),
            "--option": ("root", ("auto", "SPX")),
            "--option-fee": ("number", ("1.5",)),
            "--sell-fraction": ("number", ("0.5", "1")),
            "--tax-rate": ("number", ("0.2", "0")),
            "--cost-basis-usd": ("number", ("400000",)),
            "--stock-cost-bps": ("number", ("5", "0")),
            "--fall": ("number", ("10", "30")),
            "--upside": ("number", ("10", "0")),
            "--history-start": ("date", ("1990-01-02", "2000-01-03")),
        },
    ),
    "backtest": (
        ("backtest", "--from", "2020-01-02", "--to", "2020-03-31", "--value-usd", "1000000"),
        {
            "--from": ("date", ("2020-02-03", "2019-12-02")),
            "--to": ("date", ("2020-03-02", "2020-04-30")),
            "--hedge": ("number", ("0.5", "1")),
            "--policy": ("text", ("static:0.5", "vix:40", "trend:200", "stop:0.10")),
            "--value-usd": ("number", ("250000", "5e6")),
            "--beta": ("number", ("0.9", "1.1")),
            "--index-dividend-yield": ("number", ("0.015",)),
            "--beta-window": ("size", ("60", "252")),
            "--dividend-yield": ("number", ("0.013",)),
            "--holdings": ("file", ("holdings.csv",)),
            "--prices": ("file", ("prices.csv",)),
            "--contract": ("root", ("ES", "MES")),
            "--band": ("number", ("0.1", "0.25")),
            "--rebalance": ("text", ("band:0.1", "calendar:month", "always", "never")),
            "--commission": ("number", ("2.5",)),
            "--slippage-ticks": ("number", ("1",)),
            "--initial-margin": ("number", ("13000",)),
            "--maintenance-margin": ("number", ("12000",)),
            "--margin-buffer": ("number", ("1.5", "2")),
            "--margin-source": ("text", ("stock", "cash")),
            "--rounding": ("text", ("nearest", "down", "up")),
            "--futures-prices": ("text", ("settlement", "fair")),
            "--net-short-tolerance": ("number", ("0.05",)),
            "--position": ("file", ("pos.json",)),
            "--legs": ("text", ("ES:-2",)),
            "--engine": ("text", ("auto", "numpy", "python")),
            "--report": ("out", ("new.html",)),
            "--png-dir": ("out", ("pngs",)),
            "--out": ("out", ("new.parquet",)),
            "--force": ("flag", ()),
            "--json": ("flag", ()),
        },
    ),
    "replay": (
        ("replay", "q4-2018"),
        {
            "--list": ("flag", ()),
            "--engine": ("text", ("auto", "numpy")),
            "--report": ("out", ("new.html",)),
            "--png-dir": ("out", ("pngs",)),
            "--json": ("flag", ()),
            "--force": ("flag", ()),
        },
    ),
    "stress": (
        ("stress", "--paths", "40", "--horizon-days", "10"),
        {
            "--model": ("text", ("bootstrap", "gbm")),
            "--paths": ("size", ("20", "60")),
            "--horizon-days": ("size", ("5", "21")),
            "--seed": ("size", ("0", "7")),
            "--block-length": ("size", ("5", "20")),
            "--rates": ("text", ("changes", "levels")),
            "--sample-start": ("date", ("2000-01-03", "2010-01-04")),
            "--sample-end": ("date", ("2020-12-31", "2015-06-30")),
            "--value-usd": ("number", ("250000", "5e6")),
            "--beta": ("number", ("0.9", "1.2")),
            "--hedge": ("number", ("0.5", "1")),
            "--band": ("number", ("0.1",)),
            "--contract": ("root", ("ES", "MES")),
            "--position": ("file", ("pos.json",)),
            "--legs": ("text", ("ES:-2",)),
            "--as-of": ("date", ("2024-06-03",)),
            "--index-level": ("number", ("5300",)),
            "--rate": ("number", ("0.05",)),
            "--dividend-yield": ("number", ("0.013",)),
            "--commission": ("number", ("2.5",)),
            "--slippage-ticks": ("number", ("1",)),
            "--initial-margin": ("number", ("13000",)),
            "--maintenance-margin": ("number", ("12000",)),
            "--buffer": ("number", ("1.5", "3")),
            "--call-source": ("text", ("cash", "stock")),
            "--sweep-multiple": ("number", ("2",)),
            "--call-above": ("list", ("10000,50000",)),
            "--target-call-prob": ("list", ("5,1",)),
            "--buffers": ("list", ("1,2,3",)),
            "--workers": ("size", ("1",)),
            "--engine": ("text", ("auto", "numpy")),
            "--scheduler": ("text", ("local",)),
            "--out": ("out", ("paths",)),
            "--report": ("out", ("new.html",)),
            "--json": ("flag", ()),
            "--force": ("flag", ()),
            "--yes": ("flag", ()),
        },
    ),
    "sweep": (
        ("sweep", "sweep.toml"),
        {
            "--grid": ("text", ("policy.h=0,0.5", "policy.h=0:1:0.5", "portfolio.beta=0.8,1")),
            "--metric": ("text", ("max_drawdown", "cagr", "sharpe")),
            "--top": ("size", ("1", "3")),
            "--heatmap": ("text", ("policy.h,portfolio.beta",)),
            "--out": ("out", ("new.parquet",)),
            "--report": ("out", ("new.html",)),
            "--workers": ("size", ("1",)),
            "--scheduler": ("text", ("local",)),
            "--chunk-runs": ("size", ("64",)),
            "--batch-runs": ("size", ("1", "4")),
            "--engine": ("text", ("auto", "numpy")),
            "--position": ("file", ("pos.json",)),
            "--legs": ("text", ("ES:-2",)),
            "--json": ("flag", ()),
            "--force": ("flag", ()),
            "--yes": ("flag", ()),
        },
    ),
    "calendar": (
        ("calendar", "ES"),
        {
            "--from": ("date", ("2024-01-02", "2010-06-01")),
            "--to": ("date", ("2024-12-31", "2011-06-01")),
            "--roll": ("text", ("cme", "sessions:5")),
            "--contracts-file": ("file", ("contracts.toml",)),
            "--json": ("flag", ()),
        },
    ),
    "contracts": (
        ("contracts",),
        {"--contracts-file": ("file", ("contracts.toml",)), "--json": ("flag", ())},
    ),
    "data": (("data",), {"--json": ("flag", ())}),
    "tour": (
        ("tour",),
        {"--as-of": ("date", ("2024-06-03", "2019-01-02")), "--json": ("flag", ())},
    ),
    "hedge-ratio": (
        (
            "hedge-ratio",
            "--from",
            "2018-01-02",
            "--to",
            "2019-06-28",
            "--models",
            "ewma",
            "--train",
            "260",
        ),
        {
            "--holdings": ("file", ("holdings.csv",)),
            "--futures": ("text", ("es-yahoo", "es-chris")),
            "--models": ("text", ("ewma", "rolling,ewma")),
            "--window": ("size", ("60", "126")),
            "--decay": ("number", ("0.94", "0.97")),
            "--train": ("size", ("260", "300")),
            "--fit-window": ("size", ("250", "500")),
            "--refit": ("text", ("monthly", "quarterly")),
            "--rebalance": ("text", ("daily", "weekly", "monthly")),
            "--value-usd": ("number", ("250000", "5e6")),
            "--contract": ("root", ("ES", "MES")),
            "--commission": ("number", ("2.5", "0")),
            "--slippage-ticks": ("number", ("1", "0")),
            "--from": ("date", ("2018-03-01", "2017-06-01")),
            "--to": ("date", ("2019-03-29", "2019-09-30")),
            "--json": ("flag", ()),
            "--out": ("out", ("new.csv", "new.md")),
            "--force": ("flag", ()),
        },
    ),
    # --check: the options are checked and the address printed; nothing is served
    "serve": (
        ("serve", "--check"),
        {
            "--host": ("text", ("127.0.0.1", "localhost", "::1")),
            "--port": ("size", ("8000", "65535")),
            "--token": ("text", ("0123456789abcdef0123",)),
            "--token-file": ("file", ("holdings.csv",)),
            "--book": ("text", ("book.sqlite",)),
            "--check": ("flag", ()),
        },
    ),
}

#: Positional arguments, fuzzed in place of the base command's.
ARGUMENTS: Mapping[str, tuple[str, ...]] = {
    "calendar": ("ES", "MES", "NQ", "YM", "ZZ", "", "es", "SP"),
    "replay": ("q4-2018", "rebound-2020", "nope", "", "Q4-2018"),
    "sweep": ("sweep.toml", "missing.toml", ".", "holdings.csv", "contracts.toml"),
}

#: The small sweep every sweep example starts from: one year, two runs.
SWEEP_TOML = """\
[sweep]
metric = "max_drawdown"
top = 2

[period]
start = ["2019-01-02"]
years = 1

[portfolio]
value_usd = 1_000_000
beta = 1.0

[policy]
type = "StaticHedge"
h = [0.0, 1.0]

[rebalance]
type = "Band"
contracts_fraction = 0.1

[backtest]
contract = "ES"
"""
