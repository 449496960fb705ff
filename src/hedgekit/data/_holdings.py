"""Holdings: what the user owns, from a CSV file or built in code.

Stock and ETF rows may be short (negative shares or market value). Rows whose ticker is a
futures contract root of the registry (``ES``, ``MES``, ``NQ`` ...) or a contract code
(``ESZ2024``) are futures already held: their ``shares`` cell counts contracts (whole,
non-zero, negative = short) and they become :attr:`Holdings.existing_hedge`, not stock
value.
"""

from __future__ import annotations

import math
import numbers
import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from hedgekit.data._cells import TICKER_PATTERN, Locator, parse_numbers, parse_tickers
from hedgekit.data._read import read_csv_table
from hedgekit.errors import InputError

if TYPE_CHECKING:
    from hedgekit.contracts import ContractRegistry
    from hedgekit.position import HedgePosition, PositionLeg

__all__ = ["Holding", "Holdings", "load_holdings"]

_REQUIRED: Final = ("ticker",)
_SIZE_COLUMNS: Final = ("shares", "market_value_usd")
_OPTIONAL: Final = ("cost_basis_usd",)
_ALLOWED: Final = (*_REQUIRED, *_SIZE_COLUMNS, *_OPTIONAL)
_CONTRACT_CODE: Final = re.compile(r"[A-Z][A-Z0-9]{0,4}[FGHJKMNQUVXZ][0-9]{4}")
_COLUMNS_EXPECTED: Final = (
    "columns ticker and shares and/or market_value_usd, optionally cost_basis_usd"
)


def _check_positive(
    value: float | None, field: str, ticker: str, *, allow_zero: bool, signed: bool = False
) -> None:
    if value is None:
        return
    sign = "non-zero" if signed else "non-negative" if allow_zero else "positive"
    value_obj: object = value  # typed float, but callers may pass anything
    if isinstance(value_obj, bool | np.bool_) or not isinstance(value_obj, numbers.Real):
        raise InputError(
            f"{field} of {ticker} is not a number",
            source="Holding",
            column=field,
            value=value,
            expected=f"a {sign} number",
        )
    if signed:
        ok = math.isfinite(value) and value != 0
    else:
        ok = math.isfinite(value) and (value >= 0 if allow_zero else value > 0)
    if not ok:
        raise InputError(
            f"{field} of {ticker} must be a {sign} finite number",
            source="Holding",
            column=field,
            value=value,
            expected=f"a {sign} number" + (" (negative = short)" if signed else ""),
        )


@dataclass(frozen=True, slots=True)
class Holding:
    """One stock position, long or short, sized by share count or by market value.

    Exactly one of ``shares`` and ``market_value_usd`` is given. A short position has a
    negative share count (or market value): it is valued negative and lowers the portfolio's
    value and its beta exposure.

    Attributes
    ----------
    ticker
        Symbol, upper case (``AAPL``, ``BRK-B``).
    shares
        Number of shares held (non-zero; negative = short), or ``None`` when sized by
        market value.
    market_value_usd
        Market value in USD (non-zero; negative = short), or ``None`` when sized by
        shares. A position given by value is taken at that value on the valuation date;
        its share count is implied from that day's price.
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
        _check_positive(self.shares, "shares", self.ticker, allow_zero=False, signed=True)
        _check_positive(
            self.market_value_usd, "market_value_usd", self.ticker, allow_zero=False, signed=True
        )
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
    """Stock positions with distinct tickers, the futures already held, and their origin.

    Attributes
    ----------
    positions
        The stock positions, in file order (at least one).
    source
        File path, or a short label for holdings built in code.
    existing_hedge
        Futures held alongside the stocks (the file's futures rows), or ``None``. A plan
        nets its recommended position against it: the trade is the target minus this.
    """

    positions: tuple[Holding, ...]
    source: str = "<memory>"
    existing_hedge: HedgePosition | None = None

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
        return {
            "source": self.source,
            "positions": [p.to_dict() for p in self.positions],
            "existing_hedge": (
                None if self.existing_hedge is None else self.existing_hedge.to_dict()["data"]
            ),
        }


def load_holdings(
    path: str | os.PathLike[str], *, registry: ContractRegistry | None = None
) -> Holdings:
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

        Short stock: a negative ``shares`` or ``market_value_usd``. Futures already held:
        a row whose ticker is a contract root of ``registry`` (``ES``, ``MES``) or a
        contract code with a four-digit year (``ESZ2024``), with the number of contracts
        (whole, non-zero, negative = short) in ``shares`` and ``market_value_usd`` and
        ``cost_basis_usd`` blank. A root alone means the contract held at the plan date.
    registry
        Contracts whose roots mark futures rows; default the built-in registry. A stock
        whose symbol is a contract root (e.g. ``ES``) cannot be listed.

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
        non-numeric, non-finite or zero shares/market values, a negative cost basis, a
        futures row with a fractional count, a market value or cost basis, or a contract
        month the root does not list, or a file with no stock positions.

    Examples
    --------
    .. code-block:: text

        ticker,shares,market_value_usd,cost_basis_usd
        AAPL,1200,,150000
        MSFT,,250000,
        TSLA,-100,,
        ES,-2,,
    """
    from hedgekit.contracts import default_registry

    reg = default_registry() if registry is None else registry
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
        c: parse_numbers(frame[c], loc, c, what=c.replace("_", " "), allow_blank=True, nonzero=True)
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
    legs: list[PositionLeg] = []
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
        leg = _futures_leg(ticker, reg, shares, value, cost[i], source=source, line=line)
        if leg is not None:
            legs.append(leg)
            continue
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
    if not positions:
        raise InputError(
            "no stock positions: every row is a futures contract",
            source=source,
            column="ticker",
            expected="at least one stock or ETF row (the portfolio the futures hedge)",
        )
    hedge = None
    if legs:
        from hedgekit.position import HedgePosition

        hedge = HedgePosition(tuple(legs), source=source)
    return Holdings(tuple(positions), source, hedge)


def _futures_leg(
    ticker: str,
    registry: ContractRegistry,
    shares: float,
    value: float,
    cost: float,
    *,
    source: str,
    line: int,
) -> PositionLeg | None:
    """The :class:`~hedgekit.position.PositionLeg` of a futures row, or ``None`` for a stock."""
    from hedgekit.calendar import ContractCode
    from hedgekit.position import PositionLeg as Leg

    contract: ContractCode | None = None
    if ticker in registry:
        root = registry.get(ticker).root
    else:
        if not _CONTRACT_CODE.fullmatch(ticker):
            return None
        code = ContractCode.parse(ticker)
        if code.root not in registry:
            return None
        root = registry.get(code.root).root
        contract = ContractCode(root, code.year, code.month)
        spec = registry.get(root)
        if contract.month_code not in spec.months:
            raise InputError(
                f"{ticker} is not a listed {root} contract month",
                source=source,
                row=line,
                column="ticker",
                value=ticker,
                expected=f"a month in {root}'s cycle {spec.months!r}, or {root} alone for "
                "the contract held at the plan date",
            )
    if not np.isnan(value) or not np.isnan(cost):
        column = "market_value_usd" if not np.isnan(value) else "cost_basis_usd"
        raise InputError(
            f"{ticker} is a futures contract: its row gives a number of contracts in shares "
            f"and leaves {column} blank",
            source=source,
            row=line,
            column=column,
            value=float(value if not np.isnan(value) else cost),
            expected=f"a blank {column} on a futures row",
        )
    if np.isnan(shares) or shares != math.floor(shares):
        raise InputError(
            f"{ticker} is a futures contract: shares counts whole contracts",
            source=source,
            row=line,
            column="shares",
            value=None if np.isnan(shares) else float(shares),
            expected="a non-zero whole number of contracts such as -2 (negative = short)",
        )
    return Leg(root, contract, int(shares))
