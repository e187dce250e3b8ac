"""Template filters shared by every page."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Flask

from workspace.clock import LONDON_NAME


def local(moment: datetime, zone: str = LONDON_NAME, fmt: str = "%-d %b %Y %H:%M") -> str:
    """A stored UTC moment shown as wall-clock time in the given zone."""
    return moment.astimezone(ZoneInfo(zone)).strftime(fmt)


def hours(value) -> str:
    """Hours without trailing zeros: 5.50 → 5.5, 6.00 → 6."""
    number = Decimal(value or 0).normalize()
    return f"{number:f}" if number == number.to_integral() else f"{number:f}".rstrip("0")


def register_template_filters(app: Flask) -> None:
    app.add_template_filter(local)
    app.add_template_filter(hours)
