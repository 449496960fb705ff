"""The foundation commands: contracts, calendar, data, tour; JSON schemas and error exits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hedgekit.cli import main


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    assert main([*argv, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema_version"] == 1
    return doc["data"]


def test_contracts_json_lists_the_eight_builtins(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "contracts")
    assert isinstance(data, list)
    roots = [d["root"] for d in data]
    assert set(roots) >= {"ES", "MES", "NQ", "MNQ", "RTY", "M2K", "YM", "MYM"}
    es = next(d for d in data if d["root"] == "ES")
    # CME contract specification: $50 x index, tick 0.25 = $12.50
    assert es["multiplier_usd"] == 50.0
    assert es["tick_value_usd"] == 12.5
    assert es["margins"]
    assert es["margins"][0]["effective"] == "2024-01-01"


def test_contracts_file_adds_user_contract(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    toml = tmp_path / "c.toml"
    toml.write_text(
        '[[contract]]\nroot = "SP"\nname = "S&P 500 (big)"\nindex = "SPX"\n'
        "multiplier_usd = 250.0\ntick_size_points = 0.1\n",
        encoding="utf-8",
    )
    data = run_json(capsys, "contracts", "--contracts-file", str(toml))
    sp = next(d for d in data if d["root"] == "SP")  # type: ignore[union-attr]
    assert sp["tick_value_usd"] == pytest.approx(25.0)


def test_bad_contracts_file_exits_2_without_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    toml = tmp_path / "bad.toml"
    toml.write_text(
        '[[contract]]\nroot = "SP"\nname = "x"\nindex = "SPX"\n'
        "multiplier_usd = -5.0\ntick_size_points = 0.1\n",
        encoding="utf-8",
    )
    assert main(["contracts", "--contracts-file", str(toml)]) == 2
    err = capsys.readouterr().err
    assert "error:" in err
    assert "multiplier_usd" in err
    assert "Traceback" not in err


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["contracts", "--no-such-option"]) == 2
    assert "No such option" in capsys.readouterr().err
