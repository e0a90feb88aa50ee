"""JSON Lines input: one article per line.

::

    {"id": "a1", "title": "...", "text": "...", "date": "2018-08-24", "lang": "nl"}

``text`` is required and must be a non-empty string. ``date`` (or, if absent,
``published_at``) is ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``, ``YYYY-MM-DDTHH:MM``
or a full ISO timestamp, or null. ``lang`` is ``nl``, ``en``, ``auto`` or null
(a region such as ``nl-BE`` is reduced to ``nl``). ``id`` defaults to
``<file stem>-<line number>``. Other keys are ignored.

Every bad line becomes a ``ReadError`` with its line number; blank lines are
skipped. Lines are decoded one by one (UTF-8, else cp1252 with a warning).
"""
from __future__ import annotations

import json
from typing import Iterable, Iterator

from tijdlijn.document import ArticleDate, DateError, Document
from tijdlijn.langdetect import SUPPORTED_LANGS
from tijdlijn.readers import ReadError, decode_legacy

__all__ = ["parse_record", "read_jsonl_lines"]


class RecordError(ValueError):
    pass


def parse_record(obj: object, *, default_id: str, source: str | None) -> Document:
    """A Document from one decoded JSON value; raises ``RecordError``."""
    if not isinstance(obj, dict):
        raise RecordError(f"expected a JSON object, got {type(obj).__name__}")
    text = obj.get("text")
    if text is None:
        raise RecordError("missing 'text'")
    if not isinstance(text, str):
        raise RecordError(f"'text' must be a string, got {type(text).__name__}")
    if not text.strip():
        raise RecordError("empty text")

    raw_id = obj.get("id")
    if raw_id is None or raw_id == "":
        doc_id = default_id
    elif isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool):
        doc_id = str(raw_id)
    else:
        raise RecordError(f"'id' must be a string or integer, got {type(raw_id).__name__}")

    title = obj.get("title")
    if title is not None and not isinstance(title, str):
        raise RecordError(f"'title' must be a string, got {type(title).__name__}")

    key = "date" if obj.get("date") not in (None, "") else "published_at"
    raw_date = obj.get(key)
    date = None
    if raw_date not in (None, ""):
        if isinstance(raw_date, bool) or not isinstance(raw_date, (str, int)):
            raise RecordError(f"'{key}' must be a string, got {type(raw_date).__name__}")
        try:
            date = ArticleDate.parse(str(raw_date))
        except DateError as exc:
            raise RecordError(f"bad '{key}': {exc}") from None

    raw_lang = obj.get("lang")
    lang = None
    if raw_lang not in (None, ""):
        if not isinstance(raw_lang, str):
            raise RecordError(f"'lang' must be a string, got {type(raw_lang).__name__}")
        primary = raw_lang.strip().lower().replace("_", "-").split("-")[0]
        if primary == "auto":
            lang = None
        elif primary in SUPPORTED_LANGS:
            lang = primary
        else:
            raise RecordError(
                f"unsupported lang {raw_lang!r} (expected one of {', '.join(SUPPORTED_LANGS)}, auto or null)"
            )

    return Document(text=text, id=doc_id, source=source, lang=lang, title=title, date=date)


def read_jsonl_lines(
    lines: Iterable[bytes | str], *, source: str, stem: str, max_chars: int | None = None
) -> Iterator[Document | ReadError]:
    """Documents/errors from the lines of a JSONL stream (bytes or already-decoded str)."""
    n_records = 0
    for lineno, raw in enumerate(lines, 1):
        if isinstance(raw, bytes):
            line, warnings = decode_legacy(raw)
        else:
            line, warnings = raw, []
        if lineno == 1 and line.startswith("\ufeff"):
            line = line[1:]
        if not line.strip():
            continue
        n_records += 1
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ReadError(source, f"invalid JSON: {exc.msg} (column {exc.colno})", lineno)
            continue
        try:
            doc = parse_record(obj, default_id=f"{stem}-{lineno}", source=source)
        except RecordError as exc:
            yield ReadError(source, str(exc), lineno)
            continue
        if max_chars is not None and len(doc.text) > max_chars:
            yield ReadError(
                source,
                f"text of {len(doc.text)} characters is longer than the limit of {max_chars} characters "
                "(raise it with --max-chars)",
                lineno,
            )
            continue
        doc.warnings.extend(warnings)
        doc.meta["source_line"] = lineno
        yield doc
    if n_records == 0:
        yield ReadError(source, "empty text (no JSON lines)")
