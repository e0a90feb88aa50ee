"""The date-header text format: ``date YYYY[-MM[-DD]][THH:MM]`` followed by the article text.

::

     date 2018-08 De leider van Islamitische Staat, ...

Leading whitespace is allowed, then the lower-case word ``date``, spaces/tabs,
the date, and whitespace (a space *or* a newline: the text may start on the same
line as the header). ``Document.text`` is everything after that whitespace, so
offsets are offsets into the text without the header; trailing whitespace is kept.

A file that does not start with ``date`` + space is read without an article
date (a warning, ``NO_HEADER_WARNING``). A file that does start with ``date`` +
space but has no valid date after it (``date yesterday``, ``date 2018-8``) is an
error, as is a well-formed but impossible date (``date 2019-02-30``).
"""
from __future__ import annotations

import re
from pathlib import Path

from tijdlijn.document import ArticleDate, DateError, Document

__all__ = ["HeaderError", "NO_HEADER_WARNING", "parse_dateheader", "split_dateheader"]

NO_HEADER_WARNING = "no date header ('date YYYY[-MM[-DD]] ...'); the article date is unknown"

_HEADER_RE = re.compile(r"\A\s*date[ \t]+(?P<value>\S*)")
_DATE_TOKEN_RE = re.compile(
    r"\A(?:\d{4}(?:-\d{2}(?:-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?)?)?)?|\d{4}-W\d{2})\Z"
)


class HeaderError(ValueError):
    """A date header that is malformed or names an impossible date."""


def split_dateheader(content: str) -> tuple[ArticleDate | None, str]:
    """``(article date or None, text)``; raises ``HeaderError`` for a bad header."""
    if content.startswith("\ufeff"):
        content = content[1:]
    m = _HEADER_RE.match(content)
    if not m:
        return None, content
    token = m["value"]
    if not _DATE_TOKEN_RE.match(token):
        line = content.lstrip().split("\n", 1)[0].strip()
        if len(line) > 60:
            line = line[:57] + "..."
        raise HeaderError(
            f"malformed date header {line!r}: expected 'date YYYY[-MM[-DD]][THH:MM]' followed by the text"
        )
    try:
        date = ArticleDate.parse(token)
    except DateError as exc:
        raise HeaderError(f"{exc} (in the date header)") from None
    return date, content[m.end():].lstrip()


def parse_dateheader(content: str, *, source: str | Path | None = None, id: str | None = None) -> Document:
    """A Document from date-header text. ``id`` defaults to the stem of ``source``."""
    date, text = split_dateheader(content)
    doc = Document(
        text=text,
        id=id if id is not None else (Path(source).stem if source else ""),
        source=str(source) if source else None,
        date=date,
    )
    if date is None:
        doc.warnings.append(NO_HEADER_WARNING)
    return doc
