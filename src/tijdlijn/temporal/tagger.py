"""Find time expressions, refine the article date, and resolve every expression against it.

1. ``find_candidates``: every rule of the language runs over the text; longest
   match wins, ties go to the more specific rule. Modifiers ("bijna", "eind",
   "early") and determiners are attached afterwards.
2. ``refine_article_date`` (tijdlijn.temporal.refine) narrows a month- or
   year-only article date with constraints in the text.
3. Each candidate is normalized against every day the (refined) anchor can
   denote; when the readings disagree the value is widened to the finest unit
   covering all of them, so a coarse anchor never yields a falsely precise date.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Callable

from ..document import ArticleDate, Document, Span, Timex
from .language import Rule, TemporalLanguage, load_language, normalize_key
from .normalize import NORMALIZERS, Resolution
from .values import covering_value, value_interval

_CONTEXT_BEFORE = 48
_TENSE_WINDOW = 160  # characters around an expression searched for tense cues
_DATE_DIGITS = re.compile(r"^(\d{4})(-W?\d{2})?(-\d{2})?")


@dataclass
class Candidate:
    start: int
    end: int
    text: str
    rule: Rule
    groups: dict[str, Any]
    entry: dict[str, Any] | None = None  # lexicon entry, for fixed phrases

    @property
    def length(self) -> int:
        return self.end - self.start


def _passes_guards(rule: Rule, text: str, s: int, e: int) -> bool:
    before = text[max(0, s - _CONTEXT_BEFORE) : s]
    if rule.guard_before is not None and not rule.guard_before.search(before):
        return False
    if rule.guard_not_before is not None and rule.guard_not_before.search(before):
        return False
    if rule.guard_after is not None and rule.guard_after.search(text[e : e + _CONTEXT_BEFORE]):
        return False
    return True


_WINDOW_BEFORE = 120  # characters a match may start before its gate evidence
_WINDOW_AFTER = 160  # and end after it (rule matches are far shorter)


def _gate_windows(hits: list[int] | None, n: int) -> list[tuple[int, int]] | None:
    """Merged text windows around the gate's evidence; None = scan the whole text."""
    if hits is None:
        return None
    out: list[tuple[int, int]] = []
    for p in hits:
        a, b = max(0, p - _WINDOW_BEFORE), min(n, p + _WINDOW_AFTER)
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _scan(regex: re.Pattern[str], text: str, windows: list[tuple[int, int]] | None):  # type: ignore[no-untyped-def]
    """All matches of ``regex``, searching only the gate windows when there are any.

    Every match contains its rule's gate evidence, so it lies inside a window; look-behind
    still sees the text before a window (``pos`` does not hide it)."""
    if windows is None:
        yield from regex.finditer(text)
        return
    for a, b in windows:
        yield from regex.finditer(text, a, b)


_NAME_BEFORE = re.compile(r"(?:^|[^\w.!?:;])\s*\w[\w'’-]*\s+([A-Z][\w'’-]*) $")


def _surname_weekday(text: str, s: int, e: int, L: TemporalLanguage) -> bool:
    """A capitalised weekday after a capitalised word that does not open the sentence is a surname
    ("woordvoerder Jolanda Zondag"), not a day."""
    if normalize_key(text[s:e]) not in L.vocab["weekday"]:
        return False
    before = text[max(0, s - 60):s]
    m = _NAME_BEFORE.search(before)
    return m is not None


def find_candidates(text: str, L: TemporalLanguage) -> list[Candidate]:
    found: list[Candidate] = []
    windows_of: dict[int, list[tuple[int, int]] | None] = {}
    lowered = text.lower()
    aligned = len(lowered) == len(text)  # lower-casing may change lengths for a few scripts
    n = len(text)
    for rule in L.rules:
        windows: list[tuple[int, int]] | None = None
        if rule.gate is not None:
            key = id(rule.gate)
            if key not in windows_of:
                windows_of[key] = _gate_windows(rule.gate.hits(text, lowered), n) if aligned else (
                    None if rule.gate.open(text, lowered) else [])
            windows = windows_of[key]
            if windows == []:
                continue
        for m in _scan(rule.regex, text, windows):
            s, e = m.span()
            if s == e:
                continue
            if (s >= 2 and text[s - 1] == "-" and text[s - 2].isalpha() and rule.norm not in ("year", "calendar_date")
                    and not L.mod_prefix.search(text, max(0, s - 16), s)):
                continue  # inside a compound ("year-earlier", "IS-leider"), unless a modifier ("mid-")
            groups = {k: v for k, v in m.groupdict().items() if v is not None}
            entry = None
            if rule.norm == "lexicon":
                key = normalize_key(m.group(0))
                entry = L.lexicon.get(key)
                if entry is None:
                    continue
                if entry.get("trim"):
                    trim = len(entry["trim"])
                    if m.group(0).lower().startswith(entry["trim"]):
                        s += trim
                req = entry.get("require_before")
                if req and not re.search(req, text[max(0, s - 30) : s], re.IGNORECASE):
                    continue
            elif rule.trim is not None:
                tm = rule.trim.match(text, s, e)
                if tm and tm.end() < e:
                    s = tm.end()
            if not _passes_guards(rule, text, s, e):
                continue
            if L.lowercase_weekdays and text[s].isupper() and _surname_weekday(text, s, e, L):
                continue
            found.append(Candidate(s, e, text[s:e], rule, groups, entry))
    # Longest match first; among equal lengths the fixed phrases, then rule order.
    found.sort(key=lambda c: (-c.length, c.rule.priority if c.rule.norm != "lexicon" else -1, c.start))
    taken: list[Candidate] = []
    occupied = bytearray(len(text) + 1)
    for c in found:
        if any(occupied[c.start : c.end]):
            continue
        occupied[c.start : c.end] = b"\x01" * c.length
        taken.append(c)
    taken.sort(key=lambda c: c.start)
    return taken


# ---------------------------------------------------------------------------
# sentences and tense


_SENT_END = re.compile(r"[.!?…]+[’”'\")\]]*\s+|\n\s*\n")


def split_sentences(text: str, abbreviations: frozenset[str] = frozenset()) -> list[Span]:
    spans: list[Span] = []
    start = 0
    for m in _SENT_END.finditer(text):
        end = m.end()
        if m.group(0)[0] == ".":
            word = re.search(r"([\w.]+)\.$", text[max(start, m.start() - 12) : m.start() + 1])
            nxt = text[end : end + 1]
            if word and (word.group(1).lower() in abbreviations or len(word.group(1)) == 1 or word.group(1).isdigit() and nxt.islower()):
                continue
            if nxt and nxt.islower():
                continue
        seg_end = m.start() + len(m.group(0).rstrip())
        if text[start:seg_end].strip():
            spans.append(Span(start, seg_end))
        start = end
    if text[start:].strip():
        spans.append(Span(start, len(text.rstrip())))
    return spans


_TOKEN = re.compile(r"\w+(?:[-'’.]\w+)*|[^\w\s]", re.UNICODE)


def tokenize(text: str) -> list[Span]:
    return [Span(m.start(), m.end()) for m in _TOKEN.finditer(text)]


@dataclass
class Context:
    lang: TemporalLanguage
    text: str
    sentences: list[Span]
    candidates: list[Candidate]
    resolved: list[tuple[Candidate, Timex]] = field(default_factory=list)
    _tense_cache: dict[int, str | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._starts = [x.start for x in self.candidates]

    def sentence_bounds(self, c: Candidate) -> tuple[int, int]:
        lo, hi = 0, len(self.sentences) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            s = self.sentences[mid]
            if c.start < s.start:
                hi = mid - 1
            elif c.start >= s.end:
                lo = mid + 1
            else:
                return s.start, s.end
        return max(0, c.start - 200), min(len(self.text), c.end + 200)

    def tense(self, c: Candidate, default: bool = True) -> str | None:
        """past / future / None from the cue nearest to the expression within its sentence.

        Without a cue the language's default applies (Dutch news uses the present
        tense for scheduled events: "De vakbond legt dinsdag het werk neer").
        """
        if c.start not in self._tense_cache:
            self._tense_cache[c.start] = self._cue_tense(c)
        found = self._tense_cache[c.start]
        return found if found is not None or not default else self.lang.untensed

    def _cue_tense(self, c: Candidate) -> str | None:
        s, e = self.sentence_bounds(c)
        # only the clause around the expression matters: a bounded window keeps this linear
        s, e = max(s, c.start - _TENSE_WINDOW), min(e, c.end + _TENSE_WINDOW)
        lo = bisect.bisect_left(self._starts, s - _TENSE_WINDOW)
        hi = bisect.bisect_right(self._starts, e)
        spans = [(x.start, x.end) for x in self.candidates[lo:hi]]
        best: tuple[int, str] | None = None
        # the nearest cue decides; verb morphology ("-ed", "-de") counts as further away
        # than explicit auxiliaries and tense words
        for kind, rx, penalty in (("future", self.lang.future_cue, 0), ("past", self.lang.past_cue, 0), ("past", self.lang.past_weak_cue, 20)):
            for m in rx.finditer(self.text, s, e):
                if any(a <= m.start() < b for a, b in spans):
                    continue
                dist = c.start - m.end() if m.end() <= c.start else m.start() - c.end
                dist = max(dist, 0) + penalty
                if best is None or dist < best[0]:
                    best = (dist, kind)
        return best[1] if best else None

    def evening_context(self, c: Candidate) -> bool:
        s, e = self.sentence_bounds(c)
        return self.lang.evening_cue.search(self.text, s, e) is not None

    def previous_date(self) -> tuple[str, date] | None:
        for _, t in reversed(self.resolved):
            if t.type in ("DATE", "TIME"):
                iv = value_interval(t.value)
                if iv and iv[0] == iv[1]:
                    return t.id, iv[0]
        return None

    def previous_value(self, pred: Callable[[str], bool], underived: bool = False) -> tuple[str, str] | None:
        for _, t in reversed(self.resolved):
            if underived and t.anchor and t.anchor.startswith("timex:"):
                continue
            if pred(t.value):
                return t.id, t.value
        return None

    def adjacent_day_timex(self, c: Candidate) -> tuple[str, date] | None:
        """The day of the nearest earlier day-precise expression in the same sentence
        ("maandag om 20.30 uur", "morgen pas om half tien", "Friday at 3 pm")."""
        s, _ = self.sentence_bounds(c)
        for pc, t in reversed(self.resolved):
            if pc.end <= s:
                break
            m = re.match(r"(\d{4})-(\d{2})-(\d{2})", t.value)
            if m and t.type in ("DATE", "TIME"):
                return t.id, date(int(m[1]), int(m[2]), int(m[3]))
        return None


def _anchor_days(anchor: ArticleDate | None) -> list[date | None]:
    if anchor is None:
        return [None]
    lo, hi = anchor.earliest, anchor.latest
    n = (hi - lo).days
    if n == 0:
        return [lo]
    if n <= 31:
        return [lo + timedelta(days=i) for i in range(n + 1)]
    days = {lo, hi}
    d = lo
    while d <= hi:
        days.add(d)
        d += timedelta(days=14)
    return sorted(days)


def _mask(value: str) -> str:
    """Replace the calendar digits of an unanchored value by X (``2000-01-03`` → ``XXXX-XX-XX``)."""
    m = _DATE_DIGITS.match(value)
    if not m:
        return value
    return re.sub(r"\d", "X", m.group(0)) + value[m.end() :]


def _resolve(c: Candidate, ctx: Context, anchor: ArticleDate | None) -> tuple[Resolution, bool] | None:
    fn = NORMALIZERS[c.rule.norm]
    days = _anchor_days(anchor)
    first = fn(c, ctx, days[0])
    if first is None:
        return None
    if anchor is None and first.relative:
        first.value = _mask(first.value)
        return first, False
    if not first.relative or len(days) == 1:
        return first, False
    counts: dict[str, int] = {first.value: 1}
    for d in days[1:]:
        r = fn(c, ctx, d)
        if r is not None:
            counts[r.value] = counts.get(r.value, 0) + 1
    readings = set(counts)
    if len(readings) == 1:
        return first, False
    top, n_top = max(counts.items(), key=lambda kv: kv[1])
    if n_top * 2 > len(days):
        # more likely than not under a uniform prior over the possible article days
        best = fn(c, ctx, next(d for d in days if (r := fn(c, ctx, d)) is not None and r.value == top))
        assert best is not None
        best.explanation += f"; most likely reading ({n_top} of {len(days)} possible article days of {anchor.value})"
        return best, True
    intervals = [value_interval(v) for v in readings]
    if any(iv is None for iv in intervals):
        return first, True
    lo = min(iv[0] for iv in intervals if iv)
    hi = max(iv[1] for iv in intervals if iv)
    value, gran = covering_value(lo, hi)
    first.value, first.granularity = value, gran
    first.explanation += f"; the anchor is only known to the {anchor.granularity}, so the readings {min(readings)}…{max(readings)} are widened to {value}"
    return first, True


def _attach_modifier(c: Candidate, res: Resolution, text: str, L: TemporalLanguage, prev_end: int) -> None:
    """Extend the span over a preceding modifier ("bijna", "eind", "early") and set mod."""
    window_start = max(prev_end, c.start - _CONTEXT_BEFORE)
    before = text[window_start : c.start]
    m = L.mod_prefix.search(before)
    if not m:
        return
    cue = m.group(0)
    kind = next((k for k, rx in L.mod_patterns.items() if rx.search(cue)), None)
    if kind is None:
        return
    mod = L.mod_of[kind]
    if res.type == "DURATION" and mod in ("START", "END", "MID"):
        return
    if res.type in ("DATE", "TIME") and mod in ("LESS_THAN", "MORE_THAN", "EQUAL_OR_MORE", "EQUAL_OR_LESS"):
        return
    if res.value in ("PRESENT_REF", "PAST_REF", "FUTURE_REF"):
        return
    if res.mod is None:
        res.mod = mod
    c.start = window_start + m.start()
    c.text = text[c.start : c.end]


def tag_timexes(doc: Document, lang: str | None = None, *, refine: bool = True) -> Document:
    """Add sentences, tokens, timexes and the refined article date to ``doc`` (in place; returns it)."""
    from .refine import refine_article_date

    L = load_language(lang or doc.lang or "nl")
    text = doc.text
    if not doc.sentences:
        doc.sentences = split_sentences(text, L.abbreviations)
    cands = find_candidates(text, L)
    ctx = Context(L, text, doc.sentences, cands)
    if refine and doc.date is not None and doc.date.granularity not in ("day", "time"):
        refined = refine_article_date(doc.date, cands, ctx)
        doc.refined_date = refined
    anchor = doc.anchor_date
    anchor_kind = "refined_article_date" if doc.refined_date else "article_date"
    timexes: list[Timex] = []
    prev_end = 0
    for c in cands:
        out = _resolve(c, ctx, anchor)
        if out is None:
            continue
        res, widened = out
        _attach_modifier(c, res, text, L, prev_end)
        prev_end = c.end
        tid = f"t{len(timexes) + 1}"
        if res.anchor_timex:
            anchor_ref: str | None = f"timex:{res.anchor_timex}"
        elif res.relative:
            anchor_ref = anchor_kind if anchor is not None else None
        else:
            anchor_ref = None
        expl = res.explanation
        if anchor_ref in ("article_date", "refined_article_date") and anchor is not None:
            expl += f" (anchor: {'refined ' if anchor_kind.startswith('refined') else ''}article date {anchor.value})"
        t = Timex(
            id=tid,
            start=c.start,
            end=c.end,
            text=c.text,
            type=res.type,
            value=res.value,
            mod=res.mod,
            rule=c.rule.name if c.rule.norm != "lexicon" else f"{c.rule.name}:{normalize_key(c.text)}",
            anchor=anchor_ref,
            granularity=res.granularity,
            explanation=expl,
        )
        timexes.append(t)
        ctx.resolved.append((c, t))
    doc.timexes = timexes
    return doc

