"""The bad-file corpus (tests/resources/bad): each file gets its own message, file and place.

``EXPECTED.toml`` holds, per file, a fragment of the message and the place the ``where:``
line names after the file (line and/or column); the command a file is given to follows
from the first word of its name.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from tests.fuzz._harness import assert_promise, fill_folder, run_cli

BAD = Path(__file__).resolve().parents[1] / "resources" / "bad"
EXPECTED: dict[str, dict[str, str]] = tomllib.loads(
    (BAD / "EXPECTED.toml").read_text(encoding="utf-8")
)
PORTFOLIO = ("--value-usd", "1000000", "--beta", "1", "--as-of", "2024-06-03")


def command_for(path: Path) -> list[str]:
    """The command line a bad file is given to, by the first word of its name."""
    f = str(path)
    return {
        "holdings": ["plan", "--holdings", f],
        "prices": ["plan", "--holdings", "holdings.csv", "--prices", f],
        "contracts": ["contracts", "--contracts-file", f],
        "sweep": ["sweep", f],
        "position": ["cost", *PORTFOLIO, "--position", f],
    }[path.name.split("_", 1)[0]]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fill_folder(tmp_path_factory.mktemp("bad-corpus"))


def test_every_bad_file_has_an_expectation() -> None:
    files = {p.name for p in BAD.iterdir() if p.name != "EXPECTED.toml"}
    assert files == set(EXPECTED)
    assert len(files) >= 20


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file(name: str, folder: Path) -> None:
    want = EXPECTED[name]
    outcome = run_cli(command_for(BAD / name), folder)
    assert_promise(outcome)
    assert outcome.status == 2, outcome.describe()
    lines = outcome.err.splitlines()
    assert want["message"] in lines[0], outcome.err
    where = next(line for line in lines if line.startswith("  where:")).split(":", 1)[1].strip()
    place = f"{BAD / name}, {want['where']}" if want["where"] else str(BAD / name)
    assert where == place, outcome.err
    if "expected" in want:
        expected = next(line for line in lines if line.startswith("  expected:"))
        assert want["expected"] in expected, outcome.err
