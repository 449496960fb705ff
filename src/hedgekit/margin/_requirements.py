r"""Margin needed to hold a futures hedge, and how much cash keeps it out of margin calls.

Margin is collateral, not a cost (Hull, *Options, Futures and Other Derivatives*, 11th ed.,
§2.4). The position needs the *initial* margin to open; when the account falls below the
*maintenance* margin the holder must deposit enough to bring it back to the initial level
(CME Group, "FAQ: Performance Bonds / Margins"; CME Group education, "Margin: Know What's
Needed").

Buffer arithmetic (one-day move, no interest): with cash :math:`C` in the account and a
position of signed index exposure :math:`E = \sum_i q_i m_i F_i` (USD per 1.00 move of the
futures price), an adverse move :math:`x` (a rise for a short hedge, a fall for a long one)
loses :math:`|E|\,x`. The call comes when :math:`C - |E|\,x < M`, i.e. at

.. math::

    x^* = \frac{C - M}{|E|}

and at that point the deposit needed is :math:`I - M` (back to initial). The move is measured
on the *futures* price, which is what settles the account.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

from hedgekit._typing import DateLike
from hedgekit.errors import InputError, UnknownContractError
from hedgekit.sizing import HedgeSizing, Leg
from hedgekit.sizing._checks import check_finite, check_positive

if TYPE_CHECKING:
    from hedgekit.contracts import ContractSpec

__all__ = [
    "DEFAULT_BUFFER_MULTIPLES",
    "RECOMMENDED_BUFFER_MULTIPLE",
    "BufferRow",
    "ContractLookup",
    "MarginLine",
    "MarginSummary",
    "margin_requirements",
]

#: Cash buffers tabulated by default, as multiples of the initial margin.
DEFAULT_BUFFER_MULTIPLES: tuple[float, ...] = (1.0, 1.5, 2.0)
#: The cash kept for a futures hedge, as a multiple of its initial margin, that the plan
#: recommends and every command defaults to (plan, backtest, sweep, stress): 1.5× initial
#: leaves half an initial margin of cushion above the call level (Hull 11e §2.4: calls
#: restore the account to the initial margin).
RECOMMENDED_BUFFER_MULTIPLE = 1.5


class ContractLookup(Protocol):
    """Anything that maps a contract root to its spec (a ``ContractRegistry``, a dict)."""

    def get(self, root: str, /) -> ContractSpec | None:
        """Return the spec for ``root`` (or ``None`` / raise when unknown)."""


@dataclass(frozen=True, slots=True)
class MarginLine:
    r"""Margin of one leg.

    Attributes
    ----------
    root, quantity
        Contract and whole contracts held (negative = short).
    initial_per_contract_usd, maintenance_per_contract_usd
        Rate in force on the date asked for.
    initial_usd, maintenance_usd
        Rate × ``|quantity|``.
    notional_usd
        Gross notional :math:`|q|\,m\,F`.
    rate_effective
        Date the rate took effect.
    rate_source
        Where the rate comes from.
    """

    root: str
    quantity: int
    initial_per_contract_usd: float
    maintenance_per_contract_usd: float
    initial_usd: float
    maintenance_usd: float
    notional_usd: float
    rate_effective: dt.date
    rate_source: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "root": self.root,
            "quantity": self.quantity,
            "initial_per_contract_usd": self.initial_per_contract_usd,
            "maintenance_per_contract_usd": self.maintenance_per_contract_usd,
            "initial_usd": self.initial_usd,
            "maintenance_usd": self.maintenance_usd,
            "notional_usd": self.notional_usd,
            "rate_effective": self.rate_effective.isoformat(),
            "rate_source": self.rate_source,
        }


@dataclass(frozen=True, slots=True)
class BufferRow:
    """How far the futures can move against a position before a margin call.

    Attributes
    ----------
    multiple
        Cash deposited as a multiple of the initial margin.
    cash_usd
        Cash in the margin account, :math:`C`.
    cushion_usd
        :math:`C - M`: loss the account absorbs before a call.
    adverse_move_to_call
        :math:`x^* = (C - M)/|E|` as a fraction of the futures price (0.0107 = 1.07 %);
        ``None`` when the position has no exposure. For a net long position a value of 1 or
        more means no fall of the price can trigger a call.
    adverse_direction
        ``"rise"`` for a net short position, ``"fall"`` for net long, ``None`` if flat.
    deposit_at_call_usd
        Deposit the call asks for at that point: :math:`I - M`.
    """

    multiple: float
    cash_usd: float
    cushion_usd: float
    adverse_move_to_call: float | None
    adverse_direction: Literal["rise", "fall"] | None
    deposit_at_call_usd: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "multiple": self.multiple,
            "cash_usd": self.cash_usd,
            "cushion_usd": self.cushion_usd,
            "adverse_move_to_call": self.adverse_move_to_call,
            "adverse_direction": self.adverse_direction,
            "deposit_at_call_usd": self.deposit_at_call_usd,
        }


@dataclass(frozen=True, slots=True)
class MarginSummary:
    r"""Margin requirements of a futures position, with cash-buffer advice.

    Attributes
    ----------
    as_of
        Date the margin rates were taken for.
    portfolio_value_usd
        Value of the hedged portfolio (for the percentages).
    lines
        One :class:`MarginLine` per leg.
    initial_usd, maintenance_usd
        :math:`I = \sum_i |q_i|\,\text{initial}_i`, :math:`M = \sum_i |q_i|\,\text{maint}_i`.
    initial_pct_of_portfolio, maintenance_pct_of_portfolio
        :math:`I/V`, :math:`M/V` as fractions.
    notional_usd
        Gross notional :math:`\sum_i |q_i|\,m_i F_i`.
    exposure_usd
        Signed exposure :math:`E = \sum_i q_i m_i F_i`.
    leverage
        Notional / initial margin (``None`` when no margin is needed).
    buffer_multiple
        Buffer chosen (multiple of initial margin) for the headline figures.
    buffer
        The :class:`BufferRow` for ``buffer_multiple``.
    recommended_buffer_usd, conservative_buffer_usd
        1.5× and 2× the initial margin.
    buffer_table
        One :class:`BufferRow` per multiple asked for (default 1.0×, 1.5×, 2.0×).
    """

    as_of: dt.date
    portfolio_value_usd: float
    lines: tuple[MarginLine, ...]
    initial_usd: float
    maintenance_usd: float
    initial_pct_of_portfolio: float
    maintenance_pct_of_portfolio: float
    notional_usd: float
    exposure_usd: float
    leverage: float | None
    buffer_multiple: float
    buffer: BufferRow
    recommended_buffer_usd: float
    conservative_buffer_usd: float
    buffer_table: tuple[BufferRow, ...]

    def deposit_after_move(self, futures_move: float, *, cash_usd: float | None = None) -> float:
        r"""Deposit a one-day futures move would call for (0 if none).

        The balance after the move is :math:`C + E\,x`; below :math:`M` the call brings it
        back to :math:`I`, so the deposit is :math:`I - (C + E\,x)`.

        Parameters
        ----------
        futures_move
            Relative move of the futures price (+0.03 = +3 %), > -1.
        cash_usd
            Cash in the account before the move; default the chosen buffer's cash.

        Returns
        -------
        float
            USD to deposit.
        """
        x = check_finite(futures_move, "futures_move")
        if x <= -1:
            raise InputError(
                "a move of -100% or worse is not a price move",
                source="futures_move",
                value=futures_move,
                expected="a fraction > -1",
            )
        cash = self.buffer.cash_usd if cash_usd is None else check_finite(cash_usd, "cash_usd")
        balance = cash + self.exposure_usd * x
        return self.initial_usd - balance if balance < self.maintenance_usd else 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "as_of": self.as_of.isoformat(),
            "portfolio_value_usd": self.portfolio_value_usd,
            "lines": [line.to_dict() for line in self.lines],
            "initial_usd": self.initial_usd,
            "maintenance_usd": self.maintenance_usd,
            "initial_pct_of_portfolio": self.initial_pct_of_portfolio,
            "maintenance_pct_of_portfolio": self.maintenance_pct_of_portfolio,
            "notional_usd": self.notional_usd,
            "exposure_usd": self.exposure_usd,
            "leverage": self.leverage,
            "buffer_multiple": self.buffer_multiple,
            "buffer": self.buffer.to_dict(),
            "recommended_buffer_usd": self.recommended_buffer_usd,
            "conservative_buffer_usd": self.conservative_buffer_usd,
            "buffer_table": [row.to_dict() for row in self.buffer_table],
        }


def margin_requirements(
    legs: HedgeSizing | Sequence[Leg],
    as_of: DateLike,
    portfolio_value_usd: float,
    *,
    registry: ContractLookup | None = None,
    buffer_multiple: float = RECOMMENDED_BUFFER_MULTIPLE,
    buffer_multiples: Sequence[float] = DEFAULT_BUFFER_MULTIPLES,
    before_first: Literal["raise", "earliest", "scaled"] = "raise",
    scales: Mapping[str, float] | None = None,
) -> MarginSummary:
    r"""Initial and maintenance margin of a position, its leverage and margin-call buffers.

    .. math::

        I = \sum_i |q_i|\,\text{initial}_i(t), \qquad
        M = \sum_i |q_i|\,\text{maint}_i(t), \qquad
        \text{leverage} = \frac{\sum_i |q_i|\,m_i F_i}{I}

    with the rates in force on ``as_of`` (``ContractSpec.margin_on``). For each buffer of cash
    :math:`C = k\,I` the futures move that triggers a call is :math:`x^* = (C - M)/|E|` and the
    call then asks for :math:`I - M` (module docstring; CME Group, "FAQ: Performance Bonds /
    Margins": a call brings the account back up to initial margin).

    Parameters
    ----------
    legs
        A :class:`~hedgekit.sizing.HedgeSizing` or its legs (root, quantity, multiplier,
        futures price).
    as_of
        Date for the margin rates.
    portfolio_value_usd
        Portfolio value for the percentages, > 0.
    registry
        Where to look contracts up by root (a ``ContractRegistry`` or a ``{root: spec}``
        mapping); default :func:`hedgekit.contracts.default_registry`.
    buffer_multiple
        Cash in the account for the headline figures, as a multiple of initial margin (>= 1).
    buffer_multiples
        Multiples for :attr:`MarginSummary.buffer_table` (each >= 1).

    before_first
        For a date before a contract's first dated margin figure: ``"raise"`` (default) or
        ``"earliest"`` to apply the first figure anyway (each line's ``rate_effective`` then
        shows the later date, so the choice stays visible), or ``"scaled"`` to scale the
        first figure by notional with ``scales[root]`` (:func:`hedgekit.snapshot.margin_scale`).
    scales
        For ``"scaled"``: the notional ratio per root.

    Returns
    -------
    MarginSummary

    Raises
    ------
    InputError
        Unknown contract (:class:`~hedgekit.errors.UnknownContractError`), no margin rate on
        ``as_of``, a leg whose multiplier disagrees with its contract, or bad numbers.
    """
    from hedgekit._dates import to_date as as_date
    from hedgekit.contracts import default_registry

    day = as_date(as_of, parameter="as_of")
    value = check_positive(portfolio_value_usd, "portfolio_value_usd")
    chosen = _check_multiple(buffer_multiple, "buffer_multiple")
    multiples = tuple(_check_multiple(k, "buffer_multiples") for k in buffer_multiples)
    leg_list = legs.legs if isinstance(legs, HedgeSizing) else tuple(legs)
    lookup: ContractLookup = default_registry() if registry is None else registry

    lines: list[MarginLine] = []
    exposure = 0.0
    for leg in leg_list:
        spec = lookup.get(leg.root)
        if spec is None:
            raise UnknownContractError(
                f"unknown contract root {leg.root!r}",
                source="registry",
                value=leg.root,
                expected="a root in the contract registry",
            )
        if abs(spec.multiplier_usd - leg.multiplier_usd) > 1e-12 * spec.multiplier_usd:
            raise InputError(
                f"leg {leg.root} has multiplier {leg.multiplier_usd:g} but the contract has "
                f"{spec.multiplier_usd:g}",
                source="legs",
                value=leg.multiplier_usd,
                expected=f"{spec.multiplier_usd:g} USD per point",
            )
        if before_first == "scaled":
            scale = None if scales is None else scales.get(leg.root)
            rate = (
                spec.margin_on(day)
                if scale is None
                else spec.margin_on(day, before_first="scaled", scale=scale)
            )
        else:
            rate = spec.margin_on(day, before_first=before_first)
        n = abs(leg.quantity)
        lines.append(
            MarginLine(
                root=leg.root,
                quantity=leg.quantity,
                initial_per_contract_usd=rate.initial_usd,
                maintenance_per_contract_usd=rate.maintenance_usd,
                initial_usd=n * rate.initial_usd,
                maintenance_usd=n * rate.maintenance_usd,
                notional_usd=n * leg.multiplier_usd * leg.price,
                rate_effective=rate.effective,
                rate_source=rate.source,
            )
        )
        exposure += leg.quantity * leg.multiplier_usd * leg.price

    initial = sum(line.initial_usd for line in lines)
    maintenance = sum(line.maintenance_usd for line in lines)
    notional = sum(line.notional_usd for line in lines)

    def row(k: float) -> BufferRow:
        cash = k * initial
        cushion = cash - maintenance
        flat = exposure == 0.0
        direction: Literal["rise", "fall"] | None
        direction = None if flat else ("rise" if exposure < 0 else "fall")
        return BufferRow(
            multiple=k,
            cash_usd=cash,
            cushion_usd=cushion,
            adverse_move_to_call=None if flat else cushion / abs(exposure),
            adverse_direction=direction,
            deposit_at_call_usd=initial - maintenance,
        )

    return MarginSummary(
        as_of=day,
        portfolio_value_usd=value,
        lines=tuple(lines),
        initial_usd=initial,
        maintenance_usd=maintenance,
        initial_pct_of_portfolio=initial / value,
        maintenance_pct_of_portfolio=maintenance / value,
        notional_usd=notional,
        exposure_usd=exposure,
        leverage=notional / initial if initial > 0 else None,
        buffer_multiple=chosen,
        buffer=row(chosen),
        recommended_buffer_usd=RECOMMENDED_BUFFER_MULTIPLE * initial,
        conservative_buffer_usd=2.0 * initial,
        buffer_table=tuple(row(k) for k in multiples),
    )


def _check_multiple(k: object, name: str) -> float:
    v = check_finite(k, name)
    if v < 1.0:
        raise InputError(
            "a cash buffer below the initial margin cannot open the position",
            source=name,
            value=k,
            expected="a multiple of the initial margin >= 1",
        )
    return v
