"""Name the command-line flag behind a bad input, not the Python field that checked it.

The library validates its request objects (``PlanRequest``, ``StressSpec``, ...) and names
their fields in :class:`~hedgekit.errors.InputError`, which is right for a Python caller.
A command-line user never typed ``rate_annual``: the CLI's error printer translates the
field to the flag that set it with :data:`FIELD_FLAGS`, so the library keeps its own
names and every command gets the same translation in one place.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from hedgekit.errors import LIST_ITEMS_SHOWN, InputError

#: Library field -> the flag (or flags) that set it, for every command.
FIELD_FLAGS: Mapping[str, str] = {
    "value_usd": "--value-usd",
    "portfolio_value_usd": "--value-usd",
    "beta": "--beta",
    "target_beta": "--target-beta",
    "hedge": "--hedge",
    "hedge_fraction": "--hedge",
    "hedge_ratio": "--hedge",
    "hedge/target_beta": "--hedge / --target-beta",
    "portfolio": "--holdings, or --value-usd and --beta",
    "rate": "--rate",
    "rate_annual": "--rate",
    "rate_start": "--rate",
    "dividend_yield": "--dividend-yield",
    "index_level": "--index-level",
    "futures_price": "--futures-price",
    "horizon": "--horizon",
    "horizon_days": "--horizon-days",
    "commission_usd": "--commission",
    "slippage_ticks": "--slippage-ticks",
    "net_worth_usd": "--net-worth",
    "cash_buffer_usd": "--cash-buffer",
    "net_short_tolerance": "--net-short-tolerance",
    "window": "--window",
    "root": "--contract",
    "contract": "--contract",
    "vol": "--vol",
    "skew": "--skew",
    "option_days": "--days",
    "strikes": "--strikes",
    "hedge_ratios": "--hedge-ratios",
    "call_strike": "--call-strike",
    "option": "--option",
    "tax_rate": "--tax-rate",
    "sell_fraction": "--sell-fraction",
    "cost_basis_usd": "--cost-basis-usd",
    "buffer_multiple": "--buffer",
    "margin_buffer": "--margin-buffer",
    "initial_margin_usd": "--initial-margin",
    "maintenance_margin_usd": "--maintenance-margin",
    "call_source": "--call-source",
    "rng": "--seed",
    "seed": "--seed",
    "workers": "--workers",
    "n_paths": "--paths",
    "paths": "--paths",
    "mean_block_length": "--block-length",
    "band": "--band",
    "engine": "--engine",
    "quoted_spreads": "--quoted-spread",
    "commission_per_contract_usd": "--commission",
    "initial_margin_per_contract_usd": "--initial-margin",
    "maintenance_margin_per_contract_usd": "--maintenance-margin",
    "index_dividend_yield": "--index-dividend-yield",
    "margin_rate_annual": "--margin-rate",
    "sweep_multiple": "--sweep-multiple",
}

#: Library wording with no meaning on the command line, and what to say instead.
_TEXT_SWAPS: Mapping[str, str] = {
    "a TargetBeta target": "--target-beta",
    "a numpy Generator or a seed (int >= 0)": "a whole number >= 0",
    "; sessions come from exchange_calendars XNYS and are not extrapolated": "",
}

#: ``PlanFacts``, ``StressSpec``: a class name, never shown to a command-line user.
_CLASS_NAME = re.compile(r"[A-Z][a-z]+(?:[A-Z][a-z]+)+")
#: A Python-style field name inside a message: ``option_days out of range``.
_FIELD_IN_TEXT = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
#: ``date=1900-01-01``: a keyword argument echoed back; the value alone is what was typed.
_KEYWORD = re.compile(r"\b[a-z_]+=(?=\S)")


def _flag_for(name: str | None) -> str | None:
    if name is None:
        return None
    name = name.strip()
    if name in FIELD_FLAGS:
        return FIELD_FLAGS[name]
    base = name.split("[", 1)[0]  # prices[0] -> prices
    return FIELD_FLAGS.get(base)


def _plain(value: Any) -> str:
    """A value as the user would type it: no tuple, list or dict brackets."""
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {_plain(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        # a bounded message: the first few items and a count of the rest
        rest = len(value) - LIST_ITEMS_SHOWN
        head = ", ".join(_plain(v) for v in value[:LIST_ITEMS_SHOWN])
        return f"{head} and {rest:,} more" if rest > 0 else head
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value) if isinstance(value, str) else str(value)


def for_cli(exc: InputError) -> tuple[str, str, str | None, str | None]:
    """``(message, where, got, expected)`` of ``exc`` in command-line terms.

    The source (or a class name's column) is replaced by the flag that set it when
    :data:`FIELD_FLAGS` knows it; a class name alone is dropped; field names quoted in
    the message and the expectation are replaced the same way.
    """
    source, column = exc.source, exc.column
    flag = _flag_for(source)
    # An error about a file speaks of the file's own columns and keys (cost_basis_usd,
    # multiplier_usd): those are what the user wrote, and stay as they are.
    about_file = (
        flag is None
        and source is not None
        and not source.startswith("--")
        and _CLASS_NAME.fullmatch(source.strip()) is None
    )
    if flag is None and source is not None and _CLASS_NAME.fullmatch(source.strip()):
        source = None
        flag = _flag_for(column)
        if flag is None and column is not None:
            source, column = column, None  # at least no class name
        else:
            column = None
    parts = [flag if flag is not None else source]
    if exc.row is not None:
        parts.append(f"line {exc.row}")
    if column is not None:
        parts.append(f"column {column!r}")
    where = ", ".join(p for p in parts if p)

    def words(text: str) -> str:
        for old, new in _TEXT_SWAPS.items():
            text = text.replace(old, new)
        text = _KEYWORD.sub("", text)
        if about_file:
            return text
        return _FIELD_IN_TEXT.sub(lambda m: FIELD_FLAGS.get(m.group(0), m.group(0)), text)

    got = None if exc.value is None else _plain(exc.value)
    expected = None if exc.expected is None else words(str(exc.expected))
    return words(exc.message), where, got, expected
