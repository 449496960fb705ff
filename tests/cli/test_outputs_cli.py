"""Every file a command writes: checked before the work, written whole, never replaced unasked.

Each writer (``backtest --out/--report/--png-dir``, ``replay --report/--png-dir``, ``sweep
--out/--report``, ``stress --report``, ``plan --save-position``) refuses an existing file without
``--force``, a folder given as a file, a missing parent and an unwritable folder, with exit 2
naming the flag and before any computation (the computation is replaced by one that fails the
test). An interrupted command says so on stderr and exits 130.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from hedgekit.cli import main
from hedgekit.errors import HedgekitError

EXAMPLE = Path(__file__).parents[2] / "examples" / "sweep.toml"
BACKTEST = ["backtest", "--from", "2020-01-02", "--to", "2020-03-31", "--value-usd", "1000000"]
SWEEP = [
    "sweep", str(EXAMPLE), "--grid", "period.start=2018-01-02", "--grid", "period.years=1",
    "--grid", "portfolio.beta=1", "--grid", "policy.h=0,0.5,1", "--grid",
    "rebalance.contracts_fraction=0,0.1", "--workers", "1",
]  # fmt: skip
STRESS = ["stress", "--paths", "500", "--horizon-days", "20", "--seed", "3", "--workers", "1"]
PLAN = ["plan", "--value-usd", "1000000", "--beta", "1", "--as-of", "2024-06-28"]

#: (command line before the flag, flag, file name, what computes: module, attribute)
WRITERS = [
    (BACKTEST, "--out", "daily.csv", ("hedgekit.backtest", "run_backtest")),
    (BACKTEST, "--out", "daily.parquet", ("hedgekit.backtest", "run_backtest")),
    (BACKTEST, "--report", "bt.html", ("hedgekit.backtest", "run_backtest")),
    (["replay", "q4-2018"], "--report", "rp.html", ("hedgekit.replays", "replay")),
    (SWEEP, "--out", "runs.parquet", ("hedgekit.sweep", "run_sweep")),
    (SWEEP, "--out", "runs.csv", ("hedgekit.sweep", "run_sweep")),
    (SWEEP, "--report", "sweep.html", ("hedgekit.sweep", "run_sweep")),
    (STRESS, "--report", "stress.html", ("hedgekit.cli._cmd_scale", "stress_data")),
    (PLAN, "--save-position", "pos.json", ("hedgekit.plan", "make_plan")),
]
IDS = [f"{w[0][0]} {w[1]} {w[2]}" for w in WRITERS]


def _no_work(monkeypatch: pytest.MonkeyPatch, target: tuple[str, str]) -> None:
    """Replace the command's computation with one that fails the test if it runs."""

    def computed(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the computation ran before the output was checked")

    monkeypatch.setattr(f"{target[0]}.{target[1]}", computed)


def _refused(capsys: pytest.CaptureFixture[str], argv: list[str], flag: str) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert flag in err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize(("base", "flag", "name", "work"), WRITERS, ids=IDS)
def test_an_existing_file_is_kept_without_force(
    base: list[str], flag: str, name: str, work: tuple[str, str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    target = tmp_path / name
    target.write_text("ticker,shares\nAAPL,10\n")  # a holdings file, say
    _no_work(monkeypatch, work)
    err = _refused(capsys, [*base, flag, str(target)], flag)
    assert "exists" in err
    assert "--force" in err
    assert target.read_text() == "ticker,shares\nAAPL,10\n"


@pytest.mark.parametrize(("base", "flag", "name", "work"), WRITERS, ids=IDS)
def test_a_folder_or_a_missing_parent_is_refused_before_the_work(
    base: list[str], flag: str, name: str, work: tuple[str, str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    _no_work(monkeypatch, work)
    folder = tmp_path / name  # a folder with the file's name
    folder.mkdir()
    assert "folder" in _refused(capsys, [*base, flag, str(folder), "--force"], flag)
    missing = tmp_path / "no-such-folder" / name
    assert "does not exist" in _refused(capsys, [*base, flag, str(missing)], flag)
    assert not missing.parent.exists()


@pytest.mark.parametrize(("base", "flag", "name", "work"), WRITERS, ids=IDS)
def test_an_unwritable_folder_is_refused_before_the_work(
    base: list[str], flag: str, name: str, work: tuple[str, str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    _no_work(monkeypatch, work)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        if os.access(locked, os.W_OK):  # root writes anywhere: the checker asks os.access
            real = os.access

            def access(path: Any, mode: int, **kw: Any) -> bool:
                if Path(path) == locked and mode & os.W_OK:
                    return False
                return real(path, mode, **kw)

            monkeypatch.setattr(os, "access", access)
        err = _refused(capsys, [*base, flag, str(locked / name)], flag)
        assert "not writable" in err
    finally:
        locked.chmod(0o755)
    assert list(locked.iterdir()) == []


def test_force_replaces_the_file_and_backtest_outputs_are_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    daily, report, pngs = tmp_path / "daily.parquet", tmp_path / "bt.html", tmp_path / "png"
    for p in (daily, report):
        p.write_text("old")
    pngs.mkdir()
    (pngs / "value.png").write_text("old")
    argv = [*BACKTEST, "--out", str(daily), "--report", str(report), "--png-dir", str(pngs)]
    # one existing file is enough to refuse the whole command, and nothing is written
    fresh = tmp_path / "fresh.csv"
    _refused(capsys, [*BACKTEST, "--out", str(fresh), "--report", str(report)], "--report")
    assert not fresh.exists()
    assert report.read_text() == "old"
    err = _refused(capsys, [*BACKTEST, "--png-dir", str(pngs)], "--png-dir")
    assert "value.png" in err
    assert (pngs / "value.png").read_text() == "old"
    assert main([*argv, "--force"]) == 0
    capsys.readouterr()
    assert len(pd.read_parquet(daily)) > 40
    assert report.read_text().startswith("<!DOCTYPE html>")
    assert (pngs / "value.png").read_bytes().startswith(b"\x89PNG")
    # no temporary files left beside the outputs
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bt.html", "daily.parquet", "png"]


def test_png_dir_given_a_file_or_a_missing_parent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_work(monkeypatch, ("hedgekit.replays", "replay"))
    afile = tmp_path / "charts"
    afile.write_text("not a folder")
    err = _refused(capsys, ["replay", "q4-2018", "--png-dir", str(afile)], "--png-dir")
    assert "not a folder" in err
    deep = tmp_path / "a" / "b"
    _refused(capsys, ["replay", "q4-2018", "--png-dir", str(deep)], "--png-dir")
    assert not (tmp_path / "a").exists()


def test_a_new_png_dir_is_made_when_its_parent_exists(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pngs = tmp_path / "charts"
    assert main(["replay", "q4-2018", "--png-dir", str(pngs)]) == 0
    capsys.readouterr()
    assert (pngs / "value.png").read_bytes().startswith(b"\x89PNG")


def test_force_replaces_sweep_stress_and_plan_outputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runs, sweep_html, stress_html, pos = (
        tmp_path / "runs.csv", tmp_path / "s.html", tmp_path / "st.html", tmp_path / "p.json"
    )  # fmt: skip
    for p in (runs, sweep_html, stress_html, pos):
        p.write_text("old")
    assert main([*SWEEP, "--out", str(runs), "--report", str(sweep_html), "--force"]) == 0
    assert main([*STRESS, "--report", str(stress_html), "--force"]) == 0
    assert main([*PLAN, "--save-position", str(pos), "--force"]) == 0
    capsys.readouterr()
    assert len(pd.read_csv(runs)) == 6
    assert "data:image/png;base64," in sweep_html.read_text()
    assert "data:image/png;base64," in stress_html.read_text()
    assert json.loads(pos.read_text())["kind"]
    assert not [p for p in tmp_path.iterdir() if "partial" in p.name or p.name.startswith(".")]


def test_a_failure_while_writing_leaves_no_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def half_written(self: pd.DataFrame, path: Any, *args: Any, **kwargs: Any) -> None:
        Path(path).write_bytes(b"PAR1 half a file")
        raise HedgekitError("the disk is full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", half_written)
    daily = tmp_path / "daily.parquet"
    assert main([*BACKTEST, "--out", str(daily)]) == 2
    assert "the disk is full" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@contextmanager
def _interrupt_after_first_batch(total: int, label: str, unit: str) -> Iterator[Any]:
    def progress(done: int, n: int) -> None:
        raise KeyboardInterrupt

    yield progress


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_an_interrupted_sweep_leaves_a_marked_partial_table(
    suffix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr("hedgekit.cli._cmd_scale._progress", _interrupt_after_first_batch)
    out = tmp_path / f"runs{suffix}"
    argv = [*SWEEP, "--out", str(out), "--batch-runs", "2", "--report", str(tmp_path / "r.html")]
    assert main(argv) == 130
    captured = capsys.readouterr()
    partial = tmp_path / f"runs{suffix}.partial"
    manifest = tmp_path / f"runs{suffix}.partial.manifest.json"
    assert captured.err.strip().splitlines() == [
        f"interrupted: partial results in {partial}, see {manifest}"
    ]
    assert not out.exists()
    assert not (tmp_path / "r.html").exists()
    doc = json.loads(manifest.read_text())
    assert doc["runs_done"] == 2
    assert doc["n_runs"] == 6
    assert doc["complete"] is False
    assert doc["final_path"] == str(out)
    rows = pd.read_parquet(partial) if suffix == ".parquet" else pd.read_csv(partial)
    assert rows["run"].tolist() == [0, 1]
    # a second run refuses to replace the partial table unasked, and replaces it with --force
    monkeypatch.undo()
    assert main([*SWEEP, "--out", str(out)]) == 2
    assert ".partial" in capsys.readouterr().err
    assert main([*SWEEP, "--out", str(out), "--force"]) == 0
    capsys.readouterr()
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"runs{suffix}"]


def test_a_sweep_failing_after_its_first_batch_leaves_no_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    @contextmanager
    def failing(total: int, label: str, unit: str) -> Iterator[Callable[[int, int], None]]:
        def progress(done: int, n: int) -> None:
            raise HedgekitError("a run failed")

        yield progress

    monkeypatch.setattr("hedgekit.cli._cmd_scale._progress", failing)
    out = tmp_path / "runs.parquet"
    assert main([*SWEEP, "--out", str(out), "--batch-runs", "2"]) == 2
    capsys.readouterr()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("argv", "work"),
    [
        (BACKTEST, ("hedgekit.backtest", "run_backtest")),
        (STRESS, ("hedgekit.cli._cmd_scale", "stress_data")),
        (["replay", "q4-2018"], ("hedgekit.replays", "replay")),
        (PLAN, ("hedgekit.plan", "make_plan")),
    ],
    ids=["backtest", "stress", "replay", "plan"],
)
def test_an_interrupted_command_says_nothing_was_written(
    argv: list[str], work: tuple[str, str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(f"{work[0]}.{work[1]}", interrupted)
    flag, name = ("--save-position", "p.json") if argv is PLAN else ("--report", "r.html")
    assert main([*argv, flag, str(tmp_path / name)]) == 130
    assert capsys.readouterr().err.strip().splitlines() == ["interrupted: nothing written"]
    assert list(tmp_path.iterdir()) == []


def test_the_checker_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from hedgekit.cli._app import check_output_path
    from hedgekit.errors import InputError

    assert check_output_path(None, "--out", (".csv",)) is None
    p = check_output_path(str(tmp_path / "a.CSV"), "--out", (".csv",))
    assert p == tmp_path / "a.CSV"
    with pytest.raises(InputError) as err:
        check_output_path(str(tmp_path / "a.txt"), "--out", (".csv",))
    assert err.value.source == "--out"
    monkeypatch.setattr(os, "access", lambda *a, **k: False)
    with pytest.raises(InputError, match="not writable"):
        check_output_path(str(tmp_path / "a.csv"), "--out", (".csv",))


def test_ctrl_c_while_drawing_the_sweep_report_says_the_table_is_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("hedgekit.cli._cmd_scale._sweep_report", interrupted)
    out, report = tmp_path / "runs.parquet", tmp_path / "r.html"
    assert main([*SWEEP, "--out", str(out), "--report", str(report)]) == 130
    assert capsys.readouterr().err.strip().splitlines() == [
        f"interrupted: the table {out} is complete; the report was not written"
    ]
    assert len(pd.read_parquet(out)) == 6
    assert not report.exists()


def test_a_report_without_two_axes_is_refused_before_the_sweep(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_work(monkeypatch, ("hedgekit.sweep", "run_sweep"))
    argv = ["sweep", "--grid", "period.start=2018-01-02", "--grid", "period.years=1",
            "--grid", "portfolio.value_usd=1e6", "--grid", "policy.h=0,1",
            "--report", str(tmp_path / "r.html")]  # fmt: skip
    assert "two axes" in _refused(capsys, argv, "--report")
