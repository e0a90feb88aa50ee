"""Direct quotes, reported speech and who said them.

Direct quotes in every typographic form (‘…’, “…”, „…”, "…", '…', «…», nested,
spanning sentences; an unclosed quote ends with its paragraph) are found by a
single left-to-right scan that tells apostrophes (auto’s, zo'n) from quote marks
by their neighbours. Short quoted words without sentence punctuation (‘kalief’,
‘afvalligen’) are scare quotes, not speech.

Attribution, in order: a speech cue right after the quote (‘…’, aldus X / zegt X /
vervolgt hij; "…," said X / X said), a cue before it ending in a colon (X zei: ‘…’,
X: ‘…’), "volgens X"/"according to X" in the same sentence, and finally
continuation of the previous quote's speaker when the quotes are adjacent. The
speaker is the entity whose mention (a name, or a description coreference linked
such as "de ‘kalief’") stands at the cue; a pronoun ("hij") goes to the nearest
earlier speaker, else the nearest earlier person. Unresolved speakers stay null,
with candidates.

Reported speech ("X waarschuwde dat …", "X riep militanten op om …", "volgens X
…") becomes a statement with the speech verb's lemma and the content span.
All cue words are per-language data (``lang/<code>/said.toml``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tijdlijn.document import Document
from tijdlijn.said.lang import load_said

__all__ = ["find_quote_spans", "extract_quotes", "QuoteSpan"]

_PAIRS = {"‘": "’", "“": "”", "„": "”“\"", "‚": "’‘", "«": "»", '"': '"”', "'": "'", "‹": "›", ",,": "\"”"}
_CLOSERS = set("’”»›\"'“‘")
_MAX_QUOTE = 4000
_MAX_OPEN = 6  # quotes nest at most this deep; older unmatched marks are dropped
_WORD = re.compile(r"\w+", re.UNICODE)
_SENT_PUNCT = re.compile(r"[.!?…](?:\W*)$|[.!?;:](?=\s)")


@dataclass
class QuoteSpan:
    open: int  # offset of the opening mark
    close: int | None  # offset of the closing mark (None: unclosed, runs to paragraph end)
    start: int  # content start
    end: int  # content end
    depth: int = 0
    scare: bool = False

    @property
    def outer_end(self) -> int:
        return self.close + 1 if self.close is not None else self.end


def _is_open(text: str, i: int) -> bool:
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if nxt.isspace():
        return False
    return prev.isspace() or prev in "([{—–-:;,/\u00a0" or prev in _PAIRS or i == 0


def _is_close(text: str, i: int) -> bool:
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if prev.isspace():
        return False
    if nxt.isalnum():  # auto’s, zo’n, don't
        return False
    return True


def find_quote_spans(text: str) -> list[QuoteSpan]:
    """Every quotation (outer and nested), in text order. Linear in the text length.

    Besides the one-character marks, the Dutch newspaper style ,,…'' (two commas,
    two apostrophes) is recognised."""
    spans: list[QuoteSpan] = []
    stack: list[tuple[str, int]] = []  # (opening mark, offset)
    para_end = _paragraph_ends(text)
    pi = 0
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        while pi < len(para_end) and para_end[pi] <= i:
            # paragraph boundary: unclosed quotes end here
            for oc, at in stack:
                spans.append(QuoteSpan(at, None, at + len(oc), para_end[pi], depth=0))
            stack.clear()
            pi += 1
        if ch == "," and text.startswith(",,", i) and i + 2 < n and not text[i + 2].isspace():
            _push(stack, spans, (",,", i))
            i += 2
            continue
        if ch == "'" and text.startswith("''", i) and stack and i > 0 and not text[i - 1].isspace():
            for k in range(len(stack) - 1, -1, -1):
                if stack[k][0] in (",,", "''", "„", "“", '"'):
                    oc, at = stack[k]
                    del stack[k:]
                    spans.append(QuoteSpan(at, i + 1, at + len(oc), i, depth=k))
                    break
            i += 2
            continue
        if ch not in _PAIRS and ch not in _CLOSERS:
            i += 1
            continue
        # closing a pending quote?
        if ch in _CLOSERS and stack and _is_close(text, i):
            for k in range(len(stack) - 1, -1, -1):
                oc, at = stack[k]
                closers = _PAIRS.get(oc, "'\"”")
                if ch in closers and i - at <= _MAX_QUOTE:
                    del stack[k:]
                    spans.append(QuoteSpan(at, i, at + len(oc), i, depth=k))
                    break
            else:
                if ch in _PAIRS and _is_open(text, i):
                    _push(stack, spans, (ch, i))
            i += 1
            continue
        if ch in _PAIRS and _is_open(text, i):
            _push(stack, spans, (ch, i))
        i += 1
    end = para_end[-1] if para_end else len(text)
    for oc, at in stack:
        spans.append(QuoteSpan(at, None, at + len(oc), end))
    spans.sort(key=lambda q: (q.open, -q.outer_end))
    out: list[QuoteSpan] = []
    active: list[int] = []  # outer ends of the enclosing quotes (a stack, since quotes nest)
    for q in spans:
        content = text[q.start:q.end].strip()
        if not content:
            continue
        words = _WORD.findall(content)
        if q.close is None and len(words) < 4:
            continue  # a stray mark, not an unclosed quotation
        while active and active[-1] <= q.open:
            active.pop()
        q.depth = len(active)
        active.append(q.outer_end)
        q.scare = len(words) < 4 and not _SENT_PUNCT.search(content)
        out.append(q)
    return out


def _push(stack: list[tuple[str, int]], spans: list[QuoteSpan], item: tuple[str, int]) -> None:
    stack.append(item)
    if len(stack) > _MAX_OPEN:
        del stack[0]  # an opening mark never closed: not a quotation


def _paragraph_ends(text: str) -> list[int]:
    ends = [m.start() for m in re.finditer(r"\n[ \t]*\n", text)]
    ends.append(len(text))
    return ends


# ------------------------------------------------------------------------------ attribution

@dataclass
class _MentionIndex:
    """Entity mentions by position (names and coreference-linked descriptions)."""

    items: list[tuple[int, int, str, str, str]] = field(default_factory=list)  # start, end, entity id, type, text

    @classmethod
    def of(cls, doc: Document) -> "_MentionIndex":
        items = sorted((m.start, m.end, e.id, e.type, m.text) for e in doc.entities for m in e.mentions
                       if e.type in ("PER", "ORG", "MISC"))
        return cls(items)

    def first_in(self, a: int, b: int) -> tuple[int, int, str, str, str] | None:
        for it in self.items:
            if it[0] >= a and it[0] < b:
                return it
        return None

    def last_before(self, a: int, b: int, types=("PER", "ORG")) -> tuple[int, int, str, str, str] | None:
        best = None
        for it in self.items:
            if a <= it[0] and it[1] <= b and it[3] in types:
                best = it
        return best

    def nearest_person_before(self, pos: int) -> tuple[int, int, str, str, str] | None:
        best = None
        for it in self.items:
            if it[1] <= pos and it[3] == "PER":
                best = it
        return best


def _sentence_bounds(doc: Document, pos: int) -> tuple[int, int]:
    for s in doc.sentences:
        if s.start <= pos < s.end:
            return s.start, s.end
    return max(0, doc.text.rfind("\n", 0, pos) + 1), len(doc.text)


_PRONOUN = re.compile(r"\w+")


def extract_quotes(doc: Document) -> list[dict[str, Any]]:
    """Direct quotes and reported statements of ``doc`` with their speakers."""
    L = load_said(doc.lang or "nl")
    text = doc.text
    mentions = _MentionIndex.of(doc)
    spans = [q for q in find_quote_spans(text) if q.depth == 0 and not q.scare]
    out: list[dict[str, Any]] = []
    last_speaker: str | None = None
    last_end = -1

    def speaker_at(a: int, b: int) -> tuple[str | None, dict[str, Any] | None, str]:
        """Speaker whose mention starts in [a, b); or a pronoun there."""
        m = mentions.first_in(a, b)
        w = _PRONOUN.match(text, a) if a < len(text) else None
        # a pronoun directly at the cue wins over a later name ("zegt hij tegen Rutte")
        if w and w.group(0).lower() in L.pronouns and (m is None or w.start() < m[0]):
            ref = last_speaker
            if ref is None:
                p = mentions.nearest_person_before(a)
                ref = p[2] if p else None
            return ref, {"start": w.start(), "end": w.end(), "text": w.group(0)}, "pronoun"
        if m is not None:
            return m[2], {"start": m[0], "end": m[1], "text": m[4]}, "mention"
        return None, None, "none"

    for q in spans:
        s0, s1 = _sentence_bounds(doc, q.open)
        e0, e1 = _sentence_bounds(doc, max(q.open, q.outer_end - 1))
        after = text[q.outer_end:min(len(text), e1 + 200)]
        speaker, smention, cue, how = None, None, None, ""
        # 1. cue after the quote: "‘…’, aldus X" / "…, zegt hij" / '"…," said X' / '"…," X said'
        m = re.match(r"\s*[,.:;!?]?\s*", after)
        pos = q.outer_end + (m.end() if m else 0)
        clause_end = _clause_end(text, pos)
        v = L.verb_rx.match(text, pos)
        if v and v.start() == pos:
            cue = v.group(0)
            sp = re.match(r"\s+", text[v.end():])
            a = v.end() + (sp.end() if sp else 0)
            speaker, smention, how = speaker_at(a, min(clause_end, a + 80))
        else:
            # "X said" / "X zegt" right after the quote
            mm = mentions.first_in(pos, min(clause_end, pos + 60))
            if mm is not None and mm[0] == pos:
                v2 = L.verb_rx.match(text, mm[1] + 1) if mm[1] + 1 < len(text) else None
                if v2 is not None and v2.start() <= mm[1] + 2:
                    cue, speaker, smention, how = v2.group(0), mm[2], {"start": mm[0], "end": mm[1], "text": mm[4]}, \
                        "mention"
            if cue is None:
                w = _PRONOUN.match(text, pos)
                if w and w.group(0).lower() in L.pronouns:
                    v3 = L.verb_rx.match(text, w.end() + 1)
                    if v3 is not None and v3.start() == w.end() + 1:
                        cue = v3.group(0)
                        speaker, smention, how = speaker_at(pos, w.end())
        # 2. cue before the quote, ending in a colon: "X zei: ‘…’" / "X: ‘…’"
        if cue is None:
            before = text[s0:q.open].rstrip()
            if before.endswith(":"):
                region_start = max(s0, q.open - 200)
                vs = list(L.verb_rx.finditer(text, region_start, q.open))
                if vs:
                    cue = vs[-1].group(0)
                    m2 = mentions.last_before(region_start, vs[-1].start()) or mentions.first_in(
                        vs[-1].end(), q.open)
                else:
                    cue = ":"
                    m2 = mentions.last_before(region_start, q.open)
                if m2 is not None:
                    speaker, smention, how = m2[2], {"start": m2[0], "end": m2[1], "text": m2[4]}, "mention"
                else:
                    w = list(_PRONOUN.finditer(text, region_start, q.open))
                    prn = [x for x in w if x.group(0).lower() in L.pronouns]
                    if prn:
                        speaker, smention, how = speaker_at(prn[-1].start(), prn[-1].end())
        # 3. "volgens X" / "according to X" in the quote's sentence
        if cue is None:
            for acc in L.according_rx.finditer(text, s0, e1):
                if q.start <= acc.start() < q.end:
                    continue
                sp = re.match(r"\s+(?:to\s+)?", text[acc.end():])
                a = acc.end() + (sp.end() if sp else 0)
                speaker, smention, how = speaker_at(a, min(e1, a + 80))
                cue = acc.group(0)
                break
        # 4. continuation of the previous speaker: adjacent quotes
        if cue is None and last_speaker is not None and last_end >= 0:
            gap = text[last_end:q.open]
            if len(gap) < 120 and not _WORD.search(re.sub(r"[\s,.:;–—-]+", "", gap) or ""):
                speaker, cue, how = last_speaker, "continuation", "continuation"
        rec: dict[str, Any] = {
            "kind": "direct", "start": q.start, "end": q.end, "text": text[q.start:q.end],
            "speaker": speaker, "cue": cue, "speaker_mention": smention, "how": how,
        }
        if q.close is None:
            rec["unclosed"] = True
        if speaker is None:
            cand = sorted({it[2] for it in mentions.items if it[3] == "PER" and it[1] <= q.open})[-3:]
            rec["candidates"] = cand
        out.append(rec)
        if speaker is not None:
            last_speaker = speaker
        last_end = q.outer_end
    out.extend(_reported_speech(doc, L, mentions, spans))
    out.sort(key=lambda r: r["start"])
    return out


def _clause_end(text: str, pos: int) -> int:
    m = re.compile(r"[.!?;]\s|[.!?;]$|\n").search(text, pos)
    return m.start() if m else len(text)


def _reported_speech(doc: Document, L, mentions: _MentionIndex, quotes: list[QuoteSpan]) -> list[dict[str, Any]]:
    """Statements in indirect speech: speech verb + speaker + content clause, outside direct quotes."""
    text = doc.text
    inside = [(q.open, q.outer_end) for q in quotes]
    out = []
    for s in doc.sentences:
        if any(a < s.end and b > s.start for a, b in inside):
            continue  # sentences with direct quotes are handled above
        verbs = []
        for v in L.verb_rx.finditer(text, s.start, s.end):
            lemma = L.verb_forms.get(v.group(0).lower(), v.group(0).lower())
            if lemma == "according to":
                continue
            particle = L.particles.get(lemma)
            if particle and not v.group(0).lower().startswith(("op", "aan", "toe", "uit", "ge")) and not re.search(
                    rf"(?<!\w){re.escape(particle)}(?!\w)", text[v.end():s.end], re.IGNORECASE):
                continue  # "riep … uit" is not "riep … op"
            verbs.append((v, lemma))
        found = False
        for k, (v, lemma) in enumerate(verbs):
            limit = verbs[k + 1][0].start() if k + 1 < len(verbs) else s.end
            # speaker: a person/organisation mention before the verb in this sentence, else right after it
            subj = mentions.last_before(s.start, v.start(), ("PER",)) or mentions.last_before(s.start, v.start())
            rest_start = v.end()
            if subj is None:
                m = mentions.first_in(v.end(), min(limit, v.end() + 40))
                subj = m if m is not None and m[3] in ("PER", "ORG") else None
                if subj is not None:
                    rest_start = subj[1]
            pronoun = None
            if subj is None:
                for w in _PRONOUN.finditer(text, s.start, v.start()):
                    if w.group(0).lower() in L.pronouns:
                        pronoun = w
                if pronoun is None:
                    w = _PRONOUN.match(text, v.end() + 1) if v.end() + 1 < limit else None
                    if w and w.group(0).lower() in L.pronouns:
                        pronoun = w
                        rest_start = w.end()
            if subj is None and pronoun is None:
                continue
            # content: from a complementizer (dat/om/that/to) after the verb, else the rest of the clause
            comp = None
            for w in _PRONOUN.finditer(text, rest_start, limit):
                if w.start() - rest_start > 120:
                    break
                if w.group(0).lower() in L.complementizers:
                    comp = w
                    break
            c0 = comp.start() if comp else rest_start
            c1 = limit
            tail = re.search(r"(?:\s+(?:en|and|maar|but))?[\s,.!?;]*$", text[c0:c1])
            c1 = c0 + tail.start() if tail else c1
            content = text[c0:c1].strip(" ,")
            if len(_WORD.findall(content)) < 3:
                continue
            if comp is None and lemma in ("denken", "vinden", "verwachten", "vragen", "think", "believe", "ask",
                                          "schrijven", "write", "melden", "report", "stellen", "continue", "vervolgen",
                                          "add", "toevoegen", "aanvullen", "weten", "laten weten"):
                continue  # without "dat/that" these verbs rarely introduce reported speech
            if subj is not None:
                speaker, smention, how = subj[2], {"start": subj[0], "end": subj[1], "text": subj[4]}, "mention"
            else:
                p = mentions.nearest_person_before(pronoun.start())
                speaker = p[2] if p else None
                smention, how = {"start": pronoun.start(), "end": pronoun.end(), "text": pronoun.group(0)}, "pronoun"
            c0 = text.index(content, c0) if content else c0
            out.append({"kind": "indirect", "start": c0, "end": c0 + len(content), "text": content,
                        "speaker": speaker, "cue": v.group(0), "lemma": lemma, "speaker_mention": smention,
                        "how": how})
            found = True
        if not found:
            # "volgens X, …" / "according to X, …"
            for acc in L.according_rx.finditer(text, s.start, s.end):
                sp = re.match(r"\s+(?:to\s+)?", text[acc.end():])
                a = acc.end() + (sp.end() if sp else 0)
                m = mentions.first_in(a, min(s.end, a + 60))
                if m is None:
                    continue
                c0, c1 = s.start, s.end
                content = (text[s.start:acc.start()] + text[m[1]:s.end]).strip(" ,.")
                if len(_WORD.findall(content)) < 3:
                    continue
                if acc.start() - s.start < 3:  # "Volgens X is …": content follows the name
                    c0 = m[1]
                else:
                    c1 = acc.start()
                seg = text[c0:c1].strip(" ,.\n")
                c0 = text.index(seg, c0) if seg else c0
                out.append({"kind": "indirect", "start": c0, "end": c0 + len(seg), "text": seg, "speaker": m[2],
                            "cue": acc.group(0), "lemma": "volgens" if L.code == "nl" else "according to",
                            "speaker_mention": {"start": m[0], "end": m[1], "text": m[4]}, "how": "mention"})
                break
    return out
