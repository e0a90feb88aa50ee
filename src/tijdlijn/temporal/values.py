"""ISO-TimeML values: building them at a granularity, shifting, and reading them back as intervals."""
from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 2)}
UNIT_GRANULARITY = {"D": "day", "W": "week", "WE": "weekend", "M": "month", "Q": "quarter", "Y": "year", "DE": "decade", "CE": "century"}


def day_value(d: date) -> str:
    return d.isoformat()


def week_value(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y:04d}-W{w:02d}"


def at_granularity(d: date, unit: str) -> str:
    """The value of the calendar unit containing ``d`` (D, W, WE, M, Q, H1, Y, DE, CE)."""
    if unit == "D":
        return day_value(d)
    if unit == "W":
        return week_value(d)
    if unit == "WE":
        return week_value(d) + "-WE"
    if unit == "M":
        return f"{d.year:04d}-{d.month:02d}"
    if unit == "Q":
        return f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}"
    if unit == "Y":
        return f"{d.year:04d}"
    if unit == "DE":
        return f"{d.year // 10:03d}"
    if unit == "CE":
        return f"{d.year // 100:02d}"
    raise ValueError(unit)


def shift(d: date, unit: str, n: int) -> date:
    if unit == "D":
        return d + timedelta(days=n)
    if unit in ("W", "WE"):
        return d + timedelta(weeks=n)
    if unit == "M":
        return d + relativedelta(months=n)
    if unit == "Q":
        return d + relativedelta(months=3 * n)
    if unit == "Y":
        return d + relativedelta(years=n)
    if unit == "DE":
        return d + relativedelta(years=10 * n)
    if unit == "CE":
        return d + relativedelta(years=100 * n)
    if unit in ("H", "MIN", "S"):
        return d
    raise ValueError(unit)


def duration_value(n: float | str, unit: str) -> str:
    """``P3D``, ``PT55M``, ``P18M`` for 1.5 years, ``PXY`` for a vague amount."""
    if isinstance(n, float) and not n.is_integer():
        smaller = {"Y": ("M", 12), "M": ("D", 30), "D": ("H", 24), "H": ("MIN", 60), "W": ("D", 7), "DE": ("Y", 10), "CE": ("Y", 100), "MIN": ("S", 60)}
        if unit in smaller:
            u2, f = smaller[unit]
            if (n * f).is_integer():
                return duration_value(int(n * f), u2)
    if isinstance(n, float) and n.is_integer():
        n = int(n)
    if unit in ("DE", "CE") and isinstance(n, int):
        return f"P{n * (10 if unit == 'DE' else 100)}Y"
    if unit in ("H", "MIN", "S"):
        return f"PT{n}{'M' if unit == 'MIN' else unit}"
    if unit == "WE":
        return f"P{n}WE"
    return f"P{n}{unit}"


_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})(?:-(\d|WE))?$")
_ISO_Q = re.compile(r"^(\d{4})-(Q[1-4]|H[12]|SP|SU|FA|WI)$")
_ISO_Y = re.compile(r"^(\d{4})$")
_ISO_DE = re.compile(r"^(\d{3})$")
_ISO_CE = re.compile(r"^(\d{2})$")


def value_interval(value: str) -> tuple[date, date] | None:
    """The first and last day a DATE/TIME value can denote, or None for vague or unanchored values."""
    try:
        m = _ISO_DAY.match(value)
        if m:
            d = date(int(m[1]), int(m[2]), int(m[3]))
            return d, d
        m = _ISO_MONTH.match(value)
        if m:
            y, mo = int(m[1]), int(m[2])
            return date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1])
        m = _ISO_WEEK.match(value)
        if m:
            start = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            if m[3] == "WE":
                return start + timedelta(days=5), start + timedelta(days=6)
            if m[3]:
                d = start + timedelta(days=int(m[3]) - 1)
                return d, d
            return start, start + timedelta(days=6)
        m = _ISO_Q.match(value)
        if m:
            y, part = int(m[1]), m[2]
            if part[0] == "Q":
                q = int(part[1])
                return date(y, 3 * q - 2, 1), date(y, 3 * q, calendar.monthrange(y, 3 * q)[1])
            if part[0] == "H":
                h = int(part[1])
                return (date(y, 1, 1), date(y, 6, 30)) if h == 1 else (date(y, 7, 1), date(y, 12, 31))
            a, b = SEASON_MONTHS[part]
            if part == "WI":
                return date(y, 12, 1), date(y + 1, 2, calendar.monthrange(y + 1, 2)[1])
            return date(y, a, 1), date(y, b, calendar.monthrange(y, b)[1])
        m = _ISO_Y.match(value)
        if m:
            y = int(m[1])
            return date(y, 1, 1), date(y, 12, 31)
        m = _ISO_DE.match(value)
        if m:
            y = int(m[1]) * 10
            return date(max(y, 1), 1, 1), date(y + 9, 12, 31)
        m = _ISO_CE.match(value)
        if m:
            y = int(m[1]) * 100
            return date(max(y, 1), 1, 1), date(y + 99, 12, 31)
    except ValueError:
        return None
    return None


def covering_value(lo: date, hi: date) -> tuple[str, str]:
    """The finest single value (day, week, month, quarter, year, decade) that covers [lo, hi]."""
    if lo == hi:
        return day_value(lo), "day"
    if week_value(lo) == week_value(hi):
        return week_value(lo), "week"
    if (lo.year, lo.month) == (hi.year, hi.month):
        return at_granularity(lo, "M"), "month"
    if at_granularity(lo, "Q") == at_granularity(hi, "Q"):
        return at_granularity(lo, "Q"), "quarter"
    if lo.year == hi.year:
        return f"{lo.year:04d}", "year"
    if lo.year // 10 == hi.year // 10:
        return f"{lo.year // 10:03d}", "decade"
    if lo.year // 100 == hi.year // 100:
        return f"{lo.year // 100:02d}", "century"
    return "XXXX", "unknown"  # no single calendar unit covers the readings
