"""The website as a reader gets it: every page opened in a real browser.

The built site (the session's ``site`` fixture, see ``conftest.py``) is
served from 127.0.0.1 by a thread of the test process and opened in
Debian's headless Chromium through Playwright; nothing is downloaded, and any
request that leaves the site is reported (and cannot resolve), so the pages
are checked as an offline reader sees them. For every page: no console
error, no failed request, a favicon, math typeset by MathJax, every image
loaded and described, solutions that open, no serious or critical axe-core
violation; on chapters also the Colab link, the objectives box first and the
search; on the landing page the chapter map and its figure; dark mode once.
When a check fails, a full-page screenshot goes to
``_build/screenshots/<page>.png``.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.helpers import ROOT, book_config, toc_files

CHROMIUM = Path("/usr/bin/chromium")
APT_INSTALL = "apt-get update && apt-get install -y --no-install-recommends chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Nothing but the local server resolves: a page that needs the network fails here.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
SCREENSHOTS = ROOT / "_build" / "screenshots"
#: axe-core impacts that fail a page ("minor" and "moderate" are reported by axe only).
BLOCKING_IMPACTS = ("serious", "critical")
#: Delimiters MathJax consumes; any left in the visible text was not typeset.
RAW_MATH = ("$$", "\\(", "\\[")
TIMEOUT_MS = 20_000

PAGES = toc_files()
CHAPTERS = [name for name in PAGES if name.startswith("chapters/")]
#: Words too common to name a chapter in a search.
STOP_WORDS = {"from", "with", "into", "about", "versus", "what", "when", "through", "appendix"}


# --- the server and the browser, once per session -----------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # the base class's signature
        pass  # failed requests are reported by the browser, with the page that made them


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    """The address of the built site, served by a thread on 127.0.0.1."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium, launched once for the whole session."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install Debian's chromium with `{APT_INSTALL}`"
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)  # only this session's failures
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def reader(browser: Browser) -> Iterator[BrowserContext]:
    """A reader on a light-themed desktop who opens every page as a first-time visitor.

    One browser context keeps the HTTP cache between pages, as a reader's
    browser does; storage is emptied before every page loads, so that each
    page starts from what a first visit sees (theme mode included).
    """
    context = browser.new_context(color_scheme="light", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script("localStorage.clear(); sessionStorage.clear();")
    yield context
    context.close()


class Visit:
    """One page opened by the reader, with everything that went wrong on the way.

    ``problems`` collects console errors, uncaught exceptions and failed
    requests from the moment the page starts loading until
    :meth:`stop_listening`; the checks add theirs.
    """

    def __init__(self, reader: BrowserContext, base_url: str, screenshot_name: str):
        self.base_url = base_url
        self.screenshot_name = screenshot_name
        self.problems: list[str] = []
        self.listening = True
        self.page = reader.new_page()
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self._report(f"page error: {error}"))
        self.page.on("request", self._on_request)
        self.page.on("requestfailed", self._on_request_failed)
        self.page.on("response", self._on_response)

    def _report(self, problem: str) -> None:
        if self.listening:
            self.problems.append(problem)

    def stop_listening(self) -> None:
        """Ignore what the page does from now on.

        axe-core fetches the stylesheets again and resolves their ``@import``
        against the page instead of the sheet: a 404 that no reader gets.
        """
        self.listening = False

    def _on_console(self, message) -> None:
        if message.type == "error":
            self._report(f"console error: {message.text} ({message.location.get('url')})")

    def _on_request(self, request) -> None:
        if not request.url.startswith((self.base_url, "data:", "blob:")):
            self._report(f"request outside the site: {request.url}")

    def _on_request_failed(self, request) -> None:
        if request.url.startswith(self.base_url):
            self._report(f"request failed: {request.url} ({request.failure})")

    def _on_response(self, response) -> None:
        if response.url.startswith(self.base_url) and response.status >= 400:
            self._report(f"HTTP {response.status}: {response.url}")

    def open(self, path: str) -> Page:
        self.page.goto(self.base_url + path, wait_until="load")
        return self.page

    def assert_no_problems(self) -> None:
        assert not self.problems, (
            f"{self.screenshot_name}: {len(self.problems)} problem(s):\n  "
            + "\n  ".join(self.problems)
        )

    def screenshot(self) -> Path | None:
        """Save a full-page screenshot; None if the page cannot take one any more."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.screenshot_name.replace('/', '-')}.png"
        try:
            self.page.screenshot(path=str(path), full_page=True, timeout=TIMEOUT_MS)
        except Exception:  # a crashed page must not hide the real failure
            return None
        return path


@contextmanager
def visit(reader: BrowserContext, base_url: str, screenshot_name: str) -> Iterator[Visit]:
    """A :class:`Visit` that leaves a screenshot behind when a check fails."""
    current = Visit(reader, base_url, screenshot_name)
    try:
        yield current
    except Exception:
        current.screenshot()
        raise
    finally:
        current.page.close()


# --- the checks ----------------------------------------------------------------------------

FAVICON_JS = """async (atRoot) => {
    const problems = [];
    const load = async (url) => {
        const response = await fetch(url);
        const size = (await response.blob()).size;
        if (!response.ok || !size) problems.push(`${url}: HTTP ${response.status}, ${size} bytes`);
    };
    const link = document.querySelector("link[rel~='icon']");
    if (link) await load(link.href); else problems.push("no <link rel=icon>");
    if (atRoot) await load("/favicon.ico");
    return problems;
}"""


def favicon_problems(page: Page, at_root: bool = False) -> list[str]:
    """The page names an icon that loads (browsers ask for one; none is a 404).

    With ``at_root``, the site also serves ``/favicon.ico``, which browsers ask
    for on pages that name no icon, such as the root ``index.html`` redirect.
    """
    return [f"favicon: {problem}" for problem in page.evaluate(FAVICON_JS, at_root)]


def math_problems(page: Page) -> list[str]:
    """Typeset math: every math element holds MathJax output, no delimiter is left as text."""
    problems = []
    if page.locator("article .math").count():
        page.wait_for_function("() => window.MathJax?.startup?.promise")
        page.evaluate("() => MathJax.startup.promise")
        raw = page.locator("article .math:not(:has(mjx-container))").evaluate_all(
            "elements => elements.map(e => e.textContent.trim().slice(0, 60))"
        )
        problems += [f"math not typeset by MathJax: {text}" for text in raw]
        if not page.locator("article mjx-container").count():
            problems.append("no mjx-container: MathJax rendered nothing")
    text = page.locator("article").inner_text()
    for delimiter in RAW_MATH:
        for match in re.finditer(re.escape(delimiter), text):
            context = text[max(0, match.start() - 30) : match.end() + 30].replace("\n", " ")
            problems.append(f"raw math {delimiter!r} in the text: ...{context}...")
    return problems


IMAGES_JS = """async () => {
    const images = [...document.images];
    // Lazy images outside the viewport would never load: ask for all of them now.
    images.forEach(img => { img.loading = "eager"; });
    await Promise.all(images.map(img => img.decode().catch(() => null)));
    return images.map(img => ({
        src: img.getAttribute("src"),
        width: img.naturalWidth,
        alt: (img.getAttribute("alt") || "").trim(),
    }));
}"""


def image_problems(page: Page) -> list[str]:
    """Every image loads and has alt text."""
    problems = []
    for image in page.evaluate(IMAGES_JS):
        if image["width"] == 0:
            problems.append(f"image did not load: {image['src']}")
        if not image["alt"]:
            problems.append(f"image without alt text: {image['src']}")
    return problems


def colab_problems(page: Page, name: str) -> list[str]:
    """The Colab launch links open this chapter's committed notebook, then its student version."""
    repo = book_config()["repository"]["url"].removeprefix("https://github.com/")
    base = f"https://colab.research.google.com/github/{repo}/blob/main"
    student = name.replace("chapters/", "student/", 1)
    expected = [f"{base}/{name}.ipynb", f"{base}/{student}.ipynb"]
    hrefs = page.locator('a[href^="https://colab.research.google.com"]').evaluate_all(
        "links => links.map(a => a.href)"
    )
    problems = []
    if hrefs != expected:
        problems.append(f"Colab links {hrefs}, expected exactly {expected}")
    if not (ROOT / f"{student}.ipynb").is_file():
        problems.append(f"{student}.ipynb, which the student link opens, is not in the repository")
    if not (ROOT / f"{name}.ipynb").is_file():
        problems.append(f"{name}.ipynb, which the Colab link opens, is not in the repository")
    return problems


def objectives_problems(page: Page) -> list[str]:
    """The first thing after the chapter title is the box with the objectives."""
    first = page.locator("article h1 + *").first
    if not first.count():
        return ["nothing follows the chapter title"]
    classes = first.get_attribute("class") or ""
    text = first.inner_text()
    if "admonition" not in classes.split() or "Objectives" not in text:
        return [
            f"the first element after the title is not the objectives box: "
            f"<{first.evaluate('e => e.tagName.toLowerCase()')} class={classes!r}> "
            f"{text[:80]!r}"
        ]
    return []


def solution_problems(page: Page) -> list[str]:
    """Every solution is hidden until its dropdown is clicked, then shows its content."""
    problems = []
    solutions = page.locator("article div.solution.dropdown")
    for index in range(solutions.count()):
        solution = solutions.nth(index)
        title = solution.locator(":scope > .admonition-title")
        content = solution.locator(":scope > :not(.admonition-title)").first
        label = title.inner_text().strip() or f"solution {index + 1}"
        if content.is_visible():
            problems.append(f"{label}: visible before its dropdown is clicked")
            continue
        title.click()
        try:
            content.wait_for(state="visible", timeout=5_000)
        except Exception:  # reported as a finding, with the label
            problems.append(f"{label}: clicking the dropdown did not show the solution")
    if solutions.count():
        # Let the page react to what opened (tab stops on new scrollable blocks)
        # before anything inspects it: two frames.
        page.evaluate(
            "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
        )
    return problems


CHAPTER_MAP_JS = """() => Object.fromEntries(
    [...document.querySelectorAll("article table a[href]")]
    .map(a => [new URL(a.href).pathname, a.closest("tr").lastElementChild.innerText.trim()]))"""


def landing_problems(page: Page) -> list[str]:
    """The chapter map (one line per page) has a promise for every page; a figure shows."""
    promises = page.evaluate(CHAPTER_MAP_JS)
    problems = []
    for name in PAGES[1:]:
        if name == "bibliography":
            continue
        promise = promises.get(f"/{name}.html")
        if promise is None:
            problems.append(f"the chapter map has no row for {name}")
        elif not promise:
            problems.append(f"the chapter map promises nothing for {name}")
    if not page.locator("article figure img").count():
        problems.append("the landing page shows no figure")
    return problems


#: Resolves once every finite CSS animation and transition has ended, two frames later.
SETTLE_JS = """() => Promise.all(document.getAnimations()
        .filter(a => a.effect && a.effect.getComputedTiming().iterations !== Infinity)
        .map(a => a.finished.catch(() => null)))
    .then(() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done))))"""


def accessibility_problems(page: Page) -> list[str]:
    """axe-core violations of serious or critical impact, with the offending nodes."""
    # An opened solution fades in (sphinx-togglebutton, 0.3 s): text caught
    # half-transparent fails the contrast rule, so let the fades end first.
    page.evaluate(SETTLE_JS)
    results = Axe().run(page)
    problems = []
    for violation in results.response["violations"]:
        if violation["impact"] not in BLOCKING_IMPACTS:
            continue
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
        shown = "; ".join(targets[:8]) + (
            f"; ... {len(targets) - 8} more" if len(targets) > 8 else ""
        )
        problems.append(
            f"axe {violation['id']} ({violation['impact']}): {violation['help']} -> {shown}"
        )
    return problems


# --- the tests -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_page_reads_well_in_a_browser(reader, base_url, name):
    with visit(reader, base_url, name) as current:
        if name == PAGES[0]:
            # The site's front door is index.html, which must lead to the root page.
            page = current.open("index.html")
            page.wait_for_url(f"**/{name}.html")
            page.wait_for_load_state("load")
            current.problems += landing_problems(page)
        else:
            page = current.open(f"{name}.html")
        current.problems += favicon_problems(page, at_root=name == PAGES[0])
        current.problems += math_problems(page)
        current.problems += image_problems(page)
        if name in CHAPTERS:
            current.problems += colab_problems(page, name)
            current.problems += objectives_problems(page)
        # Open the solutions before axe runs, so that their content is checked too.
        current.problems += solution_problems(page)
        current.stop_listening()
        current.problems += accessibility_problems(page)
        current.assert_no_problems()


def title_search_word(site: Path, name: str) -> str:
    """The longest word of the chapter's title, the one a reader would search for."""
    title = re.search(r"<h1>(.*?)<", (site / f"{name}.html").read_text(encoding="utf-8")).group(1)
    words = [w for w in re.findall(r"[A-Za-z]{4,}", title) if w.lower() not in STOP_WORDS]
    assert words, f"{name}: no searchable word in its title {title!r}"
    return max(words, key=len)


SEARCH_RESULTS_JS = """(wanted) => {
    const found = [...document.querySelectorAll("#search-results ul.search a")]
        .map(a => new URL(a.href).pathname);
    const finished = document.querySelector("#search-results .search-summary")?.innerText;
    return (found.includes(wanted) || finished) && found;
}"""


@pytest.mark.parametrize("name", CHAPTERS)
def test_search_finds_the_chapter_by_its_title(reader, base_url, site, name):
    word = title_search_word(site, name)
    with visit(reader, base_url, f"search-{name}") as current:
        page = current.open(f"search.html?q={word}")
        # Sphinx lists the results one by one, each with a summary it fetches from
        # the page, and writes its status line when it has finished: wait for the
        # chapter's link, or for the end of a search that does not find it.
        found = page.wait_for_function(SEARCH_RESULTS_JS, arg=f"/{name}.html").json_value()
        assert f"/{name}.html" in found, (
            f"searching for {word!r} does not find {name}; found {found}"
        )
        current.assert_no_problems()


def test_dark_mode_toggles(reader, base_url):
    name = PAGES[0]
    with visit(reader, base_url, f"dark-mode-{name}") as current:
        page = current.open(f"{name}.html")
        html = page.locator("html")
        assert html.get_attribute("data-theme") == "light", (
            "a light-preferring reader starts light"
        )
        light_background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        page.locator(".theme-switch-button:visible").first.click()
        page.wait_for_function("() => document.documentElement.dataset.theme === 'dark'")
        assert html.get_attribute("data-mode") == "dark"
        dark_background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        assert dark_background != light_background, "the theme switched but the page did not"
        current.assert_no_problems()
