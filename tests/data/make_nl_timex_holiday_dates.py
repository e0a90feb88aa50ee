"""Documents how the holiday gold values in nl_timex_suite.jsonl were computed.

This script is NOT part of the tagger and is not imported by the tests.  It was
run once, in a throwaway virtualenv, to compute the Gregorian date of every
named/moveable day used in the suite, so that no holiday date in the gold
standard comes from memory:

    python -m venv /tmp/suite-venv
    /tmp/suite-venv/bin/pip install holidays hijridate convertdate python-dateutil
    /tmp/suite-venv/bin/python tests/data/make_nl_timex_holiday_dates.py 2008 2025

Conventions (see README-nl-timex-suite.md):
  * Pasen / Eerste Paasdag = Easter Sunday (Western, dateutil.easter).
  * Carnaval = the Sunday before Ash Wednesday (first of the three carnival
    days Sunday-Tuesday), i.e. Easter - 49 days.
  * Koningsdag = 27 April, or 26 April when the 27th is a Sunday (from 2014;
    before that Koninginnedag 30 April, 29 April when a Sunday) -- taken from
    the `holidays` package and cross-checked here.
  * Prinsjesdag = third Tuesday of September.
  * Moederdag = second Sunday of May; Vaderdag = third Sunday of June.
  * Suikerfeest = 1 Shawwal, Offerfeest = 10 Dhu al-Hijja, Ramadan = 1 Ramadan
    (start date), all in the Umm al-Qura calendar (hijridate).
  * Jom Kipoer = 10 Tishrei, Pesach = 15 Nisan (convertdate.hebrew); the value
    is the civil daytime date (the holiday starts at sundown the evening before).
  * Fixed days: Bevrijdingsdag 5 May, Dodenherdenking 4 May, Sinterklaas /
    pakjesavond 5 December, Kerstmis 25 December, Tweede Kerstdag 26 December,
    oudejaarsavond/-dag 31 December, nieuwjaarsdag 1 January, Valentijnsdag
    14 February, Allerheiligen 1 November, Belgische Nationale Feestdag 21 July,
    Wapenstilstand 11 November.
"""
import sys
from datetime import date, timedelta

import holidays
from convertdate import hebrew
from dateutil.easter import easter
from dateutil.relativedelta import relativedelta, SU, TU
from hijridate import Gregorian, Hijri


def _hijri_in_year(year, month, day):
    """Gregorian date of Hijri (month, day) that falls in Gregorian `year`."""
    hy = Gregorian(year, 1, 1).to_hijri().year
    found = []
    for y in (hy, hy + 1):
        g = Hijri(y, month, day).to_gregorian()
        d = date(g.year, g.month, g.day)
        if d.year == year:
            found.append(d)
    assert len(found) == 1, (year, month, day, found)
    return found[0]


def _hebrew_in_year(year, month, day):
    found = []
    for hy in (year + 3760, year + 3761):
        d = date(*hebrew.to_gregorian(hy, month, day))
        if d.year == year:
            found.append(d)
    assert len(found) == 1, (year, month, day, found)
    return found[0]


def holiday_dates(year):
    e = easter(year)  # Western (Gregorian) Easter Sunday
    nl = holidays.NL(years=year)
    be = holidays.BE(years=year)
    koningsdag = [d for d, n in nl.items() if n in ("King's Day", "Queen's Day")]
    assert len(koningsdag) == 1, (year, koningsdag)
    out = {
        "nieuwjaarsdag": date(year, 1, 1),
        "valentijnsdag": date(year, 2, 14),
        "carnaval": e - timedelta(days=49),
        "aswoensdag": e - timedelta(days=46),
        "goede vrijdag": e - timedelta(days=2),
        "pasen": e,
        "tweede paasdag": e + timedelta(days=1),
        "koningsdag": koningsdag[0],
        "dodenherdenking": date(year, 5, 4),
        "bevrijdingsdag": date(year, 5, 5),
        "moederdag": date(year, 5, 1) + relativedelta(weekday=SU(+2)),
        "hemelvaartsdag": e + timedelta(days=39),
        "pinksteren": e + timedelta(days=49),
        "tweede pinksterdag": e + timedelta(days=50),
        "vaderdag": date(year, 6, 1) + relativedelta(weekday=SU(+3)),
        "nationale feestdag (be)": date(year, 7, 21),
        "prinsjesdag": date(year, 9, 1) + relativedelta(weekday=TU(+3)),
        "allerheiligen": date(year, 11, 1),
        "wapenstilstand (be)": date(year, 11, 11),
        "sinterklaas/pakjesavond": date(year, 12, 5),
        "kerstmis": date(year, 12, 25),
        "tweede kerstdag": date(year, 12, 26),
        "oudejaarsavond": date(year, 12, 31),
        "ramadan (begin)": _hijri_in_year(year, 9, 1),
        "suikerfeest": _hijri_in_year(year, 10, 1),
        "offerfeest": _hijri_in_year(year, 12, 10),
        "pesach": _hebrew_in_year(year, 1, 15),
        "jom kipoer": _hebrew_in_year(year, 7, 10),
    }
    # cross-checks against the `holidays` package
    inv = {n: d for d, n in nl.items()}
    assert inv["Easter Sunday"] == out["pasen"]
    assert inv["Easter Monday"] == out["tweede paasdag"]
    assert inv["Ascension Day"] == out["hemelvaartsdag"]
    assert inv["Pentecost"] == out["pinksteren"]
    if "Good Friday" in inv:
        assert inv["Good Friday"] == out["goede vrijdag"]
    binv = {n: d for d, n in be.items()}
    assert binv["National Day"] == out["nationale feestdag (be)"]
    assert binv["Armistice Day"] == out["wapenstilstand (be)"]
    assert out["prinsjesdag"].weekday() == 1 and 15 <= out["prinsjesdag"].day <= 21
    assert out["carnaval"].weekday() == 6
    return out


if __name__ == "__main__":
    y0, y1 = (int(a) for a in sys.argv[1:3]) if len(sys.argv) > 2 else (2008, 2025)
    for y in range(y0, y1 + 1):
        for name, d in holiday_dates(y).items():
            print(f"{y}\t{name}\t{d.isoformat()}\t{d.strftime('%a')}")
