"""The hedge book refuses bad input with exit 2, a short where/got/expected block, unchanged.

A book is set up once (policy, holdings, the fixture Flex statement, a few marks); each bad
command line, given or generated, must exit 2, say where the fault is, and leave the journal
exactly as it was (same events, same integrity).
"""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hedgekit.cli import main

FLEX = Path(__file__).parents[1] / "resources" / "book" / "flex_fixture.xml"


def _cli(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(list(argv))
    return status, err.getvalue()


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("book-fuzz")
    path = folder / "book.sqlite"
    b = ("--book", str(path))
    holdings = folder / "holdings.csv"
    holdings.write_text("ticker,market_value_usd\nSPY,600000\n", encoding="utf-8")
    for argv in (
        ("book", "init", *b, "--hedge", "1", "--contract", "ES", "--date", "2024-11-29"),
        ("book", "import", str(holdings), *b, "--date", "2024-12-02", "--beta", "1"),
        ("book", "import", str(FLEX), *b),
        ("book", "mark", *b, "--date", "2024-12-02"),
    ):
        status, err = _cli(*argv)
        assert status == 0, err
    return path


def _journal(path: Path) -> list[dict[str, object]]:
    from hedgekit.book._store import open_book

    with open_book(str(path)) as b:
        assert b.integrity_check() == []
        return [e.to_dict() for e in b.events()]


def _refused(book: Path, *argv: str) -> None:
    before = _journal(book)
    status, err = _cli(*argv)
    assert status == 2, (argv, err)
    assert "Traceback" not in err
    assert len(err) < 2000, err
    assert any(line.startswith("  where:") for line in err.splitlines()) or "Usage" in err, err
    assert _journal(book) == before, argv


OTHER_ACCOUNT = FLEX.read_text(encoding="utf-8").replace("U0000000", "U9999999")


@pytest.mark.parametrize(
    "argv",
    [
        ("book", "fill", "ESZ9999", "-q", "-1", "--price", "5000"),  # no such contract
        ("book", "fill", "XXH2025", "-q", "-1", "--price", "5000"),  # unknown root
        ("book", "fill", "ESH2025", "-q", "0", "--price", "5000", "--date", "2025-01-02"),
        ("book", "fill", "ESH2025", "-q", "1.5", "--price", "5000", "--date", "2025-01-02"),
        ("book", "fill", "ESH2025", "-q", "-1", "--price", "-5", "--date", "2025-01-02"),
        ("book", "fill", "ESH2025", "-q", "-1", "--price", "nan", "--date", "2025-01-02"),
        ("book", "fill", "ESH2025", "-q", "-1", "--price", "5000", "--date", "2025-06-02"),
        ("book", "mark", "--date", "2025-01-04"),  # a Saturday
        ("book", "deposit", "0", "--date", "2025-01-02"),
        ("book", "undo", "999999"),
        ("book", "import", "missing.csv"),
        ("book", "status", "--date", "2025-13-01"),
    ],
)
def test_bad_book_input_is_refused_and_the_book_unchanged(
    book: Path, argv: tuple[str, ...]
) -> None:
    _refused(book, *argv, "--book", str(book))


def test_a_statement_for_another_account_is_refused(book: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.xml"
    other.write_text(OTHER_ACCOUNT, encoding="utf-8")
    _refused(book, "book", "import", str(other), "--book", str(book))


_JUNK = st.sampled_from(
    [
        "",
        "nan",
        "inf",
        "-inf",
        "1e308",
        "-1e308",
        "0",
        "-0",
        "abc",
        "2024-02-30",
        "9999-12-31",
        "ESZ2024",
        "ES",
        "1.5",
        " ",
        "-1",
    ]
)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(contract=_JUNK, quantity=_JUNK, price=_JUNK, date=_JUNK)
def test_fuzzed_fills_never_corrupt_the_book(
    book: Path, contract: str, quantity: str, price: str, date: str
) -> None:
    before = _journal(book)
    status, err = _cli("book", "fill", contract, "-q", quantity, "--price", price, "--date",
                       date, "--book", str(book))  # fmt: skip
    assert status in (0, 2), err
    assert "Traceback" not in err
    after = _journal(book)
    if status == 2:
        assert after == before
    else:  # a valid fill booked: exactly one event more, then undone to keep the book
        assert len(after) == len(before) + 1
        event_id = str(after[-1]["id"])
        assert _cli("book", "undo", event_id, "--book", str(book))[0] == 0
