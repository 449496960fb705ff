"""The book's own policy replayed through the backtest engine, against the book's trades.

``hedgekit book replay-policy``: the policy in force (hedge ratio or target beta, contract,
Micro top-up, the value trigger) is run by :func:`hedgekit.backtest.run_backtest` over the
book's dates on an :class:`~hedgekit.backtest.IndexPortfolio` with the value and beta of the
book's holdings snapshot; each session's policy position is set beside the book's (the
journal's state, :func:`hedgekit.book._journal.derive_state`, on that session), and the
sessions where they differ are reported with the futures P&L of each.

What the engine cannot represent is said in :attr:`PolicyReplay.notes`, never dropped
silently: the beta trigger (the engine's portfolio has one beta), the scheduled review (the
engine runs one rebalance rule: the value trigger), later holdings snapshots, and a policy
changed inside the range.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from hedgekit.errors import InputError

if TYPE_CHECKING:
    from hedgekit.book._store import Event

__all__ = ["Deviation", "PolicyReplay", "ReplayDay", "replay_policy", "split_micro"]

DiffKind = Literal["size", "month"]


@dataclass(frozen=True, slots=True)
class ReplayDay:
    """One session: the policy's position and the book's (contract code -> signed quantity).

    Attributes
    ----------
    day
        The session.
    policy, book
        Positions after the session's trades (negative = short); zero positions left out.
    policy_units, book_units
        Signed exposure in units of the smallest contract of the policy (Micro contracts when
        the policy tops up with the Micro, else the contract itself).
    differs
        ``None`` when equal; ``"size"`` when the exposure differs (or the book holds another
        index's contract); ``"month"`` when the exposure is equal but in other delivery
        months (a roll on another day than the policy's).
    """

    day: dt.date
    policy: Mapping[str, int]
    book: Mapping[str, int]
    policy_units: int
    book_units: int
    differs: DiffKind | None


@dataclass(frozen=True, slots=True)
class Deviation:
    """Consecutive sessions on which the book held the same other position than the policy."""

    first: dt.date
    last: dt.date
    sessions: int
    policy: Mapping[str, int]
    book: Mapping[str, int]
    kind: DiffKind

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {"from": self.first.isoformat(), "to": self.last.isoformat(),
                "sessions": self.sessions, "policy": dict(self.policy),
                "book": dict(self.book), "kind": self.kind}  # fmt: skip


@dataclass(frozen=True, slots=True)
class PolicyReplay:
    """The policy's run beside the book's positions.

    Attributes
    ----------
    first, last
        The sessions replayed.
    hedge_ratio
        The ratio of the beta exposure the policy hedges (from the target beta if given).
    run_contract
        The contract the engine traded (the Micro when the policy tops up with it).
    portfolio_value_usd, portfolio_beta, portfolio_as_of
        The holdings snapshot the engine's portfolio starts from.
    days
        One :class:`ReplayDay` per session.
    deviations
        The differing sessions grouped (:class:`Deviation`).
    policy_futures_pnl_usd
        The engine's variation margin summed over the sessions (fees and slippage left out).
    book_variation_margin_usd
        The book's variation margin settled over the same sessions.
    notes
        What the replay could not represent, and how prices were taken.
    """

    first: dt.date
    last: dt.date
    hedge_ratio: float
    run_contract: str
    portfolio_value_usd: float
    portfolio_beta: float
    portfolio_as_of: dt.date
    days: tuple[ReplayDay, ...]
    deviations: tuple[Deviation, ...]
    policy_futures_pnl_usd: float
    book_variation_margin_usd: float
    notes: tuple[str, ...] = field(default=())

    @property
    def pnl_difference_usd(self) -> float:
        """Book minus policy: what the book's own trades made over the policy's (USD)."""
        return self.book_variation_margin_usd - self.policy_futures_pnl_usd

    @property
    def sessions_differing(self) -> int:
        """Sessions on which the book's position was not the policy's."""
        return sum(1 for d in self.days if d.differs is not None)

    def sentence(self) -> str:
        """The summary in one sentence."""
        n = len(self.days)
        k = self.sessions_differing
        head = (
            f"From {self.first} to {self.last} ({n} sessions) the book "
            + ("followed the policy on every session" if k == 0 else
               f"held another position than the policy on {k} session(s) in "
               f"{len(self.deviations)} stretch(es)")
        )  # fmt: skip
        return (
            f"{head}; futures P&L: book {self.book_variation_margin_usd:+,.2f} USD, policy "
            f"{self.policy_futures_pnl_usd:+,.2f} USD (difference "
            f"{self.pnl_difference_usd:+,.2f} USD)."
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (``book replay-policy --json``)."""
        return {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "hedge_ratio": self.hedge_ratio,
            "run_contract": self.run_contract,
            "portfolio": {"value_usd": self.portfolio_value_usd, "beta": self.portfolio_beta,
                          "as_of": self.portfolio_as_of.isoformat()},
            "sessions": len(self.days),
            "sessions_differing": self.sessions_differing,
            "deviations": [d.to_dict() for d in self.deviations],
            "days": [{"date": d.day.isoformat(), "policy": dict(d.policy), "book": dict(d.book),
                      "differs": d.differs} for d in self.days],
            "policy_futures_pnl_usd": self.policy_futures_pnl_usd,
            "book_variation_margin_usd": self.book_variation_margin_usd,
            "pnl_difference_usd": self.pnl_difference_usd,
            "summary": self.sentence(),
            "notes": list(self.notes),
        }  # fmt: skip


def split_micro(contract: str, quantity: int, full_root: str, k: int) -> dict[str, int]:
    r"""``quantity`` Micro contracts as whole full-size ones plus the rest in Micros.

    The plan's sizing with a Micro top-up (:func:`hedgekit.sizing.size_hedge`): the target
    counted in Micro units :math:`kN^*`, whole full-size contracts
    :math:`\operatorname{trunc}(kN^*/k)` and the rest in Micros, the fewest contracts for
    that exposure (CME Micro E-minis are 1/10 of the E-mini, :math:`k = 10`).
    """
    from hedgekit.calendar import ContractCode

    code = ContractCode.parse(contract)
    full = int(quantity / k)
    rest = quantity - full * k
    out: dict[str, int] = {}
    if full:
        out[ContractCode(full_root, code.year, code.month).long] = full
    if rest:
        out[code.long] = rest
    return out


def _units(positions: Mapping[str, int], unit_mult: float, roots: set[str]
           ) -> tuple[int, dict[tuple[int, int], int], bool]:  # fmt: skip
    """Exposure in units, per delivery month, and whether a contract of another index is held."""
    from hedgekit.book._journal import multiplier_usd
    from hedgekit.calendar import ContractCode

    total = 0
    by_month: dict[tuple[int, int], int] = {}
    other = False
    for c, q in positions.items():
        code = ContractCode.parse(c)
        if code.root not in roots:
            other = True
            continue
        u = round(q * multiplier_usd(c) / unit_mult)
        total += u
        by_month[(code.year, code.month)] = by_month.get((code.year, code.month), 0) + u
    return total, {m: u for m, u in by_month.items() if u}, other


def _group(days: Sequence[ReplayDay]) -> tuple[Deviation, ...]:
    out: list[Deviation] = []
    for d in days:
        if d.differs is None:
            continue
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.kind == d.differs
            and dict(prev.policy) == dict(d.policy)
            and dict(prev.book) == dict(d.book)
            and _adjacent(days, prev.last, d.day)
        ):
            out[-1] = Deviation(prev.first, d.day, prev.sessions + 1, prev.policy, prev.book,
                                prev.kind)  # fmt: skip
        else:
            out.append(Deviation(d.day, d.day, 1, d.policy, d.book, d.differs))
    return tuple(out)


def _adjacent(days: Sequence[ReplayDay], a: dt.date, b: dt.date) -> bool:
    idx = {d.day: i for i, d in enumerate(days)}
    return idx[b] - idx[a] == 1


def replay_policy(
    events: Sequence[Event], start: dt.date | None = None, end: dt.date | None = None
) -> PolicyReplay:
    r"""Run the book's policy through the backtest engine and compare it with the book.

    Parameters
    ----------
    events
        The book's journal.
    start, end
        The range (``--from``/``--to``); default the first event and the last mark.

    Notes
    -----
    The hedge ratio of a target beta :math:`\beta^*` on a portfolio of beta :math:`\beta` is
    :math:`h = (\beta - \beta^*)/\beta`, so that :math:`N^* = h\beta V/(mF) =
    (\beta - \beta^*)V/(mF)` contracts are short (Hull 11e §3.5). The engine sizes
    :math:`N^*` from the portfolio grown at the index's return times :math:`\beta` (plus
    dividends) and trades to it on the first session, at each roll (CME's roll rule) and
    when the portfolio's value has moved the policy's value trigger since the last trade.
    The policy's futures P&L is the engine's daily settlement (Hull 11e §2.4) summed over
    the sessions; the book's is its journal's variation margin over the same sessions.
    """
    from hedgekit.backtest import BacktestSpec, Costs, IndexPortfolio, MarginSpec, run_backtest
    from hedgekit.book._journal import derive_state, live_events
    from hedgekit.book._views import history_inputs
    from hedgekit.calendar import ContractCode, sessions
    from hedgekit.contracts import default_registry
    from hedgekit.policies import StaticHedge, ValueChange

    if start is not None and end is not None and start >= end:
        raise InputError("the range is empty", source="--from",
                         value=f"{start.isoformat()}..{end.isoformat()}",
                         expected="--from before --to")  # fmt: skip
    live = live_events(events)
    if not live:
        raise InputError("the book has no events", source="--book",
                         expected="a book with a policy, holdings, fills and marks")  # fmt: skip
    marks = [e.effective_date for e in live if e.kind == "mark"]
    if not marks:
        raise InputError("no marks in the book: nothing to replay against", source="--to",
                         expected="hedgekit book mark on the sessions held")  # fmt: skip
    first = start if start is not None else live[0].effective_date
    last = end if end is not None else max(marks)
    if first >= last:
        raise InputError("the range is empty", source="--from",
                         value=f"{first.isoformat()}..{last.isoformat()}",
                         expected="--from before --to")  # fmt: skip
    notes: list[str] = []
    points = history_inputs(live, last)[3]
    before = [p for p in points if p.day <= first]
    if before:
        snap = before[-1]
    else:
        after = [p for p in points if p.day <= last]
        if not after:
            raise InputError(
                "no holdings snapshot with market values and a beta in the range",
                source="--from", value=first.isoformat(),
                expected="book import HOLDINGS --beta B (a market_value_usd on every line)",
            )  # fmt: skip
        snap = after[0]
        if start is not None:
            notes.append(
                f"The replay starts at the first holdings snapshot, {snap.day}, not "
                f"--from {first}: the policy needs the portfolio's value and beta."
            )
        first = snap.day
    days_idx = sessions(first, last)
    if len(days_idx) < 2:
        raise InputError("fewer than two sessions to replay", source="--from",
                         value=f"{first.isoformat()}..{last.isoformat()}",
                         expected="a range of at least two NYSE sessions")  # fmt: skip
    first, last = days_idx[0].date(), days_idx[-1].date()
    later = [p.day.isoformat() for p in points if first < p.day <= last]
    if later:
        notes.append(
            f"Holdings snapshots of {', '.join(later[:5])} are not used: the engine grows the "
            f"portfolio of {snap.day} at the index's return times its beta {snap.beta:g}."
        )
    policy = derive_state(live, first).policy
    changed = sorted({e.effective_date.isoformat() for e in live
                      if e.kind == "policy" and first < e.effective_date <= last})  # fmt: skip
    if changed:
        notes.append(f"The policy was changed on {', '.join(changed)}; the replay runs the "
                     f"policy in force on {first} throughout.")  # fmt: skip
    if policy.hedge_ratio is not None:
        h = float(policy.hedge_ratio)
    else:
        if snap.beta == 0:
            raise InputError("a target beta on a portfolio of beta 0", source="--target-beta",
                             value=policy.target_beta,
                             expected="a holdings snapshot with a non-zero beta")  # fmt: skip
        assert policy.target_beta is not None
        h = (snap.beta - policy.target_beta) / snap.beta
    reg = default_registry()
    full = reg.get(policy.contract.upper())
    micro = reg.micro_for(full.root) if policy.use_micro else None
    if micro is not None and micro.listed is not None and micro.listed > first:
        notes.append(f"{micro.root} was listed on {micro.listed}: the replay holds whole "
                     f"{full.root} contracts only.")  # fmt: skip
        micro = None
    run = micro if micro is not None else full
    k = round(full.multiplier_usd / run.multiplier_usd)
    trig = policy.triggers
    spec = BacktestSpec(
        first, last, IndexPortfolio(snap.value_usd, snap.beta),
        policy=StaticHedge(h, allow_net_short=h > 1.0, allow_net_long=h < 0.0),
        contract=run.root, rebalance=ValueChange(pct=trig.value_change, ratio_change_min=0.0),
        costs=Costs(0.0, 0.0), margin=MarginSpec(model="notional"), rounding="nearest",
    )  # fmt: skip
    result = run_backtest(spec)
    daily = result.daily
    notes.append(
        f"The beta trigger (±{trig.beta_change:g}) is not represented: the engine's portfolio "
        f"keeps the snapshot's beta {snap.beta:g}, so it never fires."
    )
    notes.append(
        f"The review every {trig.review_months} month(s) is not represented: the engine runs "
        f"one rebalance rule, the value trigger (±{trig.value_change:.0%}); the policy trades "
        "on the first session, at each roll (CME's rule) and when that trigger fires."
    )
    if micro is not None:
        notes.append(f"The {micro.root} top-up is replayed in whole {micro.root} contracts, "
                     f"shown as whole {full.root} plus the rest in {micro.root}.")  # fmt: skip
    sources = sorted({str(s) for s in daily["futures_price_source"]})
    notes.append(
        f"The engine prices futures at {' / '.join(sources)} and trades at that price, the "
        "book at its marks and fill prices: part of the P&L difference is the price, not the "
        "trades."
    )
    roots = {full.root, run.root}
    out_days: list[ReplayDay] = []
    for ts, row in daily.iterrows():
        day = ts.date()  # type: ignore[attr-defined]
        n = round(float(row["contracts"]))
        pol = (split_micro(str(row["contract"]), n, full.root, k) if micro is not None
               else ({ContractCode.parse(str(row["contract"])).long: n} if n else {}))  # fmt: skip
        held = dict(derive_state(live, day).positions)
        pu, pm, _ = _units(pol, run.multiplier_usd, roots)
        bu, bm, other = _units(held, run.multiplier_usd, roots)
        differs: DiffKind | None = None
        if other or pu != bu:
            differs = "size"
        elif pm != bm:
            differs = "month"
        out_days.append(ReplayDay(day, pol, held, pu, bu, differs))
    policy_pnl = float(daily["settlement_usd"].sum())
    vm_end = derive_state(live, last).variation_margin_usd
    vm_start = derive_state(live, first - dt.timedelta(days=1)).variation_margin_usd
    return PolicyReplay(
        first=first, last=last, hedge_ratio=h, run_contract=run.root,
        portfolio_value_usd=snap.value_usd, portfolio_beta=snap.beta, portfolio_as_of=snap.day,
        days=tuple(out_days), deviations=_group(out_days),
        policy_futures_pnl_usd=round(policy_pnl, 2),
        book_variation_margin_usd=round(vm_end - vm_start, 2), notes=tuple(notes),
    )  # fmt: skip
