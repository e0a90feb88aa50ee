"""TimeML reader/writer: the TBAQ-cleaned corpus (if present) and a self-made mini document."""
from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tijdlijn.document import ArticleDate, Document, Timex
from tijdlijn.readers import ReadError
from tijdlijn.readers.timeml import normalize_dct_value, parse_timeml, read_timeml
from tijdlijn.writers.timeml import to_timeml

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("TIJDLIJN_DATA") or REPO.parent / "shared" / "data")
TBAQ = DATA / "tempeval3" / "TBAQ-cleaned"
TBAQ_FILES = sorted(TBAQ.glob("*/*.tml")) if TBAQ.is_dir() else []


def _timexes(gold: list[dict]) -> list[Timex]:
    return [
        Timex(
            id=g["tid"],
            start=g["start"],
            end=g["end"],
            text=g["text"],
            type=g["type"],
            value=g["value"],
            mod=g["mod"],
            anchor=f"timex:{g['anchorTimeID']}" if g.get("anchorTimeID") else None,
        )
        for g in gold
    ]


def _key(gold: list[dict]) -> list[tuple]:
    return [(g["start"], g["end"], g["text"], g["type"], g["value"], g["mod"]) for g in gold]


MINI = """<?xml version="1.0" ?>
<TimeML>
<DOCID>MINI001</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="19980206" temporalFunction="false" functionInDocument="CREATION_TIME">02/06/1998</TIMEX3></DCT>
<TITLE>AT&amp;T results</TITLE>
<TEXT>
AT&amp;T <EVENT eid="e1" class="OCCURRENCE">said</EVENT> <TIMEX3 tid="t1" type="DATE" value="1998-02-05" temporalFunction="true" functionInDocument="NONE" anchorTimeID="t0">yesterday</TIMEX3> that profits &lt;rose&gt; <SIGNAL sid="s1">during</SIGNAL> <TIMEX3 tid="t2" type="DURATION" value="P3M" mod="APPROX" temporalFunction="false" functionInDocument="NONE">about three months</TIMEX3>.\r
Caf&#233; <TIMEX3 tid="t3" type="SET" value="P1W" quant="EVERY" temporalFunction="false" functionInDocument="NONE">every week</TIMEX3>.
</TEXT>
<MAKEINSTANCE eiid="ei1" eventID="e1" tense="PAST" aspect="NONE" polarity="POS" pos="VERB"/>
<TLINK lid="l1" relType="IS_INCLUDED" eventInstanceID="ei1" relatedToTime="t1"/>
<TLINK lid="l2" relType="BEFORE" eventInstanceID="ei1" relatedToEventInstance="ei1"/>
</TimeML>
"""


def test_mini_document_parse():
    doc, gold = parse_timeml(MINI, source="mini.tml")
    assert doc.id == "MINI001" and doc.lang == "en" and doc.title == "AT&T results"
    assert doc.date == ArticleDate.parse("1998-02-06")
    assert doc.text == "\nAT&T said yesterday that profits <rose> during about three months.\r\nCafé every week.\n"
    assert [g["text"] for g in gold] == ["yesterday", "about three months", "every week"]
    for g in gold:
        assert doc.text[g["start"]:g["end"]] == g["text"]
    assert gold[0]["anchorTimeID"] == "t0" and gold[0]["mod"] is None
    assert gold[1]["mod"] == "APPROX" and gold[2]["quant"] == "EVERY" and gold[2]["type"] == "SET"
    tm = doc.meta["timeml"]
    assert tm["dct"]["value"] == "19980206"
    assert "<EVENT" in tm["text_raw"] and "<TIMEX3" not in tm["text_raw"]
    assert tm["prefix"].endswith("<TEXT>") and tm["suffix"].startswith("</TEXT>")


def test_mini_document_round_trip_and_keep_events():
    doc, gold = parse_timeml(MINI)
    doc.timexes = _timexes(gold)
    out = to_timeml(doc)
    ET.fromstring(out)
    assert "<EVENT" not in out and "TLINK" not in out
    assert '<DCT><TIMEX3 tid="t0"' in out
    doc2, gold2 = parse_timeml(out)
    assert doc2.text == doc.text and doc2.id == doc.id and doc2.date == doc.date
    assert _key(gold2) == _key(gold)
    assert gold2[0]["anchorTimeID"] == "t0"

    full = to_timeml(doc, keep_events=True)
    ET.fromstring(full)
    assert '<EVENT eid="e1" class="OCCURRENCE">said</EVENT>' in full
    assert 'relatedToTime="t1"' not in full and 'lid="l2"' in full  # links to times dropped
    doc3, gold3 = parse_timeml(full)
    assert doc3.text == doc.text and _key(gold3) == _key(gold)


def test_writer_minimal_wrapper_skips_overlaps_and_escapes():
    doc = Document(text="Op 6 feb. & <daarna> vorige week.", id="x&y", date=ArticleDate.parse("1998-02-06"))
    doc.timexes = [
        Timex("a", 3, 9, "6 feb.", "DATE", "1998-02-06", anchor="article_date"),
        Timex("b", 21, 32, "vorige week", "DATE", "1998-W05"),
        Timex("c", 28, 32, "week", "DURATION", "P1W"),  # overlaps b: skipped
    ]
    out = to_timeml(doc)
    root = ET.fromstring(out)
    assert root.findtext("DOCID") == "x&y"
    dct = root.find("DCT/TIMEX3")
    assert dct.get("tid") == "t0" and dct.get("value") == "1998-02-06" and dct.get("functionInDocument") == "CREATION_TIME"
    tx = root.findall("TEXT/TIMEX3")
    assert [t.text for t in tx] == ["6 feb.", "vorige week"]
    assert tx[0].get("anchorTimeID") == "t0" and tx[0].get("temporalFunction") == "true"
    assert len({t.get("tid") for t in tx} | {"t0"}) == 3
    assert any("overlaps" in w for w in doc.warnings)
    doc2, gold2 = parse_timeml(out)
    assert doc2.text == doc.text and [(g["start"], g["end"]) for g in gold2] == [(3, 9), (21, 32)]


@pytest.mark.parametrize(
    "raw, norm",
    [("19980206", "1998-02-06"), ("1998-02-06", "1998-02-06"), ("1998-12-05T09:42", "1998-12-05T09:42"),
     ("1998-08-08T12:00:00", "1998-08-08T12:00"), ("1998-02", "1998-02")],
)
def test_dct_normalisation(raw, norm):
    assert normalize_dct_value(raw) == norm
    ArticleDate.parse(norm)


@pytest.mark.parametrize(
    "bad",
    [
        "<TimeML><TEXT>a</TEXT>",  # not well-formed
        "<TimeML><DOCID>x</DOCID></TimeML>",  # no TEXT
        "<Other><TEXT>a</TEXT></Other>",  # wrong root
        '<TimeML><TEXT><TIMEX3 tid="t1">a <TIMEX3 tid="t2">b</TIMEX3></TIMEX3></TEXT></TimeML>',  # nested
    ],
)
def test_malformed_raises_value_error(bad):
    with pytest.raises(ValueError):
        parse_timeml(bad)


def test_read_timeml_errors_and_cp1252(tmp_path):
    (tmp_path / "bad.tml").write_text("<TimeML><TEXT>oops</TimeML>", encoding="utf-8")
    (tmp_path / "cp.tml").write_bytes(MINI.replace("Caf&#233;", "Café").encode("cp1252"))
    items = list(read_timeml(tmp_path))
    assert isinstance(items[0], ReadError) and "bad.tml" in str(items[0])
    doc = items[1]
    assert isinstance(doc, Document) and "Café" in doc.text
    assert any("cp1252" in w for w in doc.warnings)
    assert [g["text"] for g in doc.meta["timeml"]["gold"]][-1] == "every week"


needs_data = pytest.mark.skipif(not TBAQ_FILES, reason=f"TempEval-3 data not found under {DATA}")


@needs_data
def test_tbaq_all_files_parse_and_offsets():
    n_timex = 0
    for f in TBAQ_FILES:
        doc, gold = parse_timeml(f.read_text(encoding="utf-8"), source=str(f))
        assert doc.id and doc.date is not None, f
        for g in gold:
            assert doc.text[g["start"]:g["end"]] == g["text"], (f.name, g["tid"])
        n_timex += len(gold)
    assert len(TBAQ_FILES) == 256 and n_timex == 1822  # counts from PROVENANCE.md


@needs_data
def test_tbaq_round_trip():
    for f in TBAQ_FILES:
        doc, gold = parse_timeml(f.read_text(encoding="utf-8"), source=str(f))
        doc.timexes = _timexes(gold)
        for keep in (False, True):
            out = to_timeml(doc, keep_events=keep)
            ET.fromstring(out)
            doc2, gold2 = parse_timeml(out)
            assert doc2.text == doc.text and doc2.id == doc.id and doc2.date == doc.date, f.name
            assert _key(gold2) == _key(gold), f.name


@needs_data
def test_tbaq_reader_rebuilds_original():
    """prefix + text_raw with the gold TIMEX3 tags put back + suffix == the file."""
    for f in TBAQ_FILES[:40]:
        orig = f.read_text(encoding="utf-8")
        doc, gold = parse_timeml(orig, source=str(f))
        doc.timexes = []
        tm = doc.meta["timeml"]
        assert orig.startswith(tm["prefix"]) and orig.endswith(tm["suffix"])
        # without timexes and with events kept, the body is exactly text_raw
        body = to_timeml(doc, keep_events=True)[len(tm["prefix"]):]
        assert body.startswith(tm["text_raw"])
