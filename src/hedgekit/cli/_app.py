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
from hedgekit._domains import check
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
        out.append(check("--moves", x) / 100.0)
    return tuple(out)


def parse_date(text: str | None, name: str) -> dt.date | None:
    """``None`` stays ``None``; otherwise a strict ``YYYY-MM-DD`` date (``to_date``)."""
    return None if text is None else to_date(text, name)


ForceFlag = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Replace output files that already exist (otherwise the command refuses, before "
        "any work).",
    ),
]


def _check_folder(folder: Path, option: str, path: str, expected: str) -> None:
    if not folder.is_dir():
        raise InputError("the folder does not exist", source=option, value=path, expected=expected)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(
            "the folder is not writable", source=option, value=path,
            expected="a place in a folder you can write to",
        )  # fmt: skip


def calendar_last() -> dt.date:
    """The last day the NYSE session calendar answers for (a look-ahead stops there)."""
    from hedgekit.calendar import calendar_bounds

    return calendar_bounds()[1].date()


def calendar_date(text: str | None, name: str, default: dt.date) -> dt.date:
    """A date option (``default`` when not given) inside the NYSE session calendar.

    Commands that look ahead from the date (``tour``, ``calendar``) would otherwise overflow
    Python's dates past year 9999 or ask the calendar for years it cannot answer.
    """
    from hedgekit.calendar import calendar_bounds

    day = parse_date(text, name) or default
    first, last = (t.date() for t in calendar_bounds())
    if not first <= day <= last:
        raise InputError(
            "date outside the session calendar", source=name, value=day.isoformat(),
            expected=f"a date from {first.isoformat()} to {last.isoformat()}",
        )  # fmt: skip
    return day


def check_output_path(
    path: str | None,
    option: str,
    suffixes: tuple[str, ...],
    *,
    force: bool = False,
    message: str = "unsupported file type",
    expected: str | None = None,
    partial: bool = False,
) -> Path | None:
    """Check a file the command will write, before any work is done.

    Refuses a suffix not in ``suffixes`` (``message``, ``expected``), a folder, a missing
    or unwritable parent folder, and an existing file unless ``force``: a long computation
    is never lost to a bad path, and no file is replaced by surprise. With ``partial`` (a
    table streamed to ``X.partial`` first), a ``X.partial`` left by an interrupted run is
    kept unless ``force`` too.
    """
    if path is None:
        return None
    p = Path(path)
    if p.suffix.lower() not in suffixes:
        raise InputError(
            message, source=option, value=path,
            expected=expected or "a file ending in " + " or ".join(suffixes),
        )  # fmt: skip
    if p.is_dir():
        raise InputError("this is a folder", source=option, value=path, expected="a file name")
    _check_folder(p.parent, option, path, "a file in an existing folder")
    if p.exists() and not force:
        raise InputError(
            "the file exists", source=option, value=path,
            expected="a new file, or --force to replace it",
        )  # fmt: skip
    if partial and not force:
        from hedgekit._io import partial_path

        left = partial_path(p)
        if left.exists():
            raise InputError(
                "an interrupted run left its partial results here", source=option,
                value=str(left), expected="--force to replace them, or another file name",
            )  # fmt: skip
    return p


def check_output_dir(
    path: str | None, option: str, names: tuple[str, ...], *, force: bool = False
) -> Path | None:
    """Check a folder the command will write the files ``names`` into, before any work.

    The folder may exist or be new (made when the files are written) in an existing,
    writable parent; a file is refused, and so is any of ``names`` already there unless
    ``force``.
    """
    if path is None:
        return None
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise InputError(
            "this is a file, not a folder", source=option, value=path, expected="a folder"
        )
    if p.is_dir():
        _check_folder(p, option, path, "a folder")
        taken = [n for n in names if (p / n).exists()]
        if taken and not force:
            raise InputError(
                "the folder already holds " + ", ".join(taken[:5])
                + (f" and {len(taken) - 5} more" if len(taken) > 5 else ""),
                source=option, value=path,
                expected="a folder without them, or --force to replace them",
            )  # fmt: skip
    else:
        _check_folder(p.parent, option, path, "a new folder in an existing folder")
    return p


#: What to type after each option, one name per flag in every command (``--hedge FRACTION``).
#: An explicit ``metavar=`` on an option wins; :func:`apply_metavars` fills in the rest, so
#: the same flag reads the same everywhere. ``DATE`` is YYYY-MM-DD, ``USD`` dollars,
#: ``FRACTION`` a ratio in 0..1 (0.5 = 50%), ``RATE`` a continuous annual rate (0.045),
#: ``PCT`` a percentage (10 = 10%), ``N`` a whole count, ``ROOT`` a contract root.
METAVARS: dict[str, str] = {
    "--as-of": "DATE",
    "--date": "DATE",
    "--cash-buffer-multiple": "MULTIPLE",
    "--value-trigger": "FRACTION",
    "--beta-trigger": "BETA",
    "--review-months": "N",
    "--max-hedge-ratio": "FRACTION",
    "--max-margin-share": "FRACTION",
    "--daily-loss-limit": "USD",
    "--quarterly-cost-share": "FRACTION",
    "--max-tracking-error": "FRACTION",
    "--output": "FILE",
    "--price": "PRICE",
    "--note": "TEXT",
    "--quantity": "N",
    "--fees": "USD",
    "--from": "DATE",
    "--to": "DATE",
    "--sample-start": "DATE",
    "--sample-end": "DATE",
    "--history-start": "DATE",
    "--holdings": "FILE",
    "--series": "SERIES[,...]",
    "--source": "NAME|FAMILY=NAME[,...]",
    "--until": "DATE",
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
    "--chunk-runs": "N",
    "--scheduler": "local|ADDRESS",
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
    "--futures": "[es-yahoo|es-chris]",
    "--models": "MODEL,...",
    "--decay": "LAMBDA",
    "--train": "N",
    "--fit-window": "N",
    "--refit": "[weekly|monthly|quarterly]",
    "--ratio-model": "[rolling|ewma|dcc]",
    "--host": "ADDRESS",
    "--port": "N",
    "--token": "TOKEN",
    "--token-file": "FILE",
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


def all_commands(application: typer.Typer) -> list[Any]:
    """The registered commands of ``application`` and of its groups (``book ...``)."""
    found: list[Any] = list(application.registered_commands)
    for group in application.registered_groups:
        if group.typer_instance is not None:
            found.extend(all_commands(group.typer_instance))
    return found


def apply_metavars(application: typer.Typer) -> None:
    """Give every value-taking option of ``application`` its :data:`METAVARS` name.

    Options that already carry a ``metavar`` keep it; flags (``bool``) take no value.
    """
    for info in all_commands(application):
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


def _flag_of(param: Any) -> str | None:
    """The option's flag with a declared domain (``--rate``), or ``None``."""
    from hedgekit._domains import DOMAINS

    for decl in getattr(param, "opts", ()):
        if decl in DOMAINS:
            return str(decl)
    return None


def check_option_domain(ctx: Any, param: Any, value: Any) -> Any:
    """Refuse a value outside its option's declared domain (:data:`hedgekit._domains.DOMAINS`).

    Runs as the option's click callback while the command line is parsed, before any work:
    numbers are checked against their bounds, dates (``YYYY-MM-DD`` text) against the
    supported range. Comma lists are checked item by item where they are parsed.
    """
    from hedgekit._domains import DOMAINS, check, check_date

    flag = _flag_of(param)
    if flag is None or value is None:
        return value
    domain = DOMAINS[flag]
    if domain.listed:
        return value
    if domain.kind == "date":
        if isinstance(value, str):
            check_date(flag, to_date(value, flag))
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        check(flag, value)
    return value


def apply_domains(application: typer.Typer) -> None:
    """Check every option of ``application`` that has a declared domain when it is parsed.

    One domain per flag, shared by every command (:data:`hedgekit._domains.DOMAINS`); an
    option that already has its own callback keeps it.
    """
    from hedgekit._domains import DOMAINS

    for info in all_commands(application):
        if info.callback is None:
            continue
        for _, option in _option_infos(info.callback):
            decls = [d for d in (option.default, *(option.param_decls or ())) if isinstance(d, str)]
            if option.callback is None and any(d in DOMAINS for d in decls):
                option.callback = check_option_domain


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
    for info in all_commands(application):
        if info.callback is None:
            continue
        for _, option in _option_infos(info.callback):
            decls = [d for d in (option.default, *(option.param_decls or ())) if isinstance(d, str)]
            flag = next((d for d in decls if d in INPUT_FILE_FLAGS), None)
            if flag is not None and option.callback is None:
                option.callback = _refuse_blank_name(flag)
