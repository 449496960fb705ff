"""Number formatting for advice messages: USD with thousands separators, % with one decimal."""

from __future__ import annotations

__all__ = ["fmt_pct", "fmt_usd"]


def fmt_usd(amount_usd: float) -> str:
    """Format dollars as ``$1,234,567`` (whole dollars; ``-$1,234`` when negative).

    Examples
    --------
    >>> fmt_usd(1234567.4)
    '$1,234,567'
    >>> fmt_usd(-0.2)
    '$0'
    """
    rounded = round(amount_usd)
    sign = "-" if rounded < 0 else ""
    return f"{sign}${abs(rounded):,}"


def fmt_pct(fraction: float) -> str:
    """Format a fraction as a percentage with one decimal (``0.9412`` -> ``94.1%``).

    Examples
    --------
    >>> fmt_pct(1.8823)
    '188.2%'
    >>> fmt_pct(-0.0001)
    '0.0%'
    """
    text = f"{100.0 * fraction:,.1f}%"
    return "0.0%" if text == "-0.0%" else text
