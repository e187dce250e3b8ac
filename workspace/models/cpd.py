"""CPD networks and sessions: sign-up with waiting lists, attendance, supply cover,
calendar feeds and shared resources."""

import enum
import secrets
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workspace.clock import utcnow
from workspace.extensions import db
from workspace.models.accounts import User
from workspace.models.base import UTCDateTime, value_enum


def new_token() -> str:
    return secrets.token_urlsafe(24)


class SessionStatus(enum.Enum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class SessionAudience(enum.Enum):
    """Who may see and book a session besides the host partnership's own members."""

    PARTNERSHIP = "partnership"  # its members only
    NETWORK = "network"  # also the members of a network's partner partnerships
    EVERYONE = "everyone"  # anyone with an account

    @property
    def is_open(self) -> bool:
        return self is not SessionAudience.PARTNERSHIP


class BookingStatus(enum.Enum):
    BOOKED = "booked"
    WAITING = "waiting"
    CANCELLED = "cancelled"


class Attendance(enum.Enum):
    ATTENDED = "attended"
    NO_SHOW = "no_show"


class ClaimKind(enum.Enum):
    DAY = "day"
    HALF_DAY = "half_day"

    @property
    def label(self) -> str:
        return {"day": "Full day", "half_day": "Half day"}[self.value]


class ClaimStatus(enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class Network(db.Model):
    """A CPD network inside a partnership, e.g. primary music teachers."""

    __tablename__ = "network"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    coordinator: Mapped[User | None] = relationship()


class NetworkMember(db.Model):
    __tablename__ = "network_member"
    __table_args__ = (UniqueConstraint("network_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("network.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()


class SessionSeries(db.Model):
    """Sessions scheduled together (e.g. a network's three full days of a year)."""

    __tablename__ = "session_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("network.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CpdSession(db.Model):
    __tablename__ = "cpd_session"
    __table_args__ = (CheckConstraint("capacity > 0", name="capacity_positive"),
                      CheckConstraint("ends_at > starts_at", name="ends_after_start"))

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("network.id", ondelete="CASCADE"), index=True)
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("session_series.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    focus: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    venue: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int] = mapped_column(Integer)
    facilitator: Mapped[str] = mapped_column(String(200), default="")
    provider_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"))
    learning_hours: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("0"))
    signup_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[SessionStatus] = mapped_column(value_enum(SessionStatus, "session_status"),
                                                  default=SessionStatus.SCHEDULED)
    audience: Mapped[SessionAudience] = mapped_column(
        value_enum(SessionAudience, "session_audience"), default=SessionAudience.PARTNERSHIP,
        server_default=SessionAudience.PARTNERSHIP.value)
    # The network of partnerships it is open to (audience NETWORK); a partner's leaving
    # closes its sessions to the network again (services/networks).
    audience_network_id: Mapped[int | None] = mapped_column(
        ForeignKey("partnership_network.id", ondelete="SET NULL"), index=True)
    # Bumped at the start of every booking change: the row lock that serialises sign-ups.
    booking_version: Mapped[int] = mapped_column(Integer, default=0)
    # iCalendar SEQUENCE: bumped whenever attendees' calendars must update.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    network: Mapped[Network] = relationship()
    series: Mapped[SessionSeries | None] = relationship()
    audience_network: Mapped["PartnershipNetwork | None"] = relationship()  # noqa: F821

    @property
    def day(self) -> date:
        """The session's date where it takes place (a late-evening UTC start is the next
        day)."""
        return self.starts_at.astimezone(ZoneInfo(self.timezone)).date()


class SessionModule(db.Model):
    """A catalogue item (module or unit) that a session delivers."""

    __tablename__ = "session_module"
    __table_args__ = (UniqueConstraint("session_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("cpd_session.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("catalogue_item.id", ondelete="CASCADE"), index=True)


class SessionArea(db.Model):
    """A Common Core area that a session addresses."""

    __tablename__ = "session_area"
    __table_args__ = (UniqueConstraint("session_id", "area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("cpd_session.id", ondelete="CASCADE"), index=True)
    area_id: Mapped[int] = mapped_column(
        ForeignKey("common_core_area.id", ondelete="CASCADE"), index=True)


class Booking(db.Model):
    """A person's place on a session: booked, waiting (in order) or cancelled."""

    __tablename__ = "booking"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("cpd_session.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    status: Mapped[BookingStatus] = mapped_column(value_enum(BookingStatus, "booking_status"))
    # Order on the waiting list: when the person asked for a place.
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    attendance: Mapped[Attendance | None] = mapped_column(value_enum(Attendance, "attendance"))
    attendance_marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    attendance_marked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Booked by someone outside the host partnership, on a session opened to them: the place
    # (and its page) stays theirs if the session closes to their partnership later.
    booked_as_guest: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    session: Mapped[CpdSession] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class SupplyRate(db.Model):
    """What a partnership contributes to supply cover, per day and per half-day."""

    __tablename__ = "supply_rate"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), unique=True)
    day_pence: Mapped[int] = mapped_column(Integer, default=0)
    half_day_pence: Mapped[int] = mapped_column(Integer, default=0)


class SupplyClaim(db.Model):
    __tablename__ = "supply_claim"
    __table_args__ = (UniqueConstraint("booking_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("booking.id", ondelete="CASCADE"))
    kind: Mapped[ClaimKind] = mapped_column(value_enum(ClaimKind, "claim_kind"))
    amount_pence: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ClaimStatus] = mapped_column(value_enum(ClaimStatus, "claim_status"),
                                                default=ClaimStatus.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    booking: Mapped[Booking] = relationship()
    decided_by: Mapped[User | None] = relationship()


class CalendarFeed(db.Model):
    """A person's private, revocable calendar feed address."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Resource(db.Model):
    """A file or link shared in a network."""

    __tablename__ = "resource"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("network.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(500))
    filename: Mapped[str | None] = mapped_column(String(255))
    stored_name: Mapped[str | None] = mapped_column(String(64), unique=True)
    content_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(Integer)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    added_by: Mapped[User] = relationship()
