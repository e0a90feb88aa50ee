"""Named days and holidays from maintained calendar libraries.

A holiday is a rule string from the language data:
``easter+39`` (Western Easter computus, dateutil), ``hijri:12-10`` (Umm al-Qura
calendar, hijridate), ``hebrew:07-10`` (convertdate), ``fixed:05-05``,
``nth:09:2:3`` (third Tuesday of September; -1 = last), ``holidays:NL:King's Day``
(the holidays package), ``election_us`` (Tuesday after the first Monday of November).
"""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from dateutil.easter import easter


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    if n > 0:
        d = date(year, month, 1)
        d += timedelta(days=(weekday - d.isoweekday()) % 7)
        return d + timedelta(weeks=n - 1)
    last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.isoweekday() - weekday) % 7)


def _hijri_in_year(year: int, hmonth: int, hday: int) -> date | None:
    from hijridate import Gregorian, Hijri

    hy = Gregorian(year, 1, 1).to_hijri().year
    for y in (hy, hy + 1):
        try:
            g = Hijri(y, hmonth, hday).to_gregorian()
        except (ValueError, OverflowError):
            continue
        if g.year == year:
            return date(g.year, g.month, g.day)
    return None


def _hebrew_in_year(year: int, hmonth: int, hday: int) -> date | None:
    from convertdate import hebrew

    for hy in (year + 3760, year + 3761):
        y, m, d = hebrew.to_gregorian(hy, hmonth, hday)
        if y == year:
            return date(y, m, d)
    return None


@lru_cache(maxsize=4096)
def holiday_date(rule: str, year: int) -> date | None:
    """The date of a named day in a Gregorian year, or None if it does not fall in it."""
    try:
        if rule.startswith("easter"):
            off = int(rule[6:] or 0)
            return easter(year) + timedelta(days=off)
        kind, _, arg = rule.partition(":")
        if kind == "fixed":
            m, d = arg.split("-")
            return date(year, int(m), int(d))
        if kind == "nth":
            m, wd, n = arg.split(":")
            return _nth_weekday(year, int(m), int(wd), int(n))
        if kind == "hijri":
            m, d = arg.split("-")
            return _hijri_in_year(year, int(m), int(d))
        if kind == "hebrew":
            m, d = arg.split("-")
            return _hebrew_in_year(year, int(m), int(d))
        if kind == "holidays":
            import holidays

            country, _, name = arg.partition(":")
            for d, n in holidays.country_holidays(country, years=year).items():
                if n == name:
                    return d
            return None
        if rule == "election_us":
            return _nth_weekday(year, 11, 1, 1) + timedelta(days=1)
    except (ValueError, OverflowError, NotImplementedError):
        return None
    raise ValueError(f"unknown holiday rule {rule!r}")
