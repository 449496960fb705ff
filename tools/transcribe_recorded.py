"""Write the recorded provider sessions under tests/resources/recorded/ from the bundled data.

Nothing here was captured live: each answer is a transcription of real bundled rows
(see src/hedgekit/datasets/PROVENANCE.md) into the provider's wire format (Yahoo chart
API v8 JSON, FRED graph CSV), plus hand-made error cases built from the same rows with one
thing broken. Run from the repository root: ``.venv/bin/python tools/transcribe_recorded.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from hedgekit.datasets._store import _cached

ROOT = Path(__file__).parents[1] / "tests" / "resources" / "recorded"
#: The session transcribed: the day the bundle is cut (the anchor) to the last session.
FIRST, LAST = "2024-06-28", "2024-09-09"
YAHOO = "https://query1.finance.yahoo.com/v8/finance/chart/{symbol}"
FRED = "https://fred.stlouisfed.org/graph/fredgraph.csv"
HOLDINGS = ("AAPL", "MSFT", "AMZN", "GOOGL", "JPM", "JNJ", "PG", "XOM", "HD", "UNH", "KO", "CAT")
_YAHOO_MATCH = {"interval": "1d", "events": "div"}


def _window(series: pd.Series) -> pd.Series:
    return series.loc[FIRST:LAST].dropna()


def _chart(symbol: str, closes: pd.Series, *, hour_utc: int, instrument: str) -> dict[str, Any]:
    """A chart API answer with these closes; adjclose equals close (see README)."""
    stamps = [
        int(dt.datetime(d.year, d.month, d.day, hour_utc, 30 if hour_utc == 13 else 0,
                        tzinfo=dt.UTC).timestamp())
        for d in closes.index
    ]  # fmt: skip
    values: list[float | None] = [None if math.isnan(v) else float(v) for v in closes]
    return {
        "chart": {
            "result": [
                {
                    "meta": {
                        "currency": "USD",
                        "symbol": symbol,
                        "instrumentType": instrument,
                        "exchangeTimezoneName": "America/New_York",
                        "timezone": "EDT",
                        "gmtoffset": -14400,
                        "dataGranularity": "1d",
                    },
                    "timestamp": stamps,
                    "indicators": {
                        "quote": [{"close": values}],
                        "adjclose": [{"adjclose": values}],
                    },
                }
            ],
            "error": None,
        }
    }


def _fred(rates: pd.Series) -> str:
    lines = ["observation_date,DTB3"]
    lines += [f"{d.date().isoformat()},{v:.2f}" for d, v in rates.items()]
    return "\n".join(lines) + "\n"


class Cassette:
    """A cassette folder being written: body files and the interactions that play them."""

    def __init__(self, name: str) -> None:
        self.folder = ROOT / name
        self.folder.mkdir(parents=True, exist_ok=True)
        self.items: list[dict[str, Any]] = []

    def body(self, filename: str, content: str | bytes) -> str:  # noqa: D102
        data = content.encode() if isinstance(content, str) else content
        (self.folder / filename).write_bytes(data)
        return filename

    def add(self, url: str, match: dict[str, str], *responses: dict[str, Any]) -> None:  # noqa: D102
        self.items.append({"url": url, "match": match, "responses": list(responses)})

    def save(self) -> None:  # noqa: D102
        doc = {"interactions": self.items}
        (self.folder / "cassette.json").write_text(json.dumps(doc, indent=1) + "\n")


def _ok(filename: str) -> dict[str, Any]:
    return {"status": 200, "headers": {"Content-Type": "application/json"}, "body_file": filename}


def _yahoo_json(symbol: str, closes: pd.Series, instrument: str) -> str:
    hour = 4 if instrument == "FUTURE" else 13
    return json.dumps(_chart(symbol, closes, hour_utc=hour, instrument=instrument))


def main() -> None:
    """Write the session of 2024-06-28 .. 2024-09-09 and the error cases."""
    session = Cassette("session_2024-09-09")
    prices: dict[str, tuple[pd.Series, str]] = {
        "^GSPC": (_cached("sp500")["close"], "INDEX"),
        "^NDX": (_cached("ndx")["close"], "INDEX"),
        "^RUT": (_cached("rut")["close"], "INDEX"),
        "^VIX": (_cached("vix")["close"], "INDEX"),
    }
    for etf in ("SPY", "QQQ", "IWM", "DIA"):
        prices[etf] = (_cached(f"etf_{etf.lower()}")["close"], "ETF")
    caps = _cached("large_caps")
    for ticker in HOLDINGS:
        prices[ticker] = (caps[ticker], "EQUITY")
    for root in ("ES", "NQ", "RTY"):
        front = _cached(f"futures_front_{root.lower()}")
        held = front.loc[front["inferred_contract"] == f"{root}U2024", "close"]
        prices[f"{root}U24.CME"] = (held, "FUTURE")
    for symbol, (series, kind) in prices.items():
        name = symbol.replace("^", "").replace(".", "_") + ".json"
        session.add(
            YAHOO.format(symbol=symbol),
            _YAHOO_MATCH,
            _ok(session.body(name, _yahoo_json(symbol, _window(series), kind))),
        )
    dtb3 = _window(_cached("tbill_3m")["discount_pct"])
    session.add(
        FRED,
        {"id": "DTB3"},
        {"status": 200, "headers": {"Content-Type": "text/csv"},
         "body_file": session.body("DTB3.csv", _fred(dtb3))},
    )  # fmt: skip
    session.save()

    errors = Cassette("errors")
    spx = _window(_cached("sp500")["close"])
    good = errors.body("GSPC.json", _yahoo_json("^GSPC", spx, "INDEX"))
    limited = errors.body(
        "rate_limited.json", '{"chart":{"result":null,"error":{"code":"Too Many Requests",'
        '"description":"Rate limited. Try after a while."}}}'
    )  # fmt: skip
    # ^GSPC: rate limited once (Retry-After 2 s), then the answer
    errors.add(
        YAHOO.format(symbol="^GSPC"),
        _YAHOO_MATCH,
        {"status": 429, "headers": {"Retry-After": "2"}, "body_file": limited},
        _ok(good),
    )
    # ^NDX: a server error on every try
    errors.add(
        YAHOO.format(symbol="^NDX"),
        _YAHOO_MATCH,
        {"status": 500, "headers": {}, "body_file": errors.body("server_error.html",
                                                                 "<html>500</html>")},
    )  # fmt: skip
    # ^RUT: no answer (timeout) on every try
    errors.add(YAHOO.format(symbol="^RUT"), _YAHOO_MATCH, {"error": "read timed out"})
    # ^VIX: the answer cut off mid-way
    vix = _yahoo_json("^VIX", _window(_cached("vix")["close"]), "INDEX")
    errors.add(YAHOO.format(symbol="^VIX"), _YAHOO_MATCH,
               _ok(errors.body("VIX_truncated.json", vix[: len(vix) // 2])))  # fmt: skip
    # SPY: one close null (NaN), QQQ: one close 0, IWM: a date twice
    spy = _window(_cached("etf_spy")["close"]).copy()
    spy.iloc[5] = math.nan
    errors.add(YAHOO.format(symbol="SPY"), _YAHOO_MATCH,
               _ok(errors.body("SPY_nan.json", _yahoo_json("SPY", spy, "ETF"))))  # fmt: skip
    qqq = _window(_cached("etf_qqq")["close"]).copy()
    qqq.iloc[7] = 0.0
    errors.add(YAHOO.format(symbol="QQQ"), _YAHOO_MATCH,
               _ok(errors.body("QQQ_zero.json", _yahoo_json("QQQ", qqq, "ETF"))))  # fmt: skip
    iwm = _window(_cached("etf_iwm")["close"])
    iwm = pd.concat([iwm.iloc[:10], iwm.iloc[9:]])
    errors.add(YAHOO.format(symbol="IWM"), _YAHOO_MATCH,
               _ok(errors.body("IWM_duplicated.json", _yahoo_json("IWM", iwm, "ETF"))))  # fmt: skip
    # DIA: a session missing (a gap against the NYSE calendar)
    dia = _window(_cached("etf_dia")["close"])
    dia = dia.drop(dia.index[12])
    errors.add(YAHOO.format(symbol="DIA"), _YAHOO_MATCH,
               _ok(errors.body("DIA_gap.json", _yahoo_json("DIA", dia, "ETF"))))  # fmt: skip
    # ESU24.CME: the contract's closes scaled by 1.10, far from the index's carry fair value
    es = _cached("futures_front_es")
    # (without the row of the last known date, so the fair-value check is the one to refuse)
    held = _window(es.loc[es["inferred_contract"] == "ESU2024", "close"]).iloc[1:] * 1.10
    errors.add(YAHOO.format(symbol="ESU24.CME"), _YAHOO_MATCH,
               _ok(errors.body("ESU24_far.json", _yahoo_json("ESU24.CME", held.round(2),
                                                             "FUTURE"))))  # fmt: skip
    # DTB3: the good answer (so the fair value check has a rate)
    rates = {"status": 200, "headers": {}, "body_file": errors.body("DTB3.csv", _fred(dtb3))}
    errors.add(FRED, {"id": "DTB3"}, rates)
    errors.save()


if __name__ == "__main__":
    main()
