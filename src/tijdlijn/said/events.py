"""Events: who did what, where and when — patterns over the article's layers.

A trigger word or phrase (per-language data, ``lang/<code>/events.toml``) gives the
predicate, its lemma and an event type (attack, capture, recapture, loss, death,
arrest, election, agreement, release, meeting, declaration); statements come from
the quotes layer. Participants are entities (or, when no entity is named, the
noun phrase, e.g. "Iraakse regeringstroepen" with its country):

* agent: the person/organisation before the trigger in its sentence; for a passive
  with "door X"/"by X", X; a possessive ("zijn troepen") and a demonstrative
  subject ("Die zouden …") refer back to the previous agent or subject;
* patient: the first entity after the trigger ("de verovering van … Mosul");
  "de stad"/"the city" refers back to the last city named.

Place: a place entity in the sentence (the patient for capture types). Time: the
sentence's own date expression nearest the trigger (a duration such as "het
afgelopen jaar" becomes the period ending at the article date), else the article
date — ``certainty`` says which. Modality: ``future`` (planned: "staat op het
punt", "bereiden … voor", "zal"), ``ongoing`` or ``past`` from cues in the clause.
"""
from __future__ import annotations

import bisect
import re
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

from tijdlijn.document import Document, Timex
from tijdlijn.temporal.language import literal_alternation
from tijdlijn.temporal.values import value_interval

__all__ = ["extract_events", "load_events"]

_FORCES = re.compile(
    r"(?:(?:[A-Z][\w-]*(?:e|ische|se|an|ian|ish|i)\s+)?(?:[\w-]+\s+)?)"
    r"(?:\w*(?:troepen|leger|strijders|rebellen|militanten|politie|regering|coalities?|forces|troops|army|police|"
    r"government|rebels|militants|coalition))\b", re.UNICODE)
_DEMONSTRATIVE = re.compile(r"^\s*(?:Die|Deze|Zij|Ze|They|These|Those)\b")


@dataclass
class EventLanguage:
    trigger_rx: re.Pattern[str]
    triggers: dict[str, tuple[str, str]]  # form -> (type, lemma)
    options: dict[str, dict[str, str]]  # form -> {subject_role, agent_marker}
    nouns: frozenset[str]
    noun_markers: frozenset[str]
    subject_pronouns: frozenset[str]
    period_past: tuple[str, ...]
    period_future: tuple[str, ...]
    locative: frozenset[str]
    auxiliaries: frozenset[str]
    coordinators: frozenset[str]
    co_agent_rx: re.Pattern[str]
    compound_heads: dict[str, tuple[str, str]]
    future: re.Pattern[str]
    ongoing: re.Pattern[str]
    past: re.Pattern[str]
    passive_agent: tuple[str, ...]
    possessives: frozenset[str]
    place_anaphora: dict[str, str]


@lru_cache(maxsize=None)
def load_events(code: str) -> EventLanguage:
    code = code if code in ("nl", "en") else "en"
    with resources.files("tijdlijn").joinpath(f"lang/{code}/events.toml").open("rb") as fh:
        data = tomllib.load(fh)
    triggers: dict[str, tuple[str, str]] = {}
    options: dict[str, dict[str, str]] = {}
    for t in data["trigger"]:
        for f in t["forms"]:
            triggers.setdefault(f.lower(), (t["type"], t["lemma"]))
            options.setdefault(f.lower(), {k: t[k] for k in ("subject_role", "agent_marker") if k in t})
    m = data["modality"]

    def rx(cues: list[str]) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{c})" for c in cues), re.IGNORECASE)

    return EventLanguage(
        trigger_rx=re.compile(r"(?<![\w-])" + literal_alternation(sorted(triggers)) + r"(?![\w-])", re.IGNORECASE),
        triggers=triggers, options=options, nouns=frozenset(m.get("nouns", [])),
        noun_markers=frozenset(m.get("noun_markers", [])), subject_pronouns=frozenset(m.get("subject_pronouns", [])),
        period_past=tuple(m.get("period_past", [])), period_future=tuple(m.get("period_future", [])),
        locative=frozenset(m.get("locative", [])), auxiliaries=frozenset(m.get("auxiliaries", [])),
        coordinators=frozenset(m.get("coordinators", [])),
        compound_heads={h.lower(): (t, h.lower()) for h, t in m.get("compound_heads", {}).items()},
        co_agent_rx=re.compile(r"(?<!\w)" + literal_alternation(m.get("co_agent", ["\x00"])) + r"(?!\w)", re.IGNORECASE),
        future=rx(m["future"]), ongoing=rx(m["ongoing"]), past=rx(m["past"]),
        passive_agent=tuple(m.get("passive_agent", [])), possessives=frozenset(m.get("possessives", [])),
        place_anaphora={k.lower(): v for k, v in m.get("place_anaphora", {}).items()},
    )


def _time(doc: Document, s0: int, s1: int, pos: int, E: "EventLanguage") -> dict[str, Any]:
    tx = _sorted_timexes(doc)
    i = bisect.bisect_left(tx[0], s0)
    cands: list[Timex] = []
    while i < len(tx[0]) and tx[0][i] < s1:
        t = tx[1][i]
        if t.type in ("DATE", "TIME", "DURATION"):
            cands.append(t)
        i += 1
    usable = []
    for t in cands:
        iv = _interval(doc, t, E)
        if iv is not None:
            usable.append((abs(t.start - pos), t, iv))
    if usable:
        _, t, (lo, hi) = min(usable, key=lambda x: x[0])
        value = t.value if t.type != "DURATION" else f"{lo.isoformat()}/{hi.isoformat()}"
        return {"value": value, "timex": t.id, "granularity": t.granularity or ("range" if t.type == "DURATION" else None),
                "certainty": "sentence", "start": lo.isoformat(), "end": hi.isoformat()}
    d = doc.anchor_date
    if d is None:
        return {"value": None, "timex": None, "granularity": None, "certainty": "unknown", "start": None, "end": None}
    return {"value": d.value, "timex": None, "granularity": d.granularity, "certainty": "article_date",
            "start": d.earliest.isoformat(), "end": d.latest.isoformat()}


class _Trig:
    """A trigger occurrence (the parts of ``re.Match`` the extractor uses)."""

    __slots__ = ("_s", "_e", "_t", "head")

    def __init__(self, s: int, e: int, t: str, head: str | None = None) -> None:
        self._s, self._e, self._t, self.head = s, e, t, head

    def start(self) -> int:
        return self._s

    def end(self) -> int:
        return self._e

    def group(self, _i: int = 0) -> str:
        return self._t


_TOKEN = re.compile(r"[\w-]+")


def _triggers(E: "EventLanguage", text: str, s0: int, s1: int) -> list[_Trig]:
    """Lexicon triggers, plus compound words ending in a trigger head ("kernwapenverdrag")."""
    out = [_Trig(m.start(), m.end(), m.group(0)) for m in E.trigger_rx.finditer(text, s0, s1)]
    if E.compound_heads:
        taken = [(t.start(), t.end()) for t in out]
        for m in _TOKEN.finditer(text, s0, s1):
            w = m.group(0).lower()
            for head in E.compound_heads:
                if len(w) >= len(head) + 3 and w.endswith(head) and w not in E.triggers:
                    if not any(a < m.end() and m.start() < b for a, b in taken):
                        out.append(_Trig(m.start(), m.end(), m.group(0), head))
                    break
        out.sort(key=lambda t: t.start())
    return out


def _sorted_timexes(doc: Document) -> tuple[list[int], list[Timex]]:
    key = (id(doc.timexes), len(doc.timexes))
    cached = _INDEX_CACHE.get(id(doc))
    if cached is None or cached[0] != key:
        ts = sorted(doc.timexes, key=lambda t: t.start)
        cached = (key, ([t.start for t in ts], ts))
        _INDEX_CACHE[id(doc)] = cached
    return cached[1]


_INDEX_CACHE: dict[int, Any] = {}


def _interval(doc: Document, t: Timex, E: "EventLanguage") -> tuple[date, date] | None:
    if t.type in ("DATE", "TIME"):
        return value_interval(t.value.split("T")[0])
    # a period phrase ("het afgelopen jaar", "the past year"): the period ending at the article date
    d = doc.anchor_date
    m = re.fullmatch(r"P(\d+)([DWMY])", t.value)
    if d is None or m is None:
        return None
    words = set(re.findall(r"\w+", t.text.lower()))
    days = {"D": 1, "W": 7, "M": 30, "Y": 365}[m[2]] * int(m[1])
    if words & set(E.period_past):
        return d.latest - timedelta(days=days), d.latest
    if words & set(E.period_future):
        return d.earliest, d.earliest + timedelta(days=days)
    return None


def extract_events(doc: Document) -> list[dict[str, Any]]:
    E = load_events(doc.lang or "nl")
    text = doc.text
    ments = sorted(((m.start, m.end, e.id, e.type, m.text, e) for e in doc.entities for m in e.mentions),
                   key=lambda x: x[0])
    quoted = [(q["start"], q["end"]) for q in doc.quotes if q.get("kind") == "direct"]
    related = {(r["start"], r["end"]): r for r in doc.related_places}
    events: list[dict[str, Any]] = []
    last_agent: dict[str, Any] | None = None
    last_city: tuple[str, str] | None = None  # (entity id, name)

    def part(m) -> dict[str, Any]:  # noqa: ANN001
        return {"entity": m[2], "text": m[4], "type": m[3]}

    from tijdlijn.said.lang import load_said

    L = load_said(doc.lang or "nl")
    speech_verbs = [(v.start(), v.end()) for v in L.verb_rx.finditer(text)
                    if L.verb_forms.get(v.group(0).lower()) not in ("according to",)]
    ment_starts = [m[0] for m in ments]
    speech_starts = [v[0] for v in speech_verbs]
    for s in doc.sentences:
        s0, s1 = s.start, s.end
        sent_ments = ments[bisect.bisect_left(ment_starts, s0):bisect.bisect_left(ment_starts, s1)]
        sentence_had_agent = False
        for tm in _triggers(E, text, s0, s1):
            in_quote = any(a <= tm.start() < b for a, b in quoted)
            form = tm.group(0).lower()
            etype, lemma = E.triggers.get(form) or E.compound_heads[tm.head]
            opts = E.options.get(form, {})
            prev_word = re.search(r"(\w+)\W*$", text[max(s0, tm.start() - 30):tm.start()])
            nominal = form in E.nouns or bool(prev_word and prev_word.group(1).lower() in E.noun_markers)
            clause_end = _clause_end(text, tm.end(), s1)
            # only mentions after the last speech verb before the trigger: the speaker is not the agent
            speech = speech_verbs[bisect.bisect_left(speech_starts, s0):bisect.bisect_left(speech_starts, tm.start())]
            left = speech[-1][1] if speech else s0
            before = [m for m in sent_ments if left <= m[0] and m[1] <= tm.start() and not _inside(m, sent_ments)]
            after = [m for m in sent_ments if tm.end() <= m[0] < clause_end and not _inside(m, sent_ments)]
            agent = None
            # passive: "door X" / "by X" (or the trigger's own marker: "in handen vallen van X")
            for w in (opts.get("agent_marker"), *E.passive_agent):
                if not w:
                    continue
                pm = re.compile(rf"\b{w}\s+", re.IGNORECASE).search(text, tm.end(), s1)
                if pm is None or pm.start() - tm.end() > 60:
                    continue
                first = next((m for m in after if 0 <= m[0] - pm.end() <= 4), None)
                w1 = re.match(r"\w+", text[pm.end():])
                if w1 and w1.group(0).lower() in E.possessives and last_agent is not None:
                    agent = dict(last_agent, via=f"possessive '{w1.group(0)}'")
                elif first is not None and first[3] in ("PER", "ORG", "LOC"):
                    agent = part(first)
                else:
                    f = _FORCES.match(text, pm.end())
                    if f is not None:
                        agent = {"entity": None, "text": f.group(0).strip(), "type": "GROUP",
                                 "country": _country_of(related, f.start(), f.end(), text)}
                if agent is not None:
                    break
            subject = None
            fw = re.match(r"\s*(\w+)\s+(\w+)", text[s0:s1])
            pronoun_subject = (fw is not None and fw.group(1).lower() in E.subject_pronouns and not speech
                               and _verb_like(fw.group(2), E) and last_agent is not None)
            if pronoun_subject:
                subject = dict(last_agent, via=f"pronoun '{fw.group(1)}'")
            elif before:
                subject = part(before[0])
            elif not speech:
                if True:
                    f = None
                    for fm in _FORCES.finditer(text, left, tm.start()):
                        f = fm
                        break
                    if f is not None:
                        subject = {"entity": None, "text": f.group(0).strip(), "type": "GROUP",
                                   "country": _country_of(related, f.start(), f.end(), text)}
            elif speech:
                f = next(iter(_FORCES.finditer(text, left, tm.start())), None)
                if f is not None:
                    subject = {"entity": None, "text": f.group(0).strip(), "type": "GROUP",
                               "country": _country_of(related, f.start(), f.end(), text)}
            patient = None
            if opts.get("subject_role") == "patient":
                patient = subject
            elif agent is None and not (nominal and speech):
                agent = subject
            if patient is None:
                in_locative = False
                prev_end = None
                for m in after:
                    if agent is not None and m[2] == agent.get("entity"):
                        continue
                    prep = re.search(r"(\w+)\s*$", text[max(s0, m[0] - 20):m[0]])
                    gap = text[prev_end:m[0]].strip().lower() if prev_end is not None else None
                    if m[3] == "LOC" and ((prep and prep.group(1).lower() in E.locative)
                                          or (in_locative and gap in E.coordinators)):
                        in_locative, prev_end = True, m[1]
                        continue  # "in Irak (en Syrië)": where, not whom
                    patient = part(m)
                    break
            co_agents = []
            for cm in E.co_agent_rx.finditer(text, s0, s1):
                m = next((x for x in sent_ments if 0 <= x[0] - cm.end() <= 25 and x[3] in ("PER", "ORG", "LOC")), None)
                if m is not None and (agent is None or m[2] != agent.get("entity")):
                    co_agents.append({**part(m), "role": "co-agent", "via": cm.group(0)})
            if patient is None:
                low = text[s0:clause_end].lower()
                for phrase, kind in E.place_anaphora.items():
                    if phrase in low and kind == "city" and last_city is not None:
                        patient = {"entity": last_city[0], "text": phrase, "type": "LOC", "via": "anaphora"}
                        break
            place = None
            locs = [m for m in sent_ments if m[3] == "LOC" and m[5].place is not None]
            if patient and patient.get("type") == "LOC" and etype in ("capture", "recapture", "loss"):
                place = patient["entity"]
            elif locs:
                after_locs = [m for m in locs if m[0] >= tm.end()]
                place = (after_locs[0] if after_locs and after_locs[0][0] - tm.end() < 40
                         else min(locs, key=lambda m: abs(m[0] - tm.start())))[2]
            cstart = max([s0] + [x.end() for x in re.finditer(r"[,;:]\s", text[s0:tm.start()])]) if False else s0
            cb = [x.end() for x in re.finditer(r"[,;:]\s|\s[-–—]\s", text[s0:tm.start()])]
            cstart = s0 + cb[-1] if cb else s0
            clause = text[cstart:clause_end]
            modality = "past"
            if E.future.search(clause):
                modality = "future"
            elif E.ongoing.search(clause) and not E.past.search(clause):
                modality = "ongoing"
            participants = []
            if agent is not None:
                participants.append({**agent, "role": "agent"})
            if patient is not None:
                participants.append({**patient, "role": "patient"})
            participants.extend(co_agents)
            events.append({
                "start": tm.start(), "end": tm.end(), "predicate": tm.group(0), "lemma": lemma, "type": etype,
                "participants": participants, "place": place, "time": _time(doc, s0, s1, tm.start(), E),
                "modality": modality, "sentence": [s0, s1], **({"in_quote": True} if in_quote else {}),
            })
            if agent is not None and agent.get("type") in ("PER", "ORG", "GROUP"):
                last_agent = {k: v for k, v in agent.items() if k != "via"}
                sentence_had_agent = True
        # the last city mentioned (for "de stad"), and a sentence subject as fallback agent
        for m in sent_ments:
            if m[3] == "LOC" and m[5].place is not None and m[5].place.kind == "city":
                last_city = (m[2], m[4])
        subj = [m for m in sent_ments if m[3] in ("PER", "ORG")]
        if sentence_had_agent:
            pass
        elif subj:
            last_agent = part(subj[0])
        else:
            f = _FORCES.search(text, s0, s1)
            if f is not None:
                last_agent = {"entity": None, "text": f.group(0).strip(), "type": "GROUP",
                              "country": _country_of(related, f.start(), f.end(), text)}
    # statements from the quotes layer
    sent_starts = [x.start for x in doc.sentences]
    for q in doc.quotes:
        if q.get("speaker") is None:
            continue
        k = bisect.bisect_right(sent_starts, q["start"]) - 1
        s0, s1 = ((doc.sentences[k].start, doc.sentences[k].end)
                  if k >= 0 and q["start"] < doc.sentences[k].end else (q["start"], q["end"]))
        events.append({
            "start": q["start"], "end": q["end"], "predicate": q.get("cue") or "", "lemma": q.get("lemma") or "say",
            "type": "statement", "participants": [{"entity": q["speaker"], "role": "agent",
                                                   "text": (q.get("speaker_mention") or {}).get("text")}],
            "place": None, "time": {**q["time"], **_bounds(q["time"])}, "modality": "past", "sentence": [s0, s1],
            "quote": True,
        })
    events.sort(key=lambda e: e["start"])
    for i, e in enumerate(events, 1):
        e["id"] = f"e{i}"
    _INDEX_CACHE.pop(id(doc), None)
    return events


def _verb_like(word: str, E: EventLanguage) -> bool:
    """"zouden", "verloor", "heeft": the word after a pronoun is a verb, so the pronoun is a subject
    ("Het verloor …") and not an article ("Het kabinet …")."""
    w = word.lower()
    return w in E.auxiliaries or w in E.triggers or (word.islower() and w.endswith(E_PAST_SUFFIXES))


E_PAST_SUFFIXES = ("de", "te", "den", "ten", "ed")


def _inside(m, ments) -> bool:  # noqa: ANN001
    """A mention nested in a longer one ("Islamitische Staat" in "De leider van Islamitische Staat")."""
    return any(o is not m and o[0] <= m[0] and m[1] <= o[1] and (o[1] - o[0]) > (m[1] - m[0]) for o in ments)


def _clause_end(text: str, pos: int, limit: int) -> int:
    m = re.compile(r"[,;:]\s|\s[-–—]\s|\s(?:na|nadat|terwijl|maar|after|while|but)\s").search(text, pos, limit)
    return m.start() if m else limit


def _bounds(t: dict[str, Any]) -> dict[str, Any]:
    iv = value_interval(str(t.get("value") or "").split("T")[0])
    return {"start": iv[0].isoformat(), "end": iv[1].isoformat()} if iv else {"start": None, "end": None}


def _country_of(related: dict[tuple[int, int], dict[str, Any]], a: int, b: int, text: str) -> str | None:
    for (s, e), r in related.items():
        if a <= s < b:
            return r.get("country")
    return None
