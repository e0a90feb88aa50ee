"""The FastAPI application: the JSON API under ``/api``, the web app's pages, static assets.

``create_app(db, write_token=…)`` builds it; ``create_app_from_env()`` is the factory that
``tijdlijn serve`` hands to uvicorn (so several worker processes can each build their own
app from ``TIJDLIJN_*`` environment variables).
"""
from __future__ import annotations

import hmac
import json
import os
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Literal, Optional

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from tijdlijn.kb import queries as Q
from tijdlijn.web.db import DatabaseUnavailable, StoreProvider
from tijdlijn.web.guard import Guard, error_body

__all__ = ["create_app", "create_app_from_env", "STATIC_DIR", "DEFAULTS"]

STATIC_DIR = Path(__file__).parent / "static"
DEFAULTS = dict(rate_limit=50.0, burst=200, max_body=1 << 20, max_annotate_chars=100_000, threads=8)


# --------------------------------------------------------------------------- models (documentation)
class ErrorDetail(BaseModel):
    status: int
    code: str = Field(description="not_found, invalid_parameter, too_large, unauthorized, read_only, "
                                  "rate_limited, database_unavailable, …")
    message: str
    field: Optional[str] = Field(None, description="The request field at fault (422).")


class ErrorBody(BaseModel):
    error: ErrorDetail


class Page(BaseModel):
    items: list[dict[str, Any]]
    next_cursor: Optional[str] = Field(None, description="Pass as `cursor` to get the next page; null on the last.")


class SearchPage(Page):
    total: Optional[int] = None
    total_capped: Optional[bool] = None
    facets: Optional[dict[str, Any]] = None


class AnnotateRequest(BaseModel):
    text: str = Field(min_length=1, description="The article text (plain).")
    date: Optional[str] = Field(None, description="Article date: YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:MM.",
                                examples=["2018-08"])
    lang: Literal["nl", "en", "auto"] = "auto"
    title: Optional[str] = None
    id: Optional[str] = Field(None, max_length=200)


class IngestRequest(AnnotateRequest):
    id: str = Field(min_length=1, max_length=200, description="Record id: the article's identity in the store.")
    source: Optional[str] = Field(None, max_length=500)
    url: Optional[str] = Field(None, max_length=2000)


ERRORS = {
    404: {"model": ErrorBody, "description": "Unknown id"},
    422: {"model": ErrorBody, "description": "Malformed parameter (the error names the field)"},
    503: {"model": ErrorBody, "description": "The database is missing, locked or unusable"},
}
WRITE_ERRORS = {
    401: {"model": ErrorBody, "description": "Missing or wrong write token"},
    403: {"model": ErrorBody, "description": "The server is read-only (started without a write token)"},
    413: {"model": ErrorBody, "description": "Request body or text too large"},
    422: ERRORS[422], 503: ERRORS[503],
}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None,
                 headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field, self.headers, self.extra = (status, code, message, field,
                                                                                    headers, extra)


def _wants_json(request: Request) -> bool:
    p = request.url.path
    return p.startswith("/api") or p.startswith("/openapi") or p == "/docs/openapi.json"


def _error(request: Request, status: int, code: str, message: str, field: str | None = None,
           headers: dict[str, str] | None = None, **extra: Any) -> Response:
    if _wants_json(request):
        return JSONResponse(error_body(status, code, message, field, **extra), status_code=status, headers=headers)
    from tijdlijn.web.pages import error_page

    return error_page(request, status, code, message, field=field, **extra)


# --------------------------------------------------------------------------- the app
def create_app(db: str | None = None, *, write_token: str | None = None, rate_limit: float = DEFAULTS["rate_limit"],
               burst: int = DEFAULTS["burst"], max_body: int = DEFAULTS["max_body"],
               max_annotate_chars: int = DEFAULTS["max_annotate_chars"], threads: int = DEFAULTS["threads"]) -> Any:
    provider = StoreProvider(db)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        import anyio.to_thread

        # bounded worker threads = bounded database connections (one per thread)
        anyio.to_thread.current_default_thread_limiter().total_tokens = max(1, threads)
        yield
        provider.close_all()

    from tijdlijn import __version__ as version

    app = FastAPI(title="tijdlijn", version=version, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="A time-anchored knowledge base of dated news: articles with every annotation layer "
                              "(time expressions with their value, rule and anchor; entities with collection-wide "
                              "identities; quotes, claims, events), full-text search with the CLI's filters, entity "
                              "timelines by event time, places as GeoJSON. Read-only unless the server was given a "
                              "write token. Errors: `{\"error\": {\"status\", \"code\", \"message\", \"field\"?}}`.",
                  openapi_tags=[{"name": "articles"}, {"name": "entities"}, {"name": "said"}, {"name": "places"},
                                {"name": "write"}, {"name": "service"}])
    app.state.provider = provider
    app.state.write_token = write_token or None
    app.state.max_annotate_chars = max_annotate_chars
    app.state.settings = dict(rate_limit=rate_limit, burst=burst, max_body=max_body, threads=threads)

    # ---- errors: one shape everywhere
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        return _error(request, exc.status, exc.code, exc.message, exc.field, exc.headers, **exc.extra)

    @app.exception_handler(Q.ParamError)
    async def _param_error(request: Request, exc: Q.ParamError) -> Response:
        return _error(request, 422, "invalid_parameter", exc.message, exc.field, **exc.extra)

    @app.exception_handler(Q.NotFound)
    async def _not_found(request: Request, exc: Q.NotFound) -> Response:
        return _error(request, 404, "not_found", exc.message, **exc.extra)

    @app.exception_handler(DatabaseUnavailable)
    async def _db_down(request: Request, exc: DatabaseUnavailable) -> Response:
        return _error(request, 503, "database_unavailable", str(exc), headers={"Retry-After": "5"})

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errs = exc.errors()
        first = errs[0] if errs else {}
        loc = [str(x) for x in first.get("loc", ())]
        where = loc[0] if loc else "request"
        fld = ".".join(loc[1:]) if len(loc) > 1 else ("body" if where == "body" else where)
        place = {"query": "query parameter", "path": "path parameter", "body": "body field",
                 "header": "header"}.get(where, where)
        msg = f"{place} '{fld}': {first.get('msg', 'invalid')}"
        details = [{"field": ".".join(str(x) for x in e.get("loc", ())[1:]) or str(e.get("loc", ("?",))[0]),
                    "message": e.get("msg", ""), "type": e.get("type", "")} for e in errs[:20]]
        return _error(request, 422, "invalid_parameter", msg, fld, details=details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(exc.status_code, "http_error")
        msg = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and msg == "Not Found":
            msg = f"no such path: {request.url.path}"
        return _error(request, exc.status_code, code, msg, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:  # pragma: no cover - a bug
        import logging

        logging.getLogger("tijdlijn.web").exception("unhandled error on %s", request.url.path)
        return _error(request, 500, "internal_error", f"internal error ({type(exc).__name__})")

    _api_routes(app, provider)
    from tijdlijn.web.pages import register_pages

    register_pages(app, provider)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    return Guard(app, rate_limit=rate_limit, burst=burst, max_body=max_body)


def create_app_from_env() -> Any:
    """The app configured from ``TIJDLIJN_DB``, ``TIJDLIJN_WRITE_TOKEN``, ``TIJDLIJN_RATE_LIMIT``,
    ``TIJDLIJN_RATE_BURST``, ``TIJDLIJN_MAX_BODY``, ``TIJDLIJN_THREADS`` (uvicorn factory)."""
    env = os.environ
    return create_app(env.get("TIJDLIJN_DB") or None, write_token=env.get("TIJDLIJN_WRITE_TOKEN") or None,
                      rate_limit=float(env.get("TIJDLIJN_RATE_LIMIT", DEFAULTS["rate_limit"])),
                      burst=int(env.get("TIJDLIJN_RATE_BURST", DEFAULTS["burst"])),
                      max_body=int(env.get("TIJDLIJN_MAX_BODY", DEFAULTS["max_body"])),
                      max_annotate_chars=int(env.get("TIJDLIJN_MAX_CHARS", DEFAULTS["max_annotate_chars"])),
                      threads=int(env.get("TIJDLIJN_THREADS", DEFAULTS["threads"])))


# --------------------------------------------------------------------------- API routes
_bearer = HTTPBearer(auto_error=False, description="The write token given to `tijdlijn serve --write-token` "
                                                   "(or TIJDLIJN_WRITE_TOKEN).")

FROM = Query(None, alias="from", description="Published on or after: YYYY, YYYY-MM or YYYY-MM-DD.", max_length=40)
TO = Query(None, alias="to", description="Published on or before: YYYY, YYYY-MM or YYYY-MM-DD.", max_length=40)


def _require_token(request: Request, cred: Optional[HTTPAuthorizationCredentials] = Depends(_bearer)) -> None:
    token = request.app.state.write_token
    if not token:
        raise ApiError(403, "read_only", "this server is read-only: start it with --write-token (or "
                                         "TIJDLIJN_WRITE_TOKEN) to enable write endpoints")
    given = cred.credentials if cred else request.headers.get("x-tijdlijn-token", "")
    if not given or not hmac.compare_digest(given.encode(), token.encode()):
        raise ApiError(401, "unauthorized", "missing or wrong write token (Authorization: Bearer TOKEN)",
                       headers={"WWW-Authenticate": "Bearer"})


def _api_routes(app: FastAPI, provider: StoreProvider) -> None:
    def filters(store, q="", date_from=None, date_to=None, about_from=None, about_to=None, entity=(), place=(),
                lang=None) -> Q.Filters:
        return Q.resolve_filters(store, q=q, date_from=date_from, date_to=date_to, about_from=about_from,
                                 about_to=about_to, entity=entity or (), place=place or (), lang=lang)

    @app.get("/api/health", tags=["service"], summary="Health: is the database usable?",
             responses={503: ERRORS[503]})
    def health() -> JSONResponse:
        with provider.store() as st:
            n = st.article_count()
            v = st.schema_version()
            backend = st.dialect
        return JSONResponse({"status": "ok", "database": provider.describe(), "backend": backend,
                             "schema_version": v, "articles": n,
                             "writable": bool(app.state.write_token)})

    @app.get("/api/stats", tags=["service"], summary="Counts of articles, entities, timexes, places …",
             responses={503: ERRORS[503]})
    def stats() -> dict[str, Any]:
        with provider.store() as st:
            return st.stats()

    @app.get("/api/articles", tags=["articles"], summary="Articles, newest first, with filters",
             response_model=Page, responses=ERRORS)
    def articles(
        date_from: Optional[str] = FROM, date_to: Optional[str] = TO,
        about_from: Optional[str] = Query(None, max_length=40, description="Talks about a time on or after this date."),
        about_to: Optional[str] = Query(None, max_length=40, description="Talks about a time on or before this date."),
        entity: list[str] = Query([], max_length=200, description="Entity id, name, alias or surname (repeatable: all "
                                                                  "must occur)."),
        place: list[str] = Query([], max_length=200, description="Place id, name or ISO country code (repeatable)."),
        lang: Optional[str] = Query(None, max_length=3, description="Article language (nl, en)."),
        limit: int = Query(20, ge=1, le=200), cursor: Optional[str] = Query(None, max_length=500),
    ) -> JSONResponse:
        with provider.store() as st:
            f = filters(st, "", date_from, date_to, about_from, about_to, entity, place, lang)
            return JSONResponse(Q.find_articles(st, f, limit=limit, cursor=cursor, snippets=False))

    @app.get("/api/articles/{article_id:path}", tags=["articles"], summary="One article with every annotation layer",
             responses=ERRORS)
    def one_article(article_id: str) -> JSONResponse:
        with provider.store() as st:
            return JSONResponse(Q.article(st, article_id))

    @app.get("/api/search", tags=["articles"], summary="Full-text search with the CLI's filters",
             response_model=SearchPage, responses=ERRORS,
             description="Words are ANDed, `\"a phrase\"`, `a OR b`, `-word`; anything else is plain text. Ranked by "
                         "BM25 (SQLite) or ts_rank_cd (PostgreSQL); without words: newest first. Snippets mark hits "
                         "with «…».")
    def search(
        q: str = Query("", max_length=1000, description="Query words."),
        date_from: Optional[str] = FROM, date_to: Optional[str] = TO,
        about_from: Optional[str] = Query(None, max_length=40, description="Talks about a time on or after this date."),
        about_to: Optional[str] = Query(None, max_length=40, description="Talks about a time on or before this date."),
        entity: list[str] = Query([], max_length=200, description="Entity id, name, alias or surname (repeatable: all "
                                                                  "must occur)."),
        place: list[str] = Query([], max_length=200, description="Place id, name or ISO country code (repeatable)."),
        lang: Optional[str] = Query(None, max_length=3, description="Article language (nl, en)."),
        limit: int = Query(20, ge=1, le=200), cursor: Optional[str] = Query(None, max_length=500),
        total: bool = Query(False, description="Also count the matches (up to 10,000)."),
        facets: bool = Query(False, description="Also return facet counts over the first 1,000 matches."),
    ) -> JSONResponse:
        with provider.store() as st:
            f = filters(st, q, date_from, date_to, about_from, about_to, entity, place, lang)
            out = Q.find_articles(st, f, limit=limit, cursor=cursor, with_total=total)
            if facets:
                out["facets"] = Q.facets(st, f)
            return JSONResponse(out)

    @app.get("/api/entities", tags=["entities"], summary="Entities, most articles first", response_model=Page,
             responses=ERRORS)
    def entities(q: Optional[str] = Query(None, max_length=200, description="Part of the name."),
                 type: Optional[Literal["PER", "ORG", "LOC", "MISC"]] = Query(None),
                 limit: int = Query(50, ge=1, le=500), cursor: Optional[str] = Query(None, max_length=500)
                 ) -> JSONResponse:
        with provider.store() as st:
            return JSONResponse(Q.list_entities(st, q=q, type=type, limit=limit, cursor=cursor))

    @app.get("/api/entities/{entity_id}/timeline", tags=["entities"], responses=ERRORS,
             summary="What an entity did and said, by event time",
             description="Events it takes part in (and, unless `participant_only`, events told around its mentions) "
                         "and what it said, each with the date it happened, the certainty of that date, the "
                         "article and sentence as evidence; `last_heard_from`, `first_mentioned`, `places` (with "
                         "coordinates in `geo`) and `contradictions` between articles (the first 100 pairs; "
                         "`contradictions_truncated` says whether there were more). `limit` caps the articles "
                         "read.")
    def timeline(entity_id: str, date_from: Optional[str] = Query(None, alias="from", max_length=40,
                                                                   description="Events on or after this date."),
                 date_to: Optional[str] = Query(None, alias="to", max_length=40,
                                                description="Events on or before this date."),
                 participant_only: bool = False, limit: int = Query(500, ge=1, le=5000)) -> JSONResponse:
        lo, hi = Q.date_bound(date_from, "start", "from"), Q.date_bound(date_to, "end", "to")
        with provider.store() as st:
            # the body of any timeline that took 5 ms or more is kept while the database is unchanged
            # (frequent entities are asked for often; their timelines are the large ones)
            body = provider.cached(("timeline", entity_id, lo, hi, limit, participant_only), lambda: json.dumps(
                Q.entity_timeline_geo(st, entity_id, date_from=lo, date_to=hi, limit=limit,
                                      context=not participant_only), ensure_ascii=False,
                separators=(",", ":")).encode(), min_seconds=0.005)
            return Response(body, media_type="application/json")

    @app.get("/api/entities/{entity_id}", tags=["entities"], responses=ERRORS,
             summary="One entity: aliases, identity explanation, places, recent articles",
             description="`entity_id` is an id (`per:abu-bakr-al-baghdadi`); a name, alias or surname is resolved "
                         "too. `identity.reasons` are the stored explanations (`article_entities.why`, the "
                         "article's `meta.identity`) of why mentions were given this identity.")
    def entity(entity_id: str) -> JSONResponse:
        with provider.store() as st:
            return JSONResponse(Q.entity_detail(st, entity_id))

    @app.get("/api/quotes", tags=["said"], summary="Quotes and reported statements, by event time",
             response_model=Page, responses=ERRORS)
    def quotes(speaker: Optional[str] = Query(None, max_length=200, description="Entity id or name."),
               kind: Optional[Literal["direct", "indirect"]] = None,
               date_from: Optional[str] = Query(None, alias="from", max_length=40, description="Said on or after."),
               date_to: Optional[str] = Query(None, alias="to", max_length=40, description="Said on or before."),
               article: Optional[str] = Query(None, max_length=500, description="Only this article (id)."),
               limit: int = Query(50, ge=1, le=500), cursor: Optional[str] = Query(None, max_length=500)
               ) -> JSONResponse:
        lo, hi = Q.date_bound(date_from, "start", "from"), Q.date_bound(date_to, "end", "to")
        with provider.store() as st:
            return JSONResponse(Q.list_quotes(st, speaker=speaker, kind=kind, date_from=lo, date_to=hi,
                                              article=article, limit=limit, cursor=cursor))

    @app.get("/api/claims", tags=["said"], summary="Claims whose truth the articles qualify", response_model=Page,
             responses=ERRORS)
    def claims(status: Optional[Literal["asserted", "reported", "unverified", "speculated", "denied", "confirmed",
                                        "retracted"]] = None,
               date_from: Optional[str] = FROM, date_to: Optional[str] = TO,
               article: Optional[str] = Query(None, max_length=500, description="Only this article (id)."),
               limit: int = Query(50, ge=1, le=500), cursor: Optional[str] = Query(None, max_length=500)
               ) -> JSONResponse:
        lo, hi = Q.date_bound(date_from, "start", "from"), Q.date_bound(date_to, "end", "to")
        with provider.store() as st:
            return JSONResponse(Q.list_claims(st, status=status, date_from=lo, date_to=hi, article=article,
                                              limit=limit, cursor=cursor))

    @app.get("/api/places", tags=["places"], responses=ERRORS,
             summary="Places of the articles published in a window, as GeoJSON",
             description="An RFC 7946 FeatureCollection: one Point per place with `article_count`, "
                         "`mention_count`, `first_date`, `last_date` and the `entity_ids` that named it.")
    def places(date_from: Optional[str] = FROM, date_to: Optional[str] = TO) -> JSONResponse:
        lo, hi = Q.date_bound(date_from, "start", "from"), Q.date_bound(date_to, "end", "to")
        if lo and hi and lo > hi:
            raise Q.ParamError("to", "to: the window ends before it starts")
        with provider.store() as st:
            # an aggregate over every article place (seconds at 200,000 articles): kept while the database
            # is unchanged, like timelines
            body = provider.cached(("places", lo, hi), lambda: json.dumps(
                Q.places_geojson(st, date_from=lo, date_to=hi), ensure_ascii=False, separators=(",", ":")).encode())
            return Response(body, media_type="application/geo+json")

    def _annotate(body: AnnotateRequest):
        import tijdlijn
        from tijdlijn.document import ArticleDate, DateError

        if len(body.text) > app.state.max_annotate_chars:
            raise ApiError(413, "too_large", f"text of {len(body.text)} characters is longer than the limit of "
                                             f"{app.state.max_annotate_chars}", "text")
        if body.date:
            try:
                ArticleDate.parse(body.date)
            except DateError as exc:
                raise Q.ParamError("date", f"date: {exc}") from None
        return tijdlijn.annotate(body.text, date=body.date, lang=body.lang, id=body.id or "", title=body.title)

    @app.post("/api/annotate", tags=["write"], responses=WRITE_ERRORS, dependencies=[Depends(_require_token)],
              summary="Annotate a text (time, entities, places, quotes, claims, events); nothing is stored",
              description="Text and date in, the document JSON out. Needs the write token (it costs CPU); the text "
                          "is limited (413 beyond the limit).")
    def annotate(body: AnnotateRequest) -> JSONResponse:
        doc = _annotate(body)
        return JSONResponse(doc.to_json(tokens=False))

    @app.post("/api/articles", tags=["write"], responses=WRITE_ERRORS, dependencies=[Depends(_require_token)],
              summary="Ingest one article (annotated, then stored like `tijdlijn ingest`)",
              description="Idempotent by `id`: the same content again is skipped, changed content updates the "
                          "article. Returns `{status: ingested|updated|skipped, id, reason}`.")
    def ingest(body: IngestRequest) -> JSONResponse:
        doc = _annotate(body)
        doc.source = body.source or "api"
        if body.url:
            doc.meta["url"] = body.url
        with provider.writer() as st:
            with st.transaction():
                res = st.write_document(doc, "id:" + body.id)
                st.refresh_entities()
        return JSONResponse({"status": res.status, "id": res.ext_id, "reason": res.reason},
                            status_code=201 if res.status == "ingested" else 200)
