"""The general (policy) kernel on the bench grid: nanoseconds per run-day.

The 1,008 runs of ``grid.py`` (21 hedge ratios x 48 bands over the 8,817 sessions
1990-01-02 .. 2024-12-31) fed to :func:`hedgekit.engine.simulate_paths` instead of the bench
kernel, with

* static targets: one ratio per run for every day (``np.broadcast_to(h, (n, k))``, a view);
* ``(n, k)`` targets: the same ratios as a full array in memory, read per run-day;

on the numba engine (threads as ``NUMBA_NUM_THREADS``, default all cores) and the numpy
engine. Before timing, it checks that the general kernel reproduces the bench kernel's final
values, trades and margin calls exactly.

    python benchmarks/policy_kernel.py                  # numba and numpy, best of 5 / 3
    python benchmarks/policy_kernel.py --engine numba --repeat 10
    python benchmarks/policy_kernel.py --values         # keep every run's value path too

Without ``--values`` the runs keep no value path (``simulate_paths(..., values=False)``): the
kernel measures each path online.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

from bench_inputs import ACCOUNT, BANDS, HEDGE_RATIOS, load_bench_data
from hedgekit.engine import HedgeTerms, PathSet, simulate_batch, simulate_paths


def main(argv: list[str] | None = None) -> int:
    """Time the general kernel and print ns per run-day."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--engine", choices=("numba", "numpy", "both"), default="both")
    p.add_argument("--repeat", type=int, default=0, help="timings per case (0: 5 numba, 3 numpy)")
    p.add_argument("--values", action="store_true", help="also keep the daily value paths")
    args = p.parse_args(argv)

    data = load_bench_data()
    paths = PathSet.from_market(data.market, ACCOUNT.beta)
    terms = HedgeTerms.from_account(ACCOUNT)
    h, b = (a.ravel() for a in np.meshgrid(HEDGE_RATIOS, BANDS, indexing="ij"))
    n, k = paths.n_days, h.size
    static = np.broadcast_to(h, (n, k))
    full = np.ascontiguousarray(static)
    bench = simulate_batch(data.market, h, b, ACCOUNT)
    engines = ("numba", "numpy") if args.engine == "both" else (args.engine,)
    load = os.getloadavg()
    print(f"{k:,} runs x {n:,} sessions = {n * k:,} run-days; "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")  # fmt: skip
    for engine in engines:
        repeat = args.repeat or (5 if engine == "numba" else 3)
        for label, targets in (("static", static), ("(n, k)", full)):

            def call(targets: np.ndarray = targets, engine: str = engine) -> object:
                return simulate_paths(paths, targets, terms, rule_parameter=b,
                                      engine=engine, values=args.values)  # type: ignore[arg-type]  # fmt: skip

            out = call()  # first call: compiles or loads the cached kernel
            _check(out, bench, h, b)
            best = float("inf")
            for _ in range(repeat):
                t0 = time.perf_counter()
                call()
                best = min(best, time.perf_counter() - t0)
            print(f"{engine:6s} {label:7s} targets: {best:7.3f} s  "
                  f"{best / (n * k) * 1e9:6.1f} ns per run-day (best of {repeat})")  # fmt: skip
    return 0


def _check(out: object, bench: object, h: np.ndarray, b: np.ndarray) -> None:
    """The bench grid's final values, trades and margin calls, reproduced exactly."""
    final = out.final_value_usd  # type: ignore[attr-defined]
    c = out.counters  # type: ignore[attr-defined]
    want = bench.final_value_usd.reshape(-1)  # type: ignore[attr-defined]
    if not (np.array_equal(final, want)
            and np.array_equal(c["n_trades"], bench.n_trades.reshape(-1))  # type: ignore[attr-defined]
            and np.array_equal(c["n_margin_calls"], bench.n_margin_calls.reshape(-1))):  # type: ignore[attr-defined]  # fmt: skip
        sys.exit("the general kernel does not reproduce the bench grid")


if __name__ == "__main__":
    sys.exit(main())
