import json
from importlib import resources

import jsonschema
import pytest

import tijdlijn
from tijdlijn.document import ArticleDate, DateError, Document

SCHEMA = json.loads(resources.files("tijdlijn").joinpath("schema/document.schema.json").read_text("utf-8"))


@pytest.mark.parametrize(
    "text,value,gran,lo,hi",
    [
        ("2018-08", "2018-08", "month", "2018-08-01", "2018-08-31"),
        ("2018", "2018", "year", "2018-01-01", "2018-12-31"),
        ("2018-08-22", "2018-08-22", "day", "2018-08-22", "2018-08-22"),
        ("2018-08-22T10:15", "2018-08-22T10:15", "time", "2018-08-22", "2018-08-22"),
        ("2018-W34", "2018-W34", "week", "2018-08-20", "2018-08-26"),
        ("2016-02", "2016-02", "month", "2016-02-01", "2016-02-29"),
    ],
)
def test_article_date_keeps_its_granularity(text, value, gran, lo, hi):
    d = ArticleDate.parse(text)
    assert (d.value, d.granularity, d.earliest.isoformat(), d.latest.isoformat()) == (value, gran, lo, hi)


@pytest.mark.parametrize("bad", ["2019-02-30", "2018-13", "yesterday", "", "2018-W60"])
def test_impossible_or_malformed_dates_are_rejected_with_a_message(bad):
    with pytest.raises(DateError, match="date|week"):
        ArticleDate.parse(bad)


def test_json_round_trip_and_schema():
    doc = tijdlijn.tag("IS heeft woensdag een opname verspreid. Vorig jaar verloor het Mosul.", date="2018-08", lang="nl")
    data = doc.to_json()
    jsonschema.validate(data, SCHEMA)
    again = Document.from_json(json.loads(json.dumps(data)))
    assert again.to_json() == data
    for t in data["timexes"]:
        assert data["text"][t["start"] : t["end"]] == t["text"]


def test_unknown_schema_major_version_is_refused():
    data = tijdlijn.tag("Vandaag.", date="2020-01-01", lang="nl").to_json()
    data["schema_version"] = "2.0"
    with pytest.raises(ValueError, match="schema_version"):
        Document.from_json(data)
