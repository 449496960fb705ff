"""Read user files strictly: bytes -> UTF-8 text -> CSV records with their line numbers.

Rules (shared by every user CSV):

* The file must exist and be non-empty. A UTF-8 byte-order mark is accepted and removed;
  a UTF-16/UTF-32 mark, NUL bytes or any byte sequence that is not UTF-8 is an error
  naming the line and the byte.
* Fields are separated by commas; double quotes follow RFC 4180 (checked strictly).
  Surrounding spaces are removed from every cell. Lines that are empty (or only spaces)
  are ignored; their line numbers still count, so reported lines match an editor.
* The first non-empty line is the header. Every later line must have as many fields as
  the header.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path

from hedgekit.errors import InputError

__all__ = ["CsvTable", "decode_utf8", "read_bytes", "read_csv_table", "read_text"]

_UTF8_HINT = "UTF-8 text (in a spreadsheet: save as 'CSV UTF-8')"


@dataclass(frozen=True, slots=True)
class CsvTable:
    """A parsed CSV file.

    Attributes
    ----------
    source
        The path as given, used in error messages.
    header
        Header cells (stripped; case kept).
    header_line
        1-based line number of the header.
    rows
        Data records (stripped cells), each as long as the header.
    lines
        1-based line number where each record starts.
    """

    source: str
    header: tuple[str, ...]
    header_line: int
    rows: tuple[tuple[str, ...], ...]
    lines: tuple[int, ...]


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """Return the bytes of ``path``; missing, unreadable or empty files are InputErrors."""
    source = str(path)
    p = Path(path)
    if not p.exists():
        raise InputError("file not found", source=source)
    if p.is_dir():
        raise InputError("is a folder, not a file", source=source)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror})", source=source) from exc
    if not raw.strip():
        raise InputError("file is empty", source=source, expected="a header line and data rows")
    return raw


def decode_utf8(raw: bytes, source: str, expected: str = _UTF8_HINT, kind: str = "CSV") -> str:
    """Decode ``raw`` strictly as UTF-8 (a leading UTF-8 byte-order mark is removed).

    Refuses a UTF-16/UTF-32 mark, any byte sequence that is not UTF-8 (the error names the
    line and the byte offset in the file, ``UnicodeDecodeError.start``) and NUL characters
    (a binary file). ``kind`` names the text the file should hold (``"CSV"``, ``"TOML"``).
    """
    for bom, name in (
        (codecs.BOM_UTF32_LE, "UTF-32"),
        (codecs.BOM_UTF32_BE, "UTF-32"),
        (codecs.BOM_UTF16_LE, "UTF-16"),
        (codecs.BOM_UTF16_BE, "UTF-16"),
    ):
        if raw.startswith(bom):
            raise InputError(f"file is {name} encoded", source=source, expected=expected)
    skipped = 0
    if raw.startswith(codecs.BOM_UTF8):
        skipped = len(codecs.BOM_UTF8)
    try:
        text = raw[skipped:].decode("utf-8")
    except UnicodeDecodeError as exc:
        at = skipped + exc.start
        line = raw[:at].count(b"\n") + 1
        byte = raw[at : at + 1].hex()
        raise InputError(
            f"file is not UTF-8 text: byte 0x{byte} at byte {at} cannot be decoded "
            "(perhaps Latin-1/Windows-1252, or a binary file)",
            source=source,
            row=line,
            expected=expected,
        ) from exc
    nul = text.find("\x00")
    if nul >= 0:
        raise InputError(
            f"file contains NUL characters: it is binary, not {kind} text",
            source=source,
            row=text[:nul].count("\n") + 1,
            expected=expected,
        )
    return text


def read_text(path: str | os.PathLike[str], expected: str, kind: str) -> str:
    """Read a user text file strictly: exists, is a file, readable, UTF-8 (BOM accepted).

    Every error is an :class:`~hedgekit.errors.InputError` naming the file (and, for bytes
    that are not UTF-8, the line and byte offset): see :func:`decode_utf8`.
    """
    source = os.fspath(path)
    p = Path(path)
    if not p.exists():
        raise InputError("file not found", source=source, expected=expected)
    if p.is_dir():
        raise InputError("cannot read a folder as a file", source=source, expected=expected)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror})", source=source) from exc
    return decode_utf8(raw, source, expected, kind)


def _decode(raw: bytes, source: str) -> str:
    return decode_utf8(raw, source)


def read_csv_table(path: str | os.PathLike[str]) -> CsvTable:
    """Read ``path`` as a strict UTF-8 CSV file (see the module notes for the rules)."""
    source = str(path)
    text = _decode(read_bytes(path), source)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[str, ...]] = []
    lines: list[int] = []
    end_of_previous = 0
    try:
        for record in reader:
            start = end_of_previous + 1
            end_of_previous = reader.line_num
            cells = tuple([cell.strip() for cell in record])
            if not any(cells) and len(cells) <= 1:
                continue  # an empty line
            records.append(cells)
            lines.append(start)
    except csv.Error as exc:
        raise InputError(
            f"malformed CSV ({exc})",
            source=source,
            row=reader.line_num,
            expected="comma-separated fields with balanced double quotes",
        ) from exc
    if not records:
        raise InputError("file is empty", source=source, expected="a header line and data rows")
    header, header_line = records[0], lines[0]
    for cells, line in zip(records[1:], lines[1:], strict=True):
        if len(cells) != len(header):
            raise InputError(
                f"line has {len(cells)} fields but the header has {len(header)}",
                source=source,
                row=line,
                value=",".join(cells),
                expected=f"{len(header)} comma-separated fields: {','.join(header)}",
            )
    return CsvTable(source, header, header_line, tuple(records[1:]), tuple(lines[1:]))
