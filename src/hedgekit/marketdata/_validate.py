r"""Checks on fetched rows before anything is stored: a refused batch stores nothing.

The same strict checks as a user's price file (:func:`hedgekit.data.validate_prices`:
dates unique and ascending, every price a positive finite number), and more, since a
provider's answer is not reviewed by a person:

* **calendar**: a close dated on a day the NYSE was closed is refused (futures rows on
  such days, when Globex traded, are skipped); every NYSE session between the last known
  row and the last fetched one must be there (the T-bill rate follows the bond-market
  calendar: refused only when two rows are more than :data:`MAX_RATE_GAP_DAYS` apart);
* **continuity**: the fetched close on the last known date must agree with the known one
  within :data:`OVERLAP_TOLERANCE` (same series, same basis); a day-on-day move larger
  than the series' bound (:data:`JUMP_BOUNDS`, log return; the T-bill rate in percentage
  points) is refused;
* **futures**: a price farther than :data:`FAIR_VALUE_TOLERANCE` from its index's carry
  fair value :math:`S e^{(r-q)\tau}` (Hull 11e §5.4, eq. 5.3) on the same day is refused.

A refusal names the series, the provider, the date, what was found and what was expected.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hedgekit.calendar import is_session, sessions
from hedgekit.marketdata._provider import Bar, Kind

__all__ = [
    "FAIR_VALUE_TOLERANCE",
    "JUMP_BOUNDS",
    "MAX_RATE_GAP_DAYS",
    "OVERLAP_TOLERANCE",
    "Refused",
    "check_bars",
]

#: Largest day-on-day |log return| per series kind (the S&P 500's worst day, 1987-10-19,
#: is -0.229 log; VIX rose +0.77 log on 2018-02-05); the T-bill rate in percentage points.
JUMP_BOUNDS: dict[str, float] = {
    "index": 0.30,
    "VIX": 1.20,
    "etf": 0.30,
    "stock": 0.60,
    "futures": 0.30,
    "rate": 1.00,
}
#: Relative disagreement allowed between a fetched and the known close of the same day.
OVERLAP_TOLERANCE = 0.005
#: Relative distance allowed between a futures price and its carry fair value.
FAIR_VALUE_TOLERANCE = 0.03
#: Largest gap between two T-bill rows, calendar days (a long weekend plus holidays).
MAX_RATE_GAP_DAYS = 10


@dataclass(frozen=True)
class Refused(Exception):  # noqa: N818 - a refusal, not a program error
    """A batch refused: where (series, provider, date), what was got and what was expected."""

    where: str
    got: str
    expected: str

    def __str__(self) -> str:
        return f"{self.where}: got {self.got}; expected {self.expected}"


def _positive(x: float | None) -> bool:
    return x is not None and math.isfinite(x) and x > 0


def check_bars(
    bars: Sequence[Bar],
    *,
    label: str,
    kind: Kind,
    bound_key: str,
    anchor: tuple[dt.date, float] | None,
    fair_value: Callable[[dt.date], float | None] | None = None,
) -> list[tuple[dt.date, float]]:
    """The rows to store, dated after ``anchor``; :class:`Refused` when the batch is not sound.

    Parameters
    ----------
    bars
        The provider's rows in the order received.
    label
        ``"SPX (yahoo ^GSPC)"``: the series and provider, for messages.
    kind
        ``close`` (stored as fetched), ``adjusted`` (stored on the known series' basis:
        the known value times the provider's adjusted-close ratio since the known date,
        a total-return chain), ``futures`` or ``rate``.
    bound_key
        Key of :data:`JUMP_BOUNDS`.
    anchor
        ``(date, value)`` of the last known row (bundled or stored), or ``None``.
    fair_value
        For futures: the carry fair value on a date (``None`` when it cannot be computed).
    """
    days = [b.date for b in bars]
    for prev, cur in itertools.pairwise(days):
        if cur == prev:
            raise Refused(f"{label}, {cur}", "the date twice", "each date once")
        if cur < prev:
            raise Refused(f"{label}, {cur} after {prev}", "dates out of order", "ascending dates")
    rows: list[tuple[dt.date, float]] = []
    for b in bars:
        if kind == "futures" and not is_session(b.date):
            continue  # Globex trades some NYSE holidays; the snapshot uses NYSE sessions
        if kind != "rate" and not is_session(b.date):
            raise Refused(f"{label}, {b.date}", "a row on a day the NYSE was closed",
                          "NYSE sessions only")  # fmt: skip
        value = b.adjclose if kind == "adjusted" else b.close
        if kind == "rate":
            if value is None or not math.isfinite(value) or not -5.0 < value < 30.0:
                raise Refused(f"{label}, {b.date}", f"rate {value}",
                              "a finite rate in percent")  # fmt: skip
        elif not _positive(b.close) or (kind == "adjusted" and not _positive(b.adjclose)):
            got = b.close if not _positive(b.close) else b.adjclose
            raise Refused(f"{label}, {b.date}", f"price {got}",
                          "prices > 0 (a positive finite number)")  # fmt: skip
        assert value is not None
        rows.append((b.date, float(value)))
    if anchor is not None:
        a_day, a_value = anchor
        same = [v for d, v in rows if d == a_day]
        if kind == "adjusted":
            if not same:
                raise Refused(f"{label}, {a_day}", "no row on the last known date",
                              "that date in the answer, to carry the adjustment on")  # fmt: skip
            scale = a_value / same[0]
            rows = [(d, v * scale) for d, v in rows]
        elif same and kind != "rate" and abs(same[0] / a_value - 1.0) > OVERLAP_TOLERANCE:
            raise Refused(f"{label}, {a_day}", f"{same[0]:,.4f}",
                          f"the known {a_value:,.4f} (within {OVERLAP_TOLERANCE:.1%})")  # fmt: skip
        rows = [(a_day, a_value), *[(d, v) for d, v in rows if d > a_day]]
    new = rows[1:] if anchor is not None else rows
    if not new:
        return []
    bound = JUMP_BOUNDS[bound_key]
    for (d0, v0), (d1, v1) in itertools.pairwise(rows):
        move = v1 - v0 if kind == "rate" else math.log(v1 / v0)
        if abs(move) > bound:
            unit = " points" if kind == "rate" else " log return"
            raise Refused(f"{label}, {d0} to {d1}", f"a move of {move:+.3f}{unit}",
                          f"at most {bound}{unit} a day")  # fmt: skip
    if kind == "rate":
        for (d0, _), (d1, _) in itertools.pairwise(rows):
            if (d1 - d0).days > MAX_RATE_GAP_DAYS:
                raise Refused(f"{label}, {d0} to {d1}", f"no row for {(d1 - d0).days} days",
                              f"rows at most {MAX_RATE_GAP_DAYS} days apart")  # fmt: skip
    else:
        have = {d for d, _ in rows}
        want = [s.date() for s in sessions(rows[0][0], rows[-1][0])]
        missing = [s for s in want if s not in have]
        if missing:
            raise Refused(f"{label}, {missing[0]}",
                          f"{len(missing)} NYSE session(s) missing from {rows[0][0]} to "
                          f"{rows[-1][0]}", "every session")  # fmt: skip
    if fair_value is not None:
        for d, v in new:
            fair = fair_value(d)
            if fair is not None and abs(v / fair - 1.0) > FAIR_VALUE_TOLERANCE:
                raise Refused(f"{label}, {d}", f"{v:,.2f}, {v / fair - 1.0:+.2%} from fair value",
                              f"within {FAIR_VALUE_TOLERANCE:.0%} of the carry fair value "
                              f"{fair:,.2f} (F = S exp((r - q) tau))")  # fmt: skip
    return new
