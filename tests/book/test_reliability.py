"""Migration from the first schema, kill -9 while writing, two writers at once."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hedgekit.book._journal import derive_state
from hedgekit.book._store import BOOK_BUSY_EXIT, HEAD_REVISION, open_book

FIXTURE = Path(__file__).parent / "fixtures" / "book_r0001.sqlite"

WRITER = """
import datetime as dt, sys
from hedgekit.book._store import NewEvent, open_book
book = open_book(sys.argv[1], busy_timeout_s=float(sys.argv[4]))
tag, n = sys.argv[2], int(sys.argv[3])
for i in range(n):
    e = NewEvent("cash", dt.date(2024, 1, 2), "test", f"{tag}:{i}", {"amount_usd": 1.0})
    book.append([e])
    print(i, flush=True)
"""


def test_a_book_of_the_first_schema_opens_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    shutil.copy(FIXTURE, path)
    with open_book(path, create=False) as book:
        assert book.revision() == HEAD_REVISION
        assert book.integrity_check() == []
        events = book.events()
        assert [e.kind for e in events] == ["cash", "fill", "mark"]
        assert all(e.note is None for e in events)
    # -2 x 50 x (4790 - 4800) = +1,000; cash 50,000 - 4.50 + 1,000
    state = derive_state(events, dt.date(2024, 1, 3))
    assert round(state.cash_usd, 2) == 50_995.50


@pytest.mark.slow
def test_kill_9_while_writing_loses_no_committed_event(tmp_path: Path) -> None:
    path = str(tmp_path / "book.sqlite")
    open_book(path).close()
    rng = random.Random(20240102)
    committed: set[str] = set()
    deadline = time.monotonic() + 15.0
    kills = 0
    while kills < 30 and time.monotonic() < deadline:
        tag = f"run{kills}"
        proc = subprocess.Popen([sys.executable, "-c", WRITER, path, tag, "100000", "10"],
                                stdout=subprocess.PIPE, text=True)  # fmt: skip
        assert proc.stdout is not None
        proc.stdout.readline()  # the first commit is done: the writer is in its loop
        time.sleep(rng.uniform(0.0, 0.15))
        os.kill(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        committed.add(f"{tag}:0")
        committed |= {f"{tag}:{line.split()[0]}" for line in out.splitlines() if line.strip()}
        kills += 1
    assert kills >= 10
    with open_book(path) as book:
        assert book.integrity_check() == []
        keys = {e.key for e in book.events()}
    assert committed <= keys


def test_two_writers_at_once_both_succeed_or_one_is_told_busy(tmp_path: Path) -> None:
    path = str(tmp_path / "book.sqlite")
    open_book(path).close()
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, path, tag, "40", "10"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for tag in ("cron", "user")]  # fmt: skip
    results = [p.communicate(timeout=60) for p in procs]
    codes = [p.returncode for p in procs]
    assert all(c == 0 for c in codes), results
    with open_book(path) as book:
        keys = [e.key for e in book.events()]
        assert book.integrity_check() == []
    assert len(keys) == len(set(keys)) == 80


def test_a_writer_past_the_wait_is_told_busy(tmp_path: Path) -> None:
    import sqlite3

    path = str(tmp_path / "book.sqlite")
    open_book(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process's write in progress
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "hedgekit.cli", "book", "deposit", "5", "--book", path],
            capture_output=True, text=True, timeout=60,
            env={**os.environ, "HEDGEKIT_BOOK_BUSY_TIMEOUT_S": "0.5"},
        )  # fmt: skip
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert proc.returncode == BOOK_BUSY_EXIT, proc.stderr
    assert "book is busy, retry" in proc.stderr
    with open_book(path) as book:
        assert book.count() == 0
