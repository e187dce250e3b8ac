"""The tests' one clock.

Tests that run the app in this process (services, pages, htmx fragments, CLI) run with the clock
frozen at FROZEN_NOW, so that their dates are constants and hold on any day the suite is run.
Tests that serve the app to another thread, process or a browser (live server, gunicorn,
Chromium) cannot share a frozen clock: they run at the real time, and their fixtures put dates
far enough ahead of it (`ahead`).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from workspace.clock import london_today

FROZEN_NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday morning in the autumn term

# Fixtures that serve the app outside the test's own thread: their tests use the real clock.
REAL_CLOCK_FIXTURES = frozenset({"live_server", "servers", "gunicorn"})


@dataclass
class Clock:
    """What a test knows of "now": the instant its data is made relative to."""

    now: datetime
    traveller: object | None = None  # time_machine's traveller when frozen

    @property
    def today(self) -> date:
        return london_today(self.now)

    @property
    def frozen(self) -> bool:
        return self.traveller is not None

    def ahead(self, days: int) -> date:
        """A London date `days` after today: for sessions, meetings and deadlines to come."""
        return self.today + timedelta(days=days)

    def shift(self, delta: timedelta) -> None:
        """Move a frozen clock on (an invitation expiring, a reminder falling due)."""
        assert self.traveller is not None, "only a frozen clock can be moved"
        self.traveller.shift(delta)
        self.now += delta
