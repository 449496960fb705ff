"""The journal against a hand-built ledger: cash, positions and average prices to the cent."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from hedgekit.book._journal import cash_event, derive_state, fill_event, mark_event
from hedgekit.book._store import open_book
from hedgekit.cli import main

D1, D2, D3 = dt.date(2024, 1, 2), dt.date(2024, 1, 3), dt.date(2024, 1, 4)


def ledger() -> list:
    return [
        cash_event(D1, 50_000.0),
        fill_event(D1, "ESH2024", -2, 4800.00, 4.50),
        mark_event(D1, "ESH2024", 4790.00, "user"),
        fill_event(D2, "MESH2024", 3, 4785.25, 1.86),
        mark_event(D2, "ESH2024", 4810.50, "user"),
        mark_event(D2, "MESH2024", 4810.50, "user"),
        fill_event(D3, "ESH2024", 1, 4820.00, 2.25),
        mark_event(D3, "ESH2024", 4815.00, "user"),
        cash_event(D3, -1_000.0),
    ]


def test_state_matches_the_hand_ledger(book_url: str) -> None:
    with open_book(book_url) as book:
        book.append(ledger())
        events = book.events()
    s1 = derive_state(events, D1)
    # ES short 2 filled at 4800, marked 4790: VM = -2 x 50 x (4790 - 4800) = +1,000
    assert s1.cash_usd == pytest.approx(50_000 - 4.50 + 1_000, abs=0.005)
    s3 = derive_state(events, D3)
    # D2: ES -2 x 50 x (4810.50 - 4790) = -2,050; MES 3 x 5 x (4810.50 - 4785.25) = +378.75
    # D3: ES bought 1 at 4820 (closes one lot: -1 x 50 x (4820 - 4810.50) = -475) and the
    #     lot left marked 4815: -1 x 50 x (4815 - 4810.50) = -225; VM -700
    vm = 1_000 - 2_050 + 378.75 - 700
    fees = 4.50 + 1.86 + 2.25
    assert s3.variation_margin_usd == pytest.approx(vm, abs=0.005)
    assert s3.fees_usd == pytest.approx(8.61, abs=0.005)
    assert s3.cash_usd == pytest.approx(50_000 - 1_000 - fees + vm, abs=0.005)
    assert round(s3.cash_usd, 2) == 47_620.14
    assert dict(s3.positions) == {"ESH2024": -1, "MESH2024": 3}
    assert s3.average_price == {"ESH2024": 4800.00, "MESH2024": 4785.25}
    assert s3.last_marks["ESH2024"].price == 4815.00
    assert s3.last_marks["MESH2024"].day == D2
    assert s3.rebalanced_on == D3
    assert len(s3.fills) == 3


def test_closing_a_position_settles_it_without_a_mark(book_url: str) -> None:
    with open_book(book_url) as book:
        book.append([fill_event(D1, "ESH2024", -1, 4800.0), fill_event(D2, "ESH2024", 1, 4750.0)])
        state = derive_state(book.events(), D3)
    # sold at 4800, bought back at 4750: 1 x 50 x 50 = +2,500
    assert state.positions == {}
    assert state.cash_usd == pytest.approx(2_500.0, abs=0.005)


def test_undo_removes_the_event_from_the_state(book_url: str, capsys) -> None:
    with open_book(book_url) as book:
        booked = book.append(ledger())
    mes_fill = next(e for e in booked if e.payload.get("contract") == "MESH2024")
    assert main(["book", "undo", str(mes_fill.id), "--book", book_url]) == 0
    assert main(["book", "undo", str(mes_fill.id), "--book", book_url]) == 2
    capsys.readouterr()
    assert main(["book", "show", "--book", book_url, "--date", "2024-01-04", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)["data"]
    # the MES fee (1.86) and its variation margin (+378.75) leave: 47,620.14 + 1.86 - 378.75
    assert data["cash_usd"] == pytest.approx(47_243.25, abs=0.005)
    assert data["positions"] == {"ESH2024": -1}


def test_cli_daily_routine_and_bad_input_leaves_the_book_unchanged(tmp_path: Path, capsys) -> None:
    b = ["--book", str(tmp_path / "b.sqlite")]
    assert main(["book", "init", *b, "--date", "2024-01-02", "--hedge", "0.8"]) == 0
    assert main(["book", "deposit", "50000", *b, "--date", "2024-01-02"]) == 0
    assert main(["book", "fill", "ESH2024", "-q", "-2", "--price", "4800", *b,
                 "--date", "2024-01-02"]) == 0  # fmt: skip
    with open_book(b[1]) as book:
        n = book.count()
    bad = [
        ["book", "fill", "ESH2024", "-q", "1", "--price", "4800", *b, "--date", "2024-03-18"],
        ["book", "fill", "XXH2024", "-q", "1", "--price", "4800", *b, "--date", "2024-01-02"],
        ["book", "fill", "ESH2024", "-q", "0", "--price", "4800", *b, "--date", "2024-01-02"],
        ["book", "fill", "ESH2024", "-q", "1", "--price", "-5", *b, "--date", "2024-01-02"],
        ["book", "mark", *b, "--date", "2024-01-06"],
        ["book", "withdraw", "0", *b],
    ]
    for argv in bad:
        assert main(argv) == 2, argv
    err = capsys.readouterr().err
    assert "last trading day (2024-03-15)" in err
    assert "unknown contract" in err
    assert "not an NYSE session" in err
    with open_book(b[1]) as book:
        assert book.count() == n
    # the daily mark from the bundled quotes, run twice by cron: booked once
    assert main(["book", "mark", *b, "--date", "2024-01-03", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)["data"]
    assert len(first["booked"]) == 1
    assert first["booked"][0]["payload"]["source"] in {"settlement", "close", "fair value"}
    assert main(["book", "mark", *b, "--date", "2024-01-03", "--json"]) == 0
    again = json.loads(capsys.readouterr().out)["data"]
    assert again == {"booked": [], "already_booked": 1}
    assert main(["book", "show", *b, "--date", "2024-01-03", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)["data"]
    m = first["booked"][0]["payload"]["price"]
    assert shown["cash_usd"] == pytest.approx(50_000 - 2 * 50 * (m - 4800), abs=0.005)
    assert shown["policy"]["hedge_ratio"] == 0.8
