"""Imports are idempotent; export then restore gives the same events and the same state."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from hedgekit.book._journal import derive_state
from hedgekit.book._store import open_book
from hedgekit.cli import main

FILLS = """date,contract,quantity,price,fees_usd
2024-01-02,ESH2024,-2,4800.00,4.50
2024-01-03,MESH2024,1,4785.25,0.62
2024-01-03,MESH2024,1,4785.25,0.62
"""
HOLDINGS = "ticker,shares,market_value_usd\nAAPL,,250000\nMSFT,,150000\n"


def test_importing_the_same_files_twice_books_nothing_twice(
    book_url: str, tmp_path: Path, capsys
) -> None:
    fills, holdings = tmp_path / "fills.csv", tmp_path / "holdings.csv"
    fills.write_text(FILLS)
    holdings.write_text(HOLDINGS)
    b = ["--book", book_url]
    assert main(["book", "init", *b, "--date", "2024-01-02"]) == 0
    for _ in range(2):
        assert main(["book", "import", str(fills), *b]) == 0
        assert main(["book", "import", str(holdings), *b, "--date", "2024-01-02",
                     "--beta", "1.1"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "booked 3 event(s)" in out
    assert "3 already in the book" in out
    with open_book(book_url) as book:
        events = book.events()
    assert [e.kind for e in events] == ["policy"] + ["fill"] * 3 + ["holdings"]
    state = derive_state(events, dt.date(2024, 1, 3))
    # the two identical MES rows are two fills: +2
    assert dict(state.positions) == {"ESH2024": -2, "MESH2024": 2}
    assert state.rebalance_value_usd == 400_000.0
    assert state.rebalance_beta == 1.1


def test_a_bad_row_refuses_the_whole_file(book_url: str, tmp_path: Path, capsys) -> None:
    f = tmp_path / "fills.csv"
    f.write_text(FILLS + "2024-01-04,ESH2024,1,abc,0\n")
    assert main(["book", "init", "--book", book_url]) == 0
    assert main(["book", "import", str(f), "--book", book_url]) == 2
    err = capsys.readouterr().err
    assert "line 5" in err
    assert "price" in err
    with open_book(book_url) as book:
        assert book.count() == 1  # the policy only


def test_export_restore_round_trip(book_url: str, tmp_path: Path, capsys) -> None:
    f = tmp_path / "fills.csv"
    f.write_text(FILLS)
    b = ["--book", book_url]
    assert main(["book", "init", *b, "--date", "2024-01-02", "--target-beta", "0.2"]) == 0
    assert main(["book", "import", str(f), *b]) == 0
    assert main(["book", "deposit", "20000", *b, "--date", "2024-01-02", "--note", "wire"]) == 0
    assert main(["book", "mark", *b, "--date", "2024-01-03", "--price", "ESH2024=4790.5",
                 "--price", "MESH2024=4790.5"]) == 0  # fmt: skip
    assert main(["book", "undo", "3", *b]) == 0
    jsonl, csv = tmp_path / "book.jsonl", tmp_path / "book.csv"
    assert main(["book", "export", "-o", str(jsonl), *b]) == 0
    assert main(["book", "export", "-o", str(csv), *b]) == 0
    assert len(csv.read_text().splitlines()) == 1 + len(jsonl.read_text().splitlines())
    target = str(tmp_path / "restored.sqlite")
    assert main(["book", "restore", str(jsonl), "--book", target]) == 0
    assert main(["book", "restore", str(jsonl), "--book", target]) == 2  # not empty
    with open_book(book_url) as one, open_book(target) as two:
        a, c = one.events(), two.events()
        assert [e.to_dict() for e in a] == [e.to_dict() for e in c]
        day = dt.date(2024, 1, 3)
        assert derive_state(a, day) == derive_state(c, day)
        # a new event after the restore gets the next id
        assert main(["book", "deposit", "1", "--book", target, "--json"]) == 0
        capsys.readouterr()
        assert main(["book", "deposit", "2", "--book", target, "--json"]) == 0
        doc = json.loads(capsys.readouterr().out)
        assert doc["data"]["booked"][0]["id"] == len(a) + 2


@pytest.mark.parametrize("text", ["{}\n", "not json\n"])
def test_restore_refuses_what_is_not_an_export(tmp_path: Path, text: str, capsys) -> None:
    f = tmp_path / "x.jsonl"
    f.write_text(text)
    assert main(["book", "restore", str(f), "--book", str(tmp_path / "b.sqlite")]) == 2
    assert "not an exported event" in capsys.readouterr().err


def test_marks_from_a_prices_file_are_booked_once_and_bad_rows_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = str(tmp_path / "book.sqlite")
    assert main(["book", "init", "--book", book, "--date", "2024-12-02"]) == 0
    assert main(["book", "fill", "ESH2025", "-q", "-2", "--price", "6080", "--date",
                 "2024-12-02", "--book", book]) == 0  # fmt: skip
    marks = tmp_path / "settlements.csv"
    marks.write_text("date,contract,price\n2024-12-02,ESH2025,6090.5\n2024-12-03,ESH2025,6100\n",
                     encoding="utf-8")  # fmt: skip
    capsys.readouterr()
    assert main(["book", "mark", "--prices", str(marks), "--book", book, "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["data"]["booked"]) == 2
    assert main(["book", "mark", "--prices", str(marks), "--book", book, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["data"]["already_booked"] == 2
    assert main(["book", "show", "--book", book, "--date", "2024-12-03", "--json"]) == 0
    state = json.loads(capsys.readouterr().out)["data"]
    # -2 x $50 x (6,100 - 6,080) = -$2,000 of variation margin, fees 0
    assert state["variation_margin_usd"] == pytest.approx(-2_000.0)
    bad = tmp_path / "bad.csv"
    bad.write_text("date,contract,price\n2024-12-07,ESH2025,6100\n", encoding="utf-8")
    assert main(["book", "mark", "--prices", str(bad), "--book", book]) == 2
    err = capsys.readouterr().err
    assert f"where:    {bad}, line 2" in err  # a Saturday: not a session
