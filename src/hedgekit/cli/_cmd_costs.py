"""Commands ``cost``, ``puts`` and ``compare``: what a hedge costs, and the alternatives.

JSON schemas: docs/cli-json-costs.md.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hedgekit._domains import check
from hedgekit.cli import _output as out
from hedgekit.cli._app import JsonFlag, app, choice, parse_date
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
    HorizonOpt,
    IndexLevel,
    LegsText,
    MarginRate,
    MarginTbills,
    NetShortTolerance,
    NoMicro,
    OptionFee,
    OptionName,
    PositionFile,
    Prices,
    Rate,
    Rounding,
    Skew,
    SlippageTicks,
    TargetBeta,
    ValueUsd,
    Vol,
    make_plan_from_options,
)
from hedgekit.errors import InputError
from hedgekit.sizing import DEFAULT_NET_SHORT_TOLERANCE

if TYPE_CHECKING:
    from hedgekit.compare import Comparison
    from hedgekit.plan import HedgePlan
    from hedgekit.protection import ProtectionTable


def _plan_header(plan: HedgePlan) -> dict[str, Any]:
    return {
        "as_of": plan.as_of.isoformat(),
        "portfolio_value_usd": plan.portfolio_value_usd,
        "beta": plan.beta.beta,
        "contract": plan.contract.root,
        "hedge_ratio_target": plan.sizing.hedge_ratio_target,
        "market": plan.market.to_dict(),
    }


def cost_document(plan: HedgePlan, proj: Any) -> dict[str, Any]:
    """The ``cost --json`` document's data (the web API's ``/api/cost`` answer)."""
    return {"plan": _plan_header(plan), **proj.to_dict()}


def puts_document(plan: HedgePlan, table: ProtectionTable) -> dict[str, Any]:
    """The ``puts --json`` document's data (the web API's ``/api/puts`` answer)."""
    return {"plan": _plan_header(plan), **table.to_dict()}


def compare_document(plan: HedgePlan, cmp: Comparison) -> dict[str, Any]:
    """The ``compare --json`` document's data (the web API's ``/api/compare`` answer)."""
    return {"plan": _plan_header(plan), **cmp.to_dict()}


def _market_lines(plan: HedgePlan) -> list[str]:
    m = plan.market
    lines = [
        f"Portfolio {out.usd(plan.portfolio_value_usd)}, beta {plan.beta.beta:.2f} "
        f"({m.index}), plan date {plan.as_of}",
    ]
    for label, obs, text in (
        ("index", m.index_level, out.num(m.index_level.value)),
        ("rate", m.rate, out.pct(m.rate.value, 2)),
        ("dividend yield", m.dividend_yield, out.pct(m.dividend_yield.value, 2)),
    ):
        lines.append(f"  {label}: {text}  ({obs.source}, {obs.observed})")
    return lines


# --------------------------------------------------------------------------- cost


@app.command("cost")
def cost_cmd(
    horizon: HorizonOpt = "91d",
    quoted_spread: Annotated[
        str | None,
        typer.Option(
            "--quoted-spread",
            help="Quoted calendar spreads F_far - F_near in points, per roll in order (e.g. 48.5).",
        ),
    ] = None,
    margin_rate: MarginRate = None,
    margin_in_tbills: MarginTbills = False,
    holdings: Holdings = None,
    prices: Prices = None,
    value_usd: ValueUsd = None,
    beta: Beta = None,
    as_of: AsOf = None,
    hedge: Hedge = None,
    target_beta: TargetBeta = None,
    contract: Contract = "auto",
    rounding: Rounding = "nearest",
    no_micro: NoMicro = False,
    allow_net_short: AllowNetShort = False,
    net_short_tolerance: NetShortTolerance = DEFAULT_NET_SHORT_TOLERANCE,
    index_level: IndexLevel = None,
    futures_price: FuturesPrice = None,
    rate: Rate = None,
    dividend_yield: DividendYield = None,
    commission: Commission = 2.5,
    slippage_ticks: SlippageTicks = 1.0,
    contracts_file: ContractsFile = None,
    position: PositionFile = None,
    legs: LegsText = None,
    json_: JsonFlag = False,
) -> None:
    """What a futures hedge costs over a horizon: carry, rolls, trading, margin interest."""
    plan, proj = cost_result(
        horizon=horizon,
        quoted_spread=quoted_spread,
        margin_rate=margin_rate,
        margin_in_tbills=margin_in_tbills,
        holdings=holdings,
        prices=prices,
        value_usd=value_usd,
        beta=beta,
        as_of=as_of,
        hedge=hedge,
        target_beta=target_beta,
        contract=contract,
        rounding=rounding,
        no_micro=no_micro,
        allow_net_short=allow_net_short,
        net_short_tolerance=net_short_tolerance,
        index_level=index_level,
        futures_price=futures_price,
        rate=rate,
        dividend_yield=dividend_yield,
        commission=commission,
        slippage_ticks=slippage_ticks,
        contracts_file=contracts_file,
        position=position,
        legs=legs,
    )
    if json_:
        out.emit_json("cost", cost_document(plan, proj))
        return
    c = out.console()
    for line in _market_lines(plan):
        c.print(line, markup=False)
    legs = (
        ", ".join(f"{p.quantity:+d} {p.root}" for p in proj.positions if p.quantity)
        or "no contracts"
    )
    h = proj.horizon
    c.print(
        f"Hedge: {legs}; entry {out.num(proj.entry_futures_price)} "
        f"(fair {out.num(proj.entry_fair_value)}); horizon {h.start} to {h.end}, "
        f"{h.days} days ({h.kind}), {proj.n_rolls} {'roll' if proj.n_rolls == 1 else 'rolls'}",
        markup=False,
    )
    if proj.rolls:
        rows = [
            [
                r.date.isoformat(),
                f"{r.from_contract} -> {r.to_contract}",
                out.num(r.fair_spread_points),
                "" if r.quoted_spread_points is None else out.num(r.quoted_spread_points),
                out.usd(r.cost_usd),
                r.verdict or "",
            ]
            for r in proj.rolls
        ]
        c.print(
            out.table(
                "Rolls (spread F_far - F_near, points; cost + paid, - received)",
                ["date", "roll", "fair spread", "quoted", "cost", "verdict for this position"],
                rows,
            )
        )
    v = proj.portfolio_value_usd
    ledger = [[k, out.usd(x), out.pct(x / v, 3)] for k, x in proj.lines()]
    ledger.append(["total", out.usd(proj.total_usd), out.pct(proj.total_pct_of_portfolio, 3)])
    c.print(
        out.table(
            "Cost over the horizon (+ paid, - received)", ["item", "USD", "% of portfolio"], ledger
        )
    )
    c.print(
        f"Per year {out.usd(proj.per_year_usd)}, per day {out.usd(proj.per_day_usd, 2)}; "
        f"carry {out.usd(proj.carry_usd)} (at fair {out.usd(proj.carry_at_fair_usd)}), "
        f"frictions {out.usd(proj.frictions_usd)}",
        markup=False,
    )
    c.print(
        f"Priced into the futures: interest {out.usd(proj.interest_in_futures_usd)}, dividends "
        f"{out.usd(proj.dividends_in_futures_usd)}; dividends on the stocks "
        f"{out.usd(proj.dividends_on_stocks_usd)} (kept).",
        markup=False,
    )
    c.print(
        "Not a cost line: the expected equity return above the risk-free rate that the "
        "hedged part gives up.",
        markup=False,
    )
    for note in proj.notes:
        c.print(f"note: {note}", markup=False)


def cost_result(
    *,
    horizon: HorizonOpt = "91d",
    quoted_spread: Annotated[
        str | None,
        typer.Option(
            "--quoted-spread",
            help="Quoted calendar spreads F_far - F_near in points, per roll in order (e.g. 48.5).",
        ),
    ] = None,
    margin_rate: MarginRate = None,
    margin_in_tbills: MarginTbills = False,
    holdings: Holdings = None,
    prices: Prices = None,
    value_usd: ValueUsd = None,
    beta: Beta = None,
    as_of: AsOf = None,
    hedge: Hedge = None,
    target_beta: TargetBeta = None,
    contract: Contract = "auto",
    rounding: Rounding = "nearest",
    no_micro: NoMicro = False,
    allow_net_short: AllowNetShort = False,
    net_short_tolerance: NetShortTolerance = DEFAULT_NET_SHORT_TOLERANCE,
    index_level: IndexLevel = None,
    futures_price: FuturesPrice = None,
    rate: Rate = None,
    dividend_yield: DividendYield = None,
    commission: Commission = 2.5,
    slippage_ticks: SlippageTicks = 1.0,
    contracts_file: ContractsFile = None,
    position: PositionFile = None,
    legs: LegsText = None,
) -> tuple[HedgePlan, Any]:
    """The plan and cost projection for the ``cost`` command's options (CLI and web API)."""
    from hedgekit.costs import plan_costs

    quotes: list[float | None] = []
    if quoted_spread is not None:
        for part in quoted_spread.split(","):
            try:
                spread = float(part)
            except ValueError:
                raise InputError(
                    "not a number", source="--quoted-spread", value=part, expected="e.g. 48.5"
                ) from None
            quotes.append(check("--quoted-spread", spread))
    plan, registry, _, hz = make_plan_from_options(
        horizon=horizon,
        holdings=holdings,
        prices=prices,
        value_usd=value_usd,
        beta=beta,
        as_of=as_of,
        hedge=hedge,
        target_beta=target_beta,
        contract=contract,
        rounding=rounding,
        no_micro=no_micro,
        allow_net_short=allow_net_short,
        net_short_tolerance=net_short_tolerance,
        index_level=index_level,
        futures_price=futures_price,
        rate=rate,
        dividend_yield=dividend_yield,
        commission=commission,
        slippage_ticks=slippage_ticks,
        contracts_file=contracts_file,
        position=position,
        legs=legs,
    )
    proj = plan_costs(
        plan,
        hz,
        registry=registry,
        quoted_spreads=quotes,
        margin_rate_annual=margin_rate,
        margin_in_tbills=margin_in_tbills,
    )
    return plan, proj


# --------------------------------------------------------------------------- puts


@app.command("puts")
def puts_cmd(
    strikes: Annotated[
        str, typer.Option("--strikes", help="Put strikes: % of spot or levels, e.g. 100%,93%,87%.")
    ] = "100%,95%,90%",
    hedge_ratios: Annotated[
        str, typer.Option("--hedge-ratios", help="Shares of the beta exposure, % (100,80,50).")
    ] = "100,80,50",
    days: Annotated[int, typer.Option("--days", help="Option life, calendar days.")] = 91,
    horizon: Annotated[
        str | None,
        typer.Option("--horizon", help="Horizon for the rolling cost (like cost); default --days."),
    ] = None,
    structure: Annotated[
        str, typer.Option("--structure", help="put | collar | put-spread | all.")
    ] = "put",
    call_strike: Annotated[
        str | None,
        typer.Option("--call-strike", help="Collar call strike (% or level); default zero-cost."),
    ] = None,
    spread_width: Annotated[
        str,
        typer.Option(
            "--spread-width", help="Put spread: short put this far below (10%) or a level."
        ),
    ] = "10%",
    vol: Vol = None,
    skew: Skew = None,
    option: OptionName = "auto",
    option_multiplier: Annotated[
        float | None, typer.Option("--option-multiplier", help="USD per point of the option.")
    ] = None,
    option_fraction: Annotated[
        float | None,
        typer.Option("--option-fraction", help="Option underlying as a fraction of the index."),
    ] = None,
    option_rounding: Annotated[
        str, typer.Option("--option-rounding", help="Option contracts: nearest | down | up.")
    ] = "nearest",
    option_fee: OptionFee = 1.5,
    holdings: Holdings = None,
    prices: Prices = None,
    value_usd: ValueUsd = None,
    beta: Beta = None,
    as_of: AsOf = None,
    contract: Contract = "auto",
    net_short_tolerance: NetShortTolerance = DEFAULT_NET_SHORT_TOLERANCE,
    index_level: IndexLevel = None,
    rate: Rate = None,
    dividend_yield: DividendYield = None,
    contracts_file: ContractsFile = None,
    position: PositionFile = None,
    legs: LegsText = None,
    json_: JsonFlag = False,
) -> None:
    """Put protection: strikes x hedge ratios -> option contracts, premium, floor, decay."""
    plan, table, opt = puts_result(
        strikes=strikes,
        hedge_ratios=hedge_ratios,
        days=days,
        horizon=horizon,
        structure=structure,
        call_strike=call_strike,
        spread_width=spread_width,
        vol=vol,
        skew=skew,
        option=option,
        option_multiplier=option_multiplier,
        option_fraction=option_fraction,
        option_rounding=option_rounding,
        option_fee=option_fee,
        holdings=holdings,
        prices=prices,
        value_usd=value_usd,
        beta=beta,
        as_of=as_of,
        contract=contract,
        net_short_tolerance=net_short_tolerance,
        index_level=index_level,
        rate=rate,
        dividend_yield=dividend_yield,
        contracts_file=contracts_file,
        position=position,
        legs=legs,
    )
    if json_:
        out.emit_json("puts", puts_document(plan, table))
        return
    c = out.console()
    for line in _market_lines(plan):
        c.print(line, markup=False)
    for line in _puts_lines(table, chosen=opt is None, days=days):
        c.print(line, markup=False)
    c.print(_puts_table(table))
    for note in table.notes:
        c.print(f"note: {note}", markup=False)


def puts_result(
    *,
    strikes: Annotated[
        str, typer.Option("--strikes", help="Put strikes: % of spot or levels, e.g. 100%,93%,87%.")
    ] = "100%,95%,90%",
    hedge_ratios: Annotated[
        str, typer.Option("--hedge-ratios", help="Shares of the beta exposure, % (100,80,50).")
    ] = "100,80,50",
    days: Annotated[int, typer.Option("--days", help="Option life, calendar days.")] = 91,
    horizon: Annotated[
        str | None,
        typer.Option("--horizon", help="Horizon for the rolling cost (like cost); default --days."),
    ] = None,
    structure: Annotated[
        str, typer.Option("--structure", help="put | collar | put-spread | all.")
    ] = "put",
    call_strike: Annotated[
        str | None,
        typer.Option("--call-strike", help="Collar call strike (% or level); default zero-cost."),
    ] = None,
    spread_width: Annotated[
        str,
        typer.Option(
            "--spread-width", help="Put spread: short put this far below (10%) or a level."
        ),
    ] = "10%",
    vol: Vol = None,
    skew: Skew = None,
    option: OptionName = "auto",
    option_multiplier: Annotated[
        float | None, typer.Option("--option-multiplier", help="USD per point of the option.")
    ] = None,
    option_fraction: Annotated[
        float | None,
        typer.Option("--option-fraction", help="Option underlying as a fraction of the index."),
    ] = None,
    option_rounding: Annotated[
        str, typer.Option("--option-rounding", help="Option contracts: nearest | down | up.")
    ] = "nearest",
    option_fee: OptionFee = 1.5,
    holdings: Holdings = None,
    prices: Prices = None,
    value_usd: ValueUsd = None,
    beta: Beta = None,
    as_of: AsOf = None,
    contract: Contract = "auto",
    net_short_tolerance: NetShortTolerance = DEFAULT_NET_SHORT_TOLERANCE,
    index_level: IndexLevel = None,
    rate: Rate = None,
    dividend_yield: DividendYield = None,
    contracts_file: ContractsFile = None,
    position: PositionFile = None,
    legs: LegsText = None,
) -> tuple[HedgePlan, ProtectionTable, Any]:
    """The plan and protection table for the ``puts`` command's options (CLI and web API)."""
    from hedgekit.protection import (
        StrikeSpec,
        option_contract,
        parse_fractions,
        parse_strike,
        parse_strikes,
        protection_for_plan,
    )

    kinds = {
        "put": ("put",),
        "collar": ("collar",),
        "put-spread": ("put_spread",),
        "all": ("put", "collar", "put_spread"),
    }[choice(structure, "structure", ("put", "collar", "put-spread", "all"))]
    strike_specs = parse_strikes(strikes, "--strikes")
    ratios = parse_fractions(hedge_ratios, "--hedge-ratios", hi=1.5)
    call = None if call_strike is None else parse_strike(call_strike, "--call-strike")
    width: StrikeSpec = parse_strike(spread_width, "--spread-width")
    plan, _, _, _ = make_plan_from_options(
        horizon=None,
        holdings=holdings,
        prices=prices,
        value_usd=value_usd,
        beta=beta,
        as_of=as_of,
        hedge=None,
        target_beta=None,
        contract=contract,
        rounding="nearest",
        no_micro=False,
        index_level=index_level,
        futures_price=None,
        rate=rate,
        dividend_yield=dividend_yield,
        commission=2.5,
        slippage_ticks=1.0,
        contracts_file=contracts_file,
        net_short_tolerance=net_short_tolerance,
        position=position,
        legs=legs,
    )
    from hedgekit.costs import resolve_horizon

    hz_days = days if horizon is None else resolve_horizon(plan.as_of, horizon).days
    opt = (
        None
        if option.lower() == "auto" and option_multiplier is None and option_fraction is None
        else option_contract(
            plan.market.index if option.lower() == "auto" else option,
            multiplier_usd=option_multiplier,
            index_fraction=option_fraction,
        )
    )
    table = protection_for_plan(
        plan,
        strikes=strike_specs,
        hedge_ratios=ratios,
        option_days=days,
        vol=vol,
        skew_per_10pct=skew,
        structures=kinds,  # type: ignore[arg-type]
        call_strike=call,
        spread_width=width,
        option=opt,
        rounding=choice(option_rounding, "option-rounding", ("nearest", "down", "up")),  # type: ignore[arg-type]
        horizon_days=hz_days,
        fee_per_contract_usd=option_fee,
    )
    return plan, table, opt


def _puts_lines(table: ProtectionTable, *, chosen: bool, days: int) -> list[str]:
    opt = table.option
    how = " (chosen: its whole contracts come closest to the hedge ratios asked)" if chosen else ""
    return [
        f"Options: {opt.name}{how}, ${opt.notional_usd(table.index_level):,.0f} of index each; "
        f"{days} days, vol {out.pct(table.atm_vol)} ({table.vol_source})"
        + ("" if table.skew_per_10pct is None else f", skew {table.skew_per_10pct:g}/10%"),
    ]


def _puts_table(table: ProtectionTable) -> Any:
    rows = []
    for r in table.rows:
        strikes_text = f"{out.num(r.strike, 0)} ({out.pct(r.strike_pct, 0)})"
        if r.call_strike is not None:
            strikes_text += f" / call {out.num(r.call_strike, 0)}"
        if r.short_strike is not None:
            strikes_text += f" / short {out.num(r.short_strike, 0)}"
        none = r.contracts == 0
        rows.append(
            [
                r.structure,
                strikes_text,
                out.pct(r.hedge_ratio, 0),
                out.pct(r.effective_hedge_ratio, 0),
                str(r.contracts),
                out.usd(r.premium_usd),
                out.pct(r.premium_pct, 2),
                "none (no contract)"
                if r.floor_usd is None or r.floor_pct is None
                else f"{out.usd(r.floor_usd)} ({out.pct(r.floor_pct)})",
                "n/a" if none or r.break_even_move is None else f"{r.break_even_move * 100:+.2f}%",
                out.usd(r.decay_per_day_usd),
                f"{out.usd(r.horizon_cost_usd)} ({r.purchases}x)",
            ]
        )
    return out.table(
        "Protection (floor = value at expiry with the index at the put strike, stocks by CAPM "
        f"with dividends and interest, premium and its interest paid; horizon "
        f"{table.horizon_days:g} days)",
        [
            "structure",
            "strike",
            "hedge asked",
            "achieved",
            "contracts",
            "premium",
            "% of portfolio",
            "floor",
            "break-even",
            "decay/day",
            "horizon cost",
        ],
        rows,
    )


# --------------------------------------------------------------------------- compare


@app.command("compare")
def compare_cmd(
    horizon: HorizonOpt = "91d",
    put_strike: Annotated[
        str, typer.Option("--put-strike", help="Put strike for puts and collar (95% or a level).")
    ] = "95%",
    call_strike: Annotated[
        str | None,
        typer.Option("--call-strike", help="Collar call strike; default zero-cost."),
    ] = None,
    vol: Vol = None,
    skew: Skew = None,
    option: OptionName = "auto",
    option_fee: OptionFee = 1.5,
    sell_fraction: Annotated[
        float | None,
        typer.Option(
            "--sell-fraction",
            help="Share of the portfolio sold, 0..1 (default the futures' achieved hedge ratio).",
        ),
    ] = None,
    tax_rate: Annotated[
        float | None,
        typer.Option(
            "--tax-rate",
            help="Capital-gains tax rate on a sale (0.20); without it no tax is counted.",
        ),
    ] = None,
    cost_basis_usd: Annotated[
        float | None,
        typer.Option(
            "--cost-basis-usd", help="Portfolio cost basis (default: the holdings file's)."
        ),
    ] = None,
    stock_cost_bps: Annotated[
        float, typer.Option("--stock-cost-bps", help="Cost of selling stocks, basis points.")
    ] = 5.0,
    fall: Annotated[
        float, typer.Option("--fall", help="Fall X in % for the expected value (10).")
    ] = 10.0,
    upside: Annotated[
        float, typer.Option("--upside", help="Rise in % for 'upside kept' (10).")
    ] = 10.0,
    history_start: Annotated[
        str, typer.Option("--history-start", help="First date of the index history used.")
    ] = "1950-01-03",
    margin_rate: MarginRate = None,
    margin_in_tbills: MarginTbills = False,
    holdings: Holdings = None,
    prices: Prices = None,
    value_usd: ValueUsd = None,
    beta: Beta = None,
    as_of: AsOf = None,
    hedge: Hedge = None,
    target_beta: TargetBeta = None,
    contract: Contract = "auto",
    rounding: Rounding = "nearest",
    no_micro: NoMicro = False,
    allow_net_short: AllowNetShort = False,
    net_short_tolerance: NetShortTolerance = DEFAULT_NET_SHORT_TOLERANCE,
    index_level: IndexLevel = None,
    futures_price: FuturesPrice = None,
    rate: Rate = None,
    dividend_yield: DividendYield = None,
    commission: Commission = 2.5,
    slippage_ticks: SlippageTicks = 1.0,
    contracts_file: ContractsFile = None,
    position: PositionFile = None,
    legs: LegsText = None,
    json_: JsonFlag = False,
) -> None:
    """Futures, puts, collar, selling or nothing, side by side; and the value of hedging."""
    plan, cmp = compare_result(
        horizon=horizon,
        put_strike=put_strike,
        call_strike=call_strike,
        vol=vol,
        skew=skew,
        option=option,
        option_fee=option_fee,
        sell_fraction=sell_fraction,
        tax_rate=tax_rate,
        cost_basis_usd=cost_basis_usd,
        stock_cost_bps=stock_cost_bps,
        fall=fall,
        upside=upside,
        history_start=history_start,
        margin_rate=margin_rate,
        margin_in_tbills=margin_in_tbills,
        holdings=holdings,
        prices=prices,
        value_usd=value_usd,
        beta=beta,
        as_of=as_of,
        hedge=hedge,
        target_beta=target_beta,
        contract=contract,
        rounding=rounding,
        no_micro=no_micro,
        allow_net_short=allow_net_short,
        net_short_tolerance=net_short_tolerance,
        index_level=index_level,
        futures_price=futures_price,
        rate=rate,
        dividend_yield=dividend_yield,
        commission=commission,
        slippage_ticks=slippage_ticks,
        contracts_file=contracts_file,
        position=position,
        legs=legs,
    )
    if json_:
        out.emit_json("compare", compare_document(plan, cmp))
        return
    c = out.console()
    for line in _market_lines(plan):
        c.print(line, markup=False)
    c.print(_compare_table(cmp))
    c.print(_compare_ev_table(cmp))
    for line in cmp.assumptions:
        c.print(f"- {line}", markup=False)
    for line in cmp.warnings:
        c.print(f"warning: {line}", markup=False)


def compare_result(
    *,
    horizon: HorizonOpt = "91d",
    put_strike: Annotated[
        str, typer.Option("--put-strike", help="Put strike for puts and collar (95% or a level).")
    ] = "95%",
    call_strike: Annotated[
        str | None,
        typer.Option("--call-strike", help="Collar call strike; default zero-cost."),
    ] = None,
    vol: Vol = None,
    skew: Skew = None,
    option: OptionName = "auto",
    option_fee: OptionFee = 1.5,
    sell_fraction: Annotated[
        float | None,
        typer.Option(
            "--sell-fraction",
            help="Share of the portfolio sold, 0..1 (default the futures' achieved hedge ratio).",
        ),
    ] = None,
    tax_rate: Annotated[
        float | None,
        typer.Option(
            "--tax-rate",
            help="Capital-gains tax rate on a sale (0.20); without it no tax is counted.",
        ),
    ] = None,
    cost_basis_usd: Annotated[
        float | None,
        typer.Option(
            "--cost-basis-usd", help="Portfolio cost basis (default: the holdings file's)."
        ),
    ] = None,
    stock_cost_bps: Annotated[
        float, typer.Option("--stock-cost-bps", help="Cost of selling stocks, basis points.")
    ] = 5.0,
    fall: Annotated[
        float, typer.Option("--fall", help="Fall X in % for the expected value (10).")
    ] = 10.0,
    upside: Annotated[
        float, typer.Option("--upside", help="Rise in % for 'upside kept' (10).")
    ] = 10.0,
    history_start: Annotated[
        str, typer.Option("--history-start", help="First date of the index history used.")
    ] = "1950-01-03",
    margin_rate: MarginRate = None,
    margin_in_tbills: MarginTbills = False,
    holdings: Holdings = None,
    prices: Prices = None,
    value_usd: ValueUsd = None,
    beta: Beta = None,
    as_of: AsOf = None,
    hedge: Hedge = None,
    target_beta: TargetBeta = None,
    contract: Contract = "auto",
    rounding: Rounding = "nearest",
    no_micro: NoMicro = False,
    allow_net_short: AllowNetShort = False,
    net_short_tolerance: NetShortTolerance = DEFAULT_NET_SHORT_TOLERANCE,
    index_level: IndexLevel = None,
    futures_price: FuturesPrice = None,
    rate: Rate = None,
    dividend_yield: DividendYield = None,
    commission: Commission = 2.5,
    slippage_ticks: SlippageTicks = 1.0,
    contracts_file: ContractsFile = None,
    position: PositionFile = None,
    legs: LegsText = None,
) -> tuple[HedgePlan, Comparison]:
    """The plan and comparison for the ``compare`` command's options (CLI and web API)."""
    from hedgekit import datasets
    from hedgekit.compare import compare_alternatives, cost_basis_total
    from hedgekit.protection import option_contract, parse_strike

    put = parse_strike(put_strike, "--put-strike")
    call = None if call_strike is None else parse_strike(call_strike, "--call-strike")
    start = parse_date(history_start, "--history-start")
    plan, registry, held, _ = make_plan_from_options(
        horizon=horizon,
        holdings=holdings,
        prices=prices,
        value_usd=value_usd,
        beta=beta,
        as_of=as_of,
        hedge=hedge,
        target_beta=target_beta,
        contract=contract,
        rounding=rounding,
        no_micro=no_micro,
        allow_net_short=allow_net_short,
        net_short_tolerance=net_short_tolerance,
        index_level=index_level,
        futures_price=futures_price,
        rate=rate,
        dividend_yield=dividend_yield,
        commission=commission,
        slippage_ticks=slippage_ticks,
        contracts_file=contracts_file,
        position=position,
        legs=legs,
    )
    basis = cost_basis_usd
    if basis is None and held is not None:
        basis = cost_basis_total([p.cost_basis_usd for p in held.positions])
    opt = None if option.lower() == "auto" else option_contract(option)
    cmp = compare_alternatives(
        plan,
        datasets.load_index(plan.market.index)["close"],
        put_strike=put,
        call_strike=call,
        vol=vol,
        skew_per_10pct=skew,
        option=opt,
        option_fee_per_contract_usd=option_fee,
        sell_fraction=sell_fraction,
        tax_rate=tax_rate,
        cost_basis_usd=basis,
        stock_cost_bps=stock_cost_bps,
        fall_threshold=fall / 100.0,
        upside_move=upside / 100.0,
        history_start=start or dt.date(1950, 1, 3),
        registry=registry,
        margin_rate_annual=margin_rate,
        margin_in_tbills=margin_in_tbills,
    )
    return plan, cmp


def _compare_table(cmp: Comparison) -> Any:
    alts = cmp.alternatives
    v = cmp.portfolio_value_usd
    cols = ["", *(a.name for a in alts)]

    def floor(x: float | None) -> str:
        return "none" if x is None else f"{out.usd(x)} ({out.pct(x / v - 1.0)})"

    f = cmp.fall
    rows: list[list[str]] = [
        ["achieved hedge", *(out.pct(a.hedge_ratio_achieved, 0) for a in alts)],
        [
            f"historical mean vs unhedged ({f.n_windows:,} windows)",
            *(out.usd(a.historical_mean_vs_unhedged_usd) for a in alts),
        ],
        ["upfront cash", *(out.usd(a.upfront_cash_usd) for a in alts)],
        ["expected cost", *(out.usd(a.expected_cost_usd) for a in alts)],
        ["  % of portfolio", *(out.pct(a.expected_cost_pct, 2) for a in alts)],
        ["downside floor", *(floor(a.downside_floor_usd) for a in alts)],
        [
            f"upside kept (+{cmp.upside_move:.0%})",
            *("n/a" if a.upside_kept is None else out.pct(a.upside_kept, 0) for a in alts),
        ],
    ]
    for i, (name, _) in enumerate(cmp.scenarios):
        rows.append([f"P&L {name}", *(out.usd(a.scenario_pnl_usd[i]) for a in alts)])
    return out.table(
        f"Alternatives over {cmp.horizon_days} days (headline: historical mean vs unhedged, "
        f"the average over every {cmp.horizon_sessions}-session window of {f.series} "
        f"{f.start} to {f.end})",
        cols,
        rows,
    )


def _compare_ev_table(cmp: Comparison) -> Any:
    f = cmp.fall
    ev_rows = [
        [
            a.name,
            out.pct(a.hedge_ratio_achieved, 0),
            out.usd(a.value.protection_usd),
            out.usd(a.value.cost_usd),
            out.usd(a.value.ev_usd),
        ]
        for a in cmp.alternatives
        if a.value is not None
    ]
    return out.table(
        f"Secondary: the guide's p x protection - cost, with P(fall >= {f.threshold:.0%}) = "
        f"{f.probability:.2%} (back-to-back windows {f.probability_non_overlapping:.2%}); it "
        "leaves out the upside given up in the other windows (docs/guide-notes.md, entry 22)",
        ["alternative", "achieved hedge", "protection in falls", "cost", "p x protection - cost"],
        ev_rows,
    )
