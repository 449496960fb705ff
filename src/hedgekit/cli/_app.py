"""The typer application and option helpers shared by every command module."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin, get_type_hints

import typer
from typer.models import OptionInfo

from hedgekit._dates import to_date
from hedgekit.errors import InputError

app = typer.Typer(
    name="hedgekit",
    help="Hedge an equity portfolio with stock index futures, and see what it costs.",
    add_completion=True,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            text = version("hedgekit")
        except PackageNotFoundError:  # run from a source tree that was never installed
            text = "unknown (not installed)"
        typer.echo(f"hedgekit {text}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the hedgekit version and exit.",
            callback=_print_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """Hedge an equity portfolio with stock index futures, and see what it costs."""


JsonFlag = Annotated[
    bool, typer.Option("--json", help="Print a stable JSON document instead of tables.")
]


def today() -> dt.date:
    return dt.date.today()


def choice(value: str, name: str, allowed: tuple[str, ...]) -> str:
    v = value.lower()
    if v not in allowed:
        raise InputError(
            f"unknown {name}", source=f"--{name}", value=value, expected=" | ".join(allowed)
        )
    return v


def parse_moves(text: str | None) -> tuple[float, ...] | None:
    if text is None:
        return None
    out: list[float] = []
    for part in text.split(","):
        p = part.strip().rstrip("%")
        try:
            x = float(p)
        except ValueError:
            raise InputError(
                "not a number", source="--moves", value=part, expected="e.g. -30,-20,-10,0,10"
            ) from None
        out.append(x / 100.0)
    return tuple(out)


def parse_date(text: str | None, name: str) -> dt.date | None:
    """``None`` stays ``None``; otherwise a strict ``YYYY-MM-DD`` date (``to_date``)."""
    return None if text is None else to_date(text, name)


def check_output_path(
    path: str | None, option: str, suffixes: tuple[str, ...], *, force: bool = False
) -> Path | None:
    """Check a file the command will write, before any work is done.

    Refuses a suffix not in ``suffixes``, a folder, a missing or unwritable parent folder,
    and an existing file unless ``force``: a long computation is never lost to a bad path,
    and no file is replaced by surprise.
    """
    if path is None:
        return None
    p = Path(path)
    if p.suffix.lower() not in suffixes:
        raise InputError(
            "unsupported file type", source=option, value=path,
            expected="a file ending in " + " or ".join(suffixes),
        )  # fmt: skip
    if p.is_dir():
        raise InputError("this is a folder", source=option, value=path, expected="a file name")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(
            "the folder does not exist", source=option, value=path,
            expected="a file in an existing folder",
        )  # fmt: skip
    if not os.access(parent, os.W_OK):
        raise InputError(
            "the folder is not writable", source=option, value=path,
            expected="a file in a folder you can write to",
        )  # fmt: skip
    if p.exists() and not force:
        raise InputError(
            "the file exists", source=option, value=path,
            expected="a new file, or --force to replace it",
        )  # fmt: skip
    return p


#: What to type after each option, one name per flag in every command (``--hedge FRACTION``).
#: An explicit ``metavar=`` on an option wins; :func:`apply_metavars` fills in the rest, so
#: the same flag reads the same everywhere. ``DATE`` is YYYY-MM-DD, ``USD`` dollars,
#: ``FRACTION`` a ratio in 0..1 (0.5 = 50%), ``RATE`` a continuous annual rate (0.045),
#: ``PCT`` a percentage (10 = 10%), ``N`` a whole count, ``ROOT`` a contract root.
METAVARS: dict[str, str] = {
    "--as-of": "DATE",
    "--from": "DATE",
    "--to": "DATE",
    "--sample-start": "DATE",
    "--sample-end": "DATE",
    "--history-start": "DATE",
    "--holdings": "FILE",
    "--prices": "FILE",
    "--contracts-file": "FILE",
    "--out": "FILE",
    "--report": "FILE",
    "--png-dir": "DIR",
    "--value-usd": "USD",
    "--cash-buffer": "USD",
    "--cost-basis-usd": "USD",
    "--net-worth": "USD",
    "--commission": "USD",
    "--option-fee": "USD",
    "--initial-margin": "USD",
    "--maintenance-margin": "USD",
    "--option-multiplier": "USD",
    "--call-above": "USD,...",
    "--hedge": "FRACTION",
    "--sell-fraction": "FRACTION",
    "--net-short-tolerance": "FRACTION",
    "--tax-rate": "FRACTION",
    "--option-fraction": "FRACTION",
    "--band": "FRACTION",
    "--rate": "RATE",
    "--margin-rate": "RATE",
    "--dividend-yield": "RATE",
    "--index-dividend-yield": "RATE",
    "--vol": "VOL",
    "--skew": "SLOPE",
    "--fall": "PCT",
    "--upside": "PCT",
    "--moves": "PCT,...",
    "--hedge-ratios": "PCT,...",
    "--target-call-prob": "PCT,...",
    "--window": "N",
    "--beta-window": "N",
    "--days": "N",
    "--horizon-days": "N",
    "--paths": "N",
    "--seed": "N",
    "--top": "N",
    "--workers": "N",
    "--batch-runs": "N",
    "--block-length": "N",
    "--contract": "ROOT",
    "--option": "ROOT",
    "--beta": "BETA",
    "--target-beta": "BETA",
    "--index-level": "LEVEL",
    "--futures-price": "PRICE",
    "--quoted-spread": "POINTS,...",
    "--slippage-ticks": "TICKS",
    "--stock-cost-bps": "BPS",
    "--buffer": "MULTIPLE",
    "--margin-buffer": "MULTIPLE",
    "--sweep-multiple": "MULTIPLE",
    "--buffers": "MULTIPLE,...",
    "--put-strike": "STRIKE",
    "--call-strike": "STRIKE",
    "--spread-width": "STRIKE",
    "--strikes": "STRIKE,...",
    "--horizon": "HORIZON",
    "--policy": "POLICY",
    "--rebalance": "RULE",
    "--roll": "RULE",
    "--metric": "METRIC",
    "--grid": "KEY=VALUES",
    "--heatmap": "X,Y",
    "--engine": "ENGINE",
    "--frequency": "[daily|weekly]",
    "--beta-method": "[ols|blume|vasicek|holdings]",
    "--price-basis": "[futures|index]",
    "--rounding": "[nearest|down|up]",
    "--option-rounding": "[nearest|down|up]",
    "--structure": "[put|collar|put-spread|all]",
    "--model": "[bootstrap|gbm|garch]",
    "--rates": "[changes|levels]",
    "--futures-prices": "[settlement|fair]",
    "--call-source": "[cash|stock]",
    "--margin-source": "[stock|cash]",
}


def _option_infos(callback: Callable[..., Any]) -> list[tuple[type | None, OptionInfo]]:
    """The ``typer.Option`` objects of a command function, with each parameter's type."""
    hints = get_type_hints(callback, include_extras=True)
    # Keep the evaluated annotations: with postponed evaluation each reading of the text
    # would build new Option objects, and the metavars set here would be lost.
    callback.__annotations__ = hints
    found: list[tuple[type | None, OptionInfo]] = []
    for name, hint in hints.items():
        if name == "return" or get_origin(hint) is not Annotated:
            continue
        base, *extras = get_args(hint)
        found.extend((base, e) for e in extras if isinstance(e, OptionInfo))
    return found


def apply_metavars(application: typer.Typer) -> None:
    """Give every value-taking option of ``application`` its :data:`METAVARS` name.

    Options that already carry a ``metavar`` keep it; flags (``bool``) take no value.
    """
    for info in application.registered_commands:
        if info.callback is None:
            continue
        for base, option in _option_infos(info.callback):
            if option.metavar is not None or base is bool:
                continue
            decls = [d for d in (option.default, *(option.param_decls or ())) if isinstance(d, str)]
            for decl in decls:
                if decl in METAVARS:
                    option.metavar = METAVARS[decl]
                    break


#: Options naming a file the command reads. An empty name would reach the readers as the
#: current folder ("is a folder") or as a nameless source, and the error could not say
#: which option was at fault.
INPUT_FILE_FLAGS: frozenset[str] = frozenset(
    {"--holdings", "--prices", "--contracts-file", "--position"}
)


def _refuse_blank_name(flag: str) -> Callable[[str | None], str | None]:
    def check(value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise InputError(
                "no file name given", source=flag, value=value, expected="the path of a file"
            )
        return value

    return check


def apply_input_file_checks(application: typer.Typer) -> None:
    """Refuse an empty or blank file name for every option of :data:`INPUT_FILE_FLAGS`."""
    for info in application.registered_commands:
        if info.callback is None:
            continue
        for _, option in _option_infos(info.callback):
            decls = [d for d in (option.default, *(option.param_decls or ())) if isinstance(d, str)]
            flag = next((d for d in decls if d in INPUT_FILE_FLAGS), None)
            if flag is not None and option.callback is None:
                option.callback = _refuse_blank_name(flag)
