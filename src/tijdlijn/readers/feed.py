"""RSS/Atom input: one Document per feed entry, parsed with feedparser.

Files: ``.rss``, ``.atom``, and ``.xml`` whose root element is ``<rss>``,
``<feed>`` or ``<rdf:RDF>`` (``sniff_markup``; other ``.xml`` stays TimeML).
feedparser only ever gets bytes here, never a URL or a path, so it fetches
nothing (URLs are fetched by ``tijdlijn.readers.web``).

Each entry becomes a Document: ``id`` from the entry's id/guid, else its link,
else ``<stem>-<n>``; ``title``; ``text`` from the longest ``content`` or else
the ``summary``, HTML turned into plain text (block elements and ``<br><br>``
→ paragraphs separated by blank lines); ``date`` from ``published``, else
``updated``, at the granularity the feed gives (a time, or a day when only a
date or a bare midnight is given; ``2018-08`` stays a month); ``lang`` from the
feed's declared language (nl/en; another one gives a warning and detection);
``source`` the feed's path or URL; ``meta["url"]`` the entry's link.

A feed that cannot be parsed at all is one ``ReadError`` for the file; one that
feedparser flags as not well-formed but from which it recovers entries is read,
with a warning on each document. An entry without text is a ``ReadError`` for
that entry; the other entries are still read.
"""
from __future__ import annotations

import codecs
import io
import logging
import time
import urllib.parse
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Iterator

from tijdlijn.document import ArticleDate, DateError, Document
from tijdlijn.readers import ReadError, declared_lang

__all__ = ["FEED_ROOTS", "day_if_midnight", "feed_date", "html_to_text", "read_feed_bytes", "read_feed_file",
           "root_element", "sniff_markup"]

FEED_ROOTS = ("rss", "feed", "rdf:rdf")
SNIFF_CHARS = 8192

_logger = logging.getLogger("feedparser")
if not any(isinstance(h, logging.NullHandler) for h in _logger.handlers):
    _logger.addHandler(logging.NullHandler())


# --------------------------------------------------------------------------- sniffing


def _head_text(head: bytes) -> str:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head[: SNIFF_CHARS * 2].decode("utf-16", errors="ignore")
    return head[:SNIFF_CHARS].removeprefix(codecs.BOM_UTF8).decode("latin-1")


def root_element(head: bytes | str) -> str | None:
    """The name of the first element (lower-cased, prefix kept) after the XML declaration,
    processing instructions, comments and the DOCTYPE; ``"html"`` for ``<!DOCTYPE html>``;
    ``None`` when the start is not markup. Linear in the input, no regular expressions."""
    s = _head_text(head) if isinstance(head, bytes) else head[:SNIFF_CHARS]
    i, n = 0, len(s)
    while i < n:
        while i < n and s[i] in " \t\r\n\ufeff":
            i += 1
        if i >= n or s[i] != "<":
            return None
        if s.startswith("<?", i):
            j = s.find("?>", i + 2)
            if j < 0:
                return None
            i = j + 2
        elif s.startswith("<!--", i):
            j = s.find("-->", i + 4)
            if j < 0:
                return None
            i = j + 3
        elif s.startswith("<!", i):
            if s[i + 2:i + 9].upper() == "DOCTYPE":
                name = s[i + 9:i + 80].split(None, 1)
                if name and name[0].rstrip(">").lower() == "html":
                    return "html"
            j = s.find(">", i)
            bracket = s.find("[", i, j if j >= 0 else n)
            if bracket >= 0:  # internal subset: skip to "]>"
                k = s.find("]", bracket)
                j = s.find(">", k) if k >= 0 else -1
            if j < 0:
                return None
            i = j + 1
        else:
            j = i + 1
            while j < n and s[j] not in " \t\r\n/>":
                j += 1
            return s[i + 1:j].lower() or None
    return None


def sniff_markup(head: bytes | str) -> str | None:
    """``"feed"``, ``"html"``, ``"timeml"``, ``"xml"`` (another root) or ``None`` (not markup)."""
    root = root_element(head)
    if root is None:
        return None
    if root in FEED_ROOTS or root.endswith((":feed", ":rss")):
        return "feed"
    if root in ("html", "head", "body") or root.startswith("html:"):
        return "html"
    if root == "timeml":
        return "timeml"
    return "xml"


# --------------------------------------------------------------------------- HTML → text

_BLOCKS = frozenset(
    "address article aside blockquote caption dd details div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody thead tfoot tr ul".split()
)
_SKIP = frozenset("script style noscript template head title iframe object svg math".split())
_CELLS = frozenset(("td", "th"))


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.lines: list[str] = []
        self.buf: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in _SKIP:
            self.skip += 1
        elif tag == "br":
            self._newline()
        elif tag in _BLOCKS:
            self._flush()
        elif tag in _CELLS:
            self.buf.append(" ")

    def handle_startendtag(self, tag: str, attrs: Any) -> None:
        if tag not in _SKIP:  # <script/> opens nothing
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCKS:
            self._flush()
        elif tag in _CELLS:
            self.buf.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.buf.append(data)

    def _newline(self) -> None:
        self.lines.append(" ".join("".join(self.buf).split()))
        self.buf = []

    def _flush(self) -> None:
        self._newline()
        para: list[str] = []
        for line in self.lines:  # an empty line (<br><br>) separates paragraphs
            if line:
                para.append(line)
            elif para:
                self.paragraphs.append("\n".join(para))
                para = []
        if para:
            self.paragraphs.append("\n".join(para))
        self.lines = []

    def text(self) -> str:
        self.close()
        self._flush()
        return "\n\n".join(self.paragraphs)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: entities decoded, scripts/styles dropped, whitespace
    collapsed, ``<br>`` → line break, block elements and ``<br><br>`` → blank-line paragraphs."""
    parser = _TextExtractor()
    parser.feed(fragment)
    return parser.text()


def _plain_text(value: str) -> str:
    paragraphs: list[str] = []
    para: list[str] = []
    for line in value.splitlines():
        line = " ".join(line.split())
        if line:
            para.append(line)
        elif para:
            paragraphs.append("\n".join(para))
            para = []
    if para:
        paragraphs.append("\n".join(para))
    return "\n\n".join(paragraphs)


def _detail_text(detail: Any) -> str:
    value = detail.get("value") or ""
    kind = (detail.get("type") or "text/html").lower()
    if kind == "text/plain":
        return _plain_text(value)
    return html_to_text(value)


# --------------------------------------------------------------------------- dates


def day_if_midnight(d: ArticleDate) -> ArticleDate:
    """A time of exactly midnight is how date-only CMSs write a day: keep it a day."""
    if d.granularity == "time" and d.value.endswith("T00:00"):
        return ArticleDate.parse(d.value[:10])
    return d


def feed_date(raw: object, parsed: time.struct_time | None = None) -> ArticleDate | None:
    """The date of a feed entry from its raw string (W3CDTF/ISO or RFC 822), at its real granularity;
    feedparser's UTC ``*_parsed`` tuple as a last resort. ``None`` if there is no usable date."""
    s = raw.strip() if isinstance(raw, str) else ""
    if s and len(s) <= 100:
        try:
            return day_if_midnight(ArticleDate.parse(s))
        except DateError:
            pass
        try:
            dt = parsedate_to_datetime(s)
        except (TypeError, ValueError, IndexError, OverflowError):
            dt = None
        if dt is not None:
            if ":" in s:
                return day_if_midnight(ArticleDate.parse(f"{dt:%Y-%m-%dT%H:%M}"))
            return ArticleDate.parse(f"{dt:%Y-%m-%d}")
    if parsed:
        try:
            if ":" in s:
                return day_if_midnight(ArticleDate.parse(time.strftime("%Y-%m-%dT%H:%M", parsed)))
            return ArticleDate.parse(time.strftime("%Y-%m-%d", parsed))
        except (DateError, ValueError, TypeError, OverflowError):
            return None
    return None


# --------------------------------------------------------------------------- reading


def _bozo_reason(exc: object) -> str:
    if exc is None:
        return "unknown error"
    get_message = getattr(exc, "getMessage", None)
    get_line = getattr(exc, "getLineNumber", None)
    if callable(get_message) and callable(get_line):
        try:
            return f"{get_message()} (line {get_line()})"
        except Exception:  # noqa: BLE001 - best effort only
            pass
    return str(exc) or type(exc).__name__


def _self_link(feed: Any) -> str | None:
    for link in feed.get("links") or []:
        if link.get("rel") == "self" and link.get("href"):
            return str(link["href"])
    return None


def _entry_text(entry: Any) -> str:
    candidates = [c for c in entry.get("content") or [] if (c.get("value") or "").strip()]
    candidates.sort(key=lambda c: len(c.get("value") or ""), reverse=True)
    texts = [_detail_text(c) for c in candidates]
    summary = entry.get("summary_detail") or ({"value": entry.get("summary"), "type": "text/html"}
                                              if entry.get("summary") else None)
    if summary:
        texts.append(_detail_text(summary))
    return next((t for t in texts if t.strip()), "")


def _entry_title(entry: Any) -> str | None:
    detail = entry.get("title_detail") or {}
    title = entry.get("title")
    if not title:
        return None
    if (detail.get("type") or "text/plain").lower() in ("text/html", "application/xhtml+xml"):
        title = html_to_text(title)
    return " ".join(title.split()) or None


def read_feed_bytes(
    data: bytes,
    *,
    source: str,
    stem: str,
    url: str | None = None,
    content_type: str | None = None,
    max_chars: int | None = None,
) -> Iterator[Document | ReadError]:
    """Documents/errors from the bytes of an RSS/Atom feed (``url``: where it was fetched from,
    for relative links; ``content_type``: the HTTP header, for its charset)."""
    import feedparser

    headers: dict[str, str] = {}
    if content_type:
        headers["content-type"] = content_type
    if url:
        headers["content-location"] = url
    try:
        parsed = feedparser.parse(io.BytesIO(data), response_headers=headers or None)
    except Exception as exc:  # noqa: BLE001 - a parser crash on odd input is a bad input, not our crash
        yield ReadError(source, f"not a readable RSS/Atom feed: {type(exc).__name__}: {exc}")
        return
    version = parsed.get("version") or ""
    entries = list(parsed.get("entries") or [])
    feed_warnings: list[str] = []
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        benign = isinstance(exc, (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType))
        if not version and not entries:
            yield ReadError(source, f"not a readable RSS/Atom feed: {_bozo_reason(exc)}")
            return
        if not benign:
            feed_warnings.append(f"feed is not well-formed ({_bozo_reason(exc)}); read leniently")
    if not version and not entries:
        yield ReadError(source, "not an RSS/Atom feed (no <rss>, <feed> or <rdf:RDF> with entries)")
        return
    if not entries:
        yield ReadError(source, "feed has no entries")
        return
    feed = parsed.get("feed") or {}
    base = url or _self_link(feed) or feed.get("link") or None
    for n, entry in enumerate(entries, 1):
        entry_id = str(entry.get("id") or entry.get("link") or f"{stem}-{n}").strip() or f"{stem}-{n}"
        label = f"entry {n} ({entry_id})"
        text = _entry_text(entry)
        if not text.strip():
            yield ReadError(source, f"{label}: no text (neither content nor summary)")
            continue
        if max_chars is not None and len(text) > max_chars:
            yield ReadError(source, f"{label}: text of {len(text)} characters is longer than the limit of "
                                    f"{max_chars} characters (raise it with --max-chars)")
            continue
        warnings = list(feed_warnings)
        date = None
        for key in ("published", "updated", "created"):
            raw = entry.get(key)
            if raw or entry.get(f"{key}_parsed"):
                date = feed_date(raw, entry.get(f"{key}_parsed"))
                if date is None:
                    warnings.append(f"{label}: unrecognised {key} date {str(raw)[:60]!r}")
                break
        else:
            warnings.append(f"{label}: no published or updated date")
        lang = None
        details = [*(entry.get("content") or []), entry.get("summary_detail") or {}]
        declared = [d.get("language") for d in details if d.get("language")] + [feed.get("language")]
        for raw_lang in declared:
            lang, why = declared_lang(raw_lang)
            if lang or why:
                if why:
                    warnings.append(why)
                break
        doc = Document(text=text, id=entry_id, source=source, lang=lang, title=_entry_title(entry), date=date)
        doc.warnings.extend(warnings)
        link = (entry.get("link") or "").strip()
        if link:
            if base and not urllib.parse.urlsplit(link).scheme:
                link = urllib.parse.urljoin(base, link)  # a relative link in a saved feed
            doc.meta["url"] = link
        yield doc


def read_feed_file(path: str | Path, *, max_chars: int | None = None) -> Iterator[Document | ReadError]:
    """Documents/errors from a saved ``.rss``/``.atom``/``.xml`` feed."""
    p = Path(path)
    source = str(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        yield ReadError(source, exc.strerror or str(exc))
        return
    if not data.strip():
        yield ReadError(source, "empty file")
        return
    yield from read_feed_bytes(data, source=source, stem=p.stem, max_chars=max_chars)
