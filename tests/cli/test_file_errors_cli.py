"""File options on the command line: blank names, long names and file columns in errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from hedgekit.cli import main

PORTFOLIO = ["--value-usd", "1000000", "--beta", "1", "--as-of", "2024-06-03"]

CASES = [
    (["plan", *PORTFOLIO, "--holdings", ""], "--holdings"),
    (["cost", *PORTFOLIO, "--prices", " "], "--prices"),
    (["puts", *PORTFOLIO, "--contracts-file", ""], "--contracts-file"),
    (["compare", *PORTFOLIO, "--position", ""], "--position"),
    (["backtest", "--holdings", ""], "--holdings"),
    (["stress", "--position", " "], "--position"),
    (["sweep", "any.toml", "--position", ""], "--position"),
    (["calendar", "ES", "--contracts-file", ""], "--contracts-file"),
    (["contracts", "--contracts-file", ""], "--contracts-file"),
]


@pytest.mark.parametrize(("argv", "flag"), CASES, ids=[" ".join(a[:1] + a[-2:]) for a, _ in CASES])
def test_blank_file_name_names_the_option(
    capsys: pytest.CaptureFixture[str], argv: list[str], flag: str
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no file name given")
    assert f"where:    {flag}" in err


def test_a_long_file_name_stays_on_the_where_line(capsys: pytest.CaptureFixture[str]) -> None:
    name = "x" * 300 + ".toml"
    assert main(["contracts", "--contracts-file", name]) == 2
    lines = capsys.readouterr().err.splitlines()
    where = [line for line in lines if line.startswith("  where:")]
    assert where == [f"  where:    {name}"], lines


def test_a_file_error_names_the_file_column_not_a_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``cost_basis_usd`` is a holdings column; ``--cost-basis-usd`` is compare's flag."""
    held = tmp_path / "held.csv"
    held.write_text("symbol,qty\nAAPL,180\n", encoding="utf-8")
    assert main(["plan", "--holdings", str(held)]) == 2
    err = capsys.readouterr().err
    assert "cost_basis_usd" in err
    assert "--cost-basis-usd" not in err
