"""HedgePosition: legs, JSON document, files, --legs text, sizing legs and exposures."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hedgekit.calendar import ContractCode
from hedgekit.contracts import ContractSpec, default_registry
from hedgekit.errors import InputError
from hedgekit.position import HedgePosition, PositionLeg, PositionPortfolio
from hedgekit.sizing import HedgeFraction, size_hedge

REG = default_registry()


def _doc(*legs: dict[str, Any], **data: Any) -> dict[str, Any]:
    return {"schema_version": 1, "kind": "position", "data": {"legs": list(legs), **data}}


def _write(tmp_path: Path, doc: object, name: str = "pos.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


# ---------------------------------------------------------------- legs text


def test_legs_text_roots_codes_and_prices() -> None:
    pos = HedgePosition.from_legs_text(" es:-2 , MES:-5,NQZ2024:+1@20000.25", REG)
    assert pos.source == "--legs"
    assert pos.legs == (
        PositionLeg("ES", None, -2),
        PositionLeg("MES", None, -5),
        PositionLeg("NQ", ContractCode("NQ", 2024, 12), 1, 20000.25),
    )
    assert pos.to_legs_text() == "ES:-2,MES:-5,NQZ2024:1@20000.25"


def test_legs_text_one_digit_year_reads_against_as_of() -> None:
    pos = HedgePosition.from_legs_text("ESZ4:-1", REG, as_of=dt.date(2024, 9, 10))
    assert pos.legs[0].contract == ContractCode("ES", 2024, 12)
    with pytest.raises(InputError, match="year"):
        HedgePosition.from_legs_text("ESZ4:-1", REG)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "no legs"),
        ("ES", "CONTRACT:QUANTITY"),
        ("ES:", "CONTRACT:QUANTITY"),
        ("XX:-2", "neither a contract root nor a contract code"),
        ("FOOZ2024:-2", "unknown contract root 'FOO'"),
        ("ES:0", "non-zero whole number"),
        ("ES:-2.5", "non-zero whole number"),
        ("ES:true", "non-zero whole number"),
        ("ES:-2@-1", "entry price"),
        ("ES:-2@nan", "entry price"),
        ("ES:-2@abc", "entry price"),
        ("ESF2024:-2", "not a listed ES contract month"),
        ("ES:-2,es:-1", "appears twice"),
        ("ESZ2024:-2,ESZ2024:1", "appears twice"),
    ],
)
def test_legs_text_errors_name_the_option(text: str, fragment: str) -> None:
    with pytest.raises(InputError) as info:
        HedgePosition.from_legs_text(text, REG)
    assert info.value.source == "--legs"
    assert fragment in str(info.value)


_roots = st.sampled_from(REG.roots())


@st.composite
def _legs(draw: st.DrawFn) -> tuple[PositionLeg, ...]:
    n = draw(st.integers(0, 5))
    out: dict[tuple[str, ContractCode | None], PositionLeg] = {}
    for _ in range(n):
        root = draw(_roots)
        spec = REG.get(root)
        contract = draw(
            st.none()
            | st.builds(
                lambda y, m, r=root: ContractCode(r, y, "FGHJKMNQUVXZ".index(m) + 1),
                st.integers(1990, 2100),
                st.sampled_from(spec.months),
            )
        )
        qty = draw(st.integers(-10_000, 10_000).filter(bool))
        price = draw(
            st.none()
            | st.floats(min_value=1e-6, max_value=1e9, allow_nan=False, allow_infinity=False)
        )
        leg = PositionLeg(root, contract, qty, price)
        out.setdefault(leg.key, leg)
    return tuple(out.values())


@settings(max_examples=150, deadline=None)
@given(_legs().filter(bool))
def test_parse_of_format_is_identity(legs: tuple[PositionLeg, ...]) -> None:
    pos = HedgePosition(legs, source="--legs")
    assert HedgePosition.from_legs_text(pos.to_legs_text(), REG) == pos


@settings(max_examples=150, deadline=None)
@given(
    _legs(),
    st.none() | st.dates(dt.date(1950, 1, 1), dt.date(2150, 12, 31)),
    st.text(min_size=1).filter(str.strip),
    st.none()
    | st.builds(
        PositionPortfolio,
        st.none() | st.floats(min_value=1e-3, max_value=1e15),
        st.none() | st.floats(min_value=-10, max_value=10),
        st.none() | st.sampled_from(["SPX", "NDX", "RUT"]),
    ),
)
def test_json_round_trip_is_exact(
    legs: tuple[PositionLeg, ...],
    as_of: dt.date | None,
    source: str,
    portfolio: PositionPortfolio | None,
) -> None:
    pos = HedgePosition(legs, as_of=as_of, source=source, portfolio=portfolio)
    text = json.dumps(pos.to_dict(), allow_nan=False)
    assert HedgePosition.from_dict(json.loads(text), REG) == pos


# ---------------------------------------------------------------- files


def test_save_then_load_and_refuse_overwrite(tmp_path: Path) -> None:
    pos = HedgePosition.from_legs_text("ESZ2024:-2@5500.25,MES:-5", REG, as_of=dt.date(2024, 9, 10))
    path = pos.save(tmp_path / "hedge.json")
    assert HedgePosition.load(path, REG) == pos
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert (doc["schema_version"], doc["kind"]) == (1, "position")
    other = HedgePosition.from_legs_text("ES:-1", REG)
    with pytest.raises(InputError, match="not overwritten"):
        other.save(path)
    assert HedgePosition.load(path, REG) == pos  # untouched
    other.save(path, overwrite=True)
    assert HedgePosition.load(path, REG) == other
    assert [p.name for p in tmp_path.iterdir()] == ["hedge.json"]  # no temp file left


def test_save_leaves_nothing_when_writing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(OSError, match="disk full"):
        HedgePosition.from_legs_text("ES:-1", REG).save(tmp_path / "p.json")
    assert list(tmp_path.iterdir()) == []


def test_save_into_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="folder does not exist"):
        HedgePosition.from_legs_text("ES:-1", REG).save(tmp_path / "no" / "p.json")


@pytest.mark.parametrize(
    ("doc", "field", "fragment"),
    [
        ({"schema_version": 2, "kind": "position", "data": {"legs": []}}, "schema_version", ""),
        ({"schema_version": True, "kind": "position", "data": {"legs": []}}, "schema_version", ""),
        ({"schema_version": 1, "kind": "plan", "data": {"legs": []}}, "kind", ""),
        ({"schema_version": 1, "kind": "position", "data": {}}, "data.legs", "missing"),
        (_doc(extra=1), "data.extra", "unknown key"),
        (_doc({"root": "XX", "quantity": -1}), "data.legs[0].root", "unknown contract root"),
        (_doc({"root": "ES", "quantity": 0}), "data.legs[0].quantity", "non-zero"),
        (_doc({"root": "ES", "quantity": 1.0}), "data.legs[0].quantity", "non-zero"),
        (_doc({"root": "ES", "quantity": True}), "data.legs[0].quantity", "true/false"),
        (_doc({"root": "ES", "quantity": "2"}), "data.legs[0].quantity", "non-zero"),
        (
            _doc({"root": "ES", "quantity": -1, "contract": "ESF2024"}),
            "legs[0].contract",
            "not a listed ES contract month",
        ),
        (
            _doc({"root": "ES", "quantity": -1, "contract": "NQZ2024"}),
            "data.legs[0].contract",
            "not a ES contract",
        ),
        (
            _doc({"root": "ES", "quantity": -1, "contract": "ESZ4"}),
            "data.legs[0].contract",
            "invalid contract code",
        ),
        (
            _doc({"root": "ES", "quantity": -1, "entry_price": -5.0}),
            "data.legs[0].entry_price",
            "finite",
        ),
        (
            _doc({"root": "ES", "quantity": -1, "entry_price": False}),
            "data.legs[0].entry_price",
            "true/false",
        ),
        (
            _doc({"root": "ES", "quantity": -1}, {"root": "ES", "quantity": 2}),
            "legs[1]",
            "appears twice",
        ),
        (_doc(as_of="2024-13-01"), "data.as_of", ""),
        (_doc(as_of=20240910), "data.as_of", ""),
        (_doc(portfolio={"value_usd": -1}), "data.portfolio.value_usd", ""),
        (_doc(portfolio={"beta": True}), "data.portfolio.beta", "true/false"),
        (_doc(source=""), "data.source", ""),
    ],
)
def test_load_errors_name_file_field_value(
    tmp_path: Path, doc: object, field: str, fragment: str
) -> None:
    path = _write(tmp_path, doc)
    with pytest.raises(InputError) as info:
        HedgePosition.load(path, REG)
    err = info.value
    assert err.source == str(path)
    assert err.column == field
    assert err.expected
    assert fragment in str(err)


def test_load_refuses_nan_and_bad_json(tmp_path: Path) -> None:
    path = tmp_path / "nan.json"
    path.write_text(
        '{"schema_version": 1, "kind": "position", "data": {"legs": '
        '[{"root": "ES", "quantity": -1, "entry_price": NaN}]}}',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="NaN is not a number") as info:
        HedgePosition.load(path, REG)
    assert info.value.source == str(path)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="not valid JSON"):
        HedgePosition.load(path, REG)
    with pytest.raises(InputError, match="file not found"):
        HedgePosition.load(tmp_path / "missing.json", REG)


def test_load_checks_roots_against_the_given_registry(tmp_path: Path) -> None:
    sp = ContractSpec(
        root="SP", name="S&P 500 (big)", index="SPX", multiplier_usd=250.0, tick_size_points=0.1
    )
    reg = REG.with_contracts([sp])
    path = _write(tmp_path, _doc({"root": "SP", "quantity": -1}))
    assert HedgePosition.load(path, reg).legs[0].root == "SP"
    with pytest.raises(InputError, match="unknown contract root"):
        HedgePosition.load(path, REG)


# ---------------------------------------------------------------- sizing and views


def test_from_sizing_keeps_nonzero_legs_with_the_plan_month() -> None:
    es, mes = REG.get("ES"), REG.get("MES")
    # 1,000,000 x beta 1.2 at 5,000: 4.8 ES -> 4 ES + 8 MES
    sizing = size_hedge(1_000_000, 1.2, 5000.0, es, HedgeFraction(1.0), micro=mes)
    code = ContractCode("ES", 2024, 12)
    pos = HedgePosition.from_sizing(sizing, code, dt.date(2024, 9, 10), index="SPX")
    assert pos.source == "plan 2024-09-10"
    assert [(leg.label, leg.quantity) for leg in pos.legs] == [("ESZ2024", -4), ("MESZ2024", -8)]
    assert pos.portfolio == PositionPortfolio(1_000_000.0, 1.2, "SPX")
    assert pos.es_equivalent(REG) == {"ES": pytest.approx(-4.8)}
    legs = pos.to_legs(5000.0, REG)
    assert sum(leg.beta_dollars_usd for leg in legs) == pytest.approx(sizing.hedge_beta_dollars_usd)
    whole = size_hedge(500_000, 1.0, 5000.0, es, HedgeFraction(1.0), micro=mes)  # 2 ES, 0 MES
    assert [leg.root for leg in HedgePosition.from_sizing(whole, None, None).legs] == ["ES"]


def test_index_grouping_and_beta_dollars() -> None:
    pos = HedgePosition.from_legs_text("ES:-2,MES:-5,NQ:-1,MNQ:3,YM:1", REG)
    groups = {g.index: g for g in pos.by_index(REG)}
    assert groups["SPX"].main_root == "ES"
    assert groups["SPX"].roots == ("ES", "MES")
    # MES multiplier 5 = ES 50 / 10; MNQ 2 = NQ 20 / 10 (CME specifications)
    assert pos.es_equivalent(REG) == {
        "ES": pytest.approx(-2.5),
        "NQ": pytest.approx(-0.7),
        "YM": pytest.approx(1.0),
    }
    prices = {"ES": 5000.0, "MES": 5000.0, "NQ": 20000.0, "MNQ": 20000.0, "YM": 40000.0}
    bd = pos.beta_dollars_usd(prices, REG)
    assert bd["SPX"] == pytest.approx(-2 * 50 * 5000 - 5 * 5 * 5000)
    assert bd["NDX"] == pytest.approx(-1 * 20 * 20000 + 3 * 2 * 20000)
    assert bd["DJI"] == pytest.approx(5 * 40000)


def test_to_legs_prices_by_code_root_or_entry() -> None:
    pos = HedgePosition.from_legs_text("ESZ2024:-1,MES:-2@4000", REG)
    legs = pos.to_legs({"ESZ2024": 5000.0}, REG)
    assert [leg.price for leg in legs] == [5000.0, 4000.0]
    with pytest.raises(InputError, match="no price for ESZ2024"):
        pos.to_legs({"NQ": 1.0}, REG)


def test_resolved_and_minus_make_the_trade() -> None:
    code = ContractCode("ES", 2024, 12)
    held = HedgePosition.from_legs_text("ES:-1,ESZ2024:-1,NQ:-1", REG).resolved({"ES": code})
    assert held.quantity_of("ES", code) == -2
    target = HedgePosition((PositionLeg("ES", code, -5),), source="plan")
    trade = target.minus(held)
    assert {(leg.label, leg.quantity) for leg in trade.legs} == {("ESZ2024", -3), ("NQ", 1)}
    assert target.minus(target).legs == ()


def test_leg_and_position_validation() -> None:
    with pytest.raises(InputError, match="non-zero"):
        PositionLeg("ES", None, 0)
    with pytest.raises(InputError, match="non-zero"):
        PositionLeg("ES", None, True)
    with pytest.raises(InputError, match="not a ES contract"):
        PositionLeg("ES", ContractCode("NQ", 2024, 12), 1)
    with pytest.raises(InputError, match="entry price"):
        PositionLeg("ES", None, 1, math.nan)
    with pytest.raises(InputError, match="appears twice"):
        HedgePosition((PositionLeg("ES", None, 1), PositionLeg("ES", None, 2)))
    with pytest.raises(InputError, match="as_of"):
        HedgePosition((), as_of=dt.datetime(2024, 1, 1))  # type: ignore[arg-type]


def test_in_units_counts_an_emini_and_its_micro_in_micros() -> None:
    from hedgekit.position import HedgePosition

    # 2 ES + 5 MES short: -(2 x 10 + 5) = -25 MES units (an ES is $50 a point, an MES $5)
    count = HedgePosition.from_legs_text("MES:-5,ES:-2").in_units()
    assert (count.index, count.unit_root, count.main_root) == ("SPX", "MES", "ES")
    assert count.units == -25
    assert count.legs == (("ES", -2), ("MES", -5))
    assert count.contracts == 7
    with pytest.raises(InputError, match="one index"):
        HedgePosition.from_legs_text("ES:-2,NQ:-1").in_units(source="--legs")
    assert HedgePosition((), source="x").in_units().unit_root is None
