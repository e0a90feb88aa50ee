"""Turn command-line inputs (files, folders, globs, ``-``) into Documents.

``read_inputs`` never raises for a bad input: every problem becomes a
``ReadError`` in the stream, in input order, and the other inputs are still read.

Dispatch by extension: ``.jsonl``/``.ndjson`` → JSON Lines, ``.tml``/``.xml`` →
TimeML, anything else → date-header text. A folder is searched recursively for
``*.txt``, ``*.jsonl``, ``*.ndjson`` and ``*.tml`` (sorted by path). ``-`` is stdin:
JSON Lines if its first non-blank character is ``{``, else date-header text.

Decoding: UTF-8 (a BOM is fine; a UTF-16 BOM is honoured too); otherwise cp1252
(then latin-1) with a warning in ``doc.warnings``. NUL bytes in the first 8 KB
mean a binary file (an error).
"""
from __future__ import annotations

import codecs
import glob
import sys
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from tijdlijn.document import Document
from tijdlijn.readers import ReadError, decode_legacy
from tijdlijn.readers.dateheader import HeaderError, parse_dateheader
from tijdlijn.readers.jsonl import read_jsonl_lines

__all__ = [
    "DEFAULT_MAX_CHARS",
    "STDIN",
    "decode_bytes",
    "expand_inputs",
    "input_kind",
    "read_file",
    "read_inputs",
    "read_stdin",
]

DEFAULT_MAX_CHARS = 5_000_000
STDIN = "-"
STDIN_SOURCE = "<stdin>"
SNIFF_BYTES = 8192
JSONL_SUFFIXES = (".jsonl", ".ndjson")
TIMEML_SUFFIXES = (".tml", ".xml")
FOLDER_SUFFIXES = (".txt", ".jsonl", ".ndjson", ".tml")
_GLOB_CHARS = set("*?[")


class InputError(ValueError):
    """Internal: a whole input that cannot be read (becomes a ReadError)."""


def input_kind(path: str | Path) -> str:
    """``jsonl``, ``timeml`` or ``text`` by file extension."""
    suffix = Path(path).suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in TIMEML_SUFFIXES:
        return "timeml"
    return "text"


def _check_binary(head: bytes) -> None:
    if b"\x00" in head[:SNIFF_BYTES]:
        raise InputError("binary file (NUL bytes in the first 8 KB); expected UTF-8 text, JSONL or TimeML")


def decode_bytes(data: bytes) -> tuple[str, list[str]]:
    """Text and warnings; raises ``InputError`` for binary data."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            raise InputError("binary file (UTF-16 byte-order mark but not valid UTF-16)") from None
    _check_binary(data)
    return decode_legacy(data)


def _too_long(n: int, max_chars: int, unit: str = "characters") -> InputError:
    return InputError(
        f"text of {n} {unit} is longer than the limit of {max_chars} characters (raise it with --max-chars)"
    )


def _check_text(doc: Document, max_chars: int) -> None:
    if not doc.text.strip():
        raise InputError("empty text")
    if len(doc.text) > max_chars:
        raise _too_long(len(doc.text), max_chars)


def _parse_text(content: str, kind: str, source: str, stem: str) -> Document:
    if kind == "timeml":
        from tijdlijn.readers.timeml import parse_timeml

        try:
            doc, gold = parse_timeml(content, source=source)
        except ValueError as exc:
            raise InputError(str(exc)) from None
        doc.meta["timeml"]["gold"] = gold
        return doc
    try:
        return parse_dateheader(content, source=source, id=stem)
    except HeaderError as exc:
        raise InputError(str(exc)) from None


def read_file(path: str | Path, *, max_chars: int = DEFAULT_MAX_CHARS) -> Iterator[Document | ReadError]:
    """Documents (or errors) from one file, dispatched by extension."""
    p = Path(path)
    source = str(path)
    kind = input_kind(p)
    try:
        if not p.exists():
            raise InputError("no such file or directory")
        if p.is_dir():
            raise InputError("is a directory")
        if kind == "jsonl":
            with p.open("rb") as fh:
                head = fh.read(SNIFF_BYTES)
                _check_binary(head)
                fh.seek(0)
                yield from read_jsonl_lines(fh, source=source, stem=p.stem, max_chars=max_chars)
            return
        size = p.stat().st_size
        if size > 4 * max_chars:  # more than max_chars characters even at 4 bytes per character
            raise _too_long(size, max_chars, unit="bytes")
        content, warnings = decode_bytes(p.read_bytes())
        doc = _parse_text(content, kind, source, p.stem)
        _check_text(doc, max_chars)
        doc.warnings[:0] = warnings
        yield doc
    except InputError as exc:
        yield ReadError(source, str(exc))
    except OSError as exc:
        yield ReadError(source, exc.strerror or str(exc))


def _stream_lines(head: bytes, stream: BinaryIO) -> Iterator[bytes]:
    pending = head
    while True:
        *lines, pending = pending.split(b"\n")
        yield from lines
        chunk = _read_some(stream)
        if not chunk:
            break
        pending += chunk
    if pending:
        yield pending


def _read_some(stream: BinaryIO, n: int = 65536) -> bytes:
    read1 = getattr(stream, "read1", None)
    return read1(n) if read1 else stream.read(n)


def read_stdin(
    stream: BinaryIO | None = None, *, max_chars: int = DEFAULT_MAX_CHARS
) -> Iterator[Document | ReadError]:
    """Documents from stdin: JSON Lines if the first non-blank character is ``{``, else date-header text."""
    if stream is None:
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:  # a text-only stdin replacement
            import io

            stream = io.BytesIO(sys.stdin.read().encode("utf-8"))
    try:
        head = b""
        while True:
            chunk = _read_some(stream)
            if not chunk:
                break
            head += chunk
            if head.removeprefix(codecs.BOM_UTF8).strip():
                break
        first = head.removeprefix(codecs.BOM_UTF8).lstrip()[:1]
        if first == b"{":
            _check_binary(head)
            yield from read_jsonl_lines(_stream_lines(head, stream), source=STDIN_SOURCE, stem="stdin",
                                        max_chars=max_chars)
            return
        limit = 4 * max_chars
        data = head
        while len(data) <= limit:
            chunk = _read_some(stream, 1 << 20)
            if not chunk:
                break
            data += chunk
        if len(data) > limit:
            raise _too_long(len(data), max_chars, unit="bytes (at least)")
        content, warnings = decode_bytes(data)
        doc = _parse_text(content, "text", STDIN_SOURCE, "stdin")
        doc.source = STDIN_SOURCE
        _check_text(doc, max_chars)
        doc.warnings[:0] = warnings
        yield doc
    except InputError as exc:
        yield ReadError(STDIN_SOURCE, str(exc))
    except OSError as exc:
        yield ReadError(STDIN_SOURCE, exc.strerror or str(exc))


def expand_inputs(inputs: Iterable[str]) -> Iterator[Path | str | ReadError]:
    """Paths to read (``"-"`` stays ``"-"``), with a ReadError for an input that names nothing."""
    for item in inputs:
        if item == STDIN:
            yield STDIN
            continue
        p = Path(item)
        if p.is_dir():
            files = sorted(f for f in p.rglob("*") if f.suffix.lower() in FOLDER_SUFFIXES and f.is_file())
            if not files:
                yield ReadError(item, f"folder has no {', '.join('*' + s for s in FOLDER_SUFFIXES)} files")
            yield from files
        elif p.exists():
            yield p
        elif _GLOB_CHARS & set(item):
            matches = sorted(Path(m) for m in glob.glob(item, recursive=True))
            files = [m for m in matches if m.is_file()]
            if not files:
                yield ReadError(item, "no files match this pattern")
            yield from files
        else:
            yield ReadError(item, "no such file or directory")


def read_inputs(inputs: Iterable[str], *, max_chars: int = DEFAULT_MAX_CHARS) -> Iterator[Document | ReadError]:
    """Documents and errors from every input, in order. Never raises for a bad record."""
    for item in expand_inputs(inputs):
        if isinstance(item, ReadError):
            yield item
        elif item == STDIN:
            yield from read_stdin(max_chars=max_chars)
        else:
            yield from read_file(item, max_chars=max_chars)
