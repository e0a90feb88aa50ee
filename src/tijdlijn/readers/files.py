"""Turn command-line inputs (files, folders, globs, URLs, ``-``) into Documents.

``read_inputs`` never raises for a bad input: every problem becomes a
``ReadError`` in the stream, in input order, and the other inputs are still read.

Dispatch by extension: ``.jsonl``/``.ndjson`` → JSON Lines, ``.csv``/``.tsv`` →
CSV (``readers.csv``; a column mapping is passed as ``columns=``),
``.html``/``.htm`` → the article of a saved web page (``readers.html``),
``.rss``/``.atom`` → RSS/Atom feed (``readers.feed``), ``.tml`` → TimeML, ``.xml``
→ a feed if its root element is ``<rss>``/``<feed>``/``<rdf:RDF>``, else TimeML,
anything else → date-header text. ``http://``/``https://`` inputs are fetched
once (``readers.web``) and read as a feed, an HTML page or CSV by Content-Type and
content. A folder is searched recursively for ``FOLDER_SUFFIXES`` (sorted by
path). ``-`` is stdin: JSON Lines if its first non-blank character is ``{``, else
date-header text.

Decoding: UTF-8 (a BOM is fine; a UTF-16 BOM is honoured too); otherwise cp1252
(then latin-1) with a warning in ``doc.warnings``. NUL bytes in the first 8 KB
mean a binary file (an error).
"""
from __future__ import annotations

import codecs
import glob
import sys
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator, Mapping

from tijdlijn.document import Document
from tijdlijn.readers import ReadError, decode_legacy, is_url
from tijdlijn.readers.dateheader import HeaderError, parse_dateheader
from tijdlijn.readers.jsonl import read_jsonl_lines

__all__ = [
    "DEFAULT_MAX_CHARS",
    "MULTI_DOCUMENT_KINDS",
    "STDIN",
    "decode_bytes",
    "expand_inputs",
    "input_kind",
    "is_url",
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
CSV_SUFFIXES = (".csv", ".tsv")
HTML_SUFFIXES = (".html", ".htm")
FEED_SUFFIXES = (".rss", ".atom")
FOLDER_SUFFIXES = (".txt", ".jsonl", ".ndjson", ".tml", *CSV_SUFFIXES, *HTML_SUFFIXES, *FEED_SUFFIXES)
# kinds whose one input can hold many documents (or, for a URL, may)
MULTI_DOCUMENT_KINDS = frozenset({"jsonl", "csv", "feed", "url"})
_GLOB_CHARS = set("*?[")


class InputError(ValueError):
    """Internal: a whole input that cannot be read (becomes a ReadError)."""


def _xml_kind(path: Path) -> str:
    """``feed`` for an ``.xml`` file whose root is ``<rss>``/``<feed>``/``<rdf:RDF>``, else ``timeml``."""
    from tijdlijn.readers.feed import sniff_markup

    try:
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError:
        return "timeml"
    return "feed" if sniff_markup(head) == "feed" else "timeml"


def input_kind(path: str | Path) -> str:
    """``url``, ``jsonl``, ``csv``, ``html``, ``feed``, ``timeml`` or ``text``.

    By file extension; an existing ``.xml`` file is sniffed (feed root → ``feed``,
    anything else stays ``timeml``). See ``MULTI_DOCUMENT_KINDS``.
    """
    if isinstance(path, str) and is_url(path):
        return "url"
    suffix = Path(path).suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in FEED_SUFFIXES:
        return "feed"
    if suffix == ".xml":
        return _xml_kind(Path(path))
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


def read_file(
    path: str | Path,
    *,
    max_chars: int = DEFAULT_MAX_CHARS,
    columns: Mapping[str, str] | None = None,
) -> Iterator[Document | ReadError]:
    """Documents (or errors) from one file, dispatched by extension (``columns``: CSV column mapping).

    An http(s) URL given as a string is fetched and read (``readers.web.read_url``).
    """
    if isinstance(path, str) and is_url(path):
        from tijdlijn.readers.web import read_url

        yield from read_url(path, max_chars=max_chars, columns=columns)
        return
    p = Path(path)
    source = str(path)
    kind = input_kind(p)
    try:
        if not p.exists():
            raise InputError("no such file or directory")
        if p.is_dir():
            raise InputError("is a directory")
        if kind == "csv":
            from tijdlijn.readers.csv import read_csv

            yield from read_csv(p, columns=columns, max_chars=max_chars)
            return
        if kind == "html":
            from tijdlijn.readers.html import read_html_file

            yield from read_html_file(p, max_chars=max_chars)
            return
        if kind == "feed":
            from tijdlijn.readers.feed import read_feed_file

            yield from read_feed_file(p, max_chars=max_chars)
            return
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
    """Paths to read (``"-"`` and http(s) URLs stay strings), with a ReadError for an input that names nothing."""
    for item in inputs:
        if item == STDIN or is_url(item):
            yield item
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


def read_inputs(
    inputs: Iterable[str],
    *,
    max_chars: int = DEFAULT_MAX_CHARS,
    columns: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> Iterator[Document | ReadError]:
    """Documents and errors from every input, in order. Never raises for a bad record or input.

    ``columns`` maps CSV fields to column names for every CSV input (e.g. the
    result of ``readers.csv.parse_column_mapping("text=body,date=published")``);
    an invalid mapping raises ``ValueError`` here, before anything is read.
    ``timeout``: seconds for fetching each URL (default ``web.DEFAULT_TIMEOUT``).
    """
    from tijdlijn.readers.csv import check_column_mapping

    mapping = check_column_mapping(columns) if columns else None
    return _read_inputs(inputs, max_chars=max_chars, columns=mapping, timeout=timeout)


def _read_inputs(
    inputs: Iterable[str], *, max_chars: int, columns: Mapping[str, str] | None, timeout: float | None
) -> Iterator[Document | ReadError]:
    for item in expand_inputs(inputs):
        if isinstance(item, ReadError):
            yield item
        elif item == STDIN:
            yield from read_stdin(max_chars=max_chars)
        elif isinstance(item, str) and is_url(item):
            from tijdlijn.readers.web import DEFAULT_TIMEOUT, read_url

            yield from read_url(item, max_chars=max_chars, columns=columns,
                                timeout=DEFAULT_TIMEOUT if timeout is None else timeout)
        else:
            yield from read_file(item, max_chars=max_chars, columns=columns)
