"""Monte Carlo stress at scale: 100,000 bootstrap paths x one year, hedged and unhedged.

Draws stationary-bootstrap paths (Politis & Romano 1994) of real S&P 500 daily returns with
the VIX and T-bill rate of the same sessions, runs the hedged (1x ES hedge, cash buffer,
daily settlement, rolls, margin calls) and unhedged portfolio over each, and prints the time
of the whole run and of its parts, with a few of the outputs so that runs can be compared.

    python benchmarks/montecarlo.py                       # 100,000 paths, 252 days, 2 workers
    python benchmarks/montecarlo.py --paths 20000 --workers 1 --engine numpy
    python benchmarks/montecarlo.py --model gbm           # or garch (arch's own simulation)
"""

from __future__ import annotations

import time

_T_SCRIPT = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from hedgekit.montecarlo import (  # noqa: E402
    DEFAULT_CHUNK_PATHS,
    Garch11,
    Gbm,
    StationaryBootstrap,
    StressSpec,
    historical_sample,
    iter_path_chunks,
    run_stress,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paths", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=252)
    parser.add_argument("--model", choices=("bootstrap", "gbm", "garch"), default="bootstrap")
    parser.add_argument("--engine", choices=("auto", "numba", "numpy"), default="auto")
    parser.add_argument("--workers", type=int, default=min(os.cpu_count() or 1, 2))
    parser.add_argument("--chunk", type=int, default=DEFAULT_CHUNK_PATHS)
    parser.add_argument("--repeat", type=int, default=2, help="extra warm timings")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--json", metavar="PATH")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    sample = historical_sample()
    t_sample = time.perf_counter() - t0
    if args.model == "bootstrap":
        model: Any = StationaryBootstrap(sample, 20.0)
    elif args.model == "gbm":
        model = Gbm.from_sample(sample)
    else:
        model = Garch11.fit(sample)
    spec = StressSpec.for_contract(
        "ES", value_usd=5_000_000.0, start=sample.last_date,
        index_level=float(sample.index_close[-1]), rate_annual=float(sample.rate_annual[-1]),
        dividend_yield=0.015, horizon_days=args.days, commission_per_contract_usd=2.5,
        slippage_ticks=1.0, buffer_multiple=1.5,
    )  # fmt: skip

    t0 = time.perf_counter()
    n = 0
    for chunk in iter_path_chunks(model, args.paths, args.days, args.seed, chunk_paths=args.chunk):
        n += chunk.paths.n_paths
    t_paths = time.perf_counter() - t0

    t0 = time.perf_counter()
    res = run_stress(spec, model, args.paths, rng=args.seed, chunk_paths=args.chunk,
                     workers=args.workers, engine=args.engine)  # fmt: skip
    t_first = time.perf_counter() - t0
    whole = time.perf_counter() - _T_SCRIPT
    warm = []
    for _ in range(max(args.repeat, 0)):
        t0 = time.perf_counter()
        run_stress(spec, model, args.paths, rng=args.seed, chunk_paths=args.chunk,
                   workers=args.workers, engine=args.engine)  # fmt: skip
        warm.append(time.perf_counter() - t0)

    s = res.summary(call_sizes_usd=[50_000.0])
    path_days = args.paths * args.days
    print(
        f"{args.model}: {args.paths:,} paths x {args.days} days = {path_days:,} path-days; "
        f"sample {sample.first_date} .. {sample.last_date} ({sample.n_sessions:,} sessions)"
    )
    print(f"engine {args.engine}, {args.workers} worker(s), chunks of {args.chunk:,} paths")
    print(f"\noutputs (seed {args.seed})")
    for side in ("hedged", "unhedged"):
        h = s[side]
        print(
            f"  {side:<9} median P&L {h['pnl_usd']['p50']:>12,.0f}"
            f"  VaR95 {h['var']['0.95']['usd']:>11,.0f}"
            f"  CVaR99 {h['cvar']['0.99']['usd']:>11,.0f}"
            f"  drawdown p95 {h['max_drawdown']['p95']:.4f}"
        )
    m = s["margin"]
    b = s["buffer"]["for_target"][0]
    print(
        f"  P(call) {m['probability_of_call']:.4f}  P(call > 50k) "
        f"{m['probability_call_above'][0]['probability']:.4f}  buffer for P(call) <= 5%: "
        f"{b['buffer_multiple']:.3f}x initial"
    )
    print("\ntiming")
    print(f"  load the sample                  {t_sample:8.3f} s")
    print(f"  draw the paths only              {t_paths:8.3f} s  ({n:,} paths, one thread)")
    print(f"  stress, first call               {t_first:8.3f} s  "
          f"{path_days / t_first / 1e6:8.1f} M path-days/s")  # fmt: skip
    if warm:
        best = min(warm)
        print(f"  stress, warm (best of {len(warm)})        {best:8.3f} s  "
              f"{path_days / best / 1e6:8.1f} M path-days/s")  # fmt: skip
    print(f"  script start to first results    {whole:8.3f} s")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(
                {"paths": args.paths, "days": args.days, "model": args.model,
                 "engine": args.engine, "workers": args.workers, "first_call_s": t_first,
                 "warm_best_s": min(warm) if warm else None, "paths_only_s": t_paths,
                 "script_s": whole, "summary": s},
                f, indent=2,
            )  # fmt: skip
    _ = np  # numpy is imported first so its import cost is in the script time
    return 0


if __name__ == "__main__":
    sys.exit(main())
