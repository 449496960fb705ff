"""Request bodies: one field per command-line option, read from the commands themselves.

A model is built from a command's signature (:func:`options_model`), so the API takes what
the command takes, with the option's help as the field's description, and checks each
number against the same domain (:mod:`hedgekit._domains`) as the command line. Options that
name a file on the server's disk are left out: no endpoint reads a path a client gives;
holdings come as the file's text (``holdings_csv``) or as an upload on the pages.
"""

from __future__ import annotations

import inspect
import math
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Union, get_args, get_origin, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, create_model
from typer.models import ArgumentInfo, OptionInfo

from hedgekit._dates import to_date
from hedgekit._domains import DOMAINS, check, check_date
from hedgekit.web._settings import MAX_UPLOAD_BYTES

#: Options that never reach the API: files on the server, output files, terminal behaviour.
SERVER_SIDE = frozenset(
    {
        "holdings", "prices", "contracts_file", "position", "save_position", "force", "json_",
        "report", "png_dir", "out_file", "out_path", "yes", "workers", "book", "config",
        # a folder written, a cluster reached, a DCC fit of half a minute: command line only
        "out_folder", "scheduler", "chunk_runs", "ratio_model",
    }
)  # fmt: skip
#: Longest text accepted in any text field (a list of moves, legs, a policy).
MAX_TEXT = 1_000


class OptionsModel(BaseModel):
    """Base of the request models: a field per option, ``flags`` maps fields to flags."""

    model_config = ConfigDict(extra="forbid")
    flags: typing.ClassVar[Mapping[str, str]] = {}

    def checked(self) -> dict[str, Any]:
        """The options as keyword arguments, each number and date checked against its domain.

        Raises :class:`~hedgekit.errors.InputError` naming the flag, as the command line does.
        """
        values = self.model_dump()
        for name, value in values.items():
            flag = self.flags.get(name)
            if flag is None or flag not in DOMAINS or value is None:
                continue
            domain = DOMAINS[flag]
            if domain.listed:
                continue
            if domain.kind == "date":
                if isinstance(value, str):
                    check_date(flag, to_date(value, flag))
            elif isinstance(value, int | float) and not isinstance(value, bool):
                check(flag, value)
        return values


def _plain(tp: Any) -> Any:
    """``float | None`` and friends as pydantic reads them (``Annotated`` metadata removed)."""
    if get_origin(tp) is typing.Annotated:
        return _plain(get_args(tp)[0])
    return tp


def _is_text(tp: Any) -> bool:
    if tp is str:
        return True
    if get_origin(tp) in (Union, types.UnionType):
        return str in get_args(tp)
    return False


def options_model(
    name: str,
    command: Callable[..., Any],
    *,
    exclude: frozenset[str] = frozenset(),
    holdings: bool = False,
) -> type[OptionsModel]:
    """A request model with one field per option of the typer ``command``.

    ``holdings`` adds ``holdings_csv``: the text of a holdings CSV, in place of ``--holdings``.
    """
    func = inspect.unwrap(command)
    hints = get_type_hints(func, include_extras=True)
    fields: dict[str, Any] = {}
    flags: dict[str, str] = {}
    for pname, param in inspect.signature(func).parameters.items():
        if pname in SERVER_SIDE or pname in exclude:
            continue
        hint = hints[pname]
        info = next(
            (m for m in get_args(hint)[1:] if isinstance(m, OptionInfo | ArgumentInfo)), None
        )
        decls = [] if info is None else [info.default, *(info.param_decls or ())]
        flag = next((d for d in decls if isinstance(d, str) and d.startswith("--")), None)
        if flag is not None:
            flags[pname] = flag
        tp = _plain(hint)
        default = param.default
        if default is inspect.Parameter.empty or default is Ellipsis:
            default = ...
        if isinstance(default, float) and not math.isfinite(default):
            default = None
        help_text = None if info is None else info.help
        extra: dict[str, Any] = {"description": help_text, "title": flag or pname}
        if _is_text(tp):
            extra["max_length"] = MAX_TEXT
        fields[pname] = (tp, Field(default, **extra))
    if holdings:
        fields["holdings_csv"] = (
            str | None,
            Field(
                None,
                max_length=MAX_UPLOAD_BYTES,
                title="--holdings",
                description="The text of a holdings CSV (ticker, shares or market_value_usd, "
                "cost_basis_usd), in place of --holdings FILE.",
            ),
        )
        flags["holdings_csv"] = "--holdings"
    model = create_model(name, __base__=OptionsModel, **fields)
    model.flags = flags
    return model


class JobAccepted(BaseModel):
    """``POST`` of long work: the job to poll."""

    job_id: str
    status: str
    url: str


class JobState(BaseModel):
    """``GET /api/jobs/{id}``: progress, and the CLI's JSON document once done."""

    job_id: str
    kind: str
    status: str
    done: int
    total: int
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None


class Document(BaseModel):
    """The CLI's ``--json`` document: ``{"schema_version", "kind", "data"}``."""

    schema_version: int
    kind: str
    data: Any
