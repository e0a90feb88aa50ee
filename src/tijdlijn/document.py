"""The single data model: a Document and the typed layers stages add to it.

Offsets are character offsets into ``Document.text``. Serialization is versioned
JSON (``SCHEMA_VERSION``) described by ``schema/document.schema.json``.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

SCHEMA_VERSION = "1.0"

GRANULARITIES = ("year", "month", "week", "day", "time")

_DATE_RE = re.compile(
    r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2})(?:[T ](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?)?)?$"
)
_WEEK_RE = re.compile(r"^(?P<y>\d{4})-W(?P<w>\d{2})$")


class DateError(ValueError):
    """An article date that cannot be parsed or does not exist."""


@dataclass(frozen=True)
class ArticleDate:
    """A date known to some granularity: ``2018-08`` is a month, not 1 August.

    ``earliest``/``latest`` are the first and last day the date can denote.
    """

    value: str
    granularity: str
    earliest: date
    latest: date

    @classmethod
    def parse(cls, text: str) -> "ArticleDate":
        s = str(text).strip()
        m = _DATE_RE.match(s)
        if m:
            y = int(m["y"])
            try:
                if m["d"]:
                    d = date(y, int(m["m"]), int(m["d"]))
                    if m["H"]:
                        datetime(y, d.month, d.day, int(m["H"]), int(m["M"]), int(m["S"] or 0))
                        return cls(f"{d.isoformat()}T{m['H']}:{m['M']}", "time", d, d)
                    return cls(d.isoformat(), "day", d, d)
                if m["m"]:
                    mo = int(m["m"])
                    last = calendar.monthrange(y, mo)[1]
                    return cls(f"{y:04d}-{mo:02d}", "month", date(y, mo, 1), date(y, mo, last))
                if y < 1:
                    raise ValueError("year 0")
                return cls(f"{y:04d}", "year", date(y, 1, 1), date(y, 12, 31))
            except ValueError as exc:
                raise DateError(f"impossible date {s!r}: {exc}") from None
        m = _WEEK_RE.match(s)
        if m:
            try:
                start = date.fromisocalendar(int(m["y"]), int(m["w"]), 1)
            except ValueError as exc:
                raise DateError(f"impossible week {s!r}: {exc}") from None
            return cls(s, "week", start, start + timedelta(days=6))
        # tolerate full ISO timestamps such as 2019-02-12T10:22:00Z
        try:
            dt = datetime.fromisoformat(s.replace("Z", "+00:00"))
        except ValueError:
            raise DateError(f"unrecognised date {s!r} (expected YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM)") from None
        return cls(f"{dt.date().isoformat()}T{dt:%H:%M}", "time", dt.date(), dt.date())

    @classmethod
    def from_interval(cls, earliest: date, latest: date) -> "ArticleDate":
        """The finest named granularity (day, week, month, year) covering the interval."""
        if earliest == latest:
            return cls(earliest.isoformat(), "day", earliest, latest)
        iy, iw, _ = earliest.isocalendar()
        if latest.isocalendar()[:2] == (iy, iw):
            return cls(f"{iy:04d}-W{iw:02d}", "week", earliest, latest)
        if (earliest.year, earliest.month) == (latest.year, latest.month):
            return cls(f"{earliest.year:04d}-{earliest.month:02d}", "month", earliest, latest)
        if earliest.year == latest.year:
            return cls(f"{earliest.year:04d}", "year", earliest, latest)
        return cls(f"{earliest.isoformat()}/{latest.isoformat()}", "range", earliest, latest)

    @property
    def day(self) -> date | None:
        return self.earliest if self.earliest == self.latest else None

    def to_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "granularity": self.granularity,
            "earliest": self.earliest.isoformat(),
            "latest": self.latest.isoformat(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ArticleDate":
        return cls(
            data["value"],
            data["granularity"],
            date.fromisoformat(data["earliest"]),
            date.fromisoformat(data["latest"]),
        )


@dataclass
class RefinedDate:
    """The article date narrowed by constraints found in the text itself."""

    date: ArticleDate
    evidence: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {**self.date.to_json(), "evidence": list(self.evidence)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "RefinedDate":
        return cls(ArticleDate.from_json(data), list(data.get("evidence", [])))


@dataclass(slots=True)
class Span:
    start: int
    end: int


@dataclass
class Timex:
    """A TIMEX3 with its normalized value and the reason for it."""

    id: str
    start: int
    end: int
    text: str
    type: str  # DATE, TIME, DURATION, SET
    value: str
    mod: str | None = None
    rule: str = ""  # the rule or cue that fired
    anchor: str | None = None  # "article_date", "refined_article_date", "timex:t3", or None (absolute)
    granularity: str | None = None  # day, week, month, quarter, season, year, decade, century, time, ...
    explanation: str = ""
    quant: str | None = None
    freq: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None or k in ("mod", "anchor")}


@dataclass
class Mention:
    start: int
    end: int
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass
class Place:
    """Where a LOC entity is: coordinates, ISO 3166-1 alpha-2 country, kind and population."""

    lat: float
    lon: float
    country: str | None  # ISO 3166-1 alpha-2; None for regions spanning countries
    kind: str  # country, city, region, admin, continent, ...
    name: str  # the gazetteer's name
    population: int | None = None
    gazetteer_id: str | None = None  # e.g. "geonames:99072"
    why: str = ""

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items()}


@dataclass
class Entity:
    """One real-world entity in a document: all its mentions, and why they were merged.

    ``id`` is the collection-wide identity (stable across articles); ``type`` is
    PER, ORG, LOC or MISC. ``related_places`` links demonyms/adjectives
    ("Iraakse") to the country they derive from without making them entities.
    """

    id: str
    type: str
    name: str
    mentions: list[Mention] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    merge_reasons: list[str] = field(default_factory=list)
    place: Place | None = None
    acronyms: dict[str, str] = field(default_factory=dict)  # acronym -> expansion attested in the article

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "name": self.name,
            "mentions": [m.to_json() for m in self.mentions],
            "aliases": list(self.aliases),
            "merge_reasons": list(self.merge_reasons),
        }
        if self.acronyms:
            out["acronyms"] = dict(self.acronyms)
        if self.place is not None:
            out["place"] = self.place.to_json()
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Entity":
        return cls(
            id=d["id"],
            type=d["type"],
            name=d["name"],
            mentions=[Mention(**m) for m in d.get("mentions", [])],
            aliases=list(d.get("aliases", [])),
            merge_reasons=list(d.get("merge_reasons", [])),
            place=Place(**d["place"]) if d.get("place") else None,
            acronyms=dict(d.get("acronyms", {})),
        )


@dataclass
class Document:
    text: str
    id: str = ""
    source: str | None = None
    lang: str | None = None
    title: str | None = None
    date: ArticleDate | None = None
    refined_date: RefinedDate | None = None
    sentences: list[Span] = field(default_factory=list)
    tokens: list[Span] = field(default_factory=list)
    timexes: list[Timex] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    related_places: list[dict[str, Any]] = field(default_factory=list)  # demonyms/adjectives → country
    quotes: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def anchor_date(self) -> ArticleDate | None:
        """The date relative expressions are resolved against (refined if available)."""
        return self.refined_date.date if self.refined_date else self.date

    def to_json(self, *, tokens: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "id": self.id,
            "source": self.source,
            "lang": self.lang,
            "title": self.title,
            "text": self.text,
            "date": self.date.to_json() if self.date else None,
            "refined_date": self.refined_date.to_json() if self.refined_date else None,
            "sentences": [[s.start, s.end] for s in self.sentences],
            "tokens": [[t.start, t.end] for t in self.tokens] if tokens else [],
            "timexes": [t.to_json() for t in self.timexes],
            "entities": [e.to_json() for e in self.entities],
            "related_places": list(self.related_places),
            "quotes": self.quotes,
            "claims": self.claims,
            "events": self.events,
            "warnings": list(self.warnings),
            "meta": self.meta,
        }
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Document":
        version = str(data.get("schema_version", ""))
        if version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
            raise ValueError(f"unsupported document schema_version {version!r} (this tijdlijn reads {SCHEMA_VERSION})")
        return cls(
            text=data["text"],
            id=data.get("id", ""),
            source=data.get("source"),
            lang=data.get("lang"),
            title=data.get("title"),
            date=ArticleDate.from_json(data["date"]) if data.get("date") else None,
            refined_date=RefinedDate.from_json(data["refined_date"]) if data.get("refined_date") else None,
            sentences=[Span(a, b) for a, b in data.get("sentences", [])],
            tokens=[Span(a, b) for a, b in data.get("tokens", [])],
            timexes=[Timex(**t) for t in data.get("timexes", [])],
            entities=[Entity.from_json(e) for e in data.get("entities", [])],
            related_places=list(data.get("related_places", [])),
            quotes=list(data.get("quotes", [])),
            claims=list(data.get("claims", [])),
            events=list(data.get("events", [])),
            warnings=list(data.get("warnings", [])),
            meta=dict(data.get("meta", {})),
        )

    def sentence_of(self, offset: int) -> Span | None:
        for s in self.sentences:
            if s.start <= offset < s.end:
                return s
        return None
