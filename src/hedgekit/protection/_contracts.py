"""Index option contracts used for put protection: size of one contract in index terms."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Final

from hedgekit.errors import InputError

__all__ = ["OPTION_CONTRACTS", "OptionContract", "option_contract"]


@dataclass(frozen=True, slots=True)
class OptionContract:
    r"""A cash-settled European index option contract.

    One contract pays ``multiplier_usd`` per point of its underlying, and its underlying is
    ``index_fraction`` × the index (XSP: 1/10 of the S&P 500). By homogeneity of the
    Black–Scholes–Merton price, an option on :math:`fS` struck at :math:`fK` is worth
    :math:`f` times the option on :math:`S` struck at :math:`K` (Hull, *Options, Futures and
    Other Derivatives*, 11th ed., ch. 17), so one contract protects
    :math:`u = m f` index units: :math:`u\,S` USD of index exposure.

    Attributes
    ----------
    name
        Symbol (``"SPX"``).
    index
        Index key it is written on (``"SPX"``, ``"NDX"``, ``"RUT"``).
    multiplier_usd
        USD per point of the underlying (> 0).
    index_fraction
        Underlying as a fraction of the index (> 0; 1.0 for SPX, 0.1 for XSP).
    source
        Where the terms come from.
    """

    name: str
    index: str
    multiplier_usd: float
    index_fraction: float
    source: str

    def __post_init__(self) -> None:
        for attr in ("multiplier_usd", "index_fraction"):
            v = getattr(self, attr)
            if not isinstance(v, int | float) or not math.isfinite(v) or v <= 0:
                raise InputError(
                    f"{attr} must be positive",
                    source=f"OptionContract({self.name}).{attr}",
                    value=v,
                    expected="> 0",
                )

    @property
    def units_per_contract(self) -> float:
        """Index units one contract covers, :math:`u = m f` (USD per index point)."""
        return self.multiplier_usd * self.index_fraction

    def notional_usd(self, index_level: float) -> float:
        r"""Index exposure one contract covers, :math:`u\,S`."""
        return self.units_per_contract * index_level

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "name": self.name,
            "index": self.index,
            "multiplier_usd": self.multiplier_usd,
            "index_fraction": self.index_fraction,
            "units_per_contract": self.units_per_contract,
            "source": self.source,
        }


#: Builtin index options. SPX is the default: the standard, most traded S&P 500 index
#: option. XSP covers a tenth of the exposure per contract and suits portfolios below a
#: few million dollars, where whole SPX contracts miss the hedge ratio asked for by a lot;
#: XND (1/100 of NDX) and MRUT (1/10 of RUT) do the same for the other two indices.
OPTION_CONTRACTS: Final[dict[str, OptionContract]] = {
    "SPX": OptionContract(
        "SPX",
        "SPX",
        100.0,
        1.0,
        "Cboe S&P 500 Index Options (SPX) specifications: multiplier $100, European, cash-settled",
    ),
    "XSP": OptionContract(
        "XSP",
        "SPX",
        100.0,
        0.1,
        "Cboe Mini-SPX Index Options (XSP) specifications: 1/10 of the S&P 500, multiplier "
        "$100, European, cash-settled",
    ),
    "NDX": OptionContract(
        "NDX",
        "NDX",
        100.0,
        1.0,
        "Cboe Nasdaq-100 Index Options (NDX) specifications: multiplier $100, European, "
        "cash-settled",
    ),
    "XND": OptionContract(
        "XND",
        "NDX",
        100.0,
        0.01,
        "Cboe Nasdaq-100 Micro Index Options (XND) specifications: 1/100 of the Nasdaq-100, "
        "multiplier $100, European, cash-settled",
    ),
    "RUT": OptionContract(
        "RUT",
        "RUT",
        100.0,
        1.0,
        "Cboe Russell 2000 Index Options (RUT) specifications: multiplier $100, European, "
        "cash-settled",
    ),
    "MRUT": OptionContract(
        "MRUT",
        "RUT",
        100.0,
        0.1,
        "Cboe Mini-Russell 2000 Index Options (MRUT) specifications: 1/10 of the Russell 2000, "
        "multiplier $100, European, cash-settled",
    ),
}


def option_contract(
    name: str = "SPX",
    *,
    multiplier_usd: float | None = None,
    index_fraction: float | None = None,
) -> OptionContract:
    """A builtin option contract, optionally with a user multiplier or index fraction.

    Parameters
    ----------
    name
        ``SPX`` (default), ``XSP``, ``NDX``, ``XND``, ``RUT`` or ``MRUT`` (case-insensitive);
        any other name needs both ``multiplier_usd`` and ``index_fraction``.
    multiplier_usd, index_fraction
        Replace the builtin figures (e.g. a broker's contract on 1/100 of the index).

    Returns
    -------
    OptionContract
    """
    key = name.strip().upper()
    base = OPTION_CONTRACTS.get(key)
    if base is None:
        if multiplier_usd is None or index_fraction is None:
            raise InputError(
                "unknown option contract",
                source="option",
                value=name,
                expected=" | ".join(OPTION_CONTRACTS) + ", or a multiplier and index fraction",
            )
        return OptionContract(key, "user", multiplier_usd, index_fraction, "user")
    if multiplier_usd is None and index_fraction is None:
        return base
    return OptionContract(
        base.name,
        base.index,
        base.multiplier_usd if multiplier_usd is None else multiplier_usd,
        base.index_fraction if index_fraction is None else index_fraction,
        base.source + "; figures changed by the user",
    )
