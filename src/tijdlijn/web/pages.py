"""The web app: server-rendered pages (search, article, entity, entities, map, API docs) in Dutch and
English, with small scripts from ``static/`` for tooltips, the timeline and the maps. Every page works
offline: all assets come from this package."""
from __future__ import annotations

import json
from typing import Any, Optional

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response

from tijdlijn.kb import queries as Q
from tijdlijn.web.db import StoreProvider
from tijdlijn.web.html import Ann, attrs, e, json_script, mark_snippet, path_id, render_annotated, safe_href, url
from tijdlijn.web.i18n import COOKIE, LANGS, T, pick

__all__ = ["register_pages", "error_page"]

ASSET_VERSION = "1"


def _t(request: Request) -> T:
    return T(pick(request.query_params.get("ui"), request.cookies.get(COOKIE), request.headers.get("accept-language")))


def _switch_url(request: Request, lang: str) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "ui"]
    return url(request.url.path, [*params, ("ui", lang)])


def _static(name: str) -> str:
    return f"/static/{name}?v={ASSET_VERSION}"


def layout(request: Request, t: T, title: str, body: str, *, active: str = "", scripts: tuple[str, ...] = (),
           styles: tuple[str, ...] = (), status: int = 200, data: Any = None) -> HTMLResponse:
    nav = []
    for key, href, label in (("search", "/", t("nav_search")), ("entities", "/entities", t("nav_entities")),
                             ("map", "/map", t("nav_map")), ("api", "/docs", t("nav_api"))):
        cur = ' aria-current="page"' if key == active else ""
        nav.append(f'<li><a href="{e(href)}"{cur}>{e(label)}</a></li>')
    switch = []
    for lg in LANGS:
        if lg == t.lang:
            switch.append(f'<li><span class="cur" aria-current="true" lang="{lg}">{lg.upper()}</span></li>')
        else:
            switch.append(f'<li><a href="{e(_switch_url(request, lg))}" lang="{lg}" hreflang="{lg}" '
                          f'data-ui="{lg}">{lg.upper()}</a></li>')
    css = "".join(f'<link rel="stylesheet" href="{e(_static(s))}">' for s in (*styles, "app.css"))
    js = "".join(f'<script src="{e(_static(s))}" defer></script>' for s in ("app.js", *scripts))
    page_data = json_script("page-data", data) if data is not None else ""
    html = f"""<!doctype html>
<html lang="{t.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)} · tijdlijn</title>
<link rel="icon" href="{e(_static('favicon.svg'))}" type="image/svg+xml">
{css}{js}
</head>
<body>
<a class="skip" href="#main">{e(t('skip'))}</a>
<header class="top">
<a class="brand" href="/"><span class="logo" aria-hidden="true"></span>tijdlijn</a>
<nav aria-label="main"><ul>{''.join(nav)}</ul></nav>
<nav class="langs" aria-label="{e(t('language'))}"><ul>{''.join(switch)}</ul></nav>
</header>
<main id="main" tabindex="-1">
{body}
</main>
{page_data}
</body>
</html>"""
    resp = HTMLResponse(html, status_code=status)
    ui = request.query_params.get("ui")
    if ui in LANGS:
        resp.set_cookie(COOKIE, ui, max_age=365 * 86400, samesite="lax", httponly=True)
    resp.headers["Content-Language"] = t.lang
    return resp


def error_page(request: Request, status: int, code: str, message: str, field: str | None = None,
               **extra: Any) -> HTMLResponse:
    t = _t(request)
    head = {404: t("not_found"), 503: t("db_unavailable")}.get(status, t("error"))
    sugg = ""
    if extra.get("suggestions"):
        links = ", ".join(f'<a href="/entity/{e(path_id(s["id"]))}">{e(s["name"])}</a>' for s in extra["suggestions"])
        sugg = f"<p>{e(t('did_you_mean'))} {links}?</p>"
    body = (f'<section class="error-page"><h1>{status} · {e(head)}</h1><p class="error" role="alert">{e(message)}</p>'
            f'{sugg}<p><a href="/">{e(t("back_to_search"))}</a></p></section>')
    return layout(request, t, f"{status} {head}", body, status=status)


def _title_of(item: dict[str, Any], t: T) -> str:
    return item.get("title") or item.get("id") or t("untitled")


def _type_label(t: T, typ: str | None) -> str:
    return t(f"type_{typ}") if typ in ("PER", "ORG", "LOC", "MISC") else (typ or "")


# ============================================================================ search
_FILTER_KEYS = ("q", "from", "to", "about_from", "about_to", "lang")


def _search_params(request: Request) -> list[tuple[str, str]]:
    return [(k, v) for k, v in request.query_params.multi_items()
            if k in (*_FILTER_KEYS, "entity", "place") and v != ""]


def _with(params: list[tuple[str, str]], add: list[tuple[str, str]] = (), drop: tuple[str, ...] = (),  # type: ignore[assignment]
          drop_pair: tuple[str, str] | None = None) -> str:
    kept = [(k, v) for k, v in params if k not in drop and (k, v) != drop_pair]
    for k, v in add:
        if (k, v) not in kept:
            kept.append((k, v))
    return url("/", kept)


def register_pages(app: FastAPI, provider: StoreProvider) -> None:

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/", include_in_schema=False, response_class=HTMLResponse)
    def search_page(request: Request, q: str = "", entity: list[str] = Query([]), place: list[str] = Query([]),
                    lang: Optional[str] = None, cursor: Optional[str] = None) -> HTMLResponse:
        t = _t(request)
        qp = request.query_params
        params = _search_params(request)
        error, suggestions, result, fac = None, [], None, None
        try:
            with provider.store() as st:
                f = Q.resolve_filters(st, q=q[:1000], date_from=qp.get("from") or None, date_to=qp.get("to") or None,
                                      about_from=qp.get("about_from") or None, about_to=qp.get("about_to") or None,
                                      entity=entity[:20], place=place[:20], lang=lang or None)
                result = Q.find_articles(st, f, limit=20, cursor=cursor, with_total=True, mark=Q.MARK)
                fac = Q.facets(st, f)
                ent_names = {}
                for ref, ids in zip(f.entity_refs, f.entity_groups):
                    r = st.query("SELECT name FROM entities WHERE id = ?", (ids[0],))
                    ent_names[ref] = r[0][0] if r else ref
                place_names = {}
                for ref in f.place_refs:
                    r = st.query("SELECT name FROM places WHERE id = ?", (ref,))
                    place_names[ref] = r[0][0] if r else ref
        except Q.ParamError as exc:
            error, suggestions = exc.message, exc.extra.get("suggestions") or []
            ent_names, place_names = {}, {}
        status = 422 if error else 200
        body = [f'<h1 class="visually-hidden">{e(t("nav_search"))}</h1>', _search_form(t, qp, entity, place, lang)]
        chips = []
        for k, v in params:
            if k in ("q",):
                continue
            label = {"from": t("published_from"), "to": t("published_to"), "about_from": t("about_from"),
                     "about_to": t("about_to"), "lang": t("article_lang"), "entity": t("entity"),
                     "place": t("place")}.get(k, k)
            shown = ent_names.get(v, v) if k == "entity" else place_names.get(v, v) if k == "place" else v
            chips.append(f'<li><a class="chip" href="{e(_with(params, drop_pair=(k, v)))}" '
                         f'aria-label="{e(t("remove_filter"))}: {e(label)} {e(shown)}">{e(label)}: {e(shown)} '
                         f'<span aria-hidden="true">×</span></a></li>')
        if chips:
            body.append(f'<nav class="chips" aria-label="{e(t("active_filters"))}"><ul>{"".join(chips)}</ul></nav>')
        if error:
            s = ""
            if suggestions:
                s = " " + e(t("did_you_mean")) + " " + ", ".join(
                    f'<a href="{e(_with(params, add=[("entity", x["id"])], drop=("entity",)))}">{e(x["name"])}</a>'
                    for x in suggestions) + "?"
            body.append(f'<p class="error" role="alert">{e(error)}{s}</p>')
        body.append('<div class="search-layout">')
        body.append(_facets_html(t, fac, params) if fac else "<aside></aside>")
        body.append('<section class="results" aria-labelledby="results-h">')
        if result is not None:
            n = result.get("total", 0)
            count = t("n_results_capped", n=f"{n:,}") if result.get("total_capped") else t("n_results", n=f"{n:,}")
            body.append(f'<h2 id="results-h">{e(t("results"))} <small>({e(count)})</small></h2>')
            if not result["items"]:
                body.append(f'<p class="empty">{e(t("no_results"))}</p>')
            body.append('<ol class="hits">')
            for it in result["items"]:
                meta = " · ".join(e(x) for x in (it.get("date"), it.get("lang"), it.get("source")) if x)
                body.append(f'<li class="hit"><h3><a href="/article/{e(path_id(it["id"]))}">{e(_title_of(it, t))}</a>'
                            f'</h3><p class="meta">{meta}</p><p class="snippet">{mark_snippet(it["snippet"])}</p></li>')
            body.append("</ol>")
            pager = []
            if cursor:
                pager.append(f'<a href="{e(url("/", params))}">{e(t("first_page"))}</a>')
            if result.get("next_cursor"):
                pager.append(f'<a rel="next" href="{e(url("/", [*params, ("cursor", result["next_cursor"])]))}">'
                             f'{e(t("next_page"))} →</a>')
            if pager:
                body.append(f'<nav class="pager" aria-label="pages">{" ".join(pager)}</nav>')
        body.append("</section></div>")
        return layout(request, t, (q + " · " if q else "") + t("nav_search"), "".join(body), active="search",
                      status=status)

    @app.get("/article/{article_id:path}", include_in_schema=False, response_class=HTMLResponse)
    def article_page(request: Request, article_id: str) -> HTMLResponse:
        t = _t(request)
        with provider.store() as st:
            doc = Q.article(st, article_id)
        return layout(request, t, doc.get("title") or doc["id"], _article_html(t, doc), scripts=())

    @app.get("/entities", include_in_schema=False, response_class=HTMLResponse)
    def entities_page(request: Request, q: Optional[str] = None, type: Optional[str] = None,
                      cursor: Optional[str] = None) -> HTMLResponse:
        t = _t(request)
        error = None
        try:
            with provider.store() as st:
                res = Q.list_entities(st, q=(q or None) and q[:200], type=type or None, limit=50, cursor=cursor)
        except Q.ParamError as exc:
            error, res = exc.message, {"items": [], "next_cursor": None}
        opts = "".join(f'<option value="{x}"{" selected" if (type or "").upper() == x else ""}>{e(_type_label(t, x))}'
                       f'</option>' for x in ("PER", "ORG", "LOC", "MISC"))
        rows = "".join(
            f'<tr><td><a href="/entity/{e(path_id(it["id"]))}">{e(it["name"])}</a></td>'
            f'<td><span class="badge b-{e(it["type"])}">{e(_type_label(t, it["type"]))}</span></td>'
            f'<td class="num">{e(it["article_count"])}</td><td class="num">{e(it["mention_count"])}</td>'
            f'<td>{e(it["first_date"])}</td><td>{e(it["last_date"])}</td></tr>' for it in res["items"])
        params = [(k, v) for k, v in (("q", q), ("type", type)) if v]
        nxt = (f'<nav class="pager"><a rel="next" href="{e(url("/entities", [*params, ("cursor", res["next_cursor"])]))}">'
               f'{e(t("next_page"))} →</a></nav>') if res.get("next_cursor") else ""
        body = f"""<h1>{e(t('all_entities'))}</h1>
<form class="inline-form" method="get" action="/entities" role="search">
<label>{e(t('filter_name'))} <input type="search" name="q" value="{e(q or '')}"></label>
<label>{e(t('type'))} <select name="type"><option value="">{e(t('any'))}</option>{opts}</select></label>
<button type="submit">{e(t('show'))}</button></form>
{f'<p class="error" role="alert">{e(error)}</p>' if error else ''}
<table class="list"><thead><tr><th>{e(t('col_name'))}</th><th>{e(t('col_type'))}</th><th>{e(t('col_articles'))}</th>
<th>{e(t('col_mentions'))}</th><th>{e(t('col_first'))}</th><th>{e(t('col_last'))}</th></tr></thead>
<tbody>{rows}</tbody></table>{nxt}"""
        return layout(request, t, t("all_entities"), body, active="entities", status=422 if error else 200)

    @app.get("/entity/{entity_id}", include_in_schema=False, response_class=HTMLResponse)
    def entity_page(request: Request, entity_id: str) -> HTMLResponse:
        t = _t(request)
        with provider.store() as st:
            ent = Q.entity_detail(st, entity_id)
            tl = provider.cached(("timeline-page", ent["id"]), lambda: Q.entity_timeline_geo(st, ent["id"], limit=300))
        body, data = _entity_html(t, ent, tl)
        return layout(request, t, ent["name"], body, scripts=("vendor/leaflet/leaflet.js", "timeline.js", "map.js"),
                      styles=("vendor/leaflet/leaflet.css",), data=data)

    @app.get("/map", include_in_schema=False, response_class=HTMLResponse)
    def map_page(request: Request) -> HTMLResponse:
        t = _t(request)
        qp = request.query_params
        error = None
        try:
            lo, hi = Q.date_bound(qp.get("from") or None, "start", "from"), Q.date_bound(qp.get("to") or None, "end", "to")
        except Q.ParamError as exc:
            error, lo, hi = exc.message, None, None
        body = f"""<h1>{e(t('map_title'))}</h1>
<p class="help">{e(t('map_help'))}</p>
<form id="map-form" class="inline-form" method="get" action="/map">
<label>{e(t('window_from'))} <input name="from" id="map-from" value="{e(qp.get('from', ''))}" placeholder="{e(t('date_hint'))}" size="12"></label>
<label>{e(t('window_to'))} <input name="to" id="map-to" value="{e(qp.get('to', ''))}" placeholder="{e(t('date_hint'))}" size="12"></label>
<button type="submit">{e(t('apply'))}</button>
<span id="map-status" role="status" aria-live="polite"></span>
</form>
{f'<p class="error" role="alert">{e(error)}</p>' if error else ''}
<div id="map" class="map big" role="region" aria-label="{e(t('map_label'))}"></div>
<table class="list" id="map-table"><caption class="visually-hidden">{e(t('places_map'))}</caption>
<thead><tr><th>{e(t('col_name'))}</th><th>{e(t('col_country'))}</th><th>{e(t('col_articles'))}</th>
<th>{e(t('col_first'))}</th><th>{e(t('col_last'))}</th></tr></thead><tbody></tbody></table>"""
        data = {"mode": "window", "from": lo, "to": hi, "ui": t.lang,
                "msg": {"loading": t("map_loading"), "n_places": t("n_places", n="{n}"),
                        "articles": t("col_articles"), "search_place": t("search_place"),
                        "first": t("col_first"), "last": t("col_last")}}
        return layout(request, t, t("map_title"), body, active="map", scripts=("vendor/leaflet/leaflet.js", "map.js"),
                      styles=("vendor/leaflet/leaflet.css",), data=data, status=422 if error else 200)

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def docs_page(request: Request) -> HTMLResponse:
        t = _t(request)
        body = (f'<h1>{e(t("api_docs"))}</h1><p>OpenAPI: <a href="/openapi.json">/openapi.json</a></p>'
                f'<div id="docs" aria-live="polite"></div>')
        return layout(request, t, t("api_docs"), body, active="api", scripts=("docs.js",))


# ---------------------------------------------------------------------------- search helpers
def _search_form(t: T, qp: Any, entity: list[str], place: list[str], lang: str | None) -> str:
    def field(name: str, label: str, hint: bool = True) -> str:
        return (f'<label>{e(label)} <input name="{name}" value="{e(qp.get(name, ""))}" size="11" '
                f'{attrs(placeholder=t("date_hint") if hint else None)}></label>')

    lang_opts = "".join(f'<option value="{lg}"{" selected" if lang == lg else ""}>{lg}</option>' for lg in ("nl", "en"))
    hidden = "".join(f'<input type="hidden" name="entity" value="{e(x)}">' for x in entity[1:]) + \
        "".join(f'<input type="hidden" name="place" value="{e(x)}">' for x in place[1:])
    return f"""<form class="search-form" method="get" action="/" role="search">
<div class="qrow"><label class="visually-hidden" for="q">{e(t('search_placeholder'))}</label>
<input type="search" id="q" name="q" value="{e(qp.get('q', ''))}" placeholder="{e(t('search_placeholder'))}" autofocus>
<button type="submit">{e(t('search_button'))}</button></div>
<p class="help">{e(t('search_help'))}</p>
<details class="more"{' open' if any(qp.get(k) for k in ('from', 'to', 'about_from', 'about_to', 'entity', 'place', 'lang')) else ''}>
<summary>{e(t('filters'))}</summary>
<div class="grid">
{field('from', t('published_from'))}{field('to', t('published_to'))}
{field('about_from', t('about_from'))}{field('about_to', t('about_to'))}
<label>{e(t('entity'))} <input name="entity" value="{e(entity[0] if entity else '')}"></label>
<label>{e(t('place'))} <input name="place" value="{e(place[0] if place else '')}"></label>
<label>{e(t('article_lang'))} <select name="lang"><option value="">{e(t('any'))}</option>{lang_opts}</select></label>
</div>{hidden}</details>
</form>"""


def _facets_html(t: T, fac: dict[str, Any], params: list[tuple[str, str]]) -> str:
    def block(title: str, items: list[str]) -> str:
        if not items:
            return ""
        return f'<section class="facet"><h3>{e(title)}</h3><ul>{"".join(items)}</ul></section>'

    langs = [f'<li><a href="{e(_with(params, add=[("lang", x["value"])], drop=("lang", "cursor")))}">'
             f'{e(x["value"])}</a> <span class="n">{x["count"]}</span></li>' for x in fac["languages"]]
    dates = []
    for x in fac["dates"]:
        v = x["value"]
        dates.append(f'<li><a href="{e(_with(params, add=[("from", v), ("to", v)], drop=("from", "to", "cursor")))}">'
                     f'{e(v)}</a> <span class="n">{x["count"]}</span></li>')
    ents = [f'<li><a href="{e(_with(params, add=[("entity", x["id"])], drop=("cursor",)))}">{e(x["name"])}</a> '
            f'<span class="badge b-{e(x["type"])}">{e(_type_label(t, x["type"]))}</span> '
            f'<span class="n">{x["count"]}</span></li>' for x in fac["entities"]]
    places = [f'<li><a href="{e(_with(params, add=[("place", x["id"])], drop=("cursor",)))}">{e(x["name"])}</a>'
              f'{" (" + e(x["country"]) + ")" if x.get("country") else ""} <span class="n">{x["count"]}</span></li>'
              for x in fac["places"]]
    return (f'<aside class="facets" aria-label="{e(t("facets"))}"><h2>{e(t("facets"))}</h2>'
            f'<p class="help">{e(t("facet_note", n=fac["sample"]))}</p>'
            + block(t("facet_dates"), dates) + block(t("facet_entities"), ents) + block(t("facet_places"), places)
            + block(t("facet_langs"), langs) + "</aside>")


# ---------------------------------------------------------------------------- article
def _anchor_desc(t: T, doc: dict[str, Any], anchor: str | None, by_tid: dict[str, dict]) -> str:
    d = (doc.get("date") or {}).get("value") or "?"
    if not anchor:
        return t("anchor_none")
    if anchor == "article_date":
        return t("anchor_article", d=d)
    if anchor == "refined_article_date":
        r = (doc.get("refined_date") or {}).get("value") or "?"
        return t("anchor_refined", d=d, r=r)
    if anchor.startswith("timex:"):
        ref = by_tid.get(anchor[6:])
        if ref:
            return t("anchor_timex", t=ref["text"], v=ref["value"])
    return anchor


def _tip(head: str, lines: list[str]) -> str:
    return json.dumps({"h": head, "l": [x for x in lines if x]}, ensure_ascii=False)


def _article_html(t: T, doc: dict[str, Any]) -> str:
    text: str = doc["text"]
    by_tid = {x["id"]: x for x in doc["timexes"]}
    names = {x["id"]: x["name"] for x in doc["entities"]}
    anns: list[Ann] = []
    for c in doc.get("claims") or []:
        tip = _tip(f'{t("claim_status")}: {c.get("status")}', [f'{t("cue")}: {c.get("cue")}' if c.get("cue") else "",
                                                               c.get("resolution") or ""])
        a = attrs(class_=f'cl cl-{c.get("status")}', tabindex="0", data_tip=tip)
        anns.append(Ann(c["start"], c["end"], 0, "span", a, attrs(class_=f'cl cl-{c.get("status")}', data_tip=tip)))
    for q in doc.get("quotes") or []:
        sp = names.get(q.get("speaker") or "", None) or q.get("speaker_text") or t("unknown_speaker")
        tm = q.get("time") or {}
        tip = _tip(f'{t("kind_quote") if q.get("kind") == "direct" else t("kind_statement")} · {sp}',
                   [f'{t("cue")}: {q.get("cue")}' if q.get("cue") else "",
                    f'{t("said_on")} {tm.get("value")} ({t("certainty")}: {tm.get("certainty")})' if tm.get("value")
                    else ""])
        cls = f'qt qt-{q.get("kind", "direct")}'
        anns.append(Ann(q["start"], q["end"], 1, "span", attrs(class_=cls, tabindex="0", data_tip=tip),
                        attrs(class_=cls, data_tip=tip)))
    for ent in doc["entities"]:
        tip = _tip(ent["name"], [_type_label(t, ent["type"]), ent.get("id"), ent.get("identity") or ""])
        href = "/entity/" + path_id(ent["id"])
        for m in ent.get("mentions") or []:
            cls = f'ent ent-{ent["type"]}'
            anns.append(Ann(m["start"], m["end"], 2, "a", attrs(class_=cls, href=href, data_tip=tip),
                            attrs(class_=cls, href=href, data_tip=tip, tabindex="-1")))
    for x in doc["timexes"]:
        head = f'{x["text"]} → {(x.get("mod") + " ") if x.get("mod") else ""}{x["value"]}'
        anchor = _anchor_desc(t, doc, x.get("anchor"), by_tid)
        why = ""
        if x.get("anchor") == "refined_article_date":
            ev = (doc.get("refined_date") or {}).get("evidence") or []
            why = next((w for w in ev if f"'{x['text']}'" in w), ev[0] if ev else "")
        tip = _tip(head, [x.get("explanation") or "", f'{t("rule")}: {x.get("rule")}' if x.get("rule") else "",
                          f'{t("anchor")}: {anchor}', why])
        cls = f'tx tx-{x["type"]}'
        anns.append(Ann(x["start"], x["end"], 3, "span",
                        attrs(class_=cls, id=f'tx-{x["id"]}', tabindex="0", data_tip=tip, data_value=x["value"],
                              data_rule=x.get("rule"), data_anchor=x.get("anchor")),
                        attrs(class_=cls, data_tip=tip)))
    rendered = render_annotated(text, anns)

    date = doc.get("date") or {}
    refined = doc.get("refined_date") or {}
    kb = doc.get("kb") or {}
    meta = [f'<dt>{e(t("published"))}</dt><dd>{e(date.get("value") or "–")} '
            f'<small>({e(date.get("granularity") or "")})</small></dd>']
    if refined:
        ev = "".join(f"<li>{e(x)}</li>" for x in refined.get("evidence") or [])
        meta.append(f'<dt>{e(t("refined"))}</dt><dd>{e(refined.get("value"))} '
                    f'<small>({e(refined.get("earliest"))} … {e(refined.get("latest"))})</small>'
                    f'{f"<ul class=evidence>{ev}</ul>" if ev else ""}</dd>')
    meta.append(f'<dt>{e(t("language"))}</dt><dd>{e(doc.get("lang") or "–")}</dd>')
    src = kb.get("source") or doc.get("source")
    if src:
        meta.append(f'<dt>{e(t("source"))}</dt><dd>{e(src)}</dd>')
    href = safe_href(kb.get("url"))
    if kb.get("url"):
        link = f'<a href="{e(href)}" rel="noopener noreferrer">{e(kb["url"])}</a>' if href else e(kb["url"])
        meta.append(f"<dt>URL</dt><dd>{link}</dd>")
    meta.append(f'<dt>{e(t("json"))}</dt><dd><a href="/api/articles/{e(path_id(doc["id"]))}">/api/articles/'
                f'{e(doc["id"])}</a></dd>')

    toggles = "".join(
        f'<label class="toggle l-{k}"><input type="checkbox" checked data-layer="{k}"> {e(t("layer_" + k))}</label>'
        for k in ("timex", "entity", "quote", "claim"))

    tx_rows = "".join(
        f'<tr><td><a href="#tx-{e(x["id"])}">{e(x["text"])}</a></td><td>{e(x["type"])}</td>'
        f'<td>{e((x.get("mod") + " ") if x.get("mod") else "")}{e(x["value"])}</td><td><code>{e(x.get("rule"))}</code></td>'
        f'<td>{e(_anchor_desc(t, doc, x.get("anchor"), by_tid))}</td><td>{e(x.get("explanation"))}</td></tr>'
        for x in doc["timexes"])
    ent_items = "".join(
        f'<li><a href="/entity/{e(path_id(x["id"]))}">{e(x["name"])}</a> <span class="badge b-{e(x["type"])}">'
        f'{e(_type_label(t, x["type"]))}</span> <small>{e(t("mentions_n", n=len(x.get("mentions") or [])))}'
        f'{" · " + e(", ".join(x["aliases"])) if x.get("aliases") else ""}</small>'
        f'{"<br><small class=why>" + e(t("col_identity")) + ": " + e(x["identity"]) + "</small>" if x.get("identity") else ""}'
        f'</li>' for x in doc["entities"])
    q_items = "".join(
        f'<li><blockquote class="q-{e(q.get("kind"))}">{e(q["text"])}</blockquote><p class="meta">'
        + (f'<a href="/entity/{e(path_id(q["speaker"]))}">{e(names.get(q["speaker"], q["speaker"]))}</a>'
           if q.get("speaker") else e(q.get("speaker_text") or t("unknown_speaker")))
        + f' · {e(q.get("cue") or "")} · {e((q.get("time") or {}).get("value") or "")}</p></li>'
        for q in doc.get("quotes") or [])
    c_items = "".join(
        f'<li><span class="status st-{e(c.get("status"))}">{e(c.get("status"))}</span> {e(c["text"])} '
        f'<small>({e(t("cue"))}: {e(c.get("cue") or "–")})</small></li>' for c in doc.get("claims") or [])
    warn = "".join(f"<li>{e(w)}</li>" for w in doc.get("warnings") or [])
    title = doc.get("title") or doc["id"]
    return f"""<article class="article" lang="{e(doc.get('lang') or '')}">
<h1>{e(title)}</h1>
<dl class="meta">{''.join(meta)}</dl>
<fieldset class="layers"><legend>{e(t('layers'))}</legend>{toggles}</fieldset>
<div id="doc-text" class="doc-text">{rendered}</div>
</article>
<div class="panels">
<section><h2>{e(t('timexes'))} <small>({len(doc['timexes'])})</small></h2>
<div class="scroll"><table class="list"><thead><tr><th>{e(t('col_text'))}</th><th>{e(t('col_type'))}</th><th>{e(t('col_value'))}</th>
<th>{e(t('col_rule'))}</th><th>{e(t('col_anchor'))}</th><th>{e(t('col_explanation'))}</th></tr></thead><tbody>{tx_rows}</tbody></table></div></section>
<section><h2>{e(t('entities'))} <small>({len(doc['entities'])})</small></h2><ul class="ents">{ent_items}</ul></section>
<section><h2>{e(t('quotes'))} <small>({len(doc.get('quotes') or [])})</small></h2><ul class="quotes">{q_items}</ul></section>
<section><h2>{e(t('claims'))} <small>({len(doc.get('claims') or [])})</small></h2><ul class="claims">{c_items}</ul></section>
{f'<section><h2>{e(t("warnings"))}</h2><ul>{warn}</ul></section>' if warn else ''}
</div>"""


# ---------------------------------------------------------------------------- entity
def _entity_html(t: T, ent: dict[str, Any], tl: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    aliases = "".join(f'<li>{e(a["name"])} <span class="n">{a["count"]}</span></li>' for a in ent["aliases"])
    reasons = "".join(f'<li>{e(r["why"])} <span class="n">{r["count"]}</span></li>'
                      for r in ent["identity"]["reasons"])
    examples = "".join(f'<li><a href="/article/{e(path_id(x["article"]))}">{e(x["article"])}</a> '
                       f'({e(x["date"] or "")}): “{e(x["name"])}” — {e(x["why"])}</li>'
                       for x in ent["identity"]["examples"][:10])
    keys = ", ".join(f'<code>{e(k["kind"])}:{e(k["key"])}</code>' for k in ent["identity"]["evidence_keys"][:20])
    lh = tl.get("last_heard_from")
    last = (f'<p class="last-heard"><strong>{e(t("last_heard"))}:</strong> {e(lh["date"])} '
            f'<small>({e(t("certainty"))}: {e(lh["certainty"])})</small> — “{e(lh["text"])}” '
            f'<a href="/article/{e(path_id(lh["article"]))}">{e(lh["article"])}</a></p>') if lh else \
        f'<p class="last-heard"><strong>{e(t("last_heard"))}:</strong> {e(t("never_heard"))}</p>'
    fm = tl.get("first_mentioned")
    first = (f'<a href="/article/{e(path_id(fm["article"]))}">{e(fm["date"] or fm["article"])}</a>' if fm else "–")
    arts = "".join(f'<li><a href="/article/{e(path_id(a["id"]))}">{e(a["title"] or a["id"])}</a> '
                   f'<small>{e(a["date"] or "")}</small></li>' for a in ent["articles"])
    items = []
    for it in tl["items"][:2000]:
        items.append({"date": it.get("date"), "start": it.get("start"), "end": it.get("end"),
                      "kind": it.get("kind"), "certainty": it.get("certainty"), "relation": it.get("relation"),
                      "text": (it.get("text") or "")[:300], "article": it.get("article"),
                      "published": it.get("published"), "predicate": it.get("predicate")})
    rows = "".join(
        f'<tr><td>{e(it["date"] or "?")}</td><td>{e(_kind_label(t, it["kind"]))}</td><td>{e(it["certainty"])}</td>'
        f'<td>{e(it["text"])}</td><td><a href="/article/{e(path_id(it["article"]))}">{e(it["article"])}</a></td></tr>'
        for it in items[:500])
    contra = "".join(
        f'<li>{e(x["kind"])}: {e(x["dates"][0]["date"])} ({e(x["dates"][0]["article"])}) ≠ '
        f'{e(x["dates"][1]["date"])} ({e(x["dates"][1]["article"])})</li>' for x in tl.get("contradictions") or [])
    points = []
    for p in ent["places"]:
        if p.get("lat") is not None:
            points.append({"id": p["id"], "name": p["name"], "lat": p["lat"], "lon": p["lon"], "n": p["articles"],
                           "kind": "co"})
    for pid, g in (tl.get("geo") or {}).items():
        if g and g.get("lat") is not None:
            points.append({"id": pid, "name": g["name"], "lat": g["lat"], "lon": g["lon"], "n": 1, "kind": "event"})
    if ent.get("place") and ent["place"].get("lat") is not None:
        p = ent["place"]
        points.append({"id": p["id"], "name": p["name"], "lat": p["lat"], "lon": p["lon"], "n": 1, "kind": "self"})
    data = {"mode": "entity", "ui": t.lang, "items": items, "points": points,
            "msg": {"quote": t("kind_quote"), "statement": t("kind_statement"), "event": t("kind_event"),
                    "certainty": t("certainty"), "articles": t("col_articles"), "undated": t("undated"),
                    "zoom_in": t("zoom_in"), "zoom_out": t("zoom_out"), "zoom_reset": t("zoom_reset"),
                    "search_place": t("search_place"), "first": t("col_first"), "last": t("col_last")}}
    body = f"""<header class="entity-head">
<h1>{e(ent['name'])} <span class="badge b-{e(ent['type'])}">{e(_type_label(t, ent['type']))}</span></h1>
<p class="meta"><code>{e(ent['id'])}</code> · {e(t('col_articles'))}: {e(ent['article_count'])} ·
{e(t('col_mentions'))}: {e(ent['mention_count'])} · {e(t('first_mentioned'))}: {first}
· <a href="{e(url('/', [('entity', ent['id'])]))}">{e(t('articles_about'))}</a></p>
{last}
</header>
<div class="entity-grid">
<section class="timeline-section" aria-labelledby="tl-h"><h2 id="tl-h">{e(t('timeline'))}</h2>
<p class="help" id="tl-help">{e(t('timeline_help'))}</p>
<div id="timeline" class="timeline" aria-describedby="tl-help"></div>
{'' if items else f'<p class="empty">{e(t("no_timeline"))}</p>'}
<details><summary>{e(t('timeline'))} ({len(items)})</summary>
<table class="list" id="timeline-table"><thead><tr><th>{e(t('col_date'))}</th><th>{e(t('col_type'))}</th>
<th>{e(t('certainty'))}</th><th>{e(t('col_text'))}</th><th>{e(t('col_articles'))}</th></tr></thead><tbody>{rows}</tbody></table></details>
{f'<h3>{e(t("contradictions"))}</h3><ul>{contra}</ul>' if contra else ''}
</section>
<section aria-labelledby="al-h"><h2 id="al-h">{e(t('aliases'))}</h2>
{f'<ul class="aliases">{aliases}</ul>' if aliases else f'<p>{e(t("no_aliases"))}</p>'}
<h2>{e(t('identity'))}</h2><ul class="reasons">{reasons}</ul>
<details><summary>{e(t('evidence'))}</summary><ul>{examples}</ul><p>{e(t('evidence_keys'))}: {keys or '–'}</p></details>
</section>
<section aria-labelledby="pl-h"><h2 id="pl-h">{e(t('places_map'))}</h2>
<div id="map" class="map" role="region" aria-label="{e(t('map_label'))}"></div></section>
<section><h2>{e(t('recent_articles'))}</h2><ul>{arts}</ul></section>
</div>"""
    return body, data


def _kind_label(t: T, kind: str | None) -> str:
    if kind == "quote":
        return t("kind_quote")
    if kind == "statement":
        return t("kind_statement")
    return kind or ""
