"""HTML input: the main article of a web page, extracted with trafilatura.

``read_html_file`` (``.html``/``.htm``) and ``read_html_bytes`` (also used for
fetched pages) give one Document: the main text (boilerplate such as menus and
footers removed; paragraphs separated by blank lines; a first line repeating
the headline dropped), the title, the publication date, the declared language
and, in ``meta["url"]``, the page's URL (the fetched URL, else its canonical
link).

The date is the one trafilatura's metadata finds (htmldate, publication date
first), kept at the granularity the page really gives: a time when the page's
structured metadata (``article:published_time``, JSON-LD ``datePublished``,
``<time datetime>``) gives one for that day; otherwise a day, unless htmldate
only had a month or a year, which it pads to the first day — then the date is
that month or year, unless the page shows that exact day somewhere.

Nothing is fetched here: trafilatura and htmldate get an already parsed tree, and
the page's links are never followed. A page without article text becomes
``ReadError("no article text found in the page")``.
"""
from __future__ import annotations

import json
import logging
import re
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from tijdlijn.document import ArticleDate, DateError, Document
from tijdlijn.readers import ReadError, declared_lang, decode_legacy
from tijdlijn.readers.feed import day_if_midnight

__all__ = ["NO_ARTICLE", "decode_html", "html_date", "read_html_bytes", "read_html_file"]

NO_ARTICLE = "no article text found in the page"
MAX_EVIDENCE_CHARS = 2_000_000  # of page source searched for the exact day of a date
CHARSET_SNIFF_BYTES = 4096
MAX_PAGE_BYTES = 20 * 1024 * 1024  # as for fetched pages (and trafilatura's own MAX_FILE_SIZE)

for _name in ("trafilatura", "htmldate", "courlan", "justext"):
    _logger = logging.getLogger(_name)
    if not any(isinstance(h, logging.NullHandler) for h in _logger.handlers):
        _logger.addHandler(logging.NullHandler())  # no "parsed tree length" noise on stderr

# <meta charset="..."> or <meta http-equiv="Content-Type" content="text/html; charset=...">, in the first 4 KB
_META_CHARSET = re.compile(rb"""<meta\b[^<>]{0,512}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)

PUBLISHED_KEYS = (
    "article:published_time", "og:published_time", "og:article:published_time", "datepublished",
    "datecreated", "date", "dc.date", "dc.date.issued", "dc.date.created", "dcterms.date", "dcterms.issued",
    "dcterms.created", "pubdate", "publishdate", "publish-date", "publication_date", "publication-date",
    "sailthru.date", "parsely-pub-date", "article.published", "article_date_original", "originalpublicationdate",
    "citation_publication_date", "citation_date", "date.available", "uploaddate",
)
MODIFIED_KEYS = ("article:modified_time", "og:updated_time", "datemodified", "dcterms.modified", "lastmod",
                 "last-modified", "article.updated")
JSONLD_PUBLISHED = ("datePublished", "dateCreated", "uploadDate")
JSONLD_MODIFIED = ("dateModified",)

MONTH_NAMES = {
    1: ("januari", "january", "jan"),
    2: ("februari", "february", "feb", "febr"),
    3: ("maart", "march", "mrt", "mar"),
    4: ("april", "apr"),
    5: ("mei", "may"),
    6: ("juni", "june", "jun"),
    7: ("juli", "july", "jul"),
    8: ("augustus", "august", "aug"),
    9: ("september", "sept", "sep"),
    10: ("oktober", "october", "okt", "oct"),
    11: ("november", "nov"),
    12: ("december", "dec"),
}


# --------------------------------------------------------------------------- decoding


def decode_html(data: bytes, charset: str | None = None) -> tuple[str, list[str]]:
    """Text of an HTML page: the HTTP ``charset`` if given and valid, else UTF-8, else the
    ``<meta charset>`` the page declares, else cp1252 with a warning."""
    from tijdlijn.readers.files import decode_bytes

    if charset:
        try:
            return data.decode(charset), []
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
        return text, []
    except UnicodeDecodeError:
        pass
    m = _META_CHARSET.search(data[:CHARSET_SNIFF_BYTES])
    if m:
        try:
            return data.decode(m.group(1).decode("ascii")), []
        except (LookupError, UnicodeDecodeError):
            pass
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return decode_bytes(data)
    return decode_legacy(data)


# --------------------------------------------------------------------------- metadata evidence


def _parse_date(raw: object) -> ArticleDate | None:
    if not isinstance(raw, str) or not raw.strip() or len(raw) > 64:
        return None
    try:
        return day_if_midnight(ArticleDate.parse(raw.strip()))
    except DateError:
        return None


def _walk_jsonld(obj: Any, found: dict[str, list[str]], depth: int = 0) -> None:
    if depth > 8:
        return
    if isinstance(obj, list):
        for item in obj[:200]:
            _walk_jsonld(item, found, depth + 1)
    elif isinstance(obj, dict):
        for key in (*JSONLD_PUBLISHED, *JSONLD_MODIFIED, "inLanguage"):
            value = obj.get(key)
            if isinstance(value, str):
                found.setdefault(key, []).append(value)
        for value in obj.values():
            if isinstance(value, (list, dict)):
                _walk_jsonld(value, found, depth + 1)


def _page_evidence(tree: Any) -> tuple[list[ArticleDate], list[str]]:
    """Structured dates (published first, then ``<time>``, then modified) and declared languages."""
    published: list[str] = []
    times: list[str] = []
    modified: list[str] = []
    langs: list[str] = []
    root = tree.getroottree().getroot()
    for attr in ("lang", "{http://www.w3.org/XML/1998/namespace}lang"):
        if root.get(attr):
            langs.append(root.get(attr))
    for meta in root.iter("meta"):
        content = meta.get("content")
        if not content:
            continue
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key in PUBLISHED_KEYS:
            published.append(content)
        elif key in MODIFIED_KEYS:
            modified.append(content)
        elif (meta.get("http-equiv") or "").strip().lower() == "content-language" or key in (
            "og:locale", "language", "dc.language", "content-language"
        ):
            langs.append(content.split(",")[0])
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        found: dict[str, list[str]] = {}
        _walk_jsonld(data, found)
        for key in JSONLD_PUBLISHED:
            published.extend(found.get(key, []))
        for key in JSONLD_MODIFIED:
            modified.extend(found.get(key, []))
        langs.extend(found.get("inLanguage", []))
    for el in root.iter("time"):
        value = el.get("datetime")
        if not value:
            continue
        if (el.get("itemprop") or "").lower() in ("datepublished", "datecreated") or el.get("pubdate") is not None:
            published.append(value)
        else:
            times.append(value)
    dates = [d for d in (_parse_date(raw) for raw in (*published, *times, *modified)) if d is not None]
    return dates, langs


@lru_cache(maxsize=256)
def _day_patterns(y: int, m: int, d: int) -> re.Pattern[str]:
    """The day ``y-m-d`` written in the usual numeric, Dutch and English ways (linear: no nested repeats)."""
    months = "|".join(MONTH_NAMES[m])
    day = f"0?{d}"
    mon = f"0?{m}"
    yy = f"(?:{y}|'?{y % 100:02d})"
    return re.compile(
        "|".join([
            rf"(?<!\d){y}[-/.]{mon}[-/.]{day}(?!\d)",  # 2018-08-01, 2018/08/01 (also in URLs and attributes)
            rf"(?<!\d){y}{m:02d}{d:02d}(?!\d)",  # 20180801 (URLs)
            rf"(?<![\d/.-]){day}[-/.]{mon}[-/.]{yy}(?!\d)",  # 01-08-2018, 1.8.2018, 1/8/18
            rf"(?<![\d/.-]){mon}/{day}/{yy}(?!\d)",  # 08/01/2018
            rf"(?<!\d){day}(?:st|nd|rd|th|e|ste|de)?\.?(?:\s{{1,3}}of)?\s{{1,3}}(?:{months})\b\.?,?\s{{1,3}}{yy}(?!\d)",
            rf"\b(?:{months})\b\.?\s{{1,3}}{day}(?:st|nd|rd|th)?,?\s{{1,3}}{yy}(?!\d)",  # August 1, 2018
        ]),
        re.I,
    )


@lru_cache(maxsize=256)
def _month_patterns(y: int, m: int) -> re.Pattern[str]:
    """The month ``y-m`` written out (``augustus 2018``, ``2018-08``, ``08/2018``)."""
    months = "|".join(MONTH_NAMES[m])
    mon = f"0?{m}"
    return re.compile(
        "|".join([
            rf"\b(?:{months})\b\.?,?\s{{1,3}}{y}(?!\d)",
            rf"(?<!\d){y}[-/.]{mon}(?!\d)",
            rf"(?<![\d./-]){mon}[-/.]{y}(?!\d)",
        ]),
        re.I,
    )


def html_date(found: str | None, structured: list[ArticleDate], evidence_text: str = "") -> ArticleDate | None:
    """The article date from trafilatura's ``YYYY-MM-DD`` at the granularity the page supports.

    htmldate always answers with a day, padding a month or a year (with the 1st,
    or with today's day of the month for some partial dates). So the day is
    kept only if the page's structured metadata (``structured``, in order of
    preference) gives that day, or the page source or URL (``evidence_text``)
    writes it out; a time only if the metadata gives one for that day. Otherwise
    the date is the structured month/year containing it, else the month if the
    page writes it out (or it is not January), else the year.
    """
    if not found:
        return None
    try:
        day = date.fromisoformat(found[:10])
    except ValueError:
        return None
    same_day = [c for c in structured if c.granularity in ("time", "day") and c.earliest == day]
    if same_day:
        return next((c for c in same_day if c.granularity == "time"), same_day[0])
    text = evidence_text[:MAX_EVIDENCE_CHARS]
    if _day_patterns(day.year, day.month, day.day).search(text):
        return ArticleDate.parse(day.isoformat())
    coarse = [c for c in structured if c.granularity in ("month", "year") and c.earliest <= day <= c.latest]
    if coarse:
        return min(coarse, key=lambda c: c.latest - c.earliest)
    if day.month != 1 or _month_patterns(day.year, day.month).search(text):
        return ArticleDate.parse(f"{day.year:04d}-{day.month:02d}")
    return ArticleDate.parse(f"{day.year:04d}")


# --------------------------------------------------------------------------- text


def _is_prose(text: str) -> bool:
    """At least one line that reads like a sentence (not just a menu of link labels)."""
    for line in text.splitlines():
        words = line.split()
        if len(words) >= 5 or (len(words) >= 2 and words[-1][-1:] in ".!?"):
            return True
    return False


def _paragraphs(text: str, title: str | None) -> str:
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if lines and title and lines[0].casefold() == " ".join(title.split()).casefold():
        lines = lines[1:]
    return "\n\n".join(lines)


def read_html_bytes(
    data: bytes,
    *,
    source: str,
    doc_id: str,
    url: str | None = None,
    charset: str | None = None,
    max_chars: int | None = None,
) -> Iterator[Document | ReadError]:
    """One Document (or a ReadError) from the bytes of an HTML page.

    ``url`` is the address the page was fetched from (``None`` for a file);
    ``charset`` the one an HTTP ``Content-Type`` gave.
    """
    text, warnings = decode_html(data, charset)
    yield from read_html_text(text, source=source, doc_id=doc_id, url=url, max_chars=max_chars,
                              warnings=warnings)


def read_html_text(
    html: str,
    *,
    source: str,
    doc_id: str,
    url: str | None = None,
    max_chars: int | None = None,
    warnings: list[str] | None = None,
) -> Iterator[Document | ReadError]:
    """One Document (or a ReadError) from decoded HTML."""
    import trafilatura
    from trafilatura.utils import load_html

    if not html.strip():
        yield ReadError(source, "empty file")
        return
    tree = load_html(html)
    if tree is None:
        yield ReadError(source, NO_ARTICLE)
        return
    structured, langs = _page_evidence(tree)
    result = trafilatura.bare_extraction(
        tree, url=url, with_metadata=True, include_comments=False, include_tables=True, include_images=False,
        include_links=False, deduplicate=False,
    )
    raw_text = (getattr(result, "text", None) or "") if result is not None else ""
    if not _is_prose(raw_text):
        yield ReadError(source, NO_ARTICLE)
        return
    title = " ".join((result.title or "").split()) or None
    text = _paragraphs(raw_text, title)
    if not text:
        yield ReadError(source, NO_ARTICLE)
        return
    if max_chars is not None and len(text) > max_chars:
        yield ReadError(source, f"text of {len(text)} characters is longer than the limit of {max_chars} "
                                "characters (raise it with --max-chars)")
        return
    page_url = url or result.url or None
    evidence = " ".join(filter(None, [url, result.url, html[:MAX_EVIDENCE_CHARS]]))
    article_date = html_date(result.date, structured, evidence)
    doc_warnings = list(warnings or [])
    lang = None
    for raw in langs:
        lang, why = declared_lang(raw)
        if lang or why:
            if why:
                doc_warnings.append(why)
            break
    if article_date is None:
        doc_warnings.append("no publication date found in the page")
    doc = Document(text=text, id=doc_id, source=source, lang=lang, title=title, date=article_date)
    doc.warnings.extend(doc_warnings)
    if page_url:
        doc.meta["url"] = page_url
    for key in ("author", "sitename"):
        value = getattr(result, key, None)
        if value:
            doc.meta[key] = value
    yield doc


def read_html_file(path: str | Path, *, max_chars: int | None = None) -> Iterator[Document | ReadError]:
    """One Document (or a ReadError) from a saved ``.html``/``.htm`` page; never fetches anything."""
    p = Path(path)
    source = str(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        yield ReadError(source, exc.strerror or str(exc))
        return
    if len(data) > MAX_PAGE_BYTES:
        yield ReadError(source, f"page of {len(data)} bytes is larger than the limit of {MAX_PAGE_BYTES} bytes")
        return
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        yield ReadError(source, "binary file (NUL bytes in the first 8 KB); expected an HTML page")
        return
    yield from read_html_bytes(data, source=source, doc_id=p.stem, max_chars=max_chars)
