"""The journal's events: building and checking them, importing files, deriving the state.

Event kinds and their payloads (JSON):

``policy``
    :meth:`BookPolicy.to_dict` — the policy in force from its date.
``holdings``
    ``{"lines": [{"ticker", "shares", "market_value_usd"}...], "beta": float | null}`` — a
    snapshot of the stock portfolio (from the planner's holdings CSV).
``fill``
    ``{"contract": "ESZ2024", "quantity": -2, "price": 4800.25, "fees_usd": 4.5}`` — a
    futures trade; quantity signed (negative = sold), fees in USD (>= 0).
``cash``
    ``{"amount_usd": 50000.0}`` — a deposit (> 0) or withdrawal (< 0) in the futures account.
``mark``
    ``{"contract": "ESZ2024", "price": 4810.0, "source": "settlement"}`` — the day's
    settlement (or close, or fair value, or the user's price) of a contract.
``reversal``
    ``{}`` with ``reverses_id`` — undoes that event (a correction is a reversal and, where
    needed, a new event; nothing is edited).

Every event has a stable key: a file row's key is a hash of the kind and the row's content
(with its occurrence number among identical rows, or the file's ``id`` column when given), so
importing the same file again books nothing twice; an entry typed on the command line gets a
new random key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from hedgekit.book._policy import BookPolicy
from hedgekit.book._state import BookFill, BookState, HoldingLine, Mark
from hedgekit.book._store import Event, NewEvent
from hedgekit.errors import InputError

__all__ = [
    "EVENT_KINDS",
    "FILLS_COLUMNS",
    "cash_event",
    "derive_state",
    "fill_event",
    "holdings_event",
    "mark_event",
    "policy_event",
    "read_fills_csv",
    "reversal_event",
]

EVENT_KINDS = ("policy", "holdings", "fill", "cash", "mark", "reversal")
#: Columns of a futures fills CSV (``id`` optional).
FILLS_COLUMNS = ("date", "contract", "quantity", "price", "fees_usd")


def _key(kind: str, *parts: Any) -> str:
    text = json.dumps([kind, *parts], sort_keys=True, separators=(",", ":"), default=str)
    return f"{kind}:{hashlib.sha256(text.encode()).hexdigest()[:40]}"


def new_key(kind: str) -> str:
    """A fresh key for an entry typed on the command line."""
    return f"{kind}:cli:{uuid.uuid4().hex}"


def _number(value: Any, source: str, *, positive: bool = False, nonneg: bool = False,
            row: int | None = None, column: str | None = None) -> float:  # fmt: skip
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise InputError("not a number", source=source, row=row, column=column,
                         value=value, expected="a number") from None  # fmt: skip
    if not math.isfinite(x) or abs(x) > 1e12:
        raise InputError("not a usable number", source=source, row=row, column=column,
                         value=value, expected="a finite number below 1e12")  # fmt: skip
    if positive and x <= 0:
        raise InputError("must be above zero", source=source, row=row, column=column,
                         value=value, expected="a number above zero")  # fmt: skip
    if nonneg and x < 0:
        raise InputError("must not be negative", source=source, row=row, column=column,
                         value=value, expected="zero or more")  # fmt: skip
    return x


def check_contract(text: str, day: dt.date, source: str, *, row: int | None = None,
                   column: str | None = None) -> str:  # fmt: skip
    """``"ESZ2024"`` checked, returned with a four-digit year.

    A known root, a listed month, ``day`` on or before the contract's last trading day.
    """
    from hedgekit.calendar import ContractCode, last_trading_day
    from hedgekit.contracts import default_registry

    expected = "a contract code with a four-digit year, e.g. ESZ2024 or MESH2025"
    try:
        code = ContractCode.parse(str(text).strip())
    except InputError:
        raise InputError("not a contract code", source=source, row=row, column=column,
                         value=text, expected=expected) from None  # fmt: skip
    if len(str(text).strip()) < len(code.long):
        raise InputError("a one-digit year is ambiguous", source=source, row=row,
                         column=column, value=text, expected=expected)  # fmt: skip
    reg = default_registry()
    if code.root not in reg:
        raise InputError("unknown contract", source=source, row=row, column=column,
                         value=text, expected="a root of: " + ", ".join(reg.roots()))  # fmt: skip
    spec = reg.get(code.root)
    if code.month_code not in spec.months:
        raise InputError("the contract does not list this month", source=source, row=row,
                         column=column, value=text,
                         expected=f"one of the months {spec.months}")  # fmt: skip
    ltd = last_trading_day(code.long).date()
    if day > ltd:
        raise InputError(
            f"dated after the contract's last trading day ({ltd.isoformat()})",
            source=source, row=row, column=column, value=f"{code.long} on {day.isoformat()}",
            expected=f"a date on or before {ltd.isoformat()}",
        )  # fmt: skip
    return code.long


def multiplier_usd(contract: str) -> float:
    """USD per index point of a contract code (the registry's)."""
    from hedgekit.calendar import ContractCode
    from hedgekit.contracts import get_contract

    return float(get_contract(ContractCode.parse(contract).root).multiplier_usd)


def policy_event(policy: BookPolicy, day: dt.date, *, source: str = "book init",
                 note: str | None = None) -> NewEvent:  # fmt: skip
    """A ``policy`` event (the policy is checked on construction)."""
    from hedgekit.contracts import default_registry

    reg = default_registry()
    if policy.contract.upper() not in reg:
        raise InputError("unknown contract", source="--contract", value=policy.contract,
                         expected="one of: " + ", ".join(reg.roots()))  # fmt: skip
    return NewEvent("policy", day, source, new_key("policy"), policy.to_dict(), note=note)


def fill_event(day: dt.date, contract: str, quantity: Any, price: Any, fees_usd: Any = 0.0, *,
               source: str = "book fill", key: str | None = None, row: int | None = None,
               note: str | None = None) -> NewEvent:  # fmt: skip
    """A ``fill`` event, checked (flags named as the CLI's, or file columns with ``row``)."""

    def col(name: str) -> str | None:
        return name if row is not None else None

    def where(flag: str) -> str:
        return source if row is not None else flag

    code = check_contract(contract, day, where("CONTRACT"), row=row, column=col("contract"))
    q = _number(quantity, where("--quantity"), row=row, column=col("quantity"))
    if q == 0 or q != int(q):
        raise InputError("a whole, non-zero number of contracts", source=where("--quantity"),
                         row=row, column=col("quantity"), value=quantity,
                         expected="e.g. -2 (sold) or 3 (bought)")  # fmt: skip
    p = _number(price, where("--price"), positive=True, row=row, column=col("price"))
    f = _number(fees_usd, where("--fees"), nonneg=True, row=row, column=col("fees_usd"))
    payload = {"contract": code, "quantity": int(q), "price": p, "fees_usd": f}
    return NewEvent("fill", day, source, key or new_key("fill"), payload, note=note)


def cash_event(day: dt.date, amount_usd: Any, *, source: str = "book deposit",
               flag: str = "AMOUNT", note: str | None = None) -> NewEvent:  # fmt: skip
    """A ``cash`` event: ``amount_usd`` > 0 a deposit, < 0 a withdrawal."""
    x = _number(amount_usd, flag)
    if x == 0:
        raise InputError("a zero amount", source=flag, value=amount_usd,
                         expected="an amount above zero")  # fmt: skip
    return NewEvent("cash", day, source, new_key("cash"), {"amount_usd": x}, note=note)


def mark_event(day: dt.date, contract: str, price: Any, origin: str, *,
               source: str = "book mark", flag: str = "--price") -> NewEvent:  # fmt: skip
    """A ``mark`` event on an NYSE session; its key makes a repeated mark idempotent."""
    from hedgekit.calendar import calendar_bounds, is_session

    first, last = (t.date() for t in calendar_bounds())
    if not first <= day <= last or not is_session(day):
        raise InputError("not an NYSE session", source="--date", value=day.isoformat(),
                         expected="a trading day (marks are daily settlements)")  # fmt: skip
    code = check_contract(contract, day, flag)
    p = _number(price, flag, positive=True)
    payload = {"contract": code, "price": p, "source": origin}
    return NewEvent("mark", day, source, _key("mark", code, day.isoformat(), p), payload)


def reversal_event(target: Event, existing: Sequence[Event], *,
                   note: str | None = None) -> NewEvent:  # fmt: skip
    """A ``reversal`` of ``target`` (refused for a reversal or an event already undone)."""
    if target.kind == "reversal":
        raise InputError("this event is itself an undo", source="EVENT_ID", value=target.id,
                         expected="the id of a fill, deposit, mark, import or policy")  # fmt: skip
    done = [e.id for e in existing if e.kind == "reversal" and e.reverses_id == target.id]
    if done:
        raise InputError(f"already undone by event {done[0]}", source="EVENT_ID",
                         value=target.id, expected="an event not yet undone")  # fmt: skip
    return NewEvent("reversal", target.effective_date, "book undo", f"reversal:{target.id}",
                    {}, reverses_id=target.id, note=note)  # fmt: skip


def holdings_event(path: str | os.PathLike[str], day: dt.date, *, beta: float | None = None,
                   note: str | None = None) -> NewEvent:  # fmt: skip
    """A ``holdings`` snapshot of the planner's holdings CSV (stock lines) at ``day``."""
    from hedgekit.data import load_holdings

    h = load_holdings(path)
    lines = [{"ticker": p.ticker, "shares": p.shares, "market_value_usd": p.market_value_usd}
             for p in h.positions]  # fmt: skip
    b = None if beta is None else _number(beta, "--beta")
    payload = {"lines": lines, "beta": b}
    return NewEvent("holdings", day, str(path),
                    _key("holdings", day.isoformat(), lines, b), payload, note=note)  # fmt: skip


def read_fills_csv(path: str | os.PathLike[str]) -> list[NewEvent]:
    """The fills of a futures fills CSV (columns :data:`FILLS_COLUMNS`, optional ``id``).

    Each row's key is a hash of its ``id`` when the file has that column, else of its
    content and its occurrence number among identical rows: the same file imported twice
    gives the same keys.
    """
    from hedgekit._dates import to_date
    from hedgekit.data._read import read_csv_table

    table = read_csv_table(path)
    names = [h.strip().lower() for h in table.header]
    allowed = (*FILLS_COLUMNS, "id")
    for name in names:
        if name not in allowed:
            raise InputError("unknown column", source=table.source, row=table.header_line,
                             column=name, expected=", ".join(allowed))  # fmt: skip
    missing = [c for c in FILLS_COLUMNS if c not in names]
    if missing:
        raise InputError("missing column", source=table.source, row=table.header_line,
                         value=", ".join(missing), expected=", ".join(FILLS_COLUMNS) +
                         " (and optionally id)")  # fmt: skip
    at = {n: i for i, n in enumerate(names)}
    seen: dict[tuple[str, ...], int] = {}
    out: list[NewEvent] = []
    for cells, line in zip(table.rows, table.lines, strict=True):
        text = cells[at["date"]]
        try:
            day = to_date(text, "date")
        except InputError:
            raise InputError("not a date", source=table.source, row=line, column="date",
                             value=text, expected="YYYY-MM-DD") from None  # fmt: skip
        content = tuple(cells[at[c]] for c in FILLS_COLUMNS)
        if "id" in at and cells[at["id"]]:
            key = _key("fill", "id", cells[at["id"]])
        else:
            n = seen.get(content, 0)
            seen[content] = n + 1
            key = _key("fill", *content, n)
        out.append(
            fill_event(day, cells[at["contract"]], cells[at["quantity"]], cells[at["price"]],
                       cells[at["fees_usd"]] or 0.0, source=table.source, key=key, row=line)
        )  # fmt: skip
    if not out:
        raise InputError("no fills in the file", source=table.source,
                         expected="a header and one row per fill")  # fmt: skip
    return out


#: Columns of a marks (settlements) CSV, every one required.
MARKS_COLUMNS: tuple[str, ...] = ("date", "contract", "price")


def read_marks_csv(path: str | os.PathLike[str]) -> list[NewEvent]:
    """The settlements of a marks CSV (``date,contract,price``), one mark event per row.

    A row's key is its contract, date and price (as for ``book mark``), so the same file
    imported twice books nothing twice; a bad row names the file, the line and the column.
    """
    from hedgekit._dates import to_date
    from hedgekit.data._read import read_csv_table

    table = read_csv_table(path)
    names = [h.strip().lower() for h in table.header]
    if sorted(names) != sorted(MARKS_COLUMNS):
        raise InputError("a marks file has exactly these columns", source=table.source,
                         row=table.header_line, value=",".join(table.header),
                         expected=",".join(MARKS_COLUMNS))  # fmt: skip
    at = {n: i for i, n in enumerate(names)}
    out: list[NewEvent] = []
    for cells, line in zip(table.rows, table.lines, strict=True):
        column = "date"
        try:
            day = to_date(cells[at["date"]], "date")
            column = "contract"
            out.append(mark_event(day, cells[at["contract"]], cells[at["price"]], "file",
                                  source=table.source, flag="price"))  # fmt: skip
        except InputError as exc:
            raise InputError(exc.message, source=table.source, row=line,
                             column=column if exc.source != "price" else "price",
                             value=exc.value, expected=exc.expected) from None  # fmt: skip
    if not out:
        raise InputError("no marks in the file", source=table.source,
                         expected="a header and one row per settlement")  # fmt: skip
    return out


def file_kind(path: str | os.PathLike[str]) -> str:
    """``"holdings"`` or ``"fills"``, by the file's header."""
    from hedgekit.data._read import read_csv_table

    table = read_csv_table(path)
    names = {h.strip().lower() for h in table.header}
    if "ticker" in names:
        return "holdings"
    if {"date", "contract"} <= names:
        return "fills"
    raise InputError(
        "not a holdings or fills file", source=table.source, row=table.header_line,
        value=",".join(table.header),
        expected="a holdings CSV (ticker,shares,market_value_usd) or a fills CSV "
        "(" + ",".join(FILLS_COLUMNS) + "[,id])",
    )  # fmt: skip


def live_events(events: Iterable[Event]) -> list[Event]:
    """Events neither reversed nor reversals, in (effective date, id) order."""
    evs = list(events)
    undone = {e.reverses_id for e in evs if e.kind == "reversal"}
    return sorted((e for e in evs if e.kind != "reversal" and e.id not in undone),
                  key=lambda e: (e.effective_date, e.id))  # fmt: skip


def derive_state(events: Iterable[Event], as_of: dt.date) -> BookState:
    r"""The book's state at ``as_of`` from its journal (events effective on or before it).

    Reversed events (and the reversals) are left out entirely: the state is what the
    journal, as corrected, says. Events are applied by date; on a date, fills (in recording
    order) come before marks.

    Notes
    -----
    Daily settlement (Hull 11e §2.4): each day a futures position is marked to the day's
    settlement and the change in value is paid or received as variation margin. Per
    contract with multiplier :math:`M`, the book keeps the quantity :math:`Q` and the
    reference value :math:`R = \sum_i q_i p_i` of its lots at their last settled prices
    (a fill of :math:`q` at :math:`p` adds :math:`q p`). A mark :math:`m` settles

    .. math:: VM = M (Q m - R), \qquad R \leftarrow Q m,

    i.e. :math:`Q M (m_t - m_{t-1})` for lots held since the previous mark and
    :math:`q M (m_t - p)` for a lot filled since. A position closed to zero settles its
    :math:`-M R` on the closing day (no mark is needed for it).

    Cash (the futures account):
    :math:`\text{deposits} - \text{withdrawals} - \text{fees} + \sum VM`.

    Average price: fills adding to a position average in by quantity; fills reducing it
    leave it; a fill crossing zero starts it at the fill price.
    """
    evs = [e for e in live_events(events) if e.effective_date <= as_of]
    policy: BookPolicy | None = None
    holdings: tuple[HoldingLine, ...] = ()
    holdings_as_of: dt.date | None = None
    snapshots: list[tuple[dt.date, Mapping[str, Any]]] = []
    qty: dict[str, int] = {}
    ref: dict[str, float] = {}
    avg: dict[str, float] = {}
    marks: dict[str, Mark] = {}
    fills: list[BookFill] = []
    deposits = fees = vm = 0.0
    notes: list[str] = []

    def settle_closed(day_contracts: Iterable[str]) -> None:
        nonlocal vm
        for c in day_contracts:
            if qty.get(c, 0) == 0 and ref.get(c, 0.0) != 0.0:
                vm += -multiplier_usd(c) * ref[c]
                ref[c] = 0.0

    traded_today: set[str] = set()
    current: dt.date | None = None
    for e in evs:
        if e.effective_date != current:
            settle_closed(traded_today)
            traded_today = set()
            current = e.effective_date
        p = e.payload
        if e.kind == "policy":
            policy = BookPolicy.from_dict(p)
        elif e.kind == "holdings":
            holdings = tuple(
                HoldingLine(str(x["ticker"]), x.get("shares"), x.get("market_value_usd"))
                for x in p["lines"]
            )
            holdings_as_of = e.effective_date
            snapshots.append((e.effective_date, p))
        elif e.kind == "cash":
            deposits += float(p["amount_usd"])
        elif e.kind == "fill":
            c, q, price = str(p["contract"]), int(p["quantity"]), float(p["price"])
            old = qty.get(c, 0)
            new = old + q
            if old == 0 or ((old > 0) != (new > 0) and new != 0):
                avg[c] = price
            elif abs(new) > abs(old):
                avg[c] = (avg[c] * abs(old) + price * abs(q)) / abs(new)
            if new == 0:
                avg.pop(c, None)
            qty[c] = new
            ref[c] = ref.get(c, 0.0) + q * price
            fees += float(p["fees_usd"])
            fills.append(BookFill(e.effective_date, c, q, price, float(p["fees_usd"]), e.key))
            traded_today.add(c)
        elif e.kind == "mark":
            c, m = str(p["contract"]), float(p["price"])
            if c in qty or c in ref:
                q = qty.get(c, 0)
                vm += multiplier_usd(c) * (q * m - ref.get(c, 0.0))
                ref[c] = q * m
            marks[c] = Mark(e.effective_date, c, m, str(p.get("source", "")))
    settle_closed(traded_today)

    positions = {c: q for c, q in sorted(qty.items()) if q != 0}
    from hedgekit.calendar import last_trading_day

    for c in positions:
        ltd = last_trading_day(c).date()
        if ltd < as_of:
            notes.append(f"{c} is held past its last trading day ({ltd.isoformat()}): book the "
                         "closing fill (the final settlement) or the roll.")  # fmt: skip
    rebalanced_on = max((f.day for f in fills), default=None)
    value = beta = None
    if rebalanced_on is not None:
        before = [s for d, s in snapshots if d <= rebalanced_on]
        if before:
            snap = before[-1]
            mvs = [x.get("market_value_usd") for x in snap["lines"]]
            if all(v is not None for v in mvs):
                value = float(sum(float(v) for v in mvs if v is not None))
            beta = None if snap.get("beta") is None else float(snap["beta"])
    return BookState(
        as_of=as_of,
        policy=policy if policy is not None else BookPolicy(),
        holdings_as_of=holdings_as_of,
        holdings=holdings,
        positions=positions,
        average_price={c: avg[c] for c in positions},
        cash_usd=round(deposits - fees + vm, 10),
        last_marks=dict(sorted(marks.items())),
        fills=tuple(fills),
        rebalanced_on=rebalanced_on,
        rebalance_value_usd=value,
        rebalance_beta=beta,
        holdings_beta=(
            None
            if not snapshots or snapshots[-1][1].get("beta") is None
            else float(snapshots[-1][1]["beta"])
        ),
        deposits_usd=deposits,
        fees_usd=fees,
        variation_margin_usd=vm,
        notes=tuple(notes)
        if policy is not None
        else ("no policy booked yet: the defaults apply (hedgekit book init)", *notes),
    )  # fmt: skip
