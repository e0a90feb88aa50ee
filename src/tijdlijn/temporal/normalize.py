"""Normalizers: from a matched rule to an ISO-TimeML value, with the reason.

Each normalizer is ``fn(cand, ctx, day) -> Resolution | None``: ``day`` is one
possible anchor day (the tagger calls relative normalizers for every day the
anchor can denote and merges the readings). Returning None rejects the match.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Callable

from .calendars import holiday_date
from .values import UNIT_GRANULARITY, at_granularity, duration_value, shift, value_interval

if TYPE_CHECKING:
    from .tagger import Candidate, Context


@dataclass
class Resolution:
    type: str
    value: str
    granularity: str | None
    explanation: str
    relative: bool = False  # depends on the anchor day
    mod: str | None = None
    anchor_timex: str | None = None  # id of an earlier timex the value was computed from


def _num(L: Any, text: str | None) -> float | str | None:
    if text is None:
        return None
    key = " ".join(text.lower().split())
    if key[:1].isdigit():
        try:
            return float(key.replace(",", "."))
        except ValueError:
            return None
    if key in L.vocab["vague_num"]:
        return "X"
    return L.vocab["num"].get(key) or L.lookup("num", text)


def _int_or_vocab(L: Any, table: str, text: str | None) -> int | None:
    if text is None:
        return None
    t = text.strip().rstrip(".")
    if t.isdigit():
        return int(t)
    return L.lookup(table, t)


def _ord(L: Any, text: str | None) -> int | None:
    if text is None:
        return None
    t = text.lower().strip()
    digits = "".join(ch for ch in t if ch.isdigit())
    if digits and t[: len(digits)] == digits:
        return int(digits)
    return L.lookup("ord", t)


def _two_digit_year(yy: int, around: int | None) -> int:
    around = around or 2000
    cands = [c * 100 + yy for c in (around // 100 - 1, around // 100, around // 100 + 1)]
    return min(cands, key=lambda y: (abs(y - around), -y))


def _pick_by_tense(options: list[date], day: date, tense: str | None, horizon: int = 183) -> date | None:
    """The occurrence nearest the anchor, unless the clause's tense points the other way.

    News mostly talks about the weeks around its date: the nearest reading wins,
    but a past-tense clause moves a future reading back (and vice versa) when
    the other reading lies within ``horizon`` days.
    """
    if not options:
        return None
    closest = min(options, key=lambda d: (abs((d - day).days), d > day))
    if tense == "past" and closest > day:
        past = [d for d in options if d <= day and (day - d).days <= horizon]
        if past:
            return max(past)
    elif tense == "future" and closest < day:
        fut = [d for d in options if d >= day and (d - day).days <= horizon]
        if fut:
            return min(fut)
    return closest


def calendar_date(c: "Candidate", ctx: "Context", day: date | None) -> Resolution | None:
    L, g = ctx.lang, c.groups
    month = _int_or_vocab(L, "month", g.get("month"))
    if not month or not 1 <= month <= 12:
        return None
    dnum = int(g["day"]) if g.get("day") else None
    weekday = L.lookup("weekday", g["weekday"]) if g.get("weekday") else None
    year = None
    why = ""
    if g.get("year"):
        y = g["year"].lstrip("'")
        year = int(y) if len(y) == 4 else _two_digit_year(int(y), day.year if day else None)
        why = "explicit date"
    elif g.get("shift") and day is not None:
        n = L.lookup("shift", g["shift"])
        if n is None:
            return None
        if c.rule.name.endswith("month-shift-year"):
            year = day.year + n
            why = f"month of the year {'before' if n < 0 else 'after' if n > 0 else 'of'} the anchor"
        else:
            # "afgelopen maart" = the last March before the anchor month; "volgende maart" the next one
            y = day.year
            if n < 0:
                year = y if month < day.month else y - 1
            elif n > 0:
                year = y if month > day.month else y + 1
            else:
                year = y
            why = f"'{g['shift']}' + month relative to the anchor"
    if dnum is not None:
        if year is None:
            if day is None:
                return Resolution("DATE", f"XXXX-{month:02d}-{dnum:02d}", "day", "day and month without a year or anchor", True)
            jl = L.lookup("shift", g["jl"]) if g.get("jl") else None
            tense = "past" if jl and jl < 0 else "future" if jl and jl > 0 else ctx.tense(c)
            options = []
            for y in (day.year - 1, day.year, day.year + 1):
                try:
                    options.append(date(y, month, dnum))
                except ValueError:
                    pass
            if weekday:
                matching = [d for d in options if d.isoweekday() == weekday]
                if matching:
                    options = matching
            chosen = _pick_by_tense(options, day, tense)
            if chosen is None:
                return None
            why = f"day and month; year from the anchor ({tense or 'no'} tense{', weekday agrees' if weekday else ''})"
            return Resolution("DATE", chosen.isoformat(), "day", why, True)
        try:
            d = date(year, month, dnum)
        except ValueError:
            return None
        if weekday and d.isoweekday() != weekday:
            why += f" (note: {d.isoformat()} is not a {g['weekday']})"
        return Resolution("DATE", d.isoformat(), "day", why, relative=bool(g.get("shift")) or len(g.get("year", "") or "") != 4)
    # month only
    if year is None:
        if day is None:
            return Resolution("DATE", f"XXXX-{month:02d}", "month", "month without a year or anchor", True)
        tense = ctx.tense(c)
        options = [date(y, month, 15) for y in (day.year - 1, day.year, day.year + 1)]
        ref = day.replace(day=15)
        chosen = _pick_by_tense(options, ref, tense)
        assert chosen is not None
        return Resolution("DATE", f"{chosen.year:04d}-{month:02d}", "month", f"month name; year from the anchor ({tense or 'no'} tense)", True)
    return Resolution("DATE", f"{year:04d}-{month:02d}", "month", why or "month and year", relative=bool(g.get("shift")))


def year(c: "Candidate", ctx: "Context", day: date | None) -> Resolution | None:
    g = c.groups
    if g.get("year2d"):
        y = _two_digit_year(int(g["year2d"]), day.year if day else None)
        return Resolution("DATE", f"{y:04d}", "year", "fiscal year, two digits", True)
    y = int(g["year"])
    if day is not None and not g.get("fiscal") and abs(y - day.year) > 120 and y > 1800 and y > day.year + 30:
        return None  # a number far in the future is not a year in news text
    return Resolution("DATE", f"{y:04d}", "year", "four-digit year")


def weekday(c: "Candidate", ctx: "Context", day: date | None) -> Resolution | None:
    L, g = ctx.lang, c.groups
    wd = L.lookup("weekday", g["weekday"])
    if not wd:
        return None
    part = L.lookup("part", g["part"]) if g.get("part") else None
    n = L.lookup("shift", g["shift"]) if g.get("shift") else None
    if g.get("jl"):
        n = L.lookup("shift", g["jl"])
    if day is None:
        v = f"XXXX-WXX-{wd}"
        return Resolution("DATE", v + (f"T{part}" if part else ""), "day", "weekday without an anchor", True)
    if g.get("wshift"):
        k = L.lookup("shift", g["wshift"]) or 0
        monday = day - timedelta(days=day.isoweekday() - 1) + timedelta(weeks=k)
        d = monday + timedelta(days=wd - 1)
        why = f"'{g['wshift']} week {g['weekday']}': the {g['weekday']} of the week {k:+d} from the anchor's"
    elif n is not None and n < 0:
        back = (day.isoweekday() - wd) % 7 or 7
        d = day - timedelta(days=back)
        why = f"'{g['shift'] or g.get('jl')}' + weekday: the last {g['weekday']} before the anchor"
    elif n is not None and n > 0:
        fwd = (wd - day.isoweekday()) % 7 or 7
        d = day + timedelta(days=fwd)
        why = f"'{g['shift'] or g.get('jl')}' + weekday: the next {g['weekday']} after the anchor"
    elif n == 0:
        d = day + timedelta(days=wd - day.isoweekday())
        why = f"'{g['shift']}' + weekday: the {g['weekday']} of the anchor's week"
    else:
        tense = ctx.tense(c)
        back = (day.isoweekday() - wd) % 7
        fwd = (wd - day.isoweekday()) % 7
        if tense == "past":
            d = day - timedelta(days=back)
        elif tense == "future":
            d = day + timedelta(days=fwd)
        else:
            d = day - timedelta(days=back) if back <= fwd else day + timedelta(days=fwd)
        why = f"{tense or 'untensed'} weekday: the {'latest' if tense == 'past' else 'next' if tense == 'future' else 'nearest'} {g['weekday']} {'on or before' if tense == 'past' else 'on or after' if tense == 'future' else 'to'} the anchor"
    v = d.isoformat()
    if part:
        return Resolution("TIME", f"{v}T{part}", "day", why + f", {g['part']}", True)
    return Resolution("DATE", v, "day", why, True)


def _shift(day: date, unit: str, n: int) -> date | None:
    try:
        return shift(day, unit, n)
    except (ValueError, OverflowError):
        return None


def unit_shift(c: "Candidate", ctx: "Context", day: date | None) -> Resolution | None:
    L, g = ctx.lang, c.groups
    n = L.lookup("shift", g["shift"])
    unit = L.lookup("unit", g["unit"])
    if n is None or unit is None or unit in ("H", "MIN", "S"):
        return None
    if day is None:
        day = date(2000, 1, 3)
    d = _shift(day, unit, n)
    if d is None:
        return None
    gran = UNIT_GRANULARITY.get(unit, unit)
    return Resolution("DATE", at_granularity(d, unit), gran, f"'{g['shift']}' {g['unit']}: {n:+d} {gran} from the anchor", True)


def offset(c: "Candidate", ctx: "Context", day: date | None) -> Resolution | None:
    L, g = ctx.lang, c.groups
    n = _num(L, g.get("num"))
    unit = L.lookup("unit", g["unit"])
    if n is None or unit is None:
        return None
    direction = int(c.rule.params.get("direction", -1))
    if n == "X":
        return Resolution("DATE", "PAST_REF" if direction < 0 else "FUTURE_REF", None, "vague amount of time before/after the anchor")
    anchor_timex = None
    if c.rule.params.get("relative_to") == "previous":
        prev = ctx.previous_date()
        if prev is not None:
            anchor_timex, day = prev
    if day is None:
        day = date(2000, 1, 3)
    if unit in ("H", "MIN", "S"):
        return Resolution("DATE", day.isoformat(), "day", "hours/minutes from the anchor, to the day", True, anchor_timex=anchor_timex)
    k = int(round(float(n))) * direction
    d = _shift(day, unit, k)
    if d is None:
        return None  # before year 1 or after 9999: not a date
    week_unit = c.rule.params.get("week_granularity", "D")
    gran_unit = {"D": "D", "W": week_unit, "DE": "Y", "CE": "Y"}.get(unit, unit)
    return Resolution(
        "DATE", at_granularity(d, gran_unit), UNIT_GRANULARITY.get(gran_unit), f"{k:+d} {g['unit']} from the {'earlier timex' if anchor_timex else 'anchor'}", True, anchor_timex=anchor_timex
    )


def duration(c: "Candidate", ctx: "Context", day: date | None) -> Resolution | None:
    L, g = ctx.lang, c.groups
    n = _num(L, g.get("num"))
    unit = L.lookup("unit", g["unit"])
    if unit is None:
        u = g["unit"].lower()
        unit = next((code for k, code in L.vocab["unit"].items() if u.startswith(k)), None)
    if n is None or unit is None:
        return None
    if isinstance(n, float) and n == 0:
        return None
    if L.lookup("not_duration", c.text):
        return None  # e.g. an ordinal ("a second group") or a fraction ("a quarter of"), per the language data
    return Resolution("DURATION", duration_value(n, unit), None, f"amount {g['num']!r} of unit {g['unit']!r}")


def set_weekday(c: "Candidate", ctx: "Context", day: date | None) -> Resolution | None:
    wd = ctx.lang.lookup("weekday", c.groups["weekday"])
    if not wd:
        return None
    return Resolution("SET", f"XXXX-WXX-{wd}", None, f"every {c.groups['weekday']}")


def set_unit(c: "Candidate", ctx: "Context", day: date | None) -> Resolution | None:
    L, g = ctx.lang, c.groups
    n = _num(L, g.get("num"))
    unit = L.lookup("unit", g["unit"])
    if n is None or unit is None or n == "X":
        return None
    return Resolution("SET", duration_value(n, unit), None, f"every {g['num']} {g['unit']}")


def season(c: "Candidate", ctx: "Context", day: date | None) -> Resolution | None:
    L, g = ctx.lang, c.groups
    s = L.lookup("season", g["season"])
    if not s:
        return None
    if g.get("year"):
        return Resolution("DATE", f"{g['year']}-{s}", "season", "season and year")
    if day is None:
        return Resolution("DATE", f"XXXX-{s}", "season", "season without anchor", True)
    n = L.lookup("shift", g["shift"]) if g.get("shift") else None
    if n is None and c.groups.get("_shift") is not None:
        n = c.groups["_shift"]
    years = [day.year - 2, day.year - 1, day.year, day.year + 1, day.year + 2]
    spans = [(y, value_interval(f"{y}-{s}")) for y in years]
    if n is not None and n < 0:
        cands = [y for y, iv in spans if iv and iv[1] < day]
        y = max(cands)
    elif n is not None and n > 0:
        cands = [y for y, iv in spans if iv and iv[0] > day]
        y = min(cands)
    else:
        containing = [y for y, iv in spans if iv and iv[0] <= day <= iv[1]]
        y = containing[0] if containing else day.year
        if s == "WI" and not containing and day.month <= 2:
            y = day.year - 1
    return Resolution("DATE", f"{y:04d}-{s}", "season", "season relative to the anchor", True)


def quarter(c: "Candidate", ctx: "Context", day: date | None) -> Resolution | None:
    L, g = ctx.lang, c.groups
    if g.get("q"):
        q = int(g["q"][1])
    else:
        q = _ord(L, g.get("ord"))
    if q == -1:
        q = 4
    if not q or not 1 <= q <= 4:
        return None
    y = g.get("year") or g.get("year2")
    if y:
        yi = int(y) if len(y) == 4 else _two_digit_year(int(y), day.year if day else None)
        return Resolution("DATE", f"{yi:04d}-Q{q}", "quarter", "quarter and year")
    if day is None:
        return Resolution("DATE", f"XXXX-Q{q}", "quarter", "quarter without anchor", True)
    yi = day.year
    if g.get("shiftq"):
        yi += L.lookup("shift", g["shiftq"]) or 0
    elif q > (day.month - 1) // 3 + 1 and ctx.tense(c) != "future":
        yi -= 1
    return Resolution("DATE", f"{yi:04d}-Q{q}", "quarter", "quarter; year from the anchor (latest such quarter not after it)", True)


def half_year(c: "Candidate", ctx: "Context", day: date | None) -> Resolution | None:
    h = int(c.groups["h"][1]) if c.groups.get("h") else _ord(ctx.lang, c.groups["ord"])
    if h not in (1, 2):
        return None
    if c.groups.get("year"):
        return Resolution("DATE", f"{c.groups['year']}-H{h}", "half-year", "half year and year")
    if day is None:
        return Resolution("DATE", f"XXXX-H{h}", "half-year", "half year without anchor", True)
    return Resolution("DATE", f"{day.year:04d}-H{h}", "half-year", "half year of the anchor year", True)


def decade(c: "Candidate", ctx: "Context", day: date | None) -> Resolution | None:
    g = c.groups
    if g.get("decade_full"):
        return Resolution("DATE", g["decade_full"][:3], "decade", "explicit decade")
    if g.get("decade_num"):
        k = int(g["decade_num"]) // 10
    else:
        k = ctx.lang.lookup("decade_word", g["decade_word"])
        if k is None:
            return None
    ref = day.year if day else 2000
    cent = ref // 100
    start = cent * 100 + k * 10
    if start > ref:
        start -= 100
    return Resolution("DATE", f"{start // 10:03d}", "decade", "decade without century: the latest such decade not after the anchor", True)


def century(c: "Candidate", ctx: "Context", day: date | None) -> Resolution | None:
    n = int(c.groups["ord_num"]) if c.groups.get("ord_num") else _ord(ctx.lang, c.groups.get("ord"))
    if not n or not 1 <= n <= 30:
        return None
    return Resolution("DATE", f"{n - 1:02d}", "century", "ordinal century")


def holiday(c: "Candidate", ctx: "Context", day: date | None) -> Resolution | None:
    L, g = ctx.lang, c.groups
    rule = L.lookup("holiday", g["holiday"])
    if not rule:
        return None
    name = g["holiday"]
    if g.get("year"):
        d = holiday_date(rule, int(g["year"]))
        return Resolution("DATE", d.isoformat(), "day", f"{name} in {g['year']} ({rule})") if d else None
    if day is None:
        return Resolution("DATE", "XXXX-XX-XX", "day", f"{name} without an anchor year", True)
    options = [d for y in (day.year - 1, day.year, day.year + 1) if (d := holiday_date(rule, y))]
    n = L.lookup("shift", g["shift"]) if g.get("shift") else None
    if n is not None and n < 0:
        chosen = max((d for d in options if d < day), default=None)
    elif n is not None and n > 0:
        chosen = min((d for d in options if d > day), default=None)
    elif n == 0:
        chosen = next((d for d in options if d.year == day.year), None)
    else:
        chosen = _pick_by_tense(options, day, ctx.tense(c))
    if chosen is None:
        return None
    return Resolution("DATE", chosen.isoformat(), "day", f"{name} ({rule}) in {chosen.year}, the occurrence nearest the anchor in the clause's tense", True)


def time_of_day(c: "Candidate", ctx: "Context", day: date | None) -> Resolution | None:
    L, g = ctx.lang, c.groups
    if g.get("noon"):
        g["_time"] = "12:00" if g["noon"].lower() == "noon" else "24:00"
    if g.get("_time"):
        hh, mm = (int(x) for x in g["_time"].split(":"))
    else:
        h = g.get("hour")
        if h is None:
            return None
        hh = int(h) if h.isdigit() else L.vocab["hourword"].get(h.lower())
        if hh is None:
            return None
        mm = int(g["minute"]) if g.get("minute") else 0
        if g.get("half"):
            hh, mm = hh - 1, 30
        elif g.get("quarter"):
            if g.get("qdir", "").lower() == "voor":
                hh, mm = hh - 1, 45
            else:
                mm = 15
        ampm = (g.get("ampm") or "").lower().replace(".", "")
        part = (g.get("part") or "").lower()
        if ampm == "pm" and hh < 12:
            hh += 12
        elif ampm == "am" and hh == 12:
            hh = 0
        elif not ampm and hh < 12 and part and L.lookup("part", part.rstrip("s")) in ("AF", "EV"):
            hh += 12
        elif not ampm and hh < 12 and ctx.evening_context(c):
            hh += 12
    if not (0 <= hh <= 24 and 0 <= mm < 60):
        return None
    hm = f"{hh % 24 if hh != 24 else 24:02d}:{mm:02d}"
    if g.get("weekday"):
        wd = weekday(c, ctx, day)
        if wd is None:
            return None
        return Resolution("TIME", f"{wd.value[:10]}T{hm}", "time", f"clock time on {wd.explanation}", wd.relative)
    prev = ctx.adjacent_day_timex(c)
    if prev is not None:
        tid, d = prev
        return Resolution("TIME", f"{d.isoformat()}T{hm}", "time", "clock time on the day of the adjacent date", anchor_timex=tid)
    if day is None:
        return Resolution("TIME", f"XXXX-XX-XXT{hm}", "time", "clock time, day unknown", True)
    return Resolution("TIME", f"{day.isoformat()}T{hm}", "time", "clock time on the anchor day", True)


def lexicon(c: "Candidate", ctx: "Context", day: date | None) -> Resolution | None:
    e = c.entry
    assert e is not None
    typ = e.get("type", "DATE")
    if "value" in e:
        return Resolution(typ, e["value"], None, f"fixed phrase {c.text!r}", mod=e.get("mod"))
    if "time" in e:
        c.groups["_time"] = e["time"]
        return time_of_day(c, ctx, day)
    if "season" in e:
        c.groups.update(season=next(k for k, v in ctx.lang.vocab["season"].items() if v == e["season"]), _shift=e.get("offset"))
        return season(c, ctx, day)
    unit, off = e["unit"], int(e.get("offset", 0))
    prev_kind = e.get("previous")
    if prev_kind:
        prev = ctx.previous_value(lambda v: v[:1] in "12" and "-Q" in v, underived=True)
        if prev is not None:
            tid, v = prev
            y, q = v.split("-Q")
            if prev_kind == "Q0":
                return Resolution("DATE", v, "quarter", "the quarter of an earlier timex", anchor_timex=tid)
            return Resolution("DATE", f"{int(y) + off:04d}-Q{q}", "quarter", f"{off:+d} year from the quarter of an earlier timex", anchor_timex=tid)
    if day is None:
        day = date(2000, 1, 3)
    if e.get("past_offset") is not None and ctx.tense(c, default=False) == "past":
        off = int(e["past_offset"])
    if unit == "WE" and off:
        # "komend weekend" is the first weekend after the anchor, "afgelopen weekend" the last one before it
        sat = day + timedelta(days=(6 - day.isoweekday()) % 7 or 7) if off > 0 else day - timedelta(days=(day.isoweekday() - 7) % 7 or 7)
        d = sat
    else:
        d = _shift(day, unit, off)
        if d is None:
            return None
    gran = UNIT_GRANULARITY.get(unit)
    value = at_granularity(d, unit)
    why = f"fixed phrase {c.text!r}: {off:+d} {gran} from the anchor"
    if e.get("part"):
        return Resolution("TIME", f"{value}T{e['part']}", "day", why + f", part of day {e['part']}", True, mod=e.get("mod"))
    return Resolution(typ, value, gran, why, True, mod=e.get("mod"))


NORMALIZERS: dict[str, Callable[..., Resolution | None]] = {
    "calendar_date": calendar_date,
    "year": year,
    "weekday": weekday,
    "unit_shift": unit_shift,
    "offset": offset,
    "duration": duration,
    "set_weekday": set_weekday,
    "set_unit": set_unit,
    "season": season,
    "quarter": quarter,
    "half_year": half_year,
    "decade": decade,
    "century": century,
    "holiday": holiday,
    "time": time_of_day,
    "lexicon": lexicon,
}
