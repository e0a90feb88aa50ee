"""Per-language cue data for quotes, reported speech and claim status (``lang/<code>/said.toml``)."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from tijdlijn.temporal.language import literal_alternation

__all__ = ["SaidLanguage", "load_said", "SUPPORTED"]

SUPPORTED = ("nl", "en")


@dataclass
class SaidLanguage:
    code: str
    verb_forms: dict[str, str]  # lower-cased form -> lemma
    particles: dict[str, str]  # lemma -> separable particle
    verb_rx: re.Pattern[str]
    according_rx: re.Pattern[str]
    pronouns: dict[str, str]
    complementizers: frozenset[str]
    determiners: frozenset[str]
    claim_rules: list[tuple[str, re.Pattern[str]]] = field(default_factory=list)
    ended_rx: re.Pattern[str] | None = None


@lru_cache(maxsize=None)
def load_said(code: str) -> SaidLanguage:
    if code not in SUPPORTED:
        code = "en"
    with resources.files("tijdlijn").joinpath(f"lang/{code}/said.toml").open("rb") as fh:
        data = tomllib.load(fh)
    forms: dict[str, str] = {}
    particles: dict[str, str] = {}
    for verb in data.get("speech", []):
        for f in verb["forms"]:
            forms.setdefault(f.lower(), verb["lemma"])
        if verb.get("particle"):
            particles[verb["lemma"]] = verb["particle"]
    q = data.get("quotes", {})
    verb_rx = re.compile(r"(?<![\w-])" + literal_alternation(sorted(forms)) + r"(?![\w-])", re.IGNORECASE)
    according = q.get("according_to", [])
    according_rx = re.compile(r"(?<![\w-])" + literal_alternation(according) + r"(?![\w-])", re.IGNORECASE)
    rules = []
    for rule in data.get("claim", []):
        rx = re.compile(r"(?<![\w-])(?:" + "|".join(f"(?:{c})" for c in rule["cues"]) + r")(?![\w-])", re.IGNORECASE)
        rules.append((rule["status"], rx))
    ended = data.get("claim_resolution", {}).get("ended", [])
    ended_rx = re.compile("|".join(f"(?:{c})" for c in ended), re.IGNORECASE) if ended else None
    return SaidLanguage(
        code=code, verb_forms=forms, particles=particles, verb_rx=verb_rx, according_rx=according_rx,
        pronouns={k.lower(): v for k, v in q.get("pronouns", {}).items()},
        complementizers=frozenset(w.lower() for w in q.get("complementizers", [])),
        determiners=frozenset(w.lower() for w in q.get("determiners", [])),
        claim_rules=rules, ended_rx=ended_rx,
    )
