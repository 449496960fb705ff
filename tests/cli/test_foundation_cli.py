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
    assert "[[contract]] #1" in err  # brackets in messages are text, not console markup
    assert "Traceback" not in err


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["contracts", "--no-such-option"]) == 2
    assert "No such option" in capsys.readouterr().err


def test_calendar_json_2008(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "calendar", "ES", "--from", "2008-01-01", "--to", "2008-12-31")
    assert isinstance(data, list)
    rows = {d["contract"]: d for d in data}
    # Good Friday 2008 fell on the third Friday of March: NYSE closed, so ESH2008 last
    # traded Thursday 2008-03-20 (CME Rulebook ch. 358: the preceding business day); the
    # CME roll is 8 calendar days before the nominal third Friday (2008-03-21).
    assert rows["ESH2008"]["last_trading_day"] == "2008-03-20"
    assert rows["ESH2008"]["roll_date"] == "2008-03-13"
    assert rows["ESZ2008"]["last_trading_day"] == "2008-12-19"
    assert rows["ESZ2008"]["roll_date"] == "2008-12-11"
    # consecutive quarterly contracts, each held from the session after the previous roll
    assert [d["contract"] for d in data] == ["ESH2008", "ESM2008", "ESU2008", "ESZ2008", "ESH2009"]
    for d in data:
        assert set(d) >= {"contract", "last_trading_day", "roll_date"}


def test_calendar_sessions_roll_rule(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(
        capsys,
        "calendar",
        "ES",
        "--from",
        "2008-04-01",
        "--to",
        "2008-06-30",
        "--roll",
        "sessions:5",
    )
    # 5 NYSE sessions before Friday 2008-06-20: 19, 18, 17, 16, 13 June
    assert data[0]["roll_date"] == "2008-06-13"  # type: ignore[index]


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["calendar", "ZZ"], "ZZ"),
        (["calendar", "ES", "--from", "2008-13-01"], "2008-13-01"),
        (["calendar", "ES", "--from", "1960-01-01", "--to", "1961-01-01"], "1970-01-01"),
        (["calendar", "ES", "--roll", "weekly"], "--roll"),
    ],
)
def test_calendar_errors(capsys: pytest.CaptureFixture[str], argv: list[str], needle: str) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert needle in err
    assert "Traceback" not in err


def test_data_json_lists_bundled_datasets_with_true_ranges(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from hedgekit import datasets

    doc = run_json(capsys, "data")
    data = doc["datasets"]
    assert isinstance(data, list)
    # the latest usable date is the default date of a plan on that index
    usable = {row["index"]: row for row in doc["latest_usable"]}
    assert set(usable) == {"SPX", "NDX", "RUT"}
    tbill_end = datasets.load_tbill_3m()["discount_pct"].dropna().index[-1].date().isoformat()
    assert usable["SPX"]["latest_usable_date"] <= tbill_end
    assert main(["plan", "--value-usd", "1000000", "--beta", "1", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)["data"]
    assert plan["as_of"] == usable["SPX"]["latest_usable_date"]
    by_name = {d["name"]: d for d in data}
    spx = datasets.load_sp500()
    assert by_name["sp500"]["first_date"][:10] == spx.index[0].date().isoformat()
    assert by_name["sp500"]["last_date"][:10] == spx.index[-1].date().isoformat()
    assert by_name["sp500"]["rows"] == len(spx)
    for d in data:
        assert set(d) >= {
            "name",
            "description",
            "first_date",
            "last_date",
            "rows",
            "source",
            "terms",
        }


def test_tour_prints_the_three_sections(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tour", "--as-of", "2026-01-05"]) == 0
    out = capsys.readouterr().out
    assert "Futures contracts" in out
    assert "ESH2026" in out
    assert "Bundled market history" in out


def test_formatters_never_print_a_negative_zero() -> None:
    from hedgekit.cli._output import num, pct, usd

    assert usd(-0.2) == "$0"
    assert usd(-5.0) == "-$5"
    assert num(-0.001) == "0.00"
    assert num(-1.5) == "-1.50"
    assert pct(-0.00001) == "0.0%"
    assert pct(-0.02) == "-2.0%"
