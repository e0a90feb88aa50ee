"""http(s) inputs: fetch once with urllib, then read the response as a feed, an HTML page or CSV.

``fetch`` sends one GET (redirects to http/https followed) with a User-Agent and
a timeout (``DEFAULT_TIMEOUT`` seconds for connecting and for each read, and
for the whole body), refuses bodies over ``MAX_BYTES``, and raises
``FetchError`` with a readable reason (DNS failure, connection refused,
timeout, HTTP status, TLS error, too large). ``read_url`` never raises for a bad
URL: every problem is a ``ReadError`` naming the URL.

Dispatch: the ``Content-Type`` (RSS/Atom/RDF types → feed; ``text/html``,
``application/xhtml+xml`` → HTML; ``text/csv``/``text/tab-separated-values`` →
CSV), checked against the first bytes (a feed served as ``text/html`` or
``text/xml`` is still a feed; an HTML page served as XML is still HTML).
"""
from __future__ import annotations

import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from dataclasses import dataclass
from http.client import HTTPException
from pathlib import PurePosixPath
from typing import Iterator, Mapping

from tijdlijn.document import Document
from tijdlijn.readers import ReadError, is_url

__all__ = ["DEFAULT_TIMEOUT", "MAX_BYTES", "USER_AGENT", "FetchError", "Fetched", "fetch", "is_url", "read_url"]

DEFAULT_TIMEOUT = 20.0
MAX_BYTES = 20 * 1024 * 1024
USER_AGENT = "tijdlijn/0.1 (news timeline reader; Python urllib)"
ACCEPT = ("application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, text/html;q=0.9, "
          "application/xhtml+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, text/csv;q=0.5, */*;q=0.1")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/rss",
              "application/x-rss+xml", "application/x-atom+xml")
HTML_TYPES = ("text/html", "application/xhtml+xml")
XML_TYPES = ("application/xml", "text/xml")
CSV_TYPES = ("text/csv", "text/tab-separated-values", "application/csv")


class FetchError(Exception):
    """A URL that could not be fetched; ``str()`` is the reason."""


@dataclass
class Fetched:
    url: str  # the requested URL
    final_url: str  # after redirects
    status: int
    data: bytes
    content_type: str  # media type, lower-cased, without parameters ("" if none)
    charset: str | None
    header: str  # the raw Content-Type header


class _HTTPOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if urllib.parse.urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise FetchError(f"redirection to a non-http(s) URL {newurl[:200]!r} is not allowed")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener() -> urllib.request.OpenerDirector:
    # only http/https handlers (plus proxies from the environment): no file:, ftp: or data: fetches
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.ProxyHandler(), urllib.request.HTTPHandler(), urllib.request.HTTPSHandler(),
                    urllib.request.HTTPDefaultErrorHandler(), _HTTPOnlyRedirects(),
                    urllib.request.HTTPErrorProcessor()):
        opener.add_handler(handler)
    return opener


def _reason(exc: BaseException, timeout: float) -> str:
    """A short human reason for a network failure."""
    if isinstance(exc, urllib.error.URLError) and not isinstance(exc, urllib.error.HTTPError):
        reason = exc.reason
        if isinstance(reason, BaseException):
            return _reason(reason, timeout)
        return str(reason)
    if isinstance(exc, socket.gaierror):
        return f"cannot resolve the host name ({exc.strerror or exc})"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return f"timed out after {timeout:g} s"
    if isinstance(exc, ConnectionResetError):
        return "connection reset by the server"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS certificate not accepted ({exc.verify_message or exc.reason})"
    if isinstance(exc, ssl.SSLError):
        return f"TLS error ({exc.reason or exc})"
    if isinstance(exc, HTTPException):
        return f"bad HTTP response ({type(exc).__name__}{': ' + str(exc) if str(exc) else ''})"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc) or type(exc).__name__
    return str(exc) or type(exc).__name__


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


def _decompress(data: bytes, encoding: str, max_bytes: int) -> bytes:
    if encoding in ("", "identity"):
        return data
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise FetchError(f"unsupported Content-Encoding {encoding!r}")
    wbits = 16 + zlib.MAX_WBITS if "gzip" in encoding else zlib.MAX_WBITS
    try:
        d = zlib.decompressobj(wbits)
        out = d.decompress(data, max_bytes + 1)
        if encoding == "deflate" and not out and data:
            d = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, as some servers send it
            out = d.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise FetchError(f"corrupt {encoding} response ({exc})") from None
    if len(out) > max_bytes:
        raise FetchError(f"response larger than the limit of {_megabytes(max_bytes)}")
    return out


def fetch(url: str, *, timeout: float = DEFAULT_TIMEOUT, max_bytes: int = MAX_BYTES) -> Fetched:
    """GET ``url``; raises ``FetchError`` (never another exception for a network/HTTP problem)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FetchError("not a valid http(s) URL")
    request = urllib.request.Request(url, headers={
        "User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate",
        "Accept-Language": "nl, en;q=0.8, *;q=0.5",
    })
    deadline = time.monotonic() + timeout
    try:
        with _opener().open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.strip().isdigit() and int(length) > max_bytes:
                raise FetchError(f"response of {_megabytes(int(length))} is larger than the limit of "
                                 f"{_megabytes(max_bytes)}")
            chunks: list[bytes] = []
            size = 0
            while True:
                chunk = response.read1(65536) if hasattr(response, "read1") else response.read(65536)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"response larger than the limit of {_megabytes(max_bytes)}")
                if time.monotonic() > deadline:
                    raise FetchError(f"timed out after {timeout:g} s (body still arriving)")
                chunks.append(chunk)
            data = b"".join(chunks)
            encoding = (response.headers.get("Content-Encoding") or "").strip().lower()
            data = _decompress(data, encoding, max_bytes)
            header = response.headers.get("Content-Type") or ""
            return Fetched(
                url=url,
                final_url=response.geturl() or url,
                status=response.status,
                data=data,
                content_type=response.headers.get_content_type() if header else "",
                charset=response.headers.get_content_charset(),
                header=header,
            )
    except FetchError:
        raise
    except urllib.error.HTTPError as exc:
        exc.close()
        reason = f" {exc.reason}" if exc.reason else ""
        raise FetchError(f"HTTP {exc.code}{reason}") from None
    except (urllib.error.URLError, OSError, HTTPException, ValueError) as exc:
        if isinstance(exc, ValueError) and not isinstance(exc, OSError):
            raise FetchError(f"not a valid URL ({exc})") from None
        raise FetchError(_reason(exc, timeout)) from None


def _stem(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    name = PurePosixPath(parts.path).stem
    return name or (parts.hostname or "url")


def kind_of(fetched: Fetched) -> str | None:
    """``feed``, ``html``, ``csv``, or ``None`` for a response we cannot read."""
    from tijdlijn.readers.feed import sniff_markup

    sniffed = sniff_markup(fetched.data[:16384])
    ctype = fetched.content_type
    if sniffed == "feed":
        return "feed"  # also a feed served as text/html, text/xml or text/plain
    if ctype in FEED_TYPES:
        return "feed"  # feedparser's own check will report a non-feed
    if ctype in HTML_TYPES or sniffed == "html":
        return "html"
    if ctype in CSV_TYPES:
        return "csv"
    suffix = PurePosixPath(urllib.parse.urlsplit(fetched.final_url).path).suffix.lower()
    if not ctype or ctype in ("application/octet-stream", "text/plain"):
        if suffix in (".csv", ".tsv"):
            return "csv"
        if suffix in (".html", ".htm"):
            return "html"
    return None


def read_url(
    url: str,
    *,
    max_chars: int | None = None,
    columns: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = MAX_BYTES,
) -> Iterator[Document | ReadError]:
    """Documents/errors from one http(s) URL: a feed (one Document per entry), an HTML page
    (one Document) or a CSV file. Never raises for a bad URL or response."""
    try:
        fetched = fetch(url, timeout=timeout, max_bytes=max_bytes)
    except FetchError as exc:
        yield ReadError(url, f"cannot fetch: {exc}")
        return
    kind = kind_of(fetched)
    if not fetched.data.strip():
        yield ReadError(url, "empty response")
        return
    if kind == "feed":
        from tijdlijn.readers.feed import read_feed_bytes

        yield from read_feed_bytes(fetched.data, source=url, stem=_stem(url), url=fetched.final_url,
                                   content_type=fetched.header or None, max_chars=max_chars)
    elif kind == "html":
        from tijdlijn.readers.html import read_html_bytes

        yield from read_html_bytes(fetched.data, source=url, doc_id=url, url=fetched.final_url,
                                   charset=fetched.charset, max_chars=max_chars)
    elif kind == "csv":
        from tijdlijn.readers.csv import read_csv_bytes

        delimiter = "\t" if fetched.content_type == "text/tab-separated-values" else None
        yield from read_csv_bytes(fetched.data, source=url, stem=_stem(url), columns=columns,
                                  delimiter=delimiter, max_chars=max_chars, charset=fetched.charset)
    else:
        shown = fetched.content_type or "no Content-Type"
        yield ReadError(url, f"unsupported content ({shown}): expected an HTML page, an RSS/Atom feed or CSV")
