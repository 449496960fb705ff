"""Options and plan building shared by every command that starts from a portfolio."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hedgekit.cli._app import choice, parse_date
from hedgekit.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from hedgekit.contracts import ContractRegistry
    from hedgekit.costs import Horizon
    from hedgekit.data import Holdings as HoldingsData
    from hedgekit.plan import HedgePlan

# Options of the portfolio and the plan behind a command.
Holdings = Annotated[
    str | None,
    typer.Option(
        "--holdings", help="Holdings CSV: ticker, shares or market_value_usd[, cost_basis_usd]."
    ),
]
Prices = Annotated[
    str | None, typer.Option("--prices", help="Price file (CSV/Parquet); default bundled.")
]
ValueUsd = Annotated[
    float | None, typer.Option("--value-usd", help="Portfolio value (with --beta).")
]
Beta = Annotated[
    float | None, typer.Option("--beta", help="Portfolio beta (overrides the estimate).")
]
AsOf = Annotated[
    str | None, typer.Option("--as-of", help="Plan date; default the last price date.")
]
Hedge = Annotated[
    float | None,
    typer.Option("--hedge", help="Fraction of beta exposure to hedge, 0..1 (default 1)."),
]
TargetBeta = Annotated[
    float | None, typer.Option("--target-beta", help="Beta wanted after the hedge.")
]
Contract = Annotated[
    str, typer.Option("--contract", help="ES, MES, NQ, MNQ, RTY, M2K, YM, MYM or auto.")
]
Rounding = Annotated[str, typer.Option("--rounding", help="Futures: nearest | down | up.")]
AllowNetShort = Annotated[
    bool, typer.Option("--allow-net-short", help="Allow a hedge above 100% (target beta < 0).")
]
NetShortTolerance = Annotated[
    float,
    typer.Option(
        "--net-short-tolerance",
        help="Share of the beta exposure rounding may leave net short when closer to the "
        "target (0.01 = 1%, the default; 0 = never).",
    ),
]
NoMicro = Annotated[bool, typer.Option("--no-micro", help="Do not top up with Micro contracts.")]
IndexLevel = Annotated[float | None, typer.Option("--index-level", help="Index level override.")]
FuturesPrice = Annotated[
    float | None, typer.Option("--futures-price", help="Futures price override.")
]
Rate = Annotated[float | None, typer.Option("--rate", help="Risk-free rate, continuous (0.045).")]
DividendYield = Annotated[
    float | None, typer.Option("--dividend-yield", help="Index dividend yield, continuous (0.013).")
]
Commission = Annotated[
    float, typer.Option("--commission", help="Futures: USD per contract per side.")
]
SlippageTicks = Annotated[
    float, typer.Option("--slippage-ticks", help="Futures: ticks per contract per side.")
]
ContractsFile = Annotated[
    str | None, typer.Option("--contracts-file", help="TOML file of user contracts.")
]
HorizonOpt = Annotated[
    str,
    typer.Option(
        "--horizon",
        help="tactical (3m) | medium (6m) | long (1y) | 45d, 6w, 3m, 2y | days | YYYY-MM-DD "
        "(default 91d, the plan's scenario horizon).",
    ),
]
Vol = Annotated[
    float | None,
    typer.Option("--vol", help="At-the-money vol (0.18); default VIX/100 at the plan date."),
]
Skew = Annotated[
    float | None,
    typer.Option(
        "--skew",
        help="Skew slope: vol points added per 10% of spot below the money (0.05); default none.",
    ),
]
OptionName = Annotated[
    str,
    typer.Option(
        "--option",
        help="Index option: auto (on the plan's index, closest to the hedge ratio) | SPX | XSP "
        "| NDX | XND | RUT | MRUT.",
    ),
]
OptionFee = Annotated[
    float, typer.Option("--option-fee", help="Option commission + fees, USD per contract per side.")
]
MarginRate = Annotated[
    float | None,
    typer.Option(
        "--margin-rate", help="Rate the margin cash would earn or costs (default --rate)."
    ),
]
MarginTbills = Annotated[
    bool, typer.Option("--margin-in-tbills", help="Margin posted in T-bills: no interest forgone.")
]


PositionFile = Annotated[
    str | None,
    typer.Option(
        "--position",
        metavar="FILE",
        help="Hedge position file (JSON, from plan --save-position): evaluate these contracts "
        "instead of sizing a new hedge.",
    ),
]
LegsText = Annotated[
    str | None,
    typer.Option(
        "--legs",
        metavar="ROOT:QTY,...",
        help="Contracts by hand, negative = short: ES:-2,MES:-5 (ESZ2024:-2 for a month, "
        "ES:-2@5500 for an entry price).",
    ),
]


def position_from_options(
    position: str | None, legs: str | None, registry: ContractRegistry | None = None
) -> Any:
    """The :class:`~hedgekit.position.HedgePosition` named by ``--position`` or ``--legs``.

    ``None`` when neither is given; both together are refused (one position per command).
    """
    from hedgekit.position import HedgePosition

    if position is not None and legs is not None:
        raise InputError(
            "give --position or --legs, not both",
            source="--legs",
            value=legs,
            expected="one of --position FILE or --legs ROOT:QTY,...",
        )
    if position is not None:
        return HedgePosition.load(position, registry)
    if legs is not None:
        return HedgePosition.from_legs_text(legs, registry)
    return None


def with_position_portfolio(request: Any, given: Any, held: Any) -> Any:
    """The request with the saved plan's portfolio when the command names no portfolio.

    ``cost --position FILE`` then needs nothing retyped: the value and beta the position
    was sized for are the ones it is evaluated with.
    """
    sized_for = None if given is None else given.value_and_beta()
    if (
        sized_for is not None
        and held is None
        and request.value_usd is None
        and request.beta is None
    ):
        return dataclasses.replace(request, value_usd=sized_for[0], beta=sized_for[1])
    return request


def make_plan_from_options(
    *,
    horizon: str | None,
    holdings: str | None,
    prices: str | None,
    value_usd: float | None,
    beta: float | None,
    as_of: str | None,
    hedge: float | None,
    target_beta: float | None,
    contract: str,
    rounding: str,
    no_micro: bool,
    index_level: float | None,
    futures_price: float | None,
    rate: float | None,
    dividend_yield: float | None,
    commission: float,
    slippage_ticks: float,
    contracts_file: str | None,
    allow_net_short: bool = False,
    net_short_tolerance: float | None = None,
    position: str | None = None,
    legs: str | None = None,
) -> tuple[HedgePlan, Any, Any, Horizon | None]:
    """The plan behind a command, its registry and holdings, and the horizon resolved.

    With ``--position FILE`` or ``--legs``, the plan evaluates that hedge instead of sizing
    one, on the position's date unless ``--as-of`` is given, and for the position's portfolio
    (value and beta) unless ``--holdings`` or ``--value-usd``/``--beta`` are given.
    """
    from hedgekit.costs import resolve_horizon
    from hedgekit.plan import PlanRequest, make_plan
    from hedgekit.sizing import DEFAULT_NET_SHORT_TOLERANCE

    day = parse_date(as_of, "--as-of")
    hz = resolve_horizon(day, horizon) if (day is not None and horizon is not None) else None
    request = PlanRequest(
        hedge=hedge,
        target_beta=target_beta,
        contract=contract,
        as_of=day,
        value_usd=value_usd,
        beta=beta,
        rounding=choice(rounding, "rounding", ("nearest", "down", "up")),  # type: ignore[arg-type]
        use_micro=not no_micro,
        index_level=index_level,
        futures_price=futures_price,
        rate_annual=rate,
        dividend_yield=dividend_yield,
        commission_usd=commission,
        slippage_ticks=slippage_ticks,
        allow_net_short=allow_net_short,
        net_short_tolerance=(
            DEFAULT_NET_SHORT_TOLERANCE if net_short_tolerance is None else net_short_tolerance
        ),
    )
    if hz is not None:
        request = dataclasses.replace(request, horizon_days=hz.days)
    held, px, registry = load_inputs(holdings, prices, contracts_file)
    given = position_from_options(position, legs, registry)
    request = with_position_portfolio(request, given, held)
    plan = make_plan(request, holdings=held, prices=px, registry=registry, position=given)
    if horizon is not None and hz is None:
        hz = resolve_horizon(plan.as_of, horizon)
        if hz.days != plan.request.horizon_days:
            request = dataclasses.replace(request, as_of=plan.as_of, horizon_days=hz.days)
            plan = make_plan(request, holdings=held, prices=px, registry=registry, position=given)
    return plan, registry, held, hz


def load_inputs(
    holdings: str | None, prices: str | None, contracts_file: str | None
) -> tuple[HoldingsData | None, pd.DataFrame | None, ContractRegistry]:
    """Read the holdings, price and contracts files named on the command line."""
    from hedgekit.cli._commands import load_registry
    from hedgekit.data import load_holdings, load_prices

    registry = load_registry(contracts_file)
    held = load_holdings(holdings, registry=registry) if holdings is not None else None
    px = load_prices(prices) if prices is not None else None
    if px is not None and held is None:
        raise InputError(
            "--prices needs --holdings", source="--prices", value=prices, expected="--holdings"
        )
    return held, px, registry
