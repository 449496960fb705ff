"""Known breaks of the promise, each owned by a part of issue 10 still being fixed.

Every case here is run by ``test_known_cases`` as a strict xfail: when the fix lands, the
case passes, the strict xfail fails, and the case moves out of this table (and its value
back into the fuzzed pools, which leave these values out meanwhile).
"""

from __future__ import annotations

BOUNDS = "issue 10, option domains: absurd magnitudes must be refused with the option named"
DATES = "issue 10, option domains: dates outside the supported range, with the range stated"
TRACEBACKS = "issue 10, tracebacks: a folder given as the sweep configuration"
OUTPUTS = "issue 10, outputs: an output path that is an existing file must not be replaced"

_PLANNERS = ("plan", "cost", "puts", "compare")
#: Dates outside the session calendar (1970 .. 2036) or outside Python's dates.
_OFF_CALENDAR = ("9999-12-31", "0001-01-01", "1900-01-01", "1969-12-31", "2100-01-04")

#: The flag of a positional argument (the command's first word after its name).
ARGUMENT = "<argument>"

#: (command, flag, value, reason)
PENDING: tuple[tuple[str, str, str, str], ...] = (
    *((c, "--beta", "1e308", BOUNDS) for c in (*_PLANNERS, "stress")),
    ("stress", "--beta", "99999999999999999999", BOUNDS),
    *(
        (c, "--target-beta", v, BOUNDS)
        for c in ("plan", "cost", "compare")
        for v in ("1e308", "-1e308")
    ),
    *(
        (c, "--margin-rate", v, BOUNDS)
        for c in ("cost", "compare")
        for v in ("1e308", "99999999999999999999")
    ),
    ("puts", "--strikes", "1e308", BOUNDS),
    ("puts", "--vol", "1e308", BOUNDS),
    ("puts", "--vol", "1e-300", BOUNDS),
    ("puts", "--skew", "1e308", BOUNDS),
    ("compare", "--vol", "1e308", BOUNDS),
    ("compare", "--vol", "1e-300", BOUNDS),
    ("compare", "--skew", "1e308", BOUNDS),
    ("compare", "--skew", "1e-300", BOUNDS),
    ("compare", "--option-fee", "1e308", BOUNDS),
    ("backtest", "--value-usd", "1e308", BOUNDS),
    ("stress", "--value-usd", "1e308", BOUNDS),
    ("stress", "--rate", "1e308", BOUNDS),
    ("stress", "--rate", "99999999999999999999", BOUNDS),
    ("stress", "--dividend-yield", "1e308", BOUNDS),
    ("stress", "--dividend-yield", "-1e308", BOUNDS),
    ("stress", "--dividend-yield", "99999999999999999999", BOUNDS),
    ("stress", "--buffer", "1e308", BOUNDS),
    ("cost", "--as-of", "9999-12-31", DATES),
    ("compare", "--as-of", "9999-12-31", DATES),
    ("compare", "--history-start", "9999-12-31", DATES),
    ("compare", "--history-start", "0001-01-01", DATES),
    *(("calendar", "--from", v, DATES) for v in _OFF_CALENDAR),
    *(("calendar", "--to", v, DATES) for v in ("9999-12-31", "2100-01-04")),
    *(("tour", "--as-of", v, DATES) for v in _OFF_CALENDAR),
    ("backtest", "--png-dir", "holdings.csv", OUTPUTS),
    ("replay", "--png-dir", "holdings.csv", OUTPUTS),
    ("sweep", "--out", "holdings.csv", OUTPUTS),
    ("sweep", ARGUMENT, ".", TRACEBACKS),
)

#: (flag, value) pairs the fuzzed pools leave out until their case above is fixed.
HELD_BACK: frozenset[tuple[str, str]] = frozenset((flag, value) for _, flag, value, _ in PENDING)
