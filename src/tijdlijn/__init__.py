"""tijdlijn: turn dated news articles into a time-anchored knowledge base.

>>> import tijdlijn
>>> doc = tijdlijn.tag("IS heeft woensdag een opname verspreid.", date="2018-08-24", lang="nl")
>>> [(t.text, t.value) for t in doc.timexes]
[('woensdag', '2018-08-22')]
"""
from __future__ import annotations

import os as _os

# The NER network does many small matrix products per document; BLAS threads only add
# synchronisation cost there (10x slower on a busy 2-core machine), and parallelism comes
# from running documents in separate processes. A user's explicit setting wins.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    _os.environ.setdefault(_var, "1")

from .document import ArticleDate, Document, RefinedDate, Timex

__version__ = "0.1.0"
__all__ = ["tag", "annotate", "Document", "ArticleDate", "RefinedDate", "Timex", "__version__"]


def _new_document(text: str, date: str | None, lang: str | None, id: str, title: str | None) -> Document:
    return Document(text=text, id=id, lang=None if lang in (None, "auto") else lang, title=title,
                    date=ArticleDate.parse(date) if date else None)


def tag(text: str, date: str | None = None, lang: str | None = "auto", *, id: str = "", title: str | None = None) -> Document:
    """Tag and normalize the time expressions of ``text`` against the article ``date``.

    ``date`` is ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM`` (granularity is kept);
    ``lang`` is ``nl``, ``en`` or ``auto`` (detected).
    """
    from .pipeline import TIME_STAGES, annotate as run

    return run(_new_document(text, date, lang, id, title), TIME_STAGES)


def annotate(text: str, date: str | None = None, lang: str | None = "auto", *, id: str = "", title: str | None = None) -> Document:
    """The full pipeline: time expressions plus named entities, aliases, collection ids and places."""
    from .pipeline import DEFAULT_STAGES, annotate as run

    return run(_new_document(text, date, lang, id, title), DEFAULT_STAGES)
