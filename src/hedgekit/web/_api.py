"""The JSON API: the command line's options in, the command line's ``--json`` documents out.

Every answer is built by the function the command prints with ``--json`` (one source of
truth): ``build_plan``/``plan_document``, ``cost_result``/``cost_document``, ... Long work
(backtest, replay, stress, sweep) runs as a job: ``POST`` answers ``202`` with the job's id,
``GET /api/jobs/{id}`` its progress and, once done, the document.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any, cast

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from hedgekit.cli import _main as cli_main  # registers every command
from hedgekit.cli import _output
from hedgekit.cli._cmd_book import (
    book_fill,
    booked_document,
    fill_cmd,
    status_cmd,
    status_document,
    status_report,
)
from hedgekit.cli._cmd_costs import (
    compare_cmd,
    compare_document,
    compare_result,
    cost_cmd,
    cost_document,
    cost_result,
    puts_cmd,
    puts_document,
    puts_result,
)
from hedgekit.cli._cmd_history import backtest_cmd, backtest_document
from hedgekit.cli._cmd_scale import stress_cmd, sweep_cmd
from hedgekit.errors import InputError
from hedgekit.web._jobs import Job, JobRegistry
from hedgekit.web._models import Document, JobAccepted, JobState, OptionsModel, options_model
from hedgekit.web._security import given_token, token_ok
from hedgekit.web._settings import WebSettings
from hedgekit.web._uploads import check_upload, staged

PlanIn = options_model("PlanIn", cli_main.plan_cmd, holdings=True)
CostIn = options_model("CostIn", cost_cmd, holdings=True)
PutsIn = options_model("PutsIn", puts_cmd, holdings=True)
CompareIn = options_model("CompareIn", compare_cmd, holdings=True)
BacktestIn = options_model("BacktestIn", backtest_cmd, holdings=True, exclude=frozenset({"engine"}))
StressIn = options_model("StressIn", stress_cmd, exclude=frozenset({"engine"}))
SweepIn = options_model("SweepIn", sweep_cmd, exclude=frozenset({"engine", "batch_runs"}))
StatusIn = options_model("StatusIn", status_cmd)
FillIn = options_model("FillIn", fill_cmd)

#: Threads one stress job runs on (jobs share the server; the command line takes more).
JOB_THREADS = 1


def document(kind: str, data: Any, status_code: int = 200) -> JSONResponse:
    """The CLI's ``--json`` document ``{"schema_version", "kind", "data"}`` as an answer."""
    doc = {"schema_version": _output.JSON_SCHEMA_VERSION, "kind": kind,
           "data": _output._jsonable(data)}  # fmt: skip
    return JSONResponse(doc, status_code=status_code)


class UploadError(InputError):
    """An :class:`InputError` raised while uploads were staged: paths to map back."""

    def __init__(self, exc: InputError, uploads: dict[str, str]) -> None:
        super().__init__(
            exc.message, source=exc.source, row=exc.row, column=exc.column, value=exc.value,
            expected=exc.expected,
        )  # fmt: skip
        self.uploads = uploads


@contextlib.contextmanager
def with_holdings(
    settings: WebSettings, options: dict[str, Any]
) -> Iterator[tuple[dict[str, Any], dict[str, str]]]:
    """The options with ``holdings`` set to a private copy of ``holdings_csv`` (if given)."""
    text = options.pop("holdings_csv", None)
    if text is None:
        yield options, {}
        return
    data = text.encode()
    check_upload(data, "--holdings", settings.max_upload_bytes, settings.max_upload_rows, ".csv")
    with staged({"--holdings": (data, ".csv")}) as (paths, back):
        try:
            yield {**options, "holdings": paths["--holdings"]}, back
        except InputError as exc:
            raise UploadError(exc, back) from None


def plan_data(settings: WebSettings, body: OptionsModel) -> dict[str, Any]:
    """``plan --json``'s data for a request (pages and API)."""
    with with_holdings(settings, body.checked()) as (kw, _):
        return cli_main.plan_document(cli_main.build_plan(**kw))


def cost_data(settings: WebSettings, body: OptionsModel) -> dict[str, Any]:
    """``cost --json``'s data for a request."""
    with with_holdings(settings, body.checked()) as (kw, _):
        return cost_document(*cost_result(**kw))


def puts_data(settings: WebSettings, body: OptionsModel) -> dict[str, Any]:
    """``puts --json``'s data for a request."""
    with with_holdings(settings, body.checked()) as (kw, _):
        plan, table, _opt = puts_result(**kw)
        return puts_document(plan, table)


def compare_data(settings: WebSettings, body: OptionsModel) -> dict[str, Any]:
    """``compare --json``'s data for a request."""
    with with_holdings(settings, body.checked()) as (kw, _):
        return compare_document(*compare_result(**kw))


def backtest_job(settings: WebSettings, body: OptionsModel) -> Callable[[Job], dict[str, Any]]:
    """The work of ``backtest --json`` for a request, as a job."""
    from hedgekit.cli._cmd_history import _write_outputs

    options = body.checked()

    def work(job: Job) -> dict[str, Any]:
        @contextlib.contextmanager
        def progress(n: int, label: str) -> Iterator[Callable[[int, int], None]]:
            job.progress(0, n)
            yield job.progress

        with with_holdings(settings, dict(options)) as (kw, back):
            job.uploads = back
            data, result, daily = backtest_document(**kw, progress=progress)
        data.update(_write_outputs(result, None, None, None, daily=daily, out_path=None))
        return data

    return work


def stress_job(body: OptionsModel) -> Callable[[Job], dict[str, Any]]:
    """The work of ``stress --json`` for a request, as a job (the command's own steps)."""
    from hedgekit.cli._cmd_scale import _numbers, stress_data
    from hedgekit.cli._preflight import check_stress

    kw = body.checked()
    check_stress(kw["paths"], kw["horizon_days"], JOB_THREADS, kw["model"], yes=False)
    call_above = _numbers(kw.pop("call_above"), "--call-above")
    targets = _numbers(kw.pop("target"), "--target-call-prob", percent=True)
    buffers = _numbers(kw.pop("buffers"), "--buffers")

    def work(job: Job) -> dict[str, Any]:
        data, result, _summary = stress_data(
            **kw, position=None, call_above=call_above, targets=targets, buffers=buffers,
            workers=JOB_THREADS, engine="auto", progress=job.progress,
        )  # fmt: skip
        job.extra = stress_pictures(result)
        return dict(data)

    return work


#: Quantiles of the fan chart (the daily values of the first paths), percent.
FAN_QUANTILES = (5, 25, 50, 75, 95)
#: Bins of the outcome histogram.
HISTOGRAM_BINS = 40


def stress_pictures(result: Any) -> dict[str, Any]:
    """The fan (daily quantiles of the first paths) and the P&L histogram of a stress run."""
    import numpy as np

    dates = [str(d) for d in result.dates.astype("datetime64[D]")]
    fan = {
        side: {str(q): np.percentile(values, q, axis=0).tolist() for q in FAN_QUANTILES}
        for side, values in (("hedged", result.fan_hedged_usd),
                             ("unhedged", result.fan_unhedged_usd))
    }  # fmt: skip
    pnl = {side: result.outcomes[f"pnl_{side}_usd"].to_numpy(float)
           for side in ("hedged", "unhedged")}  # fmt: skip
    both = np.concatenate(list(pnl.values()))
    both = both[np.isfinite(both)]
    lo, hi = (float(both.min()), float(both.max())) if both.size else (0.0, 1.0)
    edges = np.linspace(lo, hi if hi > lo else lo + 1.0, HISTOGRAM_BINS + 1)
    counts = {side: np.histogram(v[np.isfinite(v)], bins=edges)[0].tolist()
              for side, v in pnl.items()}  # fmt: skip
    return {"dates": dates, "fan": fan, "edges": edges.tolist(), "counts": counts}


def sweep_job(body: OptionsModel) -> Callable[[Job], dict[str, Any]]:
    """The work of ``sweep --json`` for a request (``--grid`` axes only), as a job."""
    from hedgekit.cli._cmd_scale import _sweep_position, sweep_spec_from_options
    from hedgekit.cli._preflight import check_sweep
    from hedgekit.sweep import run_sweep

    kw = body.checked()
    grid = list(kw["grid"] or [])
    held = _sweep_position(None, kw["legs"], grid)

    def preflight(spec: Any) -> None:
        check_sweep(spec, JOB_THREADS, keep_rows=True, yes=False)

    spec = sweep_spec_from_options(
        None, [*held, *grid], kw["metric"], kw["top"], kw["heatmap"], None, None, preflight
    )

    def work(job: Job) -> dict[str, Any]:
        result = run_sweep(
            spec, out=None, workers=JOB_THREADS, progress=job.progress, keep_rows=True
        )
        data = dict(result.to_dict())
        data["workers"] = JOB_THREADS
        return data

    return work


def replay_job(key: str) -> Callable[[Job], dict[str, Any]]:
    """The work of ``replay KEY --json``, as a job."""
    from hedgekit.cli._cmd_history import _write_outputs, replay_data
    from hedgekit.replays import get_episode, replay

    episode = get_episode(key)

    def work(job: Job) -> dict[str, Any]:
        rep = replay(episode, engine="auto", progress=job.progress)
        data = dict(replay_data(rep))
        data.update(_write_outputs(rep, None, None, None))
        return data

    return work


def job_state(job: Job) -> dict[str, Any]:
    """``GET /api/jobs/{id}``'s answer."""
    with job.lock:
        done, total = job.done, job.total
    result = None
    if job.result is not None:
        result = {"schema_version": _output.JSON_SCHEMA_VERSION, "kind": job.kind,
                  "data": _output._jsonable(job.result)}  # fmt: skip
    return {"job_id": job.id, "kind": job.kind, "status": job.status, "done": done,
            "total": total, "result": result, "error": job.error}  # fmt: skip


def require_book_token(request: Request) -> None:
    """Book writes need the access token, always (as the bearer header on the API)."""
    settings: WebSettings = request.app.state.settings
    if settings.token is None:
        raise InputError(
            "recording in the book needs an access token", source="Authorization",
            expected="a server started with hedgekit serve --token (or --token-file)",
        )  # fmt: skip
    if not token_ok(settings, given_token(request, cookie=False)):
        raise PermissionError("Authorization")


def api_router(settings: WebSettings, jobs: JobRegistry) -> APIRouter:
    """The ``/api`` routes."""
    r = APIRouter(prefix="/api", tags=["api"])
    accepted: dict[int | str, dict[str, Any]] = {202: {"model": JobAccepted}}

    def submit(kind: str, work: Callable[[Job], dict[str, Any]]) -> JSONResponse:
        job = jobs.submit(kind, work)
        return JSONResponse(
            {"job_id": job.id, "status": job.status, "url": f"/api/jobs/{job.id}"},
            status_code=202,
        )

    @r.post("/plan", response_model=Document)
    def plan(body: PlanIn) -> Any:  # type: ignore[valid-type]
        """Plan a hedge (``hedgekit plan --json``)."""
        return document("plan", plan_data(settings, body))

    @r.post("/cost", response_model=Document)
    def cost(body: CostIn) -> Any:  # type: ignore[valid-type]
        """What a futures hedge costs (``hedgekit cost --json``)."""
        return document("cost", cost_data(settings, body))

    @r.post("/puts", response_model=Document)
    def puts(body: PutsIn) -> Any:  # type: ignore[valid-type]
        """Put protection (``hedgekit puts --json``)."""
        return document("puts", puts_data(settings, body))

    @r.post("/compare", response_model=Document)
    def compare(body: CompareIn) -> Any:  # type: ignore[valid-type]
        """The alternatives side by side (``hedgekit compare --json``)."""
        return document("compare", compare_data(settings, body))

    @r.post("/backtest", status_code=202, responses=accepted)
    def backtest(body: BacktestIn) -> Any:  # type: ignore[valid-type]
        """Start a backtest (``hedgekit backtest --json``) as a job."""
        return submit("backtest", backtest_job(settings, body))

    @r.post("/replay/{key}", status_code=202, responses=accepted)
    def replay_episode(key: str) -> Any:
        """Start the replay of a named episode (``hedgekit replay KEY --json``) as a job."""
        return submit("replay", replay_job(key[:100]))

    @r.post("/stress", status_code=202, responses=accepted)
    def stress(body: StressIn) -> Any:  # type: ignore[valid-type]
        """Start a Monte Carlo stress (``hedgekit stress --json``) as a job."""
        return submit("stress", stress_job(body))

    @r.post("/sweep", status_code=202, responses=accepted)
    def sweep(body: SweepIn) -> Any:  # type: ignore[valid-type]
        """Start a sweep over ``grid`` axes (``hedgekit sweep --grid ... --json``) as a job."""
        return submit("sweep", sweep_job(body))

    @r.get("/jobs/{job_id}", response_model=JobState)
    def job(job_id: str) -> Any:
        """A job's progress, and its document once done."""
        found = jobs.get(job_id)
        if found is None:
            return JSONResponse(
                {"error": {"message": "no such job", "where": "job id", "got": job_id[:100],
                           "expected": "an id from a POST of long work"}},
                status_code=404,
            )  # fmt: skip
        return JSONResponse(job_state(found))

    @r.get("/book/status", response_model=Document)
    def book_status(query: StatusIn = Depends()) -> Any:  # type: ignore[valid-type]  # noqa: B008
        """Today's action report of the hedge book (``hedgekit book status --json``)."""
        kw = cast(OptionsModel, query).checked()
        report, _value, _beta, where = status_report(settings.book, **kw)
        return document("book.status", status_document(report, where))

    @r.post("/book/fills", response_model=Document, dependencies=[Depends(require_book_token)])
    def book_fills(body: FillIn) -> Any:  # type: ignore[valid-type]
        """Book a futures fill (``hedgekit book fill --json``); needs the access token."""
        kw = cast(OptionsModel, body).checked()
        booked = book_fill(**kw, book=settings.book)
        return document("book.fill", booked_document(booked, 1))

    return r
