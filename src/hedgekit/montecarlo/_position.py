r"""The position a stress starts from, in the kernel's units.

The stress kernel holds one number of contracts of one multiplier. A position of an E-mini
and its Micro (2 ES + 8 MES) is counted in the smaller contract's units: one ES is
:math:`m_{ES}/m_{MES} = 10` MES units (CME Group contract specifications: $50 and $5 per
index point), so 2 ES + 8 MES are 28 units of $5 per point. Per-unit terms follow from the
real legs so that totals are kept:

* margin per unit = :math:`\sum_i |q_i|\,IM_i / U` (the dated registry figures at the start;
  the built-in Micro figure is 1/10 of the E-mini's, so this is the Micro's own figure);
* commission per unit = :math:`c \sum_i |q_i| / U` (commission is charged per contract,
  whatever its size);
* slippage in ticks per unit is unchanged: an E-mini and its Micro share the tick size in
  index points (ES and MES 0.25, NQ and MNQ 0.25, RTY and M2K 0.10, YM and MYM 1.00), so the
  tick value scales with the multiplier (ES $12.50 = 10 x MES $1.25) and :math:`k` ticks on
  one E-mini cost what :math:`k` ticks on its 10 units do.

The hedge ratio the stress re-sizes toward at rolls is the position's achieved ratio,
:math:`h = U\,m\,F_0 / (\beta V_0)` (Hull, *Options, Futures and Other Derivatives*, 11th ed.,
§3.5: :math:`N^* = h \beta V_A / (m F)` solved for :math:`h`), with :math:`F_0` the carry fair
value at the start (§5.4) that the kernel settles against.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hedgekit.errors import InputError

if TYPE_CHECKING:
    from hedgekit.contracts import ContractRegistry, ContractSpec
    from hedgekit.position import HedgePosition

__all__ = [
    "StressStart",
    "position_spec",
    "sized_position",
    "start_futures_price",
    "stress_start",
]


@dataclass(frozen=True, slots=True)
class StressStart:
    r"""A short futures position on one index, counted in the smallest contract's units.

    Attributes
    ----------
    index
        Index key (``"SPX"``).
    unit_root
        The contract whose multiplier is one unit (``"MES"`` for 2 ES + 8 MES).
    units
        Units short, :math:`U = \sum_i |q_i| m_i / m_{unit}` (whole, >= 0).
    legs
        ``(root, quantity)`` per root, quantities negative (short), largest contract first.
    units_per_contract
        ``(root, m_root / m_unit)`` per root.
    contracts
        Whole contracts of all legs, :math:`\sum_i |q_i|`.
    main_root
        The largest contract of the legs (the one a ``--contract`` names).
    """

    index: str
    unit_root: str
    units: int
    legs: tuple[tuple[str, int], ...]
    units_per_contract: tuple[tuple[str, int], ...]
    contracts: int
    main_root: str

    def per_unit(self, total: float) -> float:
        """A position total spread over its units (0 for an empty position)."""
        return total / self.units if self.units else 0.0

    def margin_usd(
        self, day: dt.date, registry: ContractRegistry, futures_price: float | None = None
    ) -> tuple[float, float]:
        r"""Initial and maintenance margin of the legs on ``day``: :math:`\sum_i |q_i| IM_i(t)`.

        Dated registry figures; before the first one, the first scaled by notional at
        ``futures_price`` (:func:`hedgekit.snapshot.margin_on`, the rule of every command),
        as ``hedgekit plan`` reports them. Without a price, the first figure as it is.
        """
        from hedgekit.snapshot import margin_on

        initial = maintenance = 0.0
        for root, q in self.legs:
            spec = registry.get(root)
            rate = (
                spec.margin_on(day, before_first="earliest")
                if futures_price is None
                else margin_on(spec, day, futures_price)
            )
            initial += -q * rate.initial_usd
            maintenance += -q * rate.maintenance_usd
        return initial, maintenance

    def label(self) -> str:
        """``"2 ES + 8 MES"`` (``"no contracts"`` when empty)."""
        if not self.legs:
            return "no contracts"
        return " + ".join(f"{-q} {root}" for root, q in self.legs)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {
            "index": self.index,
            "legs": [{"root": r, "quantity": q} for r, q in self.legs],
            "label": self.label(),
            "unit_root": self.unit_root,
            "units": self.units,
            "units_per_contract": dict(self.units_per_contract),
            "contracts": self.contracts,
        }


def stress_start(
    position: HedgePosition,
    registry: ContractRegistry,
    *,
    source: str,
    fallback_root: str,
) -> StressStart:
    """Count a short position on one index in its smallest contract's units.

    Parameters
    ----------
    position
        The legs (months are not kept: the stress holds the front contract and rolls it).
    registry
        Contract terms.
    source
        The option the position came from (``"--legs"``, ``"--position"``), named in errors.
    fallback_root
        The contract of an empty position.

    Raises
    ------
    InputError
        Legs on two indices, a long leg, or contracts whose multipliers are not whole
        multiples of the smallest one.
    """
    count = position.in_units(registry, source=source)
    long = [f"{root}:{q:+d}" for root, q in count.legs if q > 0]
    if long:
        raise InputError(
            "a stress simulates a short hedge: " + ", ".join(long) + " is long",
            source=source,
            value=position.to_legs_text(),
            expected="negative quantities (short), e.g. ES:-2,MES:-8",
        )
    if count.unit_root is None or count.main_root is None or count.index is None:
        spec = registry.get(fallback_root)
        return StressStart(spec.index, spec.root, 0, (), ((spec.root, 1),), 0, spec.root)
    return StressStart(
        index=count.index,
        unit_root=count.unit_root,
        units=-count.units,
        legs=count.legs,
        units_per_contract=count.units_per_contract,
        contracts=count.contracts,
        main_root=count.main_root,
    )


def sized_position(
    *,
    value_usd: float,
    beta: float,
    hedge_ratio: float,
    contract: ContractSpec,
    day: dt.date,
    futures_price: float,
    index_level: float,
    registry: ContractRegistry,
) -> tuple[HedgePosition, Any]:
    """The position ``hedgekit plan`` recommends: :func:`hedgekit.sizing.size_hedge`.

    Nearest rounding, the Micro top-up when ``contract`` has a Micro listed on ``day``
    (``ContractSpec.listed``), the default net-short tolerance; the plan's futures price.

    Returns
    -------
    position, sizing
        The legs (:meth:`hedgekit.position.HedgePosition.from_sizing`) and the sizing.
    """
    from hedgekit.position import HedgePosition
    from hedgekit.sizing import DEFAULT_NET_SHORT_TOLERANCE, HedgeFraction, size_hedge

    micro = None if contract.is_micro else registry.micro_for(contract.root)
    if micro is not None and micro.listed is not None and day < micro.listed:
        micro = None
    sizing = size_hedge(
        value_usd,
        beta,
        futures_price,
        contract,
        HedgeFraction(hedge_ratio),
        index_level=index_level,
        rounding="nearest",
        micro=micro,
        net_short_tolerance=DEFAULT_NET_SHORT_TOLERANCE,
    )
    position = HedgePosition.from_sizing(
        sizing, None, day, source=f"plan sizing {day}", index=contract.index
    )
    return position, sizing


def start_futures_price(
    day: dt.date, index_level: float, rate_annual: float, dividend_yield: float, root: str
) -> float:
    r"""The kernel's futures price at day 0: carry fair value :math:`S_0 e^{(r-q)\tau}`.

    Hull 11e §5.4, with :math:`\tau` the calendar days / 365 to the last trading day of the
    contract held at ``day`` (:func:`hedgekit.montecarlo.stress_calendar`).
    """
    from hedgekit.montecarlo._stress import stress_calendar

    _, days = stress_calendar(day, 2, root)
    return index_level * math.exp((rate_annual - dividend_yield) * float(days.tau_hold_years[0]))


def position_spec(
    start: StressStart,
    *,
    value_usd: float,
    beta: float,
    day: dt.date,
    index_level: float,
    rate_annual: float,
    dividend_yield: float,
    commission_per_contract_usd: float,
    registry: ContractRegistry,
    initial_margin_per_contract_usd: float | None = None,
    maintenance_margin_per_contract_usd: float | None = None,
    futures_price: float | None = None,
    **terms: Any,
) -> Any:
    r"""The :class:`~hedgekit.montecarlo.StressSpec` of a stress that starts from ``start``.

    Kernel units are ``start.unit_root`` contracts; ``contracts_start = start.units``; the
    hedge ratio is the achieved one, :math:`U m F_0 / (\beta V_0)`; targets are rounded to
    the nearest unit (as the plan sizes). Margins per unit are the legs' dated totals over
    the units, or the given figures per contract of ``start.main_root`` scaled by multiplier;
    the commission per unit is the legs' total over the units (module docstring). Other
    keyword arguments are fields of the spec (``band``, ``buffer_multiple`` ...).
    """
    from hedgekit.montecarlo._stress import StressSpec

    unit = registry.get(start.unit_root)
    main = registry.get(start.main_root)
    scale = unit.multiplier_usd / main.multiplier_usd
    if start.units:
        initial, maintenance = start.margin_usd(day, registry, futures_price)
        im, mm = start.per_unit(initial), start.per_unit(maintenance)
    else:
        from hedgekit.snapshot import margin_on

        rate = (
            unit.margin_on(day, before_first="earliest")
            if futures_price is None
            else margin_on(unit, day, futures_price)
        )
        im, mm = rate.initial_usd, rate.maintenance_usd
    if initial_margin_per_contract_usd is not None:
        im = initial_margin_per_contract_usd * scale
    if maintenance_margin_per_contract_usd is not None:
        mm = maintenance_margin_per_contract_usd * scale
    commission = (
        commission_per_contract_usd * start.contracts / start.units
        if start.units
        else commission_per_contract_usd
    )
    f0 = start_futures_price(day, index_level, rate_annual, dividend_yield, unit.root)
    if start.units and not beta > 0:
        raise InputError(
            "a short hedge needs a portfolio beta > 0", source="beta", value=beta,
            expected="> 0",
        )  # fmt: skip
    ratio = start.units * unit.multiplier_usd * f0 / (beta * value_usd) if start.units else 0.0
    return StressSpec(
        value_usd=value_usd,
        start=day,
        index_level=index_level,
        rate_annual=rate_annual,
        multiplier_usd=unit.multiplier_usd,
        tick_size_points=unit.tick_size_points,
        initial_margin_per_contract_usd=im,
        maintenance_margin_per_contract_usd=mm,
        beta=beta,
        hedge_ratio=ratio,
        dividend_yield=dividend_yield,
        contract=unit.root,
        commission_per_contract_usd=commission,
        contracts_start=start.units,
        rounding="nearest",
        **terms,
    )
