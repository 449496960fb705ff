"""Hedge sizing against Hull 11e §3.5, the seed guide's worked numbers, and invariants."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hedgekit.contracts import ContractSpec, get_contract
from hedgekit.errors import InputError
from hedgekit.sizing import (
    HedgeFraction,
    Leg,
    TargetBeta,
    as_target,
    size_hedge,
    tail_factor,
)

ES = get_contract("ES")
MES = get_contract("MES")
MNQ = get_contract("MNQ")
NQ = get_contract("NQ")

# Hull, Options, Futures and Other Derivatives, 11th ed., §3.5 "Stock index futures": the
# (pre-2007) full-size S&P 500 futures contract was on $250 times the index.
HULL_SP = ContractSpec(
    root="SP", name="S&P 500 (Hull 11e example)", index="SPX", multiplier_usd=250.0,
    tick_size_points=0.1,
)  # fmt: skip


# --- Hull 11e §3.5 --------------------------------------------------------------------------
# Portfolio $5,050,000, beta 1.5, S&P 500 futures 1,010, contract $250 x index:
#   V_F = 1,010 x 250 = 252,500; N* = 1.5 x 5,050,000 / 252,500 = 30 (short).
#   "Changing the beta": to 0.75: (1.5 - 0.75) x 5,050,000 / 252,500 = 15 short;
#                        to 2.0:  (2.0 - 1.5) x 5,050,000 / 252,500 = 10 long.


def test_hull_full_hedge_is_30_short() -> None:
    s = size_hedge(5_050_000, 1.5, 1_010, HULL_SP, HedgeFraction(1.0))
    assert s.exact_contracts == pytest.approx(-30.0, rel=1e-12)
    assert [(leg.root, leg.quantity) for leg in s.legs] == [("SP", -30)]
    assert s.notional_usd == pytest.approx(30 * 252_500)
    assert s.residual_beta_dollars_usd == pytest.approx(0.0, abs=1e-6)
    assert s.hedge_ratio_effective == pytest.approx(1.0)
    assert s.notes == ()


def test_hull_reduce_beta_to_075_is_15_short() -> None:
    s = size_hedge(5_050_000, 1.5, 1_010, HULL_SP, TargetBeta(0.75))
    assert s.legs[0].quantity == -15
    assert s.exact_contracts == pytest.approx(-15.0)
    assert s.effective_beta == pytest.approx(0.75)
    assert s.hedge_ratio_target == pytest.approx(0.5)  # (1.5 - 0.75) / 1.5


def test_hull_raise_beta_to_2_is_10_long() -> None:
    s = size_hedge(5_050_000, 1.5, 1_010, HULL_SP, TargetBeta(2.0))
    assert s.legs[0].quantity == 10
    assert s.effective_beta == pytest.approx(2.0)
    # buying futures raises exposure: the "hedge ratio" is negative
    assert s.hedge_ratio_effective == pytest.approx(-1.0 / 3.0)


# --- the seed guide "Portfolio hedging with futures" ------------------------------------------
# $1M, beta 0.95, ES at 4,500: 950,000 / (50 x 4,500 = 225,000) = 4.222 -> 4 (guide: "4.2 ≈ 4").


def test_guide_one_million_beta_095() -> None:
    s = size_hedge(1_000_000, 0.95, 4_500, ES, 1.0)
    assert s.exact_contracts == pytest.approx(-950_000 / 225_000)
    assert s.legs[0].quantity == -4
    assert s.hedge_ratio_effective == pytest.approx(900_000 / 950_000)
    # residual 950,000 - 900,000 = 50,000 beta-dollars: $500 per 1% index move
    assert s.residual_beta_dollars_usd == pytest.approx(50_000)
    assert s.pnl_per_1pct_move_usd == pytest.approx(500)


def test_guide_one_million_with_micro_top_up() -> None:
    # 42.22 MES-equivalents -> 42 = 4 ES + 2 MES: 945,000 of 950,000 hedged.
    s = size_hedge(1_000_000, 0.95, 4_500, ES, 1.0, micro=MES)
    assert [(leg.root, leg.quantity) for leg in s.legs] == [("ES", -4), ("MES", -2)]
    assert s.legs[1].exact == pytest.approx(-2.2222222, rel=1e-6)
    assert s.hedge_beta_dollars_usd == pytest.approx(-945_000)
    assert s.total_contracts == 6


def test_guide_120k_with_es_would_overhedge_so_rounds_down() -> None:
    # 120,000 / 225,000 = 0.533; the guide: "Using 1 ES = 188% hedge (way over-hedged!)":
    # 225,000 / 120,000 = 1.875. "nearest" would pick 1; that is net short, so 0 with a note.
    s = size_hedge(120_000, 1.0, 4_500, ES, 1.0)
    assert s.exact_contracts == pytest.approx(-120_000 / 225_000)
    assert s.legs[0].quantity == 0
    assert len(s.notes) == 1
    assert "100%" in s.notes[0]
    assert "net short" in s.notes[0]
    # allowed to go net short, nearest gives the 187.5% hedge
    s2 = size_hedge(120_000, 1.0, 4_500, ES, 1.0, allow_net_short=True)
    assert s2.legs[0].quantity == -1
    assert s2.hedge_ratio_effective == pytest.approx(1.875)


def test_guide_120k_with_mes() -> None:
    # 120,000 / 22,500 = 5.33 -> 5 MES = 112,500 / 120,000 = 93.75% (guide: "94%").
    s = size_hedge(120_000, 1.0, 4_500, MES, 1.0)
    assert s.legs[0].quantity == -5
    assert s.hedge_ratio_effective == pytest.approx(0.9375)
    # the same through the mix: 0 ES + 5 MES
    m = size_hedge(120_000, 1.0, 4_500, ES, 1.0, micro=MES)
    assert [(leg.root, leg.quantity) for leg in m.legs] == [("ES", 0), ("MES", -5)]


# --- rounding, ties, the net-short guard -------------------------------------------------------


def test_rounding_modes() -> None:
    # exact 4.222 ES
    assert size_hedge(1_000_000, 0.95, 4_500, ES, 0.999, rounding="down").legs[0].quantity == -4
    up = size_hedge(1_000_000, 0.95, 4_500, ES, 0.9, rounding="up")  # 3.8 -> 4
    assert up.legs[0].quantity == -4
    # up on a full hedge: 5 ES would be 118% -> pulled back to 4 with a note
    capped = size_hedge(1_000_000, 0.95, 4_500, ES, 1.0, rounding="up")
    assert capped.legs[0].quantity == -4
    assert capped.notes
    assert (
        size_hedge(1_000_000, 0.95, 4_500, ES, 1.0, rounding="up", allow_net_short=True)
        .legs[0]
        .quantity
        == -5
    )


def test_ties_go_to_fewer_contracts() -> None:
    # exact 4.5 ES (1,012,500 / 225,000): 4 and 5 equally close -> 4 (fewer contracts)
    assert size_hedge(1_012_500, 1.0, 4_500, ES, 1.0).legs[0].quantity == -4
    # exact 4.25 ES with MES: 42.5 micro units; 42 = 4 ES + 2 MES (6), 43 = 4 + 3 (7) -> 42
    s = size_hedge(956_250, 1.0, 4_500, ES, 1.0, micro=MES)
    assert [leg.quantity for leg in s.legs] == [-4, -2]
    # exact 4.95 ES at h = 0.5: 49.5 units; 49 = 4 ES + 9 MES (13), 50 = 5 ES (5) -> 50
    s = size_hedge(2_227_500, 1.0, 4_500, ES, 0.5, micro=MES)
    assert [leg.quantity for leg in s.legs] == [-5, 0]


def test_whole_number_targets_are_not_pushed_up_by_float_noise() -> None:
    # 1.5 x 5,050,000 / 252,500 is 30 up to float rounding; "up" must not give 31
    s = size_hedge(5_050_000, 1.5, 1_010, HULL_SP, 1.0, rounding="up")
    assert s.legs[0].quantity == -30
    assert s.notes == ()


def test_negative_target_beta_needs_allow_net_short() -> None:
    with pytest.raises(InputError) as err:
        size_hedge(1_000_000, 1.0, 4_500, ES, TargetBeta(-0.5))
    assert err.value.source == "target"
    s = size_hedge(1_000_000, 1.0, 4_500, ES, TargetBeta(-0.5), allow_net_short=True)
    # (-0.5 - 1.0) x 1,000,000 / 225,000 = -6.667 -> -7
    assert s.legs[0].quantity == -7
    assert s.effective_beta < 0


def test_target_beta_zero_is_full_hedge() -> None:
    a = size_hedge(1_000_000, 0.95, 4_500, ES, TargetBeta(0.0), micro=MES)
    b = size_hedge(1_000_000, 0.95, 4_500, ES, HedgeFraction(1.0), micro=MES)
    assert [leg.quantity for leg in a.legs] == [leg.quantity for leg in b.legs]


# --- price basis and tailing ------------------------------------------------------------------


def test_price_basis_comparison_reports_the_difference() -> None:
    # futures 4,500 vs index 4,480: 950,000 / (50 x 4,480) = 4.2411 vs 4.2222
    s = size_hedge(1_000_000, 0.95, 4_500, ES, 1.0, index_level=4_480)
    assert s.price_basis == "futures"
    c = s.basis_comparison
    assert c is not None
    assert c.exact_futures_basis == pytest.approx(-950_000 / 225_000)
    assert c.exact_index_basis == pytest.approx(-950_000 / 224_000)
    assert c.difference == pytest.approx(-950_000 / 224_000 + 950_000 / 225_000)
    i = size_hedge(1_000_000, 0.95, 4_500, ES, 1.0, index_level=4_480, price_basis="index")
    assert i.price_used == 4_480
    assert i.exact_contracts == pytest.approx(c.exact_index_basis)
    # legs are still valued at the futures price
    assert i.legs[0].price == 4_500
    assert size_hedge(1_000_000, 0.95, 4_500, ES, 1.0).basis_comparison is None


def test_tail_factor_scales_the_exact_count() -> None:
    f = tail_factor(0.05, 0.25)
    assert f == pytest.approx(math.exp(-0.0125))
    s = size_hedge(5_050_000, 1.5, 1_010, HULL_SP, 1.0, tail_discount=f)
    assert s.exact_contracts == pytest.approx(-30.0 * math.exp(-0.0125))
    assert s.legs[0].quantity == -30  # 29.63 -> 30
    assert s.tail_discount == f


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize("h", [-0.1, 1.2, float("nan"), float("inf")])
def test_hedge_fraction_outside_unit_interval_names_hedge(h: float) -> None:
    with pytest.raises(InputError) as err:
        HedgeFraction(h)
    assert err.value.source == "hedge"
    assert "hedge" in str(err.value)
    with pytest.raises(InputError):
        size_hedge(1_000_000, 1.0, 4_500, ES, h)


def test_hedge_fraction_error_shows_value() -> None:
    with pytest.raises(InputError, match=r"1\.2"):
        size_hedge(1_000_000, 1.0, 4_500, ES, 1.2)


@pytest.mark.parametrize(
    ("kwargs", "source"),
    [
        ({"value_usd": 0.0}, "value_usd"),
        ({"value_usd": -5.0}, "value_usd"),
        ({"beta": float("nan")}, "beta"),
        ({"futures_price": 0.0}, "futures_price"),
        ({"price_basis": "index"}, "index_level"),
        ({"price_basis": "spot"}, "price_basis"),
        ({"rounding": "banker"}, "rounding"),
        ({"micro": MNQ}, "micro"),
        ({"micro": ES}, "micro"),
        ({"tail_discount": 1.5}, "tail_discount"),
        ({"tail_discount": 0.0}, "tail_discount"),
        ({"beta": -0.3}, "beta"),
    ],
)
def test_bad_input_names_the_parameter(kwargs: dict[str, object], source: str) -> None:
    args: dict[str, object] = {
        "value_usd": 1_000_000.0,
        "beta": 1.0,
        "futures_price": 4_500.0,
        "contract": ES,
        "target": 1.0,
    }
    args.update(kwargs)
    with pytest.raises(InputError) as err:
        size_hedge(**args)  # type: ignore[arg-type]
    assert err.value.source == source


def test_target_coercion_and_to_dict() -> None:
    assert as_target(0.5) == HedgeFraction(0.5)
    assert as_target(TargetBeta(0.2)) == TargetBeta(0.2)
    s = size_hedge(1_000_000, 0.95, 4_500, ES, 0.5, micro=MES, index_level=4_480)
    d = json.loads(json.dumps(s.to_dict()))
    assert d["contracts"][0] == {
        "root": "ES", "quantity": -2, "exact": pytest.approx(-2.1111111), "multiplier_usd": 50.0,
        "price": 4_500.0, "notional_usd": 450_000.0,
    }  # fmt: skip
    assert d["target"] == {"kind": "hedge_fraction", "h": 0.5}
    assert d["hedge_ratio_effective"] == pytest.approx(s.hedge_ratio_effective)
    assert d["notional_usd"] == pytest.approx(s.notional_usd)


def test_leg_of() -> None:
    leg = Leg.of("ES", -3, 50, 4_000)
    assert leg.notional_usd == 600_000
    assert leg.beta_dollars_usd == -600_000
    with pytest.raises(InputError):
        Leg.of("ES", 1.5, 50, 4_000)  # type: ignore[arg-type]


# --- invariants -----------------------------------------------------------------------------

values = st.floats(10_000, 50_000_000)
betas = st.floats(0.05, 2.5)
prices = st.floats(1_000, 8_000)
fractions = st.floats(0.0, 1.0)
modes = st.sampled_from(["nearest", "down", "up"])


def _units(s: object, k: int = 10) -> int:
    """Whole micro-units held (full-size counts k)."""
    legs = s.legs  # type: ignore[attr-defined]
    total = abs(legs[0].quantity) * (k if len(legs) > 1 else 1)
    if len(legs) > 1:
        total += abs(legs[1].quantity)
    return total


@given(values, betas, prices, fractions)
def test_exact_count_is_linear_in_value(v: float, b: float, f: float, h: float) -> None:
    one = size_hedge(v, b, f, ES, h).exact_contracts
    two = size_hedge(2 * v, b, f, ES, h).exact_contracts
    assert two == pytest.approx(2 * one, rel=1e-12, abs=1e-12)
    assert one == pytest.approx(-h * b * v / (50 * f), rel=1e-12, abs=1e-12)


@given(values, betas, prices, fractions, modes, st.booleans())
def test_never_more_than_100_percent(
    v: float, b: float, f: float, h: float, mode: str, mix: bool
) -> None:
    # tolerance 0: no net short at all (the default tolerance is tested below)
    s = size_hedge(
        v, b, f, ES, h, rounding=mode, micro=MES if mix else None,  # type: ignore[arg-type]
        net_short_tolerance=0.0,
    )  # fmt: skip
    assert -s.hedge_beta_dollars_usd <= b * v * (1 + 1e-12)
    assert s.residual_beta_dollars_usd >= -1e-6
    assert all(leg.quantity <= 0 for leg in s.legs)


@given(values, betas, prices, fractions)
def test_mix_is_at_least_as_close_as_emini_only(v: float, b: float, f: float, h: float) -> None:
    e = size_hedge(v, b, f, ES, h)
    m = size_hedge(v, b, f, ES, h, micro=MES)
    target = e.target_beta_dollars_usd
    assert abs(target - m.hedge_beta_dollars_usd) <= abs(target - e.hedge_beta_dollars_usd) + 1e-6


@given(values, betas, prices, fractions, st.booleans(), st.booleans())
def test_rounding_modes_are_ordered(
    v: float, b: float, f: float, h: float, mix: bool, allow: bool
) -> None:
    micro = MES if mix else None
    kw = {"micro": micro, "allow_net_short": allow}
    down = size_hedge(v, b, f, ES, h, rounding="down", **kw)  # type: ignore[arg-type]
    near = size_hedge(v, b, f, ES, h, rounding="nearest", **kw)  # type: ignore[arg-type]
    up = size_hedge(v, b, f, ES, h, rounding="up", **kw)  # type: ignore[arg-type]
    assert _units(down) <= _units(near) <= _units(up)
    wanted = -down.target_beta_dollars_usd
    # counts within 1e-9 (relative, at least 1e-9 contracts) of a whole number are snapped
    unit = (5.0 if mix else 50.0) * f
    tol = 1.01e-9 * max(unit, wanted)
    assert -down.hedge_beta_dollars_usd <= wanted + tol  # down never over the target
    if allow or not up.notes:
        assert -up.hedge_beta_dollars_usd >= wanted - tol  # up never under (unless capped)
    # whole contracts are within half a step of the exact count
    assert abs(-near.hedge_beta_dollars_usd - wanted) <= unit / 2 + tol or near.notes


@given(values, betas, prices, st.floats(-0.5, 3.0))
def test_target_beta_sign_and_residual(v: float, b: float, f: float, beta_star: float) -> None:
    s = size_hedge(v, b, f, ES, TargetBeta(beta_star), allow_net_short=True, micro=MES)
    q = sum(leg.quantity * leg.multiplier_usd for leg in s.legs)
    if beta_star < b:
        assert q <= 0
    else:
        assert q >= 0
    assert s.residual_beta_dollars_usd == pytest.approx(b * v + q * f, rel=1e-9, abs=1e-6)
    assert s.pnl_per_1pct_move_usd == pytest.approx(0.01 * s.residual_beta_dollars_usd)
    # whole contracts within half a micro of the exact target (nearest)
    assert abs(s.residual_beta_dollars_usd - beta_star * v) <= 5 * f / 2 * (1 + 1e-9)


# --- the net-short guard's tolerance ----------------------------------------------------------

tolerances = st.sampled_from([0.0, 0.001, 0.005, 0.01, 0.02, 0.05, 0.10])


def test_over_hedge_within_tolerance_is_kept_when_closer() -> None:
    # 772,500 at beta 1 and ES 5,000: full hedge 30.9 MES. Nearest: 31 MES = 3 ES + 1 MES,
    # 31 / 30.9 = 100.32 % (net short 0.32 %); the under-hedge 30 MES = 97.09 %.
    s = size_hedge(772_500, 1.0, 5_000, ES, 1.0, micro=MES)
    assert [(leg.root, leg.quantity) for leg in s.legs] == [("ES", -3), ("MES", -1)]
    g = s.net_short_guard
    assert g is not None
    assert g.chosen == "over"
    assert g.over.hedge_ratio == pytest.approx(31 / 30.9)
    assert g.over.net_short_fraction == pytest.approx(0.1 / 30.9)
    assert g.under.hedge_ratio == pytest.approx(30 / 30.9)
    assert g.over.distance_to_target == pytest.approx(0.1 / 30.9)
    assert g.under.distance_to_target == pytest.approx(0.9 / 30.9)
    assert s.residual_beta_dollars_usd == pytest.approx(772_500 - 31 * 25_000)
    assert "3 ES + 1 MES" in s.notes[0]
    assert "; 3 ES hedges 97.09%" in s.notes[0]  # a leg of no contracts is not named
    doc = json.loads(json.dumps(s.to_dict()))
    assert doc["net_short_guard"]["chosen"] == "over"
    assert doc["net_short_tolerance"] == 0.01
    # tolerance 0 forbids it
    z = size_hedge(772_500, 1.0, 5_000, ES, 1.0, micro=MES, net_short_tolerance=0.0)
    assert [(leg.root, leg.quantity) for leg in z.legs] == [("ES", -3), ("MES", 0)]
    assert z.net_short_guard is not None
    assert z.net_short_guard.chosen == "under"
    assert "tolerance 0" in z.notes[0]


def test_over_hedge_beyond_tolerance_is_refused() -> None:
    # 765,000: full hedge 30.6 MES; 31 MES is 1.31 % net short
    s = size_hedge(765_000, 1.0, 5_000, ES, 1.0, micro=MES)
    assert [(leg.root, leg.quantity) for leg in s.legs] == [("ES", -3), ("MES", 0)]
    assert s.net_short_guard is not None
    assert not s.net_short_guard.over.admissible
    assert "beyond the tolerance" in s.notes[0]
    wide = size_hedge(765_000, 1.0, 5_000, ES, 1.0, micro=MES, net_short_tolerance=0.02)
    assert [(leg.root, leg.quantity) for leg in wide.legs] == [("ES", -3), ("MES", -1)]


def test_no_guard_when_nothing_goes_past_100_percent() -> None:
    s = size_hedge(1_000_000, 0.95, 4_500, ES, 1.0, micro=MES)
    assert s.net_short_guard is None
    long = size_hedge(1_000_000, 1.5, 5_000, ES, TargetBeta(2.0), micro=MES)
    assert long.net_short_guard is None
    assert long.exact_contracts == pytest.approx(2.0)
    assert [(leg.root, leg.quantity) for leg in long.legs] == [("ES", 2), ("MES", 0)]
    assert long.hedge_ratio_target == pytest.approx(-1 / 3)
    assert long.hedge_ratio_effective == pytest.approx(-1 / 3)
    assert long.effective_beta == pytest.approx(2.0)


@pytest.mark.parametrize("bad", [-0.01, 0.11, math.nan, math.inf])
def test_bad_tolerance(bad: float) -> None:
    with pytest.raises(InputError):
        size_hedge(1_000_000, 1.0, 5_000, ES, 1.0, net_short_tolerance=bad)


@given(values, betas, prices, fractions, modes, st.booleans(), tolerances)
def test_never_more_net_short_than_the_tolerance(
    v: float, b: float, f: float, h: float, mode: str, mix: bool, tol: float
) -> None:
    s = size_hedge(
        v, b, f, ES, h, rounding=mode, micro=MES if mix else None,  # type: ignore[arg-type]
        net_short_tolerance=tol,
    )  # fmt: skip
    exposure = b * v
    assert s.residual_beta_dollars_usd >= -tol * exposure - 1e-6 * max(1.0, exposure)
    assert all(leg.quantity <= 0 for leg in s.legs)


@given(values, betas, prices, fractions, st.booleans(), tolerances)
def test_nearest_is_never_farther_than_the_best_admissible_count(
    v: float, b: float, f: float, h: float, mix: bool, tol: float
) -> None:
    s = size_hedge(v, b, f, ES, h, micro=MES if mix else None, net_short_tolerance=tol)
    k = 10 if mix else 1
    unit = 50.0 * f / k  # USD of beta exposure per micro unit
    exposure = b * v
    target = -s.target_beta_dollars_usd
    # every whole count of micro units from 0 to two past the full hedge, kept if admissible
    top = math.ceil(exposure / unit) + 2
    admissible = [
        u for u in range(top + 1) if u * unit - exposure <= tol * exposure + 1e-9 * exposure
    ]
    best = min(abs(u * unit - target) for u in admissible)
    held = -s.hedge_beta_dollars_usd
    assert abs(held - target) <= best + 1e-9 * max(1.0, exposure)
