"""What users rely on from the temporal tagger: values anchored on the article date, with reasons."""
import pytest

import tijdlijn
from tijdlijn.pipeline import TIME_STAGES, annotate
from tijdlijn.readers.dateheader import parse_dateheader


def values(text, date, lang):
    return {t.text: (t.type, t.value, t.mod) for t in tijdlijn.tag(text, date=date, lang=lang).timexes}


def test_reference_article_every_item(reference_article):
    doc = annotate(parse_dateheader(reference_article.read_text("utf-8"), source=str(reference_article)), TIME_STAGES)
    assert doc.date.value == "2018-08" and doc.date.granularity == "month"
    assert doc.refined_date.date.value == "2018-W34"
    got = {t.text.lower(): t for t in doc.timexes}
    assert got["woensdag"].value == "2018-08-22"
    assert got["woensdag"].anchor == "refined_article_date"
    assert got["deze week"].value == "2018-W34"
    assert got["offerfeest"].value == "2018-08-21"
    assert got["vorig jaar"].value == "2017"
    assert (got["het afgelopen jaar"].type, got["het afgelopen jaar"].value) == ("DURATION", "P1Y")
    assert got["2014"].value == "2014"
    assert got["55 minuten"].value == "PT55M"
    assert (got["bijna een jaar"].value, got["bijna een jaar"].mod) == ("P1Y", "LESS_THAN")
    assert got["onlangs"].value == "PAST_REF"
    assert any("Offerfeest" in e for e in doc.refined_date.evidence)


def test_refinement_is_general_not_tied_to_the_example():
    # Another month, another holiday, another weekday: Pinksteren 2019 fell on 9 June (week 23).
    text = ("De kerken waren deze week met Pinksteren goed gevuld. "
            "De bisschop heeft donderdag een brief verspreid over de toekomst van de parochies.")
    doc = tijdlijn.tag(text, date="2019-06", lang="nl")
    assert doc.refined_date is not None
    v = {t.text: t.value for t in doc.timexes}
    assert v["deze week"] == "2019-W23"
    assert v["Pinksteren"] == "2019-06-09"
    assert v["donderdag"] == "2019-06-06"


def test_month_only_date_without_evidence_is_not_made_falsely_precise():
    doc = tijdlijn.tag("Het ministerie heeft woensdag een rapport gepubliceerd.", date="2018-08", lang="nl")
    assert doc.refined_date is None
    (t,) = doc.timexes
    assert t.value == "2018-08"  # a Wednesday in August, not a made-up day
    assert "widened" in t.explanation


@pytest.mark.parametrize(
    "text,date,expected",
    [
        ("Afgelopen zaterdag won Ajax.", "2019-03-14", {"Afgelopen zaterdag": ("DATE", "2019-03-09", None)}),
        ("Volgende maandag begint de rechtszaak.", "2019-03-14", {"Volgende maandag": ("DATE", "2019-03-18", None)}),
        ("Twee weken geleden brak er brand uit.", "2019-03-14", {"Twee weken geleden": ("DATE", "2019-02-28", None)}),
        ("Over drie dagen valt het besluit.", "2019-03-14", {"Over drie dagen": ("DATE", "2019-03-17", None)}),
        ("Vorige maand daalde de werkloosheid.", "2019-03-14", {"Vorige maand": ("DATE", "2019-02", None)}),
        ("Gisteravond was het onrustig.", "2019-03-14", {"Gisteravond": ("TIME", "2019-03-13TEV", None)}),
        ("Het kabinet beslist vanmiddag.", "2019-03-14", {"vanmiddag": ("TIME", "2019-03-14TAF", None)}),
        ("De fabriek sluit eind 2017.", "2016-05-01", {"eind 2017": ("DATE", "2017", "END")}),
        ("De verkiezingen zijn begin maart.", "2019-01-10", {"begin maart": ("DATE", "2019-03", "START")}),
        ("In de jaren negentig was dat anders.", "2019-03-14", {"de jaren negentig": ("DATE", "199", None)}),
        ("Het duel begint om 20.30 uur.", "2019-03-14", {"20.30 uur": ("TIME", "2019-03-14T20:30", None)}),
        ("De bus vertrekt om half negen.", "2019-03-14", {"half negen": ("TIME", "2019-03-14T08:30", None)}),
        ("De markt is elke maandag open.", "2019-03-14", {"elke maandag": ("SET", "XXXX-WXX-1", None)}),
        ("Het blad verschijnt wekelijks.", "2019-03-14", {"wekelijks": ("SET", "P1W", None)}),
        ("Op 22 augustus opent het festival.", "2019-03-14", {"22 augustus": ("DATE", "2019-08-22", None)}),
        ("Maandag 4 maart ging het mis.", "2019-03-14", {"Maandag 4 maart": ("DATE", "2019-03-04", None)}),
        ("De wet geldt sinds 3-2-2019.", "2019-03-14", {"3-2-2019": ("DATE", "2019-02-03", None)}),
        ("Dit voorjaar komt er een besluit.", "2019-01-14", {"Dit voorjaar": ("DATE", "2019-SP", None)}),
        ("De winst steeg in het derde kwartaal.", "2019-11-14", {"het derde kwartaal": ("DATE", "2019-Q3", None)}),
        ("Met Goede Vrijdag is de winkel dicht.", "2019-03-14", {"Goede Vrijdag": ("DATE", "2019-04-19", None)}),
        ("Op Koningsdag is het feest.", "2014-04-01", {"Koningsdag": ("DATE", "2014-04-26", None)}),
        ("Het Suikerfeest markeert het einde van de ramadan.", "2019-05-20", {"Het Suikerfeest": ("DATE", "2019-06-04", None)}),
        ("Met Jom Kipoer ligt alles stil.", "2019-09-20", {"Jom Kipoer": ("DATE", "2019-10-09", None)}),
        ("Op Prinsjesdag presenteert het kabinet de begroting.", "2019-06-01", {"Prinsjesdag": ("DATE", "2019-09-17", None)}),
        ("Met Hemelvaart zijn de scholen dicht.", "2019-05-01", {"Hemelvaart": ("DATE", "2019-05-30", None)}),
    ],
)
def test_dutch_expressions(text, date, expected):
    got = values(text, date, "nl")
    for k, v in expected.items():
        assert got.get(k) == v, (k, got)


@pytest.mark.parametrize(
    "text,date,expected",
    [
        ("The company said on Friday that profits rose.", "1998-02-11", {"Friday": ("DATE", "1998-02-06", None)}),
        ("The deal was signed August 22, 2018.", "2019-01-01", {"August 22, 2018": ("DATE", "2018-08-22", None)}),
        ("Prices rose last year.", "1998-02-11", {"last year": ("DATE", "1997", None)}),
        ("The strike lasted two weeks.", "1998-02-11", {"two weeks": ("DURATION", "P2W", None)}),
        ("The meeting starts at 3 pm.", "1998-02-11", {"3 pm": ("TIME", "1998-02-11T15:00", None)}),
        ("Shops close on Thanksgiving.", "1998-11-02", {"Thanksgiving": ("DATE", "1998-11-26", None)}),
        ("Results for the third quarter were weak.", "1989-10-20", {"the third quarter": ("DATE", "1989-Q3", None)}),
        ("It happened in the 1990s.", "2005-01-01", {"the 1990s": ("DATE", "199", None)}),
        ("Easter falls early this year.", "2016-01-10", {"Easter": ("DATE", "2016-03-27", None)}),
    ],
)
def test_english_expressions(text, date, expected):
    got = values(text, date, "en")
    for k, v in expected.items():
        assert got.get(k) == v, (k, got)


def test_every_timex_explains_itself():
    doc = tijdlijn.tag("Vorige week zei de minister dat hij volgend jaar stopt.", date="2019-03-14", lang="nl")
    for t in doc.timexes:
        assert t.rule and t.explanation and t.granularity
        assert t.anchor == "article_date"
        assert "2019-03-14" in t.explanation


def test_never_anchored_on_today():
    doc = tijdlijn.tag("Gisteren regende het.", date="1999-12-31", lang="nl")
    assert doc.timexes[0].value == "1999-12-30"


def test_no_article_date_gives_unresolved_values_not_guesses():
    doc = tijdlijn.tag("Gisteren regende het, maar in 2014 was het droog.", lang="nl")
    v = {t.text: t.value for t in doc.timexes}
    assert v["Gisteren"] == "XXXX-XX-XX"
    assert v["2014"] == "2014"


def test_time_attaches_to_the_day_in_its_sentence():
    v = values("Het Nederlands elftal speelt maandag om 20.45 uur.", "2010-06-16", "nl")
    assert v["20.45 uur"] == ("TIME", "2010-06-21T20:45", None)


def test_language_is_detected():
    assert tijdlijn.tag("The minister said on Tuesday that taxes will rise.", date="2019-01-01").lang == "en"
    assert tijdlijn.tag("De minister zei dinsdag dat de belasting omhoog gaat.", date="2019-01-01").lang == "nl"


def test_capitalised_weekday_after_a_name_is_a_surname_not_a_day():
    assert values("zegt woordvoerder Jolanda Zondag van Talis.", "2019-03-06", "nl") == {}
    # at a sentence start or after a lower-case word it is still a day
    assert values("Vorige week. Zondag kwam hij terug.", "2019-03-06", "nl")["Zondag"][1] == "2019-03-03"
    assert values("Het gebeurde afgelopen Zondag in Delft.", "2019-03-06", "nl")["afgelopen Zondag"][1] == "2019-03-03"
