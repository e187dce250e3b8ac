"""Calendars: each CPD session as an iCalendar (RFC 5545) event, and each person's feed.

An event's UID is stable per session, so a calendar that imported or subscribed to it
replaces the old entry when the session changes; SEQUENCE (bumped by the cpd service on every
change and cancellation) tells clients which version is newer. A person's feed is a private
address whose token is the only key: resetting it makes the old address stop working.
"""

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import STATUS, TRANSP, Calendar, Event, Timezone, vDuration
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from workspace.clock import LONDON_NAME, utcnow
from workspace.exceptions import NotFound
from workspace.extensions import db
from workspace.models import Booking, CalendarFeed, CpdSession, Membership, Partnership, User
from workspace.models.cpd import BookingStatus, SessionStatus, new_token
from workspace.services.cpd.sessions import booking_of, session_path

PRODID = "-//Partnership Workspace//CPD sessions//EN"
FEED_PAST = timedelta(days=90)  # the feed keeps sessions that ended this recently
REFRESH = timedelta(hours=1)

# --- events and calendars -----------------------------------------------------------------


def session_uid(cpd_session: CpdSession, base_url: str) -> str:
    """The same for every version of the session, so updates replace the old entry."""
    host = urlsplit(base_url).hostname or "partnership-workspace"
    return f"cpd-session-{cpd_session.id}@{host}"


def _description(cpd_session: CpdSession, page: str) -> str:
    lines = ["This session is cancelled.", ""] if _cancelled(cpd_session) else []
    if cpd_session.focus:
        lines += [cpd_session.focus, ""]
    if cpd_session.facilitator:
        lines.append(f"Facilitator: {cpd_session.facilitator}")
    if cpd_session.online_url:
        lines.append(f"Join online: {cpd_session.online_url}")
    lines.append(f"Session page: {page}")
    return "\n".join(lines)


def _cancelled(cpd_session: CpdSession) -> bool:
    return cpd_session.status == SessionStatus.CANCELLED


def _status(cpd_session: CpdSession, waiting: bool) -> STATUS:
    if _cancelled(cpd_session):
        return STATUS.CANCELLED
    return STATUS.TENTATIVE if waiting else STATUS.CONFIRMED


def _summary(cpd_session: CpdSession, waiting: bool) -> str:
    if _cancelled(cpd_session):
        return f"Cancelled: {cpd_session.title}"
    return f"Waiting list: {cpd_session.title}" if waiting else cpd_session.title


def session_event(cpd_session: CpdSession, base_url: str, *, booking: Booking | None = None,
                  now: datetime | None = None) -> Event:
    """The session as a VEVENT; with the person's `booking`, a waiting place is tentative."""
    zone = ZoneInfo(cpd_session.timezone)
    page = base_url.rstrip("/") + session_path(cpd_session, booking)
    waiting = booking is not None and booking.status == BookingStatus.WAITING
    modified = max([cpd_session.updated_at] + ([booking.updated_at] if booking else []))
    return Event.new(
        uid=session_uid(cpd_session, base_url), stamp=now or utcnow(),
        start=cpd_session.starts_at.astimezone(zone), end=cpd_session.ends_at.astimezone(zone),
        summary=_summary(cpd_session, waiting), description=_description(cpd_session, page),
        location=cpd_session.venue or ("Online" if cpd_session.online_url else None),
        url=cpd_session.online_url or page, sequence=cpd_session.sequence,
        last_modified=modified, status=_status(cpd_session, waiting),
        transparency=TRANSP.TRANSPARENT if _cancelled(cpd_session) else TRANSP.OPAQUE)


def _timezone_range(sessions: list[CpdSession], now: datetime) -> tuple[date, date]:
    """Years that the VTIMEZONE components must cover: those of the events, with a margin."""
    if not sessions:
        return date(now.year, 1, 1), date(now.year + 2, 1, 1)
    first = min(s.starts_at for s in sessions).year
    last = max(s.ends_at for s in sessions).year
    return date(first - 1, 1, 1), date(last + 2, 1, 1)


def calendar_for(sessions: Iterable[CpdSession], name: str, base_url: str, *,
                 bookings: Mapping[int, Booking] | None = None,
                 now: datetime | None = None) -> Calendar:
    """A VCALENDAR of the sessions; `bookings` maps a session's id to the person's booking."""
    sessions, bookings, now = list(sessions), bookings or {}, now or utcnow()
    calendar = Calendar()
    calendar.prodid, calendar.version = PRODID, "2.0"
    calendar.calscale, calendar.method = "GREGORIAN", "PUBLISH"
    # icalendar writes NAME unescaped, and a line break there makes it raise: keep it one line.
    calendar.calendar_name = " ".join(name.split())
    # How often subscribed calendars should look again: RFC 7986, and Outlook's own name.
    calendar.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    for cpd_session in sessions:
        calendar.add_component(session_event(cpd_session, base_url,
                                             booking=bookings.get(cpd_session.id), now=now))
    first, last = _timezone_range(sessions, now)
    calendar.add_missing_timezones(first_date=first, last_date=last)
    if not sessions:
        # RFC 5545 wants at least one component: an empty feed still carries its zone.
        calendar.add_component(Timezone.from_tzid(LONDON_NAME, first_date=first, last_date=last))
    return calendar


def session_calendar(cpd_session: CpdSession, user: User, base_url: str,
                     now: datetime | None = None) -> Calendar:
    """One session to download, as the person sees it (tentative while they wait)."""
    booking = booking_of(cpd_session, user)
    return calendar_for([cpd_session], cpd_session.title, base_url,
                        bookings={cpd_session.id: booking} if booking else None, now=now)


# --- private feeds ------------------------------------------------------------------------


def _feed_of(user: User) -> CalendarFeed | None:
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def feed_for(user: User) -> CalendarFeed:
    """The person's feed, made on first use."""
    feed = _feed_of(user)
    if feed is not None:
        return feed
    db.session.add(CalendarFeed(user_id=user.id))
    try:
        db.session.commit()
    except IntegrityError:  # made at the same moment by another request of theirs
        db.session.rollback()
    return _feed_of(user)


def reset_feed(user: User) -> CalendarFeed:
    """A new address for the person's feed: the old one stops working at once."""
    feed = feed_for(user)
    feed.token, feed.created_at = new_token(), utcnow()
    db.session.commit()
    return feed


def user_by_token(token: str) -> User:
    """Whose feed this token opens; NotFound for an unknown or replaced token."""
    user = db.session.scalar(select(User).join(CalendarFeed, CalendarFeed.user_id == User.id)
                             .where(CalendarFeed.token == token, User.in_use()))
    if user is None:
        raise NotFound()
    return user


def _feed_bookings(user: User, now: datetime) -> list[Booking]:
    """The person's places and waiting places on recent and coming sessions of partnerships
    they still belong to, and their places as a guest on sessions opened to them;
    none of a suspended partnership. Cancelled sessions stay, so the cancellation reaches
    calendars."""
    member_of = select(Membership.partnership_id).join(Membership.partnership).where(
        Membership.user_id == user.id, Partnership.in_use())
    in_use = select(Partnership.id).where(Partnership.in_use())
    return list(db.session.scalars(
        select(Booking).join(Booking.session).options(contains_eager(Booking.session))
        .where(Booking.user_id == user.id, Booking.status != BookingStatus.CANCELLED,
               CpdSession.ends_at >= now - FEED_PAST,
               CpdSession.partnership_id.in_(member_of)
               | (Booking.booked_as_guest.is_(True) & CpdSession.partnership_id.in_(in_use)))
        .order_by(CpdSession.starts_at, CpdSession.id)))


def feed_sessions(user: User, now: datetime | None = None) -> list[CpdSession]:
    """Sessions the person is booked on or waiting for, ended in the last 90 days or later."""
    return [b.session for b in _feed_bookings(user, now or utcnow())]


def feed_calendar(user: User, base_url: str, now: datetime | None = None) -> Calendar:
    """The person's feed: their sessions, waiting places tentative, cancellations included."""
    bookings = _feed_bookings(user, now or utcnow())
    return calendar_for([b.session for b in bookings], "My CPD sessions", base_url,
                        bookings={b.session_id: b for b in bookings}, now=now)
