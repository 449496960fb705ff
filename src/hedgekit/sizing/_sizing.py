r"""Hedge sizing: from a portfolio's beta exposure to whole futures contracts.

Formulas (Hull, *Options, Futures and Other Derivatives*, 11th ed.):

* §3.5 "Stock index futures", hedging an equity portfolio:
  :math:`N^* = \beta\,V_A / V_F`, with :math:`V_A` the portfolio value and
  :math:`V_F = m\,F` the value of one futures contract (multiplier :math:`m` times the
  futures price :math:`F`).
* §3.5 "Changing the beta": :math:`N = (\beta^* - \beta)\,V_A / V_F`; negative is short.
* §3.4 "Tailing the hedge": with daily settlement Hull 11e defines the hedge on the ratio of
  *values*, :math:`N^* = \hat h\,V_A/V_F` with :math:`V_F` the futures *price* times the
  contract size. That is what :func:`size_hedge` does by default (``price_basis="futures"``).
  Earlier editions (and Hull's footnote on the approximation) describe the tail instead as a
  present-value factor: daily gains on the futures earn interest until the hedge horizon
  :math:`T`, so the count is multiplied by :math:`e^{-rT}`. That refinement is available as
  ``tail_discount`` (build it with :func:`tail_factor`); it is off by default because for
  equity-index hedges of a few months it changes the count by well under one contract per
  hundred, and it must be re-applied as :math:`T` shrinks.

Sign conventions, used by every field of :class:`HedgeSizing`:

* quantity > 0 is long futures, < 0 short;
* "beta-dollars" are the USD change of a position for a 1.00 (100 %) index return:
  the portfolio has :math:`B = \beta V_A`, a futures leg :math:`q\,m\,P`;
* the hedged position has :math:`B + \sum_i q_i m_i P` beta-dollars left (the *residual*).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from hedgekit._typing import RoundingMode
from hedgekit.errors import InputError
from hedgekit.sizing._checks import check_finite, check_positive
from hedgekit.sizing._targets import HedgeFraction, HedgeTarget, as_target

if TYPE_CHECKING:
    from hedgekit.contracts import ContractSpec

__all__ = [
    "DEFAULT_NET_SHORT_TOLERANCE",
    "MAX_NET_SHORT_TOLERANCE",
    "HedgeSizing",
    "Leg",
    "NetShortGuard",
    "PriceBasis",
    "PriceBasisComparison",
    "RoundingCandidate",
    "size_hedge",
    "tail_factor",
]

PriceBasis = Literal["futures", "index"]

#: Relative tolerance under which a float count is taken as the whole number it is meant to be
#: (e.g. 30.000000000000004 contracts from 1.5 x 5,050,000 / 252,500).
_SNAP_RTOL = 1e-9

#: Default net-short tolerance: a rounded short hedge may exceed the beta exposure by at most
#: 1 % of it (residual beta no lower than :math:`-0.01\,\beta`) when that is closer to the
#: target than rounding down. 1 % is far inside the uncertainty of the beta being hedged (the
#: standard error of a one-year daily OLS beta of a diversified portfolio is a few hundredths),
#: so a position 1 % net short is, within what can be measured, fully hedged; and a 10 % rise
#: costs at most 0.1 % of the exposure on it, less than the under-hedge it replaces leaves open.
DEFAULT_NET_SHORT_TOLERANCE = 0.01
#: Largest tolerance accepted: beyond 10 % an over-hedge is a deliberate short position, not a
#: rounding choice, and is asked for with ``allow_net_short``.
MAX_NET_SHORT_TOLERANCE = 0.10


@dataclass(frozen=True, slots=True)
class Leg:
    r"""Whole contracts held in one instrument.

    Attributes
    ----------
    root
        Contract root ("ES", "MES").
    quantity
        Whole contracts; negative = short.
    exact
        Fractional count this instrument would need to carry the rest of the target alone
        (for the full-size leg: the whole exact target; for the micro leg: what is left after
        the whole full-size contracts, in micro contracts). Negative = short.
    multiplier_usd
        USD per index point of one contract.
    price
        Futures price (index points) the leg is valued at.
    notional_usd
        Gross notional :math:`|q|\,m\,F` (always >= 0).
    """

    root: str
    quantity: int
    exact: float
    multiplier_usd: float
    price: float
    notional_usd: float

    @classmethod
    def of(cls, root: str, quantity: int, multiplier_usd: float, price: float) -> Leg:
        """Build a leg held outright (``exact`` = ``quantity``), e.g. a position already on.

        Parameters
        ----------
        root
            Contract root.
        quantity
            Whole contracts, negative = short.
        multiplier_usd
            USD per index point, > 0.
        price
            Futures price in index points, > 0.

        Returns
        -------
        Leg
        """
        check_positive(multiplier_usd, "multiplier_usd")
        check_positive(price, "price")
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            raise InputError(
                "contract quantity must be a whole number",
                source="quantity",
                value=quantity,
                expected="an int (negative = short)",
            )
        return cls(
            root=root,
            quantity=quantity,
            exact=float(quantity),
            multiplier_usd=float(multiplier_usd),
            price=float(price),
            notional_usd=abs(quantity) * float(multiplier_usd) * float(price),
        )

    @property
    def beta_dollars_usd(self) -> float:
        r"""Signed index exposure :math:`q\,m\,F` (USD per 1.00 index return)."""
        return self.quantity * self.multiplier_usd * self.price

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "root": self.root,
            "quantity": int(self.quantity),
            "exact": float(self.exact),
            "multiplier_usd": float(self.multiplier_usd),
            "price": float(self.price),
            "notional_usd": float(self.notional_usd),
        }


@dataclass(frozen=True, slots=True)
class PriceBasisComparison:
    r"""Exact contract counts with the futures price and with the index level as denominator.

    Attributes
    ----------
    futures_price
        Futures price :math:`F`.
    index_level
        Index level :math:`S`.
    exact_futures_basis
        :math:`N = D / (m F)` (signed).
    exact_index_basis
        :math:`N = D / (m S)` (signed).
    difference
        ``exact_index_basis - exact_futures_basis``: with :math:`F > S` (contango) the index
        denominator asks for more contracts, by the factor :math:`F/S`.
    """

    futures_price: float
    index_level: float
    exact_futures_basis: float
    exact_index_basis: float
    difference: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "futures_price": self.futures_price,
            "index_level": self.index_level,
            "exact_futures_basis": self.exact_futures_basis,
            "exact_index_basis": self.exact_index_basis,
            "difference": self.difference,
        }


@dataclass(frozen=True, slots=True)
class RoundingCandidate:
    r"""One whole-contract count the net-short guard weighed.

    Attributes
    ----------
    legs
        ``(root, quantity)`` per instrument (full-size first, then micro; negative = short).
    hedge_ratio
        Share of the beta exposure it offsets, :math:`-H/B`.
    net_short_fraction
        How far the position would be net short, as a share of the beta exposure:
        :math:`\max(-H/B - 1, 0)` (0 for the under-hedge).
    distance_to_target
        :math:`|H - D|/B`, its distance to the exact target as a share of the beta exposure.
    admissible
        Whether the guard may take it (net short within the tolerance).
    """

    legs: tuple[tuple[str, int], ...]
    hedge_ratio: float
    net_short_fraction: float
    distance_to_target: float
    admissible: bool

    def describe(self) -> str:
        """``"3 ES + 1 MES"``: magnitudes of the legs held (``"5 MES"``, not ``"0 ES + 5 MES"``)."""
        held = [f"{abs(q)} {root}" for root, q in self.legs if q != 0]
        return " + ".join(held) or "no contracts"

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary; ``contracts`` lists ``{"root", "quantity"}`` per leg."""
        return {
            "contracts": [{"root": root, "quantity": int(q)} for root, q in self.legs],
            "hedge_ratio": self.hedge_ratio,
            "net_short_fraction": self.net_short_fraction,
            "distance_to_target": self.distance_to_target,
            "admissible": self.admissible,
        }


@dataclass(frozen=True, slots=True)
class NetShortGuard:
    r"""The two counts around a full hedge when rounding would go past it, and the choice.

    Present on :class:`HedgeSizing` when a short hedge rounded per the rounding mode would
    offset more than the whole beta exposure (the position net short, residual beta < 0)
    while the exact target does not.

    Attributes
    ----------
    tolerance
        Largest net short accepted, as a share of the beta exposure.
    over
        The rounding mode's count, above 100 %.
    under
        The largest count at or below 100 %.
    chosen
        ``"over"`` or ``"under"``.
    """

    tolerance: float
    over: RoundingCandidate
    under: RoundingCandidate
    chosen: Literal["over", "under"]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "tolerance": self.tolerance,
            "over": self.over.to_dict(),
            "under": self.under.to_dict(),
            "chosen": self.chosen,
        }


@dataclass(frozen=True, slots=True)
class HedgeSizing:
    r"""Result of :func:`size_hedge`.

    All beta-dollar figures are USD per 1.00 (100 %) index return, priced at the chosen
    ``price_used`` (futures price or index level) and *without* the tail factor, so they read
    as today's exposures.

    Attributes
    ----------
    value_usd, beta
        The portfolio: value :math:`V_A` and beta :math:`\beta`.
    target
        The hedge target asked for.
    contract_root, micro_root
        Full-size contract and the optional micro used to top up.
    price_basis, price_used
        Which price is the denominator (``"futures"`` or ``"index"``) and its value.
    futures_price, index_level
        Prices given (``index_level`` may be ``None``).
    rounding
        Rounding mode asked for.
    tail_discount
        Factor the exact count was multiplied by (1.0 = no tailing).
    exact_contracts
        Signed exact count in ``contract_root`` units, tail included.
    legs
        Whole contracts per instrument (full-size first, then micro).
    notional_usd
        Gross notional :math:`\sum_i |q_i|\,m_i F` at the futures price (>= 0).
    portfolio_beta_dollars_usd
        :math:`B = \beta V_A`.
    target_beta_dollars_usd
        Signed futures exposure asked for, :math:`D` (tail included).
    hedge_beta_dollars_usd
        Signed futures exposure held, :math:`H = \sum_i q_i m_i P`.
    hedge_ratio_target
        Fraction of :math:`B` the target offsets: ``h``, or :math:`(\beta-\beta^*)/\beta`.
        Negative when the target beta is above the portfolio's: the futures are bought and
        add exposure (``-1/3`` for beta 1.5 to 2.0: a third more index exposure).
    hedge_ratio_effective
        Fraction actually offset, :math:`-H/B` (positive for a short hedge of a long
        portfolio; negative when futures are bought to raise beta; 0 when :math:`B = 0`).
    residual_beta_dollars_usd
        :math:`B + H`: the hedged position's USD change per 1.00 index return.
    effective_beta
        :math:`(B + H) / V_A`.
    pnl_per_1pct_move_usd
        :math:`0.01\,(B + H)`: USD gain of portfolio plus futures for a +1 % index move.
    basis_comparison
        Counts with both denominators, when both prices are known.
    net_short_tolerance
        Largest net short the guard accepted from rounding, share of the beta exposure.
    net_short_guard
        The over- and under-hedge weighed when rounding went past 100 %, else ``None``.
    notes
        Plain-language notes on choices made (e.g. rounding pulled back below 100 %).
    """

    value_usd: float
    beta: float
    target: HedgeTarget
    contract_root: str
    micro_root: str | None
    price_basis: PriceBasis
    price_used: float
    futures_price: float
    index_level: float | None
    rounding: RoundingMode
    tail_discount: float
    exact_contracts: float
    legs: tuple[Leg, ...]
    notional_usd: float
    portfolio_beta_dollars_usd: float
    target_beta_dollars_usd: float
    hedge_beta_dollars_usd: float
    hedge_ratio_target: float
    hedge_ratio_effective: float
    residual_beta_dollars_usd: float
    effective_beta: float
    pnl_per_1pct_move_usd: float
    basis_comparison: PriceBasisComparison | None
    notes: tuple[str, ...]
    net_short_tolerance: float = DEFAULT_NET_SHORT_TOLERANCE
    net_short_guard: NetShortGuard | None = None

    @property
    def total_contracts(self) -> int:
        r"""Number of contracts across legs, :math:`\sum_i |q_i|`."""
        return sum(abs(leg.quantity) for leg in self.legs)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary; ``contracts`` lists the legs (root, quantity, exact, ...)."""
        return {
            "value_usd": self.value_usd,
            "beta": self.beta,
            "target": self.target.to_dict(),
            "contract_root": self.contract_root,
            "micro_root": self.micro_root,
            "price_basis": self.price_basis,
            "price_used": self.price_used,
            "futures_price": self.futures_price,
            "index_level": self.index_level,
            "rounding": self.rounding,
            "tail_discount": self.tail_discount,
            "exact_contracts": self.exact_contracts,
            "contracts": [leg.to_dict() for leg in self.legs],
            "total_contracts": self.total_contracts,
            "notional_usd": self.notional_usd,
            "portfolio_beta_dollars_usd": self.portfolio_beta_dollars_usd,
            "target_beta_dollars_usd": self.target_beta_dollars_usd,
            "hedge_beta_dollars_usd": self.hedge_beta_dollars_usd,
            "hedge_ratio_target": self.hedge_ratio_target,
            "hedge_ratio_effective": self.hedge_ratio_effective,
            "residual_beta_dollars_usd": self.residual_beta_dollars_usd,
            "effective_beta": self.effective_beta,
            "pnl_per_1pct_move_usd": self.pnl_per_1pct_move_usd,
            "basis_comparison": (
                None if self.basis_comparison is None else self.basis_comparison.to_dict()
            ),
            "net_short_tolerance": self.net_short_tolerance,
            "net_short_guard": (
                None if self.net_short_guard is None else self.net_short_guard.to_dict()
            ),
            "notes": list(self.notes),
        }


def tail_factor(rate_annual: float, horizon_years: float) -> float:
    r"""Present-value tail :math:`e^{-rT}` for ``size_hedge(..., tail_discount=...)``.

    Futures gains and losses are settled daily and earn (or cost) interest until the hedge
    horizon, so a forward-equivalent hedge needs :math:`e^{-rT}` times as many futures
    (Hull, 11th ed., §3.4 "Tailing the hedge" and ch. 5 on forward vs futures prices).

    Parameters
    ----------
    rate_annual
        Continuously compounded risk-free rate, per year (finite, >= 0).
    horizon_years
        Time to the end of the hedge, years (finite, >= 0).

    Returns
    -------
    float
        The factor, in ``(0, 1]``.
    """
    check_finite(rate_annual, "rate_annual")
    check_finite(horizon_years, "horizon_years")
    if rate_annual < 0:
        raise InputError(
            "a negative rate would make the tail factor exceed 1",
            source="rate_annual",
            value=rate_annual,
            expected="a rate >= 0",
        )
    if horizon_years < 0:
        raise InputError(
            "horizon must not be negative",
            source="horizon_years",
            value=horizon_years,
            expected="years >= 0",
        )
    return math.exp(-rate_annual * horizon_years)


def size_hedge(
    value_usd: float,
    beta: float,
    futures_price: float,
    contract: ContractSpec,
    target: HedgeTarget | float,
    *,
    price_basis: PriceBasis = "futures",
    index_level: float | None = None,
    rounding: RoundingMode = "nearest",
    micro: ContractSpec | None = None,
    allow_net_short: bool = False,
    tail_discount: float | None = None,
    net_short_tolerance: float = DEFAULT_NET_SHORT_TOLERANCE,
    given: Mapping[str, int] | None = None,
) -> HedgeSizing:
    r"""Size a stock index futures hedge in whole contracts.

    Exact count (Hull 11e §3.5; §3.4 for the choice of :math:`V_F`):

    .. math::

        D = \begin{cases} -h\,\beta V_A & \text{hedge fraction } h \
                          (\beta^* - \beta)\,V_A & \text{target beta } \beta^* \end{cases}
        \qquad N^* = \frac{D \cdot \tau}{m\,P}

    with :math:`P` the futures price (default) or the index level (``price_basis="index"``),
    :math:`m` the contract multiplier and :math:`\tau` the tail factor (1 unless
    ``tail_discount`` is given). Negative :math:`N^*` means sell futures.

    Whole contracts. With ``micro`` (the Micro on the same index, multiplier :math:`m/k`,
    :math:`k = 10` for CME Micros) the target is counted in micro units :math:`kN^*` and
    rounded there; the whole units are then split into as many full-size contracts as fit
    plus the rest in micros, which is the fewest contracts for that exposure. ``"nearest"``
    picks the closest achievable exposure (a tie goes to the one with fewer contracts, then
    to the smaller hedge); ``"down"`` never hedges more than the target, ``"up"`` never less.

    Given contracts. With ``given`` (``{root: quantity}`` of ``contract`` and ``micro``, e.g.
    a saved plan position or ``--legs``) nothing is rounded: the legs are those quantities and
    every exposure, ratio and residual is computed for them exactly as for a sized hedge, so
    a position is evaluated by the same arithmetic that sized it. The net-short guard does
    not apply (the advice warns about a net-short position instead).

    Net short only within a tolerance. A short hedge larger than the portfolio's beta-dollars
    (:math:`|H| > \beta V_A`, residual :math:`B + H < 0`) turns the position net short the
    index. If the exact target is within 100 % and only rounding (``"nearest"``/``"up"``)
    pushes it over, the guard weighs two candidates: that count (the *over*-hedge) and the
    largest count at or below 100 % (the *under*-hedge). The over-hedge is admissible when
    the position is net short by at most ``net_short_tolerance`` of the beta exposure,
    :math:`-(B + H) \le t\,B`. Admissible, it is kept: under ``"nearest"`` it is then the
    closer of the two to the target (a tie goes to the under-hedge), under ``"up"`` the
    smallest count not below it. Otherwise the under-hedge is taken. Both candidates are in
    :attr:`HedgeSizing.net_short_guard` and a note. ``net_short_tolerance=0`` forbids any net
    short, as over-hedging is the seed mistake this library guards against. If the exact
    target itself is net short (target beta < 0) an :class:`InputError` is raised unless
    ``allow_net_short=True``; the tolerance is for rounding only.

    A target beta above :math:`\beta` gives :math:`N^* > 0`: long futures, which add index
    exposure (leverage); the guard does not apply to them.

    Float noise: an exact count within :math:`10^{-9}` (relative, and at least
    :math:`10^{-9}` contracts) of a whole number is taken as that number, so that e.g.
    30.000000000000004 contracts rounded ``"up"`` stay 30.

    Parameters
    ----------
    value_usd
        Portfolio value :math:`V_A`, USD, > 0.
    beta
        Portfolio beta against the contract's index (finite; >= 0 with a hedge fraction).
    futures_price
        Futures price :math:`F` in index points, > 0.
    contract
        The full-size contract (or a micro alone).
    target
        :class:`HedgeFraction`, :class:`TargetBeta`, or a bare number read as ``h``.
    price_basis
        Denominator: ``"futures"`` (Hull 11e, default) or ``"index"`` (needs ``index_level``).
    index_level
        Index level :math:`S`; when given, :attr:`HedgeSizing.basis_comparison` reports the
        counts with both denominators.
    rounding
        ``"nearest"``, ``"down"`` or ``"up"``, applied to the magnitude of the count.
    micro
        Micro contract on the same index to top up with, or ``None`` for one instrument.
    allow_net_short
        Allow a hedge that leaves the position net short the index.
    tail_discount
        Tail factor in ``(0, 1]`` multiplying the exact count (see :func:`tail_factor`).
    net_short_tolerance
        Largest net short a rounded hedge may leave, as a share of the beta exposure, in
        ``[0, MAX_NET_SHORT_TOLERANCE]`` (default :data:`DEFAULT_NET_SHORT_TOLERANCE`, 1 %).

    Returns
    -------
    HedgeSizing

    Raises
    ------
    InputError
        Non-positive value or prices, non-finite beta, a negative beta with a hedge fraction,
        a micro on another index or with a multiplier that does not divide the full-size one,
        a tail factor outside ``(0, 1]``, a net-short tolerance outside
        ``[0, MAX_NET_SHORT_TOLERANCE]``, an unknown option, or a net-short target without
        ``allow_net_short``.

    Examples
    --------
    Hull 11e §3.5: $5,050,000 with beta 1.5, futures at 1,010 on a $250 contract:
    :math:`N^* = 1.5 \times 5{,}050{,}000 / 252{,}500 = 30` contracts short.
    """
    tgt = as_target(target)
    check_positive(value_usd, "value_usd")
    check_finite(beta, "beta")
    check_positive(futures_price, "futures_price")
    if index_level is not None:
        check_positive(index_level, "index_level")
    if price_basis not in ("futures", "index"):
        raise InputError(
            "unknown price basis", source="price_basis", value=price_basis,
            expected="'futures' or 'index'",
        )  # fmt: skip
    if rounding not in ("nearest", "down", "up"):
        raise InputError(
            "unknown rounding mode", source="rounding", value=rounding,
            expected="'nearest', 'down' or 'up'",
        )  # fmt: skip
    if price_basis == "index" and index_level is None:
        raise InputError(
            "price_basis='index' needs the index level",
            source="index_level",
            value=None,
            expected="the index level in points, > 0",
        )
    tol = check_finite(net_short_tolerance, "net_short_tolerance")
    if not 0.0 <= tol <= MAX_NET_SHORT_TOLERANCE:
        raise InputError(
            "net-short tolerance is outside its range",
            source="net_short_tolerance",
            value=net_short_tolerance,
            expected=f"a share of the beta exposure from 0 to {MAX_NET_SHORT_TOLERANCE:g} "
            "(0 = never net short)",
        )
    tau = 1.0
    if tail_discount is not None:
        check_finite(tail_discount, "tail_discount")
        if not 0.0 < tail_discount <= 1.0:
            raise InputError(
                "tail factor must be a discount factor",
                source="tail_discount",
                value=tail_discount,
                expected="a factor in (0, 1], e.g. tail_factor(rate_annual, horizon_years)",
            )
        tau = float(tail_discount)
    if isinstance(tgt, HedgeFraction) and beta < 0:
        raise InputError(
            "a hedge fraction needs a portfolio with positive beta: with negative beta the "
            "portfolio is already short the index",
            source="beta",
            value=beta,
            expected="beta >= 0, or a TargetBeta target",
        )
    k = _micro_ratio(contract, micro)
    micro_root = None if micro is None else micro.root

    value = float(value_usd)
    b = float(beta)
    mult = float(contract.multiplier_usd)
    if price_basis == "index" and index_level is not None:
        price = float(index_level)
    else:
        price = float(futures_price)
    portfolio_bd = b * value
    if isinstance(tgt, HedgeFraction):
        wanted_bd = -tgt.h * portfolio_bd
        ratio_target = tgt.h
    else:
        wanted_bd = (tgt.beta - b) * value
        ratio_target = (b - tgt.beta) / b if b != 0 else 0.0
    wanted_bd *= tau
    exact = wanted_bd / (mult * price)

    notes: list[str] = []
    guard: NetShortGuard | None = None
    if given is not None:
        allowed = {contract.root, *(() if micro is None else (micro.root,))}
        unknown = sorted(set(given) - allowed)
        if unknown:
            raise InputError(
                "a position leg is not on the hedge's contract or its Micro",
                source="--legs",
                value=unknown,
                expected=" or ".join(sorted(allowed)),
            )
    # Work in micro units (k per full-size contract) on the magnitude of the count.
    sign = -1 if exact < 0 else 1
    units_exact = _snap(abs(exact) * k)
    units = _round_units(units_exact, k, rounding)
    # Largest short (in micro units) that keeps the position from going net short.
    if sign < 0 and not allow_net_short and given is None:
        full_units = _snap(max(portfolio_bd, 0.0) / (mult * price) * k)
        cap_units = math.floor(full_units)
        if units_exact > full_units + _SNAP_RTOL * max(1.0, full_units):
            raise InputError(
                "the target makes the portfolio net short the index "
                f"(exact {exact:.4f} {contract.root} against a full hedge of "
                f"{-portfolio_bd / (mult * price):.4f})",
                source="target",
                value=tgt.to_dict(),
                expected="a hedge of at most 100% of the beta exposure (target beta >= 0), "
                "or allow_net_short=True",
            )
        if units > cap_units:
            guard = _weigh_net_short(
                units, cap_units, units_exact, full_units, k, tol, rounding,
                contract.root, micro_root,
            )  # fmt: skip
            notes.append(_guard_note(guard, rounding, full_units / k, contract.root))
            if guard.chosen == "under":
                units = cap_units
    full_qty, micro_qty = divmod(units, k) if micro is not None else (units, 0)
    full_qty *= sign
    micro_qty *= sign
    if given is not None:
        full_qty = int(given.get(contract.root, 0))
        micro_qty = 0 if micro is None else int(given.get(micro.root, 0))
        text = " + ".join(
            f"{q:+d} {root}"
            for root, q in ((contract.root, full_qty), (micro_root, micro_qty))
            if root is not None and q != 0
        )
        notes.append(
            f"The position is given ({text or 'no contracts'}), not sized: the exact count "
            f"for the target is {exact:+.3f} {contract.root}."
        )

    legs = [
        Leg(
            root=contract.root,
            quantity=full_qty,
            exact=exact,
            multiplier_usd=mult,
            price=float(futures_price),
            notional_usd=abs(full_qty) * mult * float(futures_price),
        )
    ]
    if micro is not None:
        micro_mult = float(micro.multiplier_usd)
        legs.append(
            Leg(
                root=micro.root,
                quantity=micro_qty,
                exact=(exact - full_qty) * k,
                multiplier_usd=micro_mult,
                price=float(futures_price),
                notional_usd=abs(micro_qty) * micro_mult * float(futures_price),
            )
        )
    hedge_bd = sum(leg.quantity * leg.multiplier_usd * price for leg in legs)
    residual = portfolio_bd + hedge_bd
    ratio_eff = -hedge_bd / portfolio_bd if portfolio_bd != 0 else 0.0
    if portfolio_bd == 0:
        notes.append("portfolio beta is 0: hedge ratios are reported as 0")

    comparison = None
    if index_level is not None:
        ef = wanted_bd / (mult * float(futures_price))
        ei = wanted_bd / (mult * float(index_level))
        comparison = PriceBasisComparison(
            futures_price=float(futures_price),
            index_level=float(index_level),
            exact_futures_basis=ef,
            exact_index_basis=ei,
            difference=ei - ef,
        )

    return HedgeSizing(
        value_usd=value,
        beta=b,
        target=tgt,
        contract_root=contract.root,
        micro_root=micro_root,
        price_basis=price_basis,
        price_used=price,
        futures_price=float(futures_price),
        index_level=None if index_level is None else float(index_level),
        rounding=rounding,
        tail_discount=tau,
        exact_contracts=exact,
        legs=tuple(legs),
        notional_usd=sum(leg.notional_usd for leg in legs),
        portfolio_beta_dollars_usd=portfolio_bd,
        target_beta_dollars_usd=wanted_bd,
        hedge_beta_dollars_usd=hedge_bd,
        hedge_ratio_target=ratio_target,
        hedge_ratio_effective=ratio_eff,
        residual_beta_dollars_usd=residual,
        effective_beta=residual / value,
        pnl_per_1pct_move_usd=0.01 * residual,
        basis_comparison=comparison,
        notes=tuple(notes),
        net_short_tolerance=tol,
        net_short_guard=guard,
    )


def _weigh_net_short(
    over_units: int,
    under_units: int,
    units_exact: float,
    full_units: float,
    k: int,
    tolerance: float,
    rounding: RoundingMode,
    root: str,
    micro_root: str | None,
) -> NetShortGuard:
    r"""Weigh a short count past a full hedge against the largest count within it.

    All counts are micro units of the short hedge's magnitude; ``full_units`` is the full
    hedge :math:`B\,k/(m P)`. A count :math:`u` leaves the position net short by
    :math:`(u - u_{full})/u_{full}` of the beta exposure and lies :math:`|u - u^*|/u_{full}`
    from the exact target :math:`u^*`.
    """

    def candidate(u: int, admissible: bool) -> RoundingCandidate:
        full, rest = divmod(u, k) if micro_root is not None else (u, 0)
        legs = ((root, -full),) if micro_root is None else ((root, -full), (micro_root, -rest))
        return RoundingCandidate(
            legs=legs,
            hedge_ratio=u / full_units,
            net_short_fraction=max(u - full_units, 0.0) / full_units,
            distance_to_target=abs(u - units_exact) / full_units,
            admissible=admissible,
        )

    slack = _SNAP_RTOL * max(1.0, full_units)
    over_ok = over_units - full_units <= tolerance * full_units + slack
    over = candidate(over_units, over_ok)
    under = candidate(under_units, True)
    if not over_ok:
        chosen: Literal["over", "under"] = "under"
    elif rounding == "up":
        chosen = "over"
    else:
        closer = over.distance_to_target < under.distance_to_target
        chosen = "over" if closer else "under"
    return NetShortGuard(tolerance=tolerance, over=over, under=under, chosen=chosen)


def _guard_note(guard: NetShortGuard, rounding: RoundingMode, full: float, root: str) -> str:
    over, under = guard.over, guard.under
    text = (
        f"Rounding {rounding!r} would hedge more than 100% of the beta exposure: "
        f"{over.describe()} hedges {over.hedge_ratio:.2%} (net short "
        f"{over.net_short_fraction:.2%}, against a full hedge of {full:.4f} {root}); "
        f"{under.describe()} hedges {under.hedge_ratio:.2%} "
        f"({1.0 - under.hedge_ratio:.2%} under-hedged). "
    )
    if guard.chosen == "over":
        why = (
            "it is closer to the target"
            if rounding != "up"
            else "rounding 'up' never hedges less than the target"
        )
        return text + (
            f"Took {over.describe()}: its net short is within the tolerance of "
            f"{guard.tolerance:.2%} of the beta exposure and {why}."
        )
    if not over.admissible:
        why = (
            "no net short is allowed (tolerance 0)"
            if guard.tolerance == 0
            else f"its net short is beyond the tolerance of {guard.tolerance:.2%} of the "
            "beta exposure"
        )
    else:
        why = "it is at least as close to the target"
    return text + f"Took {under.describe()}, to avoid going net short: {why}."


def _round_units(units_exact: float, k: int, rounding: RoundingMode) -> int:
    """Whole micro units for a non-negative exact count, per rounding mode."""
    lo = math.floor(units_exact)
    hi = math.ceil(units_exact)
    if rounding == "down" or lo == hi:
        return lo
    if rounding == "up":
        return hi

    def key(u: int) -> tuple[float, int, int]:
        full, rest = divmod(u, k)
        return (abs(units_exact - u), full + rest, u)

    return min((lo, hi), key=key)


def _micro_ratio(contract: ContractSpec, micro: ContractSpec | None) -> int:
    """Micro units per full-size contract (1 without a micro)."""
    if micro is None:
        return 1
    if micro.index != contract.index:
        raise InputError(
            f"micro {micro.root} is on index {micro.index}, not {contract.index}",
            source="micro",
            value=micro.root,
            expected=f"a micro contract on {contract.index}",
        )
    ratio = contract.multiplier_usd / micro.multiplier_usd
    k = round(ratio)
    if k < 2 or abs(ratio - k) > 1e-9 * ratio:
        raise InputError(
            f"micro {micro.root} (${micro.multiplier_usd:g}/point) is not a whole fraction of "
            f"{contract.root} (${contract.multiplier_usd:g}/point)",
            source="micro",
            value=micro.root,
            expected="a micro whose multiplier divides the full-size one (CME Micros: 1/10)",
        )
    return k


def _snap(x: float) -> float:
    r = round(x)
    if abs(x - r) <= _SNAP_RTOL * max(1.0, abs(x)):
        return float(r)
    return x
