"""Data builders and renderers for the foundation commands (contracts, calendar, data).

Builders return JSON-safe structures (the ``--json`` documents); renderers turn the same
structures into rich tables, so tables and JSON never disagree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hedgekit.cli import _output as out
from hedgekit.errors import InputError


def load_registry(contracts_file: str | None) -> Any:
    """The builtin contract registry, extended by a user TOML file when given."""
    from hedgekit.contracts import default_registry, registry_from_toml

    if contracts_file is None:
        return default_registry()
    return registry_from_toml(contracts_file, base=default_registry())


def contracts_data(contracts_file: str | None, *, as_of: dt.date) -> list[dict[str, Any]]:
    """One JSON object per contract, with the margin figure in force on ``as_of``."""
    registry = load_registry(contracts_file)
    rows: list[dict[str, Any]] = []
    for spec in registry:
        d = spec.to_dict()
        d["tick_value_usd"] = spec.tick_value_usd
        try:
            rate = spec.margin_on(as_of)
        except InputError:
            d["margin_in_force"] = None
        else:
            d["margin_in_force"] = {
                "effective": rate.effective.isoformat(),
                "initial_usd": rate.initial_usd,
                "maintenance_usd": rate.maintenance_usd,
                "source": rate.source,
            }
        rows.append(d)
    return rows


def render_contracts(rows: list[dict[str, Any]]) -> None:
    """Print the contract table."""
    body = []
    for d in rows:
        m = d.get("margin_in_force")
        body.append(
            [
                d["root"],
                d["name"],
                d["index"],
                out.usd(d["multiplier_usd"], 2),
                f"{d['tick_size_points']:g}",
                out.usd(d["tick_value_usd"], 2),
                d["months"],
                d["exchange"],
                out.usd(m["initial_usd"]) if m else "n/a",
                out.usd(m["maintenance_usd"]) if m else "n/a",
                m["effective"] if m else "",
            ]
        )
    cols = [
        "root",
        "name",
        "index",
        "$/point",
        "tick",
        "tick $",
        "months",
        "exchange",
        "initial margin",
        "maintenance",
        "margin as of",
    ]
    c = out.console()
    c.print(out.table("Futures contracts", cols, body))
    c.print(
        "Margins are typical exchange levels with their date; your broker may ask more. "
        "Override them with --contracts-file.",
        style="dim",
    )


def _parse_roll_rule(text: str) -> Any:
    from hedgekit.calendar import CmeRollRule, SessionsBeforeExpiry

    if text == "cme":
        return CmeRollRule()
    if text.startswith("sessions:"):
        n_text = text.split(":", 1)[1]
        if n_text.isdigit():
            return SessionsBeforeExpiry(int(n_text))
    raise InputError(
        "unknown roll rule", source="--roll", value=text, expected="'cme' or 'sessions:N'"
    )


def calendar_data(
    root: str, start: str, end: str, roll: str, contracts_file: str | None
) -> list[dict[str, Any]]:
    """Contracts held between ``start`` and ``end`` under the roll rule, with their dates."""
    from hedgekit.calendar import contract_schedule

    spec = load_registry(contracts_file).get(root)
    rule = _parse_roll_rule(roll)
    periods = contract_schedule(spec.root, start, end, rule, months=spec.months)
    rows = []
    for p in periods:
        d = p.to_dict()
        d["contract"] = str(p.contract)
        d["contract_short"] = p.contract.short
        rows.append(d)
    return rows


def render_calendar(root: str, rows: list[dict[str, Any]]) -> None:
    """Print the expiry and roll table."""
    body = [
        [
            r["contract"],
            r["contract_short"],
            str(r["last_trading_day"])[:10],
            str(r["roll_date"])[:10],
            str(r["first_session_held"])[:10],
            str(r["last_session_held"])[:10],
        ]
        for r in rows
    ]
    cols = ["contract", "code", "last trading day", "roll date", "held from", "held to"]
    out.console().print(out.table(f"{root.upper()} expiries and rolls", cols, body))


def datasets_data() -> list[dict[str, Any]]:
    """The bundled datasets with their date ranges, sizes and sources."""
    from hedgekit.datasets import list_datasets

    frame = list_datasets()
    rows: list[dict[str, Any]] = []
    for rec in frame.to_dict(orient="records"):
        rows.append({str(k): v for k, v in rec.items()})
    return rows


def usable_dates_data() -> list[dict[str, Any]]:
    """The latest usable date per bundled index (the default date of every command)."""
    from hedgekit.snapshot import INDEX_KEYS, INDEX_NAMES, latest_usable_date

    rows: list[dict[str, Any]] = []
    for index in INDEX_KEYS:
        usable = latest_usable_date((index,))
        rows.append(
            {
                "index": index,
                "name": INDEX_NAMES[index],
                "latest_usable_date": usable.date.isoformat(),
                "set_by": usable.binding,
                "inputs": [{"input": k, "last_date": d.isoformat()} for k, d in usable.limits],
            }
        )
    return rows


def render_usable_dates(rows: list[dict[str, Any]]) -> None:
    """Print the latest usable date per index."""
    body = []
    for r in rows:
        ends = {i["input"]: i["last_date"] for i in r["inputs"]}
        body.append(
            [f"{r['name']} ({r['index']})", r["latest_usable_date"],
             f"{r['set_by']} ends {ends[r['set_by']]}"]
        )  # fmt: skip
    c = out.console()
    c.print(out.table("Latest usable date", ["index", "latest usable date", "set by"], body))
    c.print(
        "Without --as-of every command works on the latest usable date of its contract's "
        "index: the last NYSE session on which the index close, the T-bill rate and the "
        "dividend yield are all observed (and, with a holdings file, the portfolio's prices). "
        "An input you give (--rate, --index-level, --dividend-yield) sets no limit.",
        style="dim",
    )


def render_datasets(rows: list[dict[str, Any]]) -> None:
    """Print the dataset table."""
    body = [
        [
            str(r["name"]),
            str(r["first_date"])[:10],
            str(r["last_date"])[:10],
            f"{int(r['rows']):,}",
            str(r["description"]),
        ]
        for r in rows
    ]
    c = out.console()
    c.print(out.table("Bundled market history", ["dataset", "from", "to", "rows", "what"], body))
    c.print(
        "Sources and terms: see PROVENANCE.md in hedgekit/datasets (`hedgekit data --json`).",
        style="dim",
    )
