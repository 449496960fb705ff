"""``hedgekit book report``: the HTML report of a small book built through the command line."""

from __future__ import annotations

import json
import re
from html import escape as html_escape
from pathlib import Path
from typing import Any

import pytest

from hedgekit.calendar import sessions
from hedgekit.cli import main

END = "2024-12-31"


def _run(capsys: pytest.CaptureFixture[str], *argv: str, code: int = 0) -> dict[str, Any]:
    assert main([*argv, "--json"]) == code, capsys.readouterr().err
    data: dict[str, Any] = json.loads(capsys.readouterr().out)["data"]
    return data


def _usd(v: float) -> str:
    return f"{'-' if v < 0 else ''}${abs(v):,.2f}"


@pytest.fixture
def small_book(book_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """Short 2 ES on 2024-12-02 against $750k at beta 1.05, marked each session of December."""
    b = ("--book", book_url)
    _run(capsys, "book", "init", *b, "--hedge", "0.9", "--contract", "ES", "--date", "2024-11-29")
    holdings = tmp_path / "holdings.csv"
    holdings.write_text("ticker,market_value_usd\nSPY,600000\nQQQ,150000\n", encoding="utf-8")
    _run(capsys, "book", "import", str(holdings), *b, "--date", "2024-12-02", "--beta", "1.05")
    _run(capsys, "book", "deposit", "60000", *b, "--date", "2024-12-02")
    _run(capsys, "book", "fill", "ESH2025", "-q", "-2", "--price", "6080.25", "--fees", "9",
         *b, "--date", "2024-12-02")  # fmt: skip
    for day in sessions("2024-12-02", END):
        _run(capsys, "book", "mark", *b, "--date", day.date().isoformat())
    return book_url


def test_the_report_shows_the_books_figures_charts_and_settings(
    small_book: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    b = ("--book", small_book)
    out = tmp_path / "book.html"
    done = _run(capsys, "book", "report", *b, "--date", END, "--output", str(out))
    assert done["charts"] == ["pnl", "hedge_ratio", "margin"]
    assert done["days"] == len(sessions("2024-12-02", END))
    html = out.read_text(encoding="utf-8")
    assert len(re.findall(r'src="data:image/png;base64,', html)) == 3

    history = _run(capsys, "book", "history", *b, "--date", END)
    for key in ("futures_marks_usd", "fees_usd", "margin_interest_usd", "hedged_pnl_usd",
                "cost_usd"):  # fmt: skip
        assert _usd(history[key]) in html, key
    # the action report's own sentences for the date (exit 1: an action may be due)
    status_argv = ["book", "status", *b, "--date", END, "--json"]
    code = main(status_argv)
    status = json.loads(capsys.readouterr().out)["data"]
    assert code in (0, 1)
    for sentence in status["sentences"]:
        assert html_escape(sentence, quote=True) in html, sentence
    assert _usd(status["margin"]["maintenance_usd"]) in html
    # the settings: the book, the date, the policy
    assert "Hedge book on 2024-12-31" in html
    assert "hedge ratio 90.0%" in html
    assert "<td>2024-12-31</td>" in html
    assert ("book.sqlite" in html) if "://" not in small_book else ("hedgekit_test" in html)


def test_an_existing_report_is_kept_without_force(
    small_book: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "book.html"
    out.write_text("mine", encoding="utf-8")
    argv = ["book", "report", "--book", small_book, "--date", END, "--output", str(out)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--output" in err
    assert "--force" in err
    assert out.read_text(encoding="utf-8") == "mine"
    assert main([*argv, "--force"]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_a_report_without_a_portfolio_value_says_why_and_still_charts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    b = ("--book", str(tmp_path / "b.sqlite"))
    _run(capsys, "book", "init", *b, "--date", "2024-12-02")
    _run(capsys, "book", "fill", "ESH2025", "-q", "-1", "--price", "6080.25", *b,
         "--date", "2024-12-02")  # fmt: skip
    for day in ("2024-12-02", "2024-12-03"):
        _run(capsys, "book", "mark", *b, "--date", day)
    out = tmp_path / "r.html"
    done = _run(capsys, "book", "report", *b, "--date", "2024-12-03", "--output", str(out))
    html = out.read_text(encoding="utf-8")
    assert done["days"] == 2
    assert "No action report: no holdings in the book" in html
    assert "--value-usd" in html


def test_a_report_of_a_missing_book_or_to_a_non_html_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = ["book", "report", "--book", str(tmp_path / "none.sqlite"), "--output",
               str(tmp_path / "r.html")]  # fmt: skip
    assert main(missing) == 2
    assert "no book here" in capsys.readouterr().err
    assert not (tmp_path / "none.sqlite").exists()
    wrong = ["book", "report", "--book", str(tmp_path / "none.sqlite"), "--output",
             str(tmp_path / "r.txt")]  # fmt: skip
    assert main(wrong) == 2
    assert "FILE.html" in capsys.readouterr().err
