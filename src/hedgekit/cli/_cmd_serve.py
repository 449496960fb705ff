"""Command ``serve``: the web app and JSON API (``hedgekit.web``) on this machine."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hedgekit.cli._app import app
from hedgekit.errors import InputError


def read_token(token: str | None, token_file: str | None) -> str | None:
    """The access token from ``--token`` or the first line of ``--token-file``."""
    if token is not None and token_file is not None:
        raise InputError(
            "give --token or --token-file, not both", source="--token-file", value=token_file,
            expected="one of them",
        )  # fmt: skip
    if token_file is not None:
        try:
            lines = Path(token_file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(
                f"cannot read the token file: {getattr(exc, 'strerror', None) or exc}",
                source="--token-file", value=token_file, expected="a readable text file",
            ) from None  # fmt: skip
        token = lines[0].strip() if lines else ""
    if token is not None and len(token.strip()) < 16:
        raise InputError(
            "the access token is too short", source="--token-file" if token_file else "--token",
            value=f"{len(token.strip())} characters",
            expected="at least 16 characters (e.g. python -c 'import secrets; "
            "print(secrets.token_urlsafe())')",
        )  # fmt: skip
    return None if token is None else token.strip()


@app.command("serve")
def serve_cmd(
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Address to listen on; anything but this machine (127.0.0.1) needs --token.",
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            help="Access token: required on every request off this machine, and always for "
            "recording in the book.",
        ),
    ] = None,
    token_file: Annotated[
        str | None,
        typer.Option("--token-file", help="Read the access token from the first line of FILE."),
    ] = None,
    book: Annotated[
        str | None,
        typer.Option(
            "--book",
            metavar="PATH|URL",
            help="Hedge book file or database URL (default $HEDGEKIT_BOOK, else "
            "$XDG_DATA_HOME/hedgekit/book.sqlite).",
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option("--check", help="Check the options and print the address; do not serve."),
    ] = False,
) -> None:
    """Serve the web pages and the JSON API (OpenAPI at /docs) until Ctrl-C."""
    from hedgekit.web._settings import is_loopback

    secret = read_token(token, token_file)
    local = is_loopback(host)
    if not local and secret is None:
        raise InputError(
            "listening beyond this machine needs an access token", source="--host", value=host,
            expected="--token or --token-file, or --host 127.0.0.1",
        )  # fmt: skip
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"hedgekit serving on http://{shown}:{port}/  (API docs: /docs; Ctrl-C stops)")
    if check:
        return
    try:
        import uvicorn

        from hedgekit.web import WebSettings, create_app
    except ImportError as exc:  # the optional extra is not installed
        raise InputError(
            f"the web extra is not installed ({exc.name})", source="serve",
            expected="pip install 'hedgekit[web]'",
        ) from None  # fmt: skip
    settings = WebSettings(token=secret, token_everywhere=not local, book=book)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


__all__ = ["serve_cmd"]
