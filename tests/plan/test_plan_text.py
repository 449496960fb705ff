"""The printed plan says each thing once."""

from __future__ import annotations

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
