"""The web edition in a real browser (Debian's Chromium through Playwright).

The built sample site is served over HTTP on 127.0.0.1; every request for
another host is aborted and recorded, and the tests fail if there was any: the
site must be self-contained.

Screenshots go to a temporary folder, or to the folder named by
``DIGLOT_SCREENSHOTS`` (relative to the repository), e.g.
``DIGLOT_SCREENSHOTS=docs .venv/bin/pytest -q tests/test_browser.py -k screenshot``
refreshes the ones the README shows.
"""

from __future__ import annotations

import functools
import http.server
import os
import struct
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        f"no Chromium at {CHROMIUM}: install Debian's 'chromium' package (scripts/system-deps.sh does it)",
        allow_module_level=True,
    )

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402  (after the skip)

from .conftest import REPO, SAMPLE_ARTICLES  # noqa: E402

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
HOST = "127.0.0.1"
HEIGHT = 900
WIDTHS = [375, 1280]
ISSUE = "2026-10"
ARTICLES = SAMPLE_ARTICLES
TAGS = ["zh-hans", "en"]
# Every page of the site: the language choice, both archives, both issues,
# all twelve articles, their twelve parallel views (and the two search pages
# the build also writes).
PAGES = (
    ["index.html"]
    + [f"{tag}/index.html" for tag in TAGS]
    + [f"{tag}/{ISSUE}/index.html" for tag in TAGS]
    + [f"{tag}/{ISSUE}/{slug}/index.html" for tag in TAGS for slug in ARTICLES]
    + [f"{tag}/{ISSUE}/{slug}/parallel/index.html" for tag in TAGS for slug in ARTICLES]
    + [f"{tag}/search/index.html" for tag in TAGS]
)
MAX_SCREENSHOT = 600 * 1024
# How long any wait for the page's state may take (ms): generous, for a loaded machine.
# Tests wait for the state they assert, never for a fixed time.
TIMEOUT = 30_000


# --- fixtures -----------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002  (the stdlib's name)
        pass


@pytest.fixture(scope="module")
def site(sample_build) -> Path:
    return sample_build / "site"


@pytest.fixture(scope="module")
def server(site):
    """The built site over HTTP on 127.0.0.1 (any free port); yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer((HOST, 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def outside_requests() -> list[str]:
    """Every request the pages made for a host other than 127.0.0.1 (all aborted)."""
    return []


@pytest.fixture(scope="module")
def local_requests() -> list[str]:
    return []


@pytest.fixture(scope="module")
def contexts(browser, outside_requests, local_requests):
    """One browser context per viewport width, shared by the module; its requests never leave 127.0.0.1."""

    def guard(route):
        url = route.request.url
        parts = urlparse(url)
        if parts.scheme in ("data", "blob"):
            route.continue_()
        elif parts.hostname == HOST:
            local_requests.append(url)
            route.continue_()
        else:
            outside_requests.append(url)
            route.abort("blockedbyclient")

    made = {}

    def get(width: int):
        if width not in made:
            context = browser.new_context(viewport={"width": width, "height": HEIGHT}, device_scale_factor=1)
            context.set_default_timeout(TIMEOUT)
            context.route("**/*", guard)
            made[width] = context
        return made[width]

    yield get
    for context in made.values():
        context.close()


@pytest.fixture
def new_page(contexts, outside_requests):
    """new_page(width) -> a fresh Page at that viewport width (closed after the test)."""
    pages = []
    seen_before = len(outside_requests)

    def make(width: int = 1280) -> Page:
        page = contexts(width).new_page()
        pages.append(page)
        return page

    yield make
    for page in pages:
        page.close()
    assert outside_requests[seen_before:] == [], "the pages asked for something outside 127.0.0.1"


def goto(page: Page, server: str, path: str) -> None:
    page.goto(f"{server}/{path}", wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")


# --- tests --------------------------------------------------------------------


def test_the_served_site_has_every_page(site):
    missing = [p for p in PAGES if not (site / p).is_file()]
    assert missing == []


def test_the_language_switch_leads_to_the_translation_and_back(new_page, server):
    zh_path = f"zh-hans/{ISSUE}/songs-of-the-river/index.html"
    en_path = f"en/{ISSUE}/songs-of-the-river/index.html"
    page = new_page(1280)
    goto(page, server, zh_path)
    assert page.evaluate("document.documentElement.lang") == "zh-Hans"
    zh_title = page.locator("h1").inner_text().strip()

    # The page names its counterpart (absolute, under base_url): read the
    # English title from that page, served locally.
    alternate = page.locator('link[rel="alternate"][hreflang="en"]').get_attribute("href")
    counterpart = urlparse(alternate).path
    assert counterpart.lstrip("/") in (en_path, en_path.removesuffix("index.html"))
    reader = new_page(1280)
    goto(reader, server, counterpart.lstrip("/") + ("index.html" if counterpart.endswith("/") else ""))
    en_title = reader.locator("h1").inner_text().strip()
    assert en_title == "Songs That Remember the River"

    page.click('nav.language-switch a[hreflang="en"]')
    page.wait_for_url(f"**/{en_path}")
    assert urlparse(page.url).path == f"/{en_path}"
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("h1").inner_text().strip() == en_title

    page.click('nav.language-switch a[hreflang="zh-Hans"]')
    page.wait_for_url(f"**/{zh_path}")
    assert urlparse(page.url).path == f"/{zh_path}"
    assert page.evaluate("document.documentElement.lang") == "zh-Hans"
    assert page.locator("h1").inner_text().strip() == zh_title


# The elements sticking out past the right edge of the viewport, deepest first
# removed: only those whose parent still fits, to name the culprit.
OVERFLOW_REPORT = """() => {
  const limit = window.innerWidth + 1;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.right <= limit) continue;
    const p = el.parentElement && el.parentElement.getBoundingClientRect();
    if (p && p.right > limit && el.parentElement !== document.body) continue;
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
    out.push(`${name} right=${Math.round(r.right)} (${(el.textContent || '').trim().slice(0, 40)})`);
  }
  return out;
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways(new_page, server, width):
    page = new_page(width)
    problems = []
    for path in PAGES:
        goto(page, server, path)
        scroll_width, inner_width = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        if scroll_width > inner_width + 1:
            culprits = page.evaluate(OVERFLOW_REPORT)
            problems.append(f"{path} at {width}px: scrollWidth {scroll_width} > {inner_width}; {culprits}")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(
    "tag, text, width",
    [("zh-hans", "跳到正文", 375), ("en", "Skip to content", 1280)],
)
def test_tab_first_reaches_a_visible_skip_link(new_page, server, tag, text, width):
    page = new_page(width)
    goto(page, server, f"{tag}/{ISSUE}/repair-as-design/index.html")
    skip = page.locator("a.skip-link")
    assert skip.get_attribute("href") == "#main"
    page.keyboard.press("Tab")
    # Focus moves with the key's default action: wait for it before reading it.
    expect(skip).to_be_focused(timeout=TIMEOUT)
    focused = page.evaluate(
        "[document.activeElement.className, document.activeElement.textContent.trim()]"
    )
    assert focused == ["skip-link", text]
    box = skip.bounding_box()
    assert box is not None and box["width"] > 0 and box["height"] > 0
    assert box["x"] >= 0 and box["y"] >= 0
    assert box["x"] + box["width"] <= width and box["y"] + box["height"] <= HEIGHT, box
    assert skip.is_visible()
    # Following it lands on the content.
    page.keyboard.press("Enter")
    # The navigation to the fragment happens after the key press returns: wait for it, under any load.
    page.wait_for_function("location.hash === '#main'")
    assert urlparse(page.url).fragment == "main"


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


@pytest.fixture
def screenshot_dir(tmp_path) -> Path:
    chosen = os.environ.get("DIGLOT_SCREENSHOTS")
    if not chosen:
        return tmp_path
    folder = Path(chosen)
    folder = folder if folder.is_absolute() else REPO / folder
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("tag", TAGS)
@pytest.mark.parametrize("width", WIDTHS)
def test_screenshots_of_an_article(new_page, server, screenshot_dir, tag, width):
    page = new_page(width)
    goto(page, server, f"{tag}/{ISSUE}/repair-as-design/index.html")
    target = screenshot_dir / f"web-{tag}-{width}.png"
    page.screenshot(path=str(target), full_page=True, type="png")
    if target.stat().st_size > MAX_SCREENSHOT:
        page.screenshot(path=str(target), full_page=False, type="png")
    assert target.stat().st_size <= MAX_SCREENSHOT, f"{target} is {target.stat().st_size} bytes"
    shot_width, shot_height = _png_size(target)
    assert shot_width == width
    assert shot_height >= HEIGHT


# --- the parallel view ----------------------------------------------------------

# Every .pair of the page with the boxes of its sides, in page coordinates.
PAIR_BOXES = """() => Array.from(document.querySelectorAll('.pair')).map(pair => ({
  kind: Array.from(pair.classList).find(c => c.startsWith('pair-')),
  sides: Array.from(pair.children).filter(el => el.classList.contains('side')).map(side => {
    const r = side.getBoundingClientRect();
    return {
      lang: side.lang, source: side.classList.contains('is-source'),
      top: r.top + window.scrollY, bottom: r.bottom + window.scrollY, left: r.left, right: r.right,
      font: getComputedStyle(side).fontFamily,
    };
  }),
}))"""
# A Chinese-source article with a figure, a list and footnotes; an English-source one.
PARALLEL = ["repair-as-design", "songs-of-the-river"]


def pair_boxes(page: Page, server: str, slug: str, tag: str = "en") -> list[dict]:
    goto(page, server, f"{tag}/{ISSUE}/{slug}/parallel/index.html")
    pairs = page.evaluate(PAIR_BOXES)
    assert len(pairs) > 10, pairs
    return pairs


@pytest.mark.parametrize("slug", PARALLEL)
def test_parallel_pairs_are_aligned_side_by_side_at_1280(new_page, server, slug):
    page = new_page(1280)
    pairs = pair_boxes(page, server, slug)
    if slug == "repair-as-design":
        assert {"pair-figure", "pair-list-item", "pair-footnote", "pair-heading"} <= {p["kind"] for p in pairs}
    below = 0.0  # the bottom of the taller side of the pairs so far
    for pair in pairs:
        sides = pair["sides"]
        if len(sides) == 2:
            left, right = sides
            assert abs(left["top"] - right["top"]) <= 1, pair
            assert right["left"] >= left["right"], pair
        for side in sides:
            assert side["top"] >= below - 1, f"{pair['kind']} starts above the pair before it ends"
        below = max(side["bottom"] for side in sides)
    # Chinese columns use the theme's Chinese fonts
    zh = next(s for p in pairs if p["kind"] == "pair-paragraph" for s in p["sides"] if s["lang"] == "zh-Hans")
    assert "Noto Serif CJK SC" in zh["font"]


@pytest.mark.parametrize("slug", PARALLEL)
def test_parallel_pairs_are_interleaved_at_375(new_page, server, slug):
    page = new_page(375)
    pairs = pair_boxes(page, server, slug)
    below = 0.0
    for pair in pairs:
        # one column: the source first, then its translation, then the next pair
        sides = sorted(pair["sides"], key=lambda s: not s["source"])
        if len(sides) == 2:
            first, second = sides
            assert second["top"] >= first["bottom"] - 0.5, pair
            assert abs(first["left"] - second["left"]) <= 1, pair
        for side in sides:
            assert side["top"] >= below - 0.5, f"{pair['kind']} is out of order"
            assert side["right"] <= 375, pair
            below = max(below, side["bottom"])
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width


@pytest.mark.parametrize("width", WIDTHS)
def test_screenshots_of_the_parallel_view(new_page, server, screenshot_dir, width):
    """docs/web-parallel-<width>.png: the page's top at 1280 px (header, pairs, the figure), the body at 375 px."""
    page = new_page(width)
    goto(page, server, f"en/{ISSUE}/repair-as-design/parallel/index.html")
    height = page.evaluate("document.documentElement.scrollHeight")
    top = 0 if width >= 900 else page.evaluate("document.querySelector('.parallel-body').getBoundingClientRect().top + window.scrollY - 16")
    clip = {"x": 0, "y": top, "width": width, "height": min(1850 if width >= 900 else 2000, height - top)}
    target = screenshot_dir / f"web-parallel-{width}.png"
    page.screenshot(path=str(target), full_page=True, clip=clip, type="png")
    assert target.stat().st_size <= MAX_SCREENSHOT, f"{target} is {target.stat().st_size} bytes"
    shot_width, shot_height = _png_size(target)
    assert shot_width == width
    assert shot_height >= HEIGHT


# Pagefind's results are shown and none of them is still loading.
SEARCH_DONE = """() => document.querySelector('.pagefind-ui__result-link') !== null &&
  document.querySelector('.pagefind-ui__results .pagefind-ui__loading') === null"""


@pytest.mark.parametrize(
    ("tag", "query", "expected"),
    [
        ("zh-hans", "天井", "courtyard-climate"),  # a Chinese word, found through Pagefind's segmentation
        ("zh-hans", "渔歌", "songs-of-the-river"),
        ("en", "floodplain", "songs-of-the-river"),
        ("en", "multimeter", "repair-as-design"),
    ],
)
def test_search_finds_the_right_article(new_page, server, tag, query, expected):
    page = new_page(1280)
    goto(page, server, f"{tag}/search/index.html")
    page.fill(".pagefind-ui__search-input", query)
    # Pagefind renders placeholders first and fills each result in as its fragment arrives:
    # wait until every result shown is complete, so the checks below see all of them.
    page.wait_for_function(SEARCH_DONE, timeout=TIMEOUT)
    links = page.eval_on_selector_all(".pagefind-ui__result-link", "els => els.map(e => e.getAttribute('href'))")
    assert any(f"/{tag}/{ISSUE}/{expected}/" in link for link in links), links
    assert not [link for link in links if "/parallel/" in link], f"parallel views in the results: {links}"
    assert all(f"/{tag}/" in link for link in links), f"results from another language: {links}"


def test_serve_shows_an_edited_paragraph(browser, tmp_path):
    """diglot serve in the browser: edit a translation, the open page reloads itself with the new text."""
    from diglot.serve import DevServer

    from .conftest import copy_publication

    root = copy_publication(REPO, tmp_path / "pub")
    server = DevServer(root, 0, ["en"], quiet=True)
    server.start()
    try:
        context = browser.new_context(viewport={"width": 1280, "height": HEIGHT})
        try:
            page = context.new_page()
            page.goto(f"{server.url.rstrip('/')}/en/{ISSUE}/editors-note/index.html")
            assert "Letters, criticism and submissions are all welcome." in page.content()
            po = root / f"locale/en/LC_MESSAGES/{ISSUE}/editors-note.po"
            text = po.read_text(encoding="utf-8")
            assert "Letters, criticism and submissions are all welcome." in text
            po.write_text(text.replace("Letters, criticism and submissions are all welcome.", "Letters and submissions are welcome, always."), encoding="utf-8")
            # The rebuild and the page's own reload take their time: wait for the new text
            # itself (the assertion retries across the reload).
            expect(page.locator("body")).to_contain_text("Letters and submissions are welcome, always.", timeout=TIMEOUT)
        finally:
            context.close()
    finally:
        server.stop()


def test_nothing_was_requested_outside_localhost(outside_requests, local_requests):
    # Runs last in this module: the browser tests above must have loaded pages
    # (so the guard saw traffic) and none of it may have left 127.0.0.1.
    assert local_requests, "no request went through the guard: did the browser tests run?"
    assert outside_requests == []
