"""Canonical workload (design/bench-spec.md): hedge-policy grid over 35 years of S&P 500.

21 hedge ratios x 48 rebalance bands = 1,008 runs over the trading days 1990-01-02 ..
2024-12-31 (8,817 days) of the bundled S&P 500 closes, with the bundled FRED DTB3 rate carried
forward onto those days. Prints the eight outputs of the named grid points and the throughput
in run-days per second for the whole process (from interpreter start, imports, data loading
and compile-cache loading included) and for the kernel alone.

    python benchmarks/grid.py                    # numba when installed, else numpy
    python benchmarks/grid.py --engine numpy     # the no-numba fallback
    python benchmarks/grid.py --engine python    # the pure-Python oracle, named points only
    python benchmarks/grid.py --check            # compare with the oracle to 1e-9 relative
"""

from __future__ import annotations

import time

_T_SCRIPT = time.perf_counter()  # first statement: everything after it is measured

import argparse  # noqa: E402
import gc  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from bench_inputs import (  # noqa: E402
    ACCOUNT,
    BANDS,
    HEDGE_RATIOS,
    NAMED_POINTS,
    BenchData,
    load_bench_data,
)
from hedgekit.engine import BatchResult, default_engine, simulate_batch  # noqa: E402

CHECK_RTOL = 1e-9
CHECK_ATOL = 1e-12  # only for outputs that are exactly zero (hedge effectiveness at h = 0)
OUTPUTS = (
    ("final_value_usd", "final total value (USD)", "{:,.2f}"),
    ("cagr", "CAGR", "{:.6%}"),
    ("volatility_annual", "annualised volatility", "{:.6%}"),
    ("max_drawdown", "max drawdown", "{:.6%}"),
    ("hedge_effectiveness", "hedge effectiveness", "{:.8f}"),
    ("trading_costs_usd", "trading costs (USD)", "{:,.2f}"),
    ("n_trades", "trades", "{:d}"),
    ("n_margin_calls", "margin calls", "{:d}"),
)


def seconds_since_process_start() -> float | None:
    """Wall time since the interpreter process started (Linux /proc; 10 ms resolution)."""
    try:
        with open("/proc/self/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        start_ticks = int(fields[19])  # field 22 of proc(5), counted after the ")"
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def numba_cache_state() -> str:
    """'warm' when every kernel has a usable on-disk cache entry, else 'cold' (or 'unknown')."""
    from hedgekit.engine import _kernels_numba as kn

    try:
        for disp in kn.compiled_dispatchers():
            if not disp._cache._cache_file._load_index():  # numba internals, checked
                return "cold"
    except AttributeError:
        return "unknown"
    return "warm"


def numba_compiled_now() -> bool:
    from hedgekit.engine import _kernels_numba as kn

    return any(sum(d.stats.cache_misses.values()) for d in kn.compiled_dispatchers())


def grid_runs(n_runs: int | None) -> tuple[np.ndarray, np.ndarray]:
    """The full grid (h-major), or the named points plus evenly spread grid points."""
    h = np.repeat(HEDGE_RATIOS, BANDS.size)
    b = np.tile(BANDS, HEDGE_RATIOS.size)
    if n_runs is None or n_runs >= h.size:
        return h, b
    named = [
        int(np.flatnonzero(np.isclose(h, hh) & np.isclose(b, bb))[0]) for hh, bb in NAMED_POINTS
    ]
    spread = np.linspace(0, h.size - 1, max(n_runs, len(named))).round().astype(int)
    picked = list(dict.fromkeys(named + [i for i in spread.tolist() if i not in named]))[
        : max(n_runs, len(named))
    ]
    idx = np.array(sorted(picked))
    return h[idx], b[idx]


def print_named(res: BatchResult) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for hh, bb in NAMED_POINTS:
        i = res.index_of(hh, bb)
        row = res.run(i)
        print(f"\nh = {hh:.2f}, b = {bb:.2f}")
        for key, label, fmt in OUTPUTS:
            print(f"  {label:<24}{fmt.format(row[key]):>22}")
        out[f"h={hh:.2f},b={bb:.2f}"] = row
    return out


def check_against_oracle(data: BenchData, res: BatchResult) -> bool:
    """Recompute the named points and a few spread grid points with the pure-Python oracle."""
    picks = sorted(
        {res.index_of(hh, bb) for hh, bb in NAMED_POINTS}
        | set(np.linspace(0, res.n_runs - 1, 5).round().astype(int).tolist())
    )
    t0 = time.perf_counter()
    oracle = simulate_batch(
        data.market, res.hedge_ratio[picks], res.band[picks], ACCOUNT, engine="python"
    )
    elapsed = time.perf_counter() - t0
    ok = True
    print(
        f"\ncheck: {res.engine} vs pure-Python oracle on {len(picks)} grid points "
        f"({elapsed:.2f} s), rtol {CHECK_RTOL:g}"
    )
    for key, label, _ in OUTPUTS:
        a = np.asarray(getattr(res, key)[picks], dtype=np.float64)
        b = np.asarray(getattr(oracle, key), dtype=np.float64)
        diff = np.abs(a - b)
        rel = float(np.max(diff / np.maximum(np.abs(b), CHECK_ATOL / CHECK_RTOL)))
        good = bool(np.all(diff <= CHECK_RTOL * np.abs(b) + CHECK_ATOL))
        ok &= good
        print(f"  {label:<24} max rel diff {rel:9.2e}  {'ok' if good else 'FAIL'}")
    print("check:", "PASS" if ok else "FAIL")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--engine",
        choices=("numba", "numpy", "python"),
        default=None,
        help="kernel (default: numba when installed, else numpy)",
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=None,
        help="simulate only this many grid points (named points always in); "
        "default: all 1,008, or the 3 named points for --engine python",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="extra kernel-only timings after the whole-process figure",
    )
    parser.add_argument(
        "--check", action="store_true", help="compare with the pure-Python oracle to 1e-9 relative"
    )
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    engine = args.engine or default_engine()
    n_runs = args.runs if args.runs is not None or engine != "python" else len(NAMED_POINTS)

    t_imports = time.perf_counter()
    data = load_bench_data()
    t_loaded = time.perf_counter()
    h, b = grid_runs(n_runs)
    run_days = h.size * data.market.n_days

    cache = "n/a"
    if engine == "numba":
        cache = numba_cache_state()  # imports numba
        if cache != "warm":
            print("compiling the numba kernels (first run; cached for later runs) ...", flush=True)
    t0 = time.perf_counter()
    t_engine_import = t0 - t_loaded
    res = simulate_batch(data.market, h, b, ACCOUNT, engine=engine)
    t_first = time.perf_counter() - t0
    process_s = seconds_since_process_start()
    script_s = time.perf_counter() - _T_SCRIPT
    compiled = engine == "numba" and numba_compiled_now()

    repeats = []
    for _ in range(max(args.repeat, 0)):
        t0 = time.perf_counter()
        simulate_batch(data.market, h, b, ACCOUNT, engine=engine)
        repeats.append(time.perf_counter() - t0)

    days = data.sessions
    print(
        f"S&P 500 closes {days[0]} .. {days[-1]}: {data.market.n_days:,} trading days, "
        f"{data.n_rolls} rolls; DTB3 carried forward (at most {data.max_rate_staleness_days} "
        f"days stale)"
    )
    print(f"engine {engine}: {h.size:,} runs x {data.market.n_days:,} days = {run_days:,} run-days")
    named = print_named(res) if h.size > 0 else {}

    figures: dict[str, Any] = {
        "engine": engine,
        "runs": int(h.size),
        "days": int(data.market.n_days),
        "numba_cache": cache if not compiled else "compiled in this process",
        "imports_s": t_imports - _T_SCRIPT,
        "data_s": t_loaded - t_imports,
        "engine_import_s": t_engine_import,
        "first_call_s": t_first,
        "script_s": script_s,
        "process_s": process_s,
    }
    print("\ntiming")
    print(f"  imports (after interpreter start) {figures['imports_s']:8.3f} s")
    print(f"  load + prepare data               {figures['data_s']:8.3f} s")
    if engine == "numba":
        print(f"  import numba, check its cache     {t_engine_import:8.3f} s")
    label = "grid, first call" + (" (compiling)" if compiled else "")
    if engine == "numba" and not compiled:
        label += " (cache load)"
    print(f"  {label:<34}{t_first:8.3f} s  {t_first / run_days * 1e9:8.2f} ns/run-day")
    if repeats:
        best = min(repeats)
        figures["kernel_best_s"] = best
        figures["kernel_ns_per_run_day"] = best / run_days * 1e9
        print(
            f"  grid, warm (best of {len(repeats)})          {best:8.3f} s  "
            f"{best / run_days * 1e9:8.2f} ns/run-day  {run_days / best:,.0f} run-days/s"
        )
    whole = process_s if process_s is not None else script_s
    figures["process_run_days_per_s"] = run_days / whole
    where = "since process start" if process_s is not None else "since script start"
    print(
        f"  whole process to results ({where}) {whole:6.3f} s  {run_days / whole:,.0f} run-days/s"
    )

    ok = check_against_oracle(data, res) if args.check and engine != "python" else True
    if args.json:
        import json

        with open(args.json, "w") as f:
            json.dump({"figures": figures, "named_points": named, "check_passed": ok}, f, indent=2)
    sys.stdout.flush()
    # numba's type registries leave a large heap: the interpreter's final garbage collection
    # walks it for about 0.3 s at exit. Freezing the heap skips that walk; atexit handlers
    # and buffered output are unaffected (measured in benchmarks/README.md).
    gc.freeze()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
