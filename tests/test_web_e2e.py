"""The web app end to end in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright;
never `playwright install`): search, open an article, hover a date and read its explanation, open an
entity timeline and the map, switch language, keyboard navigation, no XSS — with every request that does
not go to the test server aborted and counted (the app must work with the network cable out), and a
screenshot of each page in test-artifacts/web/. Skips without Chromium unless TIJDLIJN_REQUIRE_BROWSER=1."""
from __future__ import annotations

import os
import time
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest

from webutil import ARTIFACTS, XSS_SCRIPT, Server, build_store

CHROMIUM = os.environ.get("TIJDLIJN_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _unavailable(why: str):
    if os.environ.get("TIJDLIJN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"TIJDLIJN_REQUIRE_BROWSER=1 but {why}", pytrace=False)
    pytest.skip(why)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        _unavailable(f"Chromium not found at {CHROMIUM} (Debian packages chromium + chromium-driver; "
                     f"`make test` installs them)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright Python package is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    kb = build_store(tmp_path_factory.getbasetemp() / "webkb")
    with Server(f"sqlite:///{kb}", "--rate-limit", "0") as srv:
        yield srv


class Tab:
    """A browser page that may only talk to the test server; records outside requests, console
    errors, page errors and dialogs (alert() from an XSS would be one)."""

    def __init__(self, browser, server, locale: str = "en-US") -> None:
        self.server = server
        self.ctx = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900},
                                       extra_http_headers={"Accept-Language": f"{locale},{locale[:2]};q=0.9"})
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        host = urlparse(server.url).netloc

        def route(r):
            if urlparse(r.request.url).netloc == host:
                r.continue_()
            else:
                self.outside.append(r.request.url)
                r.abort()

        self.ctx.route("**/*", route)
        self.page = self.ctx.new_page()
        self.page.on("console", lambda m: self.errors.append(f"console: {m.text}")
                     if m.type == "error" and "status of 422" not in m.text else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))

        def on_dialog(d):
            self.dialogs.append(d.message)
            d.dismiss()

        self.page.on("dialog", on_dialog)

    def goto(self, path: str, status: int = 200) -> float:
        t0 = time.perf_counter()
        resp = self.page.goto(self.server.url + path, wait_until="load")
        assert resp is not None and resp.status == status, (path, resp and resp.status)
        return time.perf_counter() - t0

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        self.ctx.close()
        assert not self.outside, f"requests left the test server: {self.outside}"
        assert not self.errors, self.errors
        assert not self.dialogs, f"dialogs opened (XSS?): {self.dialogs}"


@pytest.fixture
def tab(browser, server):
    t = Tab(browser, server)
    yield t
    t.close()


def test_search_then_article_then_hover_a_date(tab):
    page = tab.page
    tab.goto("/")
    page.fill("input[name=q]", "kabinet")
    page.keyboard.press("Enter")
    page.wait_for_selector("ol.hits li.hit")
    assert "kabinet" in page.url
    hits = page.locator("ol.hits li.hit h3 a")
    assert hits.count() >= 2
    assert page.locator(".snippet mark").count() >= 1
    assert page.locator("aside.facets .facet").count() >= 3  # dates, entities, places, language
    tab.shot("search")
    page.click("ol.hits li.hit h3 a[href='/article/nl-kabinet-2019-03-14']")
    page.wait_for_selector("#doc-text")
    assert page.url.endswith("/article/nl-kabinet-2019-03-14")
    assert page.locator("#doc-text .tx").count() >= 10
    assert page.locator("#doc-text a.ent").count() >= 3
    assert page.locator("#doc-text .qt").count() >= 1 and page.locator("#doc-text .cl").count() >= 1
    page.hover("#doc-text .tx:text-is('gisteren')")
    tip = page.locator("#tip")
    tip.wait_for(state="visible")
    text = tip.inner_text()
    assert "gisteren → 2019-03-13" in text
    assert "rule: nl-lexicon:gisteren" in text
    assert "anchor: article date 2019-03-14" in text
    tab.shot("article")


def test_hover_shows_the_refined_anchor_in_dutch(browser, server):
    t = Tab(browser, server, locale="nl-NL")
    try:
        t.goto("/article/is-audio")
        page = t.page
        assert page.locator("html").get_attribute("lang") == "nl"
        page.hover("#doc-text .tx:text-is('woensdag')")
        tip = page.locator("#tip")
        tip.wait_for(state="visible")
        text = tip.inner_text()
        assert "woensdag → 2018-08-22" in text
        assert "regel: nl-weekday" in text
        assert "artikeldatum verfijnd van 2018-08 tot 2018-W34" in text
        assert "past-tense 'woensdag'" in text  # the evidence for the refinement
        t.shot("article-refined-nl")
    finally:
        t.close()


def test_keyboard_reaches_dates_and_shows_their_explanation(tab):
    page = tab.page
    tab.goto("/article/nl-kabinet-2019-03-14")
    page.keyboard.press("Tab")  # skip link first
    assert page.evaluate("document.activeElement.className") == "skip"
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('tx')"):
            break
    else:
        pytest.fail("Tab never reached a time expression")
    assert page.locator("#tip").is_visible()
    assert "→" in page.locator("#tip").inner_text()
    assert page.evaluate("document.activeElement.getAttribute('aria-describedby')") == "tip"
    page.keyboard.press("Escape")
    assert not page.locator("#tip").is_visible()
    # layer toggles
    page.uncheck("input[data-layer=timex]")
    assert "hide-timex" in page.locator("#doc-text").get_attribute("class")


def test_entity_page_timeline_and_map(tab):
    page = tab.page
    tab.goto("/article/kabinet-dijken")
    href = page.locator("#doc-text a.ent-PER").first.get_attribute("href")
    page.click(f"#doc-text a.ent-PER[href='{href}']")
    page.wait_for_selector("body[data-timeline-ready='1']")
    assert page.url.endswith(href)
    assert page.locator("h1").inner_text().strip()
    assert page.locator(".last-heard").is_visible()
    items = page.locator("#timeline .tl-item")
    assert items.count() >= 1
    items.first.hover()
    page.locator("#tip").wait_for(state="visible")
    assert page.locator("#tip").inner_text().strip()
    before = page.locator("#timeline svg").get_attribute("viewBox")
    page.locator("#timeline").focus()
    page.keyboard.press("+")
    page.keyboard.press("ArrowRight")
    assert page.locator("#timeline svg").get_attribute("viewBox") == before  # same size, new view
    page.wait_for_selector("body[data-map-ready]")
    assert page.locator("#map .leaflet-overlay-pane path").count() > 100  # the bundled world map
    tab.shot("entity")
    items = page.locator("#timeline .tl-item")
    items.first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/article/" in page.url


def test_map_page_with_a_time_window(tab):
    page = tab.page
    load = tab.goto("/map")
    page.wait_for_selector("body[data-map-ready]")
    all_places = int(page.get_attribute("body", "data-map-ready"))
    assert all_places >= 5
    assert page.locator("#map path.place-marker").count() == all_places
    assert page.locator("#map-table tbody tr").count() == all_places
    assert page.locator("#map .leaflet-overlay-pane path").count() > 100
    tab.shot("map")
    page.fill("#map-from", "2019")
    page.fill("#map-to", "2019")
    page.evaluate("document.body.removeAttribute('data-map-ready')")
    page.click("#map-form button[type=submit]")
    page.wait_for_selector("body[data-map-ready]")
    some = int(page.get_attribute("body", "data-map-ready"))
    assert 0 < some < all_places
    assert "from=2019" in page.url
    page.locator("#map path.place-marker").first.click(force=True)
    page.wait_for_selector(".leaflet-popup-content a")
    assert "/?place=" in page.locator(".leaflet-popup-content a").get_attribute("href")
    tab.shot("map-2019")
    assert load < 10


def test_language_follows_the_browser_and_can_be_switched(browser, server):
    t = Tab(browser, server, locale="nl-NL")
    try:
        t.goto("/")
        page = t.page
        assert page.locator("html").get_attribute("lang") == "nl"
        assert page.locator("button[type=submit]").first.inner_text() == "Zoeken"
        page.click("nav.langs a[data-ui=en]")
        page.wait_for_load_state("load")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("button[type=submit]").first.inner_text() == "Search"
        t.goto("/map")  # remembered (cookie)
        assert page.locator("h1").inner_text() == "Map"
        t.shot("map-en")
    finally:
        t.close()


def test_entities_page_and_docs(tab):
    page = tab.page
    tab.goto("/entities?type=PER")
    assert page.locator("table.list tbody tr").count() >= 3
    tab.shot("entities")
    tab.goto("/docs")
    page.wait_for_selector("body[data-docs-ready='1']")
    assert page.locator("details.op").count() >= 12
    op = page.locator("details.op", has_text="/api/health").first
    op.locator("summary").click()
    op.locator("button[type=submit]").click()
    from playwright.sync_api import expect

    expect(op.locator("pre")).to_contain_text('"status": "ok"')  # (CSP forbids string-eval waits)
    tab.shot("docs")


def test_no_xss_from_article_text_entity_names_or_queries(tab):
    page = tab.page
    tab.goto("/article/xss-article")
    assert XSS_SCRIPT in page.locator("#doc-text").inner_text()  # shown as text
    assert XSS_SCRIPT in page.locator("h1").inner_text()
    assert page.evaluate("window.__xss") is None
    assert page.locator("img").count() == 0
    assert page.locator("#doc-text script").count() == 0
    assert page.locator("a[href^='javascript:']").count() == 0
    page.hover("#doc-text .tx")
    page.locator("#tip").wait_for(state="visible")
    assert "<script>" in page.locator("#tip").inner_text()
    tab.shot("xss-article")
    href = page.locator("#doc-text a.ent-PER").first.get_attribute("href")
    tab.goto(href)
    page.wait_for_selector("body[data-timeline-ready='1']")
    assert "<script>" in page.locator("h1").inner_text()
    assert page.evaluate("window.__xss") is None and page.locator("img").count() == 0
    tab.shot("xss-entity")
    tab.goto("/?q=" + quote(XSS_SCRIPT) + "&entity=" + quote('"><img src=x onerror="window.__xss=3">'), 422)
    assert "onerror" in page.locator(".error").inner_text()  # the unknown entity is named, as text
    assert page.evaluate("window.__xss") is None and page.locator("img").count() == 0
    tab.goto("/entities?q=" + quote("script"))
    assert page.locator("table.list tbody tr").count() >= 1
    assert page.evaluate("window.__xss") is None and page.locator("img").count() == 0
