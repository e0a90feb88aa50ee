"""Article-date inference and checking (issue 7): the model, `tijdlijn date`, ingest and annotate hooks."""
from __future__ import annotations

import json
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tijdlijn.cli import app
from tijdlijn.document import ArticleDate
from tijdlijn.temporal import dating
from tijdlijn.temporal.dating import (Collection, CollectionPrior, assess, check_date, collect_evidence,
                                      infer_date)

CONTRADICTED = "De Kamer stemt vandaag, woensdag 3 april, over het plan."
DATED = "Vandaag, 5 maart 2019, stemt de Tweede Kamer over het plan."
NOTHING = "Het regent en het waait in het hele land."
KEYS = {"id", "date", "granularity", "confidence", "evidence", "contradicts_given_date", "given_date"}
GRANULARITIES = {"day", "week", "month", "year", "unknown"}


def days_from(start: date, n: int) -> list[date]:
    return [start + timedelta(days=i) for i in range(n)]


# --------------------------------------------------------------------------- the model


def test_deictic_next_to_explicit_date_pins_the_day():
    inf = infer_date(DATED, "nl")
    assert (inf.value, inf.granularity) == ("2019-03-05", "day") and inf.confidence > 0.6
    assert any(e.kind == "deictic_date" and e.text.startswith("Vandaag") for e in inf.evidence)


def test_english_dateline_gives_the_day():
    inf = infer_date("WASHINGTON, March 5, 1998 -- The Senate voted on the bill on Thursday.", "en")
    assert inf.granularity == "day" and inf.value in ("1998-03-05", "1998-03-06")


def test_no_evidence_is_unknown_with_zero_confidence():
    inf = infer_date(NOTHING, "nl")
    assert (inf.value, inf.granularity, inf.confidence) == (None, "unknown", 0.0) and inf.reasons
    assert infer_date("", "en").granularity == "unknown"


def test_relative_evidence_without_an_anchor_is_not_a_guess():
    inf = infer_date("Afgelopen vrijdag verdedigde hij zijn proefschrift. Gisteren was het feest.", "nl")
    assert inf.value is None and inf.confidence == 0.0 and inf.evidence  # the weekday is listed, not dated


def test_conflicting_evidence_is_reported_not_averaged():
    inf = infer_date("Vandaag, 5 maart 2019, stemt de Kamer. Vandaag, 9 juli 2015, begon het proces.", "nl")
    assert inf.conflict and inf.value is None
    assert any("conflicting evidence" in r for r in inf.reasons)


def test_weekday_fixes_the_year_with_a_collection_prior():
    prior = CollectionPrior.from_dates(days_from(date(2019, 2, 20), 30))
    inf = infer_date("Het kabinet besloot maandag 4 maart dat het plan doorgaat.", "nl", prior=prior)
    assert inf.mode is not None and inf.mode.year == 2019 and inf.mode >= date(2019, 3, 4)
    assert any(e.kind == "collection" for e in inf.evidence)


def test_a_year_when_the_text_supports_no_more():
    prior = CollectionPrior.from_dates(days_from(date(2019, 1, 10), 300))  # a batch spread over the year
    inf = infer_date(NOTHING, "nl", prior=prior)
    assert inf.granularity in ("month", "year", "unknown") and inf.granularity != "day"


def test_past_tense_weekday_moves_the_day_after_it():
    prior = CollectionPrior.from_dates(days_from(date(2019, 3, 4), 7) * 5)  # Mon 4 … Sun 10 March, evenly
    inf = infer_date("De minister zei dinsdag dat het plan van tafel is.", "nl", prior=prior)
    assert inf.mode in (date(2019, 3, 6), date(2019, 3, 7))  # one or two days after Tuesday 5 March


def test_check_flags_a_date_that_contradicts_the_text():
    flag, inf = check_date(CONTRADICTED, ArticleDate.parse("2019-03-01"))
    assert flag is True and any("contradiction" in r for r in inf.reasons)
    flag, _ = check_date(CONTRADICTED, ArticleDate.parse("2019-04-03"))
    assert flag is False


def test_check_without_day_level_evidence_is_undecided():
    flag, _ = check_date(NOTHING, ArticleDate.parse("2019-03-01"))
    assert flag is None


def _words(rng, n: int) -> str:
    return " ".join("".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(3)) for _ in range(n))


def test_check_uses_a_copy_in_the_batch():
    import random

    rng = random.Random(1)
    story = ("Het kabinet trekt extra geld uit voor de aanpak van ondermijning in Brabant en Limburg, maakte "
             "minister Grapperhaus bekend tijdens een werkbezoek aan Tilburg waar burgemeesters hun zorgen uitten "
             "over drugslabs, witwassen en intimidatie van raadsleden. ")
    coll = Collection()
    coll.add(story + "Het geld gaat naar recherche en gemeenten.", date(2019, 3, 7), key="copy")
    for i, d in enumerate(days_from(date(2019, 3, 1), 60)):  # unrelated articles of the batch, every day
        coll.add(_words(rng, 40), d, key=i)
    for i in range(40):  # copies in the batch share their day: the batch teaches that similarity matters
        text = _words(rng, 40)
        coll.add(text, date(2019, 4, 1) + timedelta(days=i), key=f"s{i}a")
        coll.add(text + " " + _words(rng, 3), date(2019, 4, 1) + timedelta(days=i), key=f"s{i}b")
    prior = coll.prior(story, exclude="self")
    assert prior is not None and prior.focus_share > 0.5
    flag, inf = check_date(story, ArticleDate.parse("2019-03-15"), "nl", prior=prior)
    assert flag is True and any("contradiction" in n for n in inf.notes)
    assert check_date(story, ArticleDate.parse("2019-03-07"), "nl", prior=prior)[0] is False


def test_collection_prior_never_uses_the_excluded_article():
    coll = Collection(similarity=False)
    coll.add("a", date(2019, 3, 1), key="me")
    for i in range(20):
        coll.add(str(i), date(2019, 5, 1), key=i)
    prior = coll.prior(exclude="me")
    assert date(2019, 3, 1).toordinal() not in set(prior.days.tolist())


def test_assess_never_uses_the_given_date_for_the_inference():
    a = assess(NOTHING, "nl", given=ArticleDate.parse("2019-03-01"))
    assert a.inference.value is None and a.contradicts is None
    rec = a.to_record("x")
    assert set(rec) == KEYS and rec["given_date"] == "2019-03-01" and rec["date"] is None


# --------------------------------------------------------------------------- `tijdlijn date`


def date_cli(*args: str, input: str | None = None):
    result = CliRunner().invoke(app, ["date", *args], input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    p = tmp_path / "batch.jsonl"
    lines = [{"id": "wrong", "text": CONTRADICTED + " De oppositie is tegen.", "lang": "nl", "date": "2019-03-01"},
             {"id": "undated", "text": DATED, "lang": "nl"},
             {"id": "blank", "text": NOTHING, "lang": "nl"}]
    p.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    return p


def test_date_jsonl_contract(batch):
    code, out, err = date_cli("--format", "jsonl", str(batch))
    assert code == 0, err
    recs = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in recs] == ["wrong", "undated", "blank"]
    for r in recs:
        assert set(r) == KEYS and r["granularity"] in GRANULARITIES and 0 <= r["confidence"] <= 1
        assert all({"kind", "text", "start", "why"} <= set(e) for e in r["evidence"])
    wrong, undated, blank = recs
    assert wrong["contradicts_given_date"] is True and wrong["given_date"] == "2019-03-01"
    assert any("contradiction" in e["why"] for e in wrong["evidence"])
    assert (undated["date"], undated["granularity"]) == ("2019-03-05", "day")
    assert undated["contradicts_given_date"] is None and undated["given_date"] is None
    assert (blank["date"], blank["confidence"]) in ((None, 0.0),) or blank["granularity"] != "day"


def test_date_jsonl_without_prior_no_evidence_is_unknown(batch):
    code, out, _ = date_cli("-f", "jsonl", "--no-prior", str(batch))
    blank = [json.loads(line) for line in out.splitlines()][2]
    assert code == 0 and (blank["date"], blank["granularity"], blank["confidence"]) == (None, "unknown", 0.0)


def test_date_jsonl_bad_lines_are_reported_and_the_rest_processed(tmp_path):
    p = tmp_path / "mixed.jsonl"
    p.write_text(json.dumps({"id": "ok", "text": DATED, "lang": "nl"}) + "\nnot json\n"
                 + json.dumps({"id": "notext"}) + "\n" + json.dumps({"id": "ok2", "text": NOTHING}) + "\n",
                 encoding="utf-8")
    code, out, err = date_cli("--format", "jsonl", str(p))
    assert code == 1
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["ok", "ok2"]
    assert f"{p}:2:" in err and "invalid JSON" in err and f"{p}:3:" in err and "missing 'text'" in err


def test_date_jsonl_from_stdin(batch):
    code, out, err = date_cli("--format", "jsonl", "-", input=batch.read_text(encoding="utf-8"))
    assert code == 0, err
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["wrong", "undated", "blank"]


def test_date_missing_file_is_an_error(tmp_path):
    code, out, err = date_cli("--format", "jsonl", str(tmp_path / "nope.jsonl"))
    assert code == 1 and out == "" and "nope.jsonl" in err


def test_date_table_shows_date_granularity_confidence_and_evidence(tmp_path, batch):
    txt = tmp_path / "a.txt"
    txt.write_text(DATED, encoding="utf-8")
    code, out, err = date_cli(str(txt), str(batch))
    assert code == 0, err
    assert "2019-03-05 (day, confidence" in out and "deictic_date" in out
    assert "given: 2019-03-01" in out and "contradicted by the text" in out
    assert "unknown (confidence 0)" in out or "year" in out


def test_date_table_reads_date_header_text_and_checks_its_date(tmp_path):
    txt = tmp_path / "b.txt"
    txt.write_text(f"date 2019-03-01 {CONTRADICTED}", encoding="utf-8")
    code, out, _ = date_cli(str(txt))
    assert code == 0 and "contradicted by the text" in out


# --------------------------------------------------------------------------- annotate and ingest


def test_annotate_json_carries_the_check_of_a_given_date(tmp_path):
    p = tmp_path / "a.jsonl"
    p.write_text(json.dumps({"id": "w", "text": CONTRADICTED, "lang": "nl", "date": "2019-03-01"}) + "\n",
                 encoding="utf-8")
    result = CliRunner().invoke(app, ["annotate", "--format", "json", str(p)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    check = json.loads(result.stdout)["meta"]["date_check"]
    assert check["contradicts_given_date"] is True and check["given"] == "2019-03-01"
    assert any("contradiction" in e["why"] for e in check["evidence"])


def test_ingest_infers_missing_dates_records_it_and_reports_contradictions(tmp_path):
    from tijdlijn.kb.executors import make_executor
    from tijdlijn.kb.ingest import ingest, stage_names
    from tijdlijn.kb.store import open_store
    from tijdlijn.readers.files import read_inputs

    p = tmp_path / "batch.jsonl"
    recs = [{"id": f"d{i}", "text": f"Bericht {i} over het weer in de provincie.", "lang": "nl",
             "date": (date(2019, 3, 1) + timedelta(days=i % 5)).isoformat()} for i in range(12)]
    recs += [{"id": "undated", "text": DATED, "lang": "nl"},
             {"id": "wrong", "text": CONTRADICTED, "lang": "nl", "date": "2019-03-01"}]
    p.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    log: list[dict] = []
    url = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    with open_store(url) as store:
        with make_executor("serial", stage_names("time")) as ex:
            summary = ingest(read_inputs([str(p)]), store, ex, on_record=log.append)
        doc = next(d for d in store.iter_documents() if d.id == "undated")
        stats = store.stats()
    assert doc.date is not None and doc.date.value == "2019-03-05" and doc.meta["date_inferred"]["value"] == "2019-03-05"
    assert any(t.value == "2019-03-05" for t in doc.timexes)  # "vandaag" resolved against the inferred date
    assert stats["dates_inferred"] == 1 and summary.dates_inferred == 1
    by_id = {r["id"]: r for r in log}
    assert by_id["undated"]["date_inferred"]["granularity"] == "day"
    assert by_id["wrong"]["date_contradiction"]["given"] == "2019-03-01"
    assert [c["id"] for c in summary.to_json()["date_contradictions"]] == ["wrong"]
    assert any("contradicted by the text" in line for line in summary.date_lines())


# --------------------------------------------------------------------------- properties and adversarial input

WORDS = ["maandag", "vrijdag", "afgelopen", "vorige", "week", "vandaag", "gisteren", "morgen", "5", "maart", "2019",
         "sinds", "tot", "uiterlijk", "(Opinie,", "2", "april)", ",", ".", "zei", "zal", "jaar", "geleden", "in",
         "1944", "75", "Friday", "last", "yesterday", "today", "March", "since", "until", "said", "will", "Monday",
         "AMSTERDAM", "—", "Pasen", "deze", "Offerfeest", "precies", "years", "ago", "'98", "12-3-2019"]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=st.lists(st.sampled_from(WORDS), max_size=40), lang=st.sampled_from(["nl", "en"]),
       prior_start=st.none() | st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 1, 1)),
       given=st.none() | st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 1, 1)))
def test_any_word_salad_gives_a_well_formed_answer(words, lang, prior_start, given):
    text = " ".join(words)
    prior = CollectionPrior.from_dates(days_from(prior_start, 3) * 4) if prior_start else None
    a = assess(text, lang, given=ArticleDate.parse(given.isoformat()) if given else None, prior=prior)
    inf = a.inference
    assert inf.granularity in GRANULARITIES and 0.0 <= inf.confidence <= 1.0
    if inf.granularity == "unknown":
        assert inf.value is None and inf.confidence == 0.0
    else:
        assert inf.value and inf.earliest <= inf.mode <= inf.latest and inf.confidence >= dating.COMMIT
        assert ArticleDate.parse(inf.value).earliest == inf.earliest
    assert a.contradicts in (True, False, None) and (given is not None or a.contradicts is None)
    for e in inf.evidence:
        assert e.kind and e.why
        if e.start is not None:
            assert 0 <= e.start < len(text)
    json.dumps(a.to_record("x"))


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_unicode_never_crashes(text):
    for lang in ("nl", "en"):
        for e in collect_evidence(text, lang):
            if e.loglik is not None:
                ll = e.loglik(np.arange(date(2019, 1, 1).toordinal(), date(2019, 3, 1).toordinal()))
                assert not np.isnan(ll).any()
        infer_date(text, lang)


@settings(max_examples=60, deadline=None)
@given(days=st.lists(st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 1, 1)), min_size=1, max_size=40))
def test_collection_prior_is_a_distribution(days):
    prior = CollectionPrior.from_dates(days)
    lo, hi = prior.span()
    D = np.arange(lo, hi + 1)
    p = np.exp(prior.loglik(D))
    assert np.isfinite(p).all() and (p > 0).all() and p.sum() <= 1.0 + 1e-6
    assert lo <= min(days).toordinal() and max(days).toordinal() <= hi
    assert min(days) <= prior.center <= max(days)


@settings(max_examples=60, deadline=None)
@given(before=st.text(alphabet="tosinc uierlkjp(),OA\n/m", max_size=60))
def test_preposition_cues_only_look_at_the_end(before):
    since = bool(dating._SINCE.search(before))
    until = bool(dating._UNTIL.search(before))
    assert since == bool(dating._SINCE.search("x " + before))  # anchored at the end: a prefix changes nothing
    assert until == bool(dating._UNTIL.search("x " + before))


@pytest.mark.parametrize("lang,text,cue", [
    ("nl", "Het systeem is sinds 5 maart weer online.", "since"),
    ("nl", "Naar aanleiding van het stuk (Opinie, 5 maart) wil ik reageren.", "since"),
    ("nl", "De gemeente moet uiterlijk op 5 maart beslissen.", "until"),
    ("nl", "De tentoonstelling is te zien tot en met 5 maart.", "until"),
    ("en", "The plant has been closed since March 5.", "since"),
    ("en", "The offer runs until March 5.", "until")])
def test_preposition_cues(lang, text, cue):
    evs = [e for e in collect_evidence(text, lang) if e.kind == "explicit_date"]
    assert evs and f"'{cue}'" in evs[0].why


def test_adversarial_input_is_fast():
    nasty = ["(" + "a," * 20000, "tot " * 20000, "sinds " * 20000 + "5 maart", "(" * 30000 + "5 maart 2019",
             "maandag " * 5000, "5 maart " * 3000, "vandaag, 5 maart 2019, " * 2000]
    for text in nasty:
        t0 = time.perf_counter()
        dating._SINCE.search(text)
        dating._UNTIL.search(text)
        assert time.perf_counter() - t0 < 0.2, text[:20]
    for text in nasty:
        t0 = time.perf_counter()
        assess(text, "nl", given=ArticleDate.parse("2019-03-01"))
        assert time.perf_counter() - t0 < 20, text[:20]
