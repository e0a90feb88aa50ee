"""When was this written? Infer an article's date from its text, or check a given one.

Every piece of temporal evidence is a likelihood over candidate publication days;
their product (with an optional prior from the collection) is normalised into a
posterior, and the answer is the finest calendar unit — day, ISO week, month or
year — whose posterior mass reaches :data:`COMMIT`. The confidence *is* that mass,
so a 0.9 means nine times in ten (measured in ``bench/dating_bench.py``).

Evidence (each item is reported with its text and what it implies):

* explicit dates — with a year ("5 maart 2019"), with a weekday that fixes the year
  ("maandag 4 maart"), or day + month only (the nearest such day): a past-tense
  mention puts the article on or shortly after the date, a future-tense one on or
  shortly before it; a mixture with a flat component keeps old and distant dates
  ("op 6 juni 1944") from dominating;
* a deictic day word next to an explicit date ("vandaag, 5 maart", "gisteren (4
  maart)") pins the day;
* bare weekdays in tense ("vrijdag heeft … verspreid", "afgelopen vrijdag") make the
  days just after (or before) that weekday likelier;
* a named day said to fall "this week"/"today" ("het Offerfeest deze week") puts the
  article in that week or on that day;
* anniversaries: "N jaar geleden" next to an explicit past date or year sets the year
  (with "vandaag"/"precies" the day);
* past-tense years ("in 2014") are lower bounds, future-tense years upper bounds;
* a prior from the collection: the dates of other articles of the same source and
  batch (:class:`CollectionPrior`).

No evidence → ``unknown`` with confidence 0. Two well-separated modes with real mass
each → the evidence conflicts: reported, and the answer widens to what covers both
(or stays unknown) rather than averaging them into a wrong day.

Checking a given date (:func:`check_date`) flags a contradiction only when the given
date's interval gets (almost) no posterior mass from the text alone *and* the text
commits to another date with confidence; the evidence is listed.
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Iterable

import numpy as np

from ..document import ArticleDate
from .calendars import holiday_date
from .language import load_language
from .tagger import Context, _resolve, find_candidates, split_sentences

__all__ = ["DateInference", "CollectionPrior", "infer_date", "check_date", "COMMIT"]

COMMIT = 0.6  # report the finest unit holding at least this much posterior mass
RECENT_DAYS = 2.5  # mean lag between an event and the article reporting it
# share of explicit dates that are recent news (the rest: history, far future). Dates written with their
# year are more often history ("op 1 oktober 2017") than dates without ("op 4 maart").
RECENT_WEIGHT = {"year": 0.3, "weekday": 0.7, "no_year": 0.6}
TAU = {1: 7.0, -1: 20.0, 0: 10.0}  # days: past mentions are recent, scheduled events further ahead
# P(days since the mentioned weekday | past tense): fitted on the dev half of DpgMedia2019 (61 mentions),
# smoothed; lag 0 means the same weekday a week earlier.
PAST_WEEKDAY_LAG = [0.05, 0.23, 0.31, 0.17, 0.08, 0.10, 0.07]
FUTURE_WEEKDAY_LAG = [0.05, 0.30, 0.25, 0.15, 0.10, 0.08, 0.07]
WINDOW = 400  # days around the evidence considered
EPS = 1e-6


@dataclass
class DateInference:
    value: str | None  # ISO value at the granularity (YYYY-MM-DD, YYYY-Www, YYYY-MM, YYYY) or None
    granularity: str  # day | week | month | year | unknown
    confidence: float
    evidence: list[str] = field(default_factory=list)
    conflict: bool = False
    earliest: date | None = None
    latest: date | None = None
    mode: date | None = None  # the single most likely day (whatever the reported granularity)

    def to_json(self) -> dict[str, Any]:
        return {"date": self.value, "granularity": self.granularity, "confidence": round(self.confidence, 3),
                "evidence": list(self.evidence), "conflict": self.conflict}

    def article_date(self) -> ArticleDate | None:
        if self.value is None or self.earliest is None or self.latest is None:
            return None
        return ArticleDate(self.value, self.granularity, self.earliest, self.latest)


@dataclass
class CollectionPrior:
    """Publication dates of other articles of the same source/batch: a soft prior."""

    center: date
    scale_days: float

    @classmethod
    def from_dates(cls, dates: Iterable[date]) -> "CollectionPrior | None":
        ds = sorted(dates)
        if not ds:
            return None
        ords = [d.toordinal() for d in ds]
        med = statistics.median(ords)
        mad = statistics.median(abs(o - med) for o in ords) if len(ords) > 1 else 0
        return cls(date.fromordinal(int(med)), max(14.0, 1.5 * mad))


@dataclass
class _Ev:
    text: str
    why: str
    loglik: Any  # function ords(np.ndarray) -> np.ndarray
    anchor: int | None = None  # an ordinal the evidence is centred on (defines the window)
    hard: tuple[int, int] | None = None  # an interval the article must lie in (for checking)


def _mixture(delta: np.ndarray, direction: int, w: float = 0.85, tau: float | None = None) -> np.ndarray:
    """log P(article day | event day): recent news after (direction +1) / before (-1) the date,
    with weight ``w``; otherwise the date is history (or far future) and says little."""
    tau = tau or TAU[direction]
    k = delta * direction  # days from the event to the article, in the expected direction
    recent = np.where(k >= 0, w * np.exp(-np.maximum(k, 0) / tau) / tau, w * EPS)
    flat = (1 - w) / (2 * WINDOW)
    return np.log(recent + flat)


def _explicit_days(c, L, years: range) -> list[date]:  # noqa: ANN001
    g = c.groups
    if c.rule.norm != "calendar_date" or not g.get("day") or not g.get("month"):
        return []
    month = int(g["month"]) if g["month"].isdigit() else L.lookup("month", g["month"])
    if not month:
        return []
    try:
        day = int(g["day"])
    except ValueError:
        return []
    if g.get("year") and len(g["year"]) == 4:
        try:
            return [date(int(g["year"]), month, day)]
        except ValueError:
            return []
    out = []
    wd = L.lookup("weekday", g["weekday"]) if g.get("weekday") else None
    for y in years:
        try:
            d = date(y, month, day)
        except ValueError:
            continue
        if wd and d.isoweekday() != wd:
            continue
        out.append(d)
    return out


def _collect(text: str, lang: str) -> tuple[list[_Ev], Context]:
    L = load_language(lang)
    sentences = split_sentences(text, L.abbreviations)
    cands = find_candidates(text, L)
    ctx = Context(L, text, sentences, cands)
    evs: list[_Ev] = []
    all_years = range(1900, 2101)
    explicit: dict[int, list[date]] = {}
    for i, c in enumerate(cands):
        days = _explicit_days(c, L, all_years)
        if days:
            explicit[i] = days

    for i, c in enumerate(cands):
        tense = ctx.tense(c, default=False)
        direction = +1 if tense == "past" else (-1 if tense == "future" else 0)
        days = explicit.get(i)
        if days:
            has_year = bool(c.groups.get("year")) and len(c.groups.get("year") or "") == 4
            weekday_fixed = bool(c.groups.get("weekday")) and not has_year
            if has_year or (weekday_fixed and len(days) <= 30):
                ords = np.array([d.toordinal() for d in days])

                w = RECENT_WEIGHT["year" if has_year else "weekday"]

                def f(D, ords=ords, direction=direction, w=w):  # noqa: ANN001
                    delta = D[:, None] - ords[None, :]
                    if direction == 0:
                        ll = np.logaddexp(_mixture(delta, 1, w, TAU[0]), _mixture(delta, -1, w, TAU[0])) - math.log(2)
                    else:
                        ll = _mixture(delta, direction, w)
                    return ll.max(axis=1)

                anchor = int(ords[0]) if len(ords) == 1 else None
                how = "with its year" if has_year else "its weekday fixes the year"
                tense_s = {1: "past tense: the article is from then or soon after",
                           -1: "future tense: the article is from then or shortly before"}.get(direction, "no tense cue")
                evs.append(_Ev(c.text, f"explicit date '{c.text}' ({how}; {tense_s})", f, anchor))
                if weekday_fixed and len(days) > 1:
                    evs[-1].why += f"; candidate years {', '.join(str(d.year) for d in days[:6])}…"
            else:
                month = days[0].month
                day = days[0].day

                def f(D, month=month, day=day, direction=direction):  # noqa: ANN001
                    out = np.full(len(D), -np.inf)
                    years = sorted({date.fromordinal(int(D[0])).year - 1, date.fromordinal(int(D[-1])).year + 1}
                                   | {date.fromordinal(int(D[len(D) // 2])).year})
                    for y in range(years[0], years[-1] + 1):
                        try:
                            x = date(y, month, day).toordinal()
                        except ValueError:
                            continue
                        delta = D - x
                        w = RECENT_WEIGHT["no_year"]
                        if direction == 0:
                            ll = np.logaddexp(_mixture(delta, 1, w, TAU[0]), _mixture(delta, -1, w, TAU[0])) - math.log(2)
                        else:
                            ll = _mixture(delta, direction, w)
                        out = np.maximum(out, ll)
                    return out

                evs.append(_Ev(c.text, f"date without year '{c.text}' (the nearest {day} {month:02d}; "
                                       f"{tense or 'untensed'})", f))
            continue
        # deictic day word next to an explicit date: "vandaag, 5 maart"; next to a weekday: "gisteren (maandag)"
        e = c.entry
        if e and e.get("unit") == "D" and "part" not in e:
            off = int(e.get("offset", 0))
            for j in (i - 1, i + 1):
                if j < 0 or j >= len(cands) or cands[j].rule.norm != "weekday" or cands[j].groups.get("shift"):
                    continue
                o = cands[j]
                gap = text[min(c.end, o.end):max(c.start, o.start)]
                if len(gap) > 4 or any(ch.isalnum() for ch in gap):
                    continue
                wd = L.lookup("weekday", o.groups.get("weekday", ""))
                if not wd:
                    continue

                def f(D, wd=wd, off=off):  # noqa: ANN001
                    return np.where(((D + off - 1) % 7) + 1 == wd, 0.0, math.log(0.02))

                evs.append(_Ev(f"{c.text} … {o.text}", f"'{c.text}' is '{o.text}': the article is from a "
                                                       f"{L.lookup('weekday_name', str(wd)) if False else o.text} "
                                                       f"{'' if off == 0 else f'{-off:+d} day(s)'}".rstrip(), f))
            for j in (i - 1, i + 1):
                if j < 0 or j >= len(cands) or j not in explicit:
                    continue
                o = cands[j]
                gap = text[min(c.end, o.end):max(c.start, o.start)]
                if len(gap) > 4 or any(ch.isalnum() for ch in gap):
                    continue
                pins = np.array([d.toordinal() - off for d in explicit[j]])

                def f(D, pins=pins):  # noqa: ANN001
                    hit = (D[:, None] == pins[None, :]).any(axis=1)
                    return np.where(hit, 0.0, math.log(0.01))

                anchor = int(pins[0]) if len(pins) == 1 else None
                hard = (int(pins[0]), int(pins[0])) if len(pins) == 1 else None
                evs.append(_Ev(f"{c.text} … {o.text}", f"'{c.text}' next to the date '{o.text}': the article is "
                                                       f"{'from that day' if off == 0 else f'{-off:+d} day(s) from it'}",
                               f, anchor, hard))
            continue
        # bare weekdays in tense
        if c.rule.norm == "weekday" and not c.groups.get("shift") and not c.groups.get("wshift") and direction:
            wd = L.lookup("weekday", c.groups.get("weekday", ""))
            if wd:
                table = np.log(np.array(PAST_WEEKDAY_LAG if direction > 0 else FUTURE_WEEKDAY_LAG) * 7)

                def f(D, wd=wd, direction=direction, table=table):  # noqa: ANN001
                    dow = ((D - 1) % 7) + 1  # ordinal 1 (0001-01-01) is a Monday → isoweekday
                    lag = ((dow - wd) % 7) if direction > 0 else ((wd - dow) % 7)
                    return table[lag]

                evs.append(_Ev(c.text, f"{tense}-tense weekday '{c.text}': the article is probably from the days "
                                       f"{'after' if direction > 0 else 'before'} a {c.groups.get('weekday')}", f))
            continue
        # years in tense: bounds
        if c.rule.norm == "year" and direction:
            try:
                y = int(c.text[-4:]) if c.text[-4:].isdigit() else int(_resolve(c, ctx, None)[0].value[:4])
            except (TypeError, ValueError):
                continue
            if not 1900 <= y <= 2100:
                continue
            b = date(y, 1, 1).toordinal() if direction > 0 else date(y, 12, 31).toordinal()

            def f(D, b=b, direction=direction):  # noqa: ANN001
                ok = D >= b if direction > 0 else D <= b
                return np.where(ok, 0.0, math.log(0.05))

            evs.append(_Ev(c.text, f"{tense}-tense year '{c.text}': the article is from {y} or "
                                   f"{'later' if direction > 0 else 'earlier'}", f))
    # named day + this week / today
    for h in cands:
        if h.rule.norm != "holiday" or h.groups.get("year") or h.groups.get("shift"):
            continue
        rule = L.lookup("holiday", h.groups["holiday"])
        if not rule:
            continue
        for w in cands:
            if w is h or ctx.sentence_bounds(w) != ctx.sentence_bounds(h):
                continue
            if max(w.start - h.end, h.start - w.end) > 60 or not w.entry or int(w.entry.get("offset", 9)) != 0:
                continue
            unit = w.entry.get("unit")
            if unit not in ("W", "D") or "part" in w.entry:
                continue

            def f(D, rule=rule, unit=unit):  # noqa: ANN001
                out = np.full(len(D), math.log(0.01))
                y0, y1 = date.fromordinal(int(D[0])).year, date.fromordinal(int(D[-1])).year
                for y in range(y0, y1 + 1):
                    d = holiday_date(rule, y)
                    if d is None:
                        continue
                    if unit == "D":
                        out = np.where(D == d.toordinal(), 0.0, out)
                    else:
                        start = d.toordinal() - (d.isoweekday() - 1)
                        out = np.where((D >= start) & (D <= start + 6), 0.0, out)
                return out

            evs.append(_Ev(f"{h.text} … {w.text}", f"'{h.text}' falls '{w.text}': the article is from that "
                                                   f"{'week' if unit == 'W' else 'day'}", f))
    return evs, ctx


def _window(evs: list[_Ev], prior: CollectionPrior | None) -> np.ndarray | None:
    anchors = [e.anchor for e in evs if e.anchor is not None]
    spans = []
    if anchors:
        lo, hi = min(anchors) - WINDOW // 2, max(anchors) + WINDOW // 2
        if hi - lo > 4000:  # evidence spread over decades: centre on the latest (articles report recent news)
            lo = max(anchors) - WINDOW
        spans.append((lo, hi))
    if prior is not None:
        c = prior.center.toordinal()
        span = int(min(WINDOW, 4 * prior.scale_days))
        spans.append((c - span, c + span))
    if not spans:
        return None
    lo, hi = min(a for a, _ in spans), max(b for _, b in spans)
    if hi - lo > 6000 and prior is not None:
        lo, hi = spans[-1]
    lo = max(lo, date(1900, 1, 1).toordinal())
    hi = min(hi, date(2100, 12, 31).toordinal())
    return np.arange(lo, hi + 1)


def _posterior(evs: list[_Ev], D: np.ndarray, prior: CollectionPrior | None) -> np.ndarray:
    ll = np.zeros(len(D))
    for e in evs:
        ll = ll + e.loglik(D)
    if prior is not None:
        c = prior.center.toordinal()
        lap = np.exp(-np.abs(D - c) / prior.scale_days) / (2 * prior.scale_days)
        ll = ll + np.log(0.9 * lap + 0.1 / len(D))
    ll -= ll.max()
    p = np.exp(ll)
    return p / p.sum()


def _units(d: date) -> list[tuple[str, str, date, date]]:
    iso = d.isocalendar()
    ws = d - timedelta(days=d.isoweekday() - 1)
    me = (date(d.year + (d.month == 12), d.month % 12 + 1, 1) - timedelta(days=1))
    return [("day", d.isoformat(), d, d),
            ("week", f"{iso[0]}-W{iso[1]:02d}", ws, ws + timedelta(days=6)),
            ("month", f"{d.year:04d}-{d.month:02d}", date(d.year, d.month, 1), me),
            ("year", f"{d.year:04d}", date(d.year, 1, 1), date(d.year, 12, 31))]


def _decide(p: np.ndarray, D: np.ndarray, evs: list[_Ev], informative: bool) -> DateInference:
    best = int(np.argmax(p))
    bd = date.fromordinal(int(D[best]))
    evidence = [e.why for e in evs]
    # conflicting evidence: a second mode far away with real mass
    far = np.abs(D - D[best]) > 10
    conflict = False
    if far.any():
        second = int(np.argmax(np.where(far, p, 0)))
        near2 = np.abs(D - D[second]) <= 3
        near1 = np.abs(D - D[best]) <= 3
        if p[near2].sum() >= 0.2 and p[near1].sum() < 0.8:
            conflict = True
            evidence.append(f"conflicting evidence: {bd.isoformat()} (mass {p[near1].sum():.2f}) vs "
                            f"{date.fromordinal(int(D[second])).isoformat()} (mass {p[near2].sum():.2f})")
    if not informative:
        return DateInference(None, "unknown", 0.0, evidence or ["no temporal evidence in the text"], conflict)
    for gran, value, lo, hi in _units(bd):
        mass = float(p[(D >= lo.toordinal()) & (D <= hi.toordinal())].sum())
        if mass >= COMMIT:
            return DateInference(value, gran, mass, evidence, conflict, lo, hi, bd)
    return DateInference(None, "unknown", 0.0, evidence + [f"no calendar unit holds {COMMIT:.0%} of the probability "
                                                          f"(best guess {bd.isoformat()})"], conflict, mode=bd)


def infer_date(text: str, lang: str = "nl", *, prior: CollectionPrior | None = None) -> DateInference:
    """Infer when ``text`` was written (see the module docstring)."""
    if lang not in ("nl", "en"):
        lang = "en"
    evs, _ctx = _collect(text, lang)
    D = _window(evs, prior)
    if D is None:
        return DateInference(None, "unknown", 0.0, ["no temporal evidence in the text"] if not evs else
                             [e.why for e in evs] + ["no absolute date to anchor the relative evidence"])
    informative = any(e.anchor is not None for e in evs) or prior is not None
    p = _posterior(evs, D, prior)
    return _decide(p, D, evs, informative)


def check_date(text: str, given: ArticleDate, lang: str = "nl") -> tuple[bool | None, DateInference]:
    """Does the text contradict the given date? ``None`` when the text says too little to tell.

    The given date serves only as a wide prior (it fixes the year of "4 maart"); a
    contradiction is flagged when a hard constraint (a deictic word next to a date)
    excludes the given interval, or when the text alone then commits to a day or week
    with confidence ≥ 0.9 that misses the given interval by more than a day."""
    lang = lang if lang in ("nl", "en") else "en"
    evs, _ = _collect(text, lang)
    lo, hi = given.earliest.toordinal(), given.latest.toordinal()
    for e in evs:
        if e.hard is None:
            continue
        a, b = e.hard
        if b < lo - 1 or a > hi + 1:
            inf = infer_date(text, lang)
            inf.evidence.append(f"contradiction: {e.why} ({date.fromordinal(a).isoformat()}), but the given date is "
                                f"{given.value}")
            return True, inf
    mid = given.earliest + (given.latest - given.earliest) / 2
    inf = infer_date(text, lang, prior=CollectionPrior(mid, 60.0))
    day_evidence = any(e.anchor is not None for e in evs) or any("weekday" in e.why for e in evs)
    if not day_evidence or inf.granularity not in ("day", "week"):
        return None, inf
    if inf.confidence >= 0.9 and (inf.latest.toordinal() < lo - 1 or inf.earliest.toordinal() > hi + 1):
        inf.evidence.append(f"contradiction: the text points to {inf.value} (confidence {inf.confidence:.2f}), "
                            f"not the given date {given.value}")
        return True, inf
    return False, inf
