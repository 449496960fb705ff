"""Bad input on the command line is reported with the flag the user typed, never Python names."""

from __future__ import annotations

import re

import pytest

from hedgekit.cli import main

PLAN = ["plan", "--value-usd", "150000", "--beta", "1", "--as-of", "2024-06-03"]
STRESS = ["stress", "--paths", "10", "--horizon-days", "5"]

#: (command line, the flag the error must name)
BAD = [
    ([*PLAN, "--rate", "5"], "--rate"),
    ([*PLAN, "--rate", "-0.9"], "--rate"),
    ([*PLAN, "--hedge", "1.5"], "--hedge"),
    (["plan", "--value-usd", "-5", "--beta", "1"], "--value-usd"),
    (["plan", "--value-usd", "150000", "--beta", "0"], "--beta"),
    ([*PLAN, "--index-level", "-5"], "--index-level"),
    ([*PLAN, "--futures-price", "0"], "--futures-price"),
    ([*PLAN, "--dividend-yield", "3"], "--dividend-yield"),
    ([*PLAN, "--target-beta", "-0.5"], "--target-beta"),
    ([*PLAN, "--horizon-days", "0"], "--horizon-days"),
    ([*PLAN, "--commission", "-1"], "--commission"),
    ([*PLAN, "--slippage-ticks", "-1"], "--slippage-ticks"),
    ([*PLAN, "--net-worth", "-1"], "--net-worth"),
    ([*PLAN, "--cash-buffer", "-1"], "--cash-buffer"),
    ([*PLAN, "--net-short-tolerance", "2"], "--net-short-tolerance"),
    ([*PLAN, "--contract", "ZZ"], "--contract"),
    (["plan", "--value-usd", "150000", "--beta", "1", "--as-of", "1900-01-01"], "--as-of"),
    (["plan", "--value-usd", "150000"], "--beta"),
    ([*PLAN, "--hedge", "0.5", "--target-beta", "0.5"], "--target-beta"),
    (["cost", "--value-usd", "150000", "--beta", "1", "--horizon", "0d"], "--horizon"),
    (["puts", "--value-usd", "150000", "--beta", "1", "--vol", "-1"], "--vol"),
    (["puts", "--value-usd", "150000", "--beta", "1", "--days", "0"], "--days"),
    (["compare", "--value-usd", "150000", "--beta", "1", "--tax-rate", "2"], "--tax-rate"),
    (
        ["compare", "--value-usd", "150000", "--beta", "1", "--sell-fraction", "2"],
        "--sell-fraction",
    ),
    (["backtest", "--value-usd", "-1"], "--value-usd"),
    ([*STRESS, "--value-usd", "-1"], "--value-usd"),
    ([*STRESS, "--buffer", "0"], "--buffer"),
    ([*STRESS, "--seed", "-1"], "--seed"),
    ([*STRESS, "--workers", "0"], "--workers"),
    ([*STRESS, "--block-length", "0"], "--block-length"),
]

#: snake_case field names, CamelCase class names, Python reprs of containers.
PYTHON_NAMES = re.compile(
    r"\b[a-z]+(?:_[a-z]+)+\b|\b[A-Z][a-z]+(?:[A-Z][a-z]+)+\b|[\[({]'|numpy|Generator"
)


@pytest.mark.parametrize(("argv", "flag"), BAD, ids=[" ".join(a[:1] + a[-2:]) for a, _ in BAD])
def test_bad_input_names_the_flag_not_python(
    capsys: pytest.CaptureFixture[str], argv: list[str], flag: str
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:")
    assert flag in err
    assert PYTHON_NAMES.search(err) is None, err
