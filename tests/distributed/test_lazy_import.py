"""Dask is loaded by a run on Dask only: the command line starts as fast as before."""

from __future__ import annotations

import subprocess
import sys


def test_the_command_line_and_the_package_import_no_dask() -> None:
    code = (
        "import sys, hedgekit.cli, hedgekit.distributed; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)  # fmt: skip
    assert proc.stdout.strip() == "[]"
