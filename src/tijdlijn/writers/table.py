"""A human-readable table of a document's time expressions and entities (``--format table``), with rich."""
from __future__ import annotations

import io

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from tijdlijn.document import Document

__all__ = ["render_document", "to_table"]


def _header(doc: Document) -> RenderableType:
    t = Text()
    t.append(doc.id or "(no id)", style="bold")
    t.append("  lang ", style="dim")
    t.append(doc.lang or "?")
    t.append("  date ", style="dim")
    if doc.date:
        t.append(f"{doc.date.value}", style="cyan")
        t.append(f" ({doc.date.granularity})", style="dim")
    else:
        t.append("unknown", style="yellow")
    if doc.refined_date and (not doc.date or doc.refined_date.date.value != doc.date.value):
        rd = doc.refined_date.date
        t.append("  refined ", style="dim")
        t.append(rd.value, style="bold cyan")
        if rd.earliest != rd.latest:
            t.append(f" ({rd.earliest.isoformat()}…{rd.latest.isoformat()})", style="dim")
    parts: list[RenderableType] = [t]
    if doc.title:
        parts.append(Text(doc.title, style="italic"))
    if doc.refined_date and doc.refined_date.evidence:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, style="dim")
        grid.add_column(style="dim")
        for ev in doc.refined_date.evidence:
            grid.add_row("  •", ev)
        parts.append(grid)
    return Group(*parts)


def _rule(tx) -> str:  # type: ignore[no-untyped-def]
    """``nl-lexicon:vorig jaar`` → ``nl-lexicon`` when the part after ``:`` is just the timex text."""
    name, sep, detail = (tx.rule or "").partition(":")
    if sep and detail.strip().lower() == tx.text.strip().lower():
        return name
    return tx.rule or ""


def _explanation(tx) -> str:  # type: ignore[no-untyped-def]
    expl = tx.explanation or ""
    if tx.anchor and "anchor" not in expl:
        expl = f"{expl} (anchor: {tx.anchor.replace('_', ' ')})".strip()
    return expl


def render_document(doc: Document, width: int | None = None) -> RenderableType:
    """The header line(s) and the timex table of one document.

    Below 90 columns the rule column is left out (the explanation says the same, longer).
    """
    show_rule = width is None or width >= 90
    parts: list[RenderableType] = [_header(doc)]
    if not doc.timexes:
        parts.append(Text("  no time expressions", style="dim"))
        return Group(*parts)
    table = Table(box=box.SIMPLE_HEAD, expand=False, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0),
                  header_style="bold")
    table.add_column("text", overflow="fold", max_width=20)
    table.add_column("type", no_wrap=True)
    table.add_column("value", overflow="fold", style="cyan", max_width=18)
    table.add_column("mod", overflow="fold", max_width=12)
    if show_rule:
        table.add_column("rule", overflow="fold", style="dim", max_width=14)
    table.add_column("explanation", ratio=1, overflow="fold")
    for tx in doc.timexes:
        cells = [tx.text, tx.type, tx.value, tx.mod or ""] + ([_rule(tx)] if show_rule else []) + [_explanation(tx)]
        table.add_row(*cells)
    parts.append(table)
    if "entities" in doc.meta.get("stages", ()):
        parts.append(_entity_table(doc))
    return Group(*parts)


def _entity_table(doc: Document) -> RenderableType:
    """Who and where: one row per entity, its mentions as written, and its place."""
    if not doc.entities:
        return Text("  no named entities", style="dim")
    table = Table(box=box.SIMPLE_HEAD, expand=False, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0),
                  header_style="bold")
    table.add_column("entity", overflow="fold", max_width=28, style="cyan")
    table.add_column("type", no_wrap=True)
    table.add_column("mentions", ratio=1, overflow="fold")
    table.add_column("place", overflow="fold", max_width=22)
    for e in doc.entities:
        forms = list(dict.fromkeys(m.text for m in e.mentions))
        mentions = f"{len(e.mentions)}×: " + "; ".join(forms)
        place = ""
        if e.place is not None:
            place = f"{e.place.country or '—'} {e.place.kind} ({e.place.lat:.2f}, {e.place.lon:.2f})"
        table.add_row(e.id, e.type, mentions, place)
    parts: list[RenderableType] = [table]
    if doc.related_places:
        rel = ", ".join(f"{r['text']}→{r.get('country') or '/'.join(r.get('countries') or [])}" for r in doc.related_places)
        parts.append(Text(f"  related places (demonyms): {rel}", style="dim"))
    return Group(*parts)


def to_table(doc: Document, *, width: int = 100, color: bool = False) -> str:
    """The rendered table as a string (plain text unless ``color``)."""
    buf = io.StringIO()
    console = Console(file=buf, width=width, force_terminal=color, no_color=not color, highlight=False)
    console.print(render_document(doc, width))
    return buf.getvalue()
