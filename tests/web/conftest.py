"""Fixtures of the web tests: the app in process, a real server on loopback, a book."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hedgekit.cli import main

TOKEN = "test-token-0123456789abcdef"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def cli_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    """The CLI's ``--json`` document for ``argv``."""
    capsys.readouterr()
    assert main([*argv, "--json"]) in (0, 1)
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def book_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A new hedge book (policy booked) in a temporary folder."""
    path = tmp_path / "book.sqlite"
    assert main(["book", "init", "--book", str(path), "--date", "2024-06-03"]) == 0
    capsys.readouterr()
    return str(path)


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """uvicorn serving ``app`` on a free loopback port, in a thread."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live_server(book_url: str) -> Iterator[Server]:
    """The app with a token and a temporary book, served by uvicorn on loopback."""
    from hedgekit.web import WebSettings, create_app

    with Server(create_app(WebSettings(token=TOKEN, book=book_url))) as server:
        yield server
