"""Direct quotes, reported speech and who said them.

Direct quotes in every typographic form (‘…’, “…”, „…”, "…", '…', «…», ,,…'', ``…'',
nested, spanning sentences; an unclosed quote ends with its paragraph) are found by a
single left-to-right scan that tells apostrophes (auto’s, zo'n) from quote marks by
their neighbours. A short quote (under four words, no sentence punctuation) is speech
only when a speech cue introduces it (‘erg goed ligt’, aldus X) or it is a fragment of
an attributed sentence; otherwise it is a scare quote (‘kalief’).

Speech cues are speech/opinion verbs (with separable particles: "roept … op"),
discontinuous cues ("laat in een reactie weten"), "aldus X" and "volgens X"/"according
to X". A cue's speaker is the subject next to it: an entity mention (a title before it
is skipped), a pronoun, or a description ("een woordvoerder van Ajax", "witnesses"; a
definite one, "de socioloog", is linked to the name it was introduced with, else to the
last organisation/person). Direct quotes are attributed by a cue right after them
(‘…’, zegt X / "…," X said / …, he said), a cue before them ending in a colon (X zei:
‘…’, X: ‘…’), or a cue earlier in their sentence (Maar, zegt X, ‘…’). Indirect
statements: "X zegt dat …" (content after the complementizer), inverted "…, zegt X." /
"…, X said." (content before the cue), parenthetical cues and "volgens X" (the whole
clause), and "X. Dat zegt Y." (the previous sentence). Then one text-ordered pass over
direct and indirect speech resolves pronouns and definite descriptions and gives a
cue-less direct quote the speaker of the attributed sentence it sits in, else the person
the previous sentence introduces, else the last speaker. A speaker that is no entity is
given as ``speaker_text``. All cue words are per-language data (``lang/<code>/said.toml``).
"""
from __future__ import annotations

import bisect
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from tijdlijn.document import Document
from tijdlijn.said.lang import load_said
from tijdlijn.temporal.language import literal_alternation

__all__ = ["QuoteSpan", "extract_quotes", "find_quote_spans"]

_PAIRS = {"``": "\"”", "‘": "’", "“": "”", "„": "”“\"", "‚": "’‘", "«": "»", '"': '"”', "'": "'", "‹": "›", ",,": "\"”"}
_MARK = re.compile("[‘’“”„‚«»‹›\"',`\n]")
_CLOSERS = set("’”»›\"'“‘")
_DOUBLE = ("“", '"', "„", ",,", "``")
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
        if ch == "`" and text.startswith("``", i) and i + 2 < n and not text[i + 2].isspace():
            _push(stack, spans, ("``", i))  # TeX/PTB style ``…''
            i += 2
            continue
        if ch == "'" and text.startswith("''", i) and stack and i > 0 and not text[i - 1].isspace():
            for k in range(len(stack) - 1, -1, -1):
                if stack[k][0] in (",,", "``", "''", "„", "“", '"'):
                    oc, at = stack[k]
                    del stack[k:]
                    spans.append(QuoteSpan(at, i + 1, at + len(oc), i, depth=k))
                    break
            i += 2
            continue
        if ch not in _PAIRS and ch not in _CLOSERS:
            nxt = _MARK.search(text, i + 1)  # jump to the next possible quote mark
            i = nxt.start() if nxt else n
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
                oc, at = stack[-1]
                if ch in "'’" and text[i - 1] in ",.!?…" and oc in _DOUBLE and i - at <= _MAX_QUOTE:
                    # mismatched marks ("Onze harten …,' schreef ze"): a single closing mark right after
                    # the final punctuation closes the open double quote rather than run to the paragraph end
                    del stack[-1]
                    spans.append(QuoteSpan(at, i, at + len(oc), i, depth=len(stack)))
                elif ch in _PAIRS and _is_open(text, i):
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
    _end_unclosed_at_next_quote(text, spans)
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


def _end_unclosed_at_next_quote(text: str, spans: list[QuoteSpan], scan: int = 50) -> None:
    """An unclosed quotation ends before the next quotation that opens a sentence inside it: texts whose
    paragraphs were flattened would otherwise let one missing closing mark swallow the rest of the
    article. ``spans`` is sorted by opening offset."""
    opens = [q.open for q in spans]
    for q in spans:
        if q.close is not None:
            continue
        k = bisect.bisect_right(opens, q.open)
        for nq in spans[k:k + scan]:
            if nq.open >= q.end:
                break
            before = text[q.start:nq.open].rstrip()
            if before and before[-1] in ".!?…" and len(_WORD.findall(before)) >= 4:
                q.end = q.start + len(before)
                break


def _push(stack: list[tuple[str, int]], spans: list[QuoteSpan], item: tuple[str, int]) -> None:
    stack.append(item)
    if len(stack) > _MAX_OPEN:
        del stack[0]  # an opening mark never closed: not a quotation


def _paragraph_ends(text: str) -> list[int]:
    ends = [m.start() for m in re.finditer(r"\n[ \t]*\n", text)]
    ends.append(len(text))
    return ends


# ------------------------------------------------------------------------------ language data

@dataclass
class _Attr:
    """Attribution data of one language (the ``[attribution]`` and ``[[split_speech]]`` parts of said.toml)."""

    anaphors: frozenset[str]
    opinion: frozenset[str]
    directive: frozenset[str]
    bare_content: frozenset[str]
    np_stop: frozenset[str]
    adverbs: frozenset[str]
    pronoun_types: dict[str, tuple[str, ...]]
    speaker_words: frozenset[str]
    colon_verbs: frozenset[str]
    definite: frozenset[str]
    org_nouns: frozenset[str]
    denial_openers: frozenset[str]
    apposition_stop: frozenset[str]
    according_pronouns: dict[str, tuple[str, ...]]
    te_infinitive: re.Pattern[str] | None
    name_particles: frozenset[str]
    auxiliaries: frozenset[str]
    relatives: frozenset[str]
    prepositions: frozenset[str]
    affiliation: frozenset[str]
    adjective_suffixes: tuple[str, ...]
    name_modifiers: bool
    np_max_words: int
    split_rx: re.Pattern[str] | None
    split: dict[str, tuple[str, tuple[str, ...]]]  # form -> (lemma, tails)


@cache
def _attr(code: str) -> _Attr:
    with resources.files("tijdlijn").joinpath(f"lang/{code}/said.toml").open("rb") as fh:
        data = tomllib.load(fh)
    a = data.get("attribution", {})
    split: dict[str, tuple[str, tuple[str, ...]]] = {}
    for e in data.get("split_speech", []):
        for f in e["forms"]:
            split[f.lower()] = (e["lemma"], tuple(t.lower() for t in e["tails"]))
    split_rx = (re.compile(r"(?<![\w-])" + literal_alternation(sorted(split)) + r"(?![\w-])", re.IGNORECASE)
                if split else None)
    low = lambda k: frozenset(w.lower() for w in a.get(k, []))
    ptypes = {k.lower(): tuple(v.split()) for k, v in data.get("quotes", {}).get("pronouns", {}).items()}
    return _Attr(anaphors=low("anaphors"), opinion=low("opinion"), directive=low("directive"),
                 bare_content=low("bare_content"), np_stop=low("np_stop"), adverbs=low("adverbs"),
                 pronoun_types=ptypes, speaker_words=low("speaker_words"), colon_verbs=low("colon_verbs"),
                 definite=low("definite"), org_nouns=low("org_nouns"), denial_openers=low("denial_openers"),
                 apposition_stop=low("apposition_stop"),
                 te_infinitive=(re.compile(r"(?<!\w)" + re.escape(a["te_infinitive"]) + r" (?:\w+ ){0,2}\w+n(?!\w)")
                                if a.get("te_infinitive") else None),
                 name_particles=frozenset(a.get("name_particles", [])), auxiliaries=low("auxiliaries"),
                 relatives=low("relatives"), prepositions=low("prepositions"), affiliation=low("affiliation"),
                 according_pronouns={k.lower(): tuple(v.split()) for k, v in a.get("according_pronouns", {}).items()},
                 adjective_suffixes=tuple(a.get("adjective_suffixes", [])), name_modifiers=bool(a.get("name_modifiers", False)), np_max_words=int(a.get("np_max_words", 2)),
                 split_rx=split_rx, split=split)


# ------------------------------------------------------------------------------ attribution


@lru_cache(maxsize=256)
def _word_rx(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)

_WINDOW = 600  # characters around a cue that attribution looks at
_ABBREV = re.compile(r"(?:\w\.){2,}|[A-Z][a-z]{0,3}\.")
# a word (with inner periods, apostrophes, hyphens; a trailing hyphen in "accountants- en adviesbureau")
_TOKEN = re.compile(r"\w+(?:[.'’&-]\w+)*(?:-(?=\s+(?:en|of|and|or)\s))?\.?|[^\w\s]")
_WS = re.compile(r"\s*")
_PRONOUN = re.compile(r"\w+")


@dataclass
class _MentionIndex:
    """Entity mentions by position (names and coreference-linked descriptions), outside direct quotes."""

    items: list[tuple[int, int, str, str, str]] = field(default_factory=list)  # start, end, entity id, type, text
    starts: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, doc: Document, quoted: list[tuple[int, int]] = ()) -> _MentionIndex:
        qs = sorted(quoted)
        qstarts = [a for a, _ in qs]

        def inside(p: int) -> bool:
            k = bisect.bisect_right(qstarts, p) - 1
            return k >= 0 and qs[k][0] <= p < qs[k][1]

        items = sorted((m.start, m.end, e.id, e.type, m.text) for e in doc.entities for m in e.mentions
                       if e.type in ("PER", "ORG", "MISC") and not inside(m.start))
        # drop mentions nested in a longer one ("Kamerlid Vera Bergkamp" ⊃ "Vera Bergkamp" stays the outer)
        out: list[tuple[int, int, str, str, str]] = []
        for it in items:
            if out and it[0] < out[-1][1]:
                if it[1] - it[0] > out[-1][1] - out[-1][0]:
                    out[-1] = it
                continue
            out.append(it)
        return cls(out, [it[0] for it in out])

    def starting_in(self, a: int, b: int) -> list[tuple[int, int, str, str, str]]:
        lo = bisect.bisect_left(self.starts, a)
        hi = bisect.bisect_left(self.starts, b)
        return self.items[lo:hi]

    def first_in(self, a: int, b: int) -> tuple[int, int, str, str, str] | None:
        r = self.starting_in(a, b)
        return r[0] if r else None

    def ending_at(self, b: int, types=("PER", "ORG", "MISC")) -> tuple[int, int, str, str, str] | None:
        k = bisect.bisect_left(self.starts, b) - 1
        while k >= 0 and self.items[k][1] > b:
            k -= 1
        if k >= 0 and self.items[k][1] == b and self.items[k][3] in types:
            return self.items[k]
        return None

    def last_before(self, a: int, b: int, types=("PER", "ORG")) -> tuple[int, int, str, str, str] | None:
        k = bisect.bisect_left(self.starts, b) - 1
        while k >= 0 and self.items[k][0] >= a:
            it = self.items[k]
            if it[1] <= b and it[3] in types:
                return it
            k -= 1
        return None


@dataclass
class _Cue:
    start: int
    end: int  # end of the whole cue (incl. a separable particle)
    head_end: int  # end of the first cue word(s)
    form: str
    lemma: str
    kind: str  # verb / aldus / according
    used: bool = False


@dataclass
class _Speaker:
    entity: str | None
    text: str | None  # a description when no entity is named ("witnesses", "een woordvoerder")
    start: int
    end: int
    how: str  # mention / description / pronoun
    types: tuple[str, ...] = ()

    def mention(self, text: str) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": text[self.start:self.end]}


class _Attributor:
    def __init__(self, doc: Document, L, A: _Attr, quotes: list[QuoteSpan]):
        self.doc, self.L, self.A, self.text = doc, L, A, doc.text
        self.quotes = quotes
        self.qranges = [(q.open, q.outer_end) for q in quotes]
        self.qstarts = [q.open for q in quotes]
        self.mentions = _MentionIndex.of(doc, [(q.start, q.end) for q in quotes if not q.scare])
        sents = [(s.start, s.end) for s in doc.sentences] or [(0, len(self.text))]
        self.sents = sents
        self.sstarts = [s[0] for s in sents]
        self.named = bytearray(len(self.text) + 1)  # characters inside any entity mention (places too)
        for e in doc.entities:
            for m in e.mentions:
                self.named[m.start:m.end] = b"\x01" * (m.end - m.start)

    # ---- positions
    def sent_index(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.sstarts, pos) - 1)

    def in_quote(self, pos: int) -> QuoteSpan | None:
        k = bisect.bisect_right(self.qstarts, pos) - 1
        if k >= 0 and pos < self.quotes[k].outer_end:
            return self.quotes[k]
        return None

    def skip_ws(self, pos: int) -> int:
        return _WS.match(self.text, pos).end()

    # ---- cues
    def cues_in(self, a: int, b: int) -> list[_Cue]:
        """Speech cues starting in [a, b) that are not inside a (real) direct quote."""
        text, L, A = self.text, self.L, self.A
        out: list[_Cue] = []
        s_end = b
        acc_at = set()
        for acc in L.according_rx.finditer(text, a, b):
            q = self.in_quote(acc.start())
            if q is not None and not q.scare:
                continue
            acc_at.add(acc.start())
            out.append(_Cue(acc.start(), acc.end(), acc.end(), acc.group(0), "volgens", "according"))
        for v in L.verb_rx.finditer(text, a, b):
            if v.start() in acc_at:
                continue
            form = v.group(0).lower()
            if v.group(0)[0].isupper() and not self._clause_initial(v.start()):
                continue  # "United States", "Raad van State": a name, not a verb
            lemma = L.verb_forms.get(form, form)
            q = self.in_quote(v.start())
            if q is not None and not q.scare:
                continue
            kind = "according" if lemma in ("according to", "volgens") else ("aldus" if lemma == "aldus" else "verb")
            end = v.end()
            particle = L.particles.get(lemma)
            if particle and not form.startswith((particle, "ge")):
                pm = _word_rx(particle).search(
                    text, v.end(), min(s_end, v.end() + 80))
                if pm is None:
                    continue  # "riep … uit" is not "riep … op"
                end = pm.end()
            out.append(_Cue(v.start(), end, v.end(), v.group(0), lemma, kind))
        if A.split_rx is not None:
            for v in A.split_rx.finditer(text, a, b):
                q = self.in_quote(v.start())
                if q is not None and not q.scare:
                    continue
                lemma, tails = A.split[v.group(0).lower()]
                best = None
                for w in _PRONOUN.finditer(text, v.end(), min(s_end, v.end() + 60)):
                    if text[v.end():w.start()].count(",") > 1:
                        break
                    if w.group(0).lower() in tails:
                        best = w
                        break
                if best is None or any(c.start <= v.start() < c.end for c in out):
                    continue
                # the tail alone ("weten" of "laten weten") is part of this cue, not a cue of its own
                out = [c for c in out if not (v.start() < c.start < best.end() and c.lemma == lemma)]
                out.append(_Cue(v.start(), best.end(), v.end(), v.group(0), lemma, "verb"))
        out.sort(key=lambda c: c.start)
        return out

    def _clause_initial(self, pos: int) -> bool:
        k = pos - 1
        while k >= 0 and self.text[k] in " \t\n":
            k -= 1
        return k < 0 or self.text[k] in ".!?:;\"'’”»-–—(`" or self.sstarts[self.sent_index(pos)] == pos

    # ---- noun phrases
    def pronoun_at(self, pos: int) -> _Speaker | None:
        w = _PRONOUN.match(self.text, pos)
        if w and w.group(0).lower() in self.L.pronouns:
            return _Speaker(None, None, w.start(), w.end(), "pronoun",
                            self.A.pronoun_types.get(w.group(0).lower(), ("PER",)))
        return None

    def np_after(self, pos: int, limit: int, allow_desc: bool = True) -> _Speaker | None:
        """The subject starting at ``pos``: a pronoun, an entity mention (possibly after a title or a few
        lower-case words: "directeur Nico Woonink"), or a description ("een woordvoerder van Ajax")."""
        text, A = self.text, self.A
        pos = self.skip_ws(pos)
        if pos >= limit:
            return None
        p = self.pronoun_at(pos)
        if p is not None:
            return p
        toks = []
        for t in _TOKEN.finditer(text, pos, limit):
            if not t.group(0)[0].isalnum():
                break
            toks.append(t)
            if t.group(0).endswith(".") and not _ABBREV.fullmatch(t.group(0)):
                break  # sentence end
            if len(toks) >= 8:
                break
        if not toks:
            return None
        ms = self.mentions.starting_in(pos, toks[-1].end())
        for k, m in enumerate(ms):
            if m[3] not in ("PER", "ORG", "MISC"):
                continue
            before = [t for t in toks if t.end() <= m[0]]
            # at most two words before the name, none a stop word ("tegen Rutte" is not the subject)
            # (a capitalised word is part of a name: "inlichtingenbaas Dan Coats", not "dan")
            if len(before) <= 3 and not any(t.group(0).islower() and t.group(0) in A.np_stop and
                                            t.group(0) not in ("en", "and") for t in before):
                # a title that is itself a mention: "FNV-bestuurder Debbie van Leiden"
                if m[3] != "PER" and k + 1 < len(ms) and ms[k + 1][3] == "PER" and \
                        not text[m[1]:ms[k + 1][0]].strip():
                    m = ms[k + 1]
                nxt = _PRONOUN.match(text, m[1] + 1) if text[m[1]:m[1] + 1] == " " else None
                if A.name_modifiers and nxt is not None and nxt.group(0).islower() and nxt.group(0) not in A.np_stop and \
                        nxt.group(0) not in self.L.verb_forms and nxt.group(0) not in A.adverbs and \
                        nxt.group(0) not in self.L.complementizers and nxt.group(0) not in self.L.pronouns:
                    # the name modifies a noun: "a U.S. Embassy official" — unless a person's name follows
                    # that title: "National Security Council spokesman P.J. Crowley"
                    after = next((x for x in ms[k + 1:k + 3] if x[3] == "PER"), None)
                    if after is not None:
                        between = [w for w in _PRONOUN.findall(text[m[1]:after[0]]) if w.islower()]
                        if 1 <= len(between) <= 2:
                            return _Speaker(after[2], None, after[0], after[1], "mention", (after[3],))
                    break
                return _Speaker(m[2], None, m[0], m[1], "mention", (m[3],))
            break
        name = self._untagged_name(toks) if not ms else None
        if name is not None:
            return name
        if not allow_desc:
            return None
        return self._description(toks)

    def _untagged_name(self, toks) -> _Speaker | None:
        """Two or more capitalised words the tagger did not mark ("zei inlichtingenbaas Dan Coats" when
        NER missed the name), after at most two lower-case title words: the speaker's name as text."""
        k = 0
        while k < len(toks) and k < 2 and toks[k].group(0).islower() and toks[k].group(0) not in self.A.np_stop:
            k += 1
        run = []
        for t in toks[k:]:
            w = t.group(0).rstrip(".")
            if w[:1].isupper() and w[:1].isalpha():
                run.append(t)
            elif run and w in self.A.name_particles:
                run.append(t)
            else:
                break
        while run and run[-1].group(0) in self.A.name_particles:
            run.pop()
        if sum(1 for t in run if t.group(0)[:1].isupper()) < 2:
            return None
        a, b = run[0].start(), run[-1].end()
        if self.text[b - 1] == "." and not _ABBREV.fullmatch(run[-1].group(0)):
            b -= 1
        if any(self.named[a:b]):
            return None
        return _Speaker(None, self.text[a:b], a, b, "name", ("PER",))

    def _description(self, toks, max_words: int | None = None) -> _Speaker | None:
        """A speaker description: determiner + at most three words, or a bare speaker noun, each with an
        optional "van …"/"of …" complement ("de woordvoerder van Ajax", "officials", "a local TV")."""
        text, A, L = self.text, self.A, self.L
        words = []
        has_det = toks[0].group(0).lower() in L.determiners
        head_n = 0
        pp = False
        headed = False  # the head noun has been read (languages with inflected adjectives)
        for t in toks[1:] if has_det else toks:
            w = t.group(0).lower().rstrip(".")
            if w in ("van", "of", "uit") and words and not pp:
                pp = True
                words.append(t)
                continue
            if headed and not pp:
                break  # "volgens de diensten | bestaat …": the finite verb follows the head
            if A.adjective_suffixes and has_det and not pp and not w.endswith(A.adjective_suffixes):
                headed = True
            if w in A.np_stop or w in L.verb_forms or w in A.adverbs or w in L.complementizers:
                break
            if pp and w in L.determiners:
                words.append(t)
                continue
            head_n += 1
            words.append(t)
            if t.group(0).endswith(".") and not _ABBREV.fullmatch(t.group(0)):
                break
            if not pp and not has_det and w in A.speaker_words and \
                    not (len(toks) > len(words) and toks[len(words)].group(0).lower() in ("van", "of", "uit")):
                break
            limit = max_words or A.np_max_words
            if head_n >= (limit if not pp else limit + 2):
                break
        while words and words[-1].group(0).lower() in ("van", "of", "uit", *L.determiners):
            words.pop()
        if not words:
            return None
        if not has_det and not any(t.group(0).lower().rstrip(".") in A.speaker_words for t in words):
            return None
        start = toks[0].start()
        end = words[-1].end()
        if text[end - 1] == "." and not _ABBREV.fullmatch(words[-1].group(0)):
            end -= 1
        desc = text[words[0].start():end]
        sp = _Speaker(None, desc, start, end, "description", ("PER", "ORG"))
        if has_det and toks[0].group(0).lower() in A.definite:
            linked = self.link_description(words, start)
            if linked is not None:
                return _Speaker(linked[2], None, start, end, "description", (linked[3],))
            # resolved in the ordered pass, like a pronoun: "het bedrijf" → the last organisation
            head = self._head(words)
            sp.how = "definite"
            sp.types = ("ORG",) if head in A.org_nouns else ("PER",)
        return sp

    def _head(self, words) -> str:
        head = ""
        for t in words:
            if t.group(0).lower() in ("van", "of", "uit"):
                break
            head = t.group(0).lower().rstrip(".")
        return head

    def link_description(self, words, pos: int) -> tuple[int, int, str, str, str] | None:
        """A definite description ("de socioloog") refers to the person or organisation introduced earlier
        with that noun next to the name ("socioloog Niels Blom", "Blom, socioloog aan …")."""
        text = self.text
        head = None
        for t in words:
            if t.group(0).lower() in ("van", "of", "uit"):
                break
            head = t.group(0).lower().rstrip(".")
        if head is None or len(head) < 4:
            return None
        best = None
        for m in self.mentions.starting_in(max(0, pos - 5000), pos):
            left = text[max(0, m[0] - 40):m[0]].lower()
            right = text[m[1]:m[1] + 60].lower()
            lw = _PRONOUN.findall(left)[-2:]
            rw = _PRONOUN.findall(right.split(".")[0])[:6] if right.lstrip().startswith(",") else []
            if any(w.endswith(head) for w in lw) or any(w.endswith(head) for w in rw):
                best = m
        return best

    def np_before(self, pos: int, floor: int) -> _Speaker | None:
        """The subject ending right before ``pos`` (only adverbs between): mention, pronoun or description."""
        text, A = self.text, self.A
        toks = [t for t in _TOKEN.finditer(text, max(floor, pos - 120), pos)]
        # skip adverbs/auxiliaries directly before the cue ("Woonink heeft maandag gezegd")
        k = len(toks)
        while k > 0 and toks[k - 1].group(0).lower() in A.adverbs:
            k -= 1
        if k == 0:
            return None
        last = toks[k - 1]
        m = self.mentions.ending_at(last.end())
        if m is None and last.group(0).endswith("."):
            m = self.mentions.ending_at(last.end() - 1)
        if m is not None and m[0] >= floor:
            return _Speaker(m[2], None, m[0], m[1], "mention", (m[3],))
        if last.group(0).lower() in self.L.pronouns:
            return self.pronoun_at(last.start())
        words = []
        j = k - 1
        while j >= 0 and len(words) < 6:
            w = toks[j].group(0).lower()
            if not toks[j].group(0)[0].isalnum() or w in A.np_stop or w in self.L.verb_forms:
                if w in ("van", "of", "uit") and words:
                    words.insert(0, toks[j])
                    j -= 1
                    continue
                break
            words.insert(0, toks[j])
            if w in self.L.determiners:
                break
            j -= 1
        while words and words[0].group(0).lower() in ("van", "of", "uit"):
            words.pop(0)
        if not words:
            return None
        # the tokens are exactly the noun phrase ending at the cue, so a longer one is still whole:
        # "…, the first law enforcement official said"
        sp = self._description(words, max_words=max(self.A.np_max_words, 4))
        if sp is None or sp.end < words[-1].end() - 1:
            return None
        return sp

    def subject_of(self, cue: _Cue, s0: int, s1: int) -> tuple[_Speaker | None, bool]:
        """The speaker of a cue and whether it follows the cue (inverted order)."""
        text = self.text
        if cue.kind in ("aldus", "according"):
            pos = cue.head_end
            if text[pos:pos + 4].lower() == " to ":
                pos += 4
            w = _PRONOUN.match(text, self.skip_ws(pos))
            if cue.kind == "according" and w and w.group(0).lower() in self.A.according_pronouns:
                # "volgens hem …": resolved like a subject pronoun
                return _Speaker(None, None, w.start(), w.end(), "pronoun",
                                self.A.according_pronouns[w.group(0).lower()]), True
            sp = self.np_after(pos, min(s1, cue.head_end + 90))
            if sp is not None and sp.how in ("description", "definite") and sp.entity is None and \
                    not any(w.lower() in self.A.speaker_words or w.lower() in self.A.org_nouns
                            for w in _PRONOUN.findall(sp.text or "")):
                sp = None  # "volgens de islamitische wet" is no speaker
            return sp, True
        s0 = max(s0, cue.start - _WINDOW)
        s1 = min(s1, cue.end + _WINDOW)
        prev = text[s0:cue.start].rstrip()
        after = self.skip_ws(cue.head_end)
        # skip adverbs right after the cue ("zegt ook Jansen")
        while True:
            w = _PRONOUN.match(text, after)
            if w and w.group(0).lower() in self.A.adverbs and w.group(0).lower() not in self.L.pronouns:
                after = self.skip_ws(w.end())
            else:
                break
        inverted_ctx = (not prev) or prev[-1] in ",:;'\"’”»" or prev.endswith("''") or \
            self._first_word(s0) in self.A.anaphors
        if inverted_ctx:
            sp = self.np_after(after, min(s1, cue.end + 90))
            if sp is not None:
                if sp.how in ("description", "definite", "pronoun") and prev.endswith(","):
                    # "The head of the inquiry, Kenneth Piernick, said the bureau has …", "Jan Jager,
                    # planoloog, noemt het een drama": the name with its apposition is the subject; what
                    # follows the cue starts the content
                    appo = self._apposition_subject(s0, s0 + len(prev) - 1)
                    if appo is not None:
                        return appo, False
                return sp, True
            if prev.endswith(","):
                appo = self._apposition_subject(s0, s0 + len(prev) - 1)
                if appo is not None:
                    return appo, False
        if self.A.auxiliaries:
            # a verb cluster at the clause end ("Grapperhaus heeft de Kamer laten weten dat …"): the
            # subject stands before the finite auxiliary, the noun phrase before the cue is its object
            for w in reversed(list(_PRONOUN.finditer(text, max(s0, cue.start - 150), cue.start))):
                if w.group(0).lower() in self.A.auxiliaries:
                    sub = self.np_before(w.start(), s0)
                    if sub is not None and sub.how != "description" and sub.end < w.start():
                        return sub, False
                    break
        sp = self.np_before(cue.start, s0)
        if sp is not None and sp.how == "mention":
            sp = self._affiliated_person(sp, s0)
            lead = list(_PRONOUN.finditer(text, s0, sp.start))
            if self.A.prepositions and lead and lead[0].group(0).lower() in self.A.prepositions and \
                    not self._quote_between(s0, cue.start):
                # a fronted phrase ("Tegen de BBC vertelde hij dat …"): the subject follows the cue
                inv = self.np_after(after, min(s1, cue.end + 90), allow_desc=False)
                if inv is not None:
                    return inv, True
        if sp is not None and sp.how != "description":
            return sp, False
        # V2 inversion after a fronted phrase: "In een reactie zegt hij", "Dat heeft Jansen gezegd"
        inv = self.np_after(after, min(s1, cue.end + 90), allow_desc=self.L.code != "en" or inverted_ctx)
        if inv is not None and (inv.how != "description" or sp is None):
            return inv, True
        if sp is not None:
            return sp, False
        # a name earlier in the clause ("Nico Woonink heeft maandag gezegd")
        lo = max(s0, cue.start - 100)
        m = self.mentions.last_before(lo, cue.start)
        if m is not None and not self._quote_between(m[1], cue.start):
            return _Speaker(m[2], None, m[0], m[1], "mention", (m[3],)), False
        for w in reversed(list(_PRONOUN.finditer(text, lo, cue.start))):
            if w.group(0).lower() in self.L.pronouns and self.in_quote(w.start()) is None:
                return self.pronoun_at(w.start()), False
        return None, False

    def _apposition_subject(self, s0: int, comma: int) -> _Speaker | None:
        """The name a clause ending in a comma before the cue is about, when the rest is an apposition:
        "<Name>, <noun phrase>, stelt dat …" or "<noun phrase>, <Name>, said …"."""
        text, A = self.text, self.A
        for m in self.mentions.starting_in(s0, comma):
            if m[3] not in ("PER", "ORG") or m[1] > comma or self.in_quote(m[0]) is not None:
                continue
            before = text[s0:m[0]].rstrip()
            after = text[m[1]:comma]
            if not after.strip():  # the name is last: "<noun phrase>, <Name>,"
                if before.endswith(","):
                    return _Speaker(m[2], None, m[0], m[1], "mention", (m[3],))
                continue
            words = _PRONOUN.findall(after)
            if not after.lstrip().startswith(",") or not words or len(words) > 15 or \
                    len(_PRONOUN.findall(before)) > 2 or '"' in after or "'" in after:
                continue
            # a relative clause may close the apposition ("X, een Republikein die dicht bij Trump staat,")
            rel = next((i for i, w in enumerate(words) if w.lower() in A.relatives), len(words))
            if rel == 0 or any(w.lower() in A.apposition_stop or w.lower() in self.L.verb_forms for w in words[:rel]):
                continue
            return _Speaker(m[2], None, m[0], m[1], "mention", (m[3],))
        return None

    def _affiliated_person(self, sp: _Speaker, s0: int) -> _Speaker:
        """"Frank van der Lee van BDO vindt": the person, not the organisation they are from."""
        m = self.mentions.last_before(s0, sp.start - 1, ("PER",))
        if m is not None and sp.types != ("PER",):
            between = _PRONOUN.findall(self.text[m[1]:sp.start])
            if len(between) == 1 and between[0].lower() in self.A.affiliation:
                return _Speaker(m[2], None, m[0], m[1], "mention", ("PER",))
        return sp

    def _first_word(self, s0: int) -> str:
        w = _PRONOUN.search(self.text, s0, min(len(self.text), s0 + 40))
        return w.group(0).lower() if w else ""

    def _quote_between(self, a: int, b: int) -> bool:
        k = bisect.bisect_left(self.qstarts, a)
        return k < len(self.quotes) and self.quotes[k].open < b and not self.quotes[k].scare

    # ---- direct quotes
    def direct_attribution(self, q: QuoteSpan) -> tuple[_Speaker | None, _Cue | None, str | None]:
        """Speaker, cue and cue text of a direct quote from the words around it (no continuation)."""
        text = self.text
        pos = q.outer_end
        m = re.compile(r"[\s,.:;!?–—-]{0,6}").match(text, pos)
        pos = m.end()
        end = _clause_end(text, pos)
        limit = min(end, pos + 100)
        # A. cue right after the quote: "…', zegt X" / '…," said X' / "…', aldus X"
        # B. subject then cue: '…," X said' / "…', vervolgt hij" (pronoun) / "…," a local TV said'
        closed = re.search(r"[.!?…]\W*$", text[q.start:q.end]) is not None
        if closed and pos < len(text) and text[pos].isupper():
            limit = pos  # the quote ends its sentence; the next one starts anew ("…eens.’ Volgens X …")
        for c in self.cues_after(pos, limit):
            if c.start == pos:
                sp = self.np_after(self.skip_ws(c.head_end), min(len(text), c.end + 90))
                if sp is None and c.kind == "verb":
                    sp = self._particle_subject(c)
                if sp is not None or c.kind != "verb":
                    return sp, c, c.form
                return None, c, c.form
            sp = self.np_after(pos, c.start)
            if sp is not None and self._only_adverbs(sp.end, c.start):
                return sp, c, c.form
            break
        # C. cue before the quote ending in a colon: "X zei: ‘…’" / "X: ‘…’"
        w0 = max(0, q.open - 40)
        before = text[w0:q.open].rstrip()
        if before.endswith(":"):
            colon = w0 + len(before) - 1
            s0 = self.sents[self.sent_index(colon)][0]
            if colon - s0 > 250:
                s0 = colon - 250
            cs = [c for c in self.cues_between(s0, colon)]
            if cs:
                c = cs[-1]
                sp, _inv = self.subject_of(c, s0, colon + 1)
                if sp is not None:
                    return sp, None, c.form  # the cue may also report a "dat" clause: not consumed
            sp = self.np_before(colon, s0)
            if sp is None:
                mm = self.mentions.last_before(s0, colon)
                if mm is not None:
                    sp = _Speaker(mm[2], None, mm[0], mm[1], "mention", (mm[3],))
            return sp, None, ":"
        # D. a cue earlier in the quote's sentence: "Maar, zegt de vereniging, '…'" / "X stelt dat '…'"
        s0 = self.sents[self.sent_index(q.open)][0]
        if q.open - s0 > 300:
            s0 = q.open - 300
        for c in reversed(self.cues_between(s0, q.open)):
            if self._quote_between(c.end, q.open):
                break
            sp, _inv = self.subject_of(c, s0, q.open)
            if sp is not None:
                return sp, None, c.form if c.end == c.head_end else text[c.start:c.end]
        return None, None, None

    def _particle_subject(self, c: _Cue) -> _Speaker | None:
        return None

    def _only_adverbs(self, a: int, b: int) -> bool:
        for t in _TOKEN.finditer(self.text, a, b):
            if t.group(0).lower() not in self.A.adverbs:
                return False
        return True

    def cues_after(self, a: int, b: int) -> list[_Cue]:
        k = bisect.bisect_left(self.cstarts, a)
        out = []
        while k < len(self.cues) and self.cues[k].start < b:
            out.append(self.cues[k])
            k += 1
        return out

    def cues_between(self, a: int, b: int) -> list[_Cue]:
        return self.cues_after(a, b)

    # ---- indirect speech
    def content_of(self, c: _Cue, sp: _Speaker, inverted: bool, si: int) -> tuple[int, int] | None:
        text, A = self.text, self.A
        s0, s1 = self.sents[si]
        s0 = max(s0, c.start - _WINDOW)  # bounded windows keep run-on "sentences" linear
        s1 = min(s1, c.end + _WINDOW)
        prefix = text[s0:c.start].rstrip()
        pre_words = len(_WORD.findall(prefix))
        if c.kind == "according":
            if pre_words == 0:
                a = sp.end
                a = re.compile(r"[\s,]*").match(text, a).end()
                return a, s1
            return s0, s1
        if c.kind == "aldus":
            if prefix.endswith(",") and pre_words >= 2:
                return s0, s0 + len(prefix) - 1
            return s0, s1
        if inverted and prefix.endswith(","):
            after_sp = text[sp.end:s1].lstrip()
            if after_sp.startswith(",") and len(_WORD.findall(after_sp)) >= 3:
                return s0, s1  # parenthetical: "Normaal gesproken, zegt X, zit ze …"
            if pre_words >= 3:
                return s0, s0 + len(prefix) - 1
        first = self._first_word(s0)
        anaphoric = first in A.anaphors and pre_words <= 8 and si > 0
        if anaphoric and (pre_words <= 2 or not self._comp_after(c.end, s1)):
            p0, p1 = self.sents[si - 1]
            return p0, p1
        if not inverted and sp.start > s0 and text[sp.end:c.start].strip() != ",":
            # "<content>, [the] <subject> said." (not when the subject is in apposition: "Een van de
            # onderministers, Richard Harrington, zei …"); a determiner or a coordinated name may stand
            # between the comma and the subject found ("…, Red Cross and ambulance officials said")
            pre_subj = text[s0:sp.start].rstrip()
            comma = pre_subj.rfind(",")
            rest = text[c.end:s1]
            if comma > 0 and len(_WORD.findall(pre_subj[comma:])) <= 4 and \
                    len(_WORD.findall(pre_subj[:comma])) >= 3 and len(_WORD.findall(rest)) <= 6:
                return s0, s0 + comma
        start = max(c.end, sp.end) if inverted else c.end
        comp = None
        for w in _PRONOUN.finditer(text, start, min(s1, start + 90)):
            lw = w.group(0).lower()
            if lw in self.L.complementizers:
                comp = w
                break
            if lw in self.L.verb_forms:
                break
        if comp is not None:
            a = comp.end() if comp.group(0).lower() in ("dat", "that") else comp.start()
            return a, s1
        if c.lemma in A.bare_content and not inverted:
            a = self.skip_ws(c.end)
            return a, s1
        if A.te_infinitive is not None:
            # "zei tevreden te zijn met …", "zegt spijt te hebben van …": an infinitive clause is the content
            a = self.skip_ws(start)
            m = _CLAUSE_END.search(text, a, s1)
            b = m.start() if m else s1
            if a < b and A.te_infinitive.search(text, a, b):
                return a, b
        return None

    def _comp_after(self, a: int, b: int) -> bool:
        for w in _PRONOUN.finditer(self.text, a, min(b, a + 90)):
            if w.group(0).lower() in self.L.complementizers:
                return True
        return False

    def indirect(self) -> list[dict[str, Any]]:
        out = []
        text = self.text
        for c in self.cues:
            if c.used:
                continue
            si = self.sent_index(c.start)
            s0, s1 = self.sents[si]
            sp, inverted = self.subject_of(c, s0, s1)
            if sp is None:
                continue
            span = self.content_of(c, sp, inverted, si)
            if span is None:
                continue
            a, b = span
            seg = text[a:b]
            lead = len(seg) - len(seg.lstrip(" \n\t,:"))
            seg = seg.strip(" \n\t,:")
            seg = re.sub(r"[\s,.;:!?]+$", "", seg)
            a += lead
            b = a + len(seg)
            if len(_WORD.findall(seg)) < 2:
                continue
            q = self.in_quote(a)
            if q is not None and not q.scare and q.outer_end >= b:
                continue  # the content is a direct quote: attributed there
            c.used = True
            out.append({"kind": "indirect", "start": a, "end": b, "text": seg, "_sp": sp, "_cue": c, "_si": si,
                        "cue": c.form if c.end == c.head_end else text[c.start:c.end], "lemma": c.lemma})
        return out

    # ---- one text-ordered pass over direct and indirect speech
    def resolve_pronoun(self, p: _Speaker, last: tuple[_Speaker, int] | None, si: int) -> _Speaker | None:
        types = p.types or ("PER",)
        s0 = self.sents[si][0]
        # a name earlier in the same sentence ("Hollak weet het: ‘…’, zegt ze")
        m = self.mentions.last_before(s0, p.start, types)
        if m is not None:
            return _Speaker(m[2], None, p.start, p.end, "pronoun", (m[3],))
        if last is not None and si - last[1] <= 3 and (set(last[0].types) & set(types) or last[0].entity is None):
            ls = last[0]
            return _Speaker(ls.entity, ls.text, p.start, p.end, "pronoun", ls.types)
        if si > 0:
            ps0 = self.sents[si - 1][0]
            k = bisect.bisect_left(self.mentions.starts, ps0)
            while k < len(self.mentions.items) and self.mentions.items[k][0] < min(s0, ps0 + _WINDOW):
                m = self.mentions.items[k]
                if m[3] in types:
                    return _Speaker(m[2], None, p.start, p.end, "pronoun", (m[3],))
                k += 1
        if last is not None and (set(last[0].types) & set(types) or last[0].entity is None):
            ls = last[0]
            return _Speaker(ls.entity, ls.text, p.start, p.end, "pronoun", ls.types)
        m = self.mentions.last_before(max(0, p.start - 3000), p.start, types)
        if m is not None:
            return _Speaker(m[2], None, p.start, p.end, "pronoun", (m[3],))
        return None

    def resolve_definite(self, d: _Speaker, last: tuple[_Speaker, int] | None, si: int) -> _Speaker:
        """An unlinked definite description: an organisation noun ("het bedrijf", "de dienst") refers to the
        last organisation named in the previous sentences, a person noun to the last person speaker."""
        lo = self.sents[max(0, si - 5)][0]
        if d.types == ("ORG",):
            head = self._head(_PRONOUN.finditer(d.text or "")) if d.text else ""
            if len(head) >= 4:
                # "de vereniging" → the last organisation named as a Vereniging, if there is one
                for m in reversed(self.mentions.starting_in(max(0, d.start - 5000), d.start)):
                    if m[3] in ("ORG", "MISC") and m[1] <= d.start and head in m[4].lower():
                        return _Speaker(m[2], None, d.start, d.end, "description", ("ORG",))
            m = self.mentions.last_before(lo, d.start, ("ORG", "MISC"))
            if m is not None:
                return _Speaker(m[2], None, d.start, d.end, "description", ("ORG",))
            return _Speaker(None, d.text, d.start, d.end, "description", ("ORG",))
        if last is not None and last[0].entity is not None and "PER" in last[0].types and si - last[1] <= 6:
            return _Speaker(last[0].entity, None, d.start, d.end, "description", ("PER",))
        return _Speaker(None, d.text, d.start, d.end, "description", ("PER",))

    def introduced(self, si: int, last_si: int, back: int = 1) -> _Speaker | None:
        """The person a sentence between the last statement and this quote introduces (looking at most
        ``back`` sentences back)."""
        for k in range(si - 1, max(last_si, si - 1 - back), -1):
            s0, s1 = self.sents[k]
            if self._quote_between(s0, s1):
                continue
            k = bisect.bisect_left(self.mentions.starts, s0)
            while k < len(self.mentions.items) and self.mentions.items[k][0] < min(s1, s0 + _WINDOW):
                m = self.mentions.items[k]
                if m[3] == "PER":
                    return _Speaker(m[2], None, m[0], m[1], "mention", (m[3],))
                k += 1
        return None


def extract_quotes(doc: Document) -> list[dict[str, Any]]:
    """Direct quotes and reported statements of ``doc`` with their speakers."""
    L = load_said(doc.lang or "nl")
    A = _attr(L.code)
    text = doc.text
    spans = [q for q in find_quote_spans(text) if q.depth == 0]
    at = _Attributor(doc, L, A, spans)
    at.cues = at.cues_in(0, len(text))
    at.cstarts = [c.start for c in at.cues]
    directs: list[dict[str, Any]] = []
    for q in spans:
        sp, cue, cue_text = at.direct_attribution(q)
        nwords = len(_WORD.findall(text[q.start:q.end]))
        if q.scare:
            if cue_text is None and nwords < 2:
                continue
            if nwords < 2 and not _SENT_PUNCT.search(text[q.start:q.end].strip()):
                continue
        if cue is not None:
            s_open = at.sents[at.sent_index(q.open)][0]
            # a quote that ends a clause begun outside it ("De Raad is ‘gekoloniseerd door de macht’,
            # zegt X") leaves the cue to the whole clause as reported speech as well
            if len(_WORD.findall(text[max(s_open, q.open - 300):q.open])) < 3 or q.close is None:
                cue.used = True
        directs.append({"kind": "direct", "start": q.start, "end": q.end, "text": text[q.start:q.end],
                        "_sp": sp, "_cue": cue, "cue": cue_text, "_si": at.sent_index(q.start),
                        "_q": q, "_outer": (q.open, q.outer_end)})
    indirects = at.indirect()
    by_sent: dict[int, list[dict[str, Any]]] = {}
    for it in indirects:
        by_sent.setdefault(it["_si"], []).append(it)
    # short quotes with no cue are speech only as fragments of an attributed sentence
    kept = []
    for d in directs:
        q = d["_q"]
        if q.scare and d["cue"] is None:
            host = [h for h in by_sent.get(d["_si"], []) + by_sent.get(at.sent_index(q.outer_end - 1), [])]
            if not host:
                continue
        kept.append(d)
    items = sorted(kept + indirects, key=lambda r: (r["start"], r["kind"] == "direct"))
    last: tuple[_Speaker, int] | None = None
    last_end = -1
    resolved: dict[int, _Speaker | None] = {}

    def resolve(it: dict[str, Any]) -> _Speaker | None:
        if id(it) in resolved:
            return resolved[id(it)]
        sp = it["_sp"]
        if sp is not None and sp.how == "pronoun":
            sp = at.resolve_pronoun(sp, last, it["_si"])
        elif sp is not None and sp.how == "definite":
            sp = at.resolve_definite(sp, last, it["_si"])
        resolved[id(it)] = sp
        return sp

    out: list[dict[str, Any]] = []
    for it in items:
        sp = resolve(it)
        how = sp.how if sp is not None else ""
        if sp is None and it["kind"] == "direct" and it["cue"] is None:
            q = it["_q"]
            hosts = by_sent.get(it["_si"], []) + by_sent.get(at.sent_index(q.outer_end - 1), [])
            host = next((h for h in hosts if resolve(h) is not None), None)
            if host is not None:
                sp, how = resolve(host), "fragment"
            elif last is not None:
                gap = text[last_end:q.open]
                adjacent = len(gap) < 120 and not _WORD.search(re.sub(r"[\s,.:;–—-]+", "", gap) or "")
                intro = None if adjacent else at.introduced(it["_si"], last[1])
                if intro is not None:
                    sp, how = intro, "introduced"
                elif adjacent or it["_si"] - last[1] <= 6:
                    sp, how = last[0], "continuation"
            else:
                # no one has spoken yet: the person the previous sentences introduce
                # ("Directeur Lucy van Helm lanceert hem … ‘Dat is natuurlijk heel erg triest.’")
                intro = at.introduced(it["_si"], -1)
                if intro is not None:
                    sp, how = intro, "introduced"
        rec: dict[str, Any] = {
            "kind": it["kind"], "start": it["start"], "end": it["end"], "text": it["text"],
            "speaker": sp.entity if sp else None, "cue": it["cue"],
            "speaker_mention": sp.mention(text) if sp is not None and how != "continuation" else None,
            "how": how,
        }
        if sp is not None and sp.entity is None and sp.text:
            rec["speaker_text"] = sp.text
        c = it.get("_cue")
        if c is not None:
            rec["cue_start"], rec["cue_end"] = c.start, c.end
        if it["kind"] == "indirect":
            rec["lemma"] = it["lemma"]
        else:
            q = it["_q"]
            if q.close is None:
                rec["unclosed"] = True
        if sp is None:
            rec["candidates"] = sorted({m[2] for m in at.mentions.starting_in(max(0, it["start"] - 3000), it["start"])
                                        if m[3] == "PER" and m[1] <= it["start"]})[-3:]
        out.append(rec)
        if sp is not None:
            last = (sp, it["_si"])
        last_end = it["_outer"][1] if it["kind"] == "direct" else it["end"]
    out.sort(key=lambda r: r["start"])
    return out


_CLAUSE_END = re.compile(r"[.!?;]\s|[.!?;]$|\n")


_ABBREV_BEFORE = re.compile(r"(?:\b\w\.)+\w?$|\b[A-Z][a-z]{0,2}$|\b[A-Z]$")


def _clause_end(text: str, pos: int, window: int = _WINDOW) -> int:
    """End of the clause at ``pos`` (looked for within ``window`` characters); the period of an
    abbreviation ("U.S. Embassy", "P.J. Crowley", "dr. Jansen") does not end it."""
    end = min(len(text), pos + window)
    for m in _CLAUSE_END.finditer(text, pos, end):
        if text[m.start()] == "." and _ABBREV_BEFORE.search(text, max(pos, m.start() - 12), m.start()):
            continue
        return m.start()
    return end
