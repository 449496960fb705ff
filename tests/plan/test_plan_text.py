"""The printed plan says each thing once."""

from __future__ import annotations

import datetime as dt

import pytest

from hedgekit.cli import main


def test_value_mode_header_lines_do_not_repeat_themselves(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # 2025-03-21: the bundled ES front month is still the expiring March contract, while the
    # contract held under the CME roll is June, so the price is the carry fair value.
    assert main(["plan", "--value-usd", "1e6", "--beta", "1", "--as-of", "2025-03-21"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "ESM2025 at" in out
    assert "(fair value)" in out
    assert "fair value; fair value" not in out
    assert "Contract: ES — no holdings to compare indices" in out
    assert "ES — ES" not in out


def test_past_plan_on_adjusted_bundled_prices_says_values_are_not_market_values() -> None:
    from pathlib import Path

    from hedgekit.data import load_holdings
    from hedgekit.plan import PlanRequest, make_plan

    holdings = load_holdings(Path(__file__).parents[2] / "examples" / "portfolio.csv")
    past = make_plan(PlanRequest(as_of=dt.date(2020, 1, 2)), holdings=holdings)
    assert any("split- and dividend-adjusted" in n for n in past.notes)
    latest = make_plan(PlanRequest(), holdings=holdings)
    assert not any("split- and dividend-adjusted" in n for n in latest.notes)


def test_cli_dates_must_be_written_yyyy_mm_dd() -> None:
    from hedgekit.cli._app import parse_date
    from hedgekit.errors import InputError

    assert parse_date("2024-09-09", "--as-of") == dt.date(2024, 9, 9)
    assert parse_date(None, "--as-of") is None
    for bad in ("20240909", "2024-W01-4", "2024-02-30"):  # fromisoformat takes the first two
        with pytest.raises(InputError, match="--as-of"):
            parse_date(bad, "--as-of")
