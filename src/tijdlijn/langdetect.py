"""Language identification (nl/en) with py3langid, whose model ships inside the package."""
from __future__ import annotations

from functools import lru_cache

SUPPORTED_LANGS = ("nl", "en")


@lru_cache(maxsize=1)
def _identifier():  # type: ignore[no-untyped-def]
    from py3langid.langid import _load_identifier

    return _load_identifier(norm_probs=True, langs=list(SUPPORTED_LANGS))


def detect_language(text: str, default: str = "nl") -> tuple[str, float]:
    """The most likely of the supported languages and its probability; ``default`` for empty text."""
    sample = text[:4000]
    if not any(ch.isalpha() for ch in sample):
        return default, 0.0
    lang, prob = _identifier().classify(sample)
    return lang, float(prob)
