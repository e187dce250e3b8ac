"""The one clock. Every "now" and "today" the app uses comes from here, so that a test (or a
scheduler replaying a day) can set the time in one place, and "today" always means today in
London, where the partnerships work, not on the server."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LONDON_NAME = "Europe/London"
LONDON = ZoneInfo(LONDON_NAME)


def utcnow() -> datetime:
    """Timezone-aware now (also the callable default of every timestamp column)."""
    return datetime.now(UTC)


def london_today(now: datetime | None = None) -> date:
    """The calendar date in London at `now` (the present when not given)."""
    return (now or utcnow()).astimezone(LONDON).date()


def local_to_utc(day: date, at: time, zone: str = LONDON_NAME) -> datetime:
    """A wall-clock date and time in `zone` (London unless given) as a UTC moment."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone)).astimezone(UTC)
