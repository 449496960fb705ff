"""make_plan nets a given HedgePosition (what --position will pass) out of its trade."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from hedgekit.data import load_holdings
from hedgekit.errors import InputError
from hedgekit.plan import PlanRequest, make_plan
from hedgekit.position import HedgePosition

AS_OF = dt.date(2024, 6, 3)


def test_value_beta_plan_nets_a_given_position() -> None:
    request = PlanRequest(value_usd=2_000_000.0, beta=1.1, as_of=AS_OF)
    held = HedgePosition.from_legs_text("ES:-3,NQ:-1")
    plan = make_plan(request, existing_hedge=held)
    assert plan.existing_hedge is not None
    code = plan.market.contract
    assert plan.existing_hedge.quantity_of("ES", code) == -3
    target = {leg.root: leg.quantity for leg in plan.sizing.legs}
    assert plan.trade is not None
    trade = {leg.root: leg.quantity for leg in plan.trade.legs}
    assert trade.get("ES", 0) == target["ES"] + 3
    assert trade["NQ"] == 1
    assert plan.to_dict()["trade"]["legs"] == [leg.to_dict() for leg in plan.trade.legs]
    # what a plan recommends can be saved as a position and read back
    assert plan.target_position is not None
    assert plan.target_position.source == f"plan {plan.as_of}"


def test_a_position_and_futures_rows_together_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("ticker,shares\nAAPL,100\nMSFT,100\nES,-1\n", encoding="utf-8")
    with pytest.raises(InputError, match="given twice"):
        make_plan(
            PlanRequest(),
            holdings=load_holdings(path),
            existing_hedge=HedgePosition.from_legs_text("ES:-1"),
        )
