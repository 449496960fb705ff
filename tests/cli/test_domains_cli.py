"""One declared domain per option: every command refuses the same out-of-range values.

A rate typed in percent, a volatility of 18, an index level of 1e-300 or a portfolio of
1e308 dollars is refused with exit status 2 and a where/got/expected block naming the flag,
before any work is done, in every command that has the option.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hedgekit._domains import DOMAINS
from hedgekit.cli import main
from hedgekit.cli._main import app
from hedgekit.cli._options_doc import command_options, numeric_options, render

PORTFOLIO = ["--value-usd", "1000000", "--beta", "1", "--as-of", "2024-06-03"]
PLAN = ["plan", *PORTFOLIO]
COST = ["cost", *PORTFOLIO]
PUTS = ["puts", *PORTFOLIO]
COMPARE = ["compare", *PORTFOLIO]
STRESS = ["stress", "--paths", "10", "--horizon-days", "5", "--as-of", "2024-06-03"]
BACKTEST = ["backtest", "--value-usd", "1000000", "--from", "2023-01-03", "--to", "2023-03-01"]

#: (command line, the flag at fault, a fragment the message must carry)
BAD: list[tuple[list[str], str, str]] = [
    # percentages typed where a fraction belongs: each with its "did you mean" hint
    ([*STRESS, "--rate", "4.5"], "--rate", "did you mean 0.045"),
    ([*COST, "--margin-rate", "5"], "--margin-rate", "did you mean 0.05"),
    ([*STRESS, "--dividend-yield", "1.3"], "--dividend-yield", "did you mean 0.013"),
    ([*PUTS, "--vol", "18"], "--vol", "did you mean 0.18"),
    ([*COMPARE, "--vol", "18"], "--vol", "did you mean 0.18"),
    ([*BACKTEST, "--index-dividend-yield", "1.5"], "--index-dividend-yield", "did you mean"),
    ([*BACKTEST, "--dividend-yield", "2"], "--dividend-yield", "did you mean 0.02"),
    ([*COMPARE, "--tax-rate", "20"], "--tax-rate", "did you mean 0.2"),
    ([*PLAN, "--rate", "4.5"], "--rate", "did you mean 0.045"),
    ([*COST, "--rate", "4.5"], "--rate", "did you mean 0.045"),
    ([*PLAN, "--net-short-tolerance", "5"], "--net-short-tolerance", "did you mean 0.05"),
    # hedge ratios and betas
    ([*STRESS, "--hedge", "2"], "--hedge", "0 to 1"),
    ([*BACKTEST, "--hedge", "1.5"], "--hedge", "0 to 1"),
    ([*STRESS, "--beta", "-7"], "--beta", "-5 to 5"),
    ([*PLAN[:3], "--beta", "9", "--as-of", "2024-06-03"], "--beta", "-5 to 5"),
    ([*PLAN, "--target-beta", "nan"], "--target-beta", "finite"),
    # money and levels
    ([*STRESS, "--index-level", "1e-300"], "--index-level", "1 <= x"),
    ([*PLAN, "--index-level", "1e-300"], "--index-level", "1 <= x"),
    ([*PLAN, "--futures-price", "1e300"], "--futures-price", "x < 10,000,000"),
    (["stress", "--paths", "10", "--value-usd", "1e308"], "--value-usd", "1e+12"),
    (["plan", "--value-usd", "1e308", "--beta", "1"], "--value-usd", "1e+12"),
    (["backtest", "--value-usd", "1e308"], "--value-usd", "1e+12"),
    ([*PLAN, "--net-worth", "inf"], "--net-worth", "finite"),
    ([*STRESS, "--initial-margin", "-5"], "--initial-margin", "0 < x"),
    # counts
    ([*PLAN, "--window", "1000000"], "--window", "20 to 10,000"),
    (["stress", "--paths", "1000000000000"], "--paths", "1,000,000"),
    (["stress", "--paths", "0"], "--paths", "1 to"),
    ([*PLAN, "--horizon-days", "100000"], "--horizon-days", "1 to 3,660"),
    ([*PUTS, "--days", "100000"], "--days", "1 to 3,660"),
    # buffer multiples, call sizes, lists item by item
    ([*STRESS, "--buffers", "nan"], "--buffers", "finite"),
    ([*STRESS, "--buffers", "1.5,0.5"], "--buffers", "1 to 100"),
    ([*STRESS, "--buffer", "inf"], "--buffer", "finite"),
    ([*BACKTEST, "--margin-buffer", "nan"], "--margin-buffer", "finite"),
    ([*STRESS, "--call-above", "-5"], "--call-above", "0 < x"),
    ([*STRESS, "--target-call-prob", "150%"], "--target-call-prob", "0 < x < 1"),
    ([*PLAN, "--moves", "-150"], "--moves", "-99 to 500"),
    ([*COST, "--quoted-spread", "1e9"], "--quoted-spread", "10,000"),
    # dates: the option named and the supported range stated
    (["tour", "--as-of", "9999-12-25"], "--as-of", "2100-12-31"),
    (["calendar", "ES", "--from", "1800-01-01"], "--from", "1950-01-03"),
]


@pytest.mark.parametrize(
    ("argv", "flag", "words"), BAD, ids=[" ".join([a[0], *a[-2:]]) for a, _, _ in BAD]
)
def test_out_of_domain_values_are_refused_naming_the_flag(
    capsys: pytest.CaptureFixture[str], argv: list[str], flag: str, words: str
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:"), err
    assert f"where:    {flag}" in err, err
    assert words in err, err
    assert "Traceback" not in err


def test_every_numeric_option_of_every_command_has_a_domain() -> None:
    missing = [(cmd, flag) for cmd, flag in numeric_options(app) if flag not in DOMAINS]
    assert missing == []


def test_every_option_with_a_domain_is_checked_when_parsed() -> None:
    unchecked = [
        (cmd, max(p.opts, key=len))
        for cmd, params in command_options(app).items()
        for p in params
        if any(o in DOMAINS for o in p.opts) and p.callback is None
    ]
    assert unchecked == []


def test_every_domain_belongs_to_an_option_of_some_command() -> None:
    flags = {max(p.opts, key=len) for ps in command_options(app).values() for p in ps}
    assert set(DOMAINS) - flags == set()


def test_docs_options_page_is_the_table() -> None:
    page = Path(__file__).parents[2] / "docs" / "options.md"
    assert page.read_text(encoding="utf-8") == render(app), (
        "docs/options.md is stale: python -m hedgekit.cli._options_doc > docs/options.md"
    )


def test_every_default_is_inside_its_domain() -> None:
    for cmd, params in command_options(app).items():
        for p in params:
            flag = max(p.opts, key=len)
            d = DOMAINS.get(flag)
            if d is not None and isinstance(p.default, int | float) and not d.listed:
                assert d.contains(p.default), (cmd, flag, p.default)


def _outside(flag: str) -> st.SearchStrategy[float]:
    d = DOMAINS[flag]
    return st.floats(allow_nan=True, allow_infinity=True).filter(lambda x: not d.contains(x))


def _text(x: float) -> str:
    return repr(x) if math.isfinite(x) else str(x)


@given(x=_outside("--rate"))
def test_stress_rate_out_of_domain_exits_2(x: float) -> None:
    _assert_refused([*STRESS, "--rate", _text(x)], "--rate")


@given(x=_outside("--margin-rate"))
def test_cost_margin_rate_out_of_domain_exits_2(x: float) -> None:
    _assert_refused([*COST, "--margin-rate", _text(x)], "--margin-rate")


@given(x=_outside("--vol"))
def test_puts_vol_out_of_domain_exits_2(x: float) -> None:
    _assert_refused([*PUTS, "--vol", _text(x)], "--vol")


@given(x=_outside("--value-usd"))
def test_backtest_value_out_of_domain_exits_2(x: float) -> None:
    _assert_refused(["backtest", "--value-usd", _text(x)], "--value-usd")


@given(x=_outside("--buffers"))
def test_stress_buffers_out_of_domain_exits_2(x: float) -> None:
    _assert_refused([*STRESS, "--buffers", f"1.5,{_text(x)}"], "--buffers")


def _assert_refused(argv: list[str], flag: str) -> None:
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(argv)
    text = err.getvalue()
    assert status == 2, text
    assert f"where:    {flag}" in text, text


SWEEP = [
    "sweep", "--grid", "period.start=2020-01-02", "--grid", "period.end=2020-06-30",
    "--grid", "portfolio.value_usd=1e6",
]  # fmt: skip


@pytest.mark.parametrize(
    ("grid", "key", "words"),
    [
        ("portfolio.value_usd=1e308", "portfolio.value_usd", "1e+12"),
        ("portfolio.dividend_yield=2", "portfolio.dividend_yield", "did you mean 0.02"),
        ("portfolio.beta=1,9", "portfolio.beta", "-5 to 5"),
        ("margin.buffer_multiple=nan", "margin.buffer_multiple", "finite"),
        ("costs.commission_usd=1e9", "costs.commission_usd", "0 to 1,000"),
    ],
)
def test_sweep_grid_values_have_the_options_domains(
    capsys: pytest.CaptureFixture[str], grid: str, key: str, words: str
) -> None:
    assert main([*SWEEP, "--grid", grid]) == 2
    err = capsys.readouterr().err
    assert f"column '{key}'" in err, err
    assert words in err, err


def test_a_contract_file_with_an_absurd_multiplier_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    toml = tmp_path / "c.toml"
    toml.write_text(
        '[[contract]]\nroot = "XX"\nname = "x"\nindex = "SPX"\nmultiplier_usd = 1e308\n'
        'tick_size_points = 0.25\nmonths = "HMUZ"\nexchange = "CME"\n',
        encoding="utf-8",
    )
    assert main(["contracts", "--contracts-file", str(toml)]) == 2
    err = capsys.readouterr().err
    assert "multiplier_usd" in err, err
    assert "1e+308" in err, err
