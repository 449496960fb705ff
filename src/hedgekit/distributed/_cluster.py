"""Connecting to Dask, and running a list of chunk tasks on it.

``scheduler="local"`` starts a :class:`distributed.LocalCluster` of ``workers`` processes of
one thread each (the engines are compiled numpy/numba loops: processes, not threads, give
each core its own interpreter); any other value is the address of a scheduler the user
already runs (``tcp://host:8786``: Kubernetes, Yarn, SSH, Coiled...). The workers write the
result files themselves, so with a remote cluster the output folder must be on a file system
every worker and this machine see at the same path.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from hedgekit.errors import InputError

__all__ = ["check_scheduler", "client_for", "dashboard_link", "open_client", "run_tasks"]

_ADDRESS = re.compile(r"^(tcp|tls|ucx|ws|wss)://[A-Za-z0-9_.\-\[\]:]+:\d{1,5}$")


def check_scheduler(scheduler: str) -> str:
    """``"local"`` or a scheduler address ``tcp://host:port``; anything else is refused."""
    text = scheduler.strip()
    if text.lower() == "local":
        return "local"
    if _ADDRESS.match(text):
        return text
    raise InputError(
        "not a Dask scheduler", source="--scheduler", value=scheduler,
        expected="local, or a scheduler address such as tcp://10.0.0.5:8786",
    )  # fmt: skip


def default_local_workers() -> int:
    """Worker processes of a local cluster when not given: the cores, at most 8."""
    return max(1, min(os.cpu_count() or 1, 8))


@contextlib.contextmanager
def open_client(
    scheduler: str, workers: int | None = None, *, timeout_s: float = 30.0
) -> Iterator[Any]:
    """A :class:`distributed.Client` on a local cluster or on the scheduler at an address.

    Parameters
    ----------
    scheduler
        ``"local"`` or an address (:func:`check_scheduler`).
    workers
        Worker processes of the local cluster (default :func:`default_local_workers`);
        ignored for an address (the cluster has the workers it has).
    timeout_s
        How long to wait for the scheduler and for a first worker.
    """
    from distributed import Client, LocalCluster

    address = check_scheduler(scheduler)
    if address == "local":
        n = default_local_workers() if workers is None else workers
        with (
            LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0",
                silence_logs=logging.ERROR,
            ) as cluster,
            Client(cluster) as client,  # type: ignore[no-untyped-call]
        ):  # fmt: skip
            yield client
        return
    try:
        client = Client(address, timeout=f"{timeout_s}s")  # type: ignore[no-untyped-call]
    except OSError as exc:
        raise InputError(
            f"no Dask scheduler answers there ({exc})", source="--scheduler", value=scheduler,
            expected="the address of a running scheduler (dask scheduler prints it)",
        ) from None  # fmt: skip
    with client:
        client.wait_for_workers(1, timeout=timeout_s)
        yield client


def client_for(client: Any, scheduler: str, workers: int | None) -> Any:
    """``client`` as a context that leaves it open, or a new one from :func:`open_client`."""
    if client is not None:
        return contextlib.nullcontext(client)
    return open_client(scheduler, workers)


def dashboard_link(client: Any) -> str | None:
    """The Dask dashboard's address, or ``None`` when the scheduler serves none.

    A scheduler without bokeh still announces a dashboard address (its HTTP server answers
    ``/health``, and ``/status`` is a 404), so the scheduler itself is asked whether it has
    bokeh: the check runs there, sent by value, so a scheduler without hedgekit can answer.
    If it cannot be asked, the announced address is given.
    """

    def has_bokeh() -> bool:
        import importlib.util as util  # (imported there, on the scheduler)

        return util.find_spec("bokeh") is not None

    try:
        served = bool(client.run_on_scheduler(has_bokeh))
    except Exception:  # a scheduler that cannot run it: give what it announces
        served = True
    link = client.dashboard_link
    return str(link) if served and link else None


def _identity(value: Any) -> Any:
    """The value itself: a task whose result is the shared input (see :func:`run_tasks`)."""
    return value


def run_tasks(
    client: Any,
    function: Callable[..., Any],
    shared: Sequence[Any],
    calls: Sequence[tuple[Any, ...]],
    *,
    key: str,
    on_result: Callable[[int, Any], None],
) -> None:
    """Run ``function(*shared, *calls[i])`` for every ``i`` on the cluster.

    ``shared`` (the spec, the path model) is sent once, as the result of a task of its own
    that every chunk depends on: a worker fetches it once and keeps it while it runs chunks,
    rather than receiving it with each task. Unlike scattered data, a task's result that is
    lost with its worker (the only worker, killed) is computed again by the scheduler, so
    the run goes on. ``on_result(i, value)`` is called as each task finishes (any order). A
    task lost with its worker is rerun by Dask elsewhere; a Ctrl-C cancels what is left.
    """
    from distributed import as_completed

    held = [
        client.submit(_identity, value, key=f"{key}-shared-{j}", pure=False)
        for j, value in enumerate(shared)
    ]
    # a copy on every worker: otherwise the scheduler sends every chunk to the one worker
    # that holds the shared inputs (data locality) and the others sit idle
    client.replicate(held)
    futures = [
        client.submit(function, *held, *args, key=f"{key}-{i}", pure=False)
        for i, args in enumerate(calls)
    ]
    index = {f.key: i for i, f in enumerate(futures)}
    try:
        for fut in as_completed(futures):  # type: ignore[no-untyped-call]
            on_result(index[fut.key], fut.result())
            fut.release()
    except BaseException:
        client.cancel([*futures, *held])
        raise
    client.cancel(held)
