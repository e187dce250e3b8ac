"""Partnership spaces: partnerships, their people, organisations, invitations and log."""

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workspace.clock import utcnow
from workspace.extensions import db
from workspace.models.accounts import User
from workspace.models.base import UTCDateTime, value_enum


class PartnershipKind(enum.Enum):
    CEP = "cep"
    HUB = "hub"

    @property
    def label(self) -> str:
        return {"cep": "Cultural education partnership", "hub": "Music education hub"}[self.value]


class Role(enum.Enum):
    """A person's role in a partnership, in increasing order of what it allows."""

    MEMBER = "member"
    STEERING = "steering"
    LEAD = "lead"

    @property
    def rank(self) -> int:
        return ["member", "steering", "lead"].index(self.value)

    @property
    def label(self) -> str:
        return {"member": "Member", "steering": "Steering group member",
                "lead": "Lead"}[self.value]

    def at_least(self, other: "Role") -> bool:
        return self.rank >= other.rank


class Sector(enum.Enum):
    LOCAL_AUTHORITY = "local_authority"
    CULTURAL = "cultural"
    SCHOOL = "school"
    EARLY_YEARS = "early_years"
    FE = "fe"
    HE = "he"
    MUSIC_HUB = "music_hub"
    YOUTH = "youth"
    EMPLOYER = "employer"
    HEALTH = "health"
    CHARITY = "charity"
    OTHER = "other"

    @property
    def label(self) -> str:
        return SECTOR_LABELS[self]


SECTOR_LABELS = {
    Sector.LOCAL_AUTHORITY: "Local authority",
    Sector.CULTURAL: "Cultural organisation",
    Sector.SCHOOL: "School",
    Sector.EARLY_YEARS: "Early years setting",
    Sector.FE: "Further education",
    Sector.HE: "Higher education",
    Sector.MUSIC_HUB: "Music education hub",
    Sector.YOUTH: "Youth sector",
    Sector.EMPLOYER: "Employer / creative industry",
    Sector.HEALTH: "Health",
    Sector.CHARITY: "Charity",
    Sector.OTHER: "Other",
}

SCHOOL_PHASES = ["Nursery", "Primary", "Secondary", "All-through", "Special (SEND)",
                 "Alternative provision", "Sixth form"]


class LogEvent(enum.Enum):
    JOINED = "joined"
    LEFT = "left"
    REMOVED = "removed"
    ROLE_CHANGED = "role_changed"


class Partnership(db.Model):
    __tablename__ = "partnership"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[PartnershipKind] = mapped_column(
        value_enum(PartnershipKind, "partnership_kind", 40))
    place: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    lead_organisation: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A site administrator's suspension (services/admin): its routes refuse everyone, its
    # data is kept as it was, until restored.
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    suspension_reason: Mapped[str] = mapped_column(String(500), default="")
    # In the directory (services/partnerships/directory) when its leads choose, with what it
    # offers to people who might join.
    # ('0' as the default in the database: both SQLite and PostgreSQL read it as false, and
    # SQLite adds such a column in place, without rebuilding the table.)
    listed: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    offer: Mapped[str] = mapped_column(Text, default="", server_default="")

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="partnership", cascade="all, delete-orphan")

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None

    @classmethod
    def in_use(cls):
        """The SQL condition of `not is_suspended`, for queries of jobs and feeds that run
        outside any signed-in request."""
        return cls.suspended_at.is_(None)


class Membership(db.Model):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("partnership_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    role: Mapped[Role] = mapped_column(value_enum(Role, "partnership_role", 40))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    partnership: Mapped[Partnership] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()


class Organisation(db.Model):
    """A member organisation of a partnership."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    sector: Mapped[Sector] = mapped_column(value_enum(Sector, "organisation_sector", 40))
    school_phase: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    representatives: Mapped[list["Representative"]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan")


class Representative(db.Model):
    """A member of the partnership who represents one of its organisations."""

    __tablename__ = "representative"
    __table_args__ = (UniqueConstraint("organisation_id", "membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), index=True)

    organisation: Mapped[Organisation] = relationship(back_populates="representatives")
    membership: Mapped[Membership] = relationship()


class Invitation(db.Model):
    """An invitation to join: by link (reusable until it expires) or by email (used once)."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[Role] = mapped_column(value_enum(Role, "partnership_role", 40))
    email: Mapped[str | None] = mapped_column(String(254))
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    uses: Mapped[int] = mapped_column(default=0)

    partnership: Mapped[Partnership] = relationship()
    invited_by: Mapped[User] = relationship()

    @property
    def single_use(self) -> bool:
        return self.email is not None


class MemberLogEntry(db.Model):
    """One join, leave, removal or role change: who it concerns, who did it, when."""

    __tablename__ = "member_log_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    event: Mapped[LogEvent] = mapped_column(value_enum(LogEvent, "member_log_event", 40))
    subject_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    actor_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    old_role: Mapped[Role | None] = mapped_column(value_enum(Role, "partnership_role", 40))
    new_role: Mapped[Role | None] = mapped_column(value_enum(Role, "partnership_role", 40))
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, index=True)

    subject: Mapped[User] = relationship(foreign_keys=[subject_id])
    actor: Mapped[User] = relationship(foreign_keys=[actor_id])


class ExportRecord(db.Model):
    """Someone downloaded a partnership's records about people: who, what, how many rows,
    when; never the data itself."""

    __tablename__ = "export_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    what: Mapped[str] = mapped_column(String(80))
    rows: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()


class JoinOutcome(enum.Enum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class JoinRequest(db.Model):
    """Someone who found a listed partnership in the directory asks to join it; its leads
    accept (the person joins as a member) or decline. Nobody's email address is shown."""

    __tablename__ = "join_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[JoinOutcome] = mapped_column(value_enum(JoinOutcome, "join_outcome"),
                                                 default=JoinOutcome.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
