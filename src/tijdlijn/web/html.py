"""HTML building blocks. Every piece of user or article text goes through :func:`e` (HTML escaping,
quotes included) — there is no other way text reaches a page; data for scripts is embedded as JSON in
``<script type="application/json">`` with ``<``, ``>`` and ``&`` escaped, and read with ``JSON.parse``."""
from __future__ import annotations

import json
from html import escape
from typing import Any, Iterable
from urllib.parse import quote, urlencode

__all__ = ["e", "attrs", "json_script", "url", "mark_snippet", "render_annotated", "safe_href", "Ann"]


def e(x: Any) -> str:
    return escape("" if x is None else str(x), quote=True)


def attrs(**kw: Any) -> str:
    """` key="value"` pairs, escaped; ``class_`` → ``class``, ``data_x`` → ``data-x``; None/False skipped."""
    out = []
    for k, v in kw.items():
        if v is None or v is False:
            continue
        name = k.rstrip("_").replace("_", "-")
        out.append(f" {name}" if v is True else f' {name}="{e(v)}"')
    return "".join(out)


def json_script(element_id: str, data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f'<script type="application/json" id="{e(element_id)}">{text}</script>'


def url(path: str, params: Iterable[tuple[str, Any]] | dict[str, Any] = ()) -> str:
    items = params.items() if isinstance(params, dict) else params
    kept = [(k, v) for k, v in items if v not in (None, "")]
    return path + ("?" + urlencode(kept) if kept else "")


def path_id(x: str) -> str:
    return quote(x, safe=":")


def safe_href(link: str | None) -> str | None:
    """Only http(s) links become hrefs (no ``javascript:``, ``data:`` …)."""
    if link and link.strip().lower().startswith(("http://", "https://")):
        return link.strip()
    return None


def mark_snippet(snippet: str, marks: tuple[str, str] = ("\x01", "\x02")) -> str:
    return e(snippet).replace(marks[0], "<mark>").replace(marks[1], "</mark>")


class Ann:
    """One highlighted span: ``tag`` with ``attributes`` around text[start:end]; ``rank`` orders spans with
    the same extent (lower = outer)."""

    __slots__ = ("start", "end", "rank", "tag", "first_attrs", "cont_attrs", "opened", "order")

    def __init__(self, start: int, end: int, rank: int, tag: str, first_attrs: str, cont_attrs: str) -> None:
        self.start, self.end, self.rank, self.tag = start, end, rank, tag
        self.first_attrs, self.cont_attrs = first_attrs, cont_attrs
        self.opened = False
        self.order = (start, -end, rank)


def render_annotated(text: str, anns: list[Ann]) -> str:
    """``text`` with possibly overlapping spans as properly nested HTML: a span that crosses the end of
    an enclosing one is closed and reopened (the continuation carries ``cont_attrs``)."""
    n = len(text)
    anns = [a for a in anns if 0 <= a.start < a.end <= n]
    anns.sort(key=lambda a: a.order)
    points = sorted({0, n, *(a.start for a in anns), *(a.end for a in anns)})
    out: list[str] = []
    stack: list[Ann] = []
    # anns sorted by start: a moving window of candidates
    i = 0
    live: list[Ann] = []
    for a, b in zip(points, points[1:]):
        while i < len(anns) and anns[i].start <= a:
            live.append(anns[i])
            i += 1
        live = [x for x in live if x.end > a]
        active = [x for x in live if x.start <= a and x.end >= b]  # already in order
        k = 0
        while k < len(stack) and k < len(active) and stack[k] is active[k]:
            k += 1
        for x in reversed(stack[k:]):
            out.append(f"</{x.tag}>")
        for x in active[k:]:
            out.append(f"<{x.tag}{x.cont_attrs if x.opened else x.first_attrs}>")
            x.opened = True
        stack = active
        out.append(e(text[a:b]))
    for x in reversed(stack):
        out.append(f"</{x.tag}>")
    return "".join(out)
