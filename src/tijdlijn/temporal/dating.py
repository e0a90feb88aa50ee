"""When was this written? Infer an article's date from its text, or check a given one.

Every piece of temporal evidence is a likelihood over candidate publication days;
their product (with an optional prior from the collection) is normalised into a
posterior, and the answer is the finest calendar unit — day, ISO week, month or
year — around the most likely day whose posterior mass reaches :data:`COMMIT`. The
confidence *is* that mass, so a 0.9 means nine times in ten (measured per
confidence bucket in ``bench/dating_bench.py``).

Evidence (each item is reported with its text and what it implies):

* explicit dates — with a year ("5 maart 2019"), with a weekday that fixes the year
  ("maandag 4 maart"), or day + month only (the nearest such day): news is mostly
  about the last days (past tense) or the coming weeks (future tense); a flat
  component keeps history ("op 6 juni 1944") and far plans from dominating;
* a deictic day word next to an explicit date or weekday ("vandaag, 5 maart",
  "gisteren (maandag)") pins the day;
* bare weekdays in tense ("vrijdag heeft … verspreid", "afgelopen vrijdag", "De Kamer
  debatteert dinsdag"): how many days lie between the weekday and the article, per
  tense, from the language's lag table (:data:`WEEKDAY_LAGS`); repeated mentions of
  the same weekday in the same tense count once;
* "vorige week dinsdag" / "last week": the weekday in the previous/next ISO week;
* a named day said to fall "this week"/"today" ("het Offerfeest deze week");
* anniversaries: "N jaar geleden" next to an explicit past date or year sets the year
  (with "vandaag"/"precies" the day);
* past-tense years ("in 2014") are lower bounds, future-tense years upper bounds;
* a prior from the collection (:class:`CollectionPrior`, :class:`Collection`): the
  dates of other articles of the same source and batch (never the article's own), and
  — as far as the batch itself shows that similar texts share a day — the dates of the
  articles whose text resembles this one (a re-published or syndicated copy);
* a dateline ("AMSTERDAM, 5 maart 2019 –") at the very start.

No evidence → ``unknown`` with confidence 0. Two well-separated modes with real mass
each → the evidence conflicts: reported, and the answer widens to what covers both
(or stays unknown) rather than averaging them into a wrong day.

Checking a given date (:func:`check_date`) never uses the date as evidence: it only
fixes the era (a flat prior of ±:data:`CHECK_SPAN` days, which also fixes the year of
"4 maart"). A contradiction is flagged when a hard constraint (a deictic word next to
a date) excludes the given day, or when the evidence — the text, and the dates of
resembling articles of the batch when a collection is given — makes the given day
(± one day) at least 1/:data:`CHECK_BF` times less likely than the days around it
(a Bayes factor); the evidence is listed. Without day-level evidence the check
answers ``None`` (cannot tell).

:func:`assess` does both for one article, and is what ``tijdlijn date``, ingest and
the annotate pipeline call.
"""
from __future__ import annotations

import math
from functools import lru_cache
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Callable, Iterable

import numpy as np

from ..document import ArticleDate
from .calendars import holiday_date
from .language import TemporalLanguage, load_language
from .tagger import Candidate, Context, find_candidates, split_sentences

__all__ = ["DateInference", "DateAssessment", "Evidence", "CollectionPrior", "Collection", "infer_date",
           "check_date", "assess", "check_document", "collect_evidence", "COMMIT"]

COMMIT = 0.6  # report the finest unit holding at least this much posterior mass
WINDOW = 400  # days around an anchor considered
PIN_MISS = 1e-5  # relative likelihood of a day other than the one "vandaag, 5 maart 2019" pins
HORIZON = 5 * 365  # text alone: days after the latest anchor the article may be from
DATELINE_CHARS = 100  # an explicit full date this close to the start, before any sentence end: a dateline
CHECK_SPAN = 60  # checking: the given date fixes the era to ± this many days
CHECK_CAP = 4.0  # checking: the most one soft piece of evidence may count against a day (see _robust)
SOFT_KINDS = frozenset({"explicit_date", "weekday", "week_weekday", "year_bound"})
CHECK_BF = 0.2  # checking: flag when the evidence makes the given day 5× less likely than the days around it (dev)
# several dates (or year bounds) in one article are not independent (a schedule, a chronology): n pieces
# of one kind weigh n ** (1 - DAMPING) rather than n
DAMPING = {"explicit_date": 0.75, "year_bound": 0.75}
YEAR_BOUND_MISS = 0.3  # relative likelihood of a date outside a year bound (tense cues are often wrong)
ORD_MIN, ORD_MAX = date(1900, 1, 1).toordinal(), date(2100, 12, 31).toordinal()

# P(lag) for a bare weekday, lag = (article weekday − mentioned weekday) mod 7, per tense class.
# Lag 0 is the article's own weekday ("vandaag" or a week earlier). Fitted on the dev split
# (DpgMedia2019 first half for nl, TBAQ even files for en) with add-pseudo-count smoothing
# towards a hand-set default (see bench/dating_bench.py --fit).
WEEKDAY_LAGS: dict[str, dict[str, list[float]]] = {
    "nl": {
        "past": [0.05, 0.2, 0.3, 0.14, 0.09, 0.14, 0.08],
        "last": [0.03, 0.05, 0.14, 0.09, 0.16, 0.3, 0.22],  # "afgelopen vrijdag"
        "none": [0.22, 0.14, 0.16, 0.1, 0.04, 0.16, 0.16],
        "future": [0.23, 0.18, 0.13, 0.15, 0.09, 0.1, 0.11],
        "next": [0.03, 0.09, 0.11, 0.24, 0.16, 0.18, 0.2],  # "komende vrijdag"
    },
    "en": {
        "past": [0.38, 0.24, 0.13, 0.12, 0.08, 0.03, 0.03],
        "last": [0.09, 0.06, 0.09, 0.19, 0.26, 0.19, 0.11],
        "none": [0.35, 0.09, 0.17, 0.11, 0.16, 0.05, 0.06],
        "future": [0.2, 0.07, 0.08, 0.15, 0.06, 0.12, 0.32],
        "next": [0.03, 0.09, 0.11, 0.13, 0.27, 0.18, 0.2],
    },
}

# Explicit dates: P(article − date = k days | cue) = w · recent(k) + (1 − w) · flat. ``recent`` is an
# exponential after the date (the article reports it) with scale TAU_AFTER and before it (the article
# announces it) with scale TAU_BEFORE; ``back`` is the share of the recent mass before the date. Cues:
# a preposition ("sinds 28 februari", a citation "(Opinie, 2 maart)" → since; "tot/uiterlijk/vanaf
# 1 april" → until) and else the clause's tense (often wrong in long sentences, hence the mixed
# ``back``). w is lower for dates written with their year (more often history: "op 1 oktober 2017").
# Maximum-likelihood fits on the dev splits (bench/dating_bench.py --fit), with w capped at 0.85 and the
# plateaus shortened a little (the fits come from 17–52 dates per cue). The plateau keeps a date from
# pulling the article onto the event's own day: it bounds the date rather than pinpointing it.
EXPLICIT = {
    # cue: (w without a year, w with a year, plateau, tau_after, tau_before, back)
    "since": (0.85, 0.2, 3, 5.0, 8.0, 0.05),
    "until": (0.85, 0.2, 5, 12.0, 35.0, 0.8),
    "past": (0.7, 0.2, 5, 12.0, 25.0, 0.35),
    "future": (0.85, 0.2, 4, 4.0, 25.0, 0.85),
    "none": (0.85, 0.2, 2, 6.0, 10.0, 0.5),
}
_SINCE = re.compile(r"(?:\b(?:sinds|since)\s+(?:op\s+|on\s+)?|\([^()\n]{1,40},\s*)$", re.IGNORECASE)
_UNTIL = re.compile(r"\b(?:tot(?:\s+en\s+met)?|t/m|uiterlijk(?:\s+op)?|vanaf|per|until|till|through|by|from|"
                    r"starting|beginning)\s+(?:op\s+|on\s+)?$", re.IGNORECASE)


def _date_cue(text: str, c: "Candidate", ctx: "Context") -> str:
    before = text[max(0, c.start - 48):c.start]
    if _SINCE.search(before):
        return "since"
    if _UNTIL.search(before):
        return "until"
    return _tense_class(ctx, c)


@dataclass
class Evidence:
    """One piece of evidence: what the text says and what it implies about the article date."""

    kind: str  # dateline | explicit_date | deictic_date | deictic_weekday | weekday | week_weekday | named_day | anniversary
    #            | year_bound | collection
    text: str
    start: int | None
    why: str
    loglik: Callable[[np.ndarray], np.ndarray] | None = None
    anchor: int | None = None  # an ordinal the evidence is centred on (defines the window)
    hard: tuple[int, int] | None = None  # an interval the article must lie in (for checking)
    day_level: bool = False  # can tell days apart (not just years)
    candidates: tuple[int, ...] = ()  # possible anchor days (a weekday + date without a year)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "start": self.start, "why": self.why}


@dataclass
class DateInference:
    value: str | None  # ISO value at the granularity (YYYY-MM-DD, YYYY-Www, YYYY-MM, YYYY) or None
    granularity: str  # day | week | month | year | unknown
    confidence: float
    evidence: list[Evidence] = field(default_factory=list)
    conflict: bool = False
    earliest: date | None = None
    latest: date | None = None
    mode: date | None = None  # the single most likely day (whatever the reported granularity)
    notes: list[str] = field(default_factory=list)  # conflicts, why nothing was committed, contradictions

    @property
    def reasons(self) -> list[str]:
        """The evidence and notes as plain sentences."""
        return [e.why for e in self.evidence] + list(self.notes)

    def to_json(self) -> dict[str, Any]:
        return {"date": self.value, "granularity": self.granularity, "confidence": round(self.confidence, 3),
                "best_day": self.mode.isoformat() if self.mode else None,
                "evidence": [e.to_json() for e in self.evidence] + [{"kind": "note", "text": "", "start": None,
                                                                    "why": n} for n in self.notes],
                "conflict": self.conflict}

    def article_date(self) -> ArticleDate | None:
        if self.value is None or self.earliest is None or self.latest is None:
            return None
        return ArticleDate(self.value, self.granularity, self.earliest, self.latest)


# --------------------------------------------------------------------------- the collection prior

PRIOR_SAME_DAY = 0.55  # kernel around each known date: this much on the day itself …
PRIOR_TAIL = 3.0  # … the rest decaying with this scale (days) on both sides (defaults; fit_kernel chooses)
KERNEL_SAME_DAY = (0.0, 0.2, 0.4, 0.6, 0.8, 0.95)
FOCUS_SAME_DAY = 0.9  # a resembling article's day itself (the rest: its kernel tail)
KERNEL_TAILS = (1.0, 3.0, 7.0, 15.0, 30.0, 60.0)
PRIOR_FLOOR = 0.03  # share of a flat component over the window (an article from none of those days)
PRIOR_MARGIN = 21  # days before the first / after the last known date in the window



def _kernel_mix(D: np.ndarray, uniq: np.ndarray, w: np.ndarray, same: float, tail: float) -> np.ndarray:
    """For each day of ``D``: sum over the batch days ``uniq`` (weights ``w``) of the kernel
    ``same`` on the day itself plus ``1 - same`` spread as a two-sided geometric tail of scale
    ``tail``. A convolution over the dense day range, done with the FFT: linear in the range
    instead of days × batch days."""
    lo = int(min(D.min(), uniq.min()))
    n = int(max(D.max(), uniq.max())) - lo + 1
    hist = np.zeros(n)
    np.add.at(hist, uniq - lo, w)
    offs = np.abs(np.arange(-(n - 1), n))
    kern = (1 - same) * np.exp(-offs / tail) / (2 / (1 - math.exp(-1 / tail)) - 1)
    kern[n - 1] += same
    size = 1 << (3 * n - 3).bit_length()
    full = np.fft.irfft(np.fft.rfft(hist, size) * np.fft.rfft(kern, size), size)
    return np.maximum(full[D - lo + n - 1], 0.0)



@lru_cache(maxsize=512)
def _fit_kernel(uniq_b: bytes, counts_b: bytes) -> tuple[float, float]:
    """(share on the day itself, tail scale) maximising the leave-one-out likelihood of the batch's own
    dates (cached: within a batch only the left-out article changes, so few distinct inputs recur)."""
    uniq, counts = np.frombuffer(uniq_b, dtype=np.int64), np.frombuffer(counts_b, dtype=np.int64)
    n = counts.sum()
    if n < 10:  # too few dates to tell how they cluster: a broad kernel
        return 0.0, 30.0
    c = counts.astype(float)
    best = None
    for tail in KERNEL_TAILS:
        # the kernel is linear in ``same``: one convolution per tail (FFT, linear in the day range; a
        # matrix over the batch's distinct days would be quadratic in them)
        tconv = _kernel_mix(uniq, uniq, c, 0.0, tail)
        t0 = 1 / (2 / (1 - math.exp(-1 / tail)) - 1)
        for same in KERNEL_SAME_DAY:
            dens = (same * c + (1 - same) * tconv - (same + (1 - same) * t0)) / (n - 1)  # leave the article out
            ll = float(c @ np.log(np.maximum(dens, 1e-12)))
            if best is None or ll > best[0]:
                best = (ll, same, tail)
    assert best is not None
    return best[1], best[2]


@dataclass
class CollectionPrior:
    """Publication dates of other articles of the same source and batch, as a soft prior.

    ``days`` are ordinals, ``weights`` their (similarity) weights; ``note`` says where
    they come from (reported as evidence)."""

    days: np.ndarray
    weights: np.ndarray
    note: str = ""
    same_day: float = PRIOR_SAME_DAY
    tail: float = PRIOR_TAIL
    focus: np.ndarray | None = None  # weights of the articles the text resembles …
    focus_share: float = 0.0  # … and the probability that the article shares the day of one of them

    @classmethod
    def from_dates(cls, dates: Iterable[date], weights: Iterable[float] | None = None,
                   note: str = "", focus: np.ndarray | None = None, focus_share: float = 0.0
                   ) -> "CollectionPrior | None":
        ds = list(dates)
        if not ds:
            return None
        w = np.ones(len(ds)) if weights is None else np.asarray(list(weights), dtype=float)
        prior = cls(np.array([d.toordinal() for d in ds]), w, note, focus=focus, focus_share=focus_share)
        prior.fit_kernel()
        if not prior.note:
            prior.note = (f"collection prior: the dates of {len(ds)} other article{'s' * (len(ds) != 1)} "
                          f"({prior.describe()})")
        return prior

    def fit_kernel(self) -> None:
        """Choose how tightly articles cluster on the batch's days (kernel share on the day itself and
        the tail's scale) by leave-one-out likelihood of the batch's own dates: a batch published on a
        few days (a daily sample) gets a sharp kernel, one spread over months a broad one."""
        uniq, counts = np.unique(self.days, return_counts=True)
        self.same_day, self.tail = _fit_kernel(uniq.astype(np.int64).tobytes(), counts.astype(np.int64).tobytes())

    def resemblance_evidence(self) -> "Evidence | None":
        """The articles the text resembles, as evidence (for checking a given date): the day of a copy
        is likely the day of the article, to the degree the batch shows copies share days."""
        if self.focus is None or self.focus_share < 0.5:  # only copies: weak resemblance is no evidence
            return None
        share, focus, days = self.focus_share, self.focus, self.days
        uniq, inv = np.unique(days, return_inverse=True)
        f = np.bincount(inv, weights=focus)
        f = f / f.sum()
        tail_scale = self.tail

        def loglik(D: np.ndarray) -> np.ndarray:
            return np.log((1 - share) / len(D) + share * _kernel_mix(D, uniq, f, FOCUS_SAME_DAY, tail_scale))

        top = date.fromordinal(int(uniq[int(np.argmax(f))]))
        return Evidence("resemblance", "", None, f"similar articles of the batch (probability {share:.2f} of sharing "
                        f"a day with one of them), most weight on {top.isoformat()}", loglik, day_level=True)

    @property
    def center(self) -> date:
        """The weighted median date."""
        order = np.argsort(self.days)
        cw = np.cumsum(self.weights[order])
        return date.fromordinal(int(self.days[order][int(np.searchsorted(cw, cw[-1] / 2))]))

    def describe(self) -> str:
        lo, hi = date.fromordinal(int(self.days.min())), date.fromordinal(int(self.days.max()))
        return f"{lo.isoformat()} … {hi.isoformat()}, median {self.center.isoformat()}"

    def span(self) -> tuple[int, int]:
        margin = PRIOR_MARGIN + int(3 * self.tail)
        return int(self.days.min()) - margin, int(self.days.max()) + margin

    def loglik(self, D: np.ndarray) -> np.ndarray:
        uniq, inv = np.unique(self.days, return_inverse=True)
        w = np.bincount(inv, weights=self.weights)
        w = w / w.sum()
        p = _kernel_mix(D, uniq, w, self.same_day, self.tail)  # two-sided geometric tail, total 1
        if self.focus is not None and self.focus_share > 0:
            f = np.bincount(inv, weights=self.focus)
            f = f / f.sum()
            p = (1 - self.focus_share) * p + self.focus_share * _kernel_mix(D, uniq, f, FOCUS_SAME_DAY, self.tail)
        return np.log((1 - PRIOR_FLOOR) * p + PRIOR_FLOOR / len(D))


_WORD = re.compile(r"\w{3,}")
SIM_BINS = (0.1, 0.2, 0.3, 0.5, 0.7)  # cosine similarity bins for "how often do such pairs share a day"
PAIR_SAMPLE = 300  # articles whose similarities to all others estimate that (bounded cost on big batches)


class Collection:
    """A batch of articles with known dates (one source): the prior for an article of the batch.

    The prior is the batch's date distribution, each known article weighted by how much more
    often than two random articles of the batch an article *that similar* (TF-IDF cosine) was
    published on the same day. That rate is learnt from the batch itself (pairs of its other
    articles, binned by similarity, smoothed towards the base rate): in a daily news sample a
    copy of the text is dated like the copy, in a corpus of similar business reports spread
    over weeks similarity says nothing and gets no weight. ``exclude`` leaves an article out
    everywhere (its own date is never used, also not in the learnt rates)."""

    def __init__(self, max_docs: int = 20000, similarity: bool = True, max_terms: int | None = None) -> None:
        self.max_docs = max_docs
        self.similarity = similarity
        self.max_terms = max_terms  # keep only an article's most frequent words (bounded memory)
        self.keys: list[Any] = []
        self.dates: list[date] = []
        self.tfs: list[Counter] = []
        self.df: Counter = Counter()
        self._built_n = -1
        self._index: dict[str, list[tuple[int, float]]] = {}
        self._norms: np.ndarray = np.zeros(0)
        self._pairs: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None  # rows, totals, same, sims
        self._pairs_n = 0
        self._ords: np.ndarray = np.zeros(0, dtype=int)

    def __len__(self) -> int:
        return len(self.dates)

    @staticmethod
    def _tf(text: str) -> Counter:
        return Counter(w.lower() for w in _WORD.findall(text or "") if not w.isdigit())

    def add(self, text: str, day: date, key: Any = None) -> None:
        if len(self.dates) >= self.max_docs:  # keep the most recent: drop the oldest tenth at once
            cut = max(1, self.max_docs // 10)
            for tf in self.tfs[:cut]:
                self.df.subtract(tf.keys())
            del self.keys[:cut], self.dates[:cut], self.tfs[:cut]
            self.df = +self.df
            self._built_n = -1
            self._pairs = None  # positions changed
        tf = self._tf(text) if self.similarity else Counter()
        if self.max_terms is not None and len(tf) > self.max_terms:
            tf = Counter(dict(tf.most_common(self.max_terms)))
        self.keys.append(key)
        self.dates.append(day)
        self.tfs.append(tf)
        self.df.update(tf.keys())

    def _idf(self, w: str) -> float:
        n, df = len(self.tfs), self.df.get(w, 0)
        if df == 0 or df > 0.2 * n:  # unseen words match nothing; frequent ones say nothing about shared stories
            return 0.0
        return math.log((n + 1) / df)

    def _build(self) -> None:
        index: dict[str, list[tuple[int, float]]] = {}
        norms = np.zeros(len(self.tfs))
        for i, tf in enumerate(self.tfs):
            s = 0.0
            for w, c in tf.items():
                idf = self._idf(w)
                if idf:
                    v = (1 + math.log(c)) * idf
                    index.setdefault(w, []).append((i, v))
                    s += v * v
            norms[i] = math.sqrt(s) or 1.0
        self._index, self._norms, self._built_n = index, norms, len(self.tfs)
        self._ords = np.array([d.toordinal() for d in self.dates])
        if self._pairs is not None and (self._pairs_n > self._built_n or 1.5 * self._pairs_n < self._built_n):
            self._pairs = None  # the same-day rates are stable: re-learnt when the batch has grown by half

    def _ensure_built(self) -> None:
        n = len(self.tfs)
        if self._built_n < 0 or n > 1.1 * self._built_n + 10:
            self._build()

    def _sims_tf(self, q: Counter) -> np.ndarray:
        n = len(self.tfs)
        sims = np.zeros(n)
        qn = 0.0
        for w, c in q.items():
            idf = self._idf(w)
            if not idf:
                continue
            v = (1 + math.log(c)) * idf
            qn += v * v
            for i, x in self._index.get(w, ()):
                sims[i] += v * x
        if qn == 0:
            return sims
        m = min(n, len(self._norms))
        sims[:m] /= self._norms[:m] * math.sqrt(qn)
        sims[m:] = 0.0  # added since the last build: their dates still count, unweighted
        return np.clip(sims, 0.0, 1.0)

    def similarities(self, text: str) -> np.ndarray:
        if not self.similarity or not self.tfs:
            return np.zeros(len(self.tfs))
        self._ensure_built()
        return self._sims_tf(self._tf(text))

    def _pair_stats(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per sampled article: pair counts and same-day counts per similarity bin (rows), and its sims."""
        if self._pairs is None:
            n = self._built_n
            self._pairs_n = n
            step = max(1, n // PAIR_SAMPLE)
            rows = np.arange(0, n, step)[:PAIR_SAMPLE]
            ords = self._ords[:n]
            tot = np.zeros((len(rows), len(SIM_BINS) + 1))
            same = np.zeros_like(tot)
            sims_rows = np.zeros((len(rows), n))
            for r, i in enumerate(rows):
                sims = self._sims_tf(self.tfs[i])[:n]
                sims[i] = -1
                sims_rows[r] = sims
                b = np.digitize(sims, SIM_BINS)
                ok = sims >= 0
                tot[r] = np.bincount(b[ok], minlength=len(SIM_BINS) + 1)
                same[r] = np.bincount(b[ok], weights=(ords[ok] == ords[i]).astype(float), minlength=len(SIM_BINS) + 1)
            self._pairs = (rows, tot, same, sims_rows)
        return self._pairs  # type: ignore[return-value]

    def _same_day_excess(self, exclude_idx: int | None) -> np.ndarray:
        """Per similarity bin: how much likelier than for a random pair of the batch two articles that
        similar share a day, as the excess probability (rate − base) / (1 − base), learnt without the
        excluded article."""
        rows, tot, same, sims_rows = self._pair_stats()
        t, sm = tot.sum(axis=0), same.sum(axis=0)
        if exclude_idx is not None and exclude_idx < self._pairs_n:
            ords = self._ords
            hit = np.nonzero(rows == exclude_idx)[0]
            if len(hit):  # its own row
                t, sm = t - tot[hit[0]], sm - same[hit[0]]
            if exclude_idx < sims_rows.shape[1]:  # its pairs with the sampled rows
                keep = rows != exclude_idx
                b = np.digitize(sims_rows[keep, exclude_idx], SIM_BINS)
                shared = (ords[rows[keep]] == ords[exclude_idx]).astype(float)
                t = t - np.bincount(b, minlength=len(t))
                sm = sm - np.bincount(b, weights=shared, minlength=len(t))
        base = (sm.sum() + 1) / (t.sum() + 2)
        rate = (sm + 5 * base) / (t + 5)  # smoothed towards the base rate
        return np.clip((rate - base) / (1 - base), 0.0, 0.99)

    def prior(self, text: str | None = None, *, exclude: Any = None) -> CollectionPrior | None:
        keep = [i for i, k in enumerate(self.keys) if exclude is None or k != exclude]
        if not keep:
            return None
        days = [self.dates[i] for i in keep]
        if text is not None and self.similarity and len(keep) >= 20:
            self._ensure_built()
            sims = self._sims_tf(self._tf(text))
            ex = next((i for i, k in enumerate(self.keys) if k == exclude), None) if exclude is not None else None
            excess = self._same_day_excess(ex if ex is not None and ex < self._built_n else None)
            e = excess[np.digitize(sims, SIM_BINS)][keep]
            sims = sims[keep]
            share = float(1 - np.prod(1 - e))
            top = int(np.argmax(sims))
            note = (f"collection prior: the dates of {len(keep)} other articles of the batch; the closest text "
                    f"(similarity {sims[top]:.2f}) is dated {days[top].isoformat()}, and articles that similar "
                    f"share a day {100 * e[top]:.0f}% more often than chance (learnt from the batch)")
            return CollectionPrior.from_dates(days, None, note, focus=e if share > 0 else None, focus_share=share)
        return CollectionPrior.from_dates(days)


# --------------------------------------------------------------------------- evidence


def _side(k: np.ndarray, plateau: float, tau: float) -> np.ndarray:
    """A density over k ≥ 0 days: flat for ``plateau`` days, then an exponential tail of scale ``tau``."""
    return np.exp(-np.maximum(k - plateau, 0) / tau) / (plateau + 1 + tau)


def _mixture(delta: np.ndarray, w: float, plateau: float, tau_after: float, tau_before: float,
             back: float) -> np.ndarray:
    """log P(article − event = delta): recent news after the date (share 1 − back) or before it
    (announcements, share back), weight ``w``; otherwise history or far plans (flat). A plateau
    rather than a peak at the date: the evidence bounds the article date, it does not pull it
    onto the day of the event."""
    after = (1 - back) * _side(np.maximum(delta, 0), plateau, tau_after)
    before = back * _side(np.maximum(-delta, 0), plateau, tau_before)
    recent = np.where(delta >= 0, after, before)
    flat = 1 / (2 * WINDOW)
    return np.log(w * recent + (1 - w) * flat)


def _month_of(L: TemporalLanguage, s: str) -> int | None:
    if s.isdigit():
        m = int(s)
        return m if 1 <= m <= 12 else None
    return L.lookup("month", s.rstrip("."))


def _explicit_days(c: Candidate, L: TemporalLanguage, years: range) -> list[date]:
    """The days an explicit calendar date can be: one with a year, else one per year (weekday-filtered)."""
    g = c.groups
    if c.rule.norm != "calendar_date" or not g.get("day") or not g.get("month"):
        return []
    month = _month_of(L, g["month"])
    if not month:
        return []
    try:
        day = int(g["day"])
    except ValueError:
        return []
    if g.get("year"):
        y = g["year"]
        if len(y) == 2 and y.isdigit():
            y = ("20" if int(y) < 50 else "19") + y
        try:
            return [date(int(y), month, day)]
        except ValueError:
            return []
    out = []
    wd = L.lookup("weekday", g["weekday"].rstrip(".")) if g.get("weekday") else None
    for y in years:
        try:
            d = date(y, month, day)
        except ValueError:
            continue
        if wd and d.isoweekday() != wd:
            continue
        out.append(d)
    return out


def _tense_class(ctx: Context, c: Candidate) -> str:
    t = ctx.tense(c, default=False)
    return "past" if t == "past" else ("future" if t == "future" else "none")


def _is_name(text: str, c: Candidate, lang: str) -> bool:
    """A capitalised weekday inside a Dutch sentence is a name ("Jolanda Zondag")."""
    if lang != "nl" or not c.text[:1].isupper():
        return False
    before = text[max(0, c.start - 3):c.start].rstrip(" \"'‘“(,")
    return bool(before) and before[-1] not in ".!?:;—-" and not before.endswith(",,")


def _is_dateline(text: str, c: Candidate) -> bool:
    """"AMSTERDAM, 5 maart 2019 –", "March 5, 1998 —": a full date at the very start, before any sentence end,
    followed by a separator rather than running prose."""
    if c.start > DATELINE_CHARS or any(ch in text[:c.start] for ch in ".!?\n"):
        return False
    after = text[c.end:c.end + 4].lstrip(" ")
    return not after or after[0] in "-–—:|(/\n" or after[:2] == "--"


def _gap_ok(text: str, a: Candidate, b: Candidate) -> bool:
    """Two expressions written next to each other ("vandaag, 5 maart", "gisteren (maandag)"), not across a
    sentence end."""
    gap = text[min(a.end, b.end):max(a.start, b.start)]
    return len(gap) <= 4 and not any(ch.isalnum() or ch in ".!?;" for ch in gap)


def _fmt(o: int) -> str:
    return date.fromordinal(int(o)).isoformat()


def collect_evidence(text: str, lang: str, cands: list[Candidate] | None = None,
                     ctx: Context | None = None) -> list[Evidence]:
    """All dating evidence in ``text`` (see the module docstring)."""
    L = load_language(lang)
    if cands is None or ctx is None:
        cands = find_candidates(text, L)
        ctx = Context(L, text, split_sentences(text, L.abbreviations), cands)
    lags = WEEKDAY_LAGS.get(lang, WEEKDAY_LAGS["en"])
    evs: list[Evidence] = []
    all_years = range(1900, 2101)
    explicit: dict[int, list[date]] = {}
    joined: set[int] = set()  # dates whose weekday is written just before them as a separate word
    pinned: set[int] = set()
    for i, c in enumerate(cands):
        days = _explicit_days(c, L, all_years)
        if not days:
            continue
        explicit[i] = days
        o = cands[i - 1] if i else None
        if (o is not None and not c.groups.get("weekday") and not c.groups.get("year") and o.rule.norm == "weekday"
                and not o.groups.get("shift") and not o.groups.get("wshift")
                and not text[o.end:c.start].strip(" ,")):  # "Dinsdagavond 12 februari": one date
            wd = L.lookup("weekday", o.groups.get("weekday", ""))
            if wd:
                explicit[i] = [d for d in days if d.isoweekday() == wd]
                joined.add(i)
                pinned.add(i - 1)
    used_weekdays: dict[tuple[int, str], Evidence] = {}
    used_dates: dict[tuple[int, int, str], Evidence] = {}

    # 1. deictic day words next to an explicit date or a weekday ("vandaag, 5 maart", "gisteren (maandag)")
    for i, c in enumerate(cands):
        e = c.entry
        if not (e and e.get("unit") == "D" and "part" not in e and "offset" in e):
            continue
        off = int(e.get("offset", 0))
        for j in (i - 1, i + 1):
            if j < 0 or j >= len(cands) or not _gap_ok(text, c, cands[j]):
                continue
            o = cands[j]
            if j in explicit:
                pins = tuple(sorted(d.toordinal() - off for d in explicit[j]))
                if len(pins) > 40:
                    continue
                pset = np.array(pins)

                def f(D, pset=pset):  # noqa: ANN001
                    return np.where(np.isin(D, pset), 0.0, math.log(PIN_MISS))

                one = len(pins) == 1
                rel = "from that day" if off == 0 else (
                    f"from {abs(off)} day{'s' * (abs(off) > 1)} {'after' if off < 0 else 'before'} it")
                which = _fmt(pins[0]) if one else "one of " + ", ".join(
                    _fmt(x) for x in pins if 1990 <= date.fromordinal(x).year <= 2035) + ", …"
                evs.append(Evidence("deictic_date", f"{c.text} … {o.text}", c.start,
                                    f"'{c.text}' next to the date '{o.text}': the article is {rel} ({which})",
                                    f, pins[0] if one else None, (pins[0], pins[0]) if one else None, True, pins))
                pinned.update((i, j))
            elif o.rule.norm == "weekday" and not o.groups.get("shift") and not o.groups.get("wshift"):
                wd = L.lookup("weekday", o.groups.get("weekday", ""))
                if not wd:
                    continue

                def f(D, wd=wd, off=off):  # noqa: ANN001
                    return np.where(((D + off - 1) % 7) + 1 == wd, 0.0, math.log(0.002))

                rel = (f"a {o.text}" if off == 0 else
                       f"{abs(off)} day{'s' * (abs(off) > 1)} {'after' if off < 0 else 'before'} a {o.text}")
                evs.append(Evidence("deictic_weekday", f"{c.text} … {o.text}", c.start,
                                    f"'{c.text}' is '{o.text}': the article is from {rel}", f, day_level=True))
                pinned.update((i, j))

    for i, c in enumerate(cands):
        if i in pinned:
            continue
        g = c.groups
        days = explicit.get(i)
        cls = _date_cue(text, c, ctx) if days else _tense_class(ctx, c)
        # 2. explicit dates
        if days:
            has_year = bool(g.get("year"))
            weekday_fixed = (bool(g.get("weekday")) or i in joined) and not has_year
            w_no_year, w_year, pl, ta, tb, back = EXPLICIT[cls]
            w = w_year if has_year else w_no_year
            tense_s = {"past": "past tense: the article is probably from then or soon after",
                       "since": "'since': the article is from then or later",
                       "until": "'until'/'from': the article is probably from before then",
                       "future": "future tense: the article is probably from before then"}.get(cls, "no tense cue")
            if has_year and len(days) == 1 and _is_dateline(text, c):
                o = days[0].toordinal()

                def f(D, o=o):  # noqa: ANN001
                    return np.log(np.where(D == o, 0.7, np.where(D == o + 1, 0.15, 0.0)) + 0.15 / (2 * WINDOW))

                evs.append(Evidence("dateline", c.text, c.start, f"dateline '{c.text}' at the start of the text: "
                                    f"the article is from that day (or the next)", f, o, day_level=True))
                continue
            if has_year or weekday_fixed:
                ords = np.array([d.toordinal() for d in days])
                key = (int(ords[0]), len(ords), cls)
                if key in used_dates:
                    continue

                def f(D, ords=ords, w=w, pl=pl, ta=ta, tb=tb, back=back):  # noqa: ANN001
                    near = ords[np.searchsorted(ords, D).clip(0, len(ords) - 1)]
                    near2 = ords[(np.searchsorted(ords, D) - 1).clip(0, len(ords) - 1)]
                    return np.maximum(_mixture(D - near, w, pl, ta, tb, back), _mixture(D - near2, w, pl, ta, tb, back))

                one = len(ords) == 1
                how = "with its year" if has_year else "its weekday fixes the year"
                label, at = (text[cands[i - 1].start:c.end], cands[i - 1].start) if i in joined else (c.text, c.start)
                why = f"explicit date '{label}' ({how}; {tense_s})"
                if not one:
                    why += f"; possible years {', '.join(str(d.year) for d in days if 1990 <= d.year <= 2035)}"
                ev = Evidence("explicit_date", label, at, why, f, int(ords[0]) if one else None,
                              day_level=True, candidates=tuple(int(o) for o in ords))
                used_dates[key] = ev
                evs.append(ev)
            else:
                month, day = days[0].month, days[0].day
                key = (month * 100 + day, 0, cls)
                if key in used_dates:
                    continue

                def f(D, month=month, day=day, w=w, pl=pl, ta=ta, tb=tb, back=back):  # noqa: ANN001
                    out = np.full(len(D), -np.inf)
                    y0, y1 = date.fromordinal(int(D[0])).year - 1, date.fromordinal(int(D[-1])).year + 1
                    for y in range(y0, y1 + 1):
                        try:
                            x = date(y, month, day).toordinal()
                        except ValueError:
                            continue
                        out = np.maximum(out, _mixture(D - x, w, pl, ta, tb, back))
                    return out

                ev = Evidence("explicit_date", c.text, c.start, f"date without a year '{c.text}' (the nearest "
                              f"{day} {month:02d}; {tense_s})", f, day_level=True)
                used_dates[key] = ev
                evs.append(ev)
            continue
        # 3. weekdays
        if c.rule.norm == "weekday" and not g.get("jl"):
            wd = L.lookup("weekday", g.get("weekday", ""))
            if not wd or _is_name(text, c, lang):
                continue
            if g.get("wshift"):  # "vorige week dinsdag": the weekday in the previous/this/next ISO week
                wk = {"vorige": -1, "deze": 0, "volgende": 1, "komende": 1, "last": -1, "this": 0, "next": 1}.get(
                    g["wshift"].lower(), None)
                if wk is None:
                    continue

                def f(D, wd=wd, wk=wk):  # noqa: ANN001
                    monday = D - (D - 1) % 7  # ordinal 1 is a Monday
                    target = monday + 7 * wk + (wd - 1)
                    delta = D - target
                    ok = (delta >= 0) if wk < 0 else ((delta <= 0) if wk > 0 else np.ones(len(D), bool))
                    return np.where(ok, 0.0, math.log(0.05))

                evs.append(Evidence("week_weekday", c.text, c.start, f"'{c.text}': the {g['weekday']} of "
                                    f"{ {-1: 'the previous', 0: 'the same', 1: 'the next'}[wk]} week", f,
                                    day_level=True))
                continue
            shift = L.lookup("shift", g["shift"]) if g.get("shift") else None
            if shift is not None and int(shift) < 0:
                cls = "last"
            elif shift is not None and int(shift) > 0:
                cls = "next"
            elif shift is not None:
                cls = "none"
            key = (wd, cls)
            if key in used_weekdays:
                used_weekdays[key].why = re.sub(r" \(×(\d+)\)$|$", lambda m: f" (×{int(m.group(1) or 1) + 1})",
                                                used_weekdays[key].why, count=1)
                continue
            table = np.log(np.array(lags[cls]))

            def f(D, wd=wd, table=table):  # noqa: ANN001
                dow = ((D - 1) % 7) + 1  # ordinal 1 (0001-01-01) is a Monday → isoweekday
                return table[(dow - wd) % 7]

            lag = lags[cls]
            best = int(np.argmax(lag))
            why = {"past": f"past-tense weekday '{c.text}': most often {best} day(s) before the article",
                   "last": f"'{c.text}': a {g['weekday']} of the last week",
                   "next": f"'{c.text}': a {g['weekday']} of the coming week",
                   "future": f"future-tense weekday '{c.text}': today or in the coming days",
                   "none": f"weekday '{c.text}' (no tense cue): today or a nearby day"}[cls]
            ev = Evidence("weekday", c.text, c.start, why, f, day_level=True)
            used_weekdays[key] = ev
            evs.append(ev)
            continue
        # 4. years in tense: bounds
        if c.rule.norm == "year" and cls in ("past", "future") and g.get("year") and len(g["year"]) == 4:
            y = int(g["year"])
            if not 1900 <= y <= 2100:
                continue
            b = date(y, 1, 1).toordinal() if cls == "past" else date(y, 12, 31).toordinal()

            def f(D, b=b, past=cls == "past"):  # noqa: ANN001
                ok = D >= b if past else D <= b
                return np.where(ok, 0.0, math.log(YEAR_BOUND_MISS))

            evs.append(Evidence("year_bound", c.text, c.start, f"{cls}-tense year '{c.text}': the article is from "
                                f"{y} or {'later' if cls == 'past' else 'earlier'}", f, b))

    # 5. named day + this week / today
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
                out = np.full(len(D), math.log(0.001))
                y0, y1 = date.fromordinal(int(D[0])).year, date.fromordinal(int(D[-1])).year
                for y in range(y0, y1 + 1):
                    d = holiday_date(rule, y)
                    if d is None:
                        continue
                    if unit == "D":
                        out = np.where(D == d.toordinal(), 0.0, out)
                    else:
                        ws = d.toordinal() - (d.isoweekday() - 1)
                        out = np.where((D >= ws) & (D <= ws + 6), 0.0, out)
                return out

            evs.append(Evidence("named_day", f"{h.text} … {w.text}", h.start, f"'{h.text}' falls '{w.text}': the "
                                f"article is from that {'week' if unit == 'W' else 'day'}", f, day_level=True))
            break

    # 6. anniversaries: "N jaar geleden" with an explicit past date or year in the same sentence
    for a in cands:
        if a.rule.norm != "offset" or int(a.rule.params.get("direction", -1)) >= 0 or a.rule.params.get("relative_to"):
            continue
        if L.lookup("unit", a.groups.get("unit", "")) != "Y":
            continue
        try:
            n = _num_value(L, a.groups.get("num"))
        except ValueError:
            continue
        if n is None or not 1 <= n <= 200:
            continue
        bounds = ctx.sentence_bounds(a)
        for j, o in enumerate(cands):
            if o is a or ctx.sentence_bounds(o) != bounds:
                continue
            exact_day = None
            if j in explicit and len(explicit[j]) == 1:
                exact_day = explicit[j][0]
                y = exact_day.year
            elif o.rule.norm == "year" and o.groups.get("year") and len(o.groups["year"]) == 4:
                y = int(o.groups["year"])
            else:
                continue
            target = y + n
            if not 1900 <= target <= 2100:
                continue
            sentence = text[bounds[0]:bounds[1]].lower()
            precise = exact_day is not None and any(wd in sentence for wd in ("vandaag", "precies", "today", "exactly"))
            if precise:
                try:
                    day = exact_day.replace(year=target).toordinal()
                except ValueError:
                    continue

                def f(D, day=day):  # noqa: ANN001
                    return np.where(np.abs(D - day) <= 1, 0.0, math.log(0.001))

                evs.append(Evidence("anniversary", f"{o.text} … {a.text}", a.start, f"'{a.text}' since '{o.text}' "
                                    f"on the day: the article is from {_fmt(day)}", f, day, (day - 1, day + 1), True))
            else:
                lo, hi = date(target, 1, 1).toordinal(), date(target, 12, 31).toordinal()
                if exact_day is not None:  # "N jaar geleden" rounds: within a year after the anniversary
                    try:
                        lo = exact_day.replace(year=target).toordinal() - 30
                        hi = lo + 30 + 365
                    except ValueError:
                        pass

                def f(D, lo=lo, hi=hi):  # noqa: ANN001
                    return np.where((D >= lo) & (D <= hi), 0.0, math.log(0.05))

                evs.append(Evidence("anniversary", f"{o.text} … {a.text}", a.start, f"'{a.text}' since '{o.text}': "
                                    f"the article is from about {target}", f, (lo + hi) // 2))
            break
    return evs


def _num_value(L: TemporalLanguage, s: str | None) -> int | None:
    if not s:
        return None
    if s.isdigit():
        return int(s)
    v = L.lookup("num", s)
    if isinstance(v, (int, float)) and float(v).is_integer():
        return int(v)
    return None


# --------------------------------------------------------------------------- posterior and decision


def _window(evs: list[Evidence], prior: CollectionPrior | None, around: tuple[int, int] | None = None
            ) -> np.ndarray | None:
    if around is not None:
        lo, hi = around
    elif prior is not None:
        lo, hi = prior.span()
    else:
        anchors = [e.anchor for e in evs if e.anchor is not None]
        if not anchors:
            return None
        # an article is written after the history it mentions, possibly years after: the window runs
        # HORIZON days past the latest anchor, so history alone spreads the probability thin
        lo, hi = min(anchors) - WINDOW // 2, max(anchors) + HORIZON
        if hi - lo > 20 * 366:  # decades apart: centre on the latest (articles report recent news)
            lo = max(anchors) - WINDOW
    lo, hi = max(lo, ORD_MIN), min(hi, ORD_MAX)
    return np.arange(lo, hi + 1) if hi >= lo else None


def _posterior(evs: list[Evidence], D: np.ndarray, prior: CollectionPrior | None) -> np.ndarray:
    ll = np.zeros(len(D))
    groups: dict[str, list[np.ndarray]] = {}
    for e in evs:
        if e.loglik is not None:
            groups.setdefault(e.kind, []).append(e.loglik(D))
    for kind, lls in groups.items():
        # several dates in one article are not independent (a schedule, a chronology): their joint
        # weight grows with the square root of their number, not linearly
        damp = len(lls) ** -DAMPING.get(kind, 0.0)
        ll = ll + damp * np.sum(lls, axis=0)
    if prior is not None:
        ll = ll + prior.loglik(D)
    ll -= ll.max()
    p = np.exp(ll)
    return p / p.sum()


def _units(d: date) -> list[tuple[str, str, date, date]]:
    iso = d.isocalendar()
    ws = d - timedelta(days=d.isoweekday() - 1)
    me = date(d.year + (d.month == 12), d.month % 12 + 1, 1) - timedelta(days=1)
    return [("day", d.isoformat(), d, d),
            ("week", f"{iso[0]}-W{iso[1]:02d}", ws, ws + timedelta(days=6)),
            ("month", f"{d.year:04d}-{d.month:02d}", date(d.year, d.month, 1), me),
            ("year", f"{d.year:04d}", date(d.year, 1, 1), date(d.year, 12, 31))]


def _decide(p: np.ndarray, D: np.ndarray, evs: list[Evidence], informative: bool) -> DateInference:
    best = int(np.argmax(p))
    bd = date.fromordinal(int(D[best]))
    notes: list[str] = []
    far = np.abs(D - D[best]) > 10
    conflict = False
    if far.any():
        second = int(np.argmax(np.where(far, p, 0)))
        near2 = np.abs(D - D[second]) <= 3
        near1 = np.abs(D - D[best]) <= 3
        if p[near2].sum() >= 0.2 and p[near1].sum() < 0.8 and any(e.anchor is not None or e.hard for e in evs):
            conflict = True
            notes.append(f"conflicting evidence: {bd.isoformat()} (probability {p[near1].sum():.2f}) vs "
                         f"{_fmt(D[second])} (probability {p[near2].sum():.2f}); not averaged")
    if not informative:
        return DateInference(None, "unknown", 0.0, evs, conflict, notes=notes or ["no temporal evidence in the text"])
    for gran, value, lo, hi in _units(bd):
        mass = float(p[(D >= lo.toordinal()) & (D <= hi.toordinal())].sum())
        if mass >= COMMIT:
            return DateInference(value, gran, min(mass, 0.999), evs, conflict, lo, hi, bd, notes)
    return DateInference(None, "unknown", 0.0, evs, conflict, mode=bd,
                         notes=notes + [f"no calendar unit holds {COMMIT:.0%} of the probability (most likely day "
                                        f"{bd.isoformat()})"])


def infer_date(text: str, lang: str = "nl", *, prior: CollectionPrior | None = None,
               evidence: list[Evidence] | None = None) -> DateInference:
    """Infer when ``text`` was written (see the module docstring)."""
    if lang not in ("nl", "en"):
        lang = "en"
    evs = collect_evidence(text, lang) if evidence is None else evidence
    D = _window(evs, prior)
    if D is None:
        if not evs:
            return DateInference(None, "unknown", 0.0, [], notes=["no temporal evidence in the text"])
        return DateInference(None, "unknown", 0.0, evs,
                             notes=["no absolute date (a year or a full date) to anchor the relative evidence"])
    informative = any(e.anchor is not None for e in evs) or prior is not None
    p = _posterior(evs, D, prior)
    inf = _decide(p, D, evs, informative)
    if prior is not None:
        inf.evidence = list(inf.evidence) + [Evidence("collection", "", None, prior.note)]
    return inf


def _robust(e: Evidence) -> Evidence:
    """For checking: a soft piece of evidence (an explicit date, a weekday, a year in tense) may make
    a day at most CHECK_CAP times less likely than its best day. Retrospectives ("Dinsdagavond 12
    februari, het Torentje") and announcements weeks ahead are common enough that one such mention
    must never contradict a date on its own; strong evidence (a deictic date, a dateline, a copy in
    the batch) is not capped."""
    if e.kind not in SOFT_KINDS or e.loglik is None:
        return e
    f = e.loglik

    def capped(D: np.ndarray) -> np.ndarray:
        ll = f(D)
        return np.maximum(ll, ll.max() - math.log(CHECK_CAP))

    return Evidence(e.kind, e.text, e.start, e.why, capped, e.anchor, e.hard, e.day_level, e.candidates)


def date_support(text: str, given: ArticleDate, lang: str = "nl", *, evidence: list[Evidence] | None = None,
                 prior: CollectionPrior | None = None) -> tuple[float | None, DateInference, np.ndarray, np.ndarray]:
    """How strongly the text alone supports the given date: the Bayes factor of "the article is
    from the given date (± a day)" against "from another day within ±CHECK_SPAN days", under a
    flat prior over that window (the given date only fixes the era). ``None`` without day-level
    evidence. Also returns the text-only inference and the posterior."""
    lang = lang if lang in ("nl", "en") else "en"
    evs = collect_evidence(text, lang) if evidence is None else list(evidence)
    if prior is not None and (r := prior.resemblance_evidence()) is not None:
        evs.append(r)
    lo, hi = given.earliest.toordinal(), given.latest.toordinal()
    D = _window(evs, None, (lo - CHECK_SPAN, hi + CHECK_SPAN))
    assert D is not None
    p = _posterior([_robust(e) for e in evs], D, None)
    inf = _decide(p, D, evs, informative=bool(evs))
    if not any(e.day_level for e in evs):
        return None, inf, D, p
    inside = (D >= lo - 1) & (D <= hi + 1)
    near = float(p[inside].sum())
    share = inside.mean()
    bf = (near / max(1 - near, 1e-12)) / (share / (1 - share))
    return bf, inf, D, p


def check_date(text: str, given: ArticleDate, lang: str = "nl", *, evidence: list[Evidence] | None = None,
               prior: CollectionPrior | None = None) -> tuple[bool | None, DateInference]:
    """Does the text contradict the given date? ``None`` when the text says too little to tell.

    A contradiction is flagged when a hard constraint (a deictic word next to a date) excludes
    the given interval by more than a day, or when the text's Bayes factor for the given date
    (:func:`date_support`) is below CHECK_BF (the text makes the given day that much less likely
    than the days around it). The evidence is listed."""
    lang = lang if lang in ("nl", "en") else "en"
    evs = collect_evidence(text, lang) if evidence is None else evidence
    lo, hi = given.earliest.toordinal(), given.latest.toordinal()
    bf, inf, D, p = date_support(text, given, lang, evidence=evs, prior=prior)
    for e in evs:
        if e.hard is None:
            continue
        a, b = e.hard
        if b < lo - 1 or a > hi + 1:
            inf.notes.append(f"contradiction: {e.why}, but the given date is {given.value}")
            return True, inf
    if bf is None:
        return None, inf
    if bf < CHECK_BF:
        best = date.fromordinal(int(D[int(np.argmax(p))]))
        times = f"{1 / bf:.0f} times" if bf > 1e-3 else "over 1000 times"
        inf.notes.append(f"contradiction: the evidence makes the given date {given.value} {times} less likely than "
                         f"the days around it (most likely {best.isoformat()})")
        return True, inf
    return False, inf


@dataclass
class DateAssessment:
    """Inference and (when a date was given) the check, for one article: what every surface reports."""

    inference: DateInference
    given: ArticleDate | None = None
    contradicts: bool | None = None
    check_notes: list[str] = field(default_factory=list)
    checked: DateInference | None = None  # what the evidence says within the given date's era

    def evidence_json(self) -> list[dict[str, Any]]:
        notes = list(self.inference.notes) + [n for n in self.check_notes if n not in self.inference.notes]
        return [e.to_json() for e in self.inference.evidence] + [
            {"kind": "note", "text": "", "start": None, "why": n} for n in notes]

    def to_record(self, doc_id: str | None) -> dict[str, Any]:
        """The ``tijdlijn date --format jsonl`` line."""
        inf = self.inference
        return {"id": doc_id, "date": inf.value, "granularity": inf.granularity,
                "confidence": round(inf.confidence, 3), "evidence": self.evidence_json(),
                "contradicts_given_date": self.contradicts,
                "given_date": self.given.value if self.given is not None else None}

    def check_json(self) -> dict[str, Any]:
        """The check of a given date (``meta["date_check"]`` of an annotated document)."""
        inf = self.checked or self.inference
        return {"given": self.given.value if self.given else None, "contradicts_given_date": self.contradicts,
                "text_says": inf.value, "granularity": inf.granularity, "confidence": round(inf.confidence, 3),
                "evidence": self.evidence_json()}

    def inferred_json(self) -> dict[str, Any]:
        """How an inferred article date was reached (``meta["date_inferred"]``)."""
        inf = self.inference
        return {"value": inf.value, "granularity": inf.granularity, "confidence": round(inf.confidence, 3),
                "evidence": self.evidence_json()}


def assess(text: str, lang: str | None, *, given: ArticleDate | None = None,
           prior: CollectionPrior | None = None) -> DateAssessment:
    """Infer the date of ``text`` (with the collection ``prior`` if any) and, if ``given``, check it.

    The given date is never used for the inference: it is only checked."""
    if lang not in ("nl", "en"):
        inf = DateInference(None, "unknown", 0.0, notes=[f"no temporal resources for language {lang!r}"])
        return DateAssessment(inf, given, None)
    evs = collect_evidence(text, lang)
    inf = infer_date(text, lang, prior=prior, evidence=evs)
    if given is None:
        return DateAssessment(inf)
    flag, chk = check_date(text, given, lang, evidence=evs, prior=prior)
    notes = [n for n in chk.notes if n.startswith("contradiction")]
    if flag is None:
        notes.append(f"the text says too little to check the given date {given.value}")
    elif not flag:
        notes.append(f"the given date {given.value} is consistent with the text")
    return DateAssessment(inf, given, flag, notes, chk)


def check_document(doc: Any) -> dict[str, Any] | None:
    """The date check of a document with a given date, as stored in ``meta["date_check"]`` (text only)."""
    if doc.date is None or doc.lang not in ("nl", "en"):
        return None
    return assess(doc.text, doc.lang, given=doc.date).check_json()
