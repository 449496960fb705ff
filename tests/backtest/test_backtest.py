"""Backtests on real bundled history: price sources, rolls, records, margin models, batches."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest

from hedgekit.backtest import (
    DAILY_COLUMNS,
    BacktestSpec,
    Costs,
    HoldingsPortfolio,
    IndexPortfolio,
    MarginSpec,
    load_history,
    run_backtest,
    run_batch,
)
from hedgekit.datasets import load_es_front_month, load_sp500, load_tbill_3m
from hedgekit.errors import InputError
from hedgekit.policies import (
    Always,
    FloorCppi,
    PolicyState,
    StatefulPolicy,
    StaticHedge,
    VixTiers,
)
from hedgekit.pricing import tbill_discount_to_continuous

PORTFOLIO = IndexPortfolio(1_000_000.0)
DEC_2008 = BacktestSpec(
    "2008-12-01", "2008-12-31", PORTFOLIO, policy=StaticHedge(0.75), rebalance=Always()
)


@pytest.fixture(scope="module")
def dec_2008() -> pd.DataFrame:
    return run_backtest(DEC_2008, engine="python").daily


def test_price_source_follows_the_es1_contract(dec_2008: pd.DataFrame) -> None:
    # CME roll of ESZ2008: 2008-12-19 - 8 days = Thursday 2008-12-11. From the next session the
    # position holds ESH2009, which CHRIS ES1 only shows after ESZ2008 expires on 12-19.
    d = dec_2008
    es1 = load_es_front_month()
    assert d.loc["2008-12-11", "contract_settled"] == "ESZ2008"
    assert d.loc["2008-12-11", "futures_settle_source"] == "settlement"
    assert d.loc["2008-12-11", "futures_price_settle"] == es1.loc["2008-12-11", "settle"]
    assert d.loc["2008-12-11", "contract"] == "ESH2009"
    assert bool(d.loc["2008-12-11", "is_roll"])
    between = d.loc["2008-12-11":"2008-12-19"]
    assert (between["futures_price_source"] == "fair value").all()
    after = d.loc["2008-12-22":]
    assert (after["futures_price_source"] == "settlement").all()
    assert (after["contract"] == "ESH2009").all()
    np.testing.assert_array_equal(after["futures_price"], es1.loc[after.index, "settle"])
    assert d["is_roll"].sum() == 1


def test_fair_value_from_index_tbill_and_dividend_yield(dec_2008: pd.DataFrame) -> None:
    # F = S exp((r - q) tau) on 2008-12-15 for ESH2009 (last trading day 2009-03-20: 95 days)
    day = pd.Timestamp("2008-12-15")
    s = load_sp500().loc[day, "close"]
    tb = load_tbill_3m()["discount_pct"].dropna()
    r = tbill_discount_to_continuous(float(tb.loc[:day].iloc[-1]))
    q = dec_2008.loc[day, "dividend_yield"]
    expected = s * math.exp((r - q) * 95 / 365)
    assert dec_2008.loc[day, "futures_price"] == pytest.approx(expected, rel=1e-12)
    assert dec_2008.loc[day, "rate_annual"] == pytest.approx(r)
    assert 0.02 < q < 0.04  # S&P 500 trailing yield in late 2008 was about 3%


def test_daily_columns_and_accounting(dec_2008: pd.DataFrame) -> None:
    d = dec_2008
    assert tuple(d.columns[: len(DAILY_COLUMNS)]) == DAILY_COLUMNS
    total = d["stocks_usd"] + d["margin_account_usd"] + d["cash_usd"]
    np.testing.assert_allclose(d["total_value_usd"], total, rtol=1e-15)
    assert d["contracts"].dtype == np.int64
    assert (d["contracts"] < 0).all()
    # money in = money out: each day's change is stock P&L + interest + marks - costs
    flows = d["stock_return_usd"] + d["interest_usd"] + d["settlement_usd"] - d["fees_usd"]
    flows = flows - d["slippage_usd"]
    np.testing.assert_allclose(np.diff(d["total_value_usd"]), flows.iloc[1:], atol=1e-6)


def test_roll_fills_both_legs() -> None:
    res = run_backtest(DEC_2008, engine="interpreted")
    fills = res.fills.set_index("reason")
    close, open_ = fills.loc["roll_close"], fills.loc["roll_open"]
    daily = res.daily
    prev = daily["contracts"].shift(1).loc["2008-12-11"]
    assert close["contract"] == "ESZ2008"
    assert close["quantity"] == -prev
    assert close["price"] == daily.loc["2008-12-11", "futures_price_settle"]
    assert open_["contract"] == "ESH2009"
    assert open_["quantity"] == daily.loc["2008-12-11", "contracts"]
    roll = res.rolls.iloc[0]
    assert (roll["from_contract"], roll["to_contract"]) == ("ESZ2008", "ESH2009")
    assert roll["spread_points"] == pytest.approx(open_["price"] - close["price"])
    # fees: 2.50 per contract per side; slippage 1 tick = 12.50 USD per contract per side
    assert (res.fills["fee_usd"] == res.fills["quantity"].abs() * 2.5).all()
    assert (res.fills["slippage_usd"] == res.fills["quantity"].abs() * 12.5).all()
    assert res.metrics.n_rolls == 1
    assert res.metrics.roll_cost_usd == pytest.approx(
        15.0 * (abs(close["quantity"]) + abs(open_["quantity"]))
    )
    assert res.metrics.n_trades == len(res.fills)


def test_engines_agree_on_real_history(dec_2008: pd.DataFrame) -> None:
    res = run_backtest(DEC_2008, engine="interpreted")
    np.testing.assert_allclose(
        res.daily["total_value_usd"], dec_2008["total_value_usd"], rtol=1e-13
    )


def test_zero_hedge_equals_unhedged_exactly() -> None:
    spec = BacktestSpec("2020-02-03", "2020-04-30", PORTFOLIO, policy=StaticHedge(0.0))
    res = run_backtest(spec, engine="interpreted")
    np.testing.assert_array_equal(res.daily["total_value_usd"], res.daily["unhedged_value_usd"])
    assert res.fills.empty
    assert res.margin_calls.empty
    assert res.metrics.hedge_effectiveness == pytest.approx(0.0, abs=1e-12)


def test_margin_models() -> None:
    base = {"start": "2019-03-01", "end": "2019-05-31", "portfolio": PORTFOLIO,
            "policy": StaticHedge(1.0)}  # fmt: skip
    notional = run_backtest(BacktestSpec(**base, margin=MarginSpec(model="notional")),  # type: ignore[arg-type]
                            engine="interpreted").daily  # fmt: skip
    # 5% of notional m F per contract, maintenance = initial / 1.1
    expected = 0.05 * 50.0 * notional["futures_price"] * notional["contracts"].abs()
    np.testing.assert_allclose(notional["initial_margin_usd"], expected, rtol=1e-12)
    np.testing.assert_allclose(notional["maintenance_margin_usd"], expected / 1.1, rtol=1e-12)
    fixed = run_backtest(
        BacktestSpec(**base, margin=MarginSpec(initial_usd=6_000.0, maintenance_usd=5_000.0)),  # type: ignore[arg-type]
        engine="interpreted",
    ).daily
    np.testing.assert_allclose(fixed["initial_margin_usd"], 6_000.0 * fixed["contracts"].abs())
    np.testing.assert_allclose(fixed["maintenance_margin_usd"], 5_000.0 * fixed["contracts"].abs())
    # the default: the registry's first ES figure (12,000, dated 2024-01-01) scaled by
    # notional before that date: 12,000 x F_t / F on 2024-01-02 (the first session after),
    # F from the market snapshot, the rule plan and stress use too
    from hedgekit.contracts import get_contract
    from hedgekit.plan import PlanRequest, make_plan
    from hedgekit.snapshot import first_margin_price

    res = run_backtest(BacktestSpec(**base), engine="interpreted")  # type: ignore[arg-type]
    reg = res.daily
    day, f0 = first_margin_price(get_contract("ES"))
    assert day == dt.date(2024, 1, 2)
    per_contract = reg["initial_margin_usd"] / reg["contracts"].abs()
    np.testing.assert_allclose(per_contract, 12_000.0 * reg["futures_price"] / f0, rtol=1e-12)
    assert per_contract.iloc[0] < 12_000.0  # the index was lower in 2019 than in 2024
    assert any("scaled by notional" in n for n in res.notes)
    # the plan on the backtest's first day charges the same margin per contract
    f_day0 = float(reg["futures_price"].iloc[0])
    plan = make_plan(PlanRequest(value_usd=1e6, beta=1.0, contract="ES", use_micro=False,
                                 as_of=dt.date(2019, 3, 1), futures_price=f_day0))  # fmt: skip
    assert plan.margin.lines[0].initial_per_contract_usd == pytest.approx(per_contract.iloc[0])
    after = run_backtest(BacktestSpec("2024-01-03", "2024-02-15", PORTFOLIO), engine="interpreted")
    np.testing.assert_allclose(after.daily["initial_margin_usd"],
                               12_000.0 * after.daily["contracts"].abs())  # fmt: skip


def test_margin_calls_from_cash_leave_stocks_alone() -> None:
    spec = BacktestSpec("2019-03-01", "2019-05-31", PORTFOLIO, policy=StaticHedge(1.0),
                        margin=MarginSpec(call_source="cash"), cash_usd=50_000.0)  # fmt: skip
    res = run_backtest(spec, engine="interpreted")
    d = res.daily
    # stocks move only by their own returns once the position is open
    np.testing.assert_allclose(np.diff(d["stocks_usd"]), d["stock_return_usd"].iloc[1:], atol=1e-6)
    assert not res.margin_calls.empty
    assert (res.margin_calls["source"] == "cash").all()
    assert res.metrics.largest_margin_call_usd == pytest.approx(
        res.margin_calls["amount_usd"].max()
    )


def test_fair_mode_and_other_roots() -> None:
    spec = BacktestSpec("2008-12-01", "2008-12-31", PORTFOLIO, futures_prices="fair")
    assert (load_history(spec).source_hold == "fair value").all()
    nq = BacktestSpec("2015-03-02", "2015-04-30", PORTFOLIO, contract="NQ",
                      index_dividend_yield=0.012)  # fmt: skip
    hist = load_history(nq)
    # NQ is marked at the bundled NQ=F close where that series holds the contract held (the
    # snapshot's rule, as the plan prices it), at fair value between the roll and expiry
    assert set(hist.source_hold) == {"close", "fair value"}
    from hedgekit import datasets

    nq_close = datasets.load_futures_front("NQ")["close"]
    closes = hist.source_hold == "close"
    np.testing.assert_array_equal(
        hist.futures_price_hold[closes], nq_close.reindex(hist.dates[closes]).to_numpy()
    )
    assert hist.multiplier_usd == 20.0
    # the backtest's yield is the plan's (hedgekit.snapshot): QQQ against the NASDAQ-100,
    # and SPY against the S&P 500 after the total-return index ends (2024-02-16)
    from hedgekit.snapshot import dividend_yield_at

    for spec in (
        BacktestSpec("2015-03-02", "2015-04-30", PORTFOLIO, contract="NQ"),
        BacktestSpec("2025-03-03", "2025-04-30", PORTFOLIO),
    ):
        hist = load_history(spec)
        day = hist.dates[10].date()
        index = "NDX" if spec.contract == "NQ" else "SPX"
        assert hist.dividend_yield[10] == dividend_yield_at(index, day)[0].value
    # before QQQ has a year and a quarter of history there is no NASDAQ-100 yield
    with pytest.raises(InputError, match="dividend yield") as err:
        load_history(BacktestSpec("1999-07-01", "1999-08-31", PORTFOLIO, contract="NQ"))
    assert err.value.source == "--index-dividend-yield"


def test_holdings_portfolio_uses_adjusted_prices() -> None:
    spec = BacktestSpec("2018-10-01", "2018-12-24",
                        HoldingsPortfolio({"AAPL": 1_000, "MSFT": 2_000}, beta=1.2),
                        policy=StaticHedge(0.0))  # fmt: skip
    res = run_backtest(spec, engine="interpreted")
    from hedgekit.datasets import load_large_caps

    px = load_large_caps().loc[res.daily.index, ["AAPL", "MSFT"]]
    value = px["AAPL"] * 1_000 + px["MSFT"] * 2_000
    np.testing.assert_allclose(res.daily["unhedged_value_usd"], value, rtol=1e-12)


class HalfBelowStart(StatefulPolicy):
    """Hedge half once the account is below its starting value."""

    def decide(self, state: PolicyState) -> float:
        return 0.5 if state.total_value_usd < state.initial_value_usd else 0.0


def test_stateful_policy_runs_on_the_python_engine() -> None:
    spec = BacktestSpec("2018-10-01", "2018-12-24", PORTFOLIO, policy=HalfBelowStart())
    res = run_backtest(spec)
    assert res.engine == "python"
    assert set(res.daily["hedge_ratio_target"].round(6)) <= {0.0, 0.5}
    assert res.metrics.n_trades > 0
    with pytest.raises(InputError, match="python engine"):
        run_backtest(spec, engine="numba")


def test_cppi_inside_the_kernel() -> None:
    spec = BacktestSpec("2008-06-02", "2009-03-09", PORTFOLIO,
                        policy=FloorCppi(floor_fraction=0.85, multiplier=3),
                        rebalance=Always())  # fmt: skip
    a = run_backtest(spec, engine="python")
    b = run_backtest(spec, engine="interpreted")
    np.testing.assert_allclose(a.daily["total_value_usd"], b.daily["total_value_usd"], rtol=1e-13)
    # the floor holds far better than the unhedged portfolio's 50% fall
    assert a.daily["total_value_usd"].min() > 0.80 * 1_000_000
    assert a.unhedged_metrics.max_drawdown > 0.45


def test_batch_rows_match_single_runs() -> None:
    specs = [
        BacktestSpec("2018-10-01", "2018-12-24", PORTFOLIO, policy=p, costs=Costs(1.0, 0.5))
        for p in (StaticHedge(0.5), VixTiers(), StaticHedge(1.0), HalfBelowStart())
    ]
    seen: list[tuple[int, int]] = []
    batch = run_batch(specs, engine="interpreted", progress=lambda d, t: seen.append((d, t)),
                      chunk_runs=2)  # fmt: skip
    assert batch.n_runs == 4
    assert seen[-1] == (4, 4)
    for i, spec in enumerate(specs):
        single = run_backtest(spec, engine="interpreted" if i < 3 else "python")
        assert batch.metrics(i).final_value_usd == pytest.approx(single.metrics.final_value_usd)
        assert batch.metrics(i).n_trades == single.metrics.n_trades
        # the batch measures online (no value path kept), the single run from its path:
        # the same measures, equal but for rounding in another order
        got, want = batch.metrics(i), single.metrics
        for name in ("volatility_annual", "sharpe", "sortino", "hedge_effectiveness", "cagr",
                     "total_return", "max_drawdown", "average_hedge_ratio"):  # fmt: skip
            assert getattr(got, name) == pytest.approx(getattr(want, name), rel=1e-12,
                                                       abs=1e-13), (i, name)  # fmt: skip
        for name in ("max_drawdown_start", "max_drawdown_trough", "max_drawdown_end"):
            assert getattr(got, name) == getattr(want, name), (i, name)
    json.dumps(batch.to_dict())


def test_batch_reuses_a_preloaded_history() -> None:
    specs = [
        BacktestSpec("2018-10-01", "2018-12-24", IndexPortfolio(1e6, beta=b), policy=StaticHedge(h))
        for b, h in ((1.0, 0.5), (1.2, 0.5), (1.0, 1.0))
    ]
    hist = load_history(specs[0])
    given = run_batch(specs, engine="interpreted", history=hist)
    loaded = run_batch(specs, engine="interpreted")
    pd.testing.assert_frame_equal(given.frame, loaded.frame, check_exact=True)
    other = BacktestSpec("2019-10-01", "2019-12-24", PORTFOLIO)
    with pytest.raises(InputError, match="preloaded history") as err:
        run_batch([specs[0], other], engine="interpreted", history=hist)
    assert err.value.source == "history"
    assert err.value.row == 1


def test_result_serialises() -> None:
    res = run_backtest(DEC_2008, engine="interpreted")
    out = json.loads(json.dumps(res.to_dict(daily=True)))
    assert out["fills"][0]["reason"] == "open"
    assert out["daily"][0]["date"] == "2008-12-01"
    frame = res.summary_frame()
    assert list(frame.columns) == ["hedged", "unhedged"]


def test_bad_specs() -> None:
    with pytest.raises(InputError):
        BacktestSpec("2020-01-10", "2020-01-01", PORTFOLIO)
    with pytest.raises(InputError, match="seed"):
        IndexPortfolio(1e6, idio_vol_annual=0.1)
    with pytest.raises(InputError):
        MarginSpec(buffer_multiple=2.0, sweep_multiple=1.5)
    with pytest.raises(InputError, match="fewer than 3 sessions"):
        load_history(BacktestSpec("1900-01-01", "1900-02-01", PORTFOLIO))
    # a weekend and one Monday inside the history: the dates are valid, the range too short
    with pytest.raises(InputError, match=r"\(1 found\)") as err:
        load_history(BacktestSpec("2007-01-06", "2007-01-08", PORTFOLIO))
    assert "at least 3 sessions" in str(err.value.expected)


@pytest.mark.slow
def test_numba_engine_on_real_history(dec_2008: pd.DataFrame) -> None:
    from hedgekit.engine import available_engines

    if "numba" not in available_engines():
        pytest.skip("numba not installed or disabled by HEDGEKIT_DISABLE_NUMBA")
    res = run_backtest(DEC_2008, engine="numba")
    assert res.engine == "numba"
    pd.testing.assert_frame_equal(res.daily, dec_2008, rtol=1e-13)


def test_numpy_engine_on_real_history(dec_2008: pd.DataFrame) -> None:
    res = run_backtest(DEC_2008, engine="numpy")
    assert res.engine == "numpy"
    pd.testing.assert_frame_equal(res.daily, dec_2008, rtol=1e-13)


def test_progress_is_reported() -> None:
    seen: list[tuple[int, int]] = []
    run_backtest(DEC_2008, engine="python", progress=lambda d, t: seen.append((d, t)))
    n = len(run_backtest(DEC_2008, engine="interpreted").daily)
    assert seen[-1] == (n, n)
