"""Run one command line in-process and check the README's error promise on what it did.

The promise: exit status 0 (done) or 2 (bad input, one short where/got/expected block),
never 1, never an exception or a Python warning reaching the user, never a traceback in
the output, and no file in the working folder created, changed or removed when the
command refuses its input.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import resource
import signal
import traceback
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from hedgekit.cli import main

#: The longest error message a user should have to read.
MAX_ERROR_CHARS = 2_000
#: Warnings Python shows a user by default (deprecations are hidden outside ``__main__``).
_HIDDEN = (DeprecationWarning, PendingDeprecationWarning, ImportWarning)
#: A usage error from the option parser names the option or argument it refused.
_USAGE_NAMES = re.compile(r"'--?[\w-]+'|No such option|Missing argument|Got unexpected extra")


@dataclass(frozen=True)
class Outcome:
    """What one command line did: status, output, escaped exception, warnings, files."""

    argv: tuple[str, ...]
    status: int | None
    out: str
    err: str
    escaped: str | None
    warned: tuple[str, ...]
    changed: tuple[str, ...]
    replaced: tuple[str, ...]

    def describe(self) -> str:
        return (
            f"hedgekit {' '.join(self.argv)}\nstatus={self.status}\n"
            f"stderr={self.err[:3000]}\nescaped={self.escaped}\nwarned={self.warned}\n"
            f"changed={self.changed}\nreplaced={self.replaced}"
        )


def snapshot(folder: Path) -> dict[str, str]:
    """Each file under ``folder`` (relative path) with a hash of its bytes."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            found[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_dir():
            found[str(path.relative_to(folder)) + "/"] = "folder"
    return found


def _diff(before: dict[str, str], after: dict[str, str]) -> tuple[str, ...]:
    names = sorted(set(before) | set(after))
    return tuple(n for n in names if before.get(n) != after.get(n))


class TooLongError(Exception):
    """The command ran past the time given to one fuzz example."""


@contextlib.contextmanager
def bounded(seconds: float, extra_bytes: int | None = None) -> Iterator[None]:
    """Stop the command after ``seconds`` (SIGALRM) and, optionally, cap new memory.

    A command that would run for minutes or take gigabytes is a failure of the pre-flight
    check; the cap turns it into a quick ``MemoryError`` instead of a stalled machine.
    """

    def _stop(signum: int, frame: FrameType | None) -> None:
        raise TooLongError(f"ran past {seconds} s")

    previous = signal.signal(signal.SIGALRM, _stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    limits = resource.getrlimit(resource.RLIMIT_AS)
    if extra_bytes is not None:
        used = _address_space_bytes()
        if used is not None:
            cap = used + extra_bytes
            if limits[1] == resource.RLIM_INFINITY or cap < limits[1]:
                resource.setrlimit(resource.RLIMIT_AS, (cap, limits[1]))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        resource.setrlimit(resource.RLIMIT_AS, limits)


def _address_space_bytes() -> int | None:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


def run_cli(
    argv: Sequence[str], folder: Path, *, seconds: float = 20.0, extra_bytes: int | None = None
) -> Outcome:
    """Run ``hedgekit argv`` with ``folder`` as the working folder; record what it did.

    Files the command created are removed afterwards, so every example starts from the
    same folder.
    """
    before = snapshot(folder)
    out, err = io.StringIO(), io.StringIO()
    status: int | None = None
    escaped: str | None = None
    cwd = Path.cwd()
    os.chdir(folder)
    try:
        with (
            warnings.catch_warnings(record=True) as caught,
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            warnings.simplefilter("always")
            try:
                with bounded(seconds, extra_bytes):
                    status = main(list(argv))
            except BaseException as exc:  # the point: nothing may escape
                if isinstance(exc, KeyboardInterrupt):
                    raise
                escaped = "".join(traceback.format_exception(exc))[-4000:]
    finally:
        os.chdir(cwd)
    after = snapshot(folder)
    changed = _diff(before, after)
    replaced = tuple(n for n in changed if n in before)
    for name in set(after) - set(before):
        path = folder / name.rstrip("/")
        if path.is_file():
            path.unlink()
    for name in sorted(set(after) - set(before), reverse=True):
        path = folder / name.rstrip("/")
        if path.is_dir():
            with contextlib.suppress(OSError):
                path.rmdir()
    warned = tuple(
        f"{w.category.__name__}: {w.message}" for w in caught if not issubclass(w.category, _HIDDEN)
    )
    return Outcome(
        tuple(argv), status, out.getvalue(), err.getvalue(), escaped, warned, changed, replaced
    )


def names_where(err: str) -> bool:
    """Whether an error message says where the problem is (an option, argument or file)."""
    if err.startswith("error:"):
        return any(
            line.startswith("  where:") and line.split(":", 1)[1].strip()
            for line in err.splitlines()
        )
    return _USAGE_NAMES.search(err) is not None


def assert_promise(outcome: Outcome, *, may_write: bool = False) -> None:
    """Assert the README's promise on one outcome (see the module notes)."""
    why = outcome.describe()
    assert outcome.escaped is None, why
    assert outcome.status in (0, 2), why
    assert "Traceback" not in outcome.out + outcome.err, why
    assert not outcome.warned, why
    if outcome.status == 2:
        assert len(outcome.err) < MAX_ERROR_CHARS, why
        assert names_where(outcome.err), why
        assert not outcome.changed, why
    elif not may_write:  # a success may add files, never replace one without --force
        assert not outcome.replaced, why


#: The holdings every example folder starts with (bundled tickers, shares and values).
HOLDINGS_CSV = """\
ticker,shares,market_value_usd,cost_basis_usd
AAPL,180,,9436
JNJ,180,,20321
PG,140,,14827
XOM,,25000,
"""


def price_csv(tickers: Sequence[str] = ("AAPL", "JNJ", "PG", "XOM", "SPY")) -> str:
    """Two years of the bundled adjusted closes up to 2024-06-03, as a wide CSV."""
    from hedgekit.data import bundled_prices

    frame = bundled_prices(list(tickers)).loc["2022-06-01":"2024-06-03"].dropna()
    frame.index = frame.index.strftime("%Y-%m-%d")
    return frame.to_csv(index_label="date", float_format="%.4f")


def fill_folder(folder: Path) -> Path:
    """Write the files the fuzzed command lines name: holdings, prices, contracts, position."""
    from tests.fuzz._commands import SWEEP_TOML

    root = Path(__file__).resolve().parents[2]
    (folder / "holdings.csv").write_text(HOLDINGS_CSV, encoding="utf-8")
    (folder / "prices.csv").write_text(price_csv(), encoding="utf-8")
    (folder / "contracts.toml").write_text(
        (root / "examples" / "contracts.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (folder / "sweep.toml").write_text(SWEEP_TOML, encoding="utf-8")
    (folder / "pos.json").write_text(POSITION_JSON, encoding="utf-8")
    return folder


#: A position as ``plan --save-position`` writes it (short 3 ES and 8 MES on 2024-06-03).
POSITION_JSON = """\
{
  "schema_version": 1,
  "kind": "position",
  "data": {
    "as_of": "2024-06-03",
    "source": "plan 2024-06-03",
    "portfolio": {"value_usd": 1000000.0, "beta": 1.0, "index": "SPX"},
    "legs": [
      {"root": "ES", "contract": "ESM2024", "quantity": -3, "entry_price": 5297.25},
      {"root": "MES", "contract": "MESM2024", "quantity": -8, "entry_price": 5297.25}
    ]
  }
}
"""
