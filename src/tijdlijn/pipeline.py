"""The per-document pipeline: an ordered list of stages, each ``Document -> Document``.

Stages declare the layers they add. ``annotate`` runs a pipeline (by default the
whole one: language, segmentation, time, entities); callers may pass a subset,
e.g. ``TIME_STAGES`` for ``tijdlijn tag``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from .document import Document
from .langdetect import SUPPORTED_LANGS, detect_language
from .temporal.language import SUPPORTED, load_language
from .temporal.tagger import split_sentences, tag_timexes, tokenize


@dataclass(frozen=True)
class Stage:
    name: str
    adds: tuple[str, ...]
    run: Callable[[Document], Document]


def identify_language(doc: Document) -> Document:
    if not doc.lang or doc.lang == "auto":
        lang, prob = detect_language(doc.text)
        doc.lang = lang
        doc.meta["lang_detected"] = {"lang": lang, "probability": round(prob, 4)}
    return doc


def segment(doc: Document) -> Document:
    """Sentences and tokens (character spans)."""
    if not doc.sentences:
        abbreviations = load_language(doc.lang).abbreviations if doc.lang in SUPPORTED else frozenset()
        doc.sentences = split_sentences(doc.text, abbreviations)
    if not doc.tokens:
        doc.tokens = tokenize(doc.text)
    return doc


def tag_time(doc: Document) -> Document:
    if doc.lang not in SUPPORTED_LANGS:
        doc.warnings.append(f"no temporal resources for language {doc.lang!r}; time expressions not tagged")
        return doc
    return tag_timexes(doc)


def tag_entities(doc: Document) -> Document:
    """Named entities, their aliases within the article, collection ids and places."""
    from .entities.stage import annotate_entities

    return annotate_entities(doc)


def tag_said(doc: Document) -> Document:
    """Quotes with speakers, reported statements and claim status."""
    from .said.stage import annotate_said

    return annotate_said(doc)


def check_date(doc: Document) -> Document:
    """When the article date is given: does the text contradict it? (``meta["date_check"]``)"""
    from .temporal.dating import check_document

    if doc.date is not None and "date_check" not in doc.meta and not doc.meta.get("date_inferred"):
        result = check_document(doc)
        if result is not None:
            doc.meta["date_check"] = result
    return doc


LANGUAGE = Stage("language", ("lang",), identify_language)
SEGMENT = Stage("segment", ("sentences", "tokens"), segment)
TIME = Stage("time", ("timexes", "refined_date"), tag_time)
ENTITIES = Stage("entities", ("entities", "related_places"), tag_entities)
SAID = Stage("said", ("quotes", "claims", "events"), tag_said)
DATE_CHECK = Stage("date_check", ("meta.date_check",), check_date)
TIME_STAGES: tuple[Stage, ...] = (LANGUAGE, SEGMENT, TIME)
DEFAULT_STAGES: tuple[Stage, ...] = (LANGUAGE, SEGMENT, TIME, ENTITIES, SAID, DATE_CHECK)


def annotate(doc: Document, stages: Sequence[Stage] = DEFAULT_STAGES) -> Document:
    for stage in stages:
        doc = stage.run(doc)
        done = doc.meta.setdefault("stages", [])
        if stage.name not in done:
            done.append(stage.name)
    return doc
