"""The accessibility check run on every page the browser tests visit.

Each test page keeps a copy of its document as it stands after loading and after every htmx
swap (an init script sends it through a binding, so nothing runs between the test's own steps
and no timing is involved). When the test ends, the last copy of each page visited is opened in
a separate audit page, with the app's own stylesheets from workspace/static and no scripts, at
the test page's width and at 375 px. axe-core runs there, and the test fails on any serious or
critical violation, or on a page wider than the window (a horizontal scroll bar).

The audit page is separate so that the test pages keep the app's Content-Security-Policy, which
refuses the inline script axe would need, and their cache; copies of a document are harmless to
replay, unlike fetching its address again (one-use links, forms posted). Each address pattern
(numbers and tokens replaced) is audited once a session, which keeps the added time small.
"""

import mimetypes
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
STATIC = Path(__file__).parents[2] / "workspace" / "static"
PHONE_WIDTH = 375
SERIOUS = ["serious", "critical"]  # the impacts that fail a test

# Runs in each test page (main frame only): the document's markup after load and after each
# htmx swap, with its doctype so that the copy lays out in standards mode.
SNAPSHOT_SCRIPT = """
if (window === window.top) {
  const send = () => {
    if (document.contentType !== "text/html" || !document.documentElement) return;
    window.__a11ySnapshot(location.href, "<!doctype html>" + document.documentElement.outerHTML)
      .catch(() => {});
  };
  window.addEventListener("load", send);
  document.addEventListener("htmx:afterSettle", send);
}
"""

AUDIT_SCRIPT = """async (serious) => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  const root = document.documentElement;
  const edge = root.clientWidth + 1;
  const scrolls = el => getComputedStyle(el).overflowX !== "visible";
  const placed = el => ["absolute", "fixed"].includes(getComputedStyle(el).position);
  const inScroller = el => { if (placed(el)) return false;  // a scroller may not hold it
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement)
      if (scrolls(p)) return true;
    return false; };
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (typeof el.className === "string" && el.className.trim()
      ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  // the outermost elements reaching past the window that no scrolling box holds
  const wide = root.scrollWidth > root.clientWidth ? [...document.querySelectorAll("body *")]
    .filter(el => el.getBoundingClientRect().right > edge && !inScroller(el)
      && (el.parentElement === document.body
          || el.parentElement.getBoundingClientRect().right <= edge))
    .slice(0, 3).map(name) : null;
  return {
    overflow: wide && {scroll: root.scrollWidth, client: root.clientWidth, widest: wide},
    violations: results.violations.filter(v => serious.includes(v.impact))
      .map(v => ({id: v.id, impact: v.impact, help: v.help,
                  targets: v.nodes.slice(0, 5).map(n => n.target.join(" "))})),
  };
}"""

NUMBER = re.compile(r"^\d+$")
TOKEN = re.compile(r"^[A-Za-z0-9_.\-]{20,}$")


def pattern(url: str) -> str:
    """The address's path with numbers and tokens replaced: one audit covers them all."""
    parts = urlsplit(url).path.split("/")
    return "/".join("<n>" if NUMBER.match(p) else "<token>" if TOKEN.match(p) else p
                    for p in parts)


def describe(found: dict) -> list[str]:
    """One line a violation (rule, impact, the elements) and one for a page too wide."""
    lines = [f"{v['id']} ({v['impact']}: {v['help']}) at {', '.join(v['targets'])}"
             for v in found["violations"]]
    if overflow := found["overflow"]:
        lines.append(f"wider than the window ({overflow['scroll']} px in {overflow['client']} "
                     f"px), widest: {', '.join(overflow['widest'])}")
    return lines


class Auditor:
    """Audits copies of documents in a page of its own; remembers the patterns it has seen."""

    def __init__(self, browser):
        self.browser = browser
        self.checked: set[str] = set()
        self.seconds = 0.0
        self._page = None
        self._document: tuple[str, str] | None = None

    def watch(self, context) -> dict:
        """Keep the last copy of each document the context's pages show, by page and address."""
        copies: dict = {}

        def keep(source, url, html):
            copies[(id(source["page"]), url)] = html

        context.expose_binding("__a11ySnapshot", keep)
        context.add_init_script(SNAPSHOT_SCRIPT)
        return copies

    def audit(self, copies: dict, width: int) -> list[str]:
        """Audit each copy whose pattern is new this session; the problems found."""
        problems = []
        for (_, url), html in list(copies.items()):  # a live page may still send more
            key = pattern(url)
            if key in self.checked or urlsplit(url).scheme not in ("http", "https"):
                continue
            self.checked.add(key)
            problems += self._audit_one(url, html, width)
        return problems

    def _audit_one(self, url: str, html: str, width: int) -> list[str]:
        page = self._audit_page()
        self._document = (url, html)
        page.set_viewport_size({"width": width, "height": 860})
        page.goto(url)
        found: dict[str, list[int]] = {}  # a problem, and the widths it shows at
        for size in (width, PHONE_WIDTH):
            page.set_viewport_size({"width": size, "height": 860})
            for problem in describe(page.evaluate(AUDIT_SCRIPT, SERIOUS)):
                found.setdefault(problem, []).append(size)
            if folder := os.environ.get("SCREENSHOT_DIR"):  # what was audited, to look at
                name = re.sub(r"\W+", "-", pattern(url)).strip("-") or "home"
                os.makedirs(folder, exist_ok=True)
                page.screenshot(path=os.path.join(folder, f"a11y-{name}-{size}.png"),
                                full_page=True)
        path = urlsplit(url).path
        return [f"{path} at {' and '.join(map(str, sizes))} px: {problem}"
                for problem, sizes in found.items()]

    def _audit_page(self):
        if self._page is None:
            context = self.browser.new_context(java_script_enabled=True)
            context.add_init_script(path=str(AXE))
            context.route("**/*", self._serve)
            self._page = context.new_page()
        return self._page

    def _serve(self, route):
        """The copy for the document, the app's static files from disk, nothing else (no
        scripts run: the copy already holds what they made)."""
        request, path = route.request, urlsplit(route.request.url).path
        if request.resource_type == "document" and self._document:
            route.fulfill(body=self._document[1], content_type="text/html; charset=utf-8")
        elif path.startswith("/static/") and not path.endswith(".js"):
            file = (STATIC / path.removeprefix("/static/")).resolve()
            if file.is_relative_to(STATIC) and file.is_file():
                # read here: fulfill(path=) leaves the file open (a ResourceWarning)
                route.fulfill(body=file.read_bytes(),
                              content_type=mimetypes.guess_type(file.name)[0] or "text/plain")
            else:
                route.abort()
        else:
            route.abort()

    def close(self):
        if self._page is not None:
            self._page.context.close()
