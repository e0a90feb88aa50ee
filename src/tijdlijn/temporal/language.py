"""Per-language temporal knowledge, loaded from ``lang/<code>/temporal.toml``.

The engine is language-independent: month and weekday names come from CLDR
(babel), number words from num2words, and everything else (units, modifiers,
holidays, fixed phrases, tense cues, rules) from the language's TOML file.
Adding a language means adding a folder.
"""
from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from babel.dates import get_day_names, get_month_names
from num2words import num2words

SUPPORTED = ("nl", "en")
_PLACEHOLDER = re.compile(r"\{([A-Z_]+)\}")


class UnsupportedLanguage(ValueError):
    pass


@dataclass
class Rule:
    name: str
    regex: re.Pattern[str]
    norm: str
    params: dict[str, Any]
    priority: int
    guard_before: re.Pattern[str] | None = None
    guard_not_before: re.Pattern[str] | None = None
    guard_after: re.Pattern[str] | None = None
    trim: re.Pattern[str] | None = None
    gate: "Gate | None" = None  # a cheap test: skip the rule when the text cannot contain a match


@dataclass
class TemporalLanguage:
    code: str
    vocab: dict[str, dict[str, Any]]
    lexicon: dict[str, dict[str, Any]]
    rules: list[Rule]
    mod_prefix: re.Pattern[str]
    mod_of: dict[str, str]
    mod_patterns: dict[str, re.Pattern[str]]
    det_prefix: re.Pattern[str]
    past_cue: re.Pattern[str]
    future_cue: re.Pattern[str]
    past_weak_cue: re.Pattern[str]
    evening_cue: re.Pattern[str]
    abbreviations: frozenset[str]
    untensed: str | None = None  # the tense assumed when a clause has no cue
    lowercase_weekdays: bool = False  # weekdays are written in lower case inside a sentence (Dutch)
    placeholders: dict[str, str] = field(default_factory=dict)

    def lookup(self, table: str, text: str) -> Any:
        return self.vocab[table].get(normalize_key(text))


def normalize_key(text: str) -> str:
    s = " ".join(text.lower().replace("’", "'").split())
    return s.rstrip(".")


def _strip_accents(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")


def _atom(ch: str) -> str:
    if ch == " ":
        return r"\s+"
    if ch in "'’":
        return "['’]"
    return re.escape(ch)


def literal_alternation(keys: list[str]) -> str:
    """A regex matching any of the literal keys, longest first, compiled as a trie.

    Python's ``re`` tries alternatives one by one at every position; factoring
    common prefixes ("maand", "maandag", "maanden") makes the branch fail on the
    first character that differs, which is what keeps tagging fast. Whitespace in
    a key matches any run of spaces, an apostrophe both ' and ’.
    """
    trie: dict = {}
    for k in set(keys):
        if not k:
            continue
        node = trie
        for ch in k:
            node = node.setdefault(_atom(ch), {})
        node[""] = True
    if not trie:
        return "(?!x)x"

    def render(node: dict) -> str:
        end = "" in node
        branches = [a + render(child) for a, child in sorted(node.items(), key=lambda kv: kv[0]) if a != ""]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and len(branches[0]) == 1 else "(?:" + "|".join(branches) + ")"
        if len(branches) == 1 and not end:
            return branches[0]
        return body + ("?" if end else "")

    return "(?:" + render(trie) + ")"


def _cldr_tables(code: str) -> tuple[dict[str, int], dict[str, int], dict[str, int], dict[str, int]]:
    months_full: dict[str, int] = {}
    months: dict[str, int] = {}
    for width in ("wide", "abbreviated"):
        for ctx in ("format", "stand-alone"):
            for num, name in get_month_names(width, ctx, locale=code).items():
                key = normalize_key(name)
                months[key] = num
                months[_strip_accents(key)] = num
                if width == "wide":
                    months_full[key] = num
    days_full: dict[str, int] = {}
    days: dict[str, int] = {}
    for width in ("wide", "abbreviated"):
        for ctx in ("format", "stand-alone"):
            for num, name in get_day_names(width, ctx, locale=code).items():
                key = normalize_key(name)
                days[key] = num + 1  # babel: 0 = Monday; ISO: 1 = Monday
                if width == "wide":
                    days_full[key] = num + 1
    return months, months_full, days, days_full


def _number_words(code: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for n in range(1, 101):
        w = num2words(n, lang=code)
        out[normalize_key(w)] = n
        out[_strip_accents(normalize_key(w))] = n
        if code == "en":
            out[normalize_key(w.replace("-", " "))] = n
    return out


def _ordinals(code: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for n in range(1, 32):
        out[normalize_key(num2words(n, lang=code, to="ordinal"))] = n
    return out


@dataclass(frozen=True)
class Gate:
    """A necessary condition for a rule to match: literal substrings of the lower-cased
    text (tested with ``in``, which is far faster than a regex scan) or a small regex."""

    literals: tuple[str, ...] = ()
    regex: re.Pattern[str] | None = None

    def open(self, text: str, lowered: str) -> bool:
        if self.regex is not None:
            return self.regex.search(text) is not None
        return any(lit in lowered for lit in self.literals)

    def hits(self, text: str, lowered: str, limit: int = 24) -> list[int] | None:
        """Offsets of the gate's evidence: ``[]`` when the gate is closed, ``None`` when there
        are more than ``limit`` hits (then the whole text is scanned)."""
        pos: list[int] = []
        if self.regex is not None:
            for m in self.regex.finditer(text):
                pos.append(m.start())
                if len(pos) > limit:
                    return None
            return pos
        for lit in self.literals:
            i = lowered.find(lit)
            while i != -1:
                pos.append(i)
                if len(pos) > limit:
                    return None
                i = lowered.find(lit, i + 1)
        return sorted(pos)


_LITERAL_GATE = re.compile(r"^(?:[\w' \-]|\{[A-Z_]+\}|\\s\+|\|)+$")


def _make_gate(spec: str, vocab_keys: dict[str, list[str]]) -> Gate:
    if _LITERAL_GATE.match(spec):
        lits: list[str] = []
        for part in spec.split("|"):
            m = _PLACEHOLDER.fullmatch(part)
            if m:
                lits.extend(max(k.split(" "), key=len) for k in vocab_keys[m.group(1)])
            else:
                lits.append(part.replace("\\s+", " ").lower())
        return Gate(literals=tuple(sorted(set(lits), key=len)))
    return Gate(regex=re.compile(spec, re.IGNORECASE))


@lru_cache(maxsize=None)
def load_language(code: str) -> TemporalLanguage:
    if code not in SUPPORTED:
        raise UnsupportedLanguage(f"no temporal resources for language {code!r} (available: {', '.join(SUPPORTED)})")
    raw = tomllib.loads(resources.files("tijdlijn").joinpath(f"lang/{code}/temporal.toml").read_text("utf-8"))
    months, months_full, days, days_full = _cldr_tables(code)
    v = raw.get("vocab", {})
    vocab: dict[str, dict[str, Any]] = {
        "month": {**months, **{normalize_key(k): n for k, n in v.get("month", {}).items()}},
        "weekday": {**days, **{normalize_key(k): n for k, n in v.get("weekday", {}).items()}},
        "num": {**_number_words(code), **{normalize_key(k): n for k, n in v.get("num", {}).items()}},
        "ord": {**_ordinals(code), **{normalize_key(k): n for k, n in v.get("ord", {}).items()}},
    }
    for table in ("vague_num", "unit", "season", "part", "shift", "decade_word", "holiday", "not_duration"):
        vocab[table] = {normalize_key(k): val for k, val in v.get(table, {}).items() if val != ""}
    lexicon = {normalize_key(k): val for k, val in raw.get("lexicon", {}).items()}
    hourwords = {k: n for k, n in vocab["num"].items() if isinstance(n, int) and 1 <= n <= 12 and " " not in k}
    vocab["hourword"] = hourwords

    ph: dict[str, str] = {
        "MONTH": literal_alternation(list(vocab["month"])),
        "MONTH_FULL": literal_alternation(list(months_full) + [k for k in v.get("month", {}) if len(k) > 3]),
        "WEEKDAY": literal_alternation(list(vocab["weekday"])),
        "WEEKDAY_FULL": literal_alternation(list(days_full)),
        "NUM": r"(?:\d+(?:[.,]\d+)?|" + literal_alternation(list(vocab["num"]))[3:],
        "VAGUE_NUM": literal_alternation(list(vocab["vague_num"])),
        "ORD": r"(?:\d{1,2}(?:e|ste|de|st|nd|rd|th)|" + literal_alternation(list(vocab["ord"]))[3:],
        "UNIT": literal_alternation(list(vocab["unit"])),
        "SEASON": literal_alternation(list(vocab["season"])),
        "SHIFT": literal_alternation(list(vocab["shift"])),
        "DECADE_WORD": literal_alternation(list(vocab["decade_word"])),
        "HOLIDAY": literal_alternation(list(vocab["holiday"])),
        "HOURWORD": literal_alternation(list(hourwords)),
        "YEAR": r"(?:1[0-9]\d\d|20\d\d)",
        "DAY": r"(?:[12]\d|3[01]|0?[1-9])",
    }
    # Case-sensitive variants: capitalized names only (English "May", "March", "Sunday").
    ph["MONTH_FULL_CASED"] = "(?:" + "|".join(
        re.escape(k[:1].upper() + k[1:]) for k in sorted(months_full, key=len, reverse=True)
    ) + ")"
    ph["WEEKDAY_FULL_CASED"] = "(?:" + "|".join(
        re.escape(k[:1].upper() + k[1:]) for k in sorted(days_full, key=len, reverse=True)
    ) + ")"
    pat_defs = raw.get("patterns", {})

    def expand(pattern: str) -> str:
        def sub(m: re.Match[str]) -> str:
            name = m.group(1)
            if name in ph:
                return ph[name]
            if name.lower() in pat_defs:
                return pat_defs[name.lower()]
            raise KeyError(f"lang/{code}/temporal.toml: unknown placeholder {{{name}}}")

        return _PLACEHOLDER.sub(sub, pattern)

    gate_keys = {
        "MONTH": list(vocab["month"]), "MONTH_FULL": list(months_full) + [k for k in v.get("month", {}) if len(k) > 3],
        "WEEKDAY": list(vocab["weekday"]), "WEEKDAY_FULL": list(days_full), "UNIT": list(vocab["unit"]),
        "SEASON": list(vocab["season"]), "SHIFT": list(vocab["shift"]), "HOLIDAY": list(vocab["holiday"]),
    }
    gates: dict[str, Gate] = {}
    rules: list[Rule] = []
    for i, r in enumerate(raw.get("rule", [])):
        flags = 0 if r.get("case") else re.IGNORECASE
        body = expand(r["pattern"])
        regex = re.compile(r"(?<![\w'’])(?:" + body + r")(?![\w])", flags)
        params = {k: val for k, val in r.items() if k not in ("name", "pattern", "norm", "case", "guard_before", "guard_not_before", "guard_after", "trim", "gate")}
        rules.append(
            Rule(
                name=r["name"],
                regex=regex,
                norm=r["norm"],
                params=params,
                priority=i,
                guard_before=re.compile(expand(r["guard_before"]), re.IGNORECASE) if r.get("guard_before") else None,
                guard_not_before=re.compile(expand(r["guard_not_before"]), re.IGNORECASE) if r.get("guard_not_before") else None,
                guard_after=re.compile(expand(r["guard_after"]), re.IGNORECASE) if r.get("guard_after") else None,
                trim=re.compile(expand(r["trim"]), re.IGNORECASE) if r.get("trim") else None,
                gate=gates.setdefault(r["gate"], _make_gate(r["gate"], gate_keys) if _LITERAL_GATE.match(r["gate"]) else _make_gate(expand(r["gate"]), gate_keys)) if r.get("gate") else None,
            )
        )
    # The lexicon is one more rule: every fixed phrase, longest first.
    lex_regex = re.compile(r"(?<![\w'’])(?:" + literal_alternation(list(lexicon)) + r")(?![\w])", re.IGNORECASE)
    rules.append(Rule(name=f"{code}-lexicon", regex=lex_regex, norm="lexicon", params={}, priority=len(rules)))

    mods = raw.get("mods", {})
    mod_patterns = {name: re.compile(r"(?:^|(?<=[\s(]))" + pat_defs[name] + r"(?:\s+|-)$", re.IGNORECASE) for name in mods}
    mod_prefix = re.compile(
        r"(?:^|(?<=[\s(]))(?:" + "|".join(pat_defs[name] for name in mods) + r")(?:\s+|-)$", re.IGNORECASE
    )
    det_prefix = re.compile(r"(?:^|(?<=[\s(]))" + pat_defs.get("det", "(?!x)x") + r"\s+$", re.IGNORECASE)
    tense = raw.get("tense", {})
    return TemporalLanguage(
        code=code,
        vocab=vocab,
        lexicon=lexicon,
        rules=rules,
        mod_prefix=mod_prefix,
        mod_of=dict(mods),
        mod_patterns=mod_patterns,
        det_prefix=det_prefix,
        past_cue=re.compile(r"(?<!\w)" + tense.get("past", "(?!x)x") + r"(?!\w)", re.IGNORECASE),
        future_cue=re.compile(r"(?<!\w)" + tense.get("future", "(?!x)x") + r"(?!\w)", re.IGNORECASE),
        evening_cue=re.compile(tense.get("evening", "(?!x)x"), re.IGNORECASE),
        past_weak_cue=re.compile(r"(?<!\w)" + tense.get("past_weak", "(?!x)x") + r"(?!\w)", re.IGNORECASE),
        abbreviations=frozenset(raw.get("sentence", {}).get("abbreviations", [])),
        untensed=tense.get("untensed"),
        lowercase_weekdays=bool(raw.get("sentence", {}).get("lowercase_weekdays", False)),
        placeholders=ph,
    )
