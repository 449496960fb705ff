"""Load on the web API: uvicorn on loopback, concurrent clients, plan requests.

    python benchmarks/web_load.py                      # 20 clients, 1,000 requests
    python benchmarks/web_load.py --clients 50 --requests 5000 --workers 4

Starts ``hedgekit serve`` (one uvicorn process, or ``--workers N``) on a free loopback port,
waits for it, then sends ``POST /api/plan`` for a value-and-beta portfolio (the plan of
``hedgekit plan --value-usd ... --beta ... --as-of 2024-06-03``) from ``--clients`` threads,
each with its own keep-alive connection, until ``--requests`` are answered. Prints the
errors (any answer but 200), the p50/p95/max latency and the requests per second.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    args = ap.parse_args()

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "hedgekit.web:create_app",
           "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers),
           "--log-level", "warning"]  # fmt: skip
    server = subprocess.Popen(cmd, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/openapi.json", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                print("the server did not start", file=sys.stderr)
                return 1
            time.sleep(0.2)
        body = {"value_usd": 1_000_000, "beta": 1.1, "as_of": "2024-06-03", "hedge": 0.8}
        httpx.post(f"{url}/api/plan", json=body, timeout=60)  # warm: datasets loaded once

        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        remaining = [args.requests]

        def client() -> None:
            with httpx.Client(base_url=url, timeout=60) as c:
                while True:
                    with lock:
                        if remaining[0] == 0:
                            return
                        remaining[0] -= 1
                    t0 = time.perf_counter()
                    try:
                        r = c.post("/api/plan", json=body)
                        ok = r.status_code == 200
                        why = f"HTTP {r.status_code}"
                    except httpx.HTTPError as exc:
                        ok, why = False, type(exc).__name__
                    dt = time.perf_counter() - t0
                    with lock:
                        latencies.append(dt)
                        if not ok:
                            errors.append(why)

        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
    finally:
        server.terminate()
        server.wait(timeout=30)

    q = statistics.quantiles(latencies, n=100)
    print(f"{len(latencies):,} plan requests, {args.clients} clients, "
          f"{args.workers} uvicorn worker(s), {os.cpu_count()} CPUs")  # fmt: skip
    print(f"errors: {len(errors)}" + (f" ({', '.join(sorted(set(errors)))})" if errors else ""))
    print(f"latency p50 {q[49] * 1000:.0f} ms, p95 {q[94] * 1000:.0f} ms, "
          f"max {max(latencies) * 1000:.0f} ms")  # fmt: skip
    print(f"throughput {len(latencies) / wall:.1f} requests/s ({wall:.1f} s)")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
