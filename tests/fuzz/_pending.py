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
PENDING: tuple[tuple[str, str, str, str], ...] = ()


#: (flag, value) pairs the fuzzed pools leave out until their case above is fixed.
HELD_BACK: frozenset[tuple[str, str]] = frozenset((flag, value) for _, flag, value, _ in PENDING)
