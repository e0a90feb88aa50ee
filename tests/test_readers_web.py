"""CSV, HTML and RSS/Atom readers, and http(s) inputs against a local server."""
from __future__ import annotations

import gzip
import http.server
import socket
import threading
import time
from pathlib import Path
from typing import ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tijdlijn.document import ArticleDate, Document
from tijdlijn.readers import ReadError
from tijdlijn.readers.csv import (
    FIELDS,
    parse_column_mapping,
    read_csv,
    read_csv_text,
    sniff_delimiter,
)
from tijdlijn.readers.feed import (
    html_to_text,
    read_feed_file,
    root_element,
    sniff_markup,
)
from tijdlijn.readers.files import (
    MULTI_DOCUMENT_KINDS,
    expand_inputs,
    input_kind,
    read_file,
    read_inputs,
)
from tijdlijn.readers.html import (
    NO_ARTICLE,
    decode_html,
    html_date,
    read_html_file,
    read_html_text,
)
from tijdlijn.readers.web import FetchError, fetch, read_url
from tijdlijn.writers.timeml import to_timeml

WEB = Path(__file__).resolve().parent / "data" / "web"


def split(items):
    items = list(items)
    docs = [i for i in items if isinstance(i, Document)]
    errors = [i for i in items if isinstance(i, ReadError)]
    assert len(docs) + len(errors) == len(items)
    return docs, errors


def one(items):
    items = list(items)
    assert len(items) == 1, items
    return items[0]


def fast(fn, limit=1.0):
    start = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - start
    assert elapsed < limit, f"took {elapsed:.2f} s"


# --------------------------------------------------------------------------- CSV


def write(tmp_path, name, content, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(content.encode(encoding) if isinstance(content, str) else content)
    return p


def test_csv_default_columns(tmp_path):
    p = write(tmp_path, "news.csv",
              "id,title,text,date,lang\n"
              "a1,Brug open,De brug ging vorige week open.,2023-05-12,nl\n"
              ",Library,The library opened last year.,2021-03,en-GB\n")
    docs, errors = split(read_file(p))
    assert errors == []
    assert [d.id for d in docs] == ["a1", "news-3"]
    assert docs[0].title == "Brug open" and docs[0].lang == "nl" and docs[0].date.granularity == "day"
    assert docs[1].date.value == "2021-03" and docs[1].date.granularity == "month" and docs[1].lang == "en"
    assert docs[0].source == str(p) and docs[0].meta["source_line"] == 2


def test_csv_alias_columns_case_insensitive(tmp_path):
    p = write(tmp_path, "export.csv",
              "Headline, Body ,published_at,Link,extra\n"
              "Markt verhuist,De markt verhuist volgend jaar.,2023-05-15T14:05:00+02:00,https://x.example/m,zz\n")
    doc = one(read_file(p))
    assert doc.title == "Markt verhuist" and doc.text == "De markt verhuist volgend jaar."
    assert doc.date.value == "2023-05-15T14:05" and doc.date.granularity == "time"
    assert doc.meta["url"] == "https://x.example/m"


def test_csv_canonical_name_beats_alias(tmp_path):
    p = write(tmp_path, "both.csv", "body,text\nnot this,This one.\n")
    assert one(read_file(p)).text == "This one."


def test_csv_column_mapping(tmp_path):
    p = write(tmp_path, "custom.csv",
              "bericht,verschenen,kop\n"
              "Het zwembad gaat dicht.,2023-07-01,Zwembad\n"
              "Nog een bericht.,2019-02-30,Fout\n")
    docs, errors = split(read_file(p, columns={"text": "bericht", "date": "verschenen", "title": "kop"}))
    assert [d.title for d in docs] == ["Zwembad"] and docs[0].date.value == "2023-07-01"
    (err,) = errors
    assert err.line == 3 and "impossible date" in err.message and "'verschenen'" in err.message


def test_csv_mapping_through_read_inputs(tmp_path):
    p = write(tmp_path, "m.csv", "msg;when\nEen bericht van gisteren.;2020-01-02\n")
    doc = one(read_inputs([str(p)], columns=parse_column_mapping("text=msg, date=when")))
    assert doc.text == "Een bericht van gisteren." and doc.date.value == "2020-01-02"
    with pytest.raises(ValueError, match="unknown field"):
        read_inputs([str(p)], columns={"body": "msg"})


def test_csv_missing_mapped_column_is_one_error(tmp_path):
    p = write(tmp_path, "x.csv", "title,content\nT,Some text.\nU,More text.\n")
    err = one(read_file(p, columns={"text": "body"}))
    assert isinstance(err, ReadError) and err.line is None and err.source == str(p)
    assert "'body'" in err.message and "'title'" in err.message and "'content'" in err.message


def test_csv_without_any_text_column(tmp_path):
    p = write(tmp_path, "x.csv", "title,when\nT,2020\n")
    err = one(read_file(p))
    assert isinstance(err, ReadError) and "'text'" in err.message and "columns present" in err.message
    assert "--columns" in err.message


def test_csv_bad_rows_and_line_numbers(tmp_path):
    p = write(tmp_path, "rows.csv",
              'id,text,date,lang\n'                      # 1
              'a,"Een tekst\nover twee regels,\nmet komma",2023-05-12,nl\n'  # 2-4
              'b,   ,2023-05-12,nl\n'                     # 5 empty text
              'c,Tekst.,gisteren,nl\n'                    # 6 bad date
              '\n'                                        # 7 blank
              'd,Tekst.,2023-05-12,fr\n'                  # 8 unsupported lang
              'e,Tekst,met,te veel,velden\n'              # 9 too many fields
              'f,Laatste goede rij.,,\n'                  # 10
              'g,"kapot"x,2020,nl\n'                      # 11 bad quoting
              'h,Nog een goede.,2020,\n')                 # 12
    docs, errors = split(read_file(p))
    assert [d.id for d in docs] == ["a", "f", "h"]
    assert docs[0].text == "Een tekst\nover twee regels,\nmet komma" and docs[0].meta["source_line"] == 2
    got = {e.line: e.message for e in errors}
    assert set(got) == {5, 6, 8, 9, 11}
    assert "empty text" in got[5]
    assert "unrecognised date" in got[6]
    assert "unsupported lang" in got[8]
    assert "5 fields" in got[9] and "header has 4" in got[9]
    assert "bad CSV row" in got[11]
    assert docs[1].date is None and docs[1].lang is None


def test_csv_unclosed_quote(tmp_path):
    p = write(tmp_path, "q.csv", 'text\nGoed.\n"nooit gesloten\nrest\n')
    docs, errors = split(read_file(p))
    assert [d.text for d in docs] == ["Goed."]
    assert errors[0].line == 3 and "never closed" in errors[0].message


def test_csv_semicolon_cp1252_and_bom(tmp_path):
    body = "titel;tekst;datum\nCafé;Het café ging dicht – jammer.;2018-08\n"
    cp = write(tmp_path, "cp.csv", body, encoding="cp1252")
    bom = write(tmp_path, "bom.csv", b"\xef\xbb\xbf" + body.encode("utf-8"))
    u16 = write(tmp_path, "u16.csv", body.encode("utf-16"))
    d = one(read_file(cp))
    assert d.text == "Het café ging dicht – jammer." and d.title == "Café" and d.date.granularity == "month"
    assert any("cp1252" in w for w in d.warnings)
    for p in (bom, u16):
        d = one(read_file(p))
        assert d.title == "Café" and d.warnings == []


def test_tsv_and_sniffing(tmp_path):
    p = write(tmp_path, "t.tsv", "text\ttitle\nTekst, met komma's; en puntkomma.\tT\n")
    assert one(read_file(p)).text == "Tekst, met komma's; en puntkomma."
    assert sniff_delimiter('"a;b",c,d\n1;2,3,4') == ","
    assert sniff_delimiter("a;b;c\n") == ";"
    assert sniff_delimiter("\n\na|b|c\n") == "|"
    assert sniff_delimiter("text\n") == ","


def test_csv_large_field(tmp_path):
    big = "woord " * 100_000  # 600k characters, over the csv module's default field limit
    p = write(tmp_path, "big.csv", f'text,date\n"{big}",2020\n')
    assert len(one(read_file(p)).text) == len(big)
    err = one(read_file(p, max_chars=1000))
    assert isinstance(err, ReadError) and err.line == 2 and "--max-chars" in err.message


def test_csv_empty_and_header_only(tmp_path):
    assert "empty" in one(read_file(write(tmp_path, "e.csv", ""))).message
    assert "no rows" in one(read_file(write(tmp_path, "h.csv", "text,date\n"))).message
    assert "binary" in one(read_file(write(tmp_path, "b.csv", b"text\n\x00\x01"))).message


def test_csv_text_api():
    docs, errors = split(read_csv_text("content|date\nA text.|2020\n", source="s", stem="s"))
    assert docs[0].text == "A text." and errors == []


def test_read_csv_missing_file(tmp_path):
    assert "No such file" in one(read_csv(tmp_path / "nope.csv")).message


# --------------------------------------------------------------------------- column mapping


def test_parse_column_mapping_examples():
    assert parse_column_mapping("text=body,date=published") == {"text": "body", "date": "published"}
    assert parse_column_mapping(" Text = Body Text , LANG=taal ") == {"text": "Body Text", "lang": "taal"}
    assert parse_column_mapping("url=a=b") == {"url": "a=b"}


@pytest.mark.parametrize("spec,match", [
    ("", "empty column mapping"),
    ("   ", "empty column mapping"),
    ("text", "expected FIELD=COLUMN"),
    ("text=body,", "empty item"),
    ("text=", "no column name"),
    ("=body", "no field name"),
    ("body=text", "unknown field 'body'"),
    ("text=a,TEXT=b", "mapped twice"),
])
def test_parse_column_mapping_errors(spec, match):
    with pytest.raises(ValueError, match=match):
        parse_column_mapping(spec)


_column = st.text(st.characters(exclude_characters=",", exclude_categories=("Cs",)), min_size=1,
                  max_size=20).map(str.strip).filter(bool)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(FIELDS), _column, min_size=1))
def test_parse_column_mapping_round_trip(mapping):
    spec = ",".join(f"{field}={column}" for field, column in mapping.items())
    assert parse_column_mapping(spec) == mapping


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_parse_column_mapping_only_raises_value_error(spec):
    try:
        result = parse_column_mapping(spec)
    except ValueError as exc:
        assert str(exc)
    else:
        assert set(result) <= set(FIELDS) and all(v and v == v.strip() for v in result.values())


# --------------------------------------------------------------------------- HTML


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test if anything tries to resolve a name or open a connection (even if the error is swallowed)."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args[:2])
        raise OSError("network access attempted in a test that must stay offline")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    yield
    assert attempts == []


def test_html_article(no_network):
    doc = one(read_file(WEB / "article.nl.html"))
    assert isinstance(doc, Document), doc
    assert doc.id == "article.nl" and doc.source == str(WEB / "article.nl.html")
    assert doc.title == "Gemeente opent nieuwe fietsbrug" and doc.lang == "nl"
    assert doc.text.startswith("De gemeente Voorbeeldstad heeft vrijdag een nieuwe fietsbrug")
    assert "\n\nVolgens de wethouder" in doc.text and doc.text.endswith("een evaluatie.")
    for boilerplate in ("Meest gelezen", "Privacy", "Sport", "tracking", "Gemeente opent nieuwe fietsbrug"):
        assert boilerplate not in doc.text
    assert doc.date == ArticleDate.parse("2023-05-12T09:30") and doc.date.granularity == "time"
    assert doc.meta["url"] == "https://voorbeeld.example/nieuws/2023/fietsbrug"


def test_html_month_and_day_granularity(no_network):
    en = one(read_html_file(WEB / "article.en.html"))
    assert en.lang == "en" and en.title == "Library extends opening hours"
    assert en.date.value == "2021-03" and en.date.granularity == "month"  # <time datetime="2021-03">, not a day
    day = one(read_file(WEB / "article.day.html"))
    assert day.date.value == "2019-11-05" and day.date.granularity == "day" and day.lang == "en"


def test_html_without_article(no_network, tmp_path):
    err = one(read_file(WEB / "nav-only.html"))
    assert isinstance(err, ReadError) and err.message == NO_ARTICLE
    assert one(read_file(write(tmp_path, "empty.htm", "  \n"))).message == "empty file"
    assert one(read_file(write(tmp_path, "bin.html", b"<html>\x00\x00"))).message.startswith("binary file")


def test_html_language_and_encoding(no_network, tmp_path):
    page = ("<html lang='de'><head><meta charset='windows-1252'><title>Caf\xe9</title></head><body><article>"
            "<p>Het caf\xe9 aan de haven sluit na veertig jaar de deuren, zegt de eigenaar.</p></article></body></html>")
    doc = one(read_file(write(tmp_path, "cafe.html", page, encoding="cp1252")))
    assert "café" in doc.text and doc.title == "Café" and doc.lang is None
    assert any("'de' is not supported" in w for w in doc.warnings) and doc.date is None
    text, warnings = decode_html("<p>caf\xe9</p>".encode("cp1252"))
    assert text == "<p>café</p>" and "cp1252" in warnings[0]
    assert decode_html(b"<p>\xc3\xa9</p>", "iso-8859-1")[0] == "<p>Ã©</p>"  # the HTTP charset wins


def test_html_date_granularity_rules():
    month = ArticleDate.parse("2021-03")
    assert html_date(None, []) is None
    assert html_date("2021-03-25", [month]).granularity == "month"  # htmldate filled in a day
    assert html_date("2021-03-25", [month], "op 25 maart 2021 om 10.00 uur").value == "2021-03-25"
    assert html_date("2021-03-25", [], "geplaatst 25-03-2021").value == "2021-03-25"
    assert html_date("2021-03-25", [], "/nieuws/2021/03/25/brug").value == "2021-03-25"
    assert html_date("2021-03-25", [], "March 25th, 2021").value == "2021-03-25"
    assert html_date("2021-03-25", []).value == "2021-03"  # nothing shows the day
    assert html_date("2021-01-01", [], "© 2021").value == "2021"
    assert html_date("2021-01-01", [], "januari 2021").value == "2021-01"
    assert html_date("2021-01-01", [], "1 januari 2021").value == "2021-01-01"
    timed = ArticleDate.parse("2021-03-25T10:15")
    assert html_date("2021-03-25", [ArticleDate.parse("2021-03-25"), timed]) == timed
    midnight = html_date("2021-03-25", [ArticleDate.parse("2021-03-25")], "")
    assert midnight.granularity == "day"


def test_html_text_api_midnight_is_a_day():
    page = ("<html><head><meta property='article:published_time' content='2020-06-02T00:00:00Z'></head><body>"
            "<article><p>De burgemeester opende dinsdag het nieuwe gemeentehuis aan de markt.</p></article>"
            "</body></html>")
    doc = one(read_html_text(page, source="s", doc_id="s"))
    assert doc.date.value == "2020-06-02" and doc.date.granularity == "day"


# --------------------------------------------------------------------------- RSS / Atom


def test_rss_feed(no_network):
    docs, errors = split(read_file(WEB / "feed.rss"))
    assert [d.id for d in docs] == ["voorbeeld-1001", "https://voorbeeld.example/nieuws/zwembad", "feed-4"]
    markt, zwembad, nodate = docs
    assert all(d.lang == "nl" and d.source == str(WEB / "feed.rss") for d in docs)
    assert markt.title == "Markt verhuist naar het stationsplein"
    assert markt.text == ("De weekmarkt verhuist volgend jaar naar het stationsplein.\n\n"
                          "Marktkooplui zijn verdeeld:\nsommigen verwachten meer klanten.\n\nAnderen vrezen de wind.")
    assert markt.date.value == "2023-05-15T14:05" and markt.date.granularity == "time"
    assert markt.meta == {"url": "https://voorbeeld.example/nieuws/markt"}
    assert zwembad.title == "Zwembad & sporthal dicht voor onderhoud"
    assert zwembad.text.startswith("Het zwembad en de sporthal") and "alert" not in zwembad.text
    assert "\n\nDe gemeente zoekt" in zwembad.text  # content:encoded beats the short description
    assert zwembad.date.value == "2023-05-16" and zwembad.date.granularity == "day"  # a bare midnight
    assert nodate.date is None and any("no published or updated date" in w for w in nodate.warnings)
    (err,) = errors
    assert err.source == str(WEB / "feed.rss") and "entry 3" in err.message and "no text" in err.message


def test_atom_feed(no_network):
    docs, errors = split(read_feed_file(WEB / "feed.atom"))
    assert errors == []
    library, bridge = docs
    assert library.id == "urn:example:gazette:2001" and library.lang == "en"
    assert library.text == ("The public library will stay open until nine in the evening on weekdays.\n\n"
                            "The council decided this on Tuesday.")
    assert library.date.value == "2021-03-09T18:45"  # published, not updated
    assert library.meta["url"] == "https://gazette.example/2021/03/library"  # relative link resolved
    assert bridge.title == "Bridge closed for a week"
    assert bridge.text == ("The old bridge will be closed for a week\nwhile its railings are replaced.\n\n"
                           "Cyclists can use the ferry.")
    assert bridge.date.value == "2021-03" and bridge.date.granularity == "month"


def test_xml_dispatch_feed_vs_timeml(tmp_path):
    feed = write(tmp_path, "nieuws.xml", (WEB / "feed.rss").read_bytes())
    tml = write(tmp_path, "doc.xml", to_timeml(Document(text="Last year it rained.", id="d1")))
    assert input_kind(feed) == "feed" and input_kind(tml) == "timeml"
    assert input_kind(tmp_path / "missing.xml") == "timeml"
    docs, _ = split(read_file(feed))
    assert len(docs) == 3
    doc = one(read_file(tml))
    assert doc.id == "d1" and "timeml" in doc.meta


def test_bad_feeds(tmp_path):
    garbage = write(tmp_path, "garbage.rss", "this is not a feed at all {{{")
    html = write(tmp_path, "page.atom", "<html><body><p>Een gewone pagina.</p></body></html>")
    empty = write(tmp_path, "empty.rss", '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
                                         "</channel></rss>")
    for p, match in ((garbage, "not"), (html, "not"), (empty, "no entries")):
        err = one(read_file(p))
        assert isinstance(err, ReadError) and err.source == str(p) and match in err.message, err
    assert one(read_file(write(tmp_path, "zero.rss", ""))).message == "empty file"


def test_malformed_feed_is_read_leniently(tmp_path):
    p = write(tmp_path, "loose.rss", '<?xml version="1.0"?><rss version="2.0"><channel><title>A & B</title>'
                                     "<item><title>Een</title><description>Eerste bericht.</description></item>"
                                     "<item><title>Twee</title><description>Tweede bericht.</description></item>"
                                     "</channel></rss>")
    docs, errors = split(read_file(p))
    assert [d.text for d in docs] == ["Eerste bericht.", "Tweede bericht."] and errors == []
    assert all(any("not well-formed" in w for w in d.warnings) for d in docs)


def test_html_to_text():
    assert html_to_text("<p>Een &amp; twee</p><p>drie<br/>vier</p>") == "Een & twee\n\ndrie\nvier"
    assert html_to_text("a<br><br>b<br>\n<br>c") == "a\n\nb\n\nc"
    assert html_to_text("<div>x <b>y</b>\n  z</div><script>bad()</script><style>p{}</style>") == "x y z"
    assert html_to_text("<ul><li>een</li><li>twee</li></ul>") == "een\n\ntwee"
    assert html_to_text("<table><tr><td>a</td><td>b</td></tr></table>") == "a b"
    assert html_to_text("geen html, wel tekst") == "geen html, wel tekst"
    assert html_to_text("") == ""


def test_root_element_and_sniffing():
    assert root_element(b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- c -->\n<rss version="2.0">') == "rss"
    assert root_element("<?xml-stylesheet href='x'?><feed xmlns='http://www.w3.org/2005/Atom'>") == "feed"
    assert root_element('<!DOCTYPE rdf [ <!ENTITY a "b"> ]><rdf:RDF>') == "rdf:rdf"
    assert root_element("<!doctype html><html>") == "html"
    assert root_element('<?xml version="1.0"?>'.encode("utf-16") + "<TimeML>".encode("utf-16-le")) == "timeml"
    assert root_element("plain text") is None and root_element("<!-- never closed") is None
    assert sniff_markup("<rss>") == "feed" and sniff_markup("<atom:feed>") == "feed"
    assert sniff_markup("<TimeML>") == "timeml" and sniff_markup("<body>") == "html"
    assert sniff_markup("<svg>") == "xml" and sniff_markup("") is None


def test_folder_includes_new_formats(tmp_path):
    (tmp_path / "a.csv").write_text("text\nEen.\nTwee.\n")
    (tmp_path / "b.rss").write_bytes((WEB / "feed.rss").read_bytes())
    (tmp_path / "c.html").write_bytes((WEB / "article.day.html").read_bytes())
    docs, errors = split(read_inputs([str(tmp_path)]))
    assert [d.source for d in docs][:2] == [str(tmp_path / "a.csv")] * 2
    assert len(docs) == 2 + 3 + 1 and len(errors) == 1


def test_input_kinds():
    assert input_kind("https://x.example/feed.xml") == "url" and input_kind("a.TSV") == "csv"
    assert input_kind("a.htm") == "html" and input_kind("a.atom") == "feed" and input_kind("a.txt") == "text"
    assert {"jsonl", "csv", "feed", "url"} <= MULTI_DOCUMENT_KINDS
    assert list(expand_inputs(["HTTPS://x.example/a", "-"])) == ["HTTPS://x.example/a", "-"]


# --------------------------------------------------------------------------- URLs (local server)


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, str, bytes]]] = {}

    def log_message(self, *args):  # keep the test output clean
        pass

    def do_GET(self):
        if self.path == "/slow":
            time.sleep(1.5)
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/feed.rss")
            self.end_headers()
            return
        if self.path == "/to-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
            return
        status, ctype, body = self.routes.get(self.path, (404, "text/plain", b"not found"))
        headers = {}
        if self.path == "/gzip.html":
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture(scope="module")
def server():
    rss = (WEB / "feed.rss").read_bytes()
    page = (WEB / "article.nl.html").read_bytes()
    _Handler.routes = {
        "/feed.rss": (200, "application/rss+xml; charset=utf-8", rss),
        "/feed-as-html": (200, "text/html", rss),
        "/feed.atom": (200, "application/xml", (WEB / "feed.atom").read_bytes()),
        "/article": (200, "text/html; charset=utf-8", page),
        "/gzip.html": (200, "text/html", page),
        "/nav": (200, "text/html", (WEB / "nav-only.html").read_bytes()),
        "/data.csv": (200, "text/csv; charset=utf-8", b"kop;tekst\nBrug;De brug is open.\n"),
        "/file.pdf": (200, "application/pdf", b"%PDF-1.4 ..."),
        "/empty": (200, "text/html", b""),
        "/error": (500, "text/plain", b"boom"),
        "/big": (200, "text/html", b"<html><body>" + b"x" * 300_000 + b"</body></html>"),
        "/slow": (200, "text/html", page),
    }
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def test_url_feed_and_page(server):
    assert len(split(read_file(f"{server}/feed.rss"))[0]) == 3
    docs, errors = split(read_inputs([f"{server}/feed.rss", f"{server}/article"]))
    assert [d.id for d in docs[:3]] == ["voorbeeld-1001", "https://voorbeeld.example/nieuws/zwembad", "feed-4"]
    assert all(d.source == f"{server}/feed.rss" for d in docs[:3]) and len(errors) == 1
    page = docs[3]
    assert page.source == page.id == f"{server}/article" and page.meta["url"] == f"{server}/article"
    assert page.title == "Gemeente opent nieuwe fietsbrug" and page.date.value == "2023-05-12T09:30"


def test_url_dispatch_sniffs_content(server):
    assert len(split(read_url(f"{server}/feed-as-html"))[0]) == 3  # a feed served as text/html
    atom, _ = split(read_url(f"{server}/feed.atom"))
    assert [d.id for d in atom] == ["urn:example:gazette:2001", "urn:example:gazette:2002"]
    assert len(split(read_url(f"{server}/redirect"))[0]) == 3
    gz = one(read_url(f"{server}/gzip.html"))
    assert gz.title == "Gemeente opent nieuwe fietsbrug"
    csv_doc = one(read_url(f"{server}/data.csv"))
    assert csv_doc.title == "Brug" and csv_doc.text == "De brug is open." and csv_doc.source == f"{server}/data.csv"


@pytest.mark.parametrize("path,match", [
    ("/missing", "HTTP 404"),
    ("/error", "HTTP 500"),
    ("/file.pdf", "unsupported content (application/pdf)"),
    ("/empty", "empty response"),
    ("/nav", NO_ARTICLE),
    ("/to-file", "is not allowed"),
])
def test_url_errors(server, path, match):
    err = one(read_url(server + path))
    assert isinstance(err, ReadError) and err.source == server + path and match in err.message, err


def test_url_limits(server):
    err = one(read_url(f"{server}/big", max_bytes=100_000))
    assert "larger than the limit" in err.message
    err = one(read_url(f"{server}/slow", timeout=0.3))
    assert "timed out after 0.3 s" in err.message


def test_url_refused_and_unresolvable(monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    url = f"http://127.0.0.1:{port}/feed.rss"
    items = list(read_inputs([url, str(WEB / "feed.atom")]))
    assert isinstance(items[0], ReadError) and items[0].source == url
    assert "cannot fetch: connection refused" in items[0].message
    assert len([i for i in items if isinstance(i, Document)]) == 2  # the next input is still read

    def no_dns(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    err = one(read_url("https://news.invalid/feed"))
    assert "cannot resolve the host name" in err.message
    with pytest.raises(FetchError, match="not a valid http"):
        fetch("http://")


# --------------------------------------------------------------------------- adversarial input


def test_regexes_and_scanners_are_linear():
    n = 100_000
    fast(lambda: root_element("<?" * n))
    fast(lambda: root_element("<!--" + "-" * n))
    fast(lambda: root_element("<!DOCTYPE x [" + "<" * n))
    fast(lambda: decode_html(b"<meta " * (n // 6) + b"\xff"))  # charset sniffing on invalid UTF-8
    fast(lambda: decode_html(b"<meta charset" + b" " * n + b"\xff"))
    fast(lambda: html_date("2021-03-01", [], "1 " * n + " maart"))
    fast(lambda: html_date("2021-03-01", [], ("1" + " " * 3) * (n // 4) + "x"))
    fast(lambda: html_date("2021-01-01", [], "2021-" * (n // 5)))
    fast(lambda: html_date("2021-01-01", [], "januari " * (n // 8)))
    fast(lambda: html_to_text("<b>" * (n // 3)))
    fast(lambda: html_to_text("<br>" * (n // 4)))
    fast(lambda: sniff_delimiter('"' * n))
    fast(lambda: parse_column_mapping(",".join(["text=" + "x" * n])))
    with pytest.raises(ValueError):
        parse_column_mapping("=" * n)
    with pytest.raises(ValueError):
        parse_column_mapping("," * n)
