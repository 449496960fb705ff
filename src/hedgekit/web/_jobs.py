"""Long work (backtest, stress, sweep) as jobs: a small in-process thread pool."""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from hedgekit.errors import HedgekitError, InputError
from hedgekit.web._errors import error_body

#: Finished jobs kept for GET /api/jobs/{id}; the oldest go first.
KEEP_JOBS = 200


@dataclass
class Job:
    """One job's state, read by ``GET /api/jobs/{id}``."""

    id: str
    kind: str
    status: str = "queued"  # queued | running | done | failed
    done: int = 0
    total: int = 0
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    #: Server paths of the job's uploaded files -> the field they came as (for errors).
    uploads: dict[str, str] = field(default_factory=dict)
    #: What the pages draw beyond the document (a stress's fan and histogram).
    extra: dict[str, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def progress(self, done: int, total: int) -> None:
        """The engine's progress callback."""
        with self.lock:
            self.done, self.total = int(done), int(total)


class JobRegistry:
    """Runs jobs on a few threads and keeps their results (most recent :data:`KEEP_JOBS`)."""

    def __init__(self, workers: int) -> None:
        self._workers = workers
        self._pool: ThreadPoolExecutor | None = None
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()

    def submit(self, kind: str, work: Callable[[Job], dict[str, Any]]) -> Job:
        """Queue ``work(job)``; its answer becomes the job's result."""
        job = Job(id=uuid.uuid4().hex, kind=kind)
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > KEEP_JOBS:
                self._jobs.popitem(last=False)
            if self._pool is None:  # first job, or the first since the app last stopped
                self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="hedgekit-job")
            pool = self._pool
        pool.submit(self._run, job, work)
        return job

    def _run(self, job: Job, work: Callable[[Job], dict[str, Any]]) -> None:
        job.status = "running"
        try:
            job.result = work(job)
            job.status = "done"
        except HedgekitError as exc:
            job.error = error_body(
                exc if isinstance(exc, InputError) else InputError(str(exc)), job.uploads
            )
            job.status = "failed"
        except Exception as exc:  # reported in the job, never lost in a thread
            job.error = error_body(InputError(f"the job failed: {type(exc).__name__}: {exc}"))
            job.status = "failed"

    def get(self, job_id: str) -> Job | None:
        """The job, or ``None`` when unknown (or long forgotten)."""
        with self._lock:
            return self._jobs.get(job_id)

    def shutdown(self) -> None:
        """Drop queued jobs; running ones finish. A later job starts a new pool."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
