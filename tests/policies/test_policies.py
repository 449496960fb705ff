"""Each built-in policy's targets on small synthetic paths, worked by hand; combinators; bounds.

All index and VIX paths here are made up for the test (not market data).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from hedgekit.errors import InputError
from hedgekit.policies import (
    Band,
    BetaChange,
    Calendar,
    FloorCppi,
    HedgePolicy,
    Max,
    MaxDuration,
    Min,
    Override,
    PolicyMarket,
    Product,
    ProfitTarget,
    Seasonal,
    StaticHedge,
    StopOnRally,
    Trend,
    ValueChange,
    VixFormula,
    VixSpikeExit,
    VixTiers,
    split_cppi,
)


def market(levels: list[float], vix: list[float] | float = 20.0, start: int = 0) -> PolicyMarket:
    return PolicyMarket.synthetic(levels, vix, start=start)


def test_static() -> None:
    assert StaticHedge(0.5).targets(market([1.0, 2.0, 3.0])).tolist() == [0.5, 0.5, 0.5]
    with pytest.raises(InputError):
        StaticHedge(math.nan)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, 1.0001, 1.5, -0.01, -2.0])
@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda h: StaticHedge(h), "h"),
        (lambda h: Seasonal(h=h), "h"),
        (lambda h: Seasonal(otherwise=h), "otherwise"),
        (lambda h: Trend(h=h), "h"),
        (lambda h: ProfitTarget(h=h), "h"),
        (lambda h: StopOnRally(h=h), "h"),
        (lambda h: VixSpikeExit(h=h), "h"),
        (lambda h: Override(StaticHedge(0.5), when=lambda m: m.vix > 30, h=h), "h"),
    ],
)
def test_ratio_fields_are_checked_at_construction(build: Any, field: str, bad: float) -> None:
    with pytest.raises(InputError, match="hedge ratio out of range") as err:
        build(bad)
    assert err.value.source == field
    assert err.value.value is bad or err.value.value == bad
    assert "[0.0, 1.0]" in str(err.value.expected)


def test_ratio_limits_are_inclusive_and_widened_only_explicitly() -> None:
    assert StaticHedge(0.0).h == 0.0
    assert StaticHedge(1).h == 1.0
    assert StaticHedge(1.5, allow_net_short=True).h == 1.5
    assert StaticHedge(-0.5, allow_net_long=True).h == -0.5
    with pytest.raises(InputError, match="allow_net_long") as err:
        StaticHedge(-0.5, allow_net_short=True)
    assert err.value.source == "h"
    with pytest.raises(InputError, match="allow_net_short"):
        Seasonal(h=1.2, allow_net_long=True)
    with pytest.raises(InputError):  # never non-finite, whatever the flags
        StaticHedge(math.inf, allow_net_short=True, allow_net_long=True)
    with pytest.raises(InputError, match="allow_net_short"):
        StaticHedge(0.5, allow_net_short="yes")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="must be a number"):
        StaticHedge("half")  # type: ignore[arg-type]


def test_vix_formula() -> None:
    # max(0, 1 - VIX/40): VIX 10 -> 0.75, 20 -> 0.5, 40 -> 0, 60 -> 0
    got = VixFormula().targets(market([1.0] * 4, [10.0, 20.0, 40.0, 60.0]))
    assert got.tolist() == [0.75, 0.5, 0.0, 0.0]
    with pytest.raises(InputError, match="VIX missing"):
        VixFormula().targets(market([1.0] * 2, [10.0, math.nan]))


def test_vix_tiers_bounds_are_upper_exclusive() -> None:
    # default tiers: < 20 -> 0, 20 <= VIX < 30 -> 0.5, >= 30 -> 1
    got = VixTiers().targets(market([1.0] * 5, [19.99, 20.0, 29.9, 30.0, 80.0]))
    assert got.tolist() == [0.0, 0.5, 0.5, 1.0, 1.0]
    with pytest.raises(InputError):
        VixTiers(((30.0, 0.5), (20.0, 1.0)))


def test_seasonal() -> None:
    m = PolicyMarket(
        dates=np.array(["2021-08-31", "2021-09-01", "2021-10-29", "2021-11-01"], "datetime64[ns]"),
        index_level=np.ones(4), vix=np.full(4, 20.0), rate_annual=np.zeros(4),
        dividend_yield=np.zeros(4),
    )  # fmt: skip
    assert Seasonal(months=(9, 10), h=0.8).targets(m).tolist() == [0.0, 0.8, 0.8, 0.0]


def test_trend_uses_warm_up_history() -> None:
    # 3-day average: day 2 avg(10, 11, 12) = 11 < 12 -> no hedge; day 3 avg(11, 12, 9) =
    # 10.67 > 9 -> hedge; day 4 avg(12, 9, 10) = 10.33 > 10 -> hedge. Days 0-1: no full window.
    got = Trend(h=1.0, window=3).targets(market([10.0, 11.0, 12.0, 9.0, 10.0]))
    assert got.tolist() == [0.0, 0.0, 0.0, 1.0, 1.0]


def test_profit_target_lifts_after_the_fall_and_re_enters() -> None:
    # entry 100; fall 10% -> lifted at the first close <= 90 (day 2: 89); the low since is 85
    # (day 3); re-enter on a 5% rebound from the low: 85 x 1.05 = 89.25 -> day 5 (90), new
    # entry 90; lifted again at <= 81.
    levels = [100.0, 95.0, 89.0, 85.0, 88.0, 90.0, 82.0, 81.0]
    got = ProfitTarget(h=1.0, fall=0.10, reenter=0.05).targets(market(levels))
    assert got.tolist() == [1, 1, 0, 0, 0, 1, 1, 0]
    once = ProfitTarget(h=0.5, fall=0.10).targets(market(levels))
    assert once.tolist() == [0.5, 0.5, 0, 0, 0, 0, 0, 0]


def test_profit_target_memory_starts_at_the_run_not_the_warm_up() -> None:
    # warm-up 200 -> 100 would be a 50% fall; the entry is the run's first close (100).
    got = ProfitTarget(fall=0.10).targets(market([200.0, 100.0, 95.0], start=1))
    assert got.tolist()[1:] == [1.0, 1.0]


def test_stop_on_rally() -> None:
    # entry 100; lifted at the first close >= 110 (day 2); re-hedge after a 5% pull-back from
    # the high since (112 -> 106.4): day 4 (106), new entry 106.
    levels = [100.0, 105.0, 110.0, 112.0, 106.0, 108.0]
    got = StopOnRally(h=1.0, rise=0.10, reenter=0.05).targets(market(levels))
    assert got.tolist() == [1, 1, 0, 0, 1, 1]


def test_vix_spike_exit() -> None:
    vix = [20.0, 35.0, 41.0, 30.0, 24.0, 50.0]
    assert VixSpikeExit(vix_exit=40).targets(market([1.0] * 6, vix)).tolist() == [1, 1, 0, 0, 0, 0]
    back = VixSpikeExit(vix_exit=40, reenter_below=25).targets(market([1.0] * 6, vix))
    assert back.tolist() == [1, 1, 0, 0, 1, 0]


def test_max_duration_caps_each_spell() -> None:
    inner = Seasonal(months=(1,), h=1.0)
    m = PolicyMarket(
        dates=np.array(["2021-01-04", "2021-01-05", "2021-01-06", "2021-01-07", "2021-02-01",
                        "2022-01-03", "2022-01-04"], "datetime64[ns]"),
        index_level=np.ones(7), vix=np.full(7, 20.0), rate_annual=np.zeros(7),
        dividend_yield=np.zeros(7),
    )  # fmt: skip
    # spells: 4 January sessions (kept 2), then a new January spell (kept 2)
    assert MaxDuration(inner, days=2).targets(m).tolist() == [1, 1, 0, 0, 0, 1, 1]


def test_combinators() -> None:
    m = market([1.0] * 4, [10.0, 20.0, 30.0, 50.0])
    a, b = VixFormula(), StaticHedge(0.6)  # a = 0.75, 0.5, 0.25, 0
    assert Min(a, b).targets(m).tolist() == [0.6, 0.5, 0.25, 0.0]
    assert Max(a, b).targets(m).tolist() == [0.75, 0.6, 0.6, 0.6]
    assert Product(a, b).targets(m).tolist() == pytest.approx([0.45, 0.3, 0.15, 0.0])
    over = Override(b, when=lambda mk: mk.vix >= 30, h=0.0, label="VIX >= 30")
    assert over.targets(m).tolist() == [0.6, 0.6, 0.0, 0.0]
    assert "VIX >= 30" in over.name


def test_cppi_only_alone_or_in_min() -> None:
    cppi = FloorCppi(floor_fraction=0.8, multiplier=4)
    assert split_cppi(cppi) == (None, cppi)
    trend = Trend(window=5)
    assert split_cppi(Min(trend, cppi)) == (trend, cppi)
    assert split_cppi(trend) == (trend, None)
    with pytest.raises(InputError, match="FloorCppi"):
        Max(cppi, trend)
    # the ratio: W = 100, floor 80, m = 4, beta 1, S = 100: exposure 80 -> h = 1 - 80/100
    assert cppi.ratio(100.0, 100.0, 1.0, 80.0) == pytest.approx(0.2)
    assert cppi.ratio(79.0, 100.0, 1.0, 80.0) == 1.0  # below the floor: fully hedged
    assert cppi.ratio(200.0, 200.0, 1.0, 80.0) == 0.0


def test_rebalance_rules() -> None:
    dates = np.array(["2021-01-29", "2021-02-01", "2021-02-02", "2021-03-01"], "datetime64[ns]")
    import pandas as pd

    idx = pd.DatetimeIndex(dates)
    assert Calendar("month").calendar_days(idx).tolist() == [False, True, False, True]
    assert Calendar(2).calendar_days(idx).tolist() == [False, False, True, False]
    assert Band(0.1).kind == "band"
    assert Band(0.1).parameter == 0.1
    assert ValueChange(0.05).ratio_change == 0.05
    with pytest.raises(InputError):
        Calendar("week")  # type: ignore[arg-type]
    rule = BetaChange(0.10)
    assert (rule.kind, rule.parameter, rule.ratio_change) == ("beta", 0.10, 0.05)
    assert not rule.calendar_days(idx).any()
    with pytest.raises(InputError, match="threshold"):
        BetaChange(-0.1)
    with pytest.raises(InputError, match="threshold"):
        BetaChange(math.inf)


def test_to_dict_is_json_safe() -> None:
    import json

    p = MaxDuration(Min(VixFormula(), Seasonal()), days=10)
    assert json.loads(json.dumps(p.to_dict()))["inner"]["policy"] == "Min"


# ----------------------------------------------------------------------- bounds (hypothesis)
unit = st.floats(0.0, 1.0)
frac = st.floats(0.01, 0.5)


def builtin_policies() -> st.SearchStrategy[HedgePolicy]:
    leaf = st.one_of(
        st.builds(StaticHedge, unit),
        st.builds(VixFormula, st.floats(5.0, 80.0), unit),
        st.just(VixTiers()),
        st.builds(Seasonal, st.just((9, 10)), unit, unit),
        st.builds(Trend, unit, st.integers(1, 30)),
        st.builds(ProfitTarget, unit, frac, st.one_of(st.none(), frac)),
        st.builds(StopOnRally, unit, frac, st.one_of(st.none(), frac)),
        st.builds(VixSpikeExit, unit, st.floats(10.0, 60.0)),
    )
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.builds(Min, inner, inner),
            st.builds(Max, inner, inner),
            st.builds(Product, inner, inner),
            st.builds(MaxDuration, inner, st.integers(1, 20)),
        ),
        max_leaves=4,
    )


@given(
    policy=builtin_policies(),
    rets=hnp.arrays(np.float64, st.integers(3, 80), elements=st.floats(-0.1, 0.1)),
    vix_level=st.floats(5.0, 90.0),
)
def test_builtin_targets_stay_in_unit_interval(
    policy: HedgePolicy, rets: np.ndarray, vix_level: float
) -> None:
    levels = 100.0 * np.cumprod(1.0 + rets)
    vix = vix_level * (1.0 + np.abs(rets) * 5)
    got = policy.targets(PolicyMarket.synthetic(levels, vix))
    assert got.shape == levels.shape
    assert ((got >= 0.0) & (got <= 1.0)).all()
