"""Centres: member organisations of a partnership approved to offer a qualification, their
assessors and mentors, the learners registered with them, and each learner's initial
self-assessment and personal action plan, unit by unit."""

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workspace.clock import utcnow
from workspace.extensions import db
from workspace.models.base import UTCDateTime, value_enum
from workspace.models.catalogue import CatalogueItem
from workspace.models.cpd import CpdSession
from workspace.models.partnerships import Membership, Organisation
from workspace.models.progress import Enrolment


class StaffRole(enum.Enum):
    ASSESSOR = "assessor"
    MENTOR = "mentor"

    @property
    def label(self) -> str:
        return {"assessor": "Assessor", "mentor": "Mentor"}[self.value]


class Confidence(enum.Enum):
    """The learner's initial self-assessment against a unit."""

    CONFIDENT = "confident"
    PARTLY = "partly"
    NOT_YET = "not_yet"

    @property
    def label(self) -> str:
        return {"confident": "Confident", "partly": "Partly", "not_yet": "Not yet"}[self.value]


class Centre(db.Model):
    """One organisation approved to offer one qualification, with its completion window."""

    __tablename__ = "centre"
    __table_args__ = (UniqueConstraint("organisation_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("catalogue_item.id", ondelete="CASCADE"), index=True)
    window_months: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    item: Mapped[CatalogueItem] = relationship()
    staff: Mapped[list["CentreStaff"]] = relationship(
        back_populates="centre", cascade="all, delete-orphan")


class CentreStaff(db.Model):
    """A member of the partnership who assesses or mentors at a centre."""

    __tablename__ = "centre_staff"
    __table_args__ = (UniqueConstraint("centre_id", "membership_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id", ondelete="CASCADE"),
                                           index=True)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), index=True)
    role: Mapped[StaffRole] = mapped_column(value_enum(StaffRole, "centre_staff_role"))

    centre: Mapped[Centre] = relationship(back_populates="staff")
    membership: Mapped[Membership] = relationship()


class Registration(db.Model):
    """A learner's registration with a centre: the enrolment it governs and its deadline."""

    __tablename__ = "registration"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id", ondelete="CASCADE"),
                                           index=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolment.id", ondelete="CASCADE"), unique=True)
    registered_on: Mapped[date] = mapped_column(Date)
    complete_by: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    centre: Mapped[Centre] = relationship()
    enrolment: Mapped[Enrolment] = relationship()


class UnitPlan(db.Model):
    """One unit of a learner's personal action plan: how confident they are against it to
    begin with, the training and support they need, and CPD sessions that serve it."""

    __tablename__ = "unit_plan"
    __table_args__ = (UniqueConstraint("enrolment_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("catalogue_item.id", ondelete="CASCADE"), index=True)
    confidence: Mapped[Confidence | None] = mapped_column(
        value_enum(Confidence, "unit_plan_confidence"))
    support: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    sessions: Mapped[list[CpdSession]] = relationship(secondary="unit_plan_session",
                                                      order_by="CpdSession.starts_at")


class UnitPlanSession(db.Model):
    __tablename__ = "unit_plan_session"
    __table_args__ = (UniqueConstraint("unit_plan_id", "session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_plan_id: Mapped[int] = mapped_column(
        ForeignKey("unit_plan.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("cpd_session.id", ondelete="CASCADE"), index=True)
