"""How a provider reaches the network: one ``get``, live or replayed from a recorded session.

* :class:`LiveTransport`: one HTTP GET with :mod:`requests` (the ``data`` extra), with a
  timeout; no retries of its own.
* :class:`RecordedTransport`: answers from a cassette folder (``cassette.json`` plus one body
  file per response), so the tests and demos run offline. A request with no recorded answer
  fails as a connection error would.
* :class:`RetryingTransport`: wraps either; retries HTTP 429 and 5xx answers and connection
  errors a bounded number of times with exponential backoff, honouring ``Retry-After`` up to
  a cap (RFC 9110 §10.2.3).
"""

from __future__ import annotations

import contextlib
import json
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

__all__ = [
    "LiveTransport",
    "RecordedTransport",
    "Response",
    "RetryingTransport",
    "Transport",
    "TransportError",
]


class TransportError(Exception):
    """No answer: a connection error, a timeout, or no recorded response."""


@dataclass(frozen=True, slots=True)
class Response:
    """An HTTP answer: status code, headers (lower-case names) and the body bytes."""

    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    def text(self) -> str:
        """The body decoded as UTF-8 (undecodable bytes replaced)."""
        return self.body.decode("utf-8", errors="replace")


class Transport(Protocol):
    """What a provider needs from the network."""

    def get(self, url: str, params: Mapping[str, str]) -> Response:
        """GET ``url`` with the query ``params``; raise :class:`TransportError` on no answer."""
        ...


def describe(url: str, params: Mapping[str, str]) -> str:
    """The request as one URL, for messages."""
    return f"{url}?{urllib.parse.urlencode(sorted(params.items()))}" if params else url


class LiveTransport:
    """A single HTTP GET with :mod:`requests` and a timeout (seconds)."""

    def __init__(self, timeout_s: float = 20.0, user_agent: str = "hedgekit") -> None:
        self.timeout_s = timeout_s
        self.user_agent = user_agent

    def get(self, url: str, params: Mapping[str, str]) -> Response:
        """GET ``url``; connection errors and timeouts raise :class:`TransportError`."""
        try:
            import requests
        except ImportError as exc:  # pragma: no cover - the data extra is installed in dev
            raise TransportError(
                "fetching needs the 'requests' package: pip install 'hedgekit[data]'"
            ) from exc
        try:
            answer = requests.get(
                url,
                params=dict(params),
                timeout=self.timeout_s,
                headers={"User-Agent": self.user_agent},
            )
        except requests.Timeout:
            raise TransportError(f"no answer within {self.timeout_s:g} s (timeout)") from None
        except requests.ConnectionError:
            host = urllib.parse.urlsplit(url).netloc
            raise TransportError(
                f"cannot connect to {host} (no network, or the host is down)"
            ) from None
        except requests.RequestException as exc:
            raise TransportError(f"{type(exc).__name__}: {exc}") from exc
        headers = {k.lower(): v for k, v in answer.headers.items()}
        return Response(answer.status_code, headers, answer.content)


class RecordedTransport:
    """Answers from a recorded session (a cassette folder), in the order recorded.

    ``cassette.json`` holds ``{"interactions": [...]}``; each interaction has ``url``, the
    query parameters it must match (``match``: parameters not listed, such as the time
    window, are not compared) and a list of ``responses`` played in turn (the last one
    repeats). A response is ``{"status", "headers", "body_file"}`` or ``{"error": text}``
    for a connection error or timeout.
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        path = self.folder / "cassette.json"
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            self._interactions: list[dict[str, Any]] = list(doc["interactions"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise TransportError(f"recorded session {path} cannot be read ({exc})") from exc
        self._played: dict[int, int] = {}
        self.requests: list[str] = []

    def get(self, url: str, params: Mapping[str, str]) -> Response:
        """The next recorded answer to this request; :class:`TransportError` when none."""
        self.requests.append(describe(url, params))
        for i, item in enumerate(self._interactions):
            match: Mapping[str, str] = item.get("match", {})
            if item["url"] == url and all(params.get(k) == v for k, v in match.items()):
                responses: list[dict[str, Any]] = item["responses"]
                n = self._played.get(i, 0)
                self._played[i] = n + 1
                answer = responses[min(n, len(responses) - 1)]
                if "error" in answer:
                    raise TransportError(str(answer["error"]))
                body = (self.folder / answer["body_file"]).read_bytes()
                headers = {str(k).lower(): str(v) for k, v in answer.get("headers", {}).items()}
                return Response(int(answer["status"]), headers, body)
        raise TransportError(f"no network: no recorded response for {describe(url, params)}")


#: HTTP statuses worth asking again: rate limited, or a server-side failure.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class RetryingTransport:
    """Bounded retries with exponential backoff around another transport.

    Attempt ``k`` (from 0) that fails with a 429/5xx answer or a :class:`TransportError`
    waits ``min(cap_s, base_s * 2**k)`` seconds, or the answer's ``Retry-After`` seconds
    when given (capped at ``cap_s``), then tries again; after ``attempts`` tries the last
    answer is returned (or the last error raised).
    """

    def __init__(
        self,
        inner: Transport,
        *,
        attempts: int = 4,
        base_s: float = 1.0,
        cap_s: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.inner = inner
        self.attempts = max(1, attempts)
        self.base_s = base_s
        self.cap_s = cap_s
        self.sleep = sleep
        self.waits: list[float] = []

    def _wait(self, k: int, answer: Response | None) -> float:
        delay = self.base_s * 2.0**k
        if answer is not None and "retry-after" in answer.headers:
            with contextlib.suppress(ValueError):
                delay = float(answer.headers["retry-after"])
        return max(0.0, min(self.cap_s, delay))

    def get(self, url: str, params: Mapping[str, str]) -> Response:
        """GET with retries; see the class notes."""
        for k in range(self.attempts):
            last = k == self.attempts - 1
            answer: Response | None
            try:
                answer = self.inner.get(url, params)
            except TransportError:
                if last:
                    raise
                answer = None
            if answer is not None and (answer.status not in RETRY_STATUSES or last):
                return answer
            delay = self._wait(k, answer)
            self.waits.append(delay)
            self.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover
