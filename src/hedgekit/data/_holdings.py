"""Holdings: what the user owns, from a CSV file or built in code."""

from __future__ import annotations

import math
import numbers
import os
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from hedgekit.data._cells import TICKER_PATTERN, Locator, parse_numbers, parse_tickers
from hedgekit.data._read import read_csv_table
from hedgekit.errors import InputError

__all__ = ["Holding", "Holdings", "load_holdings"]

_REQUIRED: Final = ("ticker",)
_SIZE_COLUMNS: Final = ("shares", "market_value_usd")
_OPTIONAL: Final = ("cost_basis_usd",)
_ALLOWED: Final = (*_REQUIRED, *_SIZE_COLUMNS, *_OPTIONAL)
_COLUMNS_EXPECTED: Final = (
    "columns ticker and shares and/or market_value_usd, optionally cost_basis_usd"
)


def _check_positive(value: float | None, field: str, ticker: str, *, allow_zero: bool) -> None:
    if value is None:
        return
    sign = "non-negative" if allow_zero else "positive"
    value_obj: object = value  # typed float, but callers may pass anything
    if isinstance(value_obj, bool | np.bool_) or not isinstance(value_obj, numbers.Real):
        raise InputError(
            f"{field} of {ticker} is not a number",
            source="Holding",
            column=field,
            value=value,
            expected=f"a {sign} number",
        )
    ok = math.isfinite(value) and (value >= 0 if allow_zero else value > 0)
    if not ok:
        raise InputError(
            f"{field} of {ticker} must be a {sign} finite number",
            source="Holding",
            column=field,
            value=value,
            expected=f"a {sign} number",
        )


@dataclass(frozen=True, slots=True)
class Holding:
    """One long position, sized by share count or by market value (exactly one of the two).

    Attributes
    ----------
    ticker
        Symbol, upper case (``AAPL``, ``BRK-B``).
    shares
        Number of shares held (> 0), or ``None`` when sized by market value.
    market_value_usd
        Market value in USD (> 0), or ``None`` when sized by shares. A position given by
        value is taken at that value on the valuation date; its share count is implied
        from that day's price.
    cost_basis_usd
        Total cost basis of the position in USD (>= 0), if known.
    """

    ticker: str
    shares: float | None
    market_value_usd: float | None
    cost_basis_usd: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.ticker, str) or TICKER_PATTERN.fullmatch(self.ticker) is None:
            raise InputError(
                "invalid ticker symbol",
                source="Holding",
                column="ticker",
                value=self.ticker,
                expected="upper-case letters and digits, '.' or '-' inside (AAPL, BRK-B)",
            )
        if (self.shares is None) == (self.market_value_usd is None):
            raise InputError(
                f"{self.ticker}: give exactly one of shares and market_value_usd",
                source="Holding",
                value={"shares": self.shares, "market_value_usd": self.market_value_usd},
                expected="shares or market_value_usd, not both and not neither",
            )
        _check_positive(self.shares, "shares", self.ticker, allow_zero=False)
        _check_positive(self.market_value_usd, "market_value_usd", self.ticker, allow_zero=False)
        _check_positive(self.cost_basis_usd, "cost_basis_usd", self.ticker, allow_zero=True)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict (``None`` for absent fields)."""
        return {
            "ticker": self.ticker,
            "shares": self.shares,
            "market_value_usd": self.market_value_usd,
            "cost_basis_usd": self.cost_basis_usd,
        }


@dataclass(frozen=True, slots=True)
class Holdings:
    """A set of long positions with distinct tickers, and where they came from.

    Attributes
    ----------
    positions
        The positions, in file order.
    source
        File path, or a short label for holdings built in code.
    """

    positions: tuple[Holding, ...]
    source: str = "<memory>"

    def __post_init__(self) -> None:
        if not self.positions:
            raise InputError("no positions", source=self.source, expected="at least one holding")
        seen: set[str] = set()
        for pos in self.positions:
            if pos.ticker in seen:
                raise InputError(
                    "duplicate ticker",
                    source=self.source,
                    column="ticker",
                    value=pos.ticker,
                    expected="each ticker once",
                )
            seen.add(pos.ticker)

    @property
    def tickers(self) -> tuple[str, ...]:
        """Tickers in position order."""
        return tuple(p.ticker for p in self.positions)

    def __len__(self) -> int:
        return len(self.positions)

    def to_frame(self) -> pd.DataFrame:
        """Return one row per position (index ``ticker``; NaN where a field is absent)."""

        def f(x: float | None) -> float:
            return np.nan if x is None else float(x)

        return pd.DataFrame(
            {
                "shares": [f(p.shares) for p in self.positions],
                "market_value_usd": [f(p.market_value_usd) for p in self.positions],
                "cost_basis_usd": [f(p.cost_basis_usd) for p in self.positions],
            },
            index=pd.Index(list(self.tickers), name="ticker"),
            dtype=np.float64,
        )

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict."""
        return {"source": self.source, "positions": [p.to_dict() for p in self.positions]}


def load_holdings(path: str | os.PathLike[str]) -> Holdings:
    """Read a holdings CSV file.

    Parameters
    ----------
    path
        A UTF-8 CSV file (a UTF-8 byte-order mark is accepted). Header names are matched
        case-insensitively; allowed columns: ``ticker`` (required), ``shares`` and/or
        ``market_value_usd`` (at least one of the two columns), ``cost_basis_usd``
        (optional). Each row gives **exactly one** of ``shares`` and ``market_value_usd``;
        the other cell is left blank. ``cost_basis_usd`` (total USD cost of the
        position) may be blank. Each ticker appears once.

    Returns
    -------
    Holdings
        The positions in file order, ``source`` set to ``str(path)``.

    Raises
    ------
    InputError
        Naming file, line (header = line 1), column, value and what was expected, for:
        a missing/empty/non-UTF-8 file, unknown or missing or repeated columns, a row
        with both or neither size, blank or invalid tickers, duplicate tickers,
        non-numeric, non-finite or non-positive shares/market values, a negative cost
        basis, or a file with no positions.

    Examples
    --------
    .. code-block:: text

        ticker,shares,market_value_usd,cost_basis_usd
        AAPL,1200,,150000
        MSFT,,250000,
    """
    table = read_csv_table(path)
    source = table.source
    names = [h.lower() for h in table.header]
    for i, name in enumerate(names):
        if name not in _ALLOWED:
            raise InputError(
                "unknown column",
                source=source,
                row=table.header_line,
                column=table.header[i],
                expected=_COLUMNS_EXPECTED,
            )
        if name in names[:i]:
            raise InputError(
                "column appears twice",
                source=source,
                row=table.header_line,
                column=table.header[i],
                expected="each column once",
            )
    if "ticker" not in names or not any(c in names for c in _SIZE_COLUMNS):
        missing = "ticker" if "ticker" not in names else "shares or market_value_usd"
        raise InputError(
            f"missing required column {missing}",
            source=source,
            row=table.header_line,
            value=",".join(table.header),
            expected=_COLUMNS_EXPECTED,
        )
    if not table.rows:
        raise InputError(
            "no positions below the header", source=source, expected="at least one holding row"
        )
    frame = pd.DataFrame(list(table.rows), columns=names, dtype=object)
    loc = Locator(source, table.lines)
    tickers = parse_tickers(frame["ticker"], loc, "ticker")
    sizes = {
        c: parse_numbers(frame[c], loc, c, what=c.replace("_", " "), allow_blank=True)
        if c in names
        else np.full(len(frame), np.nan)
        for c in _SIZE_COLUMNS
    }
    cost = (
        parse_numbers(
            frame["cost_basis_usd"],
            loc,
            "cost_basis_usd",
            what="cost basis",
            strictly_positive=False,
            allow_blank=True,
        )
        if "cost_basis_usd" in names
        else np.full(len(frame), np.nan)
    )
    first_line: dict[str, int] = {}
    positions: list[Holding] = []
    for i, ticker in enumerate(tickers):
        line = table.lines[i]
        if ticker in first_line:
            raise InputError(
                f"duplicate ticker (first on line {first_line[ticker]})",
                source=source,
                row=line,
                column="ticker",
                value=ticker,
                expected="each ticker on one line",
            )
        first_line[ticker] = line
        shares, value = sizes["shares"][i], sizes["market_value_usd"][i]
        if np.isnan(shares) == np.isnan(value):
            given = "both" if not np.isnan(shares) else "neither"
            raise InputError(
                f"{given} of shares and market_value_usd given for {ticker}",
                source=source,
                row=line,
                column="shares/market_value_usd",
                value=",".join(table.rows[i]),
                expected="exactly one of shares or market_value_usd (leave the other blank)",
            )
        positions.append(
            Holding(
                ticker,
                None if np.isnan(shares) else float(shares),
                None if np.isnan(value) else float(value),
                None if np.isnan(cost[i]) else float(cost[i]),
            )
        )
    return Holdings(tuple(positions), source)
