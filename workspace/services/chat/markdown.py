"""Chat messages as Markdown: rendered by markdown-it-py, then cleaned by nh3's allow-list.

Raw HTML in a message is shown as text (markdown-it's `html` option is off), and whatever
Markdown produces still goes through the sanitiser, so neither alone has to be perfect: no
script, style, frames, SVG or MathML, no event handlers, no style attributes (a table
column's alignment is a class, since the Content-Security-Policy refuses inline styles), only
http(s) and mailto links, and every link carries rel="noopener nofollow". An image is shown as
a link to it, so that a message cannot make every reader's browser fetch a picture from
someone's server (telling them who read it, and when).
"""

import re
from collections.abc import Iterable

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

TAGS = {"p", "br", "strong", "em", "s", "del", "code", "pre", "blockquote", "ul", "ol", "li",
        "a", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr",
        "th", "td", "span"}
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "span": {"data-user-id"}}
ALIGNMENTS = {"align-left", "align-center", "align-right"}
CLASSES = {"span": {"mention"}, "th": ALIGNMENTS, "td": ALIGNMENTS}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener nofollow noreferrer"

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_markdown.enable(["strikethrough", "table"])


def _image_as_link(self, tokens: list[Token], idx: int, options, env) -> str:
    token = tokens[idx]
    src = token.attrGet("src") or ""
    label = token.content or src
    return f'<a href="{escapeHtml(str(src))}">{escapeHtml(label)}</a>'


_markdown.add_render_rule("image", _image_as_link)


def _alignment_as_class(state) -> None:
    """A table cell's `style="text-align:left"` becomes `class="align-left"`."""
    for token in state.tokens:
        style = token.attrGet("style") if token.type in ("th_open", "td_open") else None
        if style and style.startswith("text-align:"):
            token.attrs.pop("style")
            token.attrSet("class", "align-" + style.removeprefix("text-align:"))


_markdown.core.ruler.push("alignment_as_class", _alignment_as_class)


def sanitise(html: str) -> str:
    """Keep only the allow-listed tags, attributes and URL schemes."""
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel=LINK_REL, allowed_classes=CLASSES, strip_comments=True)


def render(body: str, mentions: Iterable[tuple[int, str]] = ()) -> str:
    """The safe HTML for a message; `mentions` are (user id, name) pairs to highlight."""
    names = sorted(mentions, key=lambda pair: len(pair[1]), reverse=True)
    env = {"mentions": names}
    tokens = _markdown.parse(body, env)
    if names:
        _mark_mentions(tokens, names)
    return sanitise(_markdown.renderer.render(tokens, _markdown.options, env))


def find_mentions(body: str, names: Iterable[tuple[int, str]]) -> list[int]:
    """User ids named as @Name in the text, longest name first, each once, in order."""
    by_length = sorted(names, key=lambda pair: len(pair[1]), reverse=True)
    found: list[int] = []
    for match in re.finditer(r"(?<![\w@])@", body):
        hit = _name_at(body, match.end(), by_length)
        if hit is not None and hit[0] not in found:
            found.append(hit[0])
    return found


def _name_at(text: str, start: int, names: list[tuple[int, str]]) -> tuple[int, str] | None:
    """The longest name that `text` holds at `start`, ending at a word boundary."""
    for user_id, name in names:
        end = start + len(name)
        if text[start:end].casefold() == name.casefold() and not (
                end < len(text) and (text[end].isalnum() or text[end] == "_")):
            return user_id, text[start:end]
    return None


def _mark_mentions(tokens: list[Token], names: list[tuple[int, str]]) -> None:
    for token in tokens:
        if token.type == "inline" and token.children:
            token.children = [piece for child in token.children
                              for piece in _split_text(child, names)]


def _split_text(token: Token, names: list[tuple[int, str]]) -> list[Token]:
    """A text token cut into text and mention spans (code and link targets are untouched)."""
    if token.type != "text" or "@" not in token.content:
        return [token]
    pieces: list[Token] = []
    text, position = token.content, 0
    for match in re.finditer(r"(?<![\w@])@", text):
        if match.start() < position:
            continue
        hit = _name_at(text, match.end(), names)
        if hit is None:
            continue
        pieces.append(_text(text[position:match.start()]))
        pieces.append(_mention(*hit))
        position = match.end() + len(hit[1])
    pieces.append(_text(text[position:]))
    return [piece for piece in pieces if piece.content]


def _text(content: str) -> Token:
    return Token("text", "", 0, content=content)


def _mention(user_id: int, name: str) -> Token:
    return Token("html_inline", "", 0, content=(
        f'<span class="mention" data-user-id="{int(user_id)}">@{_escape(name)}</span>'))


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))
