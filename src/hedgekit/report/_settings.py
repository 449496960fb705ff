"""Every setting a backtest ran with, in words: the settings table of reports and outputs."""

from __future__ import annotations

from typing import Any

__all__ = ["settings_table_rows", "spec_settings", "sweep_settings"]


def _params(d: dict[str, Any], skip: tuple[str, ...]) -> str:
    return ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in d.items() if k not in skip)


def spec_settings(obj: Any) -> list[tuple[str, str]]:
    """``(setting, value)`` rows for a backtest's spec (or a result carrying ``spec``).

    Covers the dates, policy and its parameters, the portfolio (value or holdings), beta,
    contract, rebalance rule, rounding, margin model and figures, cash buffer, costs, the
    futures price source, dividend yield, cash and the seed of any random noise, so that a
    report alone says what was run.
    """
    spec = getattr(obj, "spec", obj)
    d = spec.to_dict()
    rows: list[tuple[str, str]] = [("Dates asked", f"{d['start']} to {d['end']}")]
    pol = d["policy"]
    params = _params(pol, ("policy", "name"))
    rows.append(
        ("Policy", f"{pol.get('name', pol.get('policy'))}" + (f" ({params})" if params else ""))
    )
    port = d["portfolio"]
    if port["kind"] == "index":
        rows.append(("Portfolio", f"${port['value_usd']:,.0f} tracking the contract's index"))
        rows.append(("Beta", f"{port['beta']:g}"))
        q = port["dividend_yield"]
        rows.append(("Portfolio dividend yield", "the index's" if q is None else f"{q:.2%}"))
        if port["idio_vol_annual"]:
            rows.append(("Idiosyncratic volatility", f"{port['idio_vol_annual']:.1%} a year"))
        rows.append(
            ("Seed", "none (no random draws)" if port["seed"] is None else str(port["seed"]))
        )
    else:
        held = ", ".join(f"{t} {n:g}" for t, n in port["holdings"].items())
        rows.append(("Portfolio", f"holdings (shares): {held}"))
        beta = port["beta"]
        if isinstance(beta, dict):
            rows.append(("Beta", f"rolling OLS over {beta['window']} {beta['frequency']} returns"
                         + (f" on {beta['index']}" if beta.get("index") else "")))  # fmt: skip
        else:
            rows.append(("Beta", f"{beta:g}"))
        rows.append(("Seed", "none (no random draws)"))
    rows.append(("Contract", d["contract"]))
    reb = d["rebalance"]
    rows.append(
        (
            "Rebalance",
            f"{reb.get('rule')}" + (f" ({_params(reb, ('rule',))})" if len(reb) > 1 else ""),
        )
    )
    rows.append(("Rounding", d["rounding"]))
    rows.append(("Roll", _params(d["roll_rule"], ())))
    m = d["margin"]
    model = m["model"]
    if model == "fixed":
        maint = (
            m["maintenance_usd"]
            if m["maintenance_usd"] is not None
            else m["initial_usd"] * m["maintenance_ratio"]
        )
        figure = f"fixed: initial ${m['initial_usd']:,.0f}, maintenance ${maint:,.0f} per contract"
    elif model == "notional":
        figure = (f"{m['initial_fraction']:.1%} of notional, maintenance "
                  f"{m['maintenance_ratio']:.1%} of initial")  # fmt: skip
    else:
        figure = "the contract registry's dated figures (scaled by notional before the first)"
    rows.append(("Margin", figure))
    notes = [n for n in getattr(obj, "notes", ()) if n.startswith("Margin:")]
    if notes:
        rows.append(("Margin figures used", notes[0].removeprefix("Margin: ")))
    rows.append(("Cash buffer", f"{m['buffer_multiple']:g}x initial margin deposited; "
                 f"excess above {m['sweep_multiple']:g}x swept back"))  # fmt: skip
    rows.append(("Margin calls paid from", str(m["call_source"])))
    if m["interest_haircut_annual"]:
        rows.append(("Margin interest haircut", f"{m['interest_haircut_annual']:.2%} a year"))
    c = d["costs"]
    ticks = c["slippage_ticks"]
    rows.append(("Costs", f"${c['commission_usd']:,.2f} commission and {ticks:g} "
                 f"tick{'s' * (ticks != 1)} of slippage per contract per side"))  # fmt: skip
    rows.append(("Futures prices", d["futures_prices"].replace("_", " ")))
    q = d["index_dividend_yield"]
    rows.append(("Index dividend yield", "trailing, from the S&P 500 total-return index"
                 if q is None else f"{q:.2%}"))  # fmt: skip
    rows.append(("Cash next to the portfolio", f"${d['cash_usd']:,.0f}"))
    rows.append(("Warm-up sessions", str(d["warmup_sessions"])))
    return rows


def _value(v: Any) -> str:
    if isinstance(v, list | tuple):
        return ", ".join(_value(x) for x in v)
    return f"{v:g}" if isinstance(v, float) else str(v)


def sweep_settings(spec: Any) -> list[tuple[str, str]]:
    """``(setting, value)`` rows for a parameter sweep (a ``hedgekit.sweep.SweepSpec``).

    The grid (its source, the varied keys with their values, the keys fixed by the grid),
    the ranking and engine, then every setting of the first run with the defaults filled in
    (:func:`spec_settings`); a setting that the grid varies is marked so.
    """
    d = spec.to_dict()
    rows: list[tuple[str, str]] = [
        ("Grid", str(d["source"])),
        ("Runs", f"{d['n_runs']:,}"),
        ("Ranked by", f"{d['metric']} ({'lower' if d['order'] == 'low' else 'higher'} is better)"),
        ("Engine", f"{d['engine']}, {d['batch_runs']:,} runs per call"),
    ]
    rows += [(f"{a['key']} (varied)", _value(a["values"])) for a in d["axes"]]
    rows += [(str(k), _value(v)) for k, v in d["fixed"].items()]
    first = next(iter(spec.points()), None)
    if first is not None:
        varied = ", ".join(spec.parameter_keys)
        note = f" (first run; the grid varies {varied})" if varied else ""
        run = spec_settings(spec.backtest_spec(first))
        rows += [(f"{name}{note if i == 0 else ''}", value) for i, (name, value) in enumerate(run)]
    return rows


def settings_table_rows(settings: Any) -> list[list[str]]:
    """Rows for an HTML settings table from a mapping or ``(name, value)`` pairs."""
    items = settings.items() if hasattr(settings, "items") else settings
    return [[str(k), str(v)] for k, v in items]
