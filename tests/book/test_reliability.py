"""Migration from the first schema, kill -9 while writing, two writers at once."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
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


#: Kills the writer at random points: one process imports the book once, then forks a writer
#: per kill (a fork starts in milliseconds, where a new interpreter takes half a second) and
#: kills it with SIGKILL. Most kills land in a tight loop of 3-event appends, after the writer
#: reported the book open; one in five lands while it opens the book (schema check, meta).
#: The writer reports each batch on a pipe once its commit returned.
KILLER = """
import datetime as dt, json, os, random, signal, sys, time, traceback
import alembic.runtime.migration  # imported before the forks, as the book's modules are
from hedgekit.book._store import NewEvent, open_book

target, kills, seed, batch = (sys.argv[1], *map(int, sys.argv[2:5]))
rng = random.Random(seed)
parent = os.getpid()
open_book(target).close()
reported = {}
start = time.monotonic()
while_opening = 0
failed = []
for k in range(kills):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the writer
        os.close(r)
        try:
            book = open_book(target, busy_timeout_s=10.0)
            os.write(w, b"open\\n")
            for i in range(1_000_000):
                if os.getppid() != parent:  # orphaned: stop
                    break
                book.append([NewEvent("cash", dt.date(2024, 1, 2), "test", f"k{k}:{i}:{j}",
                                      {"amount_usd": 1.0}) for j in range(batch)])
                os.write(w, f"{i}\\n".encode())
        except BaseException:
            traceback.print_exc()
            os._exit(3)
        os._exit(0)
    os.close(w)
    with os.fdopen(r) as pipe:
        if rng.random() < 0.2:
            while_opening += 1
            time.sleep(rng.uniform(0.0, 0.02))
        else:
            pipe.readline()
            time.sleep(rng.uniform(0.0, 0.03))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        if not (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL):
            failed.append(k)  # the writer stopped on an error before the kill
        reported[k] = [int(x) for x in pipe.read().split() if x != "open"]
print(json.dumps({"seconds": time.monotonic() - start, "while_opening": while_opening,
                  "reported": reported, "failed": failed}))
"""
BATCH = 3


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="the writers are forked (POSIX only)")
def test_kill_9_while_writing_loses_no_committed_event(book_url: str) -> None:
    """Hundreds of SIGKILLs at random points: the book opens, is sound, and every batch the
    writer saw committed is there, whole; a batch it did not report is there whole or not at
    all (at most the one whose commit returned just before the kill)."""
    kills = 300 if "://" not in book_url else 200
    argv = [sys.executable, "-c", KILLER, book_url, str(kills), "20240102", str(BATCH)]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr
    run = json.loads(proc.stdout)
    reported: dict[str, list[int]] = run["reported"]
    assert len(reported) == kills
    assert run["failed"] == [], proc.stderr
    assert run["while_opening"] > 0
    with open_book(book_url) as book:
        assert book.integrity_check() == []
        keys = [e.key for e in book.events()]
    assert len(keys) == len(set(keys))
    batches: dict[tuple[int, int], int] = {}
    for key in keys:
        k, i, _ = key.removeprefix("k").split(":")
        batches[int(k), int(i)] = batches.get((int(k), int(i)), 0) + 1
    assert set(batches.values()) <= {BATCH}  # every write all or nothing
    n_reported = 0
    for k_text, done in reported.items():
        k = int(k_text)
        n_reported += len(done)
        assert all((k, i) in batches for i in done), f"writer {k} lost a committed batch"
        booked = sorted(i for kk, i in batches if kk == k)
        assert booked == list(range(len(booked)))  # in order, no gap
        assert len(done) <= len(booked) <= len(done) + 1
    assert n_reported > kills  # the kills landed among commits, not only before the first


@pytest.mark.parametrize("shared", [False, True], ids=["own-keys", "same-keys"])
def test_two_writers_at_once_both_succeed_or_one_is_told_busy(book_url: str, shared: bool) -> None:
    """A cron ``mark`` and a user ``fill`` at once: both commit everything (a writer waits
    for the other), nothing is lost; with the same events written by both (the same
    statement imported twice at once), each is booked once."""
    open_book(book_url).close()
    script = WRITER if not shared else WRITER.replace('f"{tag}:{i}"', 'f"same:{i}"')
    procs = [subprocess.Popen([sys.executable, "-c", script, book_url, tag, "40", "10"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for tag in ("cron", "user")]  # fmt: skip
    results = [p.communicate(timeout=60) for p in procs]
    codes = [p.returncode for p in procs]
    assert all(c == 0 for c in codes), results
    with open_book(book_url) as book:
        keys = [e.key for e in book.events()]
        assert book.integrity_check() == []
    assert len(keys) == len(set(keys)) == (40 if shared else 80)


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
