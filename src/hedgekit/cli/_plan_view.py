"""Terminal rendering of a hedge plan (sections mirror the JSON document)."""

from __future__ import annotations

from rich.console import Console

from hedgekit.cli._output import num, pct, signed, table, usd
from hedgekit.plan import HedgePlan

_SEVERITY_STYLE = {"danger": "bold red", "warning": "yellow", "info": "cyan"}


def render_plan(plan: HedgePlan, c: Console) -> None:
    """Print the plan: portfolio, beta and fit, hedge, margin, scenarios, warnings, notes."""
    m = plan.market
    c.rule(f"Hedge plan as of {plan.as_of.isoformat()}")

    # portfolio
    if plan.snapshot is not None:
        views = {hb.ticker: hb for hb in plan.holding_betas}
        keyed: list[tuple[float, list[str]]] = []
        for (t, n_sh), (_, px), (_, v), (_, w) in zip(
            plan.snapshot.shares,
            plan.snapshot.prices_usd,
            plan.snapshot.values_usd,
            plan.snapshot.weights,
            strict=True,
        ):
            view = views.get(t)
            bd = None if view is None else view.beta_dollars_usd
            keyed.append(
                (
                    -abs(bd if bd is not None else v),
                    [
                        t,
                        num(n_sh, 0),
                        usd(px, 2),
                        usd(v),
                        pct(w),
                        "n/a" if view is None or view.beta is None else f"{view.beta:.2f}",
                        "n/a" if bd is None else usd(bd),
                        "n/a"
                        if view is None or view.hedge_share is None
                        else pct(view.hedge_share),
                    ],
                )
            )
        keyed.sort(key=lambda kr: kr[0])
        method = plan.holding_betas[0].method if plan.holding_betas else "ols"
        c.print(
            table(
                f"Portfolio, beta-weighted on {plan.beta.index_name} ({method} beta each)",
                [
                    "ticker",
                    "shares",
                    "price",
                    "value",
                    "weight",
                    "beta",
                    "beta-dollars",
                    "share of hedge",
                ],
                [r for _, r in keyed],
            )
        )
    c.print(f"Portfolio value: [bold]{usd(plan.portfolio_value_usd)}[/]")

    # beta and fit
    b = plan.beta
    line = f"Beta {b.beta:.3f} against {b.index_name} ({b.method}"
    if b.n_obs:
        line += f", {b.n_obs} {b.frequency} returns"
    if b.start is not None and b.end is not None:
        line += f" {b.start.date()} to {b.end.date()}"
    line += ")"
    if b.beta_se is not None:
        line += f", standard error {b.beta_se:.3f}"
    if b.r_squared is not None:
        line += f", R² {b.r_squared:.2f}"
    c.print(line)
    if plan.index_fits is not None:
        rows = [
            [
                f.name,
                f"{f.beta:.3f}",
                f"{f.r_squared:.3f}",
                f"{f.correlation:.3f}",
                pct(f.tracking_error_annual),
                str(f.n_obs),
            ]
            for f in plan.index_fits.rows
        ]
        c.print(
            table(
                "Fit to each index (hedge effectiveness = R²)",
                ["index", "beta", "R²", "correlation", "tracking error/yr", "obs"],
                rows,
            )
        )
    if plan.joint is not None:
        c.print(plan.joint.reason)
        if plan.joint.materially_better:
            betas = ", ".join(
                f"{n} {bb:+.2f}"
                for n, bb in zip(plan.joint.joint.index_names, plan.joint.joint.betas, strict=True)
            )
            c.print(
                f"  Joint betas: {betas} (a negative beta means a LONG futures position in "
                "that index)."
            )
            if plan.joint_legs:
                legs = ", ".join(
                    f"{signed(leg.quantity)} {leg.root}" for leg in plan.joint_legs if leg.quantity
                )
                c.print(
                    f"  The joint hedge at the same hedge fraction would be: {legs} "
                    "(negative = short). The single-index hedge below is simpler and is "
                    "the one recommended."
                )
    if plan.min_variance is not None:
        mv = plan.min_variance
        c.print(
            f"Minimum-variance hedge ratio on {mv.hedge_name} futures returns: "
            f"h* = {mv.h_star:.3f} (ρ {mv.rho:.3f}, σ stocks {pct(mv.sigma_spot_annual)}, "
            f"σ futures {pct(mv.sigma_futures_annual)}; effectiveness {mv.effectiveness:.2f}; "
            f"{mv.n_roll_days_excluded} roll days excluded)."
        )

    # hedge
    s = plan.sizing
    c.print()
    c.print(f"Contract: [bold]{plan.contract.root}[/] — {plan.contract_choice_reason}")
    source = m.futures_price_source
    if source != "fair value":
        source = f"{source}; fair value {num(m.fair_value)}"
    c.print(
        f"{m.contract} at {num(m.futures_price)} ({source}), {plan.contract.index} "
        f"{num(m.index_level.value)}; last trading day {m.last_trading_day}, roll {m.roll_date}."
    )
    _render_sources(plan, c)
    # A leg of no contracts (no Micro top-up, or a Micro-only hedge) is not a row.
    shown = [leg for leg in s.legs if leg.quantity != 0] or list(s.legs[:1])
    rows = [
        [leg.root, signed(leg.quantity), signed(leg.exact, 2), usd(leg.notional_usd)]
        for leg in shown
    ]
    long_futures = s.hedge_ratio_target < 0 or s.hedge_ratio_effective < 0
    c.print(
        table(
            "Recommended position (positive = long)"
            if long_futures
            else "Recommended hedge (negative = short)",
            ["contract", "quantity", "exact", "notional"],
            rows,
        )
    )
    if plan.existing_hedge is not None and plan.trade is not None:
        held_rows = [[leg.label, signed(leg.quantity)] for leg in plan.existing_hedge.legs]
        c.print(table("Already held", ["contract", "quantity"], held_rows))
        trade_rows = [[leg.label, signed(leg.quantity)] for leg in plan.trade.legs if leg.quantity]
        if trade_rows:
            c.print(
                table(
                    "Trade to place",
                    ["contract", "quantity"],
                    trade_rows,
                )
            )
        else:
            c.print("Trade to place: nothing, the futures held are the recommended hedge.")
        c.print("The trade is the recommended position minus the futures already held.")
    if long_futures:
        aim = (
            f"Long futures to raise beta from {s.beta:.3f}: they add "
            f"{pct(-s.hedge_ratio_target)} of the beta exposure (target); achieved "
            f"[bold]{pct(-s.hedge_ratio_effective)}[/] with whole contracts; portfolio beta "
            f"after {s.effective_beta:.3f}."
        )
    else:
        aim = (
            f"Target {pct(s.hedge_ratio_target)} of beta exposure; achieved "
            f"[bold]{pct(s.hedge_ratio_effective)}[/] with whole contracts; portfolio beta after "
            f"hedge {s.effective_beta:.3f}."
        )
    c.print(
        f"{aim} Residual beta-dollars {usd(s.residual_beta_dollars_usd)}: "
        f"a 1% market move now moves the portfolio by about "
        f"{usd(s.residual_beta_dollars_usd * 0.01)}."
    )
    if s.basis_comparison is not None:
        bc = s.basis_comparison
        c.print(
            f"Sized on the {s.price_basis} price; on the futures price the exact count is "
            f"{bc.exact_futures_basis:.3f}, on the index level {bc.exact_index_basis:.3f} "
            f"(difference {bc.difference:+.3f} contracts)."
        )

    # margin
    g = plan.margin
    c.print()
    lev = "n/a" if g.leverage is None else f"{g.leverage:.1f}×"
    c.print(
        f"Margin: initial {usd(g.initial_usd)} ({pct(g.initial_pct_of_portfolio)} of the "
        f"portfolio), maintenance {usd(g.maintenance_usd)}; leverage {lev}. "
        f"Keep {usd(g.recommended_buffer_usd)} (1.5×) to {usd(g.conservative_buffer_usd)} (2×) "
        "in the futures account."
    )
    buffer_rows: list[list[str]] = []
    for r in g.buffer_table:
        move = (
            "n/a"
            if r.adverse_move_to_call is None
            else f"{r.adverse_direction} {pct(r.adverse_move_to_call)}"
        )
        buffer_rows.append([f"{r.multiple:g}×", usd(r.cash_usd), move, usd(r.deposit_at_call_usd)])
    yours = plan.user_margin()
    if yours.get("cash_buffer_usd") is not None:
        mv = yours["move_to_call"]
        buffer_rows.append(
            [
                f"yours ({yours['cash_buffer_multiple']:.2f}×)",
                usd(yours["cash_buffer_usd"]),
                "n/a" if mv is None else f"{yours['move_direction']} {pct(mv)}",
                usd(g.initial_usd - g.maintenance_usd),
            ]
        )
    if yours.get("net_worth_usd") is not None:
        c.print(
            f"Your net worth {usd(yours['net_worth_usd'])}: the initial margin is "
            f"{pct(yours['margin_share_of_net_worth'])} of it."
        )
    c.print(
        table(
            "Margin call distance",
            ["cash buffer", "cash", "move to a call", "deposit at the call"],
            buffer_rows,
        )
    )

    # scenarios
    hedge = plan.scenarios.table("hedge")
    unhedged = plan.scenarios.table("unhedged")
    half = plan.scenarios.table("50% hedge")
    rows = []
    for sr, u, h in zip(hedge.rows, unhedged.rows, half.rows, strict=True):
        if long_futures:  # long futures make losses and gains larger: say by how much
            prot = (
                f"loss +{pct(-sr.pct_of_loss_protected)}"
                if sr.pct_of_loss_protected is not None
                else (
                    "-"
                    if sr.pct_of_gain_given_up is None
                    else f"gain +{pct(-sr.pct_of_gain_given_up)}"
                )
            )
        else:
            prot = (
                pct(sr.pct_of_loss_protected)
                if sr.pct_of_loss_protected is not None
                else (
                    "-"
                    if sr.pct_of_gain_given_up is None
                    else f"gives up {pct(sr.pct_of_gain_given_up)}"
                )
            )
        rows.append(
            [
                sr.name,
                usd(sr.portfolio_pnl_usd),
                usd(sr.futures_pnl_usd),
                usd(sr.carry_and_costs_usd),
                usd(sr.net_pnl_usd),
                prot,
                usd(u.net_pnl_usd),
                usd(h.net_pnl_usd),
            ]
        )
    c.print(
        table(
            f"Scenarios over {plan.request.horizon_days} days (index move; USD)",
            [
                "scenario",
                "stocks",
                "futures",
                "costs",
                "net (hedge)",
                "vs unhedged" if long_futures else "loss protected",
                "unhedged",
                "50% hedge",
            ],
            rows,
        )
    )

    # warnings and notes
    if plan.advice:
        c.print()
        c.print("[bold]Warnings[/]")
        for a in plan.advice:
            style = _SEVERITY_STYLE.get(str(a.severity), "")
            c.print(f"[{style}]{a.severity} {a.code}[/]: {a.message}")
    else:
        c.print("No warnings.")
    if plan.notes:
        c.print()
        c.print("[bold]Notes[/]")
        for n in plan.notes:
            c.print(f"- {n}", markup=False)


def _render_sources(plan: HedgePlan, c: Console) -> None:
    """Where each market input came from: bundled, updated (provider, fetch time), yours."""
    from hedgekit.data import bundled_tickers
    from hedgekit.marketdata import row_origin

    m = plan.market
    inputs = [
        ("index level", m.index_level),
        ("futures", m.futures),
        ("rate", m.rate),
        ("dividend yield", m.dividend_yield),
        ("VIX", m.vix),
    ]
    c.print("Market inputs:")
    for label, obs in inputs:
        if obs is not None:
            c.print(f"  {label}: {obs.origin}, {obs.observed} — {obs.source}")
    names = bundled_tickers()

    def dataset(ticker: str) -> tuple[str, str]:
        name = names.get(ticker, "stock")  # "stock": fetched, not bundled
        return name, "close" if name.startswith("etf_") else ticker

    rows = [row_origin(*dataset(h.ticker), plan.as_of) for h in plan.holding_betas]
    fetched = [r for r in rows if r is not None]
    if fetched:
        providers = sorted({f"{r.provider}, fetched {r.fetched_at}" for r in fetched})
        rest = len(plan.holding_betas) - len(fetched)
        c.print(
            f"  portfolio prices on {plan.as_of}: {len(fetched)} updated "
            f"({'; '.join(providers)})" + (f", {rest} bundled" if rest else "")
        )
    elif plan.holding_betas:
        c.print(f"  portfolio prices on {plan.as_of}: bundled")
