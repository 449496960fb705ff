"""The time-varying ratio policy: no look-ahead, and the same run on every engine."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from hedgekit.backtest import BacktestSpec, IndexPortfolio, run_backtest
from hedgekit.cli import main
from hedgekit.engine import available_engines
from hedgekit.errors import InputError
from hedgekit.estimation import DCCParams, GarchParams, simulate_dcc_garch
from hedgekit.policies import Always, PolicyMarket, RatioModelHedge
from hedgekit.policies._ratio_model import forecast_path

TRUE = DCCParams(
    spot=GarchParams(2e-6, 0.08, 0.90, 0.0),
    futures=GarchParams(1.5e-6, 0.07, 0.91, 0.0),
    a=0.05,
    b=0.90,
    q_bar=(1.0, 0.9, 1.0),
)


def _history(n: int = 700, seed: int = 0) -> pd.DataFrame:
    s, f, _ = simulate_dcc_garch(n, TRUE, seed=seed)
    dates = pd.bdate_range("2005-01-03", periods=n + 1)
    return pd.DataFrame(
        {
            "spot": 1000.0 * np.cumprod(np.r_[1.0, 1.0 + s]),
            "futures": 1005.0 * np.cumprod(np.r_[1.0, 1.0 + f]),
            "contract": [f"ES{d.year}Q{d.quarter}" for d in dates],
        },
        index=dates,
    )


@pytest.mark.parametrize("model", ["rolling", "ewma", "dcc"])
def test_forecast_at_a_close_uses_no_later_prices(model: str):
    hist = _history()
    base = forecast_path(hist, model, window=60, decay=0.94, refit="monthly")
    cut = 500
    moved = hist.copy()
    moved.iloc[cut + 1 :, 0] *= 1.3  # a jump after the close of session `cut`
    moved.iloc[cut + 1 :, 1] *= 0.8
    other = forecast_path(moved, model, window=60, decay=0.94, refit="monthly")
    np.testing.assert_array_equal(base.to_numpy()[: cut + 1], other.to_numpy()[: cut + 1])
    assert not np.allclose(base.to_numpy()[cut + 1 :], other.to_numpy()[cut + 1 :])
    assert np.isfinite(base.to_numpy()[-100:]).all()


def test_targets_follow_the_bundled_history_and_start_at_one_without_it():
    market = PolicyMarket.synthetic(np.linspace(100, 110, 30), start_date="1985-01-02")
    out = RatioModelHedge("ewma").targets(market)
    np.testing.assert_array_equal(out, 1.0)  # before the bundled futures: the full hedge


def test_bad_settings_are_refused():
    with pytest.raises(InputError, match="ratio model"):
        RatioModelHedge("garch")
    with pytest.raises(InputError, match="decay"):
        RatioModelHedge("ewma", decay=1.2)


# "interpreted" is the numba kernel's source run as plain Python: always available.
ENGINES = [e for e in ("numba", "numpy", "python") if e in available_engines()] + ["interpreted"]


@pytest.mark.parametrize("model", ["ewma", "rolling"])
def test_the_policy_runs_identically_on_every_engine(model: str):
    spec = BacktestSpec(
        "2008-09-02",
        "2008-12-31",
        IndexPortfolio(1_000_000.0),
        policy=RatioModelHedge(model),
        rebalance=Always(),
    )
    runs = {e: run_backtest(spec, engine=e) for e in ENGINES}
    ref = runs[ENGINES[0]].daily
    target = ref["hedge_ratio_target"].to_numpy()
    assert np.ptp(target) > 0.01  # the ratio moves with the market
    assert 0.7 < target.mean() < 1.2
    for e, res in runs.items():
        pd.testing.assert_frame_equal(res.daily, ref, rtol=1e-12, obj=e)


def test_backtest_command_takes_a_ratio_model_policy(capsys):
    argv = ["backtest", "--from", "2018-10-01", "--to", "2018-12-31", "--value-usd", "1000000",
            "--policy", "ratio-model:dcc:quarterly", "--json"]  # fmt: skip
    assert main(argv) == 0
    doc = json.loads(capsys.readouterr().out)
    assert "DCC-GARCH ratio" in json.dumps(doc["data"])


def test_backtest_command_refuses_an_unknown_ratio_model(capsys):
    argv = ["backtest", "--from", "2018-10-01", "--to", "2018-12-31", "--value-usd", "1000000",
            "--policy", "ratio-model:garch"]  # fmt: skip
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "where:    --policy" in err
    assert "ratio-model:dcc" in err


def test_a_sweep_runs_over_ratio_models():
    from hedgekit.sweep import run_sweep, sweep_from_mapping

    spec = sweep_from_mapping(
        {
            "period": {"start": "2018-01-02", "years": 1},
            "portfolio": {"value_usd": 2_000_000},
            "policy": {"type": "RatioModelHedge", "model": ["rolling", "ewma"]},
            "rebalance": {"type": "Band", "contracts_fraction": 0.1},
        }
    )
    result = run_sweep(spec)
    assert result.n_runs == 2
    assert result.rows is not None
    assert len(result.rows) == 2
