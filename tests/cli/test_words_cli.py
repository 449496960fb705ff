"""What a new user reads: version, completion, option metavars and help, ``tour --json``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib.metadata import version

import pytest
import typer.main
from typer.core import TyperOption

from hedgekit.cli import main
from hedgekit.cli._app import METAVARS, app


def _options() -> list[tuple[str, TyperOption]]:
    group = typer.main.get_command(app)
    found = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        found.extend((name, p) for p in command.params if isinstance(p, TyperOption))
    return found


def test_every_option_has_help_and_a_metavar_when_it_takes_a_value() -> None:
    missing = [
        f"{name} {p.opts[0]}"
        for name, p in _options()
        if not (p.help or "").strip() or (not p.is_flag and not p.metavar)
    ]
    assert _options(), "no options found"
    assert missing == []


def test_one_flag_reads_the_same_in_every_command() -> None:
    seen: dict[str, set[str]] = {}
    for _, p in _options():
        if not p.is_flag and p.opts[0] in METAVARS:
            seen.setdefault(p.opts[0], set()).add(str(p.metavar))
    assert seen["--as-of"] == {"DATE"}
    assert seen["--holdings"] == {"FILE"}
    assert seen["--value-usd"] == {"USD"}
    assert seen["--hedge"] == {"FRACTION"}
    assert seen["--rate"] == {"RATE"}
    assert seen["--contract"] == {"ROOT"}
    assert {k for k, v in seen.items() if len(v) > 1} == set()


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        (["plan", "--help"], "--value-usd USD"),
        (["plan", "--help"], "--hedge FRACTION"),
        (["plan", "--help"], "--as-of DATE"),
        (["plan", "--help"], "--contract ROOT"),
        (["backtest", "--help"], "--holdings FILE"),
        (["stress", "--help"], "--paths N"),
        (["stress", "--help"], "--rate RATE"),
        (["sweep", "--help"], "--report FILE"),
    ],
)
def test_help_shows_what_to_type(
    capsys: pytest.CaptureFixture[str], command: list[str], shown: str
) -> None:
    assert main(command) == 0
    assert shown in " ".join(capsys.readouterr().out.split())


def test_version_is_the_installed_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"hedgekit {version('hedgekit')}"


def test_top_level_help_lists_version_and_completion(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    for flag in ("--version", "--install-completion", "--show-completion"):
        assert flag in text


def test_shell_completion_completes_commands_and_options() -> None:
    code = "from hedgekit.cli import main; raise SystemExit(main())"
    env = {**os.environ, "_HEDGEKIT_COMPLETE": "complete_bash", "COMP_CWORD": "1"}

    def complete(words: str, cword: int) -> list[str]:
        env.update(COMP_WORDS=words, COMP_CWORD=str(cword))
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
        )
        return done.stdout.split()

    # The program name is read from argv[0]; "-c" runs under the name "-c", so set it.
    code = "import sys; sys.argv[0] = 'hedgekit'; " + code
    assert "plan" in complete("hedgekit pl", 1)
    assert {"--contract", "--contracts-file"} <= set(complete("hedgekit plan --contr", 2))


def test_tour_json_is_one_document_of_contracts_calendar_and_data(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["tour", "--as-of", "2024-06-03", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["kind"] == "tour"
    data = doc["data"]
    assert data["as_of"] == "2024-06-03"
    assert "ES" in {c["root"] for c in data["contracts"]}
    assert data["calendar"]["root"] == "ES"
    assert data["calendar"]["rows"][0]["contract"].startswith("ES")
    assert data["datasets"]


MICRO_ONLY = ["plan", "--value-usd", "150000", "--beta", "1", "--as-of", "2024-06-03"]


@pytest.mark.parametrize(
    "argv",
    [MICRO_ONLY, [*MICRO_ONLY, "--contract", "MES"]],
    ids=["auto", "contract-MES"],
)
def test_a_micro_only_hedge_is_named_as_the_micro(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert main([*argv, "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)["data"]
    held = {leg["root"] for leg in plan["sizing"]["contracts"] if leg["quantity"] != 0}
    assert held == {"MES"}
    assert main(argv) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "The MES position must be rolled" in text
    assert "ES position" not in text.replace("MES position", "")
    assert "ends in MESU2024" in text


@pytest.mark.parametrize(
    "argv",
    [
        MICRO_ONLY,
        ["plan", "--value-usd", "2000000", "--beta", "1", "--as-of", "2024-06-03"],
        [*MICRO_ONLY, "--horizon-days", "200"],
        ["cost", "--value-usd", "150000", "--beta", "1", "--as-of", "2024-06-03"],
    ],
)
def test_no_signed_zero_no_minus_zero_dollars_no_plural_s(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert main(argv) == 0
    text = capsys.readouterr().out
    cells = [c.strip() for line in text.splitlines() for c in line.split("│")]
    assert "+0" not in cells
    assert re.search(r"-\$?0(\.0+)?%?(?![\d.,])", text) is None  # no -0, -0.00, -$0, -0.0%
    assert "(s)" not in text


def test_rounding_note_names_only_the_contracts_held(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(MICRO_ONLY) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "MES hedges" in text  # the net-short guard's note is shown for this portfolio
    assert "0 ES" not in text


def test_long_runs_print_no_progress_when_stderr_is_not_a_terminal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Ten years of backtest is long enough for a progress bar on a terminal; piped, the
    # JSON on stdout is all there is.
    argv = ["backtest", "--value-usd", "1000000", "--from", "2010-01-04", "--to", "2020-01-02"]
    assert main([*argv, "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["kind"]
    assert captured.err == ""
    assert main(["stress", "--paths", "20", "--horizon-days", "5", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["kind"]
    assert captured.err == ""
