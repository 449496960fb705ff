"""Commands ``hedgekit book ...``: keep a hedge day after day in an append-only journal.

``init`` (the policy), ``import`` (a holdings or fills CSV, or an IBKR Flex statement),
``fill``, ``deposit``, ``withdraw``, ``mark``, ``undo``, ``export``, ``restore``, ``show`` (the
state), ``status`` (today's action report), ``history`` (P&L since inception by source),
``report`` (the HTML report) and ``replay-policy`` (the book against its own policy). Every
command takes ``--book PATH|URL`` (default ``$HEDGEKIT_BOOK``, else
``$XDG_DATA_HOME/hedgekit/book.sqlite``) and ``--json``.

Exit status: 0 done, 1 ``status``: an action is due, 2 bad input (the book unchanged), 75
the book was busy (another process writing for longer than the wait; retry).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hedgekit.cli import _output as out
from hedgekit.cli._app import ForceFlag, JsonFlag, app, check_output_path, parse_date, today
from hedgekit.errors import InputError

if TYPE_CHECKING:
    from hedgekit.book import BookState
    from hedgekit.book._store import Book, Event

book_app = typer.Typer(
    name="book",
    help="The hedge book: positions, cash and daily marks of a live hedge, in a journal.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(book_app)

BookOpt = Annotated[
    str | None,
    typer.Option("--book", help="Book file or database URL (default $HEDGEKIT_BOOK, else "
                 "$XDG_DATA_HOME/hedgekit/book.sqlite).", metavar="PATH|URL"),
]  # fmt: skip
DateOpt = Annotated[
    str | None, typer.Option("--date", help="Effective date (YYYY-MM-DD); default today.")
]
NoteOpt = Annotated[str | None, typer.Option("--note", help="A note kept with the event.")]


def _open(book: str | None, *, create: bool = False) -> Book:
    from hedgekit.book._store import open_book

    return open_book(book, create=create)


def _day(text: str | None) -> dt.date:
    return parse_date(text, "--date") or today()


def booked_document(booked: list[Event], asked: int) -> dict[str, Any]:
    """The ``book fill --json`` (and import, deposit, ...) document's data; the web API's too."""
    return {"booked": [e.to_dict() for e in booked], "already_booked": asked - len(booked)}


def _report_booked(kind: str, booked: list[Event], asked: int, json_: bool) -> None:
    skipped = asked - len(booked)
    if json_:
        out.emit_json(kind, booked_document(booked, asked))
        return
    if booked:
        ids = ", ".join(str(e.id) for e in booked[:10]) + (" ..." if len(booked) > 10 else "")
        typer.echo(f"booked {len(booked)} event(s): {ids}")
    if skipped:
        typer.echo(f"{skipped} already in the book (not booked again)")


@book_app.command("init")
def init_cmd(
    book: BookOpt = None,
    hedge: Annotated[
        float | None,
        typer.Option(
            "--hedge", help="Target hedge ratio, 0 to 1 (default 1 unless --target-beta)."
        ),
    ] = None,
    target_beta: Annotated[
        float | None, typer.Option("--target-beta", help="Target portfolio beta.")
    ] = None,
    contract: Annotated[str, typer.Option("--contract", help="Hedge contract root.")] = "ES",
    no_micro: Annotated[bool, typer.Option("--no-micro", help="No Micro top-up.")] = False,
    net_worth: Annotated[
        float | None, typer.Option("--net-worth", help="Net worth (USD), for the margin limit.")
    ] = None,
    cash_buffer_multiple: Annotated[
        float, typer.Option("--cash-buffer-multiple", help="Cash kept, × initial margin.")
    ] = 1.5,
    value_trigger: Annotated[
        float,
        typer.Option(
            "--value-trigger", help="Rebalance when the portfolio value moves this share."
        ),
    ] = 0.10,
    beta_trigger: Annotated[
        float, typer.Option("--beta-trigger", help="Rebalance when the beta moves this much.")
    ] = 0.10,
    review_months: Annotated[
        int, typer.Option("--review-months", help="Months between reviews.")
    ] = 3,
    max_hedge_ratio: Annotated[
        float,
        typer.Option("--max-hedge-ratio", help="Hedge at most this share of the beta exposure."),
    ] = 1.0,
    max_margin_share: Annotated[
        float, typer.Option("--max-margin-share", help="Margin at most this share of net worth.")
    ] = 0.05,
    daily_loss_limit: Annotated[
        float | None, typer.Option("--daily-loss-limit", help="Daily futures loss limit (USD).")
    ] = None,
    quarterly_cost_share: Annotated[
        float,
        typer.Option(
            "--quarterly-cost-share", help="Cost of hedging a quarter, at most this share."
        ),
    ] = 0.005,
    max_tracking_error: Annotated[
        float,
        typer.Option("--max-tracking-error", help="Tracking error a year, at most (0.03 = 3%)."),
    ] = 0.03,
    date: DateOpt = None,
    note: NoteOpt = None,
    json_: JsonFlag = False,
) -> None:
    """Create the book (if new) and book its policy (a later init books a new policy)."""
    from hedgekit.book import BookLimits, BookPolicy, BookTriggers
    from hedgekit.book._journal import policy_event

    policy = BookPolicy(
        hedge_ratio=hedge if hedge is not None or target_beta is not None else 1.0,
        target_beta=target_beta, contract=contract.upper(), use_micro=not no_micro,
        cash_buffer_multiple=cash_buffer_multiple, net_worth_usd=net_worth,
        triggers=_named(BookTriggers, value_change=("--value-trigger", value_trigger),
                        beta_change=("--beta-trigger", beta_trigger),
                        review_months=("--review-months", review_months)),
        limits=_named(BookLimits, max_hedge_ratio=("--max-hedge-ratio", max_hedge_ratio),
                      max_margin_share_of_net_worth=("--max-margin-share", max_margin_share),
                      daily_futures_loss_usd=("--daily-loss-limit", daily_loss_limit),
                      quarterly_cost_share=("--quarterly-cost-share", quarterly_cost_share),
                      max_tracking_error_annual=("--max-tracking-error", max_tracking_error)),
    )  # fmt: skip
    event = policy_event(policy, _day(date), note=note)
    with _open(book, create=True) as b:
        booked = b.append([event])
        where = b.url
    if not json_:
        typer.echo(f"book: {where}")
    _report_booked("book.init", booked, 1, json_)


def _named(cls: Any, **fields: tuple[str, Any]) -> Any:
    """``cls(**values)`` with an error naming the CLI flag instead of the field."""
    try:
        return cls(**{k: v for k, (_, v) in fields.items()})
    except InputError as exc:
        for flag_value in fields.items():
            name, (flag, _) = flag_value
            if exc.source == name:
                exc.source = flag
        raise


@book_app.command("import")
def import_cmd(
    file: Annotated[
        str,
        typer.Argument(
            help="A holdings CSV, a futures fills CSV, or an IBKR Flex statement (.xml).",
            metavar="FILE",
        ),
    ],
    book: BookOpt = None,
    date: Annotated[
        str | None,
        typer.Option("--date", help="Date of a holdings snapshot (YYYY-MM-DD); default today."),
    ] = None,
    beta: Annotated[
        float | None,
        typer.Option("--beta", help="The portfolio's beta at the snapshot (for the triggers)."),
    ] = None,
    json_: JsonFlag = False,
) -> None:
    """Import a holdings snapshot, futures fills, or an IBKR Flex statement (.xml)."""
    from hedgekit.book._journal import file_kind, holdings_event, read_fills_csv

    if file.lower().endswith(".xml"):
        from hedgekit.book._flex import parse_flex
        from hedgekit.book._views import flex_events

        statement = parse_flex(Path(file), source=file)
        with _open(book) as b:
            events = flex_events(statement, b.events(), file)
            booked = b.append(events)
        _report_booked("book.import.flex", booked, len(events), json_)
        if not json_:
            for note in statement.notes:
                typer.echo(f"note: {note}")
        return
    kind = file_kind(file)
    events = [holdings_event(file, _day(date), beta=beta)] if kind == "holdings" else \
        read_fills_csv(file)  # fmt: skip
    with _open(book) as b:
        booked = b.append(events)
    _report_booked(f"book.import.{kind}", booked, len(events), json_)


@book_app.command("fill")
def fill_cmd(
    contract: Annotated[
        str, typer.Argument(help="Contract code, e.g. ESZ2024.", metavar="CONTRACT")
    ],
    quantity: Annotated[int, typer.Option("--quantity", "-q", help="Contracts, negative = sold.")],
    price: Annotated[float, typer.Option("--price", help="Fill price (index points).")],
    fees: Annotated[float, typer.Option("--fees", help="Fees and commissions (USD).")] = 0.0,
    book: BookOpt = None,
    date: DateOpt = None,
    note: NoteOpt = None,
    json_: JsonFlag = False,
) -> None:
    """Book a futures fill."""
    booked = book_fill(contract, quantity, price, fees, book=book, date=date, note=note)
    _report_booked("book.fill", booked, 1, json_)


def book_fill(
    contract: str,
    quantity: int,
    price: float,
    fees: float = 0.0,
    *,
    book: str | None = None,
    date: str | None = None,
    note: str | None = None,
) -> list[Event]:
    """Book one futures fill (``book fill`` and the web API); the events booked."""
    from hedgekit.book._journal import fill_event

    event = fill_event(_day(date), contract, quantity, price, fees, note=note)
    with _open(book) as b:
        return b.append([event])


def _cash(amount: float, sign: float, name: str, book: str | None, date: str | None,
          note: str | None, json_: bool) -> None:  # fmt: skip
    from hedgekit.book._journal import cash_event

    if amount <= 0:
        raise InputError("must be above zero", source="AMOUNT", value=amount,
                         expected="an amount in USD above zero")  # fmt: skip
    event = cash_event(_day(date), sign * amount, source=f"book {name}", note=note)
    with _open(book) as b:
        booked = b.append([event])
    _report_booked(f"book.{name}", booked, 1, json_)


Amount = Annotated[float, typer.Argument(help="Amount in USD.", metavar="USD")]


@book_app.command("deposit")
def deposit_cmd(amount: Amount, book: BookOpt = None, date: DateOpt = None,
                note: NoteOpt = None, json_: JsonFlag = False) -> None:  # fmt: skip
    """Book cash paid into the futures account."""
    _cash(amount, 1.0, "deposit", book, date, note, json_)


@book_app.command("withdraw")
def withdraw_cmd(amount: Amount, book: BookOpt = None, date: DateOpt = None,
                 note: NoteOpt = None, json_: JsonFlag = False) -> None:  # fmt: skip
    """Book cash taken out of the futures account."""
    _cash(amount, -1.0, "withdraw", book, date, note, json_)


def _prices(items: list[str]) -> dict[str, float]:
    got: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        try:
            if not sep:
                raise ValueError
            got[name.strip().upper()] = float(value)
        except ValueError:
            raise InputError("not CONTRACT=PRICE", source="--price", value=item,
                             expected="e.g. --price ESZ2024=4810.25") from None  # fmt: skip
    return got


def market_price(contract: str, day: dt.date) -> tuple[float, str]:
    r"""The bundled quote of ``contract`` on ``day``, else its carry fair value.

    Bundled: :func:`hedgekit.snapshot.bundled_quotes` (a CME settlement or a front-month
    close of that very contract). Fair value: :math:`S e^{(r-q)\tau}` with the index close,
    rate and dividend yield of :func:`hedgekit.snapshot.resolve_market` and :math:`\tau`
    the years of 365 days to the contract's last trading day (Hull 11e §5.4).
    """
    import math

    import numpy as np
    import pandas as pd

    from hedgekit.calendar import ContractCode, last_trading_day
    from hedgekit.contracts import get_contract
    from hedgekit.snapshot import bundled_quotes, resolve_market

    spec = get_contract(ContractCode.parse(contract).root)
    prices, sources = bundled_quotes(spec.index, pd.DatetimeIndex([pd.Timestamp(day)]),
                                     np.array([contract], dtype=object))  # fmt: skip
    if np.isfinite(prices[0]):
        return float(prices[0]), str(sources[0])
    m = resolve_market(spec, day)
    tau = max((last_trading_day(contract).date() - day).days, 0) / 365.0
    fair = m.index_level.value * math.exp((m.rate.value - m.dividend_yield.value) * tau)
    return float(fair), "fair value"


@book_app.command("mark")
def mark_cmd(
    book: BookOpt = None,
    date: DateOpt = None,
    price: Annotated[
        list[str] | None,
        typer.Option(
            "--price",
            metavar="CONTRACT=PRICE",
            help="CONTRACT=PRICE (repeatable); other contracts held are marked from "
            "the bundled quotes, else at fair value.",
        ),
    ] = None,
    prices_file: Annotated[
        str | None,
        typer.Option(
            "--prices",
            metavar="FILE",
            help="A CSV of settlements (date,contract,price): book those marks, any dates.",
        ),
    ] = None,
    json_: JsonFlag = False,
) -> None:
    """Mark every contract held or traded that day (and any --price) at its settlement."""
    from hedgekit.book._journal import derive_state, mark_event, read_marks_csv

    if prices_file is not None:
        if price or date is not None:
            raise InputError("a marks file carries its own dates and prices", source="--prices",
                             value=prices_file, expected="--prices FILE alone")  # fmt: skip
        from_file = read_marks_csv(prices_file)
        with _open(book) as b:
            _refuse_remark(b.events(), from_file)
            booked = b.append(from_file)
        _report_booked("book.mark", booked, len(from_file), json_)
        return
    day = _day(date)
    given = _prices(price or [])
    with _open(book) as b:
        events = b.events()
        state = derive_state(events, day)
        # the contracts held at this close, and those traded today (a roll's closed leg is
        # settled at today's price too: its P&L is its fill against that settlement)
        traded = {f.contract for f in state.fills if f.day == day}
        wanted = sorted(set(state.positions) | traded | set(given))
        if not wanted:
            raise InputError(
                "nothing to mark: no contract held on this date", source="--date",
                value=day.isoformat(), expected="a date with futures held, or --price C=PRICE",
            )  # fmt: skip
        marks = []
        for c in wanted:
            p, origin = (given[c], "user") if c in given else market_price(c, day)
            marks.append(mark_event(day, c, p, origin))
        _refuse_remark(events, marks)
        booked = b.append(marks)
    _report_booked("book.mark", booked, len(marks), json_)


def _live(events: list[Event]) -> list[Event]:
    from hedgekit.book._journal import live_events

    return live_events(events)


def _refuse_remark(events: list[Event], marks: list[Any]) -> None:
    """A contract already marked that day at another price: undo that mark first."""
    live = {(e.payload["contract"], e.effective_date): e for e in _live(events)
            if e.kind == "mark"}  # fmt: skip
    for m in marks:
        old = live.get((m.payload["contract"], m.effective_date))
        if old is not None and old.key != m.key:
            raise InputError(
                f"{m.payload['contract']} is already marked on {m.effective_date} at "
                f"{old.payload['price']:g} (event {old.id})", source="--price",
                value=m.payload["price"], expected=f"hedgekit book undo {old.id} first",
            )  # fmt: skip


@book_app.command("undo")
def undo_cmd(
    event_id: Annotated[int, typer.Argument(help="Id of the event to undo.", metavar="EVENT_ID")],
    book: BookOpt = None,
    note: NoteOpt = None,
    json_: JsonFlag = False,
) -> None:
    """Undo an event by a reversing entry (nothing is deleted)."""
    from hedgekit.book._journal import reversal_event

    with _open(book) as b:
        events = b.events()
        target = next((e for e in events if e.id == event_id), None)
        if target is None:
            raise InputError("no such event", source="EVENT_ID", value=event_id,
                             expected="an id listed by hedgekit book export")  # fmt: skip
        booked = b.append([reversal_event(target, events, note=note)])
    _report_booked("book.undo", booked, 1, json_)


@book_app.command("export")
def export_cmd(
    output: Annotated[str, typer.Option("--output", "-o", help="File to write: .jsonl or .csv.")],
    book: BookOpt = None,
    force: ForceFlag = False,
    json_: JsonFlag = False,
) -> None:
    """Write the whole journal to JSON Lines (restorable) or CSV."""
    from hedgekit._io import atomic_write_text
    from hedgekit.book._export import events_to_csv, events_to_jsonl

    path = check_output_path(output, "--output", (".jsonl", ".csv"), force=force)
    assert path is not None
    with _open(book) as b:
        events = b.events()
    text = events_to_jsonl(events) if path.suffix.lower() == ".jsonl" else events_to_csv(events)
    atomic_write_text(path, text)
    if json_:
        out.emit_json("book.export", {"file": str(path), "events": len(events)})
    else:
        typer.echo(f"wrote {len(events)} events to {path}")


@book_app.command("restore")
def restore_cmd(
    file: Annotated[
        str, typer.Argument(help="A JSON Lines export (hedgekit book export).", metavar="FILE")
    ],
    book: BookOpt = None,
    json_: JsonFlag = False,
) -> None:
    """Restore an export into a new, empty book (same events, same ids)."""
    from hedgekit.book._export import read_jsonl

    events = read_jsonl(file)
    with _open(book, create=True) as b:
        n = b.restore(events)
    if json_:
        out.emit_json("book.restore", {"events": n})
    else:
        typer.echo(f"restored {n} events")


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def state_dict(state: BookState) -> dict[str, Any]:
    """The state as JSON-safe data (``book show --json``)."""
    return {
        "as_of": state.as_of.isoformat(),
        "policy": state.policy.to_dict(),
        "holdings_as_of": _iso(state.holdings_as_of),
        "holdings": [{"ticker": h.ticker, "shares": h.shares,
                      "market_value_usd": h.market_value_usd} for h in state.holdings],
        "positions": dict(state.positions),
        "average_price": dict(state.average_price),
        "cash_usd": state.cash_usd,
        "deposits_usd": state.deposits_usd,
        "fees_usd": state.fees_usd,
        "variation_margin_usd": state.variation_margin_usd,
        "last_marks": {c: {"date": m.day.isoformat(), "price": m.price, "source": m.source}
                       for c, m in state.last_marks.items()},
        "n_fills": len(state.fills),
        "rebalanced_on": _iso(state.rebalanced_on),
        "rebalance_value_usd": state.rebalance_value_usd,
        "rebalance_beta": state.rebalance_beta,
        "notes": list(state.notes),
    }  # fmt: skip


@book_app.command("show")
def show_cmd(
    book: BookOpt = None,
    date: Annotated[
        str | None,
        typer.Option("--date", help="State as of this date (YYYY-MM-DD); default today."),
    ] = None,
    json_: JsonFlag = False,
) -> None:
    """Print the book's state: positions, cash, last marks."""
    from hedgekit.book._journal import derive_state

    with _open(book) as b:
        state = derive_state(b.events(), _day(date))
    data = state_dict(state)
    if json_:
        out.emit_json("book.show", data)
        return
    con = out.console()
    rows = [[c, str(q), out.num(state.average_price[c]),
             *(_mark_cells(state, c))] for c, q in state.positions.items()]  # fmt: skip
    cols = ["contract", "quantity", "avg price", "last mark", "marked on"]
    con.print(out.table(f"Positions on {state.as_of}", cols, rows))
    con.print(f"cash {out.usd(state.cash_usd, 2)} = deposits {out.usd(state.deposits_usd, 2)} "
              f"− fees {out.usd(state.fees_usd, 2)} + variation margin "
              f"{out.usd(state.variation_margin_usd, 2)}", highlight=False)  # fmt: skip
    for n in state.notes:
        con.print(f"note: {n}", highlight=False)


ValueOpt = Annotated[
    float | None,
    typer.Option("--value-usd", help="Portfolio value today (default: the book's holdings)."),
]
BetaOpt = Annotated[
    float | None,
    typer.Option(
        "--beta", help="Portfolio beta today (default: the one booked with the holdings)."
    ),
]


def _history(b: Book, day: dt.date) -> Any:
    from hedgekit.book._history import book_history
    from hedgekit.book._views import history_inputs, tbill_rate

    fills, marks, cash, points = history_inputs(b.events(), day)
    return book_history(fills, marks, cash, points, rate_annual=tbill_rate)


@book_app.command("status")
def status_cmd(
    book: BookOpt = None,
    date: Annotated[
        str | None, typer.Option("--date", help="Report for this date (YYYY-MM-DD); default today.")
    ] = None,
    value_usd: ValueOpt = None,
    beta: BetaOpt = None,
    json_: JsonFlag = False,
) -> None:
    """Today's action report: position, hedge ratio, margin, roll, triggers and limits.

    Exit status 0 when nothing is due, 1 when an action is due (for cron), 2 bad input.
    """
    report, value, b_now, where = status_report(book, date, value_usd, beta)
    if json_:
        out.emit_json("book.status", status_document(report, where))
    else:
        con = out.console()
        con.print(f"Portfolio {out.usd(value)} (beta {b_now:.2f}; from {where})", highlight=False)
        for line in report.sentences():
            con.print(line, highlight=False, markup=False)
    if report.actions_due:
        raise typer.Exit(1)


def status_report(
    book: str | None, date: str | None, value_usd: float | None, beta: float | None
) -> tuple[Any, float, float, str]:
    """``book status``'s action report, the portfolio value and beta, and where they came from."""
    from hedgekit.book._journal import derive_state
    from hedgekit.book._status import action_report
    from hedgekit.book._views import portfolio_today

    day = _day(date)
    with _open(book) as b:
        state = derive_state(b.events(), day)
        history = _history(b, day)
    value, b_now, where = portfolio_today(state, value_usd, beta)
    rows = [r for r in history.rows if r.day == day]
    report = action_report(
        state,
        value_usd=value,
        beta=b_now,
        day_futures_pnl_usd=rows[-1].futures_pnl_usd if rows else None,
        quarter_cost_usd=history.quarter_cost_usd(day) if history.rows else None,
        tracking_error_annual=history.tracking_error_annual,
    )
    return report, value, b_now, where


def status_document(report: Any, where: str) -> dict[str, Any]:
    """The ``book status --json`` document's data (the web API's ``/api/book/status``)."""
    data: dict[str, Any] = report.to_dict()
    data["portfolio_source"] = where
    return data


@book_app.command("history")
def history_cmd(
    book: BookOpt = None,
    date: Annotated[
        str | None, typer.Option("--date", help="History up to this date; default today.")
    ] = None,
    json_: JsonFlag = False,
) -> None:
    """P&L since inception by source: stocks, futures marks, rolls, fees, margin interest."""
    day = _day(date)
    with _open(book) as b:
        history = _history(b, day)
    if json_:
        out.emit_json("book.history", history.to_dict())
        return
    con = out.console()
    rows = [
        ["stocks", out.usd(history.stocks_usd, 2)],
        ["futures marks", out.usd(history.futures_marks_usd, 2)],
        ["rolls", out.usd(history.rolls_usd, 2)],
        ["fees", out.usd(history.fees_usd, 2)],
        ["margin interest", out.usd(history.margin_interest_usd, 2)],
        ["dividends", out.usd(history.dividends_usd, 2)],
        ["hedged P&L", out.usd(history.hedged_pnl_usd, 2)],
        ["unhedged P&L", out.usd(history.unhedged_pnl_usd, 2)],
        ["cost of hedging so far", out.usd(history.cost_usd, 2)],
    ]
    con.print(out.table(f"Since inception, to {day}", ["", "USD"], rows))
    te = history.tracking_error_annual
    he = history.hedge_effectiveness
    con.print(
        "tracking error " + ("n/a (fewer than 20 daily returns)" if te is None else f"{te:.2%}")
        + " a year; hedge effectiveness "
        + ("n/a" if he is None else f"{he:.1%} (1 - hedged variance / unhedged variance)"),
        highlight=False,
    )  # fmt: skip


def _positions_text(positions: dict[str, int] | Any) -> str:
    return ", ".join(f"{q:+d} {c}" for c, q in positions.items()) or "none"


@book_app.command("replay-policy")
def replay_policy_cmd(
    book: BookOpt = None,
    from_: Annotated[
        str | None,
        typer.Option("--from", help="First date (YYYY-MM-DD); default the book's first event."),
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="Last date (YYYY-MM-DD); default the last mark.")
    ] = None,
    json_: JsonFlag = False,
) -> None:
    """Run the book's own policy through the backtest engine; show where the book deviated."""
    from hedgekit.book._replay import replay_policy

    start = parse_date(from_, "--from")
    end = parse_date(to, "--to")
    with _open(book) as b:
        events = b.events()
    replay = replay_policy(events, start, end)
    if json_:
        out.emit_json("book.replay_policy", replay.to_dict())
        return
    con = out.console()
    rows = [[d.first.isoformat(), d.last.isoformat(), str(d.sessions),
             _positions_text(d.policy), _positions_text(d.book), d.kind]
            for d in replay.deviations]  # fmt: skip
    cols = ["from", "to", "sessions", "policy", "book", "differs in"]
    title = (
        f"Where the book deviated from its policy (hedge {replay.hedge_ratio:.0%} of "
        f"{out.usd(replay.portfolio_value_usd)} at beta {replay.portfolio_beta:g})"
    )
    if rows:
        con.print(out.table(title, cols, rows))
    con.print(replay.sentence(), highlight=False, markup=False)
    for n in replay.notes:
        con.print(f"note: {n}", highlight=False, markup=False)


def _mark_cells(state: BookState, contract: str) -> list[str]:
    m = state.last_marks.get(contract)
    return ["—", "—"] if m is None else [out.num(m.price), m.day.isoformat()]


__all__ = ["book_app", "market_price", "state_dict"]


@book_app.command("report")
def report_cmd(
    output: Annotated[
        str, typer.Option("--output", "-o", help="The HTML file to write.", metavar="FILE.html")
    ],
    book: BookOpt = None,
    date: Annotated[
        str | None, typer.Option("--date", help="Report up to this date; default today.")
    ] = None,
    value_usd: ValueOpt = None,
    beta: BetaOpt = None,
    force: ForceFlag = False,
    json_: JsonFlag = False,
) -> None:
    """An HTML report: P&L by source, hedge ratio against target, margin, today's actions."""
    from hedgekit.book._journal import derive_state
    from hedgekit.book._status import action_report
    from hedgekit.book._timeline import book_timeline, policies_in_force
    from hedgekit.book._views import history_inputs, portfolio_today
    from hedgekit.report._book import (
        book_charts,
        policy_settings,
        render_book_report,
        write_book_report,
    )

    path = check_output_path(
        output, "--output", (".html", ".htm"), force=force,
        message="the report is an HTML file", expected="FILE.html",
    )  # fmt: skip
    assert path is not None
    day = _day(date)
    with _open(book, create=False) as b:
        events = b.events()
        where = b.url
        history = _history(b, day)
    state = derive_state(events, day)
    _, marks, _, points = history_inputs(events, day)
    frame = book_timeline(history, marks, points, policies_in_force(events, day))
    sentences: tuple[str, ...] = ()
    notes: list[str] = []
    try:
        value, b_now, origin = portfolio_today(state, value_usd, beta)
    except InputError as exc:
        if value_usd is not None or beta is not None:
            raise
        notes.append(f"No action report: {exc.message} (give --value-usd and --beta, or "
                     "import holdings with --beta).")  # fmt: skip
    else:
        rows = [r for r in history.rows if r.day == day]
        report = action_report(
            state, value_usd=value, beta=b_now,
            day_futures_pnl_usd=rows[-1].futures_pnl_usd if rows else None,
            quarter_cost_usd=history.quarter_cost_usd(day) if history.rows else None,
            tracking_error_annual=history.tracking_error_annual,
        )  # fmt: skip
        sentences = (f"Portfolio ${value:,.2f}, beta {b_now:.2f} (from {origin}).",
                     *report.sentences())  # fmt: skip
    settings = [("Book", where), ("Date", day.isoformat()), *policy_settings(state.policy)]
    charts = book_charts(frame)
    text = render_book_report(
        title=f"Hedge book on {day.isoformat()}", frame=frame, history=history,
        sentences=sentences, settings=settings, charts=charts, notes=[*notes, *state.notes],
    )  # fmt: skip
    write_book_report(path, text)
    if json_:
        out.emit_json("book.report", {"file": str(path), "days": len(frame),
                                      "charts": [c.name for c in charts]})  # fmt: skip
    else:
        typer.echo(f"wrote {path} ({len(frame)} marked days, {len(charts)} charts)")
