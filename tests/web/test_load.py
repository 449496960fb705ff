"""The load benchmark, bounded: 20 concurrent clients on loopback, every answer a 200.

The latency figures belong to ``benchmarks/web_load.py`` (a benchmark, not a timed test);
here only its correctness is checked: no error and every request answered.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "web_load.py"


def test_twenty_concurrent_clients_get_no_error() -> None:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--clients", "20", "--requests", "200"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"^200 plan requests, 20 clients", proc.stdout, re.M), proc.stdout
    assert re.search(r"^errors: 0$", proc.stdout, re.M), proc.stdout
