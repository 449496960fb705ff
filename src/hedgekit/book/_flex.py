"""Interactive Brokers Flex XML statements read into the book's neutral records.

A Flex statement (Interactive Brokers, "Flex Queries" / "Activity Flex Query Reference") is a
``FlexQueryResponse`` holding one ``FlexStatement`` per account and period, with ``Trades``,
``CashTransactions`` and ``OpenPositions`` sections. It is parsed with the ``ibflex`` package
and turned into :class:`FlexTrade`, :class:`FlexCash` and :class:`FlexPosition` records the
journal books; nothing here touches the database.

Choices
-------
* **Contract code.** A futures trade's contract is named from IB's ``underlyingSymbol`` (the
  product root, ``ES``; else the ``symbol`` less its month code and one-digit year, ``ESZ4``)
  and the ``expiry`` date's year and month: ``ESZ2024``. Equity index futures expire in their
  delivery month (third Friday), so the expiry's month is the contract month.
* **Non-futures trades.** Stock, ETF, FX and bond trades belong to the portfolio, not the
  futures hedge: they are skipped with a note. Options (on futures or on the index) would
  change the hedge and are refused rather than silently dropped.
* **Idempotency key.** ``ibkr:<tradeID>`` for trades and ``ibkr-cash:<transactionID>`` for
  cash (IB's ids are unique per account); importing the same statement twice yields the same
  keys, so the journal books nothing twice.
* **Fees.** IB reports ``ibCommission`` as a negative cash amount; :attr:`FlexTrade.fees_usd`
  is its magnitude.
* Only USD amounts are accepted (hedgekit counts money in USD).
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from hedgekit.calendar import ContractCode
from hedgekit.errors import InputError

__all__ = ["FlexCash", "FlexPosition", "FlexStatement", "FlexTrade", "parse_flex"]

_FUTURES = "FUT"
#: Asset classes skipped with a note (they are the portfolio's, not the hedge's).
_SKIPPED = {"STK", "CASH", "BOND", "BILL", "FUND", "WAR", "CFD", "FXCFD", "CRYPTO", "CMDTY"}
_SYMBOL_ROOT = re.compile(r"^(?P<root>[A-Z][A-Z0-9]{0,4}?)[FGHJKMNQUVXZ][0-9]{1,2}$")
_EXPECTED_FILE = "an Interactive Brokers Flex XML statement (a FlexQueryResponse)"


@dataclass(frozen=True, slots=True)
class FlexTrade:
    """One futures fill from a statement.

    Attributes
    ----------
    day
        Trade date.
    contract
        Contract code with a four-digit year (``"ESZ2024"``).
    quantity
        Signed contracts (negative = sold).
    price
        Trade price, index points.
    fees_usd
        Commission and exchange fees paid (>= 0).
    key
        Idempotency key, ``ibkr:<tradeID>``.
    """

    day: dt.date
    contract: str
    quantity: int
    price: float
    fees_usd: float
    key: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            "day": self.day.isoformat(),
            "contract": self.contract,
            "quantity": self.quantity,
            "price": self.price,
            "fees_usd": self.fees_usd,
            "key": self.key,
        }


@dataclass(frozen=True, slots=True)
class FlexCash:
    """One cash transaction: a deposit (> 0), a withdrawal (< 0), interest, fees, dividends.

    Attributes
    ----------
    day
        Date of the transaction.
    amount_usd
        Signed amount (money in > 0).
    kind
        ``"deposit"`` (deposits and withdrawals), ``"interest"``, ``"fees"``, ``"dividend"``,
        ``"tax"`` or ``"other"``.
    description
        IB's description.
    key
        Idempotency key, ``ibkr-cash:<transactionID>``.
    """

    day: dt.date
    amount_usd: float
    kind: str
    description: str
    key: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            "day": self.day.isoformat(),
            "amount_usd": self.amount_usd,
            "kind": self.kind,
            "description": self.description,
            "key": self.key,
        }


@dataclass(frozen=True, slots=True)
class FlexPosition:
    """A futures position open at the statement's report date, with IB's mark."""

    day: dt.date
    contract: str
    quantity: int
    mark_price: float | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            "day": self.day.isoformat(),
            "contract": self.contract,
            "quantity": self.quantity,
            "mark_price": self.mark_price,
        }


@dataclass(frozen=True, slots=True)
class FlexStatement:
    """What a statement says about the futures account.

    Attributes
    ----------
    account_id
        IB account id (every statement in the file is for it).
    from_date, to_date
        The period covered (earliest start, latest end over the file's statements).
    trades, cash, positions
        Futures fills, cash transactions and open futures positions, oldest first.
    notes
        Plain sentences on what was skipped.
    """

    account_id: str
    from_date: dt.date | None
    to_date: dt.date | None
    trades: tuple[FlexTrade, ...]
    cash: tuple[FlexCash, ...]
    positions: tuple[FlexPosition, ...]
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            "account_id": self.account_id,
            "from_date": None if self.from_date is None else self.from_date.isoformat(),
            "to_date": None if self.to_date is None else self.to_date.isoformat(),
            "trades": [t.to_dict() for t in self.trades],
            "cash": [c.to_dict() for c in self.cash],
            "positions": [p.to_dict() for p in self.positions],
            "notes": list(self.notes),
        }


def _enum_value(value: object) -> str | None:
    if value is None:
        return None
    return str(getattr(value, "value", value))


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def _number(value: object) -> float | None:
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _contract(item: Any, where: str, source: str) -> str:
    """``ESZ2024`` from IB's underlying symbol (or symbol) and expiry."""
    expiry = _date(getattr(item, "expiry", None))
    root = getattr(item, "underlyingSymbol", None)
    symbol = getattr(item, "symbol", None)
    if not root and isinstance(symbol, str):
        match = _SYMBOL_ROOT.match(symbol.strip().upper())
        root = None if match is None else match["root"]
    if expiry is None or not isinstance(root, str) or not root.strip():
        raise InputError(
            f"{where}: a futures line without its product and expiry",
            source=source,
            value={"symbol": symbol, "underlyingSymbol": root, "expiry": expiry},
            expected="underlyingSymbol (or symbol like ESZ4) and expiry (YYYYMMDD)",
        )
    return ContractCode(root.strip().upper(), expiry.year, expiry.month).long


def _whole(value: object, where: str, column: str, source: str) -> int:
    number = _number(value)
    if number is None or number != int(number) or number == 0:
        raise InputError(
            f"{where}: the {column} is not a whole, non-zero number of contracts",
            source=source,
            value=value,
            expected="a whole number of contracts (negative = sold)",
        )
    return int(number)


def _usd(item: Any, where: str, source: str, column: str = "currency") -> None:
    currency = getattr(item, column, None)
    if currency not in (None, "USD"):
        raise InputError(
            f"{where}: amounts in {currency}",
            source=source,
            value=currency,
            expected="USD (hedgekit counts money in US dollars)",
        )


_CASH_KINDS = {
    "Deposits & Withdrawals": "deposit",
    "Broker Interest Paid": "interest",
    "Broker Interest Received": "interest",
    "Bond Interest Received": "interest",
    "Bond Interest Paid": "interest",
    "Other Fees": "fees",
    "Commission Adjustments": "fees",
    "Advisor Fees": "fees",
    "Dividends": "dividend",
    "Payment In Lieu Of Dividends": "dividend",
    "Withholding Tax": "tax",
}


def _read(data: bytes | str | Path, source: str) -> Any:
    from ibflex import parser

    try:
        if isinstance(data, bytes):
            return parser.parse(data)
        return parser.parse(str(data))
    except OSError as exc:
        raise InputError(
            f"cannot read the statement: {exc.strerror or exc}",
            source=source,
            value=str(data),
            expected=_EXPECTED_FILE,
        ) from exc
    except ET.ParseError as exc:
        raise InputError(
            f"not well-formed XML ({exc})",
            source=source,
            value=str(data) if not isinstance(data, bytes) else f"{len(data)} bytes",
            expected=_EXPECTED_FILE,
        ) from exc
    except Exception as exc:  # ibflex raises FlexParserError and bare ValueErrors
        raise InputError(
            f"not a Flex statement ibflex can read ({exc})",
            source=source,
            value=str(data) if not isinstance(data, bytes) else f"{len(data)} bytes",
            expected=_EXPECTED_FILE,
        ) from exc


def parse_flex(
    data: bytes | str | Path,
    *,
    account_id: str | None = None,
    source: str = "--flex",
) -> FlexStatement:
    """Read a Flex XML statement into the book's records.

    Parameters
    ----------
    data
        A path to the XML file, or its bytes (e.g. a Flex Web Service download).
    account_id
        The book's IB account; a statement for another account is refused. ``None`` accepts
        any one account (the first import names the book's).
    source
        Where the statement came from, for error messages (the CLI flag or file name).

    Returns
    -------
    FlexStatement

    Raises
    ------
    InputError
        The file cannot be read or is not a Flex statement; it holds no statement or
        statements for several accounts; the account is not the book's; a futures line lacks
        its product, expiry, quantity or price; an amount is not in USD; an option trade.
    """
    response = _read(data, source)
    statements = tuple(getattr(response, "FlexStatements", ()) or ())
    if not statements:
        raise InputError(
            "the file holds no FlexStatement",
            source=source,
            value="FlexQueryResponse without statements",
            expected="at least one FlexStatement with an accountId",
        )
    accounts = sorted({str(s.accountId) for s in statements if s.accountId})
    if len(accounts) != 1:
        raise InputError(
            "statements for several accounts, or none named",
            source=source,
            value=accounts,
            expected="statements of one account (one book per futures account)",
        )
    account = accounts[0]
    if account_id is not None and account != account_id:
        raise InputError(
            "a statement for another account than the book's",
            source=source,
            value=account,
            expected=f"account {account_id}",
        )
    trades: list[FlexTrade] = []
    cash: list[FlexCash] = []
    positions: list[FlexPosition] = []
    notes: list[str] = []
    skipped: dict[str, int] = {}
    for statement in statements:
        for i, t in enumerate(statement.Trades or (), start=1):
            where = f"Trades line {i}"
            if t.accountId not in (None, account):
                raise InputError(
                    f"{where}: a trade for another account",
                    source=source, value=t.accountId, expected=f"account {account}",
                )  # fmt: skip
            kind = _enum_value(t.assetCategory)
            if kind != _FUTURES:
                if kind in _SKIPPED:
                    skipped[kind] = skipped.get(kind, 0) + 1
                    continue
                raise InputError(
                    f"{where}: a {kind} trade in the futures account ({t.symbol})",
                    source=source,
                    value=kind,
                    expected="futures trades (FUT); stock trades are skipped, options refused",
                )
            _usd(t, where, source)
            day = _date(t.tradeDate) or _date(t.dateTime)
            price = _number(t.tradePrice)
            if day is None or price is None or price <= 0:
                raise InputError(
                    f"{where}: a futures trade without its date or price",
                    source=source,
                    value={"tradeDate": t.tradeDate, "tradePrice": t.tradePrice},
                    expected="tradeDate (YYYYMMDD) and a tradePrice > 0",
                )
            quantity = _whole(t.quantity, where, "quantity", source)
            side = _enum_value(t.buySell)
            if (
                side is not None
                and side.startswith(("BUY", "SELL"))
                and (quantity > 0) != side.startswith("BUY")
            ):
                raise InputError(
                    f"{where}: quantity {quantity} disagrees with buySell {side}",
                    source=source,
                    value=quantity,
                    expected="a positive quantity for BUY, negative for SELL",
                )
            trade_id = t.tradeID or t.transactionID
            if not trade_id:
                raise InputError(
                    f"{where}: a trade without tradeID",
                    source=source,
                    value=None,
                    expected="IB's tradeID (the key that keeps a re-import from booking twice)",
                )
            commission = _number(t.ibCommission) or 0.0
            _usd(t, where, source, "ibCommissionCurrency")
            trades.append(
                FlexTrade(
                    day=day,
                    contract=_contract(t, where, source),
                    quantity=quantity,
                    price=price,
                    fees_usd=abs(commission),
                    key=f"ibkr:{trade_id}",
                )
            )
        for i, c in enumerate(statement.CashTransactions or (), start=1):
            where = f"CashTransactions line {i}"
            _usd(c, where, source)
            day = _date(c.dateTime) or _date(c.reportDate) or _date(c.settleDate)
            amount = _number(c.amount)
            key = c.transactionID or c.actionID
            if day is None or amount is None or not key:
                raise InputError(
                    f"{where}: a cash transaction without date, amount or transactionID",
                    source=source,
                    value={"dateTime": c.dateTime, "amount": c.amount, "id": key},
                    expected="dateTime, amount and transactionID",
                )
            cash.append(
                FlexCash(
                    day=day,
                    amount_usd=amount,
                    kind=_CASH_KINDS.get(_enum_value(c.type) or "", "other"),
                    description=str(c.description or ""),
                    key=f"ibkr-cash:{key}",
                )
            )
        for i, p in enumerate(statement.OpenPositions or (), start=1):
            if _enum_value(p.assetCategory) != _FUTURES:
                continue
            where = f"OpenPositions line {i}"
            day = _date(p.reportDate) or _date(statement.toDate)
            if day is None:
                raise InputError(
                    f"{where}: a position without its report date",
                    source=source, value=None, expected="reportDate (YYYYMMDD)",
                )  # fmt: skip
            positions.append(
                FlexPosition(
                    day=day,
                    contract=_contract(p, where, source),
                    quantity=_whole(p.position, where, "position", source),
                    mark_price=_number(p.markPrice),
                )
            )
    for kind, n in sorted(skipped.items()):
        notes.append(
            f"{n} {kind} trade{'s' if n != 1 else ''} skipped: the book keeps the futures "
            "hedge; portfolio holdings come from the holdings file."
        )
    starts = [d for s in statements if (d := _date(s.fromDate)) is not None]
    ends = [d for s in statements if (d := _date(s.toDate)) is not None]
    return FlexStatement(
        account_id=account,
        from_date=min(starts) if starts else None,
        to_date=max(ends) if ends else None,
        trades=tuple(sorted(trades, key=lambda t: (t.day, t.key))),
        cash=tuple(sorted(cash, key=lambda c: (c.day, c.key))),
        positions=tuple(positions),
        notes=tuple(notes),
    )
