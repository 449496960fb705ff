"""Sweeps: grid validation (errors name the key and value), a one-point sweep equals a plain
backtest, batches equal single runs, streamed tables, ranking and heatmap cells."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from hedgekit.backtest import BacktestSpec, Costs, IndexPortfolio, MarginSpec, run_backtest
from hedgekit.errors import InputError
from hedgekit.metrics import Metrics
from hedgekit.policies import Band, StaticHedge, VixFormula
from hedgekit.sweep import (
    load_sweep_toml,
    parse_grid_option,
    run_sweep,
    sweep_from_mapping,
)

EXAMPLE = Path(__file__).parents[2] / "examples" / "sweep.toml"

BASE: dict[str, Any] = {
    "period": {"start": "2018-01-02", "years": 1},
    "portfolio": {"value_usd": 2_000_000},
    "policy": {"type": "StaticHedge", "h": 0.5},
    "rebalance": {"type": "Band", "contracts_fraction": 0.1},
}


def grid(**sections: dict[str, Any]) -> dict[str, Any]:
    out = {k: dict(v) for k, v in BASE.items()}
    for name, table in sections.items():
        out.setdefault(name, {}).update(table)
    return out


@pytest.mark.parametrize(
    ("data", "column", "value"),
    [
        (grid(policy={"hh": 0.5}), "policy.hh", 0.5),
        (grid(policy={"h": "half"}), "policy.h", "half"),
        (grid(policy={"h": [0.5, float("nan")]}), "policy.h", None),
        (grid(policy={"type": "Hedgehog"}), "policy.type", "Hedgehog"),
        (grid(policy={"type": ["StaticHedge", "VixFormula"]}), "policy.type", None),
        (grid(portfolio={"beta": "high"}), "portfolio.beta", "high"),
        (grid(period={"start": "2018-13-01"}), "period.start", "2018-13-01"),
        (grid(period={"end": "2019-01-02"}), "period.end", None),
        (grid(margin={"buffer_multiple": 0.5}), "margin.buffer_multiple", 0.5),
        (grid(rebalance={"contracts_fraction": [0.1, 0.1]}), "rebalance.contracts_fraction", None),
        (grid(sweep={"metric": "luck"}), "sweep.metric", "luck"),
        (grid(sweep={"heatmap": ["policy.h", "portfolio.beta"]}), "sweep.heatmap", None),
        (grid(sweep={"top": [1, 2]}), "sweep.top", [1, 2]),
        ({**grid(), "extras": {"a": 1}}, "extras", "extras"),
    ],
)
def test_validation_errors_name_the_key_and_value(
    data: dict[str, Any], column: str, value: Any
) -> None:
    with pytest.raises(InputError) as err:
        sweep_from_mapping(data, source="grid.toml")
    e = err.value
    assert e.source == "grid.toml"
    assert e.column == column
    if value is not None:
        assert e.value == value


def test_toml_file_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[policy]\ntype = "StaticHedge"\nh = [0.5, 2e9]\n[period]\nstart = "x"\n')
    with pytest.raises(InputError) as err:
        load_sweep_toml(bad)
    assert err.value.source == str(bad)
    broken = tmp_path / "broken.toml"
    broken.write_text("[policy\n")
    with pytest.raises(InputError, match="not valid TOML"):
        load_sweep_toml(broken)


def test_example_file_and_axes_order() -> None:
    spec = load_sweep_toml(EXAMPLE)
    assert spec.n_runs == 4 * 3 * 5 * 3
    # market-defining axes vary slowest, policy parameters fastest
    assert spec.parameter_keys == (
        "period.start",
        "portfolio.beta",
        "rebalance.contracts_fraction",
        "policy.h",
    )
    points = list(spec.points())
    assert len(points) == spec.n_runs
    assert points[0]["policy.h"] == 0.0
    assert points[1]["policy.h"] == 0.25
    assert points[5]["rebalance.contracts_fraction"] == 0.1
    b = spec.backtest_spec(points[7])
    assert b.policy == StaticHedge(0.5)
    assert b.margin.buffer_multiple == 1.5


def test_grid_options() -> None:
    assert parse_grid_option("policy.h=0:1:0.25") == ("policy.h", [0.0, 0.25, 0.5, 0.75, 1.0])
    assert parse_grid_option("period.start=2000-01-03,2008-01-02") == (
        "period.start",
        ["2000-01-03", "2008-01-02"],
    )
    assert parse_grid_option("margin.call_source=cash") == ("margin.call_source", ["cash"])
    assert parse_grid_option("policy.cap=inf,40")[1] == [float("inf"), 40]
    with pytest.raises(InputError) as err:
        parse_grid_option("policy.h")
    assert err.value.source == "--grid"
    spec = sweep_from_mapping(grid(), overrides=[parse_grid_option("policy.h=0,1")])
    assert spec.parameter_keys == ("policy.h",)
    assert spec.fixed["portfolio.value_usd"] == 2_000_000


def test_tuple_fields_take_tuples_and_axes_of_tuples() -> None:
    one = sweep_from_mapping(grid(policy={"type": "Seasonal", "months": [9, 10], "h": 1.0}))
    assert one.n_runs == 1
    axis = sweep_from_mapping(grid(policy={"type": "Seasonal", "months": [[9, 10], [10]]}))
    assert axis.parameter_keys == ("policy.months",)
    assert axis.backtest_spec({"policy.months": (10,)}).policy.months == (10,)


def metrics_row(m: Metrics) -> dict[str, Any]:
    return {f: getattr(m, f) for f in Metrics.__dataclass_fields__}


def test_one_point_sweep_equals_a_plain_backtest() -> None:
    data = grid(costs={"commission_usd": 1.5}, margin={"buffer_multiple": 1.2})
    data["policy"] = {"type": "VixFormula", "cap": 35.0}
    result = run_sweep(sweep_from_mapping(data))
    assert result.n_runs == 1
    assert result.rows is not None
    row = result.rows.iloc[0]
    plain = run_backtest(
        BacktestSpec(
            "2018-01-02",
            "2019-01-02",
            IndexPortfolio(2_000_000.0),
            policy=VixFormula(cap=35.0),
            rebalance=Band(0.1),
            costs=Costs(commission_usd=1.5),
            margin=MarginSpec(buffer_multiple=1.2),
        )
    )
    for name, value in metrics_row(plain.metrics).items():
        got = row[name]
        if isinstance(value, float):
            assert got == pytest.approx(value, rel=1e-12, abs=1e-12), name
        elif isinstance(value, int):
            assert got == value, name
        else:  # dates of the drawdown
            assert got == (None if value is None else value.isoformat()), name


@pytest.fixture(scope="module")
def small_grid():  # type: ignore[no-untyped-def]
    data = grid(
        sweep={"metric": "sharpe", "top": 3, "heatmap": ["policy.h", "period.start"],
               "batch_runs": 4},
        period={"start": ["2018-01-02", "2020-01-02"]},
        policy={"h": [0.0, 0.5, 1.0]},
        rebalance={"contracts_fraction": [0.0, 0.2]},
    )  # fmt: skip
    return sweep_from_mapping(data)


@pytest.fixture(scope="module")
def in_memory(small_grid):  # type: ignore[no-untyped-def]
    return run_sweep(small_grid)


def test_batched_rows_equal_single_backtests(small_grid, in_memory) -> None:  # type: ignore[no-untyped-def]
    rows = in_memory.rows
    assert list(rows["run"]) == list(range(12))
    for i in (0, 5, 11):
        point = list(small_grid.points())[i]
        single = run_backtest(small_grid.backtest_spec(point))
        for name in ("final_value_usd", "cagr", "max_drawdown", "sharpe", "fees_usd"):
            assert rows.iloc[i][name] == pytest.approx(getattr(single.metrics, name), rel=1e-12)
        assert rows.iloc[i]["n_margin_calls"] == single.metrics.n_margin_calls


def test_ranking_and_heatmap_cells_agree_with_the_full_table(in_memory) -> None:  # type: ignore[no-untyped-def]
    rows = in_memory.rows
    expected_best = rows.sort_values(["sharpe", "run"], ascending=[False, True]).head(3)
    assert list(in_memory.best["run"]) == list(expected_best["run"])
    expected_worst = rows.sort_values(["sharpe", "run"], ascending=[True, True]).head(3)
    assert list(in_memory.worst["run"]) == list(expected_worst["run"])
    cells = in_memory.heatmap_cells.set_index(["policy.h", "period.start"])
    means = rows.groupby(["policy.h", "period.start"])["sharpe"].mean()
    for key, value in means.items():
        assert cells.loc[key, "sharpe"] == pytest.approx(value, rel=1e-12)
        assert cells.loc[key, "runs"] == 2


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_streamed_table_equals_the_rows_and_workers_do_not_matter(
    small_grid, in_memory, tmp_path: Path, suffix: str
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / f"out{suffix}"
    res = run_sweep(small_grid, out=path, workers=2)
    assert res.rows is None  # not kept when written out
    table = pd.read_parquet(path) if suffix == ".parquet" else pd.read_csv(path)
    assert len(table) == 12
    np.testing.assert_allclose(table["cagr"], in_memory.rows["cagr"], rtol=1e-12)
    assert list(table["policy.h"]) == list(in_memory.rows["policy.h"])
    assert list(res.best["run"]) == list(in_memory.best["run"])
    doc = res.to_dict()
    assert doc["n_runs"] == 12
    assert doc["heatmap"]["x"] == "policy.h"


def test_unknown_output_format(small_grid, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as err:
        run_sweep(small_grid, out=tmp_path / "out.xlsx")
    assert err.value.source == "--out"


def test_parquet_writer_fixes_text_columns_empty_in_the_first_batch(tmp_path: Path) -> None:
    from hedgekit.sweep import ResultWriter

    path = tmp_path / "t.parquet"
    with ResultWriter(path) as w:
        w.write(pd.DataFrame({"run": [0, 1], "end": [None, None], "x": [1.0, 2.0]}))
        w.write(pd.DataFrame({"run": [2], "end": ["2020-03-23"], "x": [3.0]}))
    table = pd.read_parquet(path)
    assert list(table["end"].fillna("-")) == ["-", "-", "2020-03-23"]
    assert w.rows == 3
