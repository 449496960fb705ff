"""The ``hedgekit`` command: typer application and the error boundary."""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer

from hedgekit.cli import _output as out
from hedgekit.cli._app import (
    ForceFlag,
    JsonFlag,
    all_commands,
    app,
    calendar_date,
    calendar_last,
    check_output_path,
    choice,
    parse_date,
    parse_moves,
    today,
)
from hedgekit.cli._plan_options import (
    AllowNetShort,
    AsOf,
    Beta,
    Commission,
    Contract,
    ContractsFile,
    DividendYield,
    FuturesPrice,
    Hedge,
    Holdings,
    IndexLevel,
    LegsText,
    NetShortTolerance,
    NoMicro,
    PositionFile,
    Prices,
    Rate,
    Rounding,
    SlippageTicks,
    TargetBeta,
    ValueUsd,
    load_inputs,
    position_from_options,
    with_position_portfolio,
)
from hedgekit.errors import HedgekitError, InputError
from hedgekit.sizing import DEFAULT_NET_SHORT_TOLERANCE


@app.command("contracts")
def contracts_cmd(
    json_: JsonFlag = False,
    contracts_file: Annotated[
        str | None,
        typer.Option("--contracts-file", help="TOML file of user contracts to add or override."),
    ] = None,
) -> None:
    """List the futures contracts hedgekit knows: size, tick, months and typical margin."""
    from hedgekit.cli._commands import contracts_data, render_contracts

    data = contracts_data(contracts_file, as_of=today())
    if json_:
        out.emit_json("contracts", data)
    else:
        render_contracts(data)


@app.command("calendar")
def calendar_cmd(
    root: Annotated[str, typer.Argument(help="Contract root, e.g. ES, MES, NQ.")],
    from_: Annotated[
        str | None, typer.Option("--from", help="First date (YYYY-MM-DD); default today.")
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="Last date (YYYY-MM-DD); default one year on.")
    ] = None,
    roll: Annotated[
        str,
        typer.Option(
            "--roll",
            help="Roll rule: 'cme' (8 calendar days before the third Friday) "
            "or 'sessions:N' (N sessions before the last trading day).",
        ),
    ] = "cme",
    contracts_file: Annotated[
        str | None, typer.Option("--contracts-file", help="TOML file of user contracts.")
    ] = None,
    json_: JsonFlag = False,
) -> None:
    """Expiries (last trading days) and roll dates of a contract over a date range."""
    from hedgekit.cli._commands import calendar_data, render_calendar

    start = calendar_date(from_, "--from", today())
    ahead = min(start + dt.timedelta(days=365), calendar_last())
    end = calendar_date(to, "--to", ahead)
    data = calendar_data(root, start.isoformat(), end.isoformat(), roll, contracts_file)
    if json_:
        out.emit_json("calendar", data)
    else:
        render_calendar(root, data)


@app.command("tour")
def tour_cmd(
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="DATE", help="Date for 'next' expiries; default today."),
    ] = None,
    json_: JsonFlag = False,
) -> None:
    """A first look: contracts, the next expiries and rolls, and the bundled data."""
    from hedgekit.cli._commands import (
        calendar_data,
        contracts_data,
        datasets_data,
        render_calendar,
        render_contracts,
        render_datasets,
    )

    day = calendar_date(as_of, "--as-of", today())
    end = min(day + dt.timedelta(days=200), calendar_last()).isoformat()
    contracts = contracts_data(None, as_of=day)
    calendar = calendar_data("ES", day.isoformat(), end, "cme", None)
    datasets = datasets_data()
    if json_:
        out.emit_json(
            "tour",
            {
                "as_of": day.isoformat(),
                "contracts": contracts,
                "calendar": {"root": "ES", "rows": calendar},
                "datasets": datasets,
            },
        )
        return
    render_contracts(contracts)
    render_calendar("ES", calendar)
    render_datasets(datasets)


@app.command("plan")
def plan_cmd(
    holdings: Holdings = None,
    prices: Prices = None,
    value_usd: ValueUsd = None,
    beta: Beta = None,
    as_of: AsOf = None,
    hedge: Hedge = None,
    target_beta: TargetBeta = None,
    contract: Contract = "auto",
    window: Annotated[int, typer.Option("--window", help="Returns in the beta window.")] = 252,
    frequency: Annotated[str, typer.Option("--frequency", help="daily | weekly.")] = "daily",
    beta_method: Annotated[
        str, typer.Option("--beta-method", help="ols | blume | vasicek | holdings.")
    ] = "ols",
    price_basis: Annotated[
        str, typer.Option("--price-basis", help="Denominator: futures | index.")
    ] = "futures",
    rounding: Rounding = "nearest",
    no_micro: NoMicro = False,
    allow_net_short: AllowNetShort = False,
    net_short_tolerance: NetShortTolerance = DEFAULT_NET_SHORT_TOLERANCE,
    tail: Annotated[bool, typer.Option("--tail", help="Tail the hedge (× e^(-rT)).")] = False,
    index_level: IndexLevel = None,
    futures_price: FuturesPrice = None,
    rate: Rate = None,
    dividend_yield: DividendYield = None,
    horizon_days: Annotated[
        int, typer.Option("--horizon-days", help="Scenario horizon, calendar days.")
    ] = 91,
    moves: Annotated[
        str | None, typer.Option("--moves", help="Index moves in %, e.g. -30,-20,-10,0,10,20.")
    ] = None,
    commission: Commission = 2.5,
    slippage_ticks: SlippageTicks = 1.0,
    net_worth: Annotated[float | None, typer.Option("--net-worth", help="Net worth, USD.")] = None,
    cash_buffer: Annotated[
        float | None, typer.Option("--cash-buffer", help="Cash for margin, USD.")
    ] = None,
    contracts_file: ContractsFile = None,
    position: PositionFile = None,
    legs: LegsText = None,
    save_position: Annotated[
        str | None,
        typer.Option(
            "--save-position",
            metavar="FILE",
            help="Save the recommended position (JSON) for cost, compare, backtest, stress "
            "and sweep --position.",
        ),
    ] = None,
    force: ForceFlag = False,
    json_: JsonFlag = False,
    ratio_model: Annotated[
        str | None,
        typer.Option(
            "--ratio-model",
            help="Also show the current rolling | ewma | dcc hedge ratio and whether it would "
            "have hedged better after costs on this portfolio's history.",
        ),
    ] = None,
) -> None:
    """Plan a hedge: beta, best contract, how many contracts, margin, scenarios, warnings."""
    from hedgekit.cli._ratio_view import check_ratio_model

    model = check_ratio_model(ratio_model)
    save_path = check_output_path(save_position, "--save-position", (".json",), force=force)
    plan = build_plan(
        holdings=holdings, prices=prices, value_usd=value_usd, beta=beta, as_of=as_of,
        hedge=hedge, target_beta=target_beta, contract=contract, window=window,
        frequency=frequency, beta_method=beta_method, price_basis=price_basis,
        rounding=rounding, no_micro=no_micro, allow_net_short=allow_net_short,
        net_short_tolerance=net_short_tolerance, tail=tail, index_level=index_level,
        futures_price=futures_price, rate=rate, dividend_yield=dividend_yield,
        horizon_days=horizon_days, moves=moves, commission=commission,
        slippage_ticks=slippage_ticks, net_worth=net_worth, cash_buffer=cash_buffer,
        contracts_file=contracts_file, position=position, legs=legs,
    )  # fmt: skip
    if save_path is not None:
        saved = plan.saved_position()
        saved.save(save_path, overwrite=force)
    section = None
    if model is not None:
        from hedgekit.cli._ratio_view import ratio_model_section

        held, px, _ = load_inputs(holdings, prices, contracts_file)
        section = ratio_model_section(plan, model, held, px)
    if json_:
        data = plan_document(plan)
        if section is not None:
            data["ratio_model"] = section
        out.emit_json("plan", data)
    else:
        from hedgekit.cli._plan_view import render_plan

        render_plan(plan, out.console())
        if section is not None:
            from hedgekit.cli._ratio_view import render_ratio_model

            render_ratio_model(section, out.console())


def build_plan(
    *,
    holdings: str | None = None,
    prices: str | None = None,
    value_usd: float | None = None,
    beta: float | None = None,
    as_of: str | None = None,
    hedge: float | None = None,
    target_beta: float | None = None,
    contract: str = "auto",
    window: int = 252,
    frequency: str = "daily",
    beta_method: str = "ols",
    price_basis: str = "futures",
    rounding: str = "nearest",
    no_micro: bool = False,
    allow_net_short: bool = False,
    net_short_tolerance: float = DEFAULT_NET_SHORT_TOLERANCE,
    tail: bool = False,
    index_level: float | None = None,
    futures_price: float | None = None,
    rate: float | None = None,
    dividend_yield: float | None = None,
    horizon_days: int = 91,
    moves: str | None = None,
    commission: float = 2.5,
    slippage_ticks: float = 1.0,
    net_worth: float | None = None,
    cash_buffer: float | None = None,
    contracts_file: str | None = None,
    position: str | None = None,
    legs: str | None = None,
) -> Any:
    """The plan for the ``plan`` command's options (named as the command's parameters).

    One reading of the options for every way in: the command prints
    :func:`plan_document` of it with ``--json``, and the web API returns the same document.
    """
    from hedgekit.plan import PlanRequest, make_plan

    kwargs: dict[str, Any] = {}
    parsed_moves = parse_moves(moves)
    if parsed_moves is not None:
        kwargs["moves"] = parsed_moves
    request = PlanRequest(
        hedge=hedge,
        target_beta=target_beta,
        contract=contract,
        as_of=parse_date(as_of, "--as-of"),
        value_usd=value_usd,
        beta=beta,
        window=window,
        frequency=choice(frequency, "frequency", ("daily", "weekly")),  # type: ignore[arg-type]
        beta_method=choice(  # type: ignore[arg-type]
            beta_method, "beta-method", ("ols", "blume", "vasicek", "holdings")
        ),
        price_basis=choice(price_basis, "price-basis", ("futures", "index")),  # type: ignore[arg-type]
        rounding=choice(rounding, "rounding", ("nearest", "down", "up")),  # type: ignore[arg-type]
        use_micro=not no_micro,
        allow_net_short=allow_net_short,
        net_short_tolerance=net_short_tolerance,
        tail=tail,
        index_level=index_level,
        futures_price=futures_price,
        rate_annual=rate,
        dividend_yield=dividend_yield,
        horizon_days=horizon_days,
        commission_usd=commission,
        slippage_ticks=slippage_ticks,
        net_worth_usd=net_worth,
        cash_buffer_usd=cash_buffer,
        **kwargs,
    )
    held, px, registry = load_inputs(holdings, prices, contracts_file)
    given = position_from_options(position, legs, registry)
    request = with_position_portfolio(request, given, held)
    plan = make_plan(request, holdings=held, prices=px, registry=registry, position=given)
    return plan


def plan_document(plan: Any) -> dict[str, Any]:
    """The ``plan --json`` document's data (the web API's ``/api/plan`` answer)."""
    return dict(plan.to_dict())


# Command modules register themselves on `app` when imported (one line each).
from hedgekit.cli import _cmd_registry  # noqa: E402, F401
from hedgekit.cli._app import (  # noqa: E402
    apply_domains,
    apply_input_file_checks,
    apply_metavars,
)

apply_metavars(app)
apply_domains(app)
apply_input_file_checks(app)


class _CommandInterruptedError(Exception):
    """A Ctrl-C inside a command, carried past typer (which makes it a silent exit 130)."""

    def __init__(self, interrupt: KeyboardInterrupt) -> None:
        super().__init__("interrupted")
        self.interrupt = interrupt


def _catching_interrupts(callback: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(callback)
    def command(*args: Any, **kwargs: Any) -> Any:
        try:
            return callback(*args, **kwargs)
        except KeyboardInterrupt as exc:
            raise _CommandInterruptedError(exc) from None

    command.catches_interrupts = True  # type: ignore[attr-defined]
    return command


for _info in all_commands(app):
    if _info.callback is not None and not hasattr(_info.callback, "catches_interrupts"):
        _info.callback = _catching_interrupts(_info.callback)


def _report_error(exc: HedgekitError) -> None:
    from rich.markup import escape

    err = out.console(stderr=True)
    if isinstance(exc, InputError):
        from hedgekit.cli._flags import for_cli

        message, where, got, expected = for_cli(exc)
        err.print("[bold red]error:[/] " + escape(message), markup=True, highlight=False)
        # soft_wrap: a long path or value stays on its own labelled line, never wrapped
        # away from "where:" at the console width.
        if where:
            err.print(f"  where:    {where}", markup=False, soft_wrap=True)
        if got is not None:
            err.print(f"  got:      {got}", markup=False, soft_wrap=True)
        if expected is not None:
            err.print(f"  expected: {expected}", markup=False, soft_wrap=True)
    else:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", markup=True, highlight=False)


def _interrupted(exc: KeyboardInterrupt) -> int:
    """Ctrl-C: one line on stderr saying what was left, and the shell's status 130 (128+2)."""
    from hedgekit._io import Interrupted

    said = exc.message if isinstance(exc, Interrupted) else "nothing written"
    sys.stderr.write(f"interrupted: {said}\n")
    return 130


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit status (0 ok, 1 failure, 2 bad input, 130 Ctrl-C).

    Python warnings never reach the terminal: numpy's numeric ``RuntimeWarning`` lines
    (overflow, invalid value) say nothing a user can act on, and before an error block they
    only bury it. They are captured and dropped; hedgekit's own warnings are shown, one line
    each, when the command succeeds. Checks with messages are the way to report bad input.
    """
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        status = _run(argv)
    if status == 0:
        from hedgekit.errors import HedgekitWarning

        for w in caught:
            if issubclass(w.category, HedgekitWarning):
                sys.stderr.write(f"warning: {w.message}\n")
    return status


def _run(argv: list[str] | None) -> int:
    try:
        result: Any = app(args=argv, standalone_mode=False)
    except HedgekitError as exc:
        _report_error(exc)
        # 2 (bad input) unless the error says otherwise (the book's "busy, retry": 75)
        return int(getattr(exc, "exit_code", 2))
    except OSError as exc:
        # a path the system refuses (a name too long, a permission, a full disk): the user's
        # input, said as such, never a traceback
        name = exc.filename if exc.filename is not None else "a file"
        _report_error(
            InputError(
                f"the system refused the file: {exc.strerror or exc}",
                source=str(name),
                expected="a path that exists and can be read (or a folder that can be written)",
            )
        )
        return 2
    except _CommandInterruptedError as exc:
        return _interrupted(exc.interrupt)
    except KeyboardInterrupt as exc:
        return _interrupted(exc)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        return 1
    except typer.TyperException as exc:  # usage errors: unknown option, missing argument
        show = getattr(exc, "show", None)
        if callable(show):
            show(file=sys.stderr)
        else:
            sys.stderr.write(f"error: {exc}\n")
        return int(getattr(exc, "exit_code", 2))
    return int(result) if isinstance(result, int) else 0
