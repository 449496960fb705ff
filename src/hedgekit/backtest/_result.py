"""Results of backtests: the full record of one run, and a table of many."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from hedgekit.backtest._spec import BacktestSpec
from hedgekit.metrics import Metrics

__all__ = ["BacktestResult", "BatchSummary"]

DAILY_COLUMNS = (
    "index_level",
    "vix",
    "futures_price",
    "futures_price_source",
    "contract",
    "stocks_usd",
    "margin_account_usd",
    "cash_usd",
    "total_value_usd",
    "unhedged_value_usd",
    "contracts",
    "hedge_ratio_target",
    "hedge_ratio_effective",
    "fees_usd",
    "slippage_usd",
    "interest_usd",
    "margin_call_usd",
)


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime) and not isinstance(value, pd.Timestamp):
        return value.isoformat()
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer | np.bool_):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return value


def _frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in frame.reset_index().to_dict(orient="records"):
        out.append({str(k): _json_value(v) for k, v in row.items()})
    return out


@dataclass(frozen=True, slots=True, eq=False)
class BacktestResult:
    """Everything one backtest produced.

    Attributes
    ----------
    spec
        The setup.
    daily
        One row per session (index ``date``). Columns: ``index_level``, ``vix``,
        ``futures_price`` (of the contract held after the day's trades) and
        ``futures_price_source`` (``"settlement"``, ``"close"`` or ``"fair value"``), ``contract``,
        ``stocks_usd``, ``margin_account_usd``, ``cash_usd``, ``total_value_usd`` (their sum),
        ``unhedged_value_usd``, ``contracts`` (negative = short), ``hedge_ratio_target``,
        ``hedge_ratio_effective``, ``fees_usd``, ``slippage_usd``, ``interest_usd``,
        ``margin_call_usd``; and more detail: ``contract_settled``, ``futures_price_settle``,
        ``futures_settle_source`` (the contract carried into the day, which differs on roll
        days), ``is_roll``, ``rate_annual``, ``dividend_yield``, ``stock_return_usd``,
        ``settlement_usd``, ``deposit_usd``, ``sweep_usd``, ``margin_interest_cost_usd``,
        ``initial_margin_usd``, ``maintenance_margin_usd``, ``traded_contracts``, ``trades``,
        ``beta`` (the beta that sized the hedge that day: constant, or the trailing estimate
        of a :class:`~hedgekit.backtest.RollingBeta`).
    fills
        One row per trade: ``date``, ``contract``, ``quantity`` (signed), ``price``,
        ``reason`` (``open``, ``rebalance``, ``roll_close``, ``roll_open``, ``close``),
        ``fee_usd``, ``slippage_usd``.
    rolls
        ``date``, ``from_contract``, ``to_contract``, ``contracts`` (opened, signed),
        ``contracts_closed``, ``spread_points`` (new − old), ``spread_cost_usd`` (carry
        locked in, :func:`hedgekit.pricing.roll_cost_usd`: negative = a gain to the short).
    margin_calls
        ``date``, ``amount_usd``, ``source``, ``balance_before_usd``, ``requirement_usd``.
    metrics, unhedged_metrics
        :class:`~hedgekit.metrics.Metrics` of the hedged account and of the unhedged portfolio.
    engine
        Kernel that ran it.
    notes
        Plain-words notes on how the run was set up (the margin rule used) and warnings
        (an achieved hedge ratio far from the target, and why).
    """

    spec: BacktestSpec
    daily: pd.DataFrame
    fills: pd.DataFrame
    rolls: pd.DataFrame
    margin_calls: pd.DataFrame
    metrics: Metrics
    unhedged_metrics: Metrics
    engine: str
    notes: tuple[str, ...] = ()

    @property
    def hedge_ratio_achieved(self) -> float:
        r"""Average over sessions of beta-dollars hedged / beta-dollars held.

        Each session's ratio is :math:`-N_t m F_t / (\\beta_t S_t)` (Hull 11e §3.5: a full
        hedge shorts :math:`\\beta S / (m F)` contracts), with :math:`S_t` the stocks held.
        """
        return float(np.mean(self.daily["hedge_ratio_effective"].to_numpy()))

    @property
    def hedge_ratio_target(self) -> float:
        """Average over sessions of the policy's target hedge ratio."""
        return float(np.mean(self.daily["hedge_ratio_target"].to_numpy()))

    @property
    def policy_name(self) -> str:
        """The policy's description."""
        return self.spec.policy.name

    def summary_frame(self) -> pd.DataFrame:
        """Hedged and unhedged measures side by side (one row per measure)."""
        hedged = self.metrics.to_dict()
        unhedged = self.unhedged_metrics.to_dict()
        frame = pd.DataFrame(
            {
                "hedged": pd.Series(hedged, dtype=object),
                "unhedged": pd.Series(unhedged, dtype=object),
            }
        )
        frame.index.name = "measure"
        return frame

    def to_dict(self, *, daily: bool = False) -> dict[str, Any]:
        """JSON-safe result: spec, metrics, fills, rolls, calls (and the daily rows if asked)."""
        out: dict[str, Any] = {
            "spec": self.spec.to_dict(),
            "engine": self.engine,
            "policy": self.policy_name,
            "metrics": self.metrics.to_dict(),
            "unhedged_metrics": self.unhedged_metrics.to_dict(),
            "fills": _frame_records(self.fills),
            "rolls": _frame_records(self.rolls),
            "margin_calls": _frame_records(self.margin_calls),
            "hedge_ratio_achieved": self.hedge_ratio_achieved,
            "hedge_ratio_target": self.hedge_ratio_target,
            "notes": list(self.notes),
        }
        if daily:
            out["daily"] = _frame_records(self.daily)
        return out


@dataclass(frozen=True, slots=True, eq=False)
class BatchSummary:
    """Measures of many runs: one row per run of :attr:`frame`.

    Attributes
    ----------
    frame
        Columns ``run``, ``label``, ``policy``, ``rebalance``, every :class:`Metrics` field,
        and ``unhedged_*`` copies of the main unhedged measures.
    specs
        The runs' specs, in row order (empty for grids given without specs).
    engine
        Kernel used.
    """

    frame: pd.DataFrame
    specs: tuple[BacktestSpec, ...]
    engine: str

    @property
    def n_runs(self) -> int:
        """Rows."""
        return len(self.frame)

    def metrics(self, run: int) -> Metrics:
        """The :class:`Metrics` of row ``run``."""
        row = self.frame.iloc[run]
        return Metrics.from_columns({f: np.asarray([row[f]]) for f in Metrics.__dataclass_fields__})

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe rows."""
        return {"engine": self.engine, "runs": _frame_records(self.frame.set_index("run"))}
