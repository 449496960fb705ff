"""Every input is checked before work starts: exit 2 with a where/got/expected block.

No traceback for dates or windows past the calendar, sweep files that are folders or not
UTF-8, grid ranges that are infinite or too long; a memory and time estimate before a long
stress or sweep; strict UTF-8 for every text file; short messages for long lists; and no
Python warning on stderr.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hedgekit.cli import main

SWEEP_TOML = """\
[period]
start = "2019-01-02"
years = 1

[portfolio]
value_usd = 1_000_000

[policy]
type = "StaticHedge"
h = [0.0, 1.0]
"""


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _refused(capsys: pytest.CaptureFixture[str], argv: list[str], *words: str) -> str:
    code, _, err = _run(capsys, argv)
    assert code == 2, err
    assert err.startswith("error:"), err
    assert "Traceback" not in err
    for word in words:
        assert word in err, err
    return err


def _bad_byte(raw: bytes) -> int:
    """The offset of the first byte that is not UTF-8 (Python's own decoder says)."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    raise AssertionError("the bytes are UTF-8")


@pytest.fixture
def sweep_file(tmp_path: Path) -> Path:
    path = tmp_path / "sweep.toml"
    path.write_text(SWEEP_TOML, encoding="utf-8")
    return path


# ---------------------------------------------------------------- tracebacks named in the issue


def test_plan_window_beyond_any_history_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    _refused(
        capsys,
        ["plan", "--holdings", "examples/portfolio.csv", "--window", "1000000"],
        "--window",
        "1000000",
    )


@pytest.mark.parametrize("day", ["9999-12-25", "9999-06-25", "2400-01-03"])
def test_tour_as_of_past_the_calendar_is_refused(
    capsys: pytest.CaptureFixture[str], day: str
) -> None:
    err = _refused(capsys, ["tour", "--as-of", day], "--as-of", day)
    assert "2100-12-31" in err  # the supported range is stated (hedgekit._domains)


def test_calendar_from_past_the_calendar_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    _refused(capsys, ["calendar", "ES", "--from", "9999-12-01"], "--from")


def test_sweep_given_a_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _refused(capsys, ["sweep", str(tmp_path)], str(tmp_path), "folder")


@pytest.mark.parametrize(
    ("raw", "offset"),
    [(b'[period]\nstart = "2019-01-02"\n# caf\xe9\n', 35), (b"\x00\x9f\xff\x01binary", 1)],
    ids=["latin-1", "binary"],
)
def test_sweep_toml_not_utf8_names_the_file_and_byte(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, raw: bytes, offset: int
) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(raw)
    assert _bad_byte(raw) == offset
    _refused(capsys, ["sweep", str(path)], str(path), "UTF-8", f"byte {offset}")


@pytest.mark.parametrize(
    "raw", [b'[[contract]]\nname = "S\xe9P"\n', b"\x00\x9f\xff\x01binary"], ids=["latin-1", "bin"]
)
def test_contracts_file_not_utf8_names_the_file_and_byte(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, raw: bytes
) -> None:
    path = tmp_path / "c.toml"
    path.write_bytes(raw)
    _refused(
        capsys, ["contracts", "--contracts-file", str(path)], str(path), f"byte {_bad_byte(raw)}"
    )


def test_grid_range_to_infinity_is_refused(
    capsys: pytest.CaptureFixture[str], sweep_file: Path
) -> None:
    _refused(capsys, ["sweep", str(sweep_file), "--grid", "policy.h=0:inf:1"], "--grid", "inf")


def test_grid_period_years_beyond_the_calendar_is_refused(
    capsys: pytest.CaptureFixture[str], sweep_file: Path
) -> None:
    _refused(capsys, ["sweep", str(sweep_file), "--grid", "period.years=9000"], "period.years")


def test_grid_whole_number_range_gives_whole_numbers(
    capsys: pytest.CaptureFixture[str], sweep_file: Path
) -> None:
    """The documented ``period.years=1:3:1`` form: three runs of 1, 2 and 3 years."""
    code, out, err = _run(
        capsys, ["sweep", str(sweep_file), "--grid", "period.years=1:2:1", "--json"]
    )
    assert code == 0, err
    import json

    doc = json.loads(out)
    axes = {a["key"]: a["values"] for a in doc["data"]["grid"]["axes"]}
    assert axes["period.years"] == [1, 2]
    assert doc["data"]["n_runs"] == 4


def test_grid_range_is_counted_before_it_is_built(
    capsys: pytest.CaptureFixture[str], sweep_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``0:1:1e-9`` is a billion values: refused by its count, never materialised."""
    import builtins

    real_range = builtins.range

    def small_range(*args: int) -> range:
        r = real_range(*args)
        assert len(r) <= 10_000_000, "a grid range was built before it was counted"
        return r

    monkeypatch.setattr(builtins, "range", small_range)
    err = _refused(capsys, ["sweep", str(sweep_file), "--grid", "policy.h=0:1:1e-9"], "--grid")
    assert re.search(r"has 1,000,000,00\d values", err), err  # the count, about a billion
    assert "10,000,000" in err  # the limit


# ---------------------------------------------------------------- pre-flight: memory and time

LONG_GRID = [
    "sweep", "--grid", "period.start=1990-01-02", "--grid", "period.years=30",
    "--grid", "portfolio.value_usd=1e6",
]  # fmt: skip


def test_stress_that_cannot_fit_in_memory_is_refused_before_it_starts(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--paths 1000000000000`` used to run a minute, take 10.8 GB and die with MemoryError."""
    from hedgekit.cli import _cmd_scale
    from hedgekit.cli._preflight import MEMORY_SHARE, machine_memory_bytes

    def never(**_: object) -> None:
        raise AssertionError("the stress started")

    monkeypatch.setattr(_cmd_scale, "stress_data", never)
    err = _refused(capsys, ["stress", "--paths", "1000000000000"], "--paths", "of memory")
    total = machine_memory_bytes()
    assert total is not None
    assert f"{total / 2**30:,.1f} GiB" in err  # the machine's memory
    assert f"{MEMORY_SHARE * total / 2**30:,.1f} GiB" in err  # the limit


def test_stress_estimated_long_asks_for_yes(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from hedgekit.cli import _cmd_scale
    from hedgekit.cli._preflight import CONFIRM_ABOVE_S, STRESS_PATH_DAYS_PER_S

    started: list[bool] = []

    def fake(**_: object) -> None:
        started.append(True)
        raise SystemExit(0)

    monkeypatch.setattr(_cmd_scale, "stress_data", fake)
    # GARCH paths: slow enough to pass 10 minutes with few enough paths to fit in memory.
    paths = int(2 * CONFIRM_ABOVE_S * STRESS_PATH_DAYS_PER_S["garch"] / 252)
    argv = ["stress", "--model", "garch", "--paths", str(paths)]
    _refused(capsys, argv, "--yes", "minutes", "--paths")
    assert not started
    with pytest.raises(SystemExit):
        main([*argv, "--yes"])
    assert started, "--yes did not let the stress start"


def test_sweep_estimated_long_asks_for_yes_before_building_runs(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """500,001 runs over 30 years: refused from the counts, before any run is validated."""
    from hedgekit.sweep import _spec

    def never(spec: object) -> None:
        raise AssertionError("the grid's runs were built before the estimate")

    monkeypatch.setattr(_spec, "_preflight", never)
    err = _refused(capsys, [*LONG_GRID, "--grid", "policy.h=0:1:0.000002"], "--yes", "500,001")
    assert "minutes" in err or "hours" in err


def test_sweep_batches_that_cannot_fit_in_memory_are_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from hedgekit.cli import _preflight

    monkeypatch.setattr(_preflight, "machine_memory_bytes", lambda: 24 * 2**30)
    argv = [*LONG_GRID, "--grid", "policy.h=0:1:0.00001", "--batch-runs", "100000000"]
    _refused(capsys, [*argv, "--workers", "2", "--yes"], "of memory", "100,001 runs", "24.0 GiB")


def test_estimates_grow_with_each_count() -> None:
    """The estimates are linear in paths, sessions and runs (no hidden constant caps)."""
    from hedgekit.cli._preflight import stress_estimate, sweep_estimate

    m1, t1 = stress_estimate(1_000_000, 252, 2, "bootstrap")
    m2, t2 = stress_estimate(2_000_000, 252, 2, "bootstrap")
    assert t2 == pytest.approx(2 * t1)
    assert m2 > m1
    s1 = sweep_estimate(1000, 8000, 2, 256, keep_rows=True)
    s2 = sweep_estimate(1000, 16000, 2, 256, keep_rows=True)
    assert s2[1] == pytest.approx(2 * s1[1])
    assert s2[0] > s1[0]


# ---------------------------------------------------------------- bounded errors, linear checks


def _unknown_holdings(path: Path, rows: int) -> Path:
    path.write_text(
        "ticker,shares\n" + "".join(f"ZZ{i:06d},10\n" for i in range(rows)), encoding="utf-8"
    )
    return path


def test_many_unknown_tickers_give_a_short_message_with_a_count(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """100,000 unknown tickers used to take 153 s and print a 2 MB message."""
    path = _unknown_holdings(tmp_path / "h.csv", 100_000)
    err = _refused(capsys, ["plan", "--holdings", str(path)], str(path), "ZZ000000")
    assert len(err) < 2_000, len(err)
    assert "99,995 more" in err
    assert "ZZ099999" not in err


def test_duplicate_ticker_check_is_linear(monkeypatch: pytest.MonkeyPatch) -> None:
    """The duplicate check counts each ticker once: work grows with rows, not rows squared."""
    from hedgekit.data import _prices

    seen: list[int] = []
    real = _prices.Counter

    def counting(items: list[str]) -> object:
        seen.append(len(items))
        return real(items)

    monkeypatch.setattr(_prices, "Counter", counting)
    tickers = [f"T{i}" for i in range(100_000)] + ["T7", "T9"]
    with pytest.raises(Exception, match="2 duplicate tickers: T7, T9"):
        _prices._check_ticker_list(tickers, "holdings")
    assert seen == [len(tickers)]  # one pass over the rows


def test_cli_lists_are_cut_to_a_few_items() -> None:
    from hedgekit.cli._flags import for_cli
    from hedgekit.errors import InputError

    exc = InputError("bad", source="--strikes", value=list(range(100_000)))
    _, _, got, _ = for_cli(exc)
    assert got == "0, 1, 2, 3, 4 and 99,995 more"


# ---------------------------------------------------------------- no Python warnings


@pytest.mark.parametrize(
    "argv",
    [
        ["stress", "--value-usd", "1e308", "--paths", "100", "--horizon-days", "5"],
        ["puts", "--value-usd", "1e6", "--beta", "1", "--vol", "1e300"],
        ["backtest", "--value-usd", "1e300"],
        ["plan", "--value-usd", "1e308", "--beta", "1"],
        ["stress", "--index-level", "1e-300", "--paths", "100", "--horizon-days", "5"],
    ],
    ids=lambda a: " ".join(a[:3]),
)
def test_no_python_warning_reaches_stderr(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    import sys
    import warnings

    def to_stderr(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: object = None,
        line: str | None = None,
    ) -> None:
        sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))

    with warnings.catch_warnings():
        warnings.simplefilter("default")  # what a user's interpreter shows, on stderr
        warnings.showwarning = to_stderr
        code = main(argv)
    err = capsys.readouterr().err
    assert code in (0, 2), err
    assert "Warning" not in err, err
    assert "Traceback" not in err
