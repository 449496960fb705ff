"""The wire formats and the network's failures, on the recorded sessions (offline)."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pytest

from hedgekit.calendar import ContractCode
from hedgekit.datasets._store import _cached
from hedgekit.marketdata import (
    ProviderError,
    RecordedTransport,
    Response,
    RetryingTransport,
    SeriesRequest,
    TransportError,
)
from hedgekit.marketdata._fred import FredProvider, parse_fred_csv
from hedgekit.marketdata._yahoo import YahooProvider, futures_symbol, parse_chart

RECORDED = Path(__file__).parents[1] / "resources" / "recorded"
SESSION = RECORDED / "session_2024-09-09"
ERRORS = RECORDED / "errors"
START, END = dt.date(2024, 6, 28), dt.date(2024, 9, 9)


def _no_wait(transport: RecordedTransport) -> RetryingTransport:
    return RetryingTransport(transport, sleep=lambda _s: None)


def test_yahoo_chart_rows_are_the_bundled_closes_on_exchange_dates() -> None:
    """Timestamps at 09:30 New York map to that session; every close is the bundled one."""
    got = YahooProvider().fetch(
        SeriesRequest("SPX", "close", START, END), _no_wait(RecordedTransport(SESSION))
    )
    closes = _cached("sp500")["close"].loc[START.isoformat() : END.isoformat()]
    assert got.provider_id == "^GSPC"
    assert [b.date for b in got.bars] == [d.date() for d in closes.index]
    assert [b.close for b in got.bars] == pytest.approx(closes.to_list(), abs=1e-9)


def test_yahoo_futures_symbol_names_the_contract() -> None:
    """A quarterly contract is root, month, two-digit year and exchange; a Micro is its E-mini."""
    assert futures_symbol(ContractCode.parse("ESZ2026")) == "ESZ26.CME"
    assert futures_symbol(ContractCode.parse("MNQH2027")) == "NQH27.CME"
    assert futures_symbol(ContractCode.parse("YMU2026")) == "YMU26.CBT"


def test_yahoo_error_object_and_truncated_body_are_provider_errors() -> None:
    """The API's error object and a body cut mid-way are refused with the symbol named."""
    err = b'{"chart":{"result":null,"error":{"code":"Not Found","description":"No data found"}}}'
    with pytest.raises(ProviderError, match="Not Found"):
        parse_chart(err, "^XYZ")
    body = (ERRORS / "VIX_truncated.json").read_bytes()
    with pytest.raises(ProviderError, match=r"\^VIX.*not valid JSON"):
        parse_chart(body, "^VIX")


def test_yahoo_dividend_events_are_read_on_their_dates() -> None:
    """``events.dividends`` is keyed by timestamp; the amount lands on that session."""
    doc = json.loads((SESSION / "SPY.json").read_text())
    res = doc["chart"]["result"][0]
    ts = res["timestamp"][3]
    res["events"] = {"dividends": {str(ts): {"amount": 1.5, "date": ts}}}
    bars = parse_chart(json.dumps(doc).encode(), "SPY")
    assert bars[3].dividend == 1.5
    assert sum(b.dividend for b in bars) == 1.5


def test_fred_csv_both_headers_and_missing_cells() -> None:
    """``observation_date`` or ``DATE`` headers; ``.`` and empty cells are dropped, not filled."""
    new = b"observation_date,DTB3\n2024-07-03,5.24\n2024-07-04,\n2024-07-05,5.23\n"
    old = b"DATE,DTB3\n2024-07-03,5.24\n2024-07-04,.\n2024-07-05,5.23\n"
    for body in (new, old):
        bars = parse_fred_csv(body, "DTB3")
        assert [(b.date.isoformat(), b.close) for b in bars] == [
            ("2024-07-03", 5.24),
            ("2024-07-05", 5.23),
        ]
    with pytest.raises(ProviderError, match="not its CSV"):
        parse_fred_csv(b"<html>maintenance</html>", "DTB3")


def test_fred_provider_reads_the_recorded_rates() -> None:
    """The recorded DTB3 answer is the bundled rate, row for row."""
    got = FredProvider().fetch(
        SeriesRequest("DTB3", "rate", START, END), _no_wait(RecordedTransport(SESSION))
    )
    rates = _cached("tbill_3m")["discount_pct"].loc[START.isoformat() : END.isoformat()]
    assert [b.close for b in got.bars] == pytest.approx(rates.to_list())


def test_rate_limit_is_retried_after_retry_after_seconds() -> None:
    """HTTP 429 with Retry-After: 2 waits 2 s (capped) and the next answer is used."""
    waits: list[float] = []
    transport = RetryingTransport(RecordedTransport(ERRORS), sleep=waits.append, cap_s=30)
    got = YahooProvider().fetch(SeriesRequest("SPX", "close", START, END), transport)
    assert waits == [2.0]
    assert len(got.bars) > 40


def test_server_errors_and_timeouts_are_retried_a_bounded_number_of_times() -> None:
    """A 500 on every try: 4 tries with 1, 2, 4 s of backoff, then a clear error."""
    for key, symbol in (("NDX", "^NDX"), ("RUT", "^RUT")):
        waits: list[float] = []
        inner = RecordedTransport(ERRORS)
        transport = RetryingTransport(inner, sleep=waits.append, attempts=4, base_s=1.0)
        with pytest.raises(ProviderError, match=symbol.replace("^", r"\^")):
            YahooProvider().fetch(SeriesRequest(key, "close", START, END), transport)
        assert waits == [1.0, 2.0, 4.0]
        assert len(inner.requests) == 4


def test_retry_after_is_capped() -> None:
    """A server asking for an hour is waited on for the cap only."""

    class Slow:
        def __init__(self) -> None:
            self.n = 0

        def get(self, url: str, params: dict[str, str]) -> Response:
            self.n += 1
            return Response(429, {"retry-after": "3600"}) if self.n == 1 else Response(200)

    waits: list[float] = []
    assert RetryingTransport(Slow(), sleep=waits.append, cap_s=30).get("u", {}).status == 200
    assert waits == [30.0]


def test_no_recorded_answer_is_like_no_network() -> None:
    """A request the session did not record fails as a connection error would."""
    with pytest.raises(TransportError, match="no recorded response"):
        RecordedTransport(SESSION).get("https://example.invalid/x", {})


def test_null_close_is_nan_not_zero() -> None:
    """A ``null`` close becomes NaN (refused later), never 0 or a filled value."""
    bars = parse_chart((ERRORS / "SPY_nan.json").read_bytes(), "SPY")
    assert sum(math.isnan(b.close) for b in bars) == 1


def test_live_transport_without_network_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """A connection error or a timeout becomes one plain sentence naming the host."""
    import requests

    from hedgekit.marketdata import LiveTransport

    def refuse(*args: object, **kwargs: object) -> None:
        raise requests.ConnectionError("Name or service not known")

    def hang(*args: object, **kwargs: object) -> None:
        raise requests.ReadTimeout("read timed out")

    monkeypatch.setattr(requests, "get", refuse)
    with pytest.raises(TransportError, match=r"cannot connect to fred\.stlouisfed\.org"):
        LiveTransport().get("https://fred.stlouisfed.org/graph/fredgraph.csv", {"id": "DTB3"})
    monkeypatch.setattr(requests, "get", hang)
    with pytest.raises(TransportError, match=r"no answer within 5 s"):
        LiveTransport(timeout_s=5).get("https://query1.finance.yahoo.com/v8/finance/chart/x", {})
