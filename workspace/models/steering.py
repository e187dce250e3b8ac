"""The steering group: meetings with agenda, papers, minutes and decisions; actions and pilot
projects with owners; working groups."""

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workspace.clock import utcnow
from workspace.extensions import db
from workspace.models.accounts import User
from workspace.models.audits import AgePhase, ArtForm, Audit, TargetGroup
from workspace.models.base import UTCDateTime, value_enum
from workspace.models.partnerships import Membership


class ActionStatus(enum.Enum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return {"open": "Open", "in_progress": "In progress", "done": "Done",
                "dropped": "Dropped"}[self.value]

    @property
    def is_finished(self) -> bool:
        return self in (ActionStatus.DONE, ActionStatus.DROPPED)


class Meeting(db.Model):
    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    place: Mapped[str] = mapped_column(String(300), default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    minutes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    agenda: Mapped[list["AgendaItem"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan",
        order_by="AgendaItem.position")
    decisions: Mapped[list["Decision"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Decision.id")
    papers: Mapped[list["Paper"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Paper.id")


class AgendaItem(db.Model):
    __tablename__ = "agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")

    meeting: Mapped[Meeting] = relationship(back_populates="agenda")


class Decision(db.Model):
    __tablename__ = "decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="decisions")


class Paper(db.Model):
    """A file attached to a meeting, stored outside the web root like shared resources."""

    __tablename__ = "paper"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="papers")
    added_by: Mapped[User] = relationship()


class WorkingGroup(db.Model):
    __tablename__ = "working_group"
    __table_args__ = (UniqueConstraint("partnership_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    purpose: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    members: Mapped[list["WorkingGroupMember"]] = relationship(
        back_populates="working_group", cascade="all, delete-orphan")


class WorkingGroupMember(db.Model):
    __tablename__ = "working_group_member"
    __table_args__ = (UniqueConstraint("working_group_id", "membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    working_group_id: Mapped[int] = mapped_column(
        ForeignKey("working_group.id", ondelete="CASCADE"), index=True)
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), index=True)

    working_group: Mapped[WorkingGroup] = relationship(back_populates="members")
    membership: Mapped[Membership] = relationship()


class Action(db.Model):
    """Something the partnership has agreed to do, or a pilot project, with an owner.

    It may come from a meeting, or straight from a cell of an audit's gap view; then the
    cell's group, phase, art form and ward are kept with it.
    """

    __tablename__ = "action"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    is_pilot: Mapped[bool] = mapped_column(Boolean, default=False)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[ActionStatus] = mapped_column(
        value_enum(ActionStatus, "action_status"), default=ActionStatus.OPEN)
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="SET NULL"), index=True)
    working_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("working_group.id", ondelete="SET NULL"), index=True)
    audit_id: Mapped[int | None] = mapped_column(
        ForeignKey("audit.id", ondelete="SET NULL"), index=True)
    gap_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("target_group.id", ondelete="SET NULL"))
    gap_phase: Mapped[AgePhase | None] = mapped_column(value_enum(AgePhase, "age_phase"))
    gap_art_form: Mapped[ArtForm | None] = mapped_column(value_enum(ArtForm, "art_form", 40))
    gap_ward: Mapped[str | None] = mapped_column(String(120))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_on: Mapped[date | None] = mapped_column(Date)  # last overdue reminder sent

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    meeting: Mapped[Meeting | None] = relationship()
    working_group: Mapped[WorkingGroup | None] = relationship()
    audit: Mapped[Audit | None] = relationship()
    gap_group: Mapped[TargetGroup | None] = relationship()
