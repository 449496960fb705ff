"""Exceptions and warnings raised by hedgekit.

Every error that is the user's to fix (a bad file, a bad option, an unknown contract)
is an :class:`InputError`. It carries *where* the problem is (file, row, column, field),
*what* was found (value) and *what was expected*, so the command-line interface can show
it as one readable block and exit non-zero without a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = [
    "LIST_ITEMS_SHOWN",
    "CalendarError",
    "DatasetError",
    "HedgekitError",
    "HedgekitWarning",
    "InputError",
    "UnknownContractError",
    "few",
]

#: Items of a list an error message shows before it says how many more there are.
LIST_ITEMS_SHOWN = 5


def few(items: Iterable[Any], shown: int = LIST_ITEMS_SHOWN) -> str:
    """``"A, B, C, D, E and 99,995 more"``: a list in a message, bounded in size.

    An error about 100,000 rows names the first few and counts the rest, so the message
    stays a few lines long whatever the input's size.
    """
    seq = [str(x) for x in items]
    head = ", ".join(seq[:shown])
    rest = len(seq) - shown
    return f"{head} and {rest:,} more" if rest > 0 else head


class HedgekitError(Exception):
    """Base class of every error raised on purpose by hedgekit."""


class InputError(HedgekitError, ValueError):
    """Invalid user input: a file, a command-line option or an API argument.

    Parameters
    ----------
    message
        What is wrong, in plain words.
    source
        The file (path) or the API/CLI parameter the input came from.
    row
        1-based line number in the file (header is line 1), when known.
    column
        Column (or field) name, when known.
    value
        The offending value, when there is one.
    expected
        What would have been accepted.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: Any = None,
        expected: str | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.row = row
        self.column = column
        self.value = value
        self.expected = expected
        super().__init__(self.__str__())

    def location(self) -> str:
        """Return ``file, line N, column 'c'`` for the parts that are known."""
        parts: list[str] = []
        if self.source is not None:
            parts.append(str(self.source))
        if self.row is not None:
            parts.append(f"line {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)

    def __str__(self) -> str:
        text = self.message
        where = self.location()
        if where:
            text = f"{where}: {text}"
        if isinstance(self.value, list | tuple) and len(self.value) > LIST_ITEMS_SHOWN:
            rest = len(self.value) - LIST_ITEMS_SHOWN
            head = ", ".join(map(repr, self.value[:LIST_ITEMS_SHOWN]))
            text += f" (got {head} and {rest:,} more)"  # bounded, whatever the input's size
        elif self.value is not None:
            text += f" (got {self.value!r})"
        if self.expected is not None:
            text += f"; expected {self.expected}"
        return text


class UnknownContractError(InputError, KeyError):
    """A contract root that is not in the registry."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return InputError.__str__(self)


class CalendarError(HedgekitError):
    """A date outside what the session calendar can answer, or an impossible schedule."""


class DatasetError(HedgekitError):
    """A bundled dataset is missing or does not match its documented schema."""


class HedgekitWarning(UserWarning):
    """Base class of hedgekit's warnings."""
