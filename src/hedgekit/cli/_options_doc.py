"""``docs/options.md``: every option of every command, with its domain and default.

Generated from the commands themselves and :data:`hedgekit._domains.DOMAINS`, so the page
cannot drift from what the commands accept (a test compares the two). Regenerate with::

    python -m hedgekit.cli._options_doc > docs/options.md
"""

from __future__ import annotations

import types
from typing import Any, Union, get_args, get_origin

import typer

from hedgekit._domains import DOMAINS, KIND_WORDS

_HEADER = """\
# Options: what each one accepts

Generated from the commands and the table of option domains (`hedgekit/_domains.py`);
regenerate with `python -m hedgekit.cli._options_doc > docs/options.md`.

Every option that takes a number or a date has one declared domain, the same in every
command that has it and in the library object the option feeds (`PlanRequest`,
`IndexPortfolio`, the stress and sweep specs). A value outside it is refused before any
work starts, with exit status 2 and a where/got/expected block naming the option; a
percentage typed where a fraction belongs (`--rate 4.5`) is answered with the fraction it
most likely meant ("did you mean 0.045?"). Options marked *(each)* take a comma-separated
list and check every item.
"""


def _number_type(annotation: Any) -> type | None:
    """``int`` or ``float`` for an option that takes a number (``float | None`` too)."""
    if annotation in (int, float):
        return annotation  # type: ignore[no-any-return]
    if get_origin(annotation) in (Union, types.UnionType):
        kinds = [a for a in get_args(annotation) if a is not type(None)]
        if len(kinds) == 1 and kinds[0] in (int, float):
            return kinds[0]  # type: ignore[no-any-return]
    return None


def command_options(application: typer.Typer) -> dict[str, list[Any]]:
    """The click options of each command of ``application``, by command name."""
    group: Any = typer.main.get_command(application)
    found: dict[str, list[Any]] = {}
    for name in sorted(group.commands):
        params = [p for p in group.commands[name].params if p.param_type_name == "option"]
        found[name] = [p for p in params if "--help" not in p.opts]
    return found


def numeric_options(application: typer.Typer) -> list[tuple[str, str]]:
    """``(command, flag)`` for every option that takes a number."""
    out: list[tuple[str, str]] = []
    for name, params in command_options(application).items():
        for p in params:
            if _number_type(p.type_descriptor.annotation) is not None:
                out.append((name, max(p.opts, key=len)))
    return out


def _default(p: Any) -> str:
    if p.is_flag:
        return "off"
    d = p.default
    if d is None or d == []:
        return "-"
    if isinstance(d, float):
        return f"{d:g}"
    return str(d).replace("|", "\\|")


def render(application: typer.Typer) -> str:
    """The Markdown page: one table per command, then the domains by kind."""
    lines = [_HEADER]
    for name, params in command_options(application).items():
        lines += [f"## `hedgekit {name}`", "", "| option | accepts | default |", "|---|---|---|"]
        for p in params:
            flag = max(p.opts, key=len)
            domain = DOMAINS.get(flag)
            if domain is not None:
                accepts = domain.describe()
            elif p.is_flag:
                accepts = "a switch"
            else:
                accepts = f"text ({p.metavar})".replace("|", "\\|") if p.metavar else "text"
            lines.append(f"| `{flag}` | {accepts} | {_default(p)} |")
        lines.append("")
    lines += ["## Domains by option", "", "| option | kind | accepts |", "|---|---|---|"]
    for flag in sorted(DOMAINS):
        d = DOMAINS[flag]
        hint = "; a value above 1 gets a 'did you mean' hint" if d.percent_hint else ""
        lines.append(f"| `{flag}` | {KIND_WORDS[d.kind]} | {d.describe()}{hint} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover - the generator's command line
    from hedgekit.cli._main import app  # type: ignore[attr-defined]

    print(render(app), end="")
