"""Commands ``stress`` and ``sweep``: simulated futures of a hedge, and grids of backtests.

JSON schemas: docs/cli-json-scale.md.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from hedgekit._domains import DOMAINS, check
from hedgekit._io import Interrupted, atomic_write_text
from hedgekit.cli import _output as out
from hedgekit.cli._app import ForceFlag, JsonFlag, app, check_output_path, choice, parse_date
from hedgekit.cli._plan_options import LegsText, PositionFile
from hedgekit.cli._preflight import check_stress, check_sweep
from hedgekit.errors import InputError

#: ``--yes``: run a command estimated to take longer than 10 minutes (``cli/_preflight.py``).
YesFlag = Annotated[
    bool, typer.Option("--yes", help="Run even when estimated to take over 10 minutes.")
]

#: ``--workers`` of stress and sweep.
WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers",
        help="Threads to run on (processes with --scheduler local); default the cores, at most 8.",
    ),
]

#: ``--scheduler``: run on Dask (``hedgekit.distributed``) instead of this process.
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Run on Dask: local (a cluster of --workers processes) or a scheduler address "
        "tcp://host:8786; results go to the --out folder (default hedgekit-<kind>-<spec hash>), "
        "one Parquet file per chunk; the same command resumes it.",
    ),
]


def _dashboard(link: str | None) -> None:
    """Say where the Dask dashboard is (stderr: the JSON on stdout stays clean)."""
    err = out.console(stderr=True)
    if link:
        err.print(f"Dask dashboard: {link}")
    else:
        err.print("Dask dashboard: not served (the scheduler needs bokeh for it)")


def _note(text: str) -> None:
    """One sentence on stderr (the JSON on stdout stays clean)."""
    out.console(stderr=True).print(text, markup=False, highlight=False)


def _dask_folder(path: str | None, scheduler: str) -> str | None:
    """The result folder a run on Dask writes to: ``--out``, a folder, never a CSV file.

    ``None`` (no ``--out``): a folder named after the spec's hash in the current folder, so
    the same command run again resumes it.
    """
    from hedgekit.distributed import check_scheduler

    check_scheduler(scheduler)
    if path is not None and Path(path).suffix.lower() == ".csv":
        raise InputError(
            "a run on Dask writes a folder of Parquet files", source="--out", value=path,
            expected="a folder name (e.g. results or results.parquet)",
        )  # fmt: skip
    return path


#: Default number of Monte Carlo paths of ``hedgekit stress``.
DEFAULT_PATHS = 100_000


def _default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def _numbers(text: str | None, source: str, *, percent: bool = False) -> list[float]:
    if text is None or not text.strip():
        return []
    values: list[float] = []
    for part in text.split(","):
        p = part.strip()
        scale = 1.0
        if percent and p.endswith("%"):
            p, scale = p[:-1], 0.01
        try:
            x = float(p) * scale
        except ValueError:
            raise InputError(
                "not a number", source=source, value=part, expected="numbers separated by commas"
            ) from None
        values.append(check(source, x) if source in DOMAINS else x)
    return values


@contextlib.contextmanager
def _progress(total: int, label: str, unit: str) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import (
        BarColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class _Rate(ProgressColumn):
        def render(self, task: Any) -> Text:
            speed = task.finished_speed or task.speed
            return Text("" if speed is None else f"{speed:,.0f} {unit}/s")

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,} " + unit),
        _Rate(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=out.console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)

        def update(done: int, n: int) -> None:
            bar.update(task, completed=done, total=n)

        yield update


def _check_report(path: str | None, force: bool) -> Path | None:
    return check_output_path(
        path, "--report", (".html", ".htm"), force=force,
        message="the report is an HTML file", expected="a path ending in .html",
    )  # fmt: skip


# --------------------------------------------------------------------------- stress


def _stress_position(
    position: str | None,
    legs: str | None,
    contract: str | None,
    hedge: float | None,
    registry: Any,
) -> tuple[Any, Any, str]:
    """The position named by ``--position``/``--legs`` (or ``None``), its units and its flag."""
    from hedgekit.cli._plan_options import position_from_options
    from hedgekit.montecarlo import stress_start

    held = position_from_options(position, legs, registry)
    if held is None:
        return None, None, ""
    flag = "--legs" if legs is not None else "--position"
    if hedge is not None:
        raise InputError(
            f"--hedge sizes a new hedge; the position of {flag} is stressed as it is",
            source="--hedge",
            value=hedge,
            expected=f"--hedge without {flag}, or {flag} alone",
        )
    start = stress_start(held, registry, source=flag, fallback_root=contract or "ES")
    if contract is not None and start.legs:
        root = registry.get(contract).root
        roots = [r for r, _ in start.legs]
        if root not in roots:
            raise InputError(
                f"--contract {root} is not a contract of the position ({start.label()})",
                source="--contract",
                value=contract,
                expected=f"no --contract (the legs name it), or one of {', '.join(roots)}",
            )
    return held, start, flag


def _rebalance_rule(spec: Any, start: Any) -> dict[str, Any]:
    """The rule the stress trades by, in words and fields."""
    unit = spec.contract
    units = "" if start.units_per_contract == ((unit, 1),) else (
        " (counted in " + unit + " units: " + ", ".join(
            f"1 {r} = {k}" for r, k in start.units_per_contract if k != 1) + ")"
    )  # fmt: skip
    at_rolls = (
        f"at each roll the expiring contract is closed and the nearest whole number of {unit} "
        f"to h x beta x V / (m x F) opened{units}, h = {spec.hedge_ratio:.4f} (the start's "
        "achieved hedge ratio)"
    )
    if spec.band is None:
        between = (
            "The position is held from roll to roll (no trades between rolls; --band B rebalances)"
        )
    else:
        between = (
            "Between rolls the position is traded back to that count when |N - N*| >= "
            f"max(1, {spec.band:g} x N*) {unit}"
        )
    return {
        "at_rolls": "nearest",
        "between_rolls": "hold" if spec.band is None else "band",
        "band": spec.band,
        "hedge_ratio": spec.hedge_ratio,
        "rule": f"{between}; {at_rolls}.",
    }


def stress_data(
    *,
    model: str,
    paths: int,
    horizon_days: int,
    seed: int,
    block_length: float,
    rates: str,
    sample_start: str | None,
    sample_end: str | None,
    value_usd: float | None,
    beta: float | None,
    hedge: float | None,
    band: float | None,
    contract: str | None,
    as_of: str | None,
    index_level: float | None,
    rate: float | None,
    dividend_yield: float | None,
    commission: float,
    slippage_ticks: float,
    initial_margin: float | None,
    maintenance_margin: float | None,
    buffer: float,
    call_source: str,
    sweep_multiple: float | None,
    call_above: list[float],
    targets: list[float],
    buffers: list[float],
    workers: int,
    engine: str,
    position: str | None = None,
    legs: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    scheduler: str | None = None,
    out_folder: str | None = None,
    force: bool = False,
) -> tuple[dict[str, Any], Any, dict[str, Any]]:
    """Run the stress; return the JSON data, the result and its summary.

    The stress starts from ``--position``/``--legs`` as given, or else from the contracts
    ``hedgekit plan`` recommends for the same value, beta, hedge ratio and date
    (:func:`hedgekit.montecarlo.sized_position`). With ``scheduler`` it runs on Dask
    (:func:`hedgekit.distributed.stress_on_dask`), its per-path outcomes in ``out_folder``.
    """
    from hedgekit.contracts import default_registry
    from hedgekit.montecarlo import (
        DEFAULT_BUFFER_MULTIPLES,
        Garch11,
        Gbm,
        StationaryBootstrap,
        historical_sample,
        position_spec,
        run_stress,
        sized_position,
        start_futures_price,
        stress_start,
    )
    from hedgekit.snapshot import MarketOverrides, resolve_as_of, resolve_market

    registry = default_registry()
    held, start, flag = _stress_position(position, legs, contract, hedge, registry)
    portfolio = None if held is None else held.portfolio
    if value_usd is None:
        value_usd = 1e6 if portfolio is None or portfolio.value_usd is None else portfolio.value_usd
    if beta is None:
        beta = 1.0 if portfolio is None or portfolio.beta is None else portfolio.beta
    if not beta > 0:
        raise InputError("a short hedge needs a portfolio beta > 0", source="--beta",
                         value=beta, expected="> 0")  # fmt: skip
    if value_usd <= 0:
        raise InputError("must be > 0", source="--value-usd", value=value_usd, expected="> 0")
    main_root = start.main_root if start is not None else (contract or "ES")
    spec_contract = registry.get(main_root)
    overrides = MarketOverrides(
        index_level=index_level, rate_annual=rate, dividend_yield=dividend_yield
    )
    day_asked = parse_date(as_of, "--as-of")
    if day_asked is None and held is not None:
        day_asked = held.as_of
    day, notes = resolve_as_of(day_asked, (spec_contract.index,), overrides)
    market = resolve_market(spec_contract, day, overrides)
    notes.extend(market.notes)
    start_sample = parse_date(sample_start, "--sample-start")
    end_sample = parse_date(sample_end, "--sample-end")
    sample = historical_sample(start_sample, end_sample, index=spec_contract.index)
    s0, r0, q = market.index_level.value, market.rate.value, market.dividend_yield.value
    inputs: dict[str, Any] = {
        "as_of": day.isoformat(),
        "index": market.index,
        "index_level": market.index_level.to_dict(),
        "rate_annual": market.rate.to_dict(),
        "dividend_yield": market.dividend_yield.to_dict(),
        "market": market.to_dict(),
        "notes": notes,
    }

    months = [leg.label for leg in (held.legs if held is not None else ()) if leg.contract]
    if months:
        notes.append(
            f"The stress holds the front contract on {day} and rolls it by the CME roll rule; "
            f"the months named in {flag} ({', '.join(months)}) are not kept."
        )
    sizing = None
    target = 1.0 if hedge is None else hedge
    if held is None:
        if not 0 <= target <= 1:
            raise InputError("hedge ratio out of range", source="--hedge", value=hedge,
                             expected="0 <= h <= 1")  # fmt: skip
        held, sizing = sized_position(
            value_usd=value_usd, beta=beta, hedge_ratio=target, contract=spec_contract, day=day,
            futures_price=market.futures_price, index_level=s0, registry=registry,
        )  # fmt: skip
        start = stress_start(held, registry, source="--contract", fallback_root=main_root)
        notes.extend(sizing.notes)
        micro = None if spec_contract.is_micro else registry.micro_for(spec_contract.root)
        if micro is not None and sizing.micro_root is None:
            notes.append(
                f"No {micro.root} top-up: {micro.root} was listed on {micro.listed}, after the "
                f"start; the hedge is in whole {spec_contract.root} contracts (as plan sizes it)."
            )
    name = choice(model, "model", ("bootstrap", "gbm", "garch"))
    if name == "bootstrap":
        path_model: Any = StationaryBootstrap(
            sample,
            block_length,
            rates=choice(rates, "rates", ("changes", "levels")),  # type: ignore[arg-type]
            rate_start=r0,
        )
    elif name == "gbm":
        path_model = Gbm.from_sample(sample, rate_annual=r0)
    else:
        path_model = Garch11.fit(sample, rate_annual=r0)
    if initial_margin is not None and maintenance_margin is None:
        raise InputError("give the maintenance margin with the initial margin",
                         source="--maintenance-margin",
                         expected="USD per contract, <= --initial-margin")  # fmt: skip
    if band is not None and band < 0:
        raise InputError("must be >= 0", source="--band", value=band, expected="e.g. 0.1")
    spec = position_spec(
        start, value_usd=value_usd, beta=beta, day=day, index_level=s0, rate_annual=r0,
        dividend_yield=q, commission_per_contract_usd=commission, registry=registry,
        initial_margin_per_contract_usd=initial_margin,
        maintenance_margin_per_contract_usd=maintenance_margin, band=band,
        futures_price=market.futures_price,
        horizon_days=horizon_days, slippage_ticks=slippage_ticks, buffer_multiple=buffer,
        call_source=choice(call_source, "call-source", ("cash", "stock")),
        sweep_multiple=sweep_multiple,
    )  # fmt: skip
    if spec.hedge_ratio > 1:
        notes.append(
            f"The position hedges {spec.hedge_ratio:.1%} of the beta exposure: above 100% the "
            "portfolio is net short the index (it loses on a rise)."
        )
    if paths < 1:
        raise InputError("must be at least 1", source="--paths", value=paths)
    t0 = time.perf_counter()
    kernel = choice(engine, "engine", ("auto", "numba", "numpy"))
    if scheduler is not None:
        from hedgekit.distributed import stress_on_dask

        result, folder = stress_on_dask(spec, path_model, paths, out_folder, seed=seed,
                                scheduler=scheduler, workers=workers, engine=kernel, force=force,
                                progress=progress, on_dashboard=_dashboard,
                                on_note=_note)  # fmt: skip
    else:
        result = run_stress(spec, path_model, paths, rng=seed, workers=workers,
                            engine=kernel,  # type: ignore[arg-type]
                            progress=progress)  # fmt: skip
    elapsed = time.perf_counter() - t0
    grid = tuple(sorted(set(buffers))) if buffers else DEFAULT_BUFFER_MULTIPLES
    options: dict[str, Any] = {"call_sizes_usd": call_above, "buffer_multiples": grid}
    if targets:
        options["target_call_probabilities"] = targets
    data = result.to_dict(**options)
    summary = data["summary"]
    initial, maintenance = start.margin_usd(day, registry, market.futures_price)
    data["position"] = {
        **start.to_dict(),
        "source": flag or "plan",
        "file": position,
        "hedge_ratio_target": None if sizing is None else sizing.hedge_ratio_target,
        "hedge_ratio_achieved": spec.hedge_ratio,
        "futures_price_start": start_futures_price(day, s0, r0, q, spec.contract),
        "sizing": None
        if sizing is None
        else {
            "rounding": sizing.rounding,
            "micro_root": sizing.micro_root,
            "futures_price": sizing.futures_price,
            "net_short_tolerance": sizing.net_short_tolerance,
            "hedge_ratio_effective": sizing.hedge_ratio_effective,
        },
        "initial_margin_usd": initial,
        "maintenance_margin_usd": maintenance,
    }
    data["rebalance"] = _rebalance_rule(spec, start)
    data["inputs"] = inputs
    data["elapsed_s"] = elapsed
    data["path_days_per_s"] = paths * horizon_days / elapsed if elapsed > 0 else None
    data["workers"] = workers
    if scheduler is not None:
        data["scheduler"] = scheduler
        data["output"] = str(folder)
    return data, result, summary


def _render_stress(data: dict[str, Any]) -> None:
    c = out.console()
    spec = data["spec"]
    s = data["summary"]
    model = data["model"]
    c.print(
        f"{data['n_paths']:,} paths x {data['horizon']['days']} sessions "
        f"({data['horizon']['start']} .. {data['horizon']['end']}), {model['model']}, "
        f"seed {data['seed']}; {data['elapsed_s']:.2f} s"
    )
    pos = data["position"]
    band = "held from roll to roll" if spec["band"] is None else f"band {spec['band']:g}"
    c.print(
        f"Portfolio {out.usd(spec['value_usd'])}, beta {spec['beta']:g}; buffer "
        f"{spec['buffer_multiple']:g}x initial margin, calls from {spec['call_source']}; {band}."
    )
    sized = pos["sizing"]
    origin = {
        "plan": "sized as hedgekit plan sizes it (nearest"
        + ("" if sized is None or sized["micro_root"] is None
           else f", {sized['micro_root']} top-up") + ")",
        "--legs": "from --legs",
        "--position": f"from {pos['file']}",
    }[pos["source"]]  # fmt: skip
    target = pos["hedge_ratio_target"]
    units = f" = {pos['units']} {pos['unit_root']} units" if len(pos["legs"]) > 1 else ""
    c.print(
        f"Starts short {pos['label']}{units}, {origin}: hedge ratio "
        f"{out.pct(pos['hedge_ratio_achieved'])} of the beta exposure"
        + ("" if target is None else f" (target {out.pct(target)})")
        + f" at the futures fair value {out.num(pos['futures_price_start'])}; initial margin "
        f"{out.usd(s['margin']['initial_margin_start_usd'])}."
    )
    c.print(data["rebalance"]["rule"])
    rows = []
    for label, key in (("P&L 1st pct", "p01"), ("P&L 5th pct", "p05"), ("P&L median", "p50"),
                       ("P&L 95th pct", "p95")):  # fmt: skip
        rows.append([label, out.usd(s["hedged"]["pnl_usd"][key]),
                     out.usd(s["unhedged"]["pnl_usd"][key])])  # fmt: skip
    for level in s["hedged"]["var"]:
        rows.append([f"VaR {float(level):.0%}", out.usd(s["hedged"]["var"][level]["usd"]),
                     out.usd(s["unhedged"]["var"][level]["usd"])])  # fmt: skip
        rows.append([f"CVaR {float(level):.0%}", out.usd(s["hedged"]["cvar"][level]["usd"]),
                     out.usd(s["unhedged"]["cvar"][level]["usd"])])  # fmt: skip
    rows.append(["P(loss)", out.pct(s["hedged"]["probability_of_loss"]),
                 out.pct(s["unhedged"]["probability_of_loss"])])  # fmt: skip
    rows.append(["worst drawdown, median", out.pct(s["hedged"]["max_drawdown"]["p50"]),
                 out.pct(s["unhedged"]["max_drawdown"]["p50"])])  # fmt: skip
    rows.append(["worst drawdown, 95th pct", out.pct(s["hedged"]["max_drawdown"]["p95"]),
                 out.pct(s["unhedged"]["max_drawdown"]["p95"])])  # fmt: skip
    c.print(out.table("Outcomes at the horizon", ["", "hedged", "unhedged"], rows))
    m = s["margin"]
    mrows = [
        ["P(at least one margin call)", out.pct(m["probability_of_call"])],
        ["mean calls per path", out.num(m["mean_calls"])],
        ["largest call, median", out.usd(m["largest_call_usd"]["p50"])],
        ["largest call, 99th pct", out.usd(m["largest_call_usd"]["p99"])],
    ]
    for item in m["probability_call_above"]:
        mrows.append([f"P(a call above {out.usd(item['size_usd'])})", out.pct(item["probability"])])
    for item in s["buffer"].get("for_target", []):
        b = item["buffer_multiple"]
        mrows.append([f"buffer for P(call) <= {item['target_probability']:.0%}",
                      "none" if b is None else
                      f"{b:.2f}x initial = {out.usd(item['margin_account_usd'])}"])  # fmt: skip
    c.print(out.table("Margin calls and buffer", ["", ""], mrows))
    notes = data.get("inputs", {}).get("notes", [])
    if notes:
        c.print("Notes")
        for note in notes:
            c.print(f"- {note}")


@app.command("stress")
def stress_cmd(
    model: Annotated[str, typer.Option("--model", help="bootstrap | gbm | garch.")] = "bootstrap",
    paths: Annotated[int, typer.Option("--paths", help="Simulated paths.")] = DEFAULT_PATHS,
    horizon_days: Annotated[
        int, typer.Option("--horizon-days", help="Simulated sessions (252 = a year).")
    ] = 252,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random draws.")] = 0,
    block_length: Annotated[
        float, typer.Option("--block-length", help="Bootstrap: mean block length, sessions.")
    ] = 20.0,
    rates: Annotated[
        str, typer.Option("--rates", help="Bootstrap: resample rate changes | levels.")
    ] = "changes",
    sample_start: Annotated[
        str | None, typer.Option("--sample-start", help="First session of the sample.")
    ] = None,
    sample_end: Annotated[
        str | None, typer.Option("--sample-end", help="Last session of the sample.")
    ] = None,
    value_usd: Annotated[
        float | None,
        typer.Option("--value-usd", help="Portfolio value (default the position file's, or 1e6)."),
    ] = None,
    beta: Annotated[
        float | None,
        typer.Option("--beta", help="Portfolio beta (default the position file's, or 1)."),
    ] = None,
    hedge: Annotated[
        float | None,
        typer.Option("--hedge", help="Hedge ratio h the start is sized to, as plan (default 1)."),
    ] = None,
    band: Annotated[
        float | None,
        typer.Option(
            "--band",
            help="Rebalance between rolls when |N - N*| >= max(1, band x N*) (default: hold "
            "the position from roll to roll).",
        ),
    ] = None,
    contract: Annotated[
        str | None,
        typer.Option(
            "--contract",
            help="Futures root sized as plan (default ES; the legs' own with a position).",
        ),
    ] = None,
    position: PositionFile = None,
    legs: LegsText = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Start date (default the position file's date, else the "
            "latest usable date, as plan).",
        ),
    ] = None,
    index_level: Annotated[
        float | None,
        typer.Option(
            "--index-level", help="Index level at the start; default the close on --as-of."
        ),
    ] = None,
    rate: Annotated[float | None, typer.Option("--rate", help="Rate, continuous.")] = None,
    dividend_yield: Annotated[
        float | None, typer.Option("--dividend-yield", help="Index yield, continuous.")
    ] = None,
    commission: Annotated[float, typer.Option("--commission", help="USD/contract/side.")] = 2.5,
    slippage_ticks: Annotated[
        float, typer.Option("--slippage-ticks", help="Ticks per contract per side.")
    ] = 1.0,
    initial_margin: Annotated[
        float | None,
        typer.Option(
            "--initial-margin", help="USD per contract of the largest contract (registry)."
        ),
    ] = None,
    maintenance_margin: Annotated[
        float | None, typer.Option("--maintenance-margin", help="USD per contract.")
    ] = None,
    buffer: Annotated[
        float,
        typer.Option(
            "--buffer",
            help="Starting margin account / initial margin (default 1.5, the plan's advice).",
        ),
    ] = 1.5,
    call_source: Annotated[
        str, typer.Option("--call-source", help="cash | stock: where calls are paid from.")
    ] = "cash",
    sweep_multiple: Annotated[
        float | None, typer.Option("--sweep-multiple", help="Sweep excess above this x IM.")
    ] = None,
    call_above: Annotated[
        str | None, typer.Option("--call-above", help="Call sizes, USD: 10000,50000.")
    ] = None,
    target: Annotated[
        str | None, typer.Option("--target-call-prob", help="Targets, e.g. 5%,1%.")
    ] = None,
    buffers: Annotated[
        str | None, typer.Option("--buffers", help="Buffer multiples for the curve.")
    ] = None,
    workers: WorkersOption = None,
    engine: Annotated[str, typer.Option("--engine", help="auto | numba | numpy.")] = "auto",
    scheduler: SchedulerOption = None,
    out_folder: Annotated[
        str | None,
        typer.Option(
            "--out",
            help="With --scheduler: folder of per-path outcomes, one Parquet file per chunk.",
        ),
    ] = None,
    report: Annotated[
        str | None, typer.Option("--report", help="Write an HTML report with charts.")
    ] = None,
    yes: YesFlag = False,
    json_: JsonFlag = False,
    force: ForceFlag = False,
) -> None:
    """Simulate the hedged and unhedged portfolio over many futures (Monte Carlo).

    The stress starts with the contracts of --position/--legs, or else with those
    hedgekit plan recommends for the same value, beta and date.
    """
    report_path = _check_report(report, force)
    n_workers = _default_workers() if workers is None else workers
    if scheduler is not None:
        _dask_folder(out_folder, scheduler)
    elif out_folder is not None:
        raise InputError(
            "per-path outcomes are written by a run on Dask", source="--out", value=out_folder,
            expected="--scheduler local (or an address) with --out, or no --out",
        )  # fmt: skip
    check_stress(paths, horizon_days, n_workers, model, yes=yes)
    with _progress(paths, "simulating", "paths") as bar:
        data, result, summary = stress_data(
            model=model, paths=paths, horizon_days=horizon_days, seed=seed,
            block_length=block_length, rates=rates, sample_start=sample_start,
            sample_end=sample_end,
            value_usd=value_usd, beta=beta, hedge=hedge, band=band, contract=contract,
            position=position, legs=legs,
            as_of=as_of, index_level=index_level, rate=rate, dividend_yield=dividend_yield,
            commission=commission, slippage_ticks=slippage_ticks, initial_margin=initial_margin,
            maintenance_margin=maintenance_margin, buffer=buffer, call_source=call_source,
            sweep_multiple=sweep_multiple,
            call_above=_numbers(call_above, "--call-above"),
            targets=_numbers(target, "--target-call-prob", percent=True),
            buffers=_numbers(buffers, "--buffers"), workers=n_workers, engine=engine,
            progress=bar, scheduler=scheduler, out_folder=out_folder, force=force,
        )  # fmt: skip
    if report_path is not None:
        from hedgekit.montecarlo import render_stress_html

        atomic_write_text(report_path, render_stress_html(result, summary))
        data["report"] = str(report_path)
    if json_:
        out.emit_json("stress", data)
    else:
        _render_stress(data)
        if report_path is not None:
            out.console().print(f"Report: {report_path}")


# --------------------------------------------------------------------------- sweep


def sweep_spec_from_options(
    config: str | None,
    grid: list[str],
    metric: str | None,
    top: int | None,
    heatmap: str | None,
    batch_runs: int | None,
    engine: str | None,
    check: Callable[[Any], None] | None = None,
) -> Any:
    """The validated grid from a TOML file and the command-line options.

    ``check`` sees the counted grid before its values are validated (the pre-flight).
    """
    from hedgekit.sweep import load_sweep_toml, parse_grid_option, sweep_from_mapping

    overrides = [parse_grid_option(g) for g in grid]
    if metric is not None:
        overrides.append(("sweep.metric", [metric]))
    if top is not None:
        overrides.append(("sweep.top", [top]))
    if batch_runs is not None:
        overrides.append(("sweep.batch_runs", [batch_runs]))
    if engine is not None:
        overrides.append(("sweep.engine", [engine]))
    if heatmap is not None:
        keys = [k.strip() for k in heatmap.split(",")]
        if len(keys) != 2:
            raise InputError("two keys", source="--heatmap", value=heatmap,
                             expected="X,Y e.g. policy.h,rebalance.contracts_fraction")  # fmt: skip
        overrides.append(("sweep.heatmap", [tuple(keys)]))
    if config is not None:
        return load_sweep_toml(config, overrides, check)
    return sweep_from_mapping({}, source="--grid", overrides=overrides, check=check)


def _report_axes(spec: Any) -> tuple[str, str]:
    """The report heatmap's two axes (checked before the sweep runs)."""
    if spec.heatmap is not None:
        return spec.heatmap[0], spec.heatmap[1]
    if len(spec.parameter_keys) >= 2:
        return spec.parameter_keys[-1], spec.parameter_keys[-2]
    raise InputError("a report's heatmap needs two axes in the grid", source="--report",
                     value=list(spec.parameter_keys), expected="two varied keys")  # fmt: skip


def _sweep_report(result: Any, path: Path) -> None:
    """The HTML report: the heatmap and the best and worst runs (hedgekit.report)."""
    import pandas as pd

    from hedgekit.report import sweep_settings, write_sweep_report

    spec = result.spec
    x, y = _report_axes(spec)
    cols = ["run", *spec.parameter_keys, spec.metric]
    if result.rows is not None:
        frame = result.rows[cols]
    else:
        frame = pd.read_parquet(result.path, columns=cols) if result.path.is_dir() or str(
            result.path).endswith((".parquet", ".pq")) else pd.read_csv(result.path,
                                                                       usecols=cols)  # fmt: skip
    write_sweep_report(
        frame, path, x=x, y=y, metrics=[spec.metric], title="Sweep", rank_by=spec.metric,
        ascending=spec.order == "low", top=spec.top, settings=sweep_settings(spec),
    )  # fmt: skip


def _render_sweep(data: dict[str, Any]) -> None:
    c = out.console()
    grid = data["grid"]
    c.print(
        f"{data['n_runs']:,} runs in {data['elapsed_s']:.2f} s "
        f"({data['runs_per_s'] or 0:,.1f} runs/s, engine {data['engine']}); "
        f"ranked by {data['metric']} ({'higher' if data['order'] == 'high' else 'lower'} is "
        f"better)" + (f"; table: {data['output']}" if data["output"] else "")
    )
    keys = [a["key"] for a in grid["axes"]]
    metric = data["metric"]
    for title, rows in (("Best", data["best"]), ("Worst", data["worst"])):
        body = [
            [str(r["run"]), *[str(r[k]) for k in keys], out.num(r[metric], 4)
             if r[metric] is not None else "n/a"]
            for r in rows or []
        ]  # fmt: skip
        c.print(out.table(f"{title} {len(body)} by {metric}", ["run", *keys, metric], body))


def _sweep_position(position: str | None, legs: str | None, grid: list[str]) -> list[str]:
    """``--grid`` settings that make every run of a sweep hold the position given.

    The backtest's rule (``backtest --position``): the legs held as one count of the smallest
    contract, rolled at each roll, never rebalanced, with the commission blended to the
    position's total; the position's portfolio (value, beta) and date as the defaults, which
    the user's own ``--grid`` settings still override. Policy and rebalance keys do not apply.
    """
    if position is None and legs is None:
        return []
    from hedgekit.backtest import Costs
    from hedgekit.cli._cmd_history import _held_position
    from hedgekit.cli._plan_options import position_from_options

    saved = position_from_options(position, legs)
    flag = "--position" if position is not None else "--legs"
    for item in grid:
        if item.split("=", 1)[0].strip().startswith(("policy.", "rebalance.")):
            raise InputError(
                f"{flag} sweeps the position as held (no policy, no rebalancing)",
                source="--grid", value=item, expected=f"no policy.* or rebalance.* key with {flag}",
            )  # fmt: skip
    main_root = saved.by_index()[0].main_root if saved.legs else "ES"
    hold = _held_position(position, legs, main_root, Costs().commission_usd, None, None, None,
                          None)  # fmt: skip
    assert hold is not None
    out = [
        f"backtest.contract={hold['run_root']}",
        f"backtest.hold_contracts={hold['units']}",
        f"costs.commission_usd={hold['commission_per_unit_usd']!r}",
    ]
    sized_for = saved.value_and_beta()
    if sized_for is not None:
        out += [f"portfolio.value_usd={sized_for[0]!r}", f"portfolio.beta={sized_for[1]!r}"]
    if saved.as_of is not None:
        out.append(f"period.start={saved.as_of.isoformat()}")
    return out


@app.command("sweep")
def sweep_cmd(
    config: Annotated[
        str | None, typer.Argument(help="Sweep TOML file (see examples/sweep.toml).")
    ] = None,
    grid: Annotated[
        list[str] | None,
        typer.Option("--grid", help="KEY=V1,V2 or KEY=LO:HI:STEP (repeatable); overrides."),
    ] = None,
    metric: Annotated[
        str | None,
        typer.Option(
            "--metric",
            help="Measure to rank runs by, e.g. cagr or max_drawdown; default the file's.",
        ),
    ] = None,
    top: Annotated[int | None, typer.Option("--top", help="Rows in best/worst.")] = None,
    heatmap: Annotated[
        str | None, typer.Option("--heatmap", help="Two keys X,Y for the heatmap.")
    ] = None,
    out_path: Annotated[
        str | None,
        typer.Option("--out", help="Result table: .parquet or .csv (with --scheduler: a folder)."),
    ] = None,
    report: Annotated[
        str | None, typer.Option("--report", help="HTML report with the heatmap.")
    ] = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    chunk_runs: Annotated[
        int | None,
        typer.Option(
            "--chunk-runs",
            help="With --scheduler: runs per chunk and per file (default about 250,000 "
            "run-days; a multiple of --batch-runs).",
        ),
    ] = None,
    batch_runs: Annotated[
        int | None, typer.Option("--batch-runs", help="Runs per engine call.")
    ] = None,
    engine: Annotated[
        str | None, typer.Option("--engine", help="auto | numba | numpy | interpreted | python.")
    ] = None,
    position: PositionFile = None,
    legs: LegsText = None,
    yes: YesFlag = False,
    json_: JsonFlag = False,
    force: ForceFlag = False,
) -> None:
    """Run a grid of backtests over real history; table, best and worst runs, heatmap."""
    from hedgekit.sweep import run_sweep, table_format

    report_path = _check_report(report, force)
    if chunk_runs is not None:
        check("--chunk-runs", chunk_runs)
    table_path: Path | None = None
    folder: str | None = None
    if scheduler is not None:
        folder = _dask_folder(out_path, scheduler)
    else:
        if chunk_runs is not None:
            raise InputError(
                "chunks are the units of a run on Dask", source="--chunk-runs",
                value=chunk_runs, expected="--scheduler with --chunk-runs, or no --chunk-runs",
            )  # fmt: skip
        if out_path is not None:
            table_format(out_path)
        table_path = check_output_path(
            out_path, "--out", (".parquet", ".pq", ".csv"), force=force, partial=True,
            message="unknown table format", expected="a .parquet or .csv file",
        )  # fmt: skip
    held = _sweep_position(position, legs, grid or [])
    n_workers = _default_workers() if workers is None else workers

    def preflight(grid_spec: Any) -> None:
        # a run on Dask keeps no rows in memory: they go to the folder, chunk by chunk
        keep = out_path is None and scheduler is None
        check_sweep(grid_spec, n_workers, keep_rows=keep, yes=yes)

    spec = sweep_spec_from_options(
        config, [*held, *(grid or [])], metric, top, heatmap, batch_runs, engine, preflight
    )
    if report_path is not None:
        _report_axes(spec)
    with _progress(spec.n_runs, "sweeping", "runs") as bar:
        if scheduler is not None:
            from hedgekit.distributed import sweep_on_dask

            result = sweep_on_dask(spec, folder, scheduler=scheduler, workers=n_workers,
                                   chunk_runs=chunk_runs, force=force, progress=bar,
                                   on_dashboard=_dashboard, on_note=_note)  # fmt: skip
        else:
            result = run_sweep(spec, out=table_path, workers=n_workers, progress=bar,
                               keep_rows=table_path is None)  # fmt: skip
    data = result.to_dict()
    data["workers"] = n_workers
    if scheduler is not None:
        data["scheduler"] = scheduler
    if report_path is not None:
        try:
            _sweep_report(result, report_path)
        except KeyboardInterrupt:
            if table_path is None:
                raise
            raise Interrupted(
                f"the table {table_path} is complete; the report was not written"
            ) from None
        data["report"] = str(report_path)
    if json_:
        out.emit_json("sweep", data)
    else:
        _render_sweep(data)
        if report_path is not None:
            out.console().print(f"Report: {report_path}")


__all__ = ["stress_cmd", "sweep_cmd"]
