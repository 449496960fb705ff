"""The application: API, pages, static files, errors and security, from one factory."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from hedgekit.errors import HedgekitError, InputError
from hedgekit.web._errors import error_body, validation_body
from hedgekit.web._jobs import JobRegistry
from hedgekit.web._security import CsrfRefusedError, SecurityMiddleware
from hedgekit.web._settings import WebSettings

HERE = Path(__file__).parent


def plotly_js() -> Path:
    """``plotly.min.js`` from the installed plotly package (served at /static/plotly.min.js)."""
    return Path(str(resources.files("plotly") / "package_data" / "plotly.min.js"))


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/")


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """The web app for ``settings`` (defaults: no token, the default book).

    Examples
    --------
    >>> from hedgekit.web import WebSettings, create_app
    >>> app = create_app(WebSettings())
    >>> app.title
    'hedgekit'
    """
    from hedgekit.web._api import api_router
    from hedgekit.web._pages import pages_router, render_error

    settings = settings or WebSettings()
    jobs = JobRegistry(settings.job_workers)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.shutdown()

    app = FastAPI(
        title="hedgekit",
        summary="Hedge an equity portfolio with stock index futures: the command line's "
        "options in, its --json documents out.",
        docs_url=None,  # the Swagger UI would load its scripts from a CDN: /docs is ours
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.jobs = jobs
    app.add_middleware(SecurityMiddleware, settings=settings)

    def failure(request: Request, body: dict[str, Any], status: int) -> Any:
        if _wants_html(request):
            return render_error(request, body["error"], status)
        return JSONResponse(body, status_code=status)

    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError) -> Any:
        return failure(request, error_body(exc, getattr(exc, "uploads", None)), 422)

    @app.exception_handler(HedgekitError)
    async def hedgekit_error(request: Request, exc: HedgekitError) -> Any:
        status = 503 if int(getattr(exc, "exit_code", 2)) == 75 else 422
        return failure(request, error_body(InputError(str(exc))), status)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Any:
        return failure(request, validation_body(list(exc.errors())), 422)

    @app.exception_handler(PermissionError)
    async def forbidden(request: Request, exc: PermissionError) -> Any:
        body = {"error": {"message": "this needs the access token", "where": str(exc),
                          "got": None, "expected": "Authorization: Bearer TOKEN"}}  # fmt: skip
        return failure(request, body, 401)

    @app.exception_handler(CsrfRefusedError)
    async def csrf_refused(request: Request, exc: CsrfRefusedError) -> Any:
        body = {"error": {"message": "the form is stale or was sent from another site",
                          "where": "the form's CSRF token", "got": None,
                          "expected": "a form loaded from this app (reload the page)"}}  # fmt: skip
        return failure(request, body, 403)

    @app.exception_handler(OSError)
    async def os_error(request: Request, exc: OSError) -> Any:
        body = error_body(InputError(f"the system refused: {exc.strerror or exc}"))
        return failure(request, body, 422)

    app.include_router(api_router(settings, jobs))
    app.include_router(pages_router(settings, jobs))

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly() -> FileResponse:
        return FileResponse(plotly_js(), media_type="text/javascript")

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def docs(request: Request) -> Any:
        from hedgekit.web._pages import render

        return render(request, "docs.html", {"schema": app.openapi()})

    return app
