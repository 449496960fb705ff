"""Malformed user files (CSV, Parquet, TOML, JSON) through the CLI keep the error promise.

Each example starts from a valid file and breaks it the ways files break in practice:
truncated, a byte-order mark, Latin-1 or binary bytes, a wrong or doubled header, doubled
or swapped rows, and cells replaced by huge, negative, zero, NaN or impossible values.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.fuzz._commands import SWEEP_TOML
from tests.fuzz._harness import (
    HOLDINGS_CSV,
    POSITION_JSON,
    assert_promise,
    fill_folder,
    price_csv,
    run_cli,
)

FUZZ = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

CELLS = ("1e400", "-1e308", "0", "-5", "nan", "inf", "", "abc", "2024-02-30", "9999-12-31",
         "\"", "1,5", "é", "\x00")  # fmt: skip
PORTFOLIO = ("--value-usd", "1000000", "--beta", "1", "--as-of", "2024-06-03")


@st.composite
def broken(draw: st.DrawFn, text: str) -> bytes:
    """``text`` broken in one to three ways."""
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(("truncate", "bom", "latin1", "junk", "header", "double",
                                    "swap", "cell", "empty")))  # fmt: skip
        n = len(lines)
        i = draw(st.integers(0, max(n - 1, 0)))
        if how == "truncate":
            joined = "".join(lines)
            lines = [joined[: draw(st.integers(0, len(joined)))]]
        elif how == "bom":
            lines = ["\ufeff", *lines]
        elif how == "latin1" and n:
            lines[i] = lines[i].rstrip("\n") + "\udce9\n"  # a lone 0xE9 byte
        elif how == "junk":
            lines.insert(i, "".join(draw(st.lists(st.characters(), max_size=20))) + "\n")
        elif how == "header" and n:
            lines[0] = lines[0].replace(",", ",,", 1) if draw(st.booleans()) else "a,b,a\n"
        elif how == "double" and n:
            lines.insert(i, lines[i])
        elif how == "swap" and n > 2:
            lines[1], lines[-1] = lines[-1], lines[1]
        elif how == "cell" and n:
            cells = lines[i].rstrip("\n").split(",")
            cells[draw(st.integers(0, len(cells) - 1))] = draw(st.sampled_from(CELLS))
            lines[i] = ",".join(cells) + "\n"
        elif how == "empty":
            lines = []
    return "".join(lines).encode("utf-8", errors="surrogateescape")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fill_folder(tmp_path_factory.mktemp("fuzz-files"))


def _check(folder: Path, name: str, content: bytes, argv: list[str]) -> None:
    path = folder / "input" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content)
    try:
        assert_promise(run_cli(argv, folder))
    finally:
        path.unlink()


FILES = {
    "holdings.csv": (HOLDINGS_CSV, ["plan", "--holdings", "input/holdings.csv"]),
    "prices.csv": (
        None,
        ["plan", "--holdings", "holdings.csv", "--prices", "input/prices.csv"],
    ),
    "contracts.toml": (
        '[[contract]]\nroot = "SP"\nname = "S&P"\nindex = "SPX"\nmultiplier_usd = 250.0\n'
        "tick_size_points = 0.1\n[[contract.margin]]\neffective = 2024-01-01\n"
        'initial_usd = 60000.0\nmaintenance_usd = 54545.0\nsource = "x"\n',
        [
            "calendar",
            "SP",
            "--from",
            "2024-01-02",
            "--to",
            "2024-06-28",
            "--contracts-file",
            "input/contracts.toml",
        ],
    ),
    "sweep.toml": (SWEEP_TOML, ["sweep", "input/sweep.toml"]),
    "pos.json": (POSITION_JSON, ["cost", *PORTFOLIO, "--position", "input/pos.json"]),
}


DECODING = "issue 10, decoding: a Latin-1 byte in a sweep TOML escapes as UnicodeDecodeError"
PARQUET_CELLS = (
    "issue 10, unclear messages and warnings: an inf or 1e308 Parquet price is reported at "
    "'prices[0]' (not the file and column), after a RuntimeWarning"
)


@pytest.mark.parametrize(
    "name",
    [pytest.param(n) if n == "sweep.toml" else n for n in sorted(FILES)],
)
def test_broken_text_file(name: str, folder: Path) -> None:
    seed, argv = FILES[name]
    text = seed if seed is not None else price_csv()[:4000]

    @FUZZ
    @given(content=broken(text))
    def check(content: bytes) -> None:
        _check(folder, name, content, argv)

    check()


def test_broken_parquet(folder: Path) -> None:
    frame = pd.read_csv(io.StringIO(price_csv()))

    @FUZZ
    @given(
        cut=st.one_of(st.none(), st.integers(0, 2000)),
        cell=st.sampled_from((None, 0.0, -1.0, float("nan"), float("inf"), 1e308)),
        reverse=st.booleans(),
    )
    def check(cut: int | None, cell: float | None, reverse: bool) -> None:
        table = frame.iloc[::-1] if reverse else frame.copy()
        if cell is not None:
            table.iloc[len(table) // 2, 1] = cell
        buffer = io.BytesIO()
        table.to_parquet(buffer, index=False)
        content = buffer.getvalue() if cut is None else buffer.getvalue()[:cut]
        argv = ["plan", "--holdings", "holdings.csv", "--prices", "input/prices.parquet"]
        _check(folder, "prices.parquet", content, argv)

    check()
