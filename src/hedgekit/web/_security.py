"""Access token, CSRF token and security headers.

- Bound beyond this machine, every request needs the token; book writes always do.
  The token comes as ``Authorization: Bearer TOKEN`` or as the cookie the login form sets.
- Form posts carry a CSRF token equal to a cookie (double submit): another site can make
  a browser post a form, but cannot read the cookie to put its value in the form.
- Every answer carries a Content-Security-Policy without inline scripts, and the headers
  that stop framing, MIME sniffing and referrer leaks.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp

from hedgekit.web._settings import WebSettings

TOKEN_COOKIE = "hedgekit_token"
CSRF_COOKIE = "hedgekit_csrf"
CSRF_FIELD = "csrf_token"

#: Styles may be inline (Plotly sets element styles); scripts come only from the app.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
#: Paths open without the token even when it is required everywhere.
OPEN_PATHS = ("/login", "/static/")


class CsrfRefusedError(PermissionError):
    """A form post whose CSRF field does not match its cookie (stale, or from another site)."""


def given_token(request: Request, *, cookie: bool = True) -> str | None:
    """The token the request carries: the bearer header, else (``cookie``) the login cookie."""
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    return request.cookies.get(TOKEN_COOKIE) if cookie else None


def token_ok(settings: WebSettings, given: str | None) -> bool:
    """Whether ``given`` is the app's token (compared in constant time)."""
    if settings.token is None or given is None:
        return False
    return hmac.compare_digest(given.encode(), settings.token.encode())


def new_csrf() -> str:
    """A fresh CSRF token for the double-submit cookie."""
    return secrets.token_urlsafe(24)


def csrf_ok(request: Request, submitted: str | None) -> bool:
    """Whether the form's CSRF field equals the cookie."""
    cookie = request.cookies.get(CSRF_COOKIE)
    if not cookie or not submitted:
        return False
    return hmac.compare_digest(cookie.encode(), submitted.encode())


def safe_next(path: str | None) -> str:
    """A redirect target inside the app (a path; never another site)."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/plan"
    return path


class SecurityMiddleware(BaseHTTPMiddleware):
    """Token for every request when required, and the security headers on every answer."""

    def __init__(self, app: ASGIApp, settings: WebSettings) -> None:
        super().__init__(app)
        self.settings = settings

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        path = request.url.path
        response: Response
        if (
            self.settings.token_everywhere
            and not path.startswith(OPEN_PATHS)
            and not token_ok(self.settings, given_token(request))
        ):
            if path.startswith("/api/") or path in ("/openapi.json", "/docs"):
                response = JSONResponse(
                    {"error": {"message": "this server needs its access token",
                               "where": "Authorization", "got": None,
                               "expected": "Authorization: Bearer TOKEN"}},
                    status_code=401, headers={"WWW-Authenticate": "Bearer"},
                )  # fmt: skip
            else:
                response = RedirectResponse(f"/login?next={path}", status_code=303)
        else:
            response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response
