"""Bar charts drawn on the server as SVG: the one way the workspace draws a chart.

A chart is a list of horizontal bars; a bar is one or more segments laid end to end (a plain
bar, a stacked bar, or a progress bar against its own full length). Services describe the
figures with these classes; templates/_macros/charts.html draws them, with a caption, a
pattern per series (so they read in greyscale), the figures printed beside each bar and a
table of the same figures for anyone who cannot see the picture.
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

LABEL_MAX = 40  # characters of a label drawn in the picture (the table has it whole)
DRAWN = 75  # percent of the width a full bar takes: the rest holds the figure printed after it
Number = int | float | Decimal


@dataclass(frozen=True)
class Segment:
    value: Number  # its length; 0 for a figure that must not be drawn (a suppressed count)
    text: str  # how the figure is printed: "6", "<5", "4.5"


@dataclass(frozen=True)
class Bar:
    label: str
    segments: tuple[Segment, ...]
    note: str = ""  # printed after the bar ("12 of 20 places"); the segments' total if empty
    scale: Number | None = None  # the bar's full length (a progress bar), else the chart's
    href: str | None = None  # where the table's row label links to

    @property
    def total(self) -> Number:
        return sum((s.value for s in self.segments), 0)

    @property
    def printed(self) -> str:
        if self.note:
            return self.note
        return self.segments[0].text if len(self.segments) == 1 else _plain(self.total)

    @property
    def short_label(self) -> str:
        if len(self.label) <= LABEL_MAX:
            return self.label
        return self.label[:LABEL_MAX - 1].rstrip() + "…"


@dataclass(frozen=True)
class Placed:
    """A segment where it is drawn: left edge and width in percent of the picture's width."""

    x: float
    width: float
    series: int
    segment: Segment


@dataclass(frozen=True)
class Chart:
    key: str  # unique on the page: ids of the caption, patterns and table derive from it
    caption: str
    series: tuple[str, ...]  # what each segment position counts: the table's columns
    bars: tuple[Bar, ...]
    summary: str = ""  # a sentence under the caption, e.g. a total

    @cached_property
    def shared_scale(self) -> Number:
        """Every bar's length unit (worked out once: each bar's placing asks it)."""
        return max([b.total for b in self.bars if b.scale is None] or [0]) or 1

    @cached_property
    def has_notes(self) -> bool:
        return any(b.note for b in self.bars)

    def placed(self, bar: Bar) -> list[Placed]:
        scale = bar.scale or self.shared_scale
        placed, x = [], 0.0
        for series, segment in enumerate(bar.segments):
            width = DRAWN * float(segment.value) / float(scale) if scale else 0.0
            width = max(0.0, min(width, DRAWN - x))
            placed.append(Placed(round(x, 2), round(width, 2), series, segment))
            x += width
        return placed

    @property
    def drawn(self) -> int:
        return DRAWN

    def figure_at(self, bar: Bar) -> float:
        """Where the bar's printed figure starts, in percent: after the filled length, or
        after the whole track of a progress bar."""
        return DRAWN if bar.scale else round(sum(p.width for p in self.placed(bar)), 2)


def _plain(value: Number) -> str:
    number = Decimal(str(value)).normalize()
    return f"{number:f}"


def figure_text(value: Number) -> str:
    """A figure as the charts print it: 6, 4.5 (no trailing zeros)."""
    return _plain(value)
