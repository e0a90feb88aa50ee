"""One pure-ASGI middleware for what every response needs: a per-client rate limit, a request
body limit and security headers (a strict Content-Security-Policy: scripts, styles, images and
fetches only from this server — nothing inline, no CDN)."""
from __future__ import annotations

import json
import threading
import time
from typing import Any, Awaitable, Callable

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


def error_body(status: int, code: str, message: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    """The one error shape of the API: ``{"error": {"status", "code", "message", "field"?, …}}``."""
    err: dict[str, Any] = {"status": status, "code": code, "message": message}
    if field is not None:
        err["field"] = field
    err.update(extra)
    return {"error": err}


class _TooLarge(Exception):
    pass


class TokenBucket:
    """``rate`` requests per second per client, bursts up to ``burst``."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = max(1, burst)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 if allowed, else the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                if len(self._buckets) > 10000:  # forget idle clients
                    cutoff = now - 3600
                    self._buckets = {k: v for k, v in self._buckets.items() if v[1] > cutoff}
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate


class Guard:
    def __init__(self, app: ASGIApp, *, rate_limit: float = 0.0, burst: int = 100, max_body: int = 1 << 20) -> None:
        self.app = app
        self.bucket = TokenBucket(rate_limit, burst) if rate_limit and rate_limit > 0 else None
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        if self.bucket is not None and not path.startswith("/static/"):
            client = (scope.get("client") or ("?", 0))[0]
            wait = self.bucket.take(client)
            if wait > 0:
                await _respond(send, path, 429, "rate_limited",
                               f"too many requests: at most {self.bucket.rate:g} per second "
                               f"(bursts of {self.bucket.burst}); retry after {wait:.1f} s",
                               extra_headers=[(b"retry-after", str(max(1, int(wait + 0.999))).encode())])
                return
        for k, v in scope.get("headers", []):
            if k == b"content-length":
                try:
                    n = int(v)
                except ValueError:
                    n = -1
                if n > self.max_body:
                    await _respond(send, path, 413, "too_large",
                                   f"request body of {n} bytes is larger than the limit of {self.max_body} bytes")
                    return
        started = False
        seen = 0

        async def guarded_receive() -> Message:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.max_body:
                    raise _TooLarge()
            return msg

        async def secured_send(msg: Message) -> None:
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
                have = {k.lower() for k, _ in msg.get("headers", [])}
                msg = {**msg, "headers": [*msg.get("headers", []),
                                          *[(k, v) for k, v in SECURITY_HEADERS if k not in have]]}
            await send(msg)

        try:
            await self.app(scope, guarded_receive, secured_send)
        except _TooLarge:
            if not started:
                await _respond(send, path, 413, "too_large",
                               f"request body is larger than the limit of {self.max_body} bytes")


async def _respond(send: Send, path: str, status: int, code: str, message: str,
                   extra_headers: list[tuple[bytes, bytes]] = ()) -> None:  # type: ignore[assignment]
    if path.startswith("/api") or path.startswith("/openapi"):
        body = json.dumps(error_body(status, code, message), ensure_ascii=False, separators=(",", ":")).encode()
        ctype = b"application/json"
    else:
        from html import escape

        body = (f"<!doctype html><html><head><meta charset=utf-8><title>{status}</title></head>"
                f"<body><h1>{status}</h1><p>{escape(message)}</p></body></html>").encode()
        ctype = b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode()),
                            *extra_headers, *SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": body})
