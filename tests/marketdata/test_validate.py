"""The checks a fetched batch must pass before anything is stored."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from hedgekit.calendar import sessions
from hedgekit.marketdata import Bar, Refused, check_bars

DAYS = [d.date() for d in sessions("2024-07-01", "2024-07-12")]


def _bars(values: list[float], days: list[dt.date] | None = None) -> list[Bar]:
    return [Bar(d, v, v) for d, v in zip(days or DAYS, values, strict=True)]


def _values(n: int) -> list[float]:
    return [100.0 + i for i in range(n)]


def test_sound_batch_is_stored_after_the_anchor() -> None:
    """Rows after the last known date come back; the known one is not stored again."""
    rows = check_bars(_bars(_values(len(DAYS))), label="X (p)", kind="close", bound_key="index",
                      anchor=(DAYS[0], 100.0))  # fmt: skip
    assert [d for d, _ in rows] == DAYS[1:]


@pytest.mark.parametrize(
    ("mutate", "words"),
    [
        (lambda b: [*b[:3], b[2], *b[3:]], "the date twice"),
        (lambda b: [b[1], b[0], *b[2:]], "out of order"),
        (lambda b: [*b[:4], Bar(b[4].date, 0.0, 0.0), *b[5:]], "prices > 0"),
        (lambda b: [*b[:4], Bar(b[4].date, math.nan, math.nan), *b[5:]], "prices > 0"),
        (lambda b: [*b[:4], Bar(b[4].date, -3.0, -3.0), *b[5:]], "prices > 0"),
        (lambda b: b[:4] + b[5:], "session(s) missing"),
        (lambda b: [*b[:4], Bar(b[4].date, b[4].close * 2, b[4].close * 2), *b[5:]], "log return"),
        (lambda b: [*b, Bar(dt.date(2024, 7, 13), 120.0, 120.0)], "NYSE was closed"),
    ],
    ids=["duplicate", "unsorted", "zero", "nan", "negative", "gap", "jump", "weekend"],
)
def test_bad_batches_are_refused_with_where_got_expected(mutate, words) -> None:  # type: ignore[no-untyped-def]
    """Each defect refuses the whole batch and says where, what and what was expected."""
    with pytest.raises(Refused, match=r"X \(p\)") as info:
        check_bars(mutate(_bars(_values(len(DAYS)))), label="X (p)", kind="close",
                   bound_key="index", anchor=(DAYS[0], 100.0))  # fmt: skip
    assert words in str(info.value)
    assert info.value.expected


def test_disagreement_with_the_known_close_is_refused() -> None:
    """The fetched close on the last known date must match the known one."""
    with pytest.raises(Refused, match=r"the known 90\.0000"):
        check_bars(_bars(_values(len(DAYS))), label="X (p)", kind="close", bound_key="index",
                   anchor=(DAYS[0], 90.0))  # fmt: skip


def test_adjusted_closes_continue_the_known_basis() -> None:
    """An adjusted series is chained on the known value: v_t = known × adj_t / adj_known."""
    rows = check_bars(_bars(_values(len(DAYS))), label="X (p)", kind="adjusted",
                      bound_key="etf", anchor=(DAYS[0], 50.0))  # fmt: skip
    assert rows[0][1] == pytest.approx(50.0 * 101.0 / 100.0)
    assert rows[-1][1] == pytest.approx(50.0 * (100.0 + len(DAYS) - 1) / 100.0)


def test_futures_far_from_fair_value_is_refused() -> None:
    """A futures price 5% above its carry fair value is refused; 1% passes."""
    fair = {d: 100.0 + i for i, d in enumerate(DAYS)}
    for scale, ok in ((1.01, True), (1.05, False)):
        bars = [Bar(d, v * scale) for d, v in fair.items()]
        if ok:
            assert check_bars(bars, label="ES (p)", kind="futures", bound_key="futures",
                              anchor=None, fair_value=fair.get)  # fmt: skip
        else:
            with pytest.raises(Refused, match="fair value"):
                check_bars(bars, label="ES (p)", kind="futures", bound_key="futures",
                           anchor=None, fair_value=fair.get)  # fmt: skip
