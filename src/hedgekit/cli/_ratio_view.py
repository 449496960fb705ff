"""``plan --ratio-model``: the current time-varying hedge ratio beside the plan's static one.

The model is fitted on the portfolio's own history up to the plan date (its holdings'
buy-and-hold returns, or the S&P 500's scaled by the given beta) against the bundled ES
futures, and the same history is run out of sample (:mod:`hedgekit.estimation._out_of_sample`)
to say whether the model would have hedged better than the static OLS ratio after costs.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from rich.console import Console

from hedgekit.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from hedgekit.data import Holdings
    from hedgekit.plan import HedgePlan

RATIO_MODELS = ("rolling", "ewma", "dcc")


def check_ratio_model(value: str | None) -> str | None:
    """``--ratio-model``: ``None`` or one of :data:`RATIO_MODELS`."""
    if value is None:
        return None
    v = value.strip().lower()
    if v not in RATIO_MODELS:
        raise InputError(
            "unknown ratio model", source="--ratio-model", value=value,
            expected=" | ".join(RATIO_MODELS),
        )  # fmt: skip
    return v


def _spot_returns(
    plan: HedgePlan, holdings: Holdings | None, prices: pd.DataFrame | None
) -> tuple[pd.Series, str]:
    import pandas as pd

    from hedgekit.datasets import load_sp500

    as_of = pd.Timestamp(plan.as_of)
    if holdings is not None:
        from hedgekit.data._prices import prices_for
        from hedgekit.portfolio import portfolio_returns

        px = prices_for(holdings, prices).loc[:as_of]
        complete = px.dropna()
        return (
            portfolio_returns(holdings, px, complete.index[0], complete.index[-1]),
            "the holdings' buy-and-hold history",
        )
    close = load_sp500()["close"].loc[:as_of]
    beta = plan.beta.beta
    return beta * close.pct_change().dropna(), f"the S&P 500's history times beta {beta:.2f}"


def ratio_model_section(
    plan: HedgePlan,
    model: str,
    holdings: Holdings | None,
    prices: pd.DataFrame | None,
) -> dict[str, Any]:
    """The chosen model's current ratio, the static one, and the out-of-sample verdict."""
    import numpy as np
    import pandas as pd

    from hedgekit.datasets import load_futures_front
    from hedgekit.estimation import (
        DEFAULT_ROLLING_WINDOW,
        dcc_hedge_ratio,
        ewma_hedge_ratio,
        min_variance_hedge_ratio,
        rolling_hedge_ratio,
    )
    from hedgekit.estimation._out_of_sample import (
        OutOfSampleSettings,
        evaluate_hedge_ratios,
        hedge_pair,
    )

    if plan.contract.index != "SPX":
        return {
            "model": model,
            "available": False,
            "sentence": f"No time-varying ratio for {plan.contract.root}: only the S&P 500 "
            "futures (ES, MES) have a bundled price history to fit it on.",
        }
    spot, spot_words = _spot_returns(plan, holdings, prices)
    as_of = pd.Timestamp(plan.as_of)
    es = load_futures_front("ES").loc[:as_of]
    pair = hedge_pair(
        spot, es["close"], es["inferred_contract"], spot_name="portfolio", futures_name="ES=F"
    )
    # Common sessions, roll days left out (their futures change is a calendar spread).
    keep = np.isfinite(pair.futures_change)
    s = pd.Series(pair.spot_return[keep], index=pair.dates[keep])
    f = pd.Series(pair.futures_return[keep], index=pair.dates[keep], name="ES")
    fit = {"rolling": rolling_hedge_ratio, "ewma": ewma_hedge_ratio, "dcc": dcc_hedge_ratio}
    current = fit[model](s, f)
    if plan.min_variance is not None:
        static = plan.min_variance.h_star
    else:  # a plan without a return history of its own (--value-usd and --beta)
        static = min_variance_hedge_ratio(s, f, window=DEFAULT_ROLLING_WINDOW).h_star
    settings = OutOfSampleSettings(
        models=(model,),
        refit="quarterly",
        value_usd=plan.portfolio_value_usd,
        commission_usd=plan.request.commission_usd,
        slippage_ticks=plan.request.slippage_ticks,
    )
    result = evaluate_hedge_ratios(pair, settings)
    mine, base = result.row(model), result.row("static-ols")
    better = mine.hedge_effectiveness > base.hedge_effectiveness
    words = {"rolling": "rolling OLS", "ewma": "EWMA", "dcc": "DCC-GARCH"}[model]
    sentence = (
        f"On {spot_words} ({result.test_start.date()} to {result.test_end.date()}, out of "
        f"sample, re-sized weekly with the plan's costs), the {words} ratio would have hedged "
        f"{'better' if better else 'worse'} than the static OLS ratio after costs: "
        f"{mine.hedge_effectiveness:.2%} of the variance removed against "
        f"{base.hedge_effectiveness:.2%}, at {_usd(mine.costs_usd)} of trading costs against "
        f"{_usd(base.costs_usd)}."
    )
    return {
        "model": model,
        "available": True,
        "h_current": current.h_forecast,
        "h_static": static,
        "fallback": current.fallback,
        "warnings": list(current.warnings),
        "as_of": dt.date.isoformat(plan.as_of),
        "better_after_costs": bool(better),
        "out_of_sample": {
            "test_start": result.test_start.date().isoformat(),
            "test_end": result.test_end.date().isoformat(),
            "model": mine.to_dict(),
            "static_ols": base.to_dict(),
        },
        "sentence": sentence,
    }


def _usd(x: float) -> str:
    from hedgekit.cli._output import usd

    return usd(x)


def render_ratio_model(section: dict[str, Any], c: Console) -> None:
    """Print the section under the plan."""
    c.print()
    c.print(f"[bold]Time-varying hedge ratio ({section['model']})[/bold]")
    if section["available"]:
        c.print(
            f"  current h_t {section['h_current']:.3f} (forecast for the next session) · "
            f"static minimum-variance ratio {section['h_static']:.3f}"
        )
        for w in section["warnings"]:
            c.print(f"  note: {w}")
    c.print(f"  {section['sentence']}")
