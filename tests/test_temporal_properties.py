"""Property and adversarial tests for the rule engine, the date parser and the value algebra."""
import time
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tijdlijn
from tijdlijn.document import ArticleDate, Document
from tijdlijn.temporal.tagger import tag_timexes
from tijdlijn.temporal.values import at_granularity, covering_value, value_interval

WORDS = ["maandag", "vorige", "week", "om", "half", "negen", "20.30", "uur", "2014", "jaren", "negentig", "bijna",
         "een", "jaar", "geleden", "de", "het", "afgelopen", "Pasen", "Offerfeest", "deze", "3-2-2019", "22", "augustus",
         "last", "Friday", "the", "third", "quarter", "of", "1998", "early", "next", "year", "ago", "two", "weeks", ",", ".",
         "'s", "avonds", "kwart", "over", "drie", "Q3", "H1", "elke", "in", "about", "9", "a.m.", "noon", "Tuesday"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=st.lists(st.sampled_from(WORDS), max_size=40), lang=st.sampled_from(["nl", "en"]),
       day=st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), gran=st.sampled_from(["day", "month", "year"]))
def test_any_word_salad_yields_valid_offsets_and_values(words, lang, day, gran):
    text = " ".join(words)
    d = {"day": day.isoformat(), "month": day.isoformat()[:7], "year": day.isoformat()[:4]}[gran]
    doc = tag_timexes(Document(text=text, lang=lang, date=ArticleDate.parse(d)))
    last_end = 0
    for t in doc.timexes:
        assert 0 <= t.start < t.end <= len(text)
        assert text[t.start : t.end] == t.text
        assert t.start >= last_end  # no overlaps, in order
        last_end = t.end
        assert t.type in ("DATE", "TIME", "DURATION", "SET") and t.value


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_unicode_never_crashes(text):
    for lang in ("nl", "en"):
        doc = tag_timexes(Document(text=text, lang=lang, date=ArticleDate.parse("2018-08")))
        for t in doc.timexes:
            assert text[t.start : t.end] == t.text


@given(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)), st.sampled_from(["D", "W", "M", "Q", "Y"]))
def test_a_value_at_any_granularity_contains_its_day(d, unit):
    if unit == "W" and d.isocalendar()[0] != d.year and d.year in (1, 9999):
        return
    iv = value_interval(at_granularity(d, unit))
    assert iv is not None and iv[0] <= d <= iv[1]


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9998, 12, 31)), st.integers(0, 400))
def test_covering_value_covers(lo, n):
    hi = lo + timedelta(days=n)
    value, _ = covering_value(lo, hi)
    if value == "XXXX":  # readings in two centuries: honestly unknown
        assert lo.year // 100 != hi.year // 100
        return
    iv = value_interval(value)
    assert iv is not None and iv[0] <= lo and hi <= iv[1]


@given(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)), st.sampled_from([10, 7, 4]))
def test_article_date_parse_round_trips(d, width):
    text = d.isoformat()[:width]
    a = ArticleDate.parse(text)
    assert a.earliest <= d <= a.latest
    assert ArticleDate.parse(a.value) == a


ADVERSARIAL = [
    "1" * 20000,
    "1-" * 10000,
    "1.1." * 5000,
    "maandag " * 3000,
    "de " * 8000,
    "om om om " * 2000,
    "vorige vorige " * 2000,
    "20.30 " * 4000,
    "jaren " * 4000,
    "a " * 10000,
    "'" * 20000,
    "bijna ruim ongeveer " * 1500,
    "the end of the end of " * 1500,
    "Q1 " * 5000,
    ("x" * 50 + " ") * 500,
]


@pytest.mark.parametrize("text", ADVERSARIAL, ids=lambda t: repr(t[:12]))
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_catastrophic_backtracking(text, lang):
    # A linear engine handles ~20k characters in well under a second; catastrophic
    # backtracking would take minutes. The bound is per character, generous for slow CI.
    t0 = time.perf_counter()
    tag_timexes(Document(text=text, lang=lang, date=ArticleDate.parse("2019-03-14")))
    elapsed = time.perf_counter() - t0
    assert elapsed / len(text) < 2e-4, f"{elapsed:.2f}s for {len(text)} characters"


def test_large_article_is_processed():
    text = "Vorige week zei de minister dat de wet in 2014 werd aangenomen. " * 3000
    doc = tijdlijn.tag(text, date="2019-03-14", lang="nl")
    assert len(doc.timexes) == 6000


@settings(max_examples=120, deadline=None)
@given(words=st.lists(st.sampled_from(WORDS + ["x" * 90, "Pinksteren", "tien", "uur", "1.5", "in"]), max_size=120),
       lang=st.sampled_from(["nl", "en"]))
def test_scanning_gate_windows_finds_exactly_what_a_full_scan_finds(words, lang):
    """The speed-up (searching only around each rule's gate evidence) must not change any match."""
    import tijdlijn.temporal.tagger as T
    from tijdlijn.temporal.language import load_language

    L = load_language(lang)
    text = " ".join(words)
    windowed = [(c.start, c.end, c.rule.name) for c in T.find_candidates(text, L)]
    original = T._gate_windows
    try:
        T._gate_windows = lambda hits, n: None if hits else (None if hits is None else [])
        full = [(c.start, c.end, c.rule.name) for c in T.find_candidates(text, L)]
    finally:
        T._gate_windows = original
    assert windowed == full
