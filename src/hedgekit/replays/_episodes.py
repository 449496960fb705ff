"""The named episodes: classic hedging stories, their stated setups and the numbers they claim.

Every episode comes from the guide "Portfolio Hedging with Futures" (its Examples 1-4, the
"Best Case Scenario" and the "Worst Case Scenario"). The setup (dates, portfolio value, beta,
hedge ratio, margin per contract, rounding) is the one the story states; the claims are the
numbers it prints, each with the section it comes from. The stories' figures are illustrative
and often wrong; measuring them against the bundled history is the point of a replay.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Literal

from hedgekit.errors import InputError
from hedgekit.replays._claims import Claim, Measure, Unit

if TYPE_CHECKING:
    from hedgekit.policies import HedgePolicy

__all__ = ["EPISODES", "Episode", "get_episode", "list_episodes"]

#: The guide the episodes are taken from (``/seeds/portfolio-hedging-with-futures.md``).
GUIDE: Final = "Portfolio Hedging with Futures"
#: Initial margin per ES contract the guide uses throughout ("Margin: ~$12,000 per contract").
GUIDE_MARGIN_PER_CONTRACT_USD: Final = 12_000.0


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@dataclass(frozen=True, slots=True)
class Episode:
    """A named historical episode: a hedge story's stated setup and its claims.

    Attributes
    ----------
    key
        Short name used by ``hedgekit replay KEY``.
    title
        One-line title.
    source_section
        The guide's section the story comes from.
    start
        First session: the hedge is opened at its close.
    end
        Last session of the run.
    hedge_ratio
        Fraction of the beta exposure hedged while the hedge is on (0..1).
    hedge_until
        Last session the hedge is held: it is lifted at that close and the run goes on
        unhedged to ``end``. ``None``: held to ``end``.
    value_usd
        Stock portfolio value at ``start``.
    beta
        Portfolio beta to the S&P 500.
    contract
        Futures root (the stories all use ``"ES"``).
    initial_margin_per_contract_usd
        Initial margin per contract the story uses; maintenance is taken as initial / 1.10
        (CME initial for speculators is 110 % of maintenance).
    rounding
        How the story rounds to whole contracts (``"nearest"``: the guide's rule).
    call_source
        Where margin calls are paid from: ``"cash"`` or ``"stock"`` (sold at the close).
    other_assets_usd
        Assets the story holds beside the stocks (bonds, cash), kept flat as the story does.
    story
        The story in plain words.
    claims
        The numbers the story states.
    """

    key: str
    title: str
    source_section: str
    start: dt.date
    end: dt.date
    hedge_ratio: float
    value_usd: float
    beta: float
    story: str
    claims: tuple[Claim, ...] = ()
    hedge_until: dt.date | None = None
    contract: str = "ES"
    initial_margin_per_contract_usd: float = GUIDE_MARGIN_PER_CONTRACT_USD
    rounding: Literal["nearest", "down"] = "nearest"
    call_source: Literal["cash", "stock"] = "cash"
    other_assets_usd: float = 0.0
    tags: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        for name in ("start", "end", "hedge_until"):
            value = getattr(self, name)
            if value is None and name == "hedge_until":
                continue
            if isinstance(value, str):
                try:
                    value = dt.date.fromisoformat(value)
                except ValueError:
                    raise InputError(
                        "not a date", source=name, value=value, expected="YYYY-MM-DD"
                    ) from None
            if isinstance(value, dt.datetime):
                value = value.date()
            if not isinstance(value, dt.date):
                raise InputError("not a date", source=name, value=value, expected="a date")
            object.__setattr__(self, name, value)
        if self.end <= self.start:
            raise InputError(
                "the episode must end after it starts",
                source="end",
                value=self.end.isoformat(),
                expected=f"after {self.start.isoformat()}",
            )
        if self.hedge_until is not None and not (self.start <= self.hedge_until <= self.end):
            raise InputError(
                "the hedge must be lifted inside the run",
                source="hedge_until",
                value=self.hedge_until.isoformat(),
                expected=f"between {self.start.isoformat()} and {self.end.isoformat()}",
            )
        checks: tuple[tuple[str, float, float, float], ...] = (
            ("hedge_ratio", self.hedge_ratio, 0.0, 1.0),
            ("value_usd", self.value_usd, 1e-9, math.inf),
            ("beta", self.beta, 1e-9, 10.0),
            ("initial_margin_per_contract_usd", self.initial_margin_per_contract_usd, 1e-9, 1e9),
            ("other_assets_usd", self.other_assets_usd, 0.0, math.inf),
        )
        for name, value, lo, hi in checks:
            v = float(value)
            if not (math.isfinite(v) and lo <= v <= hi):
                raise InputError(
                    "out of range", source=name, value=value, expected=f"between {lo} and {hi}"
                )
            object.__setattr__(self, name, v)
        if self.rounding not in ("nearest", "down"):
            raise InputError(
                "unknown rounding",
                source="rounding",
                value=self.rounding,
                expected="nearest | down",
            )
        if self.call_source not in ("cash", "stock"):
            raise InputError(
                "unknown margin call source",
                source="call_source",
                value=self.call_source,
                expected="cash | stock",
            )
        object.__setattr__(self, "claims", tuple(self.claims))

    @property
    def maintenance_margin_per_contract_usd(self) -> float:
        """Maintenance margin per contract: initial / 1.10."""
        return self.initial_margin_per_contract_usd / 1.10

    @property
    def policy_description(self) -> str:
        """The hedge policy in words."""
        text = f"short {self.hedge_ratio:.0%} of the beta exposure in {self.contract} futures"
        if self.hedge_until is not None and self.hedge_until < self.end:
            text += f" from {self.start.isoformat()} to the close of {self.hedge_until.isoformat()}"
            text += f", then unhedged to {self.end.isoformat()}"
        else:
            text += f" from {self.start.isoformat()} to {self.end.isoformat()}"
        return text

    @property
    def policy(self) -> HedgePolicy:
        """The episode's hedge policy (built on demand; needs :mod:`hedgekit.policies`)."""
        from hedgekit.replays._policy import episode_policy

        return episode_policy(self)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe mapping of the setup and claims."""
        return {
            "key": self.key,
            "title": self.title,
            "source_section": self.source_section,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "hedge_until": None if self.hedge_until is None else self.hedge_until.isoformat(),
            "hedge_ratio": self.hedge_ratio,
            "policy": self.policy_description,
            "value_usd": self.value_usd,
            "beta": self.beta,
            "contract": self.contract,
            "initial_margin_per_contract_usd": self.initial_margin_per_contract_usd,
            "maintenance_margin_per_contract_usd": self.maintenance_margin_per_contract_usd,
            "rounding": self.rounding,
            "call_source": self.call_source,
            "other_assets_usd": self.other_assets_usd,
            "story": self.story,
            "claims": [c.to_dict() for c in self.claims],
        }


# --------------------------------------------------------------------------- claim helpers

_Column = tuple[str, Measure, Unit]


def _rows(
    section: str,
    base: str,
    columns: Sequence[_Column],
    rows: Sequence[tuple[str, Sequence[float | None]]],
    *,
    label: str = "",
    notes: dict[str, str] | None = None,
) -> tuple[Claim, ...]:
    """Claims of a story's table: one per cell (``None`` cells are skipped)."""
    out: list[Claim] = []
    for day, values in rows:
        for (what, measure, unit), value in zip(columns, values, strict=True):
            if value is None:
                continue
            since = _d(base) if measure.endswith("change") or measure == "hedge_pnl" else None
            out.append(
                Claim(
                    what=f"{what} on {day}{label}",
                    stated_value=value,
                    unit=unit,
                    source_section=section,
                    measure=measure,
                    on=_d(day),
                    since=since,
                    note=(notes or {}).get(measure, ""),
                )
            )
    return tuple(out)


_SPX: Final[_Column] = ("S&P 500", "index_close", "index points")
_FALL: Final[_Column] = ("S&P 500 change since the hedge", "index_change", "fraction")
_PORT: Final[_Column] = ("unhedged portfolio value", "unhedged_value", "usd")
_FUT: Final[_Column] = ("futures P&L since the hedge", "hedge_pnl", "usd")
_NET: Final[_Column] = ("hedged (net) value", "hedged_value", "usd")

_NOTE_DIVIDENDS = (
    "The story's portfolio follows the price index; the run's reinvests the index dividend "
    "yield, and its hedge is re-sized to the larger portfolio at each roll"
)

# --------------------------------------------------------------------------- the episodes

_S2008 = "Best Case Scenario: The Perfect Hedge: 2008 Financial Crisis (Hypothetical)"
_CRISIS_2008 = Episode(
    key="crisis-2008",
    title="2008 crisis: a 75% hedge from June 2008 to the March 2009 low",
    source_section=_S2008,
    start=_d("2008-06-02"),
    hedge_until=_d("2009-03-09"),
    end=_d("2010-12-31"),
    hedge_ratio=0.75,
    value_usd=2_000_000.0,
    beta=1.05,
    rounding="down",
    story=(
        "A $2,000,000 diversified portfolio with beta 1.05 hedges 75% of its exposure on "
        "June 2, 2008, with the S&P 500 said to be at 1,400: 22 ES contracts short, $264,000 of "
        "margin. The hedge is rolled quarterly through Lehman and the crash and closed at the "
        "March 9, 2009 low, then the portfolio rides the recovery unhedged to December 2010. "
        "The story claims no margin calls, a maximum drawdown of 12.5% against 52.3% "
        "unhedged, and $500,000 preserved."
    ),
    claims=(
        Claim(
            "S&P 500 when the hedge is placed", 1400.0, "index points", _S2008, on=_d("2008-06-02")
        ),
        Claim(
            "ES contracts sold",
            22.0,
            "contracts",
            _S2008,
            "contracts",
            on=_d("2008-06-02"),
            note="The story sizes on an index of 1,400 and rounds 22.5 down; the run sizes on "
            "the futures price and rounds down too",
        ),
        Claim(
            "initial margin posted", 264_000.0, "usd", _S2008, "initial_margin", on=_d("2008-06-02")
        ),
        *_rows(
            _S2008,
            "2008-06-02",
            (_SPX, _FALL, _PORT, _FUT, _NET),
            (
                ("2008-08-31", (1282.0, -0.084, 1_823_000.0, 129_800.0, 1_952_800.0)),
                ("2008-09-30", (1166.0, -0.167, 1_651_000.0, 257_400.0, 1_908_400.0)),
                ("2008-10-31", (969.0, -0.308, 1_368_000.0, 473_900.0, 1_841_900.0)),
                ("2008-11-30", (896.0, -0.360, 1_261_000.0, 554_400.0, 1_815_400.0)),
                ("2008-12-31", (903.0, -0.355, 1_275_000.0, 546_700.0, 1_821_700.0)),
                ("2009-03-09", (676.0, -0.517, 954_000.0, 795_200.0, 1_749_200.0)),
            ),
        ),
        Claim(
            "VIX at the low",
            55.0,
            "index points",
            _S2008,
            "vix_close",
            on=_d("2009-03-09"),
            rel_tol=0.05,
        ),
        Claim(
            "margin calls while hedged",
            0.0,
            "count",
            _S2008,
            "margin_calls_count",
            on=_d("2009-03-09"),
        ),
        *_rows(
            _S2008,
            "2009-03-09",
            (
                _SPX,
                ("S&P 500 rally since the low", "index_change", "fraction"),
                ("hedged strategy total", "hedged_value", "usd"),
            ),
            (
                ("2009-06-30", (920.0, 0.36, 1_297_000.0)),
                ("2009-12-31", (1115.0, 0.65, 1_574_000.0)),
                ("2010-12-31", (1258.0, 0.86, 1_775_000.0)),
            ),
            label=" (recovery, unhedged)",
        ),
        Claim(
            "hedged total return, June 2008 to December 2010",
            -0.1125,
            "fraction",
            _S2008,
            "hedged_return",
            on=_d("2010-12-31"),
            note="The story's recovery table leaves out the gain the hedge had banked at the low",
        ),
        Claim(
            "hedged maximum drawdown",
            -0.125,
            "fraction",
            _S2008,
            "hedged_max_drawdown",
            on=_d("2010-12-31"),
        ),
        Claim(
            "unhedged value at the low",
            954_000.0,
            "usd",
            _S2008,
            "unhedged_value",
            on=_d("2009-03-09"),
        ),
        Claim(
            "unhedged maximum drawdown",
            -0.523,
            "fraction",
            _S2008,
            "unhedged_max_drawdown",
            on=_d("2010-12-31"),
        ),
        Claim(
            "unhedged value in December 2010",
            1_275_000.0,
            "usd",
            _S2008,
            "unhedged_value",
            on=_d("2010-12-31"),
            note="The story reuses its December 2008 unhedged value as the December 2010 one",
        ),
        Claim(
            "unhedged total return, June 2008 to December 2010",
            -0.3625,
            "fraction",
            _S2008,
            "unhedged_return",
            on=_d("2010-12-31"),
        ),
        Claim(
            "value preserved by the hedge by December 2010",
            500_000.0,
            "usd",
            _S2008,
            "hedge_protection",
            on=_d("2010-12-31"),
        ),
    ),
    tags=("crash", "tactical"),
)

_S2018 = "Examples: Example 4: Partial Hedge During Volatility (2018)"
_Q4_2018 = Episode(
    key="q4-2018",
    title="Q4 2018: a 50% hedge from October 1 to Christmas Eve",
    source_section=_S2018,
    start=_d("2018-10-01"),
    hedge_until=_d("2018-12-24"),
    end=_d("2018-12-31"),
    hedge_ratio=0.5,
    value_usd=600_000.0,
    beta=0.95,
    story=(
        "A $600,000 portfolio with beta 0.95 hedges half its exposure for the fourth quarter of "
        "2018 (trade war, Fed hiking): 2 ES contracts short on October 1 with the index said to "
        "be at 2,914. The hedge is closed at the Christmas Eve low with VIX near 36, and the "
        "portfolio catches the year-end rally unhedged."
    ),
    claims=(
        Claim("S&P 500 on September 30, 2018", 2914.0, "index points", _S2018, on=_d("2018-09-30")),
        Claim(
            "S&P 500 when the hedge is placed", 2914.0, "index points", _S2018, on=_d("2018-10-01")
        ),
        Claim("ES contracts sold", 2.0, "contracts", _S2018, "contracts", on=_d("2018-10-01")),
        *_rows(
            _S2018,
            "2018-10-01",
            (_SPX, _PORT, _FUT, _NET),
            (
                ("2018-10-31", (2711.0, 574_000.0, 20_300.0, 594_300.0)),
                ("2018-11-30", (2760.0, 583_000.0, 15_400.0, 598_400.0)),
                ("2018-12-24", (2347.0, 514_000.0, 56_700.0, 570_700.0)),
            ),
        ),
        Claim(
            "VIX on Christmas Eve",
            36.0,
            "index points",
            _S2018,
            "vix_close",
            on=_d("2018-12-24"),
            rel_tol=0.05,
        ),
        Claim(
            "S&P 500 rally December 24-31",
            0.07,
            "fraction",
            _S2018,
            "index_change",
            on=_d("2018-12-31"),
            since=_d("2018-12-24"),
        ),
        Claim(
            "hedged value at year-end",
            550_000.0,
            "usd",
            _S2018,
            "hedged_value",
            on=_d("2018-12-31"),
        ),
        Claim(
            "hedged return for the quarter",
            -0.083,
            "fraction",
            _S2018,
            "hedged_return",
            on=_d("2018-12-31"),
        ),
        Claim(
            "unhedged value on December 24 (counterfactual)",
            510_000.0,
            "usd",
            _S2018,
            "unhedged_value",
            on=_d("2018-12-24"),
            note="The story's own table says $514,000 for the same day",
        ),
        Claim(
            "unhedged value at year-end",
            546_000.0,
            "usd",
            _S2018,
            "unhedged_value",
            on=_d("2018-12-31"),
        ),
        Claim(
            "unhedged return for the quarter",
            -0.09,
            "fraction",
            _S2018,
            "unhedged_return",
            on=_d("2018-12-31"),
        ),
        Claim(
            "losses protected by the hedge at year-end",
            40_000.0,
            "usd",
            _S2018,
            "hedge_protection",
            on=_d("2018-12-31"),
            note="The story's own year-end values ($550,000 against $546,000) differ by $4,000",
        ),
    ),
    tags=("correction", "tactical", "partial"),
)

_S2020 = "Examples: Example 3: Perfect Tactical Hedge (COVID Crash)"
_COVID_2020 = Episode(
    key="covid-crash-2020",
    title="2020 crash: a full hedge from late February to the March 23 low",
    source_section=_S2020,
    start=_d("2020-02-27"),
    hedge_until=_d("2020-03-23"),
    end=_d("2020-12-31"),
    hedge_ratio=1.0,
    value_usd=800_000.0,
    beta=1.1,
    story=(
        "An $800,000 portfolio with beta 1.1 puts on an emergency full hedge on February 27, "
        "2020 as COVID spreads: 6 ES contracts short with the index said to be at 3,116, "
        "$72,000 of margin. The hedge is closed at the March 23 low with VIX said to be at 65, "
        "and the portfolio rides the recovery unhedged to the end of 2020."
    ),
    claims=(
        Claim("S&P 500 on February 24, 2020", 3337.0, "index points", _S2020, on=_d("2020-02-24")),
        Claim(
            "S&P 500 when the hedge is placed", 3116.0, "index points", _S2020, on=_d("2020-02-27")
        ),
        Claim(
            "S&P 500 fall in the three days before the hedge",
            -0.066,
            "fraction",
            _S2020,
            "index_change",
            on=_d("2020-02-27"),
            since=_d("2020-02-24"),
        ),
        Claim("ES contracts sold", 6.0, "contracts", _S2020, "contracts", on=_d("2020-02-27")),
        Claim(
            "initial margin posted", 72_000.0, "usd", _S2020, "initial_margin", on=_d("2020-02-27")
        ),
        *_rows(
            _S2020,
            "2020-02-27",
            (_SPX, _FALL, _PORT, _FUT, _NET),
            (
                ("2020-03-06", (2985.0, -0.042, 766_000.0, 39_300.0, 805_300.0)),
                ("2020-03-16", (2386.0, -0.234, 613_000.0, 219_000.0, 832_000.0)),
                ("2020-03-23", (2237.0, -0.282, 574_000.0, 263_700.0, 837_700.0)),
            ),
        ),
        Claim(
            "VIX at the low",
            65.0,
            "index points",
            _S2020,
            "vix_close",
            on=_d("2020-03-23"),
            rel_tol=0.05,
        ),
        Claim(
            "S&P 500 fall from the February peak to the low",
            -0.34,
            "fraction",
            _S2020,
            "index_change",
            on=_d("2020-03-23"),
            since=_d("2020-02-19"),
        ),
        Claim(
            "S&P 500 recovery from the low to year-end",
            0.68,
            "fraction",
            _S2020,
            "index_change",
            on=_d("2020-12-31"),
            since=_d("2020-03-23"),
        ),
        Claim("S&P 500 at year-end", 3756.0, "index points", _S2020, on=_d("2020-12-31")),
        Claim(
            "hedged value at year-end",
            965_000.0,
            "usd",
            _S2020,
            "hedged_value",
            on=_d("2020-12-31"),
            note="The story grows only the stocks from the low and leaves out the hedge's gain",
        ),
        Claim(
            "hedged return, February 27 to year-end",
            0.206,
            "fraction",
            _S2020,
            "hedged_return",
            on=_d("2020-12-31"),
        ),
        Claim(
            "unhedged value at year-end",
            768_000.0,
            "usd",
            _S2020,
            "unhedged_value",
            on=_d("2020-12-31"),
            note="The story grows the same $574,000 to $965,000 in its hedged line",
        ),
        Claim(
            "unhedged return, February 27 to year-end",
            -0.04,
            "fraction",
            _S2020,
            "unhedged_return",
            on=_d("2020-12-31"),
        ),
        Claim(
            "value saved by the hedge by year-end",
            197_000.0,
            "usd",
            _S2020,
            "hedge_protection",
            on=_d("2020-12-31"),
        ),
    ),
    tags=("crash", "tactical"),
)

_S2022 = "Examples: Example 1: Classic Defensive Hedge (2022 Bear Market)"
_BEAR_2022 = Episode(
    key="bear-2022",
    title="2022 bear market: a 50% hedge through the year",
    source_section=_S2022,
    start=_d("2022-01-03"),
    end=_d("2022-12-30"),
    hedge_ratio=0.5,
    value_usd=700_000.0,
    beta=1.05,
    other_assets_usd=300_000.0,
    story=(
        "A 55-year-old's $1,000,000 retirement portfolio (70% stocks with beta 1.05, 20% "
        "bonds, 10% cash) hedges half of its $700,000 stock exposure for 2022: 2 ES contracts "
        "short on January 3 at 4,796, $24,000 of margin, rolled each quarter and closed at "
        "year-end. The story keeps the bonds and cash flat, and so does the replay (the bundled "
        "data have no bond prices): in 2022 bonds in fact fell too."
    ),
    claims=(
        Claim("S&P 500 on December 31, 2021", 4766.0, "index points", _S2022, on=_d("2021-12-31")),
        Claim(
            "S&P 500 when the hedge is placed", 4796.0, "index points", _S2022, on=_d("2022-01-03")
        ),
        Claim("ES contracts sold", 2.0, "contracts", _S2022, "contracts", on=_d("2022-01-03")),
        Claim(
            "initial margin posted", 24_000.0, "usd", _S2022, "initial_margin", on=_d("2022-01-03")
        ),
        *_rows(
            _S2022,
            "2022-01-03",
            (_SPX, ("portfolio value (stocks, bonds, cash)", "unhedged_value", "usd"), _FUT, _NET),
            (
                ("2022-03-31", (4530.0, 972_000.0, 26_600.0, 998_600.0)),
                ("2022-06-30", (3785.0, 905_000.0, 101_000.0, 1_006_000.0)),
                ("2022-09-30", (3586.0, 890_000.0, 121_000.0, 1_011_000.0)),
                ("2022-12-31", (3839.0, 910_000.0, 95_700.0, 1_005_700.0)),
            ),
        ),
        Claim(
            "stocks' return in 2022",
            -0.13,
            "fraction",
            _S2022,
            "unhedged_stock_return",
            on=_d("2022-12-30"),
        ),
        Claim(
            "unhedged portfolio return in 2022",
            -0.09,
            "fraction",
            _S2022,
            "unhedged_return",
            on=_d("2022-12-30"),
        ),
        Claim(
            "hedged portfolio return in 2022",
            0.0057,
            "fraction",
            _S2022,
            "hedged_return",
            on=_d("2022-12-30"),
        ),
    ),
    tags=("bear", "partial"),
)

_S2023 = "Examples: Example 2: Failed Hedge (2023 Rally)"
_RALLY_2023 = Episode(
    key="rally-2023",
    title="2023 rally: a 75% hedge against a recession that did not come",
    source_section=_S2023,
    start=_d("2023-01-03"),
    hedge_until=_d("2023-12-15"),
    end=_d("2023-12-29"),
    hedge_ratio=0.75,
    value_usd=500_000.0,
    beta=1.0,
    story=(
        "A bearish investor with $500,000 (beta 1.0) hedges 75% on January 3, 2023, expecting "
        "a recession: 2 ES contracts short at 3,824, $24,000 of margin. The market rallies all "
        "year; the hedge is kept through doubt, frustration and a false dawn in September, and "
        "closed on December 15 at a loss."
    ),
    claims=(
        Claim("S&P 500 on December 30, 2022", 3839.0, "index points", _S2023, on=_d("2022-12-30")),
        Claim(
            "S&P 500 when the hedge is placed", 3824.0, "index points", _S2023, on=_d("2023-01-03")
        ),
        Claim("ES contracts sold", 2.0, "contracts", _S2023, "contracts", on=_d("2023-01-03")),
        Claim(
            "initial margin posted", 24_000.0, "usd", _S2023, "initial_margin", on=_d("2023-01-03")
        ),
        *_rows(
            _S2023,
            "2023-01-03",
            (_SPX, _PORT, _FUT, _NET),
            (
                ("2023-03-31", (4109.0, 537_500.0, -28_500.0, 509_000.0)),
                ("2023-06-30", (4450.0, 581_500.0, -62_600.0, 518_900.0)),
                ("2023-09-30", (4288.0, 561_000.0, -46_400.0, 514_600.0)),
                ("2023-12-31", (4769.0, 623_500.0, -94_500.0, 529_000.0)),
            ),
        ),
        Claim(
            "futures loss when the hedge is closed on December 15",
            -94_500.0,
            "usd",
            _S2023,
            "hedge_pnl",
            on=_d("2023-12-15"),
            since=_d("2023-01-03"),
        ),
        Claim(
            "S&P 500 return in 2023",
            0.247,
            "fraction",
            _S2023,
            "index_change",
            on=_d("2023-12-29"),
            since=_d("2023-01-03"),
        ),
        Claim(
            "unhedged return in 2023",
            0.247,
            "fraction",
            _S2023,
            "unhedged_return",
            on=_d("2023-12-29"),
        ),
        Claim(
            "hedged return in 2023",
            0.052,
            "fraction",
            _S2023,
            "hedged_return",
            on=_d("2023-12-29"),
            note="The story's own table ends at $529,000 (+5.8%), its summary at +$25,800",
        ),
        Claim(
            "opportunity cost of the hedge",
            -97_700.0,
            "usd",
            _S2023,
            "hedge_protection",
            on=_d("2023-12-29"),
        ),
    ),
    tags=("rally", "failed"),
)

_SPERP = "Worst Case Scenario: The Nightmare: Perpetual Bear (2009-2020 Bull Market)"
_PERPETUAL = Episode(
    key="perpetual-2009-2020",
    title="Perpetual full hedge from the March 2009 low to the end of 2020",
    source_section=_SPERP,
    start=_d("2009-03-09"),
    end=_d("2020-12-31"),
    hedge_ratio=1.0,
    value_usd=954_000.0,
    beta=1.0,
    story=(
        "An investor traumatised by 2008 fully hedges what is left, $954,000 (beta 1.0), at the "
        "March 9, 2009 low: 28 ES contracts short at 676, $336,000 of margin, and keeps the "
        "hedge on through the whole bull market to the end of 2020, rolling every quarter. The "
        "story says the hedged portfolio ends at $917,000 while the unhedged one quintuples."
    ),
    claims=(
        Claim("S&P 500 at the low", 676.0, "index points", _SPERP, on=_d("2009-03-09")),
        Claim(
            "S&P 500 fall from the October 2007 peak",
            -0.57,
            "fraction",
            _SPERP,
            "index_change",
            on=_d("2009-03-09"),
            since=_d("2007-10-09"),
        ),
        Claim("ES contracts sold", 28.0, "contracts", _SPERP, "contracts", on=_d("2009-03-09")),
        Claim(
            "initial margin posted", 336_000.0, "usd", _SPERP, "initial_margin", on=_d("2009-03-09")
        ),
        *_rows(
            _SPERP,
            "2009-03-09",
            (_SPX, _PORT, _FUT, _NET),
            (
                ("2009-12-31", (1115.0, 1_574_000.0, -614_000.0, 948_000.0)),
                ("2010-12-31", (1258.0, 1_775_000.0, -814_000.0, 948_000.0)),
                ("2011-12-31", (1258.0, 1_775_000.0, -814_000.0, 947_000.0)),
                ("2012-12-31", (1426.0, 1_998_000.0, -1_050_000.0, 933_000.0)),
                ("2013-12-31", (1848.0, 2_590_000.0, -1_640_000.0, 932_000.0)),
                ("2014-12-31", (2059.0, 2_886_000.0, -1_935_000.0, 931_000.0)),
                ("2015-12-31", (2044.0, 2_865_000.0, -1_915_000.0, 930_000.0)),
                ("2016-12-31", (2239.0, 3_138_000.0, -2_188_000.0, 928_000.0)),
                ("2017-12-31", (2674.0, 3_748_000.0, -2_798_000.0, 925_000.0)),
                ("2018-12-31", (2507.0, 3_514_000.0, -2_564_000.0, 926_000.0)),
                ("2019-12-31", (3231.0, 4_527_000.0, -3_577_000.0, 920_000.0)),
                ("2020-12-31", (3756.0, 5_264_000.0, -4_312_000.0, 917_000.0)),
            ),
            notes={"unhedged_value": _NOTE_DIVIDENDS, "hedge_pnl": _NOTE_DIVIDENDS},
        ),
        Claim(
            "hedged total return", -0.039, "fraction", _SPERP, "hedged_return", on=_d("2020-12-31")
        ),
        Claim(
            "unhedged total return",
            4.52,
            "fraction",
            _SPERP,
            "unhedged_return",
            on=_d("2020-12-31"),
            rel_tol=0.02,
        ),
        Claim(
            "S&P 500 rise from the low",
            4.56,
            "fraction",
            _SPERP,
            "index_change",
            on=_d("2020-12-31"),
            since=_d("2009-03-09"),
            rel_tol=0.02,
        ),
        Claim(
            "unhedged value with dividends reinvested",
            5_944_000.0,
            "usd",
            _SPERP,
            "unhedged_value",
            on=_d("2020-12-31"),
        ),
        Claim(
            "quarterly rolls",
            44.0,
            "count",
            _SPERP,
            "rolls_count",
            on=_d("2020-12-31"),
            note="The run rolls on every CME roll date (eight calendar days before expiry) "
            "inside the window",
        ),
        Claim(
            "opportunity cost of the hedge",
            -5_027_000.0,
            "usd",
            _SPERP,
            "hedge_protection",
            on=_d("2020-12-31"),
        ),
    ),
    tags=("bull", "perpetual", "long"),
)

_SREB = "Worst Case Scenario: The Margin Call Nightmare (2020 COVID Rally)"
_REBOUND_2020 = Episode(
    key="rebound-2020",
    title="2020 rebound: a full hedge left on at the March 23 low",
    source_section=_SREB,
    start=_d("2020-03-23"),
    end=_d("2020-08-31"),
    hedge_ratio=1.0,
    value_usd=2_300_000.0,
    beta=1.0,
    call_source="stock",
    story=(
        "The perpetual hedger's portfolio has fallen to $2.3M in the COVID crash and the hedge "
        "is showing a large gain; instead of lifting it at the March 23 low, the investor keeps "
        "it for 'more downside'. The market rallies about 60% by the end of August; weekly "
        "margin calls follow and stocks are sold at the close to meet them. The replay holds a "
        "full hedge on $2.3M (beta 1.0) from the close of March 23 to August 31."
    ),
    claims=(
        Claim(
            "S&P 500 fall from the February peak to the low",
            -0.35,
            "fraction",
            _SREB,
            "index_change",
            on=_d("2020-03-23"),
            since=_d("2020-02-19"),
        ),
        Claim("S&P 500 at the low", 2237.0, "index points", _SREB, on=_d("2020-03-23")),
        Claim(
            "ES contracts short",
            28.0,
            "contracts",
            _SREB,
            "contracts",
            on=_d("2020-03-23"),
            note="The 28 contracts were sized on $954,000 in 2009 and never resized; a full "
            "hedge of $2.3M at 2,237 is 2,300,000 / (50 x 2,237) = 20.6 contracts",
        ),
        Claim(
            "S&P 500 top of the rally by August",
            3580.0,
            "index points",
            _SREB,
            "index_max_close",
            on=_d("2020-08-31"),
            since=_d("2020-03-24"),
            note="3,580 was the close of September 2, 2020",
        ),
        Claim(
            "S&P 500 rally from the low by August 31",
            0.60,
            "fraction",
            _SREB,
            "index_change",
            on=_d("2020-08-31"),
            since=_d("2020-03-23"),
        ),
        Claim(
            "futures loss from the low to August 31",
            -1_880_000.0,
            "usd",
            _SREB,
            "hedge_pnl",
            on=_d("2020-08-31"),
            since=_d("2020-03-23"),
        ),
        Claim(
            "S&P 500 rise in the week of March 23-27",
            0.10,
            "fraction",
            _SREB,
            "index_change",
            on=_d("2020-03-27"),
            since=_d("2020-03-20"),
        ),
        Claim(
            "futures loss in the week of March 23-27",
            -196_000.0,
            "usd",
            _SREB,
            "hedge_pnl",
            on=_d("2020-03-27"),
            since=_d("2020-03-23"),
        ),
        Claim(
            "margin calls in the week of March 23-27",
            250_000.0,
            "usd",
            _SREB,
            "margin_calls_usd",
            on=_d("2020-03-27"),
            since=_d("2020-03-23"),
        ),
        Claim(
            "S&P 500 rise in the week of April 6-9",
            0.12,
            "fraction",
            _SREB,
            "index_change",
            on=_d("2020-04-09"),
            since=_d("2020-04-03"),
        ),
        Claim(
            "futures loss in the week of April 6-9",
            -235_000.0,
            "usd",
            _SREB,
            "hedge_pnl",
            on=_d("2020-04-09"),
            since=_d("2020-04-03"),
        ),
        Claim(
            "margin calls in the week of April 6-9",
            300_000.0,
            "usd",
            _SREB,
            "margin_calls_usd",
            on=_d("2020-04-09"),
            since=_d("2020-04-03"),
        ),
        Claim(
            "futures losses by late April (April 24)",
            -840_000.0,
            "usd",
            _SREB,
            "hedge_pnl",
            on=_d("2020-04-24"),
            since=_d("2020-03-23"),
        ),
    ),
    tags=("rally", "margin"),
)

#: The named episodes, in the order ``hedgekit replay --list`` shows them.
EPISODES: Final[dict[str, Episode]] = {
    e.key: e
    for e in (
        _CRISIS_2008,
        _Q4_2018,
        _COVID_2020,
        _BEAR_2022,
        _RALLY_2023,
        _PERPETUAL,
        _REBOUND_2020,
    )
}


def list_episodes() -> tuple[Episode, ...]:
    """The named episodes, in a stable order."""
    return tuple(EPISODES.values())


def get_episode(key: str) -> Episode:
    """The episode named ``key``.

    Raises
    ------
    InputError
        If no episode has that key.
    """
    try:
        return EPISODES[key]
    except KeyError:
        raise InputError(
            "unknown episode", source="key", value=key, expected=" | ".join(EPISODES)
        ) from None
