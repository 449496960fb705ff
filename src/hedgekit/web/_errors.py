"""Errors as JSON: the CLI's where/got/expected block, as a 422 body."""

from __future__ import annotations

from typing import Any

from hedgekit.errors import InputError


def error_body(exc: InputError, uploads: dict[str, str] | None = None) -> dict[str, Any]:
    """``{"error": {"message", "where", "got", "expected"}}`` as the CLI prints it.

    ``uploads`` maps the server's temporary file paths back to the field the file was
    uploaded as, so no server path is shown.
    """
    from hedgekit.cli._flags import for_cli

    message, where, got, expected = for_cli(exc)
    for path, name in (uploads or {}).items():
        message = message.replace(path, name)
        where = where.replace(path, name)
        got = None if got is None else got.replace(path, name)
        expected = None if expected is None else expected.replace(path, name)
    return {"error": {"message": message, "where": where, "got": got, "expected": expected}}


#: What each of pydantic's error types expected, in the command line's words.
_EXPECTED = {
    "float_parsing": "a number", "float_type": "a number", "finite_number": "a finite number",
    "int_parsing": "a whole number", "int_type": "a whole number",
    "int_from_float": "a whole number", "bool_parsing": "true or false",
    "bool_type": "true or false", "string_type": "text", "string_too_long": "shorter text",
    "missing": "a value", "extra_forbidden": "only the command's options",
    "list_type": "a list", "model_attributes_type": "a JSON object",
    "dict_type": "a JSON object", "json_invalid": "a JSON document",
}  # fmt: skip


def validation_body(errors: list[Any]) -> dict[str, Any]:
    """A request that does not fit the schema, in the same shape (the first problem)."""
    first = errors[0] if errors else {}
    loc = [str(x) for x in first.get("loc", ()) if x not in ("body", "query", "path")]
    field = loc[0] if loc else ""
    where = "--" + field.rstrip("_").replace("_", "-") if field else "the request"
    got = first.get("input")
    return {
        "error": {
            "message": str(first.get("msg", "invalid request")),
            "where": where,
            "got": None if got is None or isinstance(got, dict) else str(got)[:200],
            "expected": _EXPECTED.get(str(first.get("type", "")), "a valid value"),
        }
    }
