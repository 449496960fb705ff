"""The book's history against a hand-built ledger: marks, rolls, fees, interest, dividends."""

from __future__ import annotations

import datetime as dt

import pytest

from hedgekit.book import BookFill, Mark
from hedgekit.book._history import CashFlow, PortfolioPoint, book_history
from hedgekit.errors import InputError

D1, D2, D3 = dt.date(2025, 3, 10), dt.date(2025, 3, 13), dt.date(2025, 3, 14)
FILLS = [
    BookFill(D1, "ESH2025", -2, 5600.0, 4.50, "f1"),
    BookFill(D2, "ESH2025", 2, 5620.0, 4.50, "f2"),  # the roll (2025-03-13 is ESH2025's roll date)
    BookFill(D2, "ESM2025", -2, 5665.0, 4.50, "f3"),
]
MARKS = [
    Mark(D1, "ESH2025", 5590.0, "test"),
    Mark(D2, "ESH2025", 5622.0, "test"),
    Mark(D2, "ESM2025", 5668.0, "test"),
    Mark(D3, "ESM2025", 5650.0, "test"),
]
CASH = [
    CashFlow(D1, 50_000.0, "deposit"),
    CashFlow(dt.date(2025, 3, 12), 300.0, "dividend"),
    CashFlow(D3, 10.0, "interest"),
]
PORTFOLIO = [
    PortfolioPoint(D1, 1_000_000.0, 1.1),
    PortfolioPoint(D2, 1_010_000.0, 1.1),
    PortfolioPoint(D3, 1_005_000.0, 1.1),
]


def test_hand_built_ledger() -> None:
    h = book_history(FILLS, MARKS, CASH, PORTFOLIO, rate_annual=0.04)
    r1, r2, r3 = h.rows
    # Day 1: sold 2 at 5600, settled 5590: -2 x $50 x (5590 - 5600) = +1,000; fees 4.50.
    assert r1.futures_marks_usd == pytest.approx(1000.0)
    assert r1.fees_usd == pytest.approx(-4.5)
    assert r1.cash_usd == pytest.approx(50_000 + 1000 - 4.5)
    assert r1.hedge_ratio == pytest.approx(2 * 50 * 5590 / (1.1 * 1_000_000))
    # Day 2: the 2 held move 5590 -> 5622: -2 x 50 x 32 = -3,200.
    assert r2.futures_marks_usd == pytest.approx(-3200.0)
    # The roll against the day's marks: buy ESH at 5620 (settle 5622) +200, sell ESM at 5665
    # (settle 5668) -300.
    assert r2.rolls_usd == pytest.approx(-100.0)
    assert r2.fees_usd == pytest.approx(-9.0)
    # Forgone T-bill interest on 50,995.50 for 3 days at 4%, ACT/365.
    assert r2.margin_interest_usd == pytest.approx(-50_995.5 * 0.04 * 3 / 365)
    assert (r2.stocks_usd, r2.dividends_usd) == (10_000.0, 300.0)
    assert r2.positions == {"ESM2025": -2}
    assert r2.cash_usd == pytest.approx(50_995.5 - 3200 - 100 - 9)
    # Day 3: ESM 5668 -> 5650 on -2: +1,800; the broker paid 10 of interest.
    assert r3.futures_marks_usd == pytest.approx(1800.0)
    assert r3.margin_interest_usd == pytest.approx(10 - 47_686.5 * 0.04 / 365)
    assert r3.cash_usd == pytest.approx(47_686.5 + 1800 + 10)
    # Totals.
    assert h.futures_marks_usd == pytest.approx(1000 - 3200 + 1800)
    assert h.rolls_usd == pytest.approx(-100)
    assert h.fees_usd == pytest.approx(-13.5)
    assert h.stocks_usd == pytest.approx(5000)
    assert h.dividends_usd == pytest.approx(300)
    assert h.hedged_pnl_usd - h.unhedged_pnl_usd == pytest.approx(h.hedge_pnl_usd)
    # Costs: fees 13.50 + the roll's 100 + the net interest forgone.
    assert h.cost_usd == pytest.approx(13.5 + 100 - h.margin_interest_usd)
    assert h.quarter_cost_usd(D3) == pytest.approx(h.cost_usd)
    assert h.cost_between(D3, D3) == pytest.approx(-r3.margin_interest_usd)
    assert h.tracking_error_annual is None
    assert h.to_dict()["rows"][1]["rolls_usd"] == pytest.approx(-100.0)


def test_cash_follows_variation_margin() -> None:
    # Without interest, the last balance is deposits + all variation margin + fees.
    h = book_history(FILLS, MARKS, CASH[:1], PORTFOLIO)
    assert h.rows[-1].cash_usd == pytest.approx(
        50_000 + h.futures_marks_usd + h.rolls_usd + h.fees_usd
    )


def test_tracking_error_of_a_steady_portfolio_is_zero() -> None:
    days = [dt.date(2025, 1, 1) + dt.timedelta(days=i) for i in range(30)]
    marks = [Mark(d, "ESH2025", 5000.0, "test") for d in days]
    pts = [PortfolioPoint(d, 1e6 * 1.001**i, 1.0) for i, d in enumerate(days)]
    h = book_history([], marks, [], pts)
    assert h.tracking_error_annual == pytest.approx(0.0, abs=1e-12)


def test_missing_mark_and_unknown_kind_refused() -> None:
    with pytest.raises(InputError, match="without a mark"):
        book_history(FILLS, [m for m in MARKS if m.contract != "ESM2025"])
    with pytest.raises(InputError, match="kind of cash flow"):
        book_history(FILLS, MARKS, [CashFlow(D1, 1.0, "gift")])


def test_hedge_effectiveness_is_one_minus_the_variance_ratio() -> None:
    # A beta-1 portfolio that moves exactly with the futures, hedged with the futures'
    # exact dollar exposure: the hedged returns vary only by the drift of the value base,
    # so the effectiveness (Ederington 1979) is close to 1; without a hedge it is 0.
    import numpy as np

    rng = np.random.default_rng(3)
    days = [dt.date(2025, 1, 2) + dt.timedelta(days=i) for i in range(60)]
    price = 5000.0 * np.cumprod(1 + rng.normal(0, 0.01, len(days)))
    value = 1_000_000.0 * price / price[0]
    marks = [Mark(d, "ESH2025", float(p), "test") for d, p in zip(days, price, strict=True)]
    pts = [PortfolioPoint(d, float(v), 1.0) for d, v in zip(days, value, strict=True)]
    fills = [BookFill(days[0], "ESH2025", -4, float(price[0]), 0.0, "f")]  # 4 x 50 x 5000 = 1e6
    hedged = book_history(fills, marks, [], pts)
    plain = book_history([], marks, [], pts)
    assert plain.hedge_effectiveness == pytest.approx(0.0, abs=1e-12)
    assert hedged.hedge_effectiveness is not None
    assert hedged.hedge_effectiveness > 0.98
    # the definition, recomputed from the rows
    v = np.array([r.value_usd for r in hedged.rows])
    dh = np.array([r.stocks_usd + r.futures_marks_usd for r in hedged.rows])[1:] / v[:-1]
    du = np.array([r.stocks_usd for r in hedged.rows])[1:] / v[:-1]
    assert hedged.hedge_effectiveness == pytest.approx(1 - dh.var(ddof=1) / du.var(ddof=1))
