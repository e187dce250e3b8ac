"""Disclosure control: the one way a count about people is published, on every page, htmx
fragment, drill-down, CSV and report that shows one (audit figures of children, workforce
figures of members).

The method, in the order it is applied:

1. **Small record values are never used as such** (a record-level step, as targeted record
   swapping was for Census 2021). An audit record (a need or a provision record) carries a
   count of children. A count under the threshold (1 to 4 by default) enters every sum as a
   number from 1 to threshold - 1 drawn from the record's key, never as the count itself:
   whatever the record says within that range, every published figure is the same. Zero and
   "not known" enter as 0; counts at or over the threshold enter as they are.
2. **Threshold suppression**: a cell whose sum is 1 to threshold - 1 is shown as "<5".
3. **Secondary suppression**: a total is shown as "<5" too when the suppressed cells it adds
   up sum to 1 to threshold - 1, so that the total minus the shown cells gives nothing
   away. Counts that partition a known total (members by role) hide one more cell when a
   partition would otherwise hide a single one.
4. **Cell key perturbation** (the ONS cell key method of Census 2021): each record has a
   stable key, the first byte of an HMAC of its kind and id under the app's SECRET_KEY. A
   cell's key is the sum of its records' keys modulo 256; the fixed table NOISE maps the cell
   key to a noise of -2 to +2 (mean 0), added to every shown figure over zero and floored at
   the threshold. The same records always give the same figure; adding, removing or
   editing one moves it unpredictably.

The threshold is the audit's, never under MINIMUM_THRESHOLD (5) whatever the setting.

What an insider who can add, edit and remove records learns, and what not:
- No page, export or report depends on a count of 1 to 4 in a record, so nothing they do
  tells 1 from 4 (tests/audits/test_insider.py plays it through). They can tell a record
  with 0 or no figure from one with 1 to 4 (it is a suppressed cell or not), as "<5" says.
- Counts of 5 and more are published with a small noise. An insider who adds and removes
  many records of their own gets a fresh noise each time and can average it away: such a
  figure can be estimated closely, or exactly with enough tries. The change record shows
  who did it. The noise protects against subtracting two views, not against that.
- Sums that include small records are off by up to threshold - 2 per small record (on
  average right if small counts are spread evenly).
- Members (workforce) count 1 each: steps 2 to 4 apply, step 1 cannot. A lead who adds
  members of their own (second accounts) one at a time sees when "<5" turns into a number,
  and so finds a small count exactly: the protection is against reading a small
  partnership's figures, not against sock puppets.
- Rotating SECRET_KEY redraws every key: the figures change once, by the noise.
"""

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from flask import current_app

MINIMUM_THRESHOLD = 5
BASE = 256  # cell keys run from 0 to BASE - 1
# The perturbation table: a cell key under each bound gets its noise (probabilities 0.1,
# 0.2, 0.4, 0.2, 0.1: mean 0).
NOISE = ((26, -2), (77, -1), (179, 0), (230, 1), (BASE, 2))


class Entry(NamedTuple):
    """One record's part in a cell: its key and the value it adds."""

    key: int
    value: int


def _digest(kind: str, record_id: int) -> bytes:
    mac = _keyed(str(current_app.config["SECRET_KEY"])).copy()
    mac.update(f"{kind}:{record_id}".encode())
    return mac.digest()


@lru_cache(maxsize=4)
def _keyed(secret: str) -> hmac.HMAC:
    """An HMAC with the secret's key set up and no message yet, copied for each record (a
    page draws thousands). Keyed by the secret itself, so a rotated key takes effect."""
    return hmac.new(secret.encode(), digestmod=hashlib.sha256)


def threshold_of(setting: int | None) -> int:
    """The threshold in force: the setting, never under MINIMUM_THRESHOLD."""
    return max(setting or 0, MINIMUM_THRESHOLD)


def entry(kind: str, record_id: int, value: int | None, threshold: int) -> Entry:
    """A record's part: its own count, or, when that is small, a stand-in drawn from its key."""
    return _entry(_digest(kind, record_id), value, threshold)


def entries(kind: str, values: dict[int, int | None], threshold: int) -> dict[int, Entry]:
    """`entry` of each record (id: count), the secret read once for them all."""
    keyed = _keyed(str(current_app.config["SECRET_KEY"]))
    made = {}
    for record_id, value in values.items():
        mac = keyed.copy()
        mac.update(f"{kind}:{record_id}".encode())
        made[record_id] = _entry(mac.digest(), value, threshold)
    return made


def _entry(digest: bytes, value: int | None, threshold: int) -> Entry:
    value = value or 0
    if 0 < value < threshold:
        value = 1 + digest[1] % (threshold - 1)
    return Entry(digest[0], value)


def person(user_id: int) -> Entry:
    """A person counted once (workforce figures)."""
    return Entry(_digest("person", user_id)[0], 1)


@dataclass(frozen=True)
class Figure:
    """A published count: "<threshold" when suppressed, else the perturbed number.

    `raw` is the protected sum (step 1), kept for secondary suppression; it is never shown."""

    raw: int
    shown: int
    threshold: int
    suppressed: bool

    def __str__(self) -> str:
        return f"<{self.threshold}" if self.suppressed else str(self.shown)

    @property
    def words(self) -> str:
        return f"fewer than {self.threshold}" if self.suppressed else str(self.shown)

    def suppress(self) -> "Figure":
        return Figure(self.raw, self.shown, self.threshold, True)


def small(value: int, threshold: int) -> bool:
    """Whether a count identifies someone (zero does not)."""
    return 0 < value < threshold


# NOISE looked up by cell key (a figure is drawn for each of thousands of cells a page)
NOISE_BY_KEY = tuple(next(n for bound, n in NOISE if key < bound) for key in range(BASE))


def noise(cell_key: int) -> int:
    return NOISE_BY_KEY[cell_key]


def figure(entries: Iterable[Entry], threshold: int, parts: Iterable[Figure] = ()) -> Figure:
    """The published figure of a cell made of these entries; `parts` are the cells a total
    adds up, whose suppressed sum must not be small (secondary suppression)."""
    entries = list(entries)
    return figure_of_sums(sum(e.value for e in entries),
                          sum(e.key for e in entries if e.value), threshold,
                          sum(p.raw for p in parts if p.suppressed))


def figure_of_sums(raw: int, keys: int, threshold: int, hidden: int = 0) -> Figure:
    """`figure` from sums kept as the records were tallied: `raw`, the entries' values;
    `keys`, the keys of the entries over zero; `hidden`, the raw sum of the suppressed
    parts."""
    shown = max(threshold, raw + NOISE_BY_KEY[keys % BASE]) if raw else 0
    return Figure(raw, shown, threshold, suppressed(raw, threshold, hidden))


def suppressed(raw: int, threshold: int, hidden: int = 0) -> bool:
    """Whether the figure of these sums is shown as "<threshold" (figure_of_sums)."""
    return small(raw, threshold) or small(hidden, threshold)


def partition(figures: list[Figure], threshold: int) -> list[Figure]:
    """Cells that add up to a total everyone knows: when only one is suppressed, or the
    suppressed ones sum to a small number, the smallest shown ones are suppressed too."""
    figures = list(figures)
    while True:
        hidden = [f for f in figures if f.suppressed]
        if not hidden or (len(hidden) > 1 and not small(sum(f.raw for f in hidden),
                                                         threshold)):
            return figures
        shown = [i for i, f in enumerate(figures) if not f.suppressed and f.raw]
        if not shown:
            return figures
        smallest = min(shown, key=lambda i: figures[i].raw)
        figures[smallest] = figures[smallest].suppress()
