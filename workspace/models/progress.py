"""Practitioner progress: profile, qualifications held, prior learning, enrolments and their
units, and the person's own CPD log."""

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workspace.clock import utcnow
from workspace.extensions import db
from workspace.models.accounts import User
from workspace.models.base import UTCDateTime, value_enum
from workspace.models.catalogue import CatalogueItem, JobRole


class UnitStatus(enum.Enum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    EVIDENCE_SUBMITTED = "evidence_submitted"
    ACHIEVED = "achieved"

    @property
    def label(self) -> str:
        return {"not_started": "Not started", "in_progress": "In progress",
                "evidence_submitted": "Evidence submitted", "achieved": "Achieved"}[self.value]


class ClaimState(enum.Enum):
    CLAIMED = "claimed"
    VERIFIED = "verified"
    REJECTED = "rejected"


class PractitionerProfile(db.Model):
    __tablename__ = "practitioner_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), unique=True)
    job_role_id: Mapped[int | None] = mapped_column(
        ForeignKey("job_role.id", ondelete="SET NULL"))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    # Whether leads of the person's partnerships may see their individual record.
    share_with_leads: Mapped[bool] = mapped_column(Boolean, default=False)
    # Whether the other people linked to their organisation in a partnership (its head or
    # manager, say) may see it, in the organisation's team development plan.
    share_with_organisation: Mapped[bool] = mapped_column(Boolean, default=False,
                                                          server_default=sa_false())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    job_role: Mapped[JobRole | None] = relationship()


class HeldQualification(db.Model):
    """A catalogue item (qualification or unit) the person already holds."""

    __tablename__ = "held_qualification"
    __table_args__ = (UniqueConstraint("user_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("catalogue_item.id", ondelete="CASCADE"), index=True)
    year: Mapped[int | None] = mapped_column(Integer)
    evidence_note: Mapped[str] = mapped_column(Text, default="")
    # A certificate or transcript, stored outside the web root like shared files.
    evidence_filename: Mapped[str | None] = mapped_column(String(255))
    evidence_stored_name: Mapped[str | None] = mapped_column(String(64), unique=True)
    evidence_content_type: Mapped[str | None] = mapped_column(String(100))
    evidence_size: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    item: Mapped[CatalogueItem] = relationship()


class PriorLearningClaim(db.Model):
    """A claim that experience already covers a unit, for a lead or assessor to verify."""

    __tablename__ = "prior_learning_claim"
    __table_args__ = (UniqueConstraint("user_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("catalogue_item.id", ondelete="CASCADE"), index=True)
    evidence: Mapped[str] = mapped_column(Text)
    state: Mapped[ClaimState] = mapped_column(value_enum(ClaimState, "prior_learning_state"),
                                              default=ClaimState.CLAIMED)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    item: Mapped[CatalogueItem] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class Enrolment(db.Model):
    __tablename__ = "enrolment"
    __table_args__ = (UniqueConstraint("user_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("catalogue_item.id", ondelete="CASCADE"), index=True)
    started_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    item: Mapped[CatalogueItem] = relationship()
    user: Mapped[User] = relationship()


class UnitProgress(db.Model):
    """The person's status on one unit of a qualification they are enrolled on."""

    __tablename__ = "unit_progress"
    __table_args__ = (UniqueConstraint("enrolment_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("catalogue_item.id", ondelete="CASCADE"), index=True)
    status: Mapped[UnitStatus] = mapped_column(value_enum(UnitStatus, "unit_status"),
                                               default=UnitStatus.NOT_STARTED)
    started_on: Mapped[date | None] = mapped_column(Date)
    achieved_on: Mapped[date | None] = mapped_column(Date)
    evidence_note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class CpdLogEntry(db.Model):
    """CPD the person logs themselves (sessions attended come from the CPD area)."""

    __tablename__ = "cpd_log_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    activity: Mapped[str] = mapped_column(String(300))
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    reflection: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
