"""Every command's options, fuzzed with valid and malformed values, keep the error promise.

Each example runs one command line in-process in a folder holding the files it names, and
asserts: exit status 0 or 2, no traceback or Python warning, a short error that says where
(option, argument or file), and no file created, changed or removed on a refusal.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.fuzz._commands import ARGUMENTS, COMMANDS, JUNK, KIND_JUNK
from tests.fuzz._harness import assert_promise, fill_folder, run_cli
from tests.fuzz._pending import ARGUMENT, HELD_BACK

from hedgekit.cli._main import app

#: Examples per command: small, derandomized, so CI reruns the same command lines.
FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fill_folder(tmp_path_factory.mktemp("fuzz-options"))


def _choices(command: str) -> list[tuple[str, str | None]]:
    """Every (flag, value) the fuzzer may add to ``command``; ``None`` for a bare flag."""
    _, options = COMMANDS[command]
    found: list[tuple[str, str | None]] = []
    for flag, (kind, valid) in options.items():
        if kind == "flag":
            found.append((flag, None))
            continue
        for value in (*valid, *KIND_JUNK[kind], *JUNK):
            if (flag, value) not in HELD_BACK:
                found.append((flag, value))
    return found


def command_lines(command: str) -> st.SearchStrategy[list[str]]:
    """The base command line with 1-3 options added (a later one overrides an earlier)."""
    base, _ = COMMANDS[command]
    added = st.lists(st.sampled_from(_choices(command)), min_size=1, max_size=3)
    arguments = [a for a in ARGUMENTS.get(command, ()) if (ARGUMENT, a) not in HELD_BACK]
    first = st.sampled_from(arguments) if arguments else st.none()

    def build(pairs: list[tuple[str, str | None]], argument: str | None) -> list[str]:
        argv = list(base)
        if argument is not None:
            argv[1] = argument
        for flag, value in pairs:
            argv += [flag] if value is None else [flag, value]
        return argv

    return st.builds(build, added, first)


def test_every_option_is_fuzzed() -> None:
    """A new option, or a new command, cannot slip past the fuzzer unnoticed."""
    root = typer.main.get_command(app)
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        if name == "book":  # a group with a book file of its own: tests/fuzz/test_book_fuzz.py
            continue
        assert name in COMMANDS, f"command {name} has no fuzz spec"
        flags = {o for p in command.params if p.param_type_name == "option" for o in p.opts}
        assert flags - {"--help"} == set(COMMANDS[name][1]), name


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_option_fuzz(command: str, folder: Path) -> None:
    @FUZZ
    @given(argv=command_lines(command))
    def check(argv: list[str]) -> None:
        outcome = run_cli(argv, folder)
        assert_promise(outcome, may_write="--force" in argv)

    check()


@pytest.mark.parametrize(
    ("command", "flag", "value"),
    [
        # the cases that broke the promise before issue 10's fixes, kept as regressions
        ("stress", "--beta", "1e308"),
        ("stress", "--rate", "99999999999999999999"),
        ("compare", "--option-fee", "1e308"),
        ("backtest", "--value-usd", "1e308"),
        ("cost", "--as-of", "9999-12-31"),
        ("calendar", "--from", "0001-01-01"),
        ("tour", "--as-of", "2100-01-04"),
        ("backtest", "--png-dir", "holdings.csv"),
        ("replay", "--png-dir", "holdings.csv"),
        ("sweep", "--out", "holdings.csv"),
        ("sweep", ARGUMENT, "."),
    ],
)
def test_known_cases(command: str, flag: str, value: str, folder: Path) -> None:
    base, _ = COMMANDS[command]
    argv = [base[0], value, *base[2:]] if flag == ARGUMENT else [*base, flag, value]
    outcome = run_cli(argv, folder)
    assert_promise(outcome, may_write=False)
    assert outcome.status == 2, argv
