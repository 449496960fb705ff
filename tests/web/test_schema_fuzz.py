"""Schemathesis against the app's OpenAPI schema, in process (ASGI): no request gets a 500.

Bounded: a few dozen generated requests per endpoint. Long work is accepted and checked
(the job's pre-flight runs in the request) but not run here: the jobs' own results are
tested in test_api.py, and thousands of random backtests would only test the clock.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from hedgekit.web import WebSettings, create_app
from hedgekit.web._jobs import JobRegistry

pytestmark = pytest.mark.slow


def _app() -> Any:
    book = Path(__file__).parent / "artifacts" / "no-such-book.sqlite"
    return create_app(WebSettings(token="schema-fuzz-token-0123456789", book=str(book)))


schema = schemathesis.openapi.from_asgi("/openapi.json", _app())


@pytest.fixture(autouse=True)
def _jobs_accepted_not_run(monkeypatch: pytest.MonkeyPatch) -> None:
    def accept(self: JobRegistry, job: Any, work: Any) -> None:
        job.status = "queued"

    monkeypatch.setattr(JobRegistry, "_run", accept)


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_generated_request_is_a_server_error(case: schemathesis.Case) -> None:
    response = case.call()
    case.validate_response(response, checks=[not_a_server_error])
