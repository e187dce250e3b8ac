"""Finding executable markup in HTML with the standard library's parser, for the XSS tests."""

import html
import re
from html.parser import HTMLParser
from pathlib import Path

PAYLOADS = [line.replace("\\n", "\n") for line in
            (Path(__file__).parent / "xss_payloads.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")]
BANNED_TAGS = {"script", "iframe", "object", "embed", "svg", "math", "style", "meta", "form",
               "base", "link", "frame", "frameset", "applet", "template", "noscript"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "background",
                  "poster", "srcset", "lowsrc", "dynsrc", "codebase"}
CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]+")


def _normalised(value: str) -> str:
    return CONTROL.sub("", html.unescape(value or "")).lower()


class Finder(HTMLParser):
    """Collects what could run: banned elements, handlers, script URLs, htmx attributes, and
    links without rel="noopener nofollow". For a whole page (`page`), the last two are looked
    for inside message bodies only, the page's own links and htmx being none of theirs."""

    def __init__(self, page: bool = False):
        super().__init__(convert_charrefs=True)
        self.findings: list[tuple] = []
        self.bodies_only = page
        self.stack: list[str] = []
        self.body_depth: int | None = None
        self.bodies = 0

    @property
    def in_body(self) -> bool:
        return not self.bodies_only or self.body_depth is not None

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)
        classes = (dict(attrs).get("class") or "").split()
        if tag not in VOID:
            self.stack.append(tag)
            if self.bodies_only and self.body_depth is None and "chat-body" in classes:
                self.body_depth = len(self.stack)
                self.bodies += 1

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_endtag(self, tag):
        if tag in VOID or tag not in self.stack:
            return
        while self.stack:
            if self.body_depth is not None and len(self.stack) == self.body_depth:
                self.body_depth = None
            if self.stack.pop() == tag:
                break

    def _check(self, tag, attrs):
        attributes = dict(attrs)
        if tag in BANNED_TAGS:
            self.findings.append(("tag", tag, tuple(sorted(attrs, key=str))))
        for name, value in attrs:
            if name.startswith("on"):
                self.findings.append(("handler", tag, name))
            if name in URL_ATTRIBUTES and _normalised(value).startswith(BAD_SCHEMES):
                self.findings.append(("url", tag, name, value))
            if name == "style" and re.search(r"expression|script:|url\(|behavior|@import",
                                             _normalised(value)):
                self.findings.append(("style", tag, value))
            if self.in_body and re.match(r"^(data-)?(hx-|sse-)", name):
                self.findings.append(("htmx", tag, name))
        if tag == "a" and self.in_body:
            rel = (attributes.get("rel") or "").split()
            if not {"noopener", "nofollow"} <= set(rel):
                self.findings.append(("rel", attributes.get("href")))


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "keygen", "param", "image", "isindex"}


def findings(markup: str, page: bool = False) -> tuple[list[tuple], int]:
    """(what could run, how many message bodies were seen)."""
    finder = Finder(page)
    finder.feed(markup)
    finder.close()
    return finder.findings, finder.bodies
