"""Readers turn files, folders, globs and stdin into Documents.

Every reader yields ``Document`` or ``ReadError`` items: a bad record becomes an
error report for that record, never a crash of the batch.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ReadError:
    """A record that could not be read: where it is and what is wrong."""

    source: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.message}"


def decode_legacy(data: bytes) -> tuple[str, list[str]]:
    """Decode UTF-8, falling back to cp1252 (then latin-1) with a warning saying so."""
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        where = f"({exc.reason} at byte {exc.start})"
    try:
        return data.decode("cp1252"), [f"not valid UTF-8 {where}; decoded as cp1252"]
    except UnicodeDecodeError:
        return data.decode("latin-1"), [f"not valid UTF-8 {where}; decoded as latin-1"]


def declared_lang(raw: object) -> tuple[str | None, str | None]:
    """``(lang, warning)`` for a language a page or feed declares (``nl-NL`` → ``nl``).

    An unsupported or malformed declaration gives ``(None, warning)``: the
    pipeline then detects the language, which is safer than refusing a page
    whose CMS declares a wrong default.
    """
    from tijdlijn.langdetect import SUPPORTED_LANGS

    if not isinstance(raw, str) or not raw.strip():
        return None, None
    primary = raw.strip().lower().replace("_", "-").split("-")[0]
    if primary in SUPPORTED_LANGS:
        return primary, None
    shown = raw.strip()[:40]
    return None, f"declared language {shown!r} is not supported ({', '.join(SUPPORTED_LANGS)}); detecting it instead"


def is_url(item: object) -> bool:
    """An ``http://`` or ``https://`` input (any case)."""
    return isinstance(item, str) and item[:8].lower().startswith(("http://", "https://"))
