"""Input readers: date-header text, JSON Lines, files/folders/globs/stdin, bad input."""
from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from tijdlijn.document import Document
from tijdlijn.readers import ReadError
from tijdlijn.readers.dateheader import NO_HEADER_WARNING, HeaderError, parse_dateheader, split_dateheader
from tijdlijn.readers.files import read_file, read_inputs, read_stdin
from tijdlijn.readers.jsonl import read_jsonl_lines
from tijdlijn.writers.timeml import to_timeml

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("TIJDLIJN_DATA") or REPO.parent / "shared" / "data")
REFERENCE = DATA.parent / "examples" / "is-audio-2018-08.nl.txt"

TEXT = "De leider van IS heeft woensdag een toespraak verspreid. Vorig jaar was hij stil."


def one(items):
    items = list(items)
    assert len(items) == 1, items
    return items[0]


# --------------------------------------------------------------------------- date header


def test_header_text_on_same_line():
    doc = parse_dateheader(f" date 2018-08 {TEXT}\n", source="x/is-audio.nl.txt")
    assert doc.date.value == "2018-08" and doc.date.granularity == "month"
    assert doc.text == TEXT + "\n"  # only the leading whitespace is stripped
    assert doc.id == "is-audio.nl" and doc.source == "x/is-audio.nl.txt"
    assert doc.warnings == []


def test_header_on_its_own_line_with_leading_whitespace():
    doc = parse_dateheader(f"\n\n   date 2018-08-24\n\n{TEXT}")
    assert doc.date.value == "2018-08-24" and doc.date.granularity == "day"
    assert doc.text == TEXT


@pytest.mark.parametrize("value,gran", [("2018", "year"), ("2018-08-24T10:22", "time"), ("2018-W34", "week")])
def test_header_granularities(value, gran):
    doc = parse_dateheader(f"date {value}\t{TEXT}")
    assert doc.date.granularity == gran and doc.text == TEXT


def test_no_header_is_read_with_a_warning():
    doc = parse_dateheader(TEXT)
    assert doc.date is None and doc.text == TEXT
    assert NO_HEADER_WARNING in doc.warnings


@pytest.mark.parametrize("header", ["date yesterday", "date 2018-8", "date 24-08-2018", "date 2018-08x"])
def test_malformed_header(header):
    with pytest.raises(HeaderError, match="malformed date header"):
        split_dateheader(f"{header} {TEXT}")


@pytest.mark.parametrize("header", ["date 2019-02-30", "date 2018-13-45", "date 2018-13"])
def test_impossible_header_date(header):
    with pytest.raises(HeaderError, match="impossible date"):
        split_dateheader(f"{header}\n{TEXT}")


@pytest.mark.skipif(not REFERENCE.is_file(), reason="reference article not available")
def test_reference_article():
    doc = one(read_file(REFERENCE))
    assert isinstance(doc, Document), doc
    assert doc.date.value == "2018-08"
    assert doc.text.startswith("De leider van Islamitische Staat")
    raw = REFERENCE.read_text(encoding="utf-8")
    assert raw.endswith(doc.text) and doc.id == "is-audio-2018-08.nl"


# --------------------------------------------------------------------------- JSON Lines


def test_jsonl_records_and_errors():
    lines = [
        b'{"id": "a", "title": "T", "text": "Vorig jaar.", "date": "2018-08-24", "lang": "nl"}\n',
        b"\n",
        b'{"text": "broken"\n',  # line 3
        b"[1, 2]\n",
        b'{"id": "b"}\n',
        b'{"text": "  "}\n',
        b'{"text": "x", "date": "2019-02-30"}\n',
        b'{"text": "x", "lang": "fr"}\n',
        b'{"text": "Last year.", "published_at": "2018-08-24T10:22:00Z", "lang": "EN"}\n',
        b"   \n",
    ]
    items = list(read_jsonl_lines(lines, source="in.jsonl", stem="in"))
    docs = [i for i in items if isinstance(i, Document)]
    errors = {i.line: i.message for i in items if isinstance(i, ReadError)}
    assert [d.id for d in docs] == ["a", "in-9"]
    assert docs[0].title == "T" and docs[0].lang == "nl" and docs[0].date.value == "2018-08-24"
    assert docs[1].lang == "en" and docs[1].date.value == "2018-08-24T10:22"
    assert docs[1].meta["source_line"] == 9
    assert set(errors) == {3, 4, 5, 6, 7, 8}
    assert "invalid JSON" in errors[3]
    assert "object" in errors[4]
    assert "text" in errors[5]
    assert "empty text" in errors[6]
    assert "impossible date" in errors[7]
    assert "unsupported lang" in errors[8]
    assert all(isinstance(i, ReadError) and i.source == "in.jsonl" for i in items if not isinstance(i, Document))


def test_jsonl_cp1252_line_and_too_long():
    lines = ['{"text": "café"}\n'.encode("cp1252"), b'{"text": "' + b"x" * 50 + b'"}']
    doc, err = read_jsonl_lines(lines, source="s", stem="s", max_chars=20)
    assert doc.text == "café" and any("cp1252" in w for w in doc.warnings)
    assert isinstance(err, ReadError) and err.line == 2 and "20" in err.message


# --------------------------------------------------------------------------- files


def test_bad_files(tmp_path):
    (tmp_path / "empty.txt").write_text("date 2018-08-24\n   \n")
    (tmp_path / "zero.txt").write_bytes(b"")
    (tmp_path / "bin.txt").write_bytes(b"date 2018\x00\x01\x02 binary")
    (tmp_path / "big.txt").write_text("date 2018 " + "a" * 200)
    (tmp_path / "bad.txt").write_text(f"date yesterday {TEXT}")
    (tmp_path / "feb.txt").write_text(f"date 2019-02-30 {TEXT}")
    got = {}
    for name in ["empty.txt", "zero.txt", "bin.txt", "big.txt", "bad.txt", "feb.txt", "missing.txt"]:
        err = one(read_file(tmp_path / name, max_chars=100))
        assert isinstance(err, ReadError), (name, err)
        assert err.source == str(tmp_path / name)
        got[name] = err.message
    assert "empty text" in got["empty.txt"] and "empty text" in got["zero.txt"]
    assert "binary file" in got["bin.txt"]
    assert "100" in got["big.txt"] and "--max-chars" in got["big.txt"]
    assert "malformed date header" in got["bad.txt"]
    assert "impossible date" in got["feb.txt"]
    assert "no such file" in got["missing.txt"]


def test_cp1252_and_bom(tmp_path):
    (tmp_path / "cp.txt").write_bytes("date 2018-08-24 Het café ging vorig jaar dicht – jammer.".encode("cp1252"))
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbfdate 2018-08-24 Vorig jaar.")
    (tmp_path / "u16.txt").write_bytes("date 2018-08-24 Vorig jaar.".encode("utf-16"))
    cp = one(read_file(tmp_path / "cp.txt"))
    assert cp.text == "Het café ging vorig jaar dicht – jammer."
    assert any("decoded as cp1252" in w for w in cp.warnings)
    for name in ("bom.txt", "u16.txt"):
        doc = one(read_file(tmp_path / name))
        assert doc.date.value == "2018-08-24" and doc.text == "Vorig jaar." and doc.warnings == []


def test_folder_glob_and_dispatch(tmp_path):
    sub = tmp_path / "b"
    sub.mkdir()
    (tmp_path / "a.txt").write_text("date 2018 Vorig jaar.")
    (sub / "c.jsonl").write_text('{"id": "c1", "text": "Vorig jaar."}\n{"id": "c2", "text": "Nu."}\n')
    tml = to_timeml(Document(text="Last year it rained.", id="d1", date=None))
    (sub / "d.tml").write_text(tml)
    (tmp_path / "ignored.md").write_text("date 2018 x")
    docs = list(read_inputs([str(tmp_path)]))
    assert [d.id for d in docs] == ["a", "c1", "c2", "d1"]
    assert docs[3].text == "Last year it rained." and "timeml" in docs[3].meta
    globbed = list(read_inputs([str(tmp_path / "**" / "*.jsonl")]))
    assert [d.id for d in globbed] == ["c1", "c2"]
    none = one(read_inputs([str(tmp_path / "*.nothing")]))
    assert isinstance(none, ReadError)


def test_read_inputs_continues_after_errors(tmp_path):
    (tmp_path / "ok.txt").write_text("date 2018 Vorig jaar.")
    items = list(read_inputs([str(tmp_path / "nope.txt"), str(tmp_path / "ok.txt")]))
    assert isinstance(items[0], ReadError) and isinstance(items[1], Document)


# --------------------------------------------------------------------------- stdin


def test_stdin_text_and_jsonl():
    doc = one(read_stdin(io.BytesIO(b"\n  date 2018-08 Vorig jaar.")))
    assert doc.date.value == "2018-08" and doc.text == "Vorig jaar." and doc.id == "stdin"
    items = list(read_stdin(io.BytesIO(b'\n {"text": "a"}\n{"text": "b"}\n{oops}\n')))
    assert [i.text for i in items[:2]] == ["a", "b"]
    assert isinstance(items[2], ReadError) and items[2].line == 4
