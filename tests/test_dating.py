"""Article-date inference (work in progress for the date-inference issue): behaviour that already holds."""
from datetime import date

from tijdlijn.document import ArticleDate
from tijdlijn.temporal.dating import CollectionPrior, check_date, infer_date


def test_deictic_next_to_explicit_date_pins_the_day():
    inf = infer_date("Vandaag, 5 maart 2019, stemt de Tweede Kamer over het plan.", "nl")
    assert (inf.value, inf.granularity) == ("2019-03-05", "day") and inf.confidence > 0.6


def test_no_evidence_is_unknown_with_zero_confidence():
    inf = infer_date("Het regent en het waait in het hele land.", "nl")
    assert (inf.value, inf.granularity, inf.confidence) == (None, "unknown", 0.0) and inf.evidence


def test_conflicting_evidence_is_reported_not_averaged():
    inf = infer_date("Vandaag, 5 maart 2019, stemt de Kamer. Vandaag, 9 juli 2015, begon het proces.", "nl")
    assert inf.conflict and inf.value is None
    assert any("conflicting evidence" in e for e in inf.evidence)


def test_weekday_fixes_the_year_with_a_collection_prior():
    prior = CollectionPrior(date(2019, 2, 20), 30.0)
    inf = infer_date("Het kabinet besloot maandag 4 maart dat het plan doorgaat.", "nl", prior=prior)
    assert inf.mode is not None and inf.mode.year == 2019 and inf.mode >= date(2019, 3, 4)


def test_check_flags_a_date_that_contradicts_the_text():
    flag, inf = check_date("De Kamer stemt vandaag, woensdag 3 april, over het plan.", ArticleDate.parse("2019-03-01"))
    assert flag is True and any("contradiction" in e for e in inf.evidence)
    flag, _ = check_date("De Kamer stemt vandaag, woensdag 3 april, over het plan.", ArticleDate.parse("2019-04-03"))
    assert flag is False
