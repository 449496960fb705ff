"""A book built from the fixture IBKR Flex statement and real bundled marks, against a hand ledger.

The fixture (``tests/resources/book/flex_fixture.xml``, a constructed statement) shorts 2 ES
and 3 MES on 2024-12-02 (ESH2025 at 6,080.25, MESH2025 at 6,080.50), rolls both to the June
contract on 2025-03-13 (buys the March back at 5,530.00 / 5,530.25, sells June at 5,575.75 /
5,576.00), deposits $60,000 and receives $182.40 of interest; fees 2 x 4.50 + 2 x 1.86 + 2 x
4.50 + 2 x 1.86 = $19.08. The book is marked on every NYSE session from 2024-12-02 to
2025-03-31 from the bundled data (the ES front-month close where it is the contract held, else
carry fair value), as ``hedgekit book mark`` does, through the command line.

Hand ledger (variation margin telescopes, so only the fills and the last settlement matter;
Hull 11e §2.4):

* ESH2025: -2 x $50 x (5,530.00 - 6,080.25) = +$55,025.00
* MESH2025: -3 x $5 x (5,530.25 - 6,080.50) = +$8,253.75
* ESM2025: -2 x $50 x (5,653.25 - 5,575.75) = -$7,750.00 (5,653.25: the ES=F close of
  2025-03-31, ESM2025, the bundled quote)
* MESM2025: -3 x $5 x (5,653.25 - 5,576.00) = -$1,158.75

Total +$54,370.00; cash 60,000 + 182.40 - 19.08 + 54,370.00 = $114,533.32. Margin (registry,
dated 2024-01-01): initial 2 x 12,000 + 3 x 1,200 = $27,600.00, maintenance 2 x 10,909 + 3 x
1,090.90 = $25,090.70, excess $89,442.62, cash to keep 1.5 x 27,600 = $41,400.00; hedge ratio
(2 x 50 + 3 x 5) x 5,653.25 / (1.05 x 750,000) = 82.555...%.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hedgekit.calendar import sessions
from hedgekit.cli import main

FLEX = Path(__file__).parents[1] / "resources" / "book" / "flex_fixture.xml"


def _run(capsys: pytest.CaptureFixture[str], *argv: str, code: int = 0) -> dict[str, Any]:
    assert main([*argv, "--json"]) == code, capsys.readouterr().err
    data: dict[str, Any] = json.loads(capsys.readouterr().out)["data"]
    return data


def test_fixture_statement_and_real_marks_equal_the_hand_ledger(
    book_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    b = ("--book", book_url)
    _run(capsys, "book", "init", *b, "--hedge", "1", "--contract", "ES", "--date", "2024-11-29")
    holdings = tmp_path / "holdings.csv"
    holdings.write_text("ticker,market_value_usd\nSPY,600000\nQQQ,150000\n", encoding="utf-8")
    _run(capsys, "book", "import", str(holdings), *b, "--date", "2024-12-02", "--beta", "1.05")
    first = _run(capsys, "book", "import", str(FLEX), *b)
    assert len(first["booked"]) == 8  # 6 futures fills and 2 cash movements (the stock skipped)
    again = _run(capsys, "book", "import", str(FLEX), *b)
    assert again["booked"] == []  # idempotent
    assert again["already_booked"] == 8
    for day in sessions("2024-12-02", "2025-03-31"):
        _run(capsys, "book", "mark", *b, "--date", day.date().isoformat())

    show = _run(capsys, "book", "show", *b, "--date", "2025-03-31")
    assert show["positions"] == {"ESM2025": -2, "MESM2025": -3}
    assert show["variation_margin_usd"] == pytest.approx(54_370.00, abs=0.005)
    assert show["fees_usd"] == pytest.approx(19.08, abs=0.005)
    assert show["cash_usd"] == pytest.approx(114_533.32, abs=0.005)

    history = _run(capsys, "book", "history", *b, "--date", "2025-03-31")
    # marks plus rolls are the whole variation margin: nothing counted twice
    assert history["futures_marks_usd"] + history["rolls_usd"] == pytest.approx(
        54_370.00, abs=0.005
    )
    assert history["fees_usd"] == pytest.approx(-19.08, abs=0.005)

    status = _run(capsys, "book", "status", *b, "--date", "2025-03-31")
    m = status["margin"]
    assert m["balance_usd"] == pytest.approx(114_533.32, abs=0.005)
    assert m["initial_usd"] == pytest.approx(27_600.00, abs=0.005)
    assert m["maintenance_usd"] == pytest.approx(25_090.70, abs=0.005)
    assert m["excess_over_maintenance_usd"] == pytest.approx(89_442.62, abs=0.005)
    assert m["cash_to_keep_usd"] == pytest.approx(41_400.00, abs=0.005)
    assert status["hedge_ratio_now"] == pytest.approx(115 * 5_653.25 / (1.05 * 750_000), rel=1e-12)
    assert status["value_usd"] == 750_000


YEAR = Path(__file__).parents[1] / "resources" / "book" / "flex_year.xml"


@pytest.mark.slow
def test_a_year_of_the_hedge_equals_the_hand_ledger(
    book_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A year: the same short 2 ES + 3 MES, rolled on every CME roll date, marked every session.

    ``tests/resources/book/flex_year.xml`` (constructed): opened 2024-12-02 at 6,080.25 /
    6,080.50; rolled 2025-03-13 (5,530.00 / 5,530.25 -> 5,575.75 / 5,576.00), 2025-06-12
    (6,049.50 / 6,049.75 -> 6,090.25 / 6,090.50), 2025-09-11 (6,592.50 / 6,592.75 -> 6,640.00 /
    6,640.25); deposits $60,000 and $40,000, interest $182.40; fees 7 x 4.50 + 7 x 1.86 =
    $44.52 (seven fills of each root). Variation margin, contract by contract (quantity x
    multiplier x (exit - entry)):

    ESH +55,025.00, MESH +8,253.75, ESM -47,375.00, MESM -7,106.25, ESU -50,225.00,
    MESU -7,533.75, ESZ -18,675.00, MESZ -2,797.50 (ESZ2025 at 6,826.75, the bundled ES=F close
    of 2025-12-01): total -70,433.75. Cash 100,182.40 - 44.52 - 70,433.75 = $29,704.13, below the
    $41,400.00 to keep (1.5 x 27,600): a deposit of $11,695.87 is due, so `book status` exits 1.
    Hedge ratio 115 x 6,826.75 / (1.05 x 750,000) = 99.69...%.
    """
    b = ("--book", book_url)
    _run(capsys, "book", "init", *b, "--hedge", "1", "--contract", "ES", "--date", "2024-11-29")
    holdings = tmp_path / "holdings.csv"
    holdings.write_text("ticker,market_value_usd\nSPY,600000\nQQQ,150000\n", encoding="utf-8")
    _run(capsys, "book", "import", str(holdings), *b, "--date", "2024-12-02", "--beta", "1.05")
    assert len(_run(capsys, "book", "import", str(YEAR), *b)["booked"]) == 17
    days = sessions("2024-12-02", "2025-12-01")
    assert len(days) > 245
    for day in days:
        _run(capsys, "book", "mark", *b, "--date", day.date().isoformat())

    show = _run(capsys, "book", "show", *b, "--date", "2025-12-01")
    assert show["positions"] == {"ESZ2025": -2, "MESZ2025": -3}
    assert show["variation_margin_usd"] == pytest.approx(-70_433.75, abs=0.005)
    assert show["fees_usd"] == pytest.approx(44.52, abs=0.005)
    assert show["cash_usd"] == pytest.approx(29_704.13, abs=0.005)

    history = _run(capsys, "book", "history", *b, "--date", "2025-12-01")
    total = history["futures_marks_usd"] + history["rolls_usd"]
    assert total == pytest.approx(-70_433.75, abs=0.005)
    assert history["fees_usd"] == pytest.approx(-44.52, abs=0.005)

    status = _run(capsys, "book", "status", *b, "--date", "2025-12-01", code=1)
    m = status["margin"]
    assert m["balance_usd"] == pytest.approx(29_704.13, abs=0.005)
    assert m["initial_usd"] == pytest.approx(27_600.00, abs=0.005)
    assert m["excess_over_maintenance_usd"] == pytest.approx(29_704.13 - 25_090.70, abs=0.005)
    assert m["cash_to_keep_usd"] == pytest.approx(41_400.00, abs=0.005)
    assert status["hedge_ratio_now"] == pytest.approx(115 * 6_826.75 / (1.05 * 750_000), rel=1e-12)
    due = " ".join(item["sentence"] for item in status["items"] if item.get("fired"))
    assert "11,695.87" in due, due
