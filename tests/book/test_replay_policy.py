"""``hedgekit book replay-policy``: the book's policy through the backtest engine, beside the book.

A small book is built through the command line: a policy of a full hedge in ES without the
Micro top-up, a $1,220,000 portfolio of beta 1 from 2024-12-02, and marks on every session to
2024-12-31 from the bundled data. A full hedge is :math:`N^* = \\beta V / (m F)` ES contracts
(Hull 11e §3.5): with the S&P 500 between 5,800 and 6,200 that month, 1,220,000 / (50 F) is
between 3.9 and 4.2, so the policy holds 4 ES throughout (the value trigger of ±10% does not
fire: the index stayed within 5% of its 2024-12-02 close), rolled from ESZ2024 to ESH2025 on
2024-12-12 (CME's rule: eight calendar days before the 2024-12-20 expiry).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from hedgekit.book._replay import split_micro
from hedgekit.calendar import sessions
from hedgekit.cli import main
from hedgekit.cli._cmd_book import market_price

START, END, ROLL = "2024-12-02", "2024-12-31", "2024-12-12"


def _run(capsys: pytest.CaptureFixture[str], *argv: str, code: int = 0) -> dict[str, Any]:
    assert main([*argv, "--json"]) == code, capsys.readouterr().err
    data: dict[str, Any] = json.loads(capsys.readouterr().out)["data"]
    return data


def _fill(capsys: pytest.CaptureFixture[str], b: tuple[str, str], day: str, contract: str,
          quantity: int) -> None:  # fmt: skip
    price, _ = market_price(contract, dt.date.fromisoformat(day))
    _run(capsys, "book", "fill", contract, *b, "--quantity", str(quantity), "--price",
         f"{price:.2f}", "--fees", "2.25", "--date", day)  # fmt: skip


def _book(capsys: pytest.CaptureFixture[str], tmp_path: Path, book: str,
          fills: list[tuple[str, str, int]]) -> tuple[str, str]:  # fmt: skip
    b = ("--book", book)
    _run(capsys, "book", "init", *b, "--hedge", "1", "--contract", "ES", "--no-micro",
         "--date", "2024-11-29")  # fmt: skip
    holdings = tmp_path / "holdings.csv"
    holdings.write_text("ticker,market_value_usd\nSPY,1220000\n", encoding="utf-8")
    _run(capsys, "book", "import", str(holdings), *b, "--date", START, "--beta", "1.0")
    for day, contract, q in fills:
        _fill(capsys, b, day, contract, q)
    for s in sessions(START, END):
        _run(capsys, "book", "mark", *b, "--date", s.date().isoformat())
    return b


def test_a_book_that_follows_its_policy_shows_no_deviation(
    book_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    b = _book(capsys, tmp_path, book_url, [
        (START, "ESZ2024", -4), (ROLL, "ESZ2024", 4), (ROLL, "ESH2025", -4),
    ])  # fmt: skip
    replay = _run(capsys, "book", "replay-policy", *b)
    assert replay["from"] == START
    assert replay["to"] == END
    assert replay["sessions"] == len(sessions(START, END))
    assert replay["deviations"] == []
    assert replay["sessions_differing"] == 0
    days = {d["date"]: d for d in replay["days"]}
    assert days[START]["policy"] == {"ESZ2024": -4} == days[START]["book"]
    assert days[ROLL]["policy"] == {"ESH2025": -4} == days[ROLL]["book"]
    show = _run(capsys, "book", "show", *b, "--date", END)
    assert replay["book_variation_margin_usd"] == pytest.approx(
        show["variation_margin_usd"], abs=0.01
    )
    assert replay["pnl_difference_usd"] == pytest.approx(
        replay["book_variation_margin_usd"] - replay["policy_futures_pnl_usd"], abs=1e-9
    )
    # both short 4 ES over the same month: the P&L differs only by the prices used
    assert abs(replay["pnl_difference_usd"]) < 0.02 * abs(replay["book_variation_margin_usd"])
    notes = " ".join(replay["notes"])
    assert "beta trigger" in notes
    assert "review every 3 month" in notes

    main(["book", "replay-policy", *b])
    text = capsys.readouterr().out
    assert "followed the policy on every session" in text


def test_a_skipped_trade_is_reported_with_its_dates_and_contracts(
    book_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # one of the four contracts sold a week late (2024-12-09 instead of 2024-12-02)
    b = _book(capsys, tmp_path, book_url, [
        (START, "ESZ2024", -3), ("2024-12-09", "ESZ2024", -1),
        (ROLL, "ESZ2024", 4), (ROLL, "ESH2025", -4),
    ])  # fmt: skip
    replay = _run(capsys, "book", "replay-policy", *b)
    late = [s.date().isoformat() for s in sessions(START, "2024-12-06")]
    assert replay["deviations"] == [{
        "from": START, "to": "2024-12-06", "sessions": len(late),
        "policy": {"ESZ2024": -4}, "book": {"ESZ2024": -3}, "kind": "size",
    }]  # fmt: skip
    assert replay["sessions_differing"] == len(late)
    assert [d["date"] for d in replay["days"] if d["differs"]] == late

    main(["book", "replay-policy", *b])
    text = capsys.readouterr().out
    assert START in text
    assert "-3 ESZ2024" in text
    assert "-4 ESZ2024" in text
    assert f"on {len(late)} session(s)" in text


def test_a_range_ending_before_it_starts_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    b = ("--book", str(tmp_path / "book.sqlite"))
    _run(capsys, "book", "init", *b, "--date", "2024-11-29")
    code = main(["book", "replay-policy", *b, "--from", "2024-12-31", "--to", "2024-12-02"])
    assert code == 2
    assert "--from" in capsys.readouterr().err


def test_micro_units_split_into_whole_contracts_and_the_rest() -> None:
    assert split_micro("MESH2025", -43, "ES", 10) == {"ESH2025": -4, "MESH2025": -3}
    assert split_micro("MESH2025", -40, "ES", 10) == {"ESH2025": -4}
    assert split_micro("MESH2025", 7, "ES", 10) == {"MESH2025": 7}
    assert split_micro("MESH2025", 0, "ES", 10) == {}
