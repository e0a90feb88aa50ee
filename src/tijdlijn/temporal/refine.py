"""Narrow a coarse article date (``2018-08``) with constraints the text itself gives.

The article date is treated as an interval of possible publication days and each
constraint intersects it; a constraint that would empty the interval is
reported as conflicting evidence and ignored.

Constraints, in order:
1. a named day said to fall "this week"/"today" ("het Offerfeest deze week")
   puts the article in that day's ISO week (or on that day);
2. a deictic day word next to an explicit date ("gisteren (21 augustus)")
   fixes the day;
3. explicit dates in past-tense clauses are lower bounds, in future-tense
   clauses upper bounds;
4. a past-tense bare weekday ("woensdag heeft verspreid") means the article
   appeared within 7 days after such a weekday; of the possible weekdays the one
   leaving the most publication days wins, if it is at least twice as likely as
   the next (a uniform prior over the interval).
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from ..document import ArticleDate, RefinedDate
from .calendars import holiday_date

if TYPE_CHECKING:
    from .tagger import Candidate, Context

_NEAR = 60  # characters between a named day and "this week"


def _intersect(lo: date, hi: date, a: date, b: date) -> tuple[date, date] | None:
    lo2, hi2 = max(lo, a), min(hi, b)
    return (lo2, hi2) if lo2 <= hi2 else None


def _same_sentence(ctx: "Context", a: "Candidate", b: "Candidate") -> bool:
    return ctx.sentence_bounds(a) == ctx.sentence_bounds(b)


def _lex(c: "Candidate", unit: str, offset: int) -> bool:
    e = c.entry
    return bool(e) and e.get("unit") == unit and int(e.get("offset", 99)) == offset and "part" not in e  # type: ignore[union-attr]


def _explicit_day(c: "Candidate", ctx: "Context", lo: date, hi: date) -> date | None:
    """The day of an explicit calendar date, using the interval's years when the year is missing."""
    g = c.groups
    if c.rule.norm != "calendar_date" or not g.get("day") or not g.get("month"):
        return None
    L = ctx.lang
    month = int(g["month"]) if g["month"].isdigit() else L.lookup("month", g["month"])
    if not month:
        return None
    years = [int(g["year"])] if g.get("year") and len(g["year"]) == 4 else list(range(lo.year, hi.year + 1))
    for y in years:
        try:
            d = date(y, month, int(g["day"]))
        except ValueError:
            return None
        if len(years) == 1 or lo - timedelta(days=31) <= d <= hi + timedelta(days=31):
            return d
    return None


def refine_article_date(given: ArticleDate, cands: list["Candidate"], ctx: "Context") -> RefinedDate | None:
    lo, hi = given.earliest, given.latest
    evidence: list[str] = []
    L = ctx.lang

    def apply(a: date, b: date, why: str) -> None:
        nonlocal lo, hi
        iv = _intersect(lo, hi, a, b)
        if iv is None:
            evidence.append(f"ignored (conflicts with {lo}…{hi}): {why}")
            return
        if iv != (lo, hi):
            lo, hi = iv
            evidence.append(why)

    # 1. named day + "this week" / "today"
    for h in cands:
        if h.rule.norm != "holiday" or h.groups.get("year") or h.groups.get("shift"):
            continue
        rule = L.lookup("holiday", h.groups["holiday"])
        for w in cands:
            if w is h or not _same_sentence(ctx, h, w):
                continue
            gap = max(w.start - h.end, h.start - w.end)
            if gap > _NEAR:
                continue
            for unit in ("W", "D"):
                if not _lex(w, unit, 0):
                    continue
                for y in range(lo.year - 1, hi.year + 2):
                    d = holiday_date(rule, y) if rule else None
                    if d is None or not (lo - timedelta(days=7) <= d <= hi + timedelta(days=7)):
                        continue
                    if unit == "W":
                        start = d - timedelta(days=d.isoweekday() - 1)
                        apply(start, start + timedelta(days=6), f"'{h.text}' ({d.isoformat()}) is said to fall '{w.text}': the article is from the week {start.isoformat()}…{(start + timedelta(days=6)).isoformat()}")
                    else:
                        apply(d, d, f"'{h.text}' ({d.isoformat()}) is '{w.text}'")

    # 2. deictic day word right next to an explicit date
    for i, c in enumerate(cands):
        if not c.entry or c.entry.get("unit") != "D" or "part" in c.entry:
            continue
        off = int(c.entry.get("offset", 0))
        for other in cands[max(0, i - 1) : i + 2]:
            if other is c:
                continue
            gap = ctx.text[min(c.end, other.end) : max(c.start, other.start)]
            if len(gap) > 4 or any(ch.isalnum() for ch in gap):
                continue
            d = _explicit_day(other, ctx, lo, hi)
            if d is not None:
                pub = d - timedelta(days=off)
                apply(pub, pub, f"'{c.text}' next to the explicit date '{other.text}' ({d.isoformat()})")

    # 3. explicit dates as bounds by tense
    for c in cands:
        d = _explicit_day(c, ctx, lo, hi)
        if d is None or not (lo <= d <= hi):
            continue
        tense = ctx.tense(c, default=False)
        if tense == "past":
            apply(d, hi, f"past-tense event on '{c.text}' ({d.isoformat()}): the article is from that day or later")
        elif tense == "future":
            apply(lo, d, f"future-tense event on '{c.text}' ({d.isoformat()}): the article is from that day or earlier")

    # 4. past-tense bare weekdays
    for c in cands:
        if c.rule.norm != "weekday" or c.groups.get("shift") or c.groups.get("jl") or c.groups.get("wshift"):
            continue
        if ctx.tense(c, default=False) != "past":
            continue
        wd = L.lookup("weekday", c.groups["weekday"])
        if not wd:
            continue
        options: list[tuple[int, date, tuple[date, date]]] = []
        d = lo - timedelta(days=6)
        while d <= hi:
            if d.isoweekday() == wd:
                iv = _intersect(lo, hi, d, d + timedelta(days=6))
                if iv:
                    options.append(((iv[1] - iv[0]).days + 1, d, iv))
            d += timedelta(days=1)
        if not options:
            continue
        options.sort(key=lambda o: -o[0])
        best = options[0]
        second = options[1][0] if len(options) > 1 else 0
        if best[0] >= 2 * second:
            total = sum(o[0] for o in options)
            apply(best[2][0], best[2][1], f"past-tense '{c.text}' most likely {best[1].isoformat()} ({best[0]} of {total} possible publication days): the article is from {best[2][0].isoformat()}…{best[2][1].isoformat()}")

    if (lo, hi) == (given.earliest, given.latest):
        return None if not evidence else RefinedDate(given, evidence)
    return RefinedDate(ArticleDate.from_interval(lo, hi), evidence)
