"""Rules every piece of text from outside obeys, in forms and imports alike (one place):

- a one-line value holds no control characters (no line breaks, tabs, NUL, ESC, DEL, the
  C1 set or Unicode's line and paragraph separators): they break email headers, calendar
  lines and CSV cells, and nobody types them into a title;
- multi-line text holds none but line breaks and tabs;
- a web address is http or https with a host (never `javascript:`, `data:` or `file:`);
- every text has a length cap (the form's own, else these defaults).
"""

import re
from urllib.parse import urlsplit

ONE_LINE_MAX = 500
MULTI_LINE_MAX = 20_000

_ONE_LINE_BAD = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_MULTI_LINE_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def one_line_problem(value: str) -> str | None:
    if _ONE_LINE_BAD.search(value):
        return "Use one line of plain text: no line breaks, tabs or control characters."
    return None


def multi_line_problem(value: str) -> str | None:
    if _MULTI_LINE_BAD.search(value):
        return "Remove the control characters (anything but plain text and line breaks)."
    return None


def url_problem(value: str) -> str | None:
    """Why a web address is refused (None when it is an http or https address)."""
    if not value:
        return None
    if one_line_problem(value):
        return "Enter a web address on one line."
    parts = urlsplit(value.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return "Enter a web address starting with https:// or http://."
    return None
