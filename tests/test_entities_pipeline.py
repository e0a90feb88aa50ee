"""The full pipeline on articles: who and where, with reasons; the `ner` and `annotate` commands."""
import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

import tijdlijn
from tijdlijn.cli import app
from tijdlijn.pipeline import annotate
from tijdlijn.readers.dateheader import parse_dateheader

runner = CliRunner()


def test_reference_article_entities(reference_article):
    doc = annotate(parse_dateheader(reference_article.read_text("utf-8"), source=str(reference_article)))
    by_name = {e.name: e for e in doc.entities}
    baghdadi = by_name["Abu Bakr al-Baghdadi"]
    assert baghdadi.type == "PER"
    texts = {m.text for m in baghdadi.mentions}
    assert {"Abu Bakr al-Baghdadi", "Al-Baghdadi", "De IS-leider"} <= texts
    assert any("kalief" in t for t in texts)
    assert sum(1 for e in doc.entities if "Baghdadi" in e.name) == 1
    assert baghdadi.merge_reasons  # every merge explained
    is_ = by_name["Islamitische Staat"]
    assert is_.type == "ORG" and {"IS", "Islamitische Staat"} <= {m.text for m in is_.mentions}
    countries = {e.name: e.place.country for e in doc.entities if e.type == "LOC" and e.place}
    expected = {"Idlib": "SY", "Mosul": "IQ", "Irak": "IQ", "Syrië": "SY", "Turkije": "TR", "Verenigde Staten": "US",
                "Canada": "CA", "Bahrain": "BH", "Saoedi-Arabië": "SA", "Jordanië": "JO", "Rusland": "RU"}
    for name, cc in expected.items():
        assert countries.get(name) == cc, name
    related = {r["text"] for r in doc.related_places}
    assert {"Iraakse", "Syrische"} <= related
    assert not any(e.name in ("Iraakse", "Syrische") for e in doc.entities)
    for e in doc.entities:
        for m in e.mentions:
            assert doc.text[m.start : m.end] == m.text


def test_english_article_entities():
    doc = tijdlijn.annotate("Prime Minister Boris Johnson met Angela Merkel in Berlin on Friday. "
                            "Johnson said the European Union (EU) must act.", date="2019-08-23", lang="en")
    types = {e.name: e.type for e in doc.entities}
    assert types.get("Boris Johnson") == "PER"
    assert any(e.type == "LOC" and e.place and e.place.country == "DE" for e in doc.entities)
    johnson = next(e for e in doc.entities if e.name == "Boris Johnson")
    assert "Johnson" in {m.text for m in johnson.mentions}


def test_language_without_model_keeps_the_time_layer():
    doc = tijdlijn.annotate("Der Minister sagte gestern etwas.", date="2019-03-14", lang="de")
    assert doc.entities == []
    assert any("no entity model" in w for w in doc.warnings)


def test_annotate_jsonl_contract(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": "Premier Rutte sprak gisteren in Den Haag.", "date": "2019-03-14", "lang": "nl"}) + "\n", "utf-8")
    res = runner.invoke(app, ["annotate", str(src), "--format", "jsonl"])
    assert res.exit_code == 0, res.output
    rec = json.loads(res.stdout.splitlines()[0])
    assert set(rec) >= {"id", "date", "refined_date", "lang", "timexes", "entities", "related_places"}
    den_haag = next(e for e in rec["entities"] if e["name"] == "Den Haag")
    assert den_haag["place"]["country"] == "NL" and den_haag["type"] == "LOC"
    assert any(e["type"] == "PER" and "Rutte" in e["name"] for e in rec["entities"])


CONLL = "-DOCSTART- -DOCSTART- O\n\nJan N B-PER\nwoont V O\nin Prep O\nGent N B-LOC\n. Punc O\n\n"


def test_ner_contract_appends_a_column(tmp_path):
    f = tmp_path / "x.conll"
    f.write_text(CONLL, "utf-8")
    res = runner.invoke(app, ["ner", "--lang", "nl", str(f)])
    assert res.exit_code == 0, res.output
    lines = [ln for ln in res.stdout.splitlines()]
    data = [ln for ln in lines if ln and not ln.startswith("-DOCSTART-")]
    assert [ln.split()[:3] for ln in data] == [ln.split() for ln in CONLL.splitlines() if ln and not ln.startswith("-DOC")]
    assert all(len(ln.split()) == 4 for ln in data)
    assert data[0].split()[-1] == "B-PER" and data[3].split()[-1] == "B-LOC"


@pytest.mark.parametrize("bad,msg", [
    ("Jan N B-PER\nwoont V\n", ":2: expected 3 columns"),
    ("Jan N B-PER\nwoont V X-FOO\n", ":2: 'X-FOO'"),
])
def test_ner_bad_conll_names_the_line(tmp_path, bad, msg):
    f = tmp_path / "bad.conll"
    f.write_text(bad, "utf-8")
    res = runner.invoke(app, ["ner", "--lang", "nl", str(f)])
    assert res.exit_code == 1
    assert msg in res.stderr


def test_missing_model_gives_reinstall_advice(tmp_path):
    code = ("import tijdlijn.entities.ner as n, pathlib; n.MODEL_DIR = pathlib.Path(r'%s');"
            "from tijdlijn.cli import main; main(['ner', '--lang', 'nl', '-'])" % tmp_path)
    p = subprocess.run([sys.executable, "-c", code], input="Jan N B-PER\n", capture_output=True, text=True)
    assert p.returncode == 2
    assert "Traceback" not in p.stderr
    assert "reinstall" in p.stderr.lower() or "install" in p.stderr.lower()


def test_annotate_geojson_export(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("date 2019-03-14 Premier Rutte reisde gisteren van Den Haag naar Parijs.", "utf-8")
    res = runner.invoke(app, ["annotate", str(src), "--format", "geojson"])
    assert res.exit_code == 0, res.output
    fc = json.loads(res.stdout)
    assert fc["type"] == "FeatureCollection"
    by_country = {f["properties"]["country"]: f for f in fc["features"]}
    assert {"NL", "FR"} <= set(by_country)
    lon, lat = by_country["FR"]["geometry"]["coordinates"]
    assert 45 < lat < 50 and 0 < lon < 5  # [lon, lat] order, Paris
    assert by_country["FR"]["properties"]["article_ids"] == ["a"]


def test_corrupt_model_gives_reinstall_advice(tmp_path):
    (tmp_path / "ner-nl.npz").write_bytes(b"this is not a model")
    code = ("import tijdlijn.entities.ner as n, pathlib; n.MODEL_DIR = pathlib.Path(r'%s');"
            "from tijdlijn.cli import main; main(['annotate', '-', '--lang', 'nl'])" % tmp_path)
    p = subprocess.run([sys.executable, "-c", code], input="date 2019-01-01 Jan woont in Gent.",
                       capture_output=True, text=True)
    assert p.returncode == 2, p.stderr
    assert "Traceback" not in p.stderr
    assert "install" in p.stderr.lower()
    assert p.stderr.count("error:") == 1  # said once, not once per document
