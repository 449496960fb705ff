"""The whole journal out to JSON Lines or CSV, and back in from JSON Lines (``book restore``).

JSON Lines: one event per line, :meth:`Event.to_dict` (``id``, ``kind``, ``effective_date``,
``recorded_at``, ``recorded_by``, ``source``, ``key``, ``payload``, ``reverses_id``,
``note``). CSV: the same columns, ``payload`` as JSON text; for reading by people and
spreadsheets (restore reads the JSON Lines form).
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Sequence

from hedgekit.book._journal import EVENT_KINDS
from hedgekit.book._store import Event
from hedgekit.errors import InputError

__all__ = ["EXPORT_COLUMNS", "events_to_csv", "events_to_jsonl", "read_jsonl"]

EXPORT_COLUMNS = ("id", "kind", "effective_date", "recorded_at", "recorded_by", "source", "key",
                  "payload", "reverses_id", "note")  # fmt: skip


def events_to_jsonl(events: Sequence[Event]) -> str:
    """The journal as JSON Lines text."""
    return "".join(json.dumps(e.to_dict(), sort_keys=True, allow_nan=False) + "\n"
                   for e in events)  # fmt: skip


def events_to_csv(events: Sequence[Event]) -> str:
    """The journal as CSV text (``payload`` a JSON object in its cell)."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(EXPORT_COLUMNS)
    for e in events:
        d = e.to_dict()
        d["payload"] = json.dumps(d["payload"], sort_keys=True)
        w.writerow(["" if d[c] is None else d[c] for c in EXPORT_COLUMNS])
    return buf.getvalue()


def read_jsonl(path: str | os.PathLike[str]) -> list[Event]:
    """Events of a JSON Lines export, checked (ids unique, kinds known, reversals earlier)."""
    from hedgekit.data._read import read_bytes

    source = str(path)
    try:
        text = read_bytes(path).decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(
            "not UTF-8 text", source=source, expected="a book export (.jsonl)"
        ) from None
    out: list[Event] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            e = Event.from_dict(json.loads(line))
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(
                f"not an exported event ({exc})", source=source, row=n,
                expected="a line of hedgekit book export --format jsonl",
            ) from None  # fmt: skip
        if e.kind not in EVENT_KINDS:
            raise InputError("unknown event kind", source=source, row=n, column="kind",
                             value=e.kind, expected=", ".join(EVENT_KINDS))  # fmt: skip
        out.append(e)
    ids = [e.id for e in out]
    if len(set(ids)) != len(ids):
        raise InputError("an event id appears twice", source=source, column="id")
    keys = [e.key for e in out]
    if len(set(keys)) != len(keys):
        raise InputError("an event key appears twice", source=source, column="key")
    known = set(ids)
    for e in out:
        if e.reverses_id is not None and (e.reverses_id not in known or e.reverses_id >= e.id):
            raise InputError("a reversal of an event not before it in the export", source=source,
                             column="reverses_id", value=e.reverses_id)  # fmt: skip
    return out
