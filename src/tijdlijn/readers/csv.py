"""CSV/TSV input: one article per row, columns named in a header line.

The fields are those of JSON Lines (``id``, ``title``, ``text``, ``date``,
``lang``) plus ``url`` (kept in ``doc.meta["url"]``). By default each field is
read from the column of the same name (case and surrounding blanks ignored) or,
when there is none, from the first alias present (``DEFAULT_ALIASES``: e.g.
``body``/``content`` for ``text``, ``published_at``/``published`` for ``date``).
A mapping such as ``{"text": "body", "date": "published"}`` (on the command line
``--columns text=body,date=published``, see ``parse_column_mapping``) names the
column of a field explicitly; a mapped column that is absent is an error for the
whole file. ``text`` is required; the other fields are optional.

The delimiter is ``\\t`` for ``.tsv``; for other files it is sniffed from the
header line (``,``, ``;``, tab or ``|``; Dutch spreadsheet exports use ``;``).
Quoted fields may span lines. Decoding: UTF-8 (BOM fine, UTF-16 with BOM too),
else cp1252 with a warning. Each row is validated like a JSON Lines record
(``jsonl.parse_record``); a bad row becomes a ``ReadError`` with the line
number where the row starts, and the other rows are still read.
"""
from __future__ import annotations

import csv as _csv
import io
import sys
from pathlib import Path
from typing import Iterator, Mapping

from tijdlijn.document import Document
from tijdlijn.readers import ReadError
from tijdlijn.readers.jsonl import RecordError, parse_record

__all__ = [
    "DEFAULT_ALIASES",
    "FIELDS",
    "check_column_mapping",
    "parse_column_mapping",
    "read_csv",
    "read_csv_bytes",
    "read_csv_text",
    "sniff_delimiter",
]

FIELDS = ("id", "title", "text", "date", "lang", "url")
REQUIRED = ("text",)
# Columns used for a field when the file has no column named like the field, in order of preference.
DEFAULT_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("guid", "uuid", "article_id", "doc_id", "identifier"),
    "title": ("headline", "titel", "kop"),
    "text": ("body", "content", "article", "article_text", "full_text", "fulltext", "tekst", "inhoud"),
    "date": ("published_at", "published", "publication_date", "pub_date", "pubdate", "date_published",
             "datum", "publicatiedatum"),
    "lang": ("language", "taal", "locale"),
    "url": ("link", "source_url", "article_url"),
}
DELIMITERS = (",", ";", "\t", "|")
MAPPING_SYNTAX = "FIELD=COLUMN[,FIELD=COLUMN...]"
_FIELD_SIZE_LIMIT = min(sys.maxsize, 2**31 - 1)


# --------------------------------------------------------------------------- column mapping


def check_column_mapping(mapping: Mapping[str, str] | None) -> dict[str, str]:
    """A validated copy of ``mapping`` with lower-cased field names; ``ValueError`` if invalid."""
    out: dict[str, str] = {}
    for raw_field, column in (mapping or {}).items():
        field = str(raw_field).strip().lower()
        if field not in FIELDS:
            raise ValueError(f"unknown field {raw_field!r} in column mapping (fields: {', '.join(FIELDS)})")
        if field in out:
            raise ValueError(f"field {field!r} is mapped twice in column mapping")
        if not isinstance(column, str) or not column.strip():
            raise ValueError(f"empty column name for field {field!r} in column mapping")
        out[field] = column.strip()
    return out


def parse_column_mapping(spec: str) -> dict[str, str]:
    """``"text=body,date=published"`` → ``{"text": "body", "date": "published"}``.

    Fields are ``id``, ``title``, ``text``, ``date``, ``lang`` and ``url`` (any
    case); blanks around names are ignored; a column name may contain ``=`` but
    not ``,``. Raises ``ValueError`` with a readable message for bad syntax, an
    unknown or repeated field, or an empty column name.
    """
    if not spec or not spec.strip():
        raise ValueError(f"empty column mapping (expected {MAPPING_SYNTAX})")
    pairs: list[tuple[str, str]] = []
    for item in spec.split(","):
        field, eq, column = item.partition("=")
        if not item.strip():
            raise ValueError(f"empty item in column mapping {spec!r} (expected {MAPPING_SYNTAX})")
        if not eq:
            raise ValueError(f"bad column mapping item {item.strip()!r}: expected FIELD=COLUMN, e.g. text=body")
        if not field.strip():
            raise ValueError(f"bad column mapping item {item.strip()!r}: no field name before '='")
        if not column.strip():
            raise ValueError(f"bad column mapping item {item.strip()!r}: no column name after '='")
        pairs.append((field, column))
    seen: set[str] = set()
    for field, _ in pairs:
        key = field.strip().lower()
        if key in seen:
            raise ValueError(f"field {key!r} is mapped twice in column mapping {spec!r}")
        seen.add(key)
    return check_column_mapping({field.strip(): column for field, column in pairs})


# --------------------------------------------------------------------------- reading


class CSVFileError(ValueError):
    """The whole file cannot be read (e.g. a mapped column is missing)."""


def _count_outside_quotes(line: str, delim: str) -> int:
    n, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delim and not quoted:
            n += 1
    return n


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header line: the most frequent of ``, ; TAB |`` outside quotes (``,`` if none)."""
    head = text[:65536].lstrip("\r\n")
    header = head.split("\n", 1)[0]
    counts = {d: _count_outside_quotes(header, d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])  # ties keep the earlier (preferred) delimiter
    return best if counts[best] else ","


def _resolve_columns(header: list[str], mapping: dict[str, str]) -> dict[str, int]:
    """Field → column index; raises ``CSVFileError`` for a mapped column that is absent."""
    names = [h.strip() for h in header]
    exact: dict[str, int] = {}
    folded: dict[str, int] = {}
    for i, name in enumerate(names):
        exact.setdefault(name, i)
        folded.setdefault(name.casefold(), i)

    def find(name: str) -> int | None:
        if name in exact:
            return exact[name]
        return folded.get(name.strip().casefold())

    present = ", ".join(repr(n) for n in names) or "none"
    out: dict[str, int] = {}
    for field in FIELDS:
        if field in mapping:
            i = find(mapping[field])
            if i is None:
                raise CSVFileError(
                    f"no column {mapping[field]!r} (mapped to {field!r}) in the header; columns present: {present}"
                )
            out[field] = i
            continue
        for name in (field, *DEFAULT_ALIASES.get(field, ())):
            i = find(name)
            if i is not None:
                out[field] = i
                break
    for field in REQUIRED:
        if field not in out:
            aliases = "/".join(DEFAULT_ALIASES.get(field, ()))
            raise CSVFileError(
                f"no {field!r} column (nor {aliases}) in the header; columns present: {present} "
                f"(name it with --columns {field}=COLUMN)"
            )
    return out


def _annotate(message: str, columns: dict[str, str]) -> str:
    """Name the CSV column in a ``parse_record`` message about a field read from another column."""
    for field, column in columns.items():
        quoted = f"'{field}'"
        if column != field and quoted in message:
            return message.replace(quoted, f"{quoted} (column {column!r})", 1)
    return message


def read_csv_text(
    text: str,
    *,
    source: str,
    stem: str,
    columns: Mapping[str, str] | None = None,
    delimiter: str | None = None,
    max_chars: int | None = None,
    warnings: list[str] | None = None,
) -> Iterator[Document | ReadError]:
    """Documents/errors from decoded CSV text (see the module docstring)."""
    mapping = check_column_mapping(columns)
    text = text.removeprefix("\ufeff")
    if _csv.field_size_limit() < _FIELD_SIZE_LIMIT:
        _csv.field_size_limit(_FIELD_SIZE_LIMIT)
    delim = delimiter or sniff_delimiter(text)
    reader = _csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True)
    header: list[str] | None = None
    index: dict[str, int] = {}
    used: dict[str, str] = {}
    n_rows = 0
    last_line = 0
    while True:
        start = last_line + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except _csv.Error as exc:
            last_line = reader.line_num
            why = str(exc)
            if "unexpected end of data" in why:
                why = "a quoted field is never closed (unexpected end of data)"
            if header is None:
                yield ReadError(source, f"bad CSV header: {why}", start)
                return
            yield ReadError(source, f"bad CSV row: {why}", start)
            continue
        last_line = reader.line_num
        if not row or all(not cell.strip() for cell in row):
            continue  # blank line
        if header is None:
            header = row
            try:
                index = _resolve_columns(header, mapping)
            except CSVFileError as exc:
                yield ReadError(source, str(exc))
                return
            used = {field: header[i].strip() for field, i in index.items()}
            continue
        n_rows += 1
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header):]):
            yield ReadError(
                source,
                f"row has {len(row)} fields but the header has {len(header)} "
                f"(an unquoted {'TAB' if delim == chr(9) else repr(delim)} in a field?)",
                start,
            )
            continue
        record: dict[str, str | None] = {}
        for field, i in index.items():
            value = row[i] if i < len(row) else ""
            record[field] = value if value.strip() else None
        if record.get("text") is None:
            record["text"] = ""  # → "empty text"
        try:
            doc = parse_record(record, default_id=f"{stem}-{start}", source=source)
        except RecordError as exc:
            yield ReadError(source, _annotate(str(exc), used), start)
            continue
        if max_chars is not None and len(doc.text) > max_chars:
            yield ReadError(
                source,
                f"text of {len(doc.text)} characters is longer than the limit of {max_chars} characters "
                "(raise it with --max-chars)",
                start,
            )
            continue
        if record.get("url"):
            doc.meta["url"] = record["url"].strip()
        doc.meta["source_line"] = start
        if warnings:
            doc.warnings.extend(warnings)
        yield doc
    if header is None:
        yield ReadError(source, "empty CSV file (no header line)")
    elif n_rows == 0:
        yield ReadError(source, "CSV file has a header but no rows")


def read_csv_bytes(
    data: bytes,
    *,
    source: str,
    stem: str,
    columns: Mapping[str, str] | None = None,
    delimiter: str | None = None,
    max_chars: int | None = None,
    charset: str | None = None,
) -> Iterator[Document | ReadError]:
    """Documents/errors from raw CSV bytes (``charset``, e.g. from an HTTP header, is tried first)."""
    from tijdlijn.readers.files import InputError, decode_bytes

    text: str | None = None
    warnings: list[str] = []
    if charset:
        try:
            text = data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            text = None
    if text is None:
        try:
            text, warnings = decode_bytes(data)
        except InputError as exc:
            yield ReadError(source, str(exc))
            return
    yield from read_csv_text(text, source=source, stem=stem, columns=columns, delimiter=delimiter,
                             max_chars=max_chars, warnings=warnings)


def read_csv(
    path: str | Path,
    *,
    columns: Mapping[str, str] | None = None,
    max_chars: int | None = None,
) -> Iterator[Document | ReadError]:
    """Documents/errors from a ``.csv``/``.tsv`` file (tab-delimited for ``.tsv``, else sniffed)."""
    p = Path(path)
    source = str(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        yield ReadError(source, exc.strerror or str(exc))
        return
    delimiter = "\t" if p.suffix.lower() == ".tsv" else None
    yield from read_csv_bytes(data, source=source, stem=p.stem, columns=columns, delimiter=delimiter,
                              max_chars=max_chars)
