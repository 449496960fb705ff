"""The benchmark path stays light: the engine and the numpy data reader never load pandas.

Whole-process time of the grid benchmark is dominated by imports (benchmarks/README.md);
pandas alone costs ~0.4 s, so it must not creep back onto this path.
"""

from __future__ import annotations

import subprocess
import sys


def test_engine_and_load_columns_do_not_import_pandas() -> None:
    code = (
        "import sys\n"
        "import hedgekit.engine\n"
        "from hedgekit.datasets import load_columns\n"
        "from hedgekit.engine import AccountSpec, MarketPath, run_grid\n"
        "load_columns('sp500', ['close'])\n"
        "print('pandas' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"
