"""Server-rendered pages: forms in, the same documents as the API out, as tables and charts.

Every number is in a table (no JavaScript needed); the charts are Plotly figures passed as
JSON in ``<script type="application/json">`` blocks and drawn by ``/static/charts.js``.
Raw numbers ride along in ``data-value`` attributes, so a test can compare them with the
command line's ``--json`` output exactly.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from hedgekit.cli._output import _jsonable
from hedgekit.errors import InputError
from hedgekit.web import _api
from hedgekit.web._app import HERE
from hedgekit.web._jobs import JobRegistry
from hedgekit.web._models import OptionsModel
from hedgekit.web._security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    TOKEN_COOKIE,
    CsrfRefusedError,
    csrf_ok,
    new_csrf,
    safe_next,
    token_ok,
)
from hedgekit.web._settings import WebSettings
from hedgekit.web._uploads import check_upload, staged, suffix_of

templates = Jinja2Templates(directory=HERE / "templates")

NAV = (("/plan", "Plan"), ("/compare", "Compare"), ("/backtest", "Backtest"),
       ("/stress", "Stress"), ("/book", "Book"), ("/docs", "API"))  # fmt: skip


def _usd(x: Any, decimals: int = 0) -> str:
    from hedgekit.cli._output import usd

    return "n/a" if x is None else usd(float(x), decimals)


def _pct(x: Any, decimals: int = 1) -> str:
    from hedgekit.cli._output import pct

    return "n/a" if x is None else pct(float(x), decimals)


def _num(x: Any, decimals: int = 2) -> str:
    from hedgekit.cli._output import num

    return "n/a" if x is None else num(float(x), decimals)


templates.env.filters["usd"] = _usd
templates.env.filters["pct"] = _pct
templates.env.filters["num"] = _num


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    """A page, with the CSRF cookie set when the browser has none."""
    token = request.cookies.get(CSRF_COOKIE) or new_csrf()
    ctx = {"nav": NAV, "path": request.url.path, "csrf_value": token, "csrf_field": CSRF_FIELD,
           **context}  # fmt: skip
    response = templates.TemplateResponse(request, name, ctx, status_code=status_code)
    if request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict")
    return response


def render_error(request: Request, error: dict[str, Any], status: int) -> Response:
    """The where/got/expected block as a page."""
    return render(request, "error.html", {"error": error, "title": "Error"}, status)


async def read_form(
    request: Request, settings: WebSettings
) -> tuple[dict[str, Any], tuple[bytes, str] | None]:
    """The posted form (blank fields dropped), CSRF checked; the holdings upload if any."""
    form = await request.form(max_files=1, max_fields=100)
    if not csrf_ok(request, str(form.get(CSRF_FIELD) or "")):
        raise CsrfRefusedError
    values: dict[str, Any] = {}
    upload: tuple[bytes, str] | None = None
    for key, value in form.multi_items():
        if key == CSRF_FIELD:
            continue
        if isinstance(value, UploadFile):
            if not value.filename:
                continue
            suffix = suffix_of(value.filename, "--holdings")
            data = await value.read(settings.max_upload_bytes + 1)
            check_upload(
                data, "--holdings", settings.max_upload_bytes, settings.max_upload_rows, suffix
            )
            upload = (data, suffix)
        elif isinstance(value, str) and value.strip():
            values[key] = value.strip()
    if upload is not None and upload[1] == ".csv":
        try:
            values["holdings_csv"] = upload[0].decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(
                "the file is not UTF-8 text", source="--holdings", expected="a CSV file"
            ) from None
        upload = None
    return values, upload


def as_model(model: type[OptionsModel], values: dict[str, Any]) -> OptionsModel:
    """The form as the API's request model (the same checks and the same errors)."""
    try:
        return model(**values)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from None


def _with_upload(
    settings: WebSettings,
    body: OptionsModel,
    upload: tuple[bytes, str] | None,
    api_data: Callable[[WebSettings, OptionsModel], dict[str, Any]],
    raw: Callable[..., dict[str, Any]],
) -> dict[str, Any]:
    if upload is None:
        return api_data(settings, body)
    options = body.checked()
    options.pop("holdings_csv", None)
    with staged({"--holdings": upload}) as (paths, back):
        try:
            return raw(**options, holdings=paths["--holdings"])
        except InputError as exc:
            raise _api.UploadError(exc, back) from None


# ----------------------------------------------------------------------------- charts


def _figure(traces: list[dict[str, Any]], x_title: str, y_title: str, **layout: Any) -> Any:
    return {
        "data": traces,
        "layout": {
            "xaxis": {"title": {"text": x_title}},
            "yaxis": {"title": {"text": y_title}},
            "margin": {"l": 70, "r": 20, "t": 30, "b": 50},
            "legend": {"orientation": "h"},
            **layout,
        },
    }


def _curve(xs: list[float], ys: list[Any]) -> tuple[list[float], list[Any]]:
    """A payoff line left to right: named scenarios (a crash, a rally) repeat grid moves."""
    seen: dict[float, Any] = {}
    for x, y in zip(xs, ys, strict=True):
        seen.setdefault(x, y)
    keys = sorted(seen)
    return keys, [seen[k] for k in keys]


def _line(name: str, xs: list[float], ys: list[Any], **style: Any) -> dict[str, Any]:
    x, y = _curve(xs, ys)
    return {"type": "scatter", "mode": "lines+markers", "name": name, "x": x, "y": y, **style}


#: The compare alternatives the plan's payoff diagram adds to its own hedges.
PROTECTION = ("puts", "collar")


def _plan_protection(
    settings: WebSettings,
    values: dict[str, Any],
    upload: tuple[bytes, str] | None,
    horizon_days: int,
) -> tuple[dict[str, Any] | None, str | None]:
    """Puts and collar for the plan's portfolio and horizon (``compare``'s document).

    ``(None, why)`` when compare refuses the inputs: the plan stands without them.
    """
    from hedgekit.cli._cmd_costs import compare_document, compare_result

    fields = _api.CompareIn.model_fields
    given = {k: v for k, v in values.items() if k in fields and k != "horizon"}
    try:
        body = as_model(_api.CompareIn, {**given, "horizon": f"{horizon_days}d"})

        def raw(**kw: Any) -> dict[str, Any]:
            return compare_document(*compare_result(**kw))

        doc = _jsonable(_with_upload(settings, body, upload, _api.compare_data, raw))
    except (InputError, RequestValidationError) as exc:
        return None, f"puts and collar not shown: {exc}"
    return doc, None


def plan_charts(doc: dict[str, Any], protection: dict[str, Any] | None = None) -> dict[str, Any]:
    """Payoff diagram (the plan's hedges, and puts and collar), margin cushion, index fits."""
    payoff = [
        _line(h["label"], [r["index_move"] * 100 for r in h["rows"]],
              [r["net_pnl_usd"] for r in h["rows"]])
        for h in doc["scenario_comparison"]["hedges"]
    ]  # fmt: skip
    if protection is not None:
        moves = [s["index_move"] * 100 for s in protection["scenarios"]]
        payoff += [
            _line(a["name"], moves, a["scenario_pnl_usd"], line={"dash": "dash"})
            for a in protection["alternatives"] if a["name"] in PROTECTION
        ]  # fmt: skip
    table = doc["margin"]["buffer_table"]
    cushion = [{"type": "bar", "name": "move to a margin call",
                "x": [f"{b['multiple']:g}× initial" for b in table],
                "y": [None if b["adverse_move_to_call"] is None
                      else b["adverse_move_to_call"] * 100 for b in table]}]  # fmt: skip
    fits = doc.get("index_fits") or {"rows": []}
    fit = [{"type": "bar", "name": "R²", "x": [r["name"] for r in fits["rows"]],
            "y": [r["r_squared"] for r in fits["rows"]]}]  # fmt: skip
    return {
        "payoff": _figure(payoff, "index move over the horizon, %", "net P&L, USD"),
        "cushion": _figure(cushion, "cash in the margin account", "index move to a call, %"),
        "fits": _figure(fit, "index", "share of variance explained (R²)"),
    }


def compare_charts(doc: dict[str, Any]) -> dict[str, Any]:
    """The alternatives' P&L across index moves."""
    moves = [s["index_move"] * 100 for s in doc["scenarios"]]
    traces = [_line(a["name"], moves, a["scenario_pnl_usd"]) for a in doc["alternatives"]]
    return {"payoff": _figure(traces, "index move over the horizon, %", "P&L, USD")}


def _drawdown(values: list[float]) -> list[float]:
    peak = -math.inf
    out = []
    for v in values:
        peak = max(peak, v)
        out.append(0.0 if peak <= 0 else (v / peak - 1.0) * 100)
    return out


def backtest_charts(doc: dict[str, Any]) -> dict[str, Any]:
    """Equity curves, hedge ratio, margin account and drawdowns of a backtest document."""
    daily = doc.get("daily") or []
    dates = [d["date"] for d in daily]
    hedged = [d["hedged_value_usd"] for d in daily]
    unhedged = [d["portfolio_value_usd"] for d in daily]

    def line(name: str, y: list[Any]) -> dict[str, Any]:
        return {"type": "scatter", "mode": "lines", "name": name, "x": dates, "y": y}

    return {
        "equity": _figure([line("hedged", hedged), line("unhedged", unhedged)], "date", "USD"),
        "ratio": _figure([line("hedge ratio", [d["hedge_ratio"] for d in daily]),
                          line("target", [d["hedge_ratio_target"] for d in daily])],
                         "date", "hedge ratio"),
        "margin": _figure([line("margin account", [d["margin_account_usd"] for d in daily]),
                           line("requirement", [d["margin_requirement_usd"] for d in daily])],
                          "date", "USD"),
        "drawdown": _figure([line("hedged", _drawdown(hedged)),
                             line("unhedged", _drawdown(unhedged))], "date", "drawdown, %"),
    }  # fmt: skip


def stress_charts(doc: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Fan chart, outcome histogram and quantiles, and the buffer curve of a stress run."""
    s = doc["summary"]
    keys = list(s["hedged"]["pnl_usd"])
    quant = [
        {"type": "bar", "name": side, "x": keys, "y": [s[side]["pnl_usd"][k] for k in keys]}
        for side in ("hedged", "unhedged")
    ]
    curve = s["buffer"]["curve"]
    buf = [{"type": "scatter", "mode": "lines+markers", "name": "P(margin call)",
            "x": [c.get("buffer_multiple") for c in curve],
            "y": [None if c.get("probability_of_call") is None
                  else c["probability_of_call"] * 100 for c in curve]}]  # fmt: skip
    fan: list[dict[str, Any]] = []
    for side, colour in (("unhedged", "#c0392b"), ("hedged", "#1f5fa8")):
        bands = extra["fan"][side]
        for q in bands:
            fan.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": extra["dates"],
                    "y": bands[q],
                    "name": f"{side} p{q}",
                    "line": {
                        "color": colour,
                        "width": 3 if q == "50" else 1,
                        "dash": "solid" if q == "50" else "dot",
                    },
                }
            )
    mids = [(a + b) / 2 for a, b in zip(extra["edges"][:-1], extra["edges"][1:], strict=True)]
    hist = [
        {"type": "bar", "name": side, "x": mids, "y": extra["counts"][side], "opacity": 0.7}
        for side in ("unhedged", "hedged")
    ]
    return {
        "fan": _figure(fan, "date", "portfolio value, USD (first paths)"),
        "histogram": _figure(hist, "P&L over the horizon, USD", "paths", barmode="overlay"),
        "outcomes": _figure(quant, "quantile of the P&L over the horizon", "P&L, USD",
                            barmode="group"),
        "buffer": _figure(buf, "margin account / initial margin", "chance of a call, %"),
    }  # fmt: skip


# ----------------------------------------------------------------------------- routes


def pages_router(settings: WebSettings, jobs: JobRegistry) -> APIRouter:
    """The HTML pages."""
    r = APIRouter(include_in_schema=False)

    @r.get("/")
    def home() -> Response:
        return RedirectResponse("/plan", status_code=303)

    @r.get("/plan", response_class=HTMLResponse)
    def plan_form(request: Request) -> Response:
        return render(request, "plan.html", {"title": "Plan", "doc": None, "form": {}})

    @r.post("/plan", response_class=HTMLResponse)
    async def plan_page(request: Request) -> Response:
        from hedgekit.cli import _main as cli_main

        values, upload = await read_form(request, settings)
        body = as_model(_api.PlanIn, values)

        def raw(**kw: Any) -> dict[str, Any]:
            return cli_main.plan_document(cli_main.build_plan(**kw))

        doc = await run_in_threadpool(_with_upload, settings, body, upload, _api.plan_data, raw)
        doc = _jsonable(doc)
        protection, note = await run_in_threadpool(
            _plan_protection, settings, values, upload, doc["request"]["horizon_days"]
        )
        return render(request, "plan.html", {"title": "Plan", "doc": doc, "form": values,
                                             "protection": protection, "protection_note": note,
                                             "charts": plan_charts(doc, protection)})  # fmt: skip

    @r.get("/compare", response_class=HTMLResponse)
    def compare_form(request: Request) -> Response:
        return render(request, "compare.html", {"title": "Compare", "doc": None, "form": {}})

    @r.post("/compare", response_class=HTMLResponse)
    async def compare_page(request: Request) -> Response:
        from hedgekit.cli._cmd_costs import compare_document, compare_result

        values, upload = await read_form(request, settings)
        body = as_model(_api.CompareIn, values)

        def raw(**kw: Any) -> dict[str, Any]:
            return compare_document(*compare_result(**kw))

        doc = await run_in_threadpool(_with_upload, settings, body, upload, _api.compare_data, raw)
        doc = _jsonable(doc)
        return render(request, "compare.html", {"title": "Compare", "doc": doc,
                                                "form": values,
                                                "charts": compare_charts(doc)})  # fmt: skip

    @r.get("/backtest", response_class=HTMLResponse)
    def backtest_form(request: Request) -> Response:
        return render(request, "backtest.html", {"title": "Backtest", "form": {}})

    @r.post("/backtest")
    async def backtest_start(request: Request) -> Response:
        values, _ = await read_form(request, settings)
        body = as_model(_api.BacktestIn, values)
        job = jobs.submit("backtest", _api.backtest_job(settings, body))
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    @r.post("/replay")
    async def replay_start(request: Request) -> Response:
        values, _ = await read_form(request, settings)
        job = jobs.submit("replay", _api.replay_job(str(values.get("key", ""))[:100]))
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    @r.get("/stress", response_class=HTMLResponse)
    def stress_form(request: Request) -> Response:
        return render(request, "stress.html", {"title": "Stress", "form": {}})

    @r.post("/stress")
    async def stress_start(request: Request) -> Response:
        values, _ = await read_form(request, settings)
        body = as_model(_api.StressIn, values)
        job = jobs.submit("stress", _api.stress_job(body))
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    @r.get("/jobs/{job_id}", response_class=HTMLResponse)
    def job_page(request: Request, job_id: str) -> Response:
        job = jobs.get(job_id)
        if job is None:
            error = {"message": "no such job", "where": "job id", "got": job_id[:100],
                     "expected": "a job started from a page"}  # fmt: skip
            return render_error(request, error, 404)
        state = _api.job_state(job)
        if state["status"] == "failed":
            return render_error(request, state["error"]["error"], 422)
        if state["status"] != "done":
            return render(request, "job.html", {"title": "Working", "job": state})
        doc = state["result"]["data"]
        if job.kind == "stress":
            return render(
                request,
                "stress_result.html",
                {
                    "title": "Stress",
                    "doc": doc,
                    "extra": job.extra,
                    "charts": stress_charts(doc, job.extra),
                },
            )
        return render(request, "backtest_result.html",
                      {"title": job.kind.capitalize(), "doc": doc,
                       "charts": backtest_charts(doc)})  # fmt: skip

    @r.get("/book", response_class=HTMLResponse)
    def book_page(request: Request, date: str | None = None) -> Response:
        from hedgekit.cli._cmd_book import status_document, status_report

        doc: dict[str, Any] | None = None
        problem: dict[str, Any] | None = None
        try:
            report, _v, _b, where = status_report(settings.book, date, None, None)
            doc = _jsonable(status_document(report, where))
        except InputError as exc:
            from hedgekit.web._errors import error_body

            problem = error_body(exc)["error"]
        can_write = token_ok(settings, request.cookies.get(TOKEN_COOKIE))
        return render(
            request,
            "book.html",
            {
                "title": "Book",
                "doc": doc,
                "problem": problem,
                "can_write": can_write,
                "has_token": settings.token is not None,
                "booked": request.query_params.get("booked"),
            },
        )

    @r.post("/book/fill")
    async def book_fill_page(request: Request) -> Response:
        from hedgekit.cli._cmd_book import book_fill

        values, _ = await read_form(request, settings)
        if settings.token is None:
            raise InputError(
                "recording in the book needs an access token", source="--token",
                expected="a server started with hedgekit serve --token (or --token-file)",
            )  # fmt: skip
        if not token_ok(settings, request.cookies.get(TOKEN_COOKIE)):
            raise PermissionError("the access token (log in first)")
        body = as_model(_api.FillIn, values)
        kw = body.checked()
        booked = await run_in_threadpool(lambda: book_fill(**kw, book=settings.book))
        return RedirectResponse(f"/book?booked={len(booked)}", status_code=303)

    @r.get("/login", response_class=HTMLResponse)
    def login_form(request: Request, next: str = "/plan") -> Response:
        return render(request, "login.html", {"title": "Log in", "next": safe_next(next)})

    @r.post("/login")
    async def login(request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=10)
        if not csrf_ok(request, str(form.get(CSRF_FIELD) or "")):
            raise CsrfRefusedError
        token = str(form.get("token") or "")
        if not token_ok(settings, token):
            raise PermissionError("the access token (not the one this server was started with)")
        response = RedirectResponse(safe_next(str(form.get("next") or "")), status_code=303)
        response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
        return response

    return r
