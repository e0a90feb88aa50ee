"""Write a Document's TIMEX3 layer as TimeML (system output for the TempEval-3 scorer).

The TE3 scorer (``TE3-evaluation.py``) compares a system file with the gold file
of the same name; the text content of ``<TEXT>`` must be the same as the gold
file's. For a document read by ``tijdlijn.readers.timeml`` we therefore keep the
original header (``doc.meta["timeml"]["prefix"]``: XML declaration, DOCID, DCT
TIMEX3 t0, TITLE, EXTRAINFO) verbatim, write the original text with only *our*
TIMEX3 tags inline (gold EVENT/SIGNAL tags and the MAKEINSTANCE/TLINK part are
dropped, unless ``keep_events=True``), and close with ``</TEXT></TimeML>``.
Otherwise a minimal TimeML wrapper is built from ``doc.id`` and ``doc.date``.
"""
from __future__ import annotations

import re
from typing import Iterable

from tijdlijn.document import Document, Timex
from tijdlijn.readers.timeml import unescape_xml

__all__ = ["to_timeml", "escape_text", "escape_attr"]

_TID_RE = re.compile(r"^t\d+$")
_TOKEN_RE = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<[^>]*>|&[^;<&\s]*;|[^<&]+|[<&]",
    re.S,
)
_LINK_RE = re.compile(r"<(TLINK|SLINK|ALINK)\b[^>]*>\s*", re.S)


def escape_text(s: str) -> str:
    """Escape character data minimally (``&``, ``<``, and ``>`` only in ``]]>``), like the TBAQ files."""
    return s.replace("&", "&amp;").replace("<", "&lt;").replace("]]>", "]]&gt;")


def escape_attr(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def _select(doc: Document) -> tuple[list[Timex], list[str]]:
    """Timexes in text order, without empty/out-of-range ones and without overlaps."""
    warnings: list[str] = []
    kept: list[Timex] = []
    last_end = -1
    for t in sorted(doc.timexes, key=lambda t: (t.start, -(t.end - t.start))):
        if not (0 <= t.start < t.end <= len(doc.text)):
            warnings.append(f"timex {t.id} [{t.start},{t.end}) is empty or outside the text; not written")
            continue
        if t.start < last_end:
            warnings.append(f"timex {t.id} [{t.start},{t.end}) overlaps an earlier timex; not written")
            continue
        kept.append(t)
        last_end = t.end
    return kept, warnings


def _tids(timexes: list[Timex]) -> dict[str, str]:
    """Our timex id → TimeML tid. Keep ids like ``t7`` if unique and not t0, else renumber t1…"""
    ids = [t.id for t in timexes]
    if all(_TID_RE.match(i or "") and i != "t0" for i in ids) and len(set(ids)) == len(ids):
        return {i: i for i in ids}
    return {t.id: f"t{n}" for n, t in enumerate(timexes, 1)}


def _open_tag(t: Timex, tid: str, tids: dict[str, str]) -> str:
    anchor_id = None
    if t.anchor in ("article_date", "refined_article_date"):
        anchor_id = "t0"
    elif t.anchor and t.anchor.startswith("timex:"):
        ref = t.anchor[6:]
        anchor_id = "t0" if ref == "t0" else tids.get(ref)
    attrs = [
        ("tid", tid),
        ("type", t.type),
        ("value", t.value),
        ("temporalFunction", "true" if t.anchor else "false"),
        ("functionInDocument", "NONE"),
    ]
    if t.mod:
        attrs.append(("mod", t.mod))
    if t.quant:
        attrs.append(("quant", t.quant))
    if t.freq:
        attrs.append(("freq", t.freq))
    if anchor_id:
        attrs.append(("anchorTimeID", anchor_id))
    return "<TIMEX3 " + " ".join(f'{k}="{escape_attr(str(v))}"' for k, v in attrs) + ">"


def _inline_plain(text: str, timexes: Iterable[Timex], tids: dict[str, str]) -> str:
    out, pos = [], 0
    for t in timexes:
        out.append(escape_text(text[pos:t.start]))
        out.append(_open_tag(t, tids[t.id], tids) + escape_text(text[t.start:t.end]) + "</TIMEX3>")
        pos = t.end
    out.append(escape_text(text[pos:]))
    return "".join(out)


def _inline_raw(text_raw: str, text: str, timexes: list[Timex], tids: dict[str, str]) -> tuple[str, list[str]]:
    """Insert TIMEX3 tags into the original inner XML (EVENT/SIGNAL kept).

    A timex whose start and end are not inside the same element (it would cross
    an EVENT/SIGNAL boundary) is skipped.
    """
    warnings: list[str] = []
    wanted_starts = {t.start for t in timexes}
    wanted_ends = {t.end for t in timexes}
    starts: dict[int, tuple[int, tuple[int, ...]]] = {}  # plain offset -> (raw offset, open-element path)
    ends: dict[int, tuple[int, tuple[int, ...]]] = {}
    pos = rpos = 0
    stack: list[int] = []
    n_el = 0
    plain: list[str] = []
    for tok in _TOKEN_RE.findall(text_raw):
        if tok.startswith("<") and not tok.startswith("<![CDATA["):
            if not (tok.startswith("<!--") or tok.startswith("<?")):
                if tok.startswith("</"):
                    if stack:
                        stack.pop()
                elif not tok.endswith("/>"):
                    n_el += 1
                    stack.append(n_el)
            rpos += len(tok)
            continue
        if tok.startswith("&"):
            chars = [(unescape_xml(tok), tok)]
        elif tok.startswith("<![CDATA["):
            chars = [(tok[9:-3], tok)]
        else:
            chars = [(c, c) for c in tok]
        for plain_chars, raw in chars:
            # a start goes after the tags preceding its first character, an end right after its last one
            if pos in wanted_starts and pos not in starts:
                starts[pos] = (rpos, tuple(stack))
            plain.append(plain_chars)
            pos += len(plain_chars)
            rpos += len(raw)
            if pos in wanted_ends:
                ends[pos] = (rpos, tuple(stack))
    if "".join(plain) != text:
        raise ValueError("doc.meta['timeml']['text_raw'] does not match doc.text; cannot keep events")
    inserts: list[tuple[int, int, str]] = []
    for t in timexes:
        if t.start not in starts or t.end not in ends or starts[t.start][1] != ends[t.end][1]:
            warnings.append(f"timex {t.id} [{t.start},{t.end}) crosses an EVENT/SIGNAL tag; not written")
            continue
        inserts.append((starts[t.start][0], 1, _open_tag(t, tids[t.id], tids)))
        inserts.append((ends[t.end][0], 0, "</TIMEX3>"))
    out, last = [], 0
    for r, _, tag in sorted(inserts):
        out.append(text_raw[last:r])
        out.append(tag)
        last = r
    out.append(text_raw[last:])
    return "".join(out), warnings


def to_timeml(doc: Document, *, keep_events: bool = False) -> str:
    """TimeML for ``doc`` with ``doc.timexes`` as inline TIMEX3 tags.

    Overlapping timexes are not nested: a timex overlapping an earlier
    (or longer at the same start) one is skipped. Skips are reported in
    ``doc.warnings``. With ``keep_events=True`` (only for documents read from
    TimeML) the original EVENT/SIGNAL tags, MAKEINSTANCEs and the links that do
    not refer to a time expression are kept too.
    """
    timexes, warnings = _select(doc)
    tids = _tids(timexes)
    tm = doc.meta.get("timeml") if isinstance(doc.meta, dict) else None
    if tm and tm.get("prefix"):
        prefix = tm["prefix"]
        if keep_events and tm.get("text_raw") is not None:
            body, w = _inline_raw(tm["text_raw"], doc.text, timexes, tids)
            warnings += w
            suffix = tm.get("suffix", "</TEXT>\n</TimeML>\n")
            # links may refer to gold tids that no longer exist: drop those mentioning a time
            suffix = _LINK_RE.sub(
                lambda m: "" if re.search(r"\b(?:timeID|relatedToTime|anchorTime)=", m.group(0)) else m.group(0),
                suffix,
            )
        else:
            body = _inline_plain(doc.text, timexes, tids)
            suffix = "</TEXT>\n\n</TimeML>\n"
        out = prefix + body + suffix
    else:
        dct = doc.date.value if doc.date else ""
        dct_type = "TIME" if doc.date and doc.date.granularity == "time" else "DATE"
        title = f"<TITLE>{escape_text(doc.title)}</TITLE>\n\n" if doc.title else ""
        out = (
            '<?xml version="1.0" ?>\n'
            '<TimeML xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:noNamespaceSchemaLocation="http://timeml.org/timeMLdocs/TimeML_1.2.1.xsd">\n\n'
            f"<DOCID>{escape_text(doc.id)}</DOCID>\n\n"
            f'<DCT><TIMEX3 tid="t0" type="{dct_type}" value="{escape_attr(dct)}" temporalFunction="false" '
            f'functionInDocument="CREATION_TIME">{escape_text(dct)}</TIMEX3></DCT>\n\n'
            f"{title}"
            f"<TEXT>{_inline_plain(doc.text, timexes, tids)}</TEXT>\n\n</TimeML>\n"
        )
    for w in warnings:
        if w not in doc.warnings:
            doc.warnings.append(w)
    return out
