"""The steering group: meetings with their agenda, papers, minutes and decisions, and working
groups. Actions live in workspace.services.steering.actions.

Who may do what is decided by the routes (steering members and leads); these functions keep
the rules about the things themselves.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import BinaryIO

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from workspace.clock import LONDON, local_to_utc
from workspace.exceptions import DomainError, NotFound
from workspace.extensions import db
from workspace.infra import uploads
from workspace.models import Membership, Partnership, User
from workspace.models.steering import (
    AgendaItem,
    Decision,
    Meeting,
    Paper,
    WorkingGroup,
    WorkingGroupMember,
)

# --- meetings ------------------------------------------------------------------------------


@dataclass
class MeetingFields:
    """What a steering member enters; the day and time are London wall-clock time."""

    title: str
    day: date
    start: time
    place: str = ""
    link: str = ""


def _checked(fields: MeetingFields) -> dict:
    title = (fields.title or "").strip()
    if not title:
        raise DomainError("Give the meeting a title.", field="title")
    return {"title": title, "starts_at": local_to_utc(fields.day, fields.start),
            "place": (fields.place or "").strip(), "link": (fields.link or "").strip()}


def create_meeting(partnership: Partnership, user: User, fields: MeetingFields) -> Meeting:
    meeting = Meeting(partnership_id=partnership.id, created_by_id=user.id, **_checked(fields))
    db.session.add(meeting)
    db.session.commit()
    return meeting


def update_meeting(meeting: Meeting, fields: MeetingFields) -> None:
    for name, value in _checked(fields).items():
        setattr(meeting, name, value)
    db.session.commit()


def meeting_fields(meeting: Meeting) -> MeetingFields:
    """The meeting as the form shows it (London time)."""
    local = meeting.starts_at.astimezone(LONDON)
    return MeetingFields(meeting.title, local.date(), local.time().replace(tzinfo=None),
                         meeting.place, meeting.link)


@dataclass
class MeetingList:
    upcoming: list[Meeting]
    past: list[Meeting]


def list_meetings(partnership: Partnership, now: datetime) -> MeetingList:
    """Upcoming meetings soonest first; past ones latest first. A meeting stays upcoming for
    the day it starts on (London time), so today's meeting is at the top all day."""
    start_of_today = datetime.combine(now.astimezone(LONDON).date(), time(), tzinfo=LONDON)
    meetings = db.session.scalars(select(Meeting).where(
        Meeting.partnership_id == partnership.id).order_by(Meeting.starts_at, Meeting.id))
    upcoming, past = [], []
    for meeting in meetings:
        (upcoming if meeting.starts_at >= start_of_today else past).append(meeting)
    return MeetingList(upcoming, past[::-1])


# --- agenda --------------------------------------------------------------------------------


def _text(value: str, message: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(message, field=field)
    return value


def add_agenda_item(meeting: Meeting, title: str, notes: str = "") -> AgendaItem:
    title = _text(title, "Give the agenda item a title.", "title")
    last = db.session.scalar(select(func.max(AgendaItem.position)).where(
        AgendaItem.meeting_id == meeting.id))
    item = AgendaItem(partnership_id=meeting.partnership_id, meeting_id=meeting.id,
                      position=(last or 0) + 1, title=title, notes=(notes or "").strip())
    db.session.add(item)
    db.session.commit()
    return item


def _renumber(items: list[AgendaItem]) -> None:
    for position, item in enumerate(items, start=1):
        item.position = position


def move_agenda_item(item: AgendaItem, offset: int) -> None:
    """Move an item up (-1) or down (+1); at either end it stays where it is."""
    items = list(item.meeting.agenda)
    index = items.index(item)
    target = min(max(index + offset, 0), len(items) - 1)
    items.insert(target, items.pop(index))
    _renumber(items)
    db.session.commit()


def remove_agenda_item(item: AgendaItem) -> None:
    meeting = item.meeting
    meeting.agenda.remove(item)
    _renumber(meeting.agenda)
    db.session.commit()


# --- minutes and decisions -----------------------------------------------------------------


def save_minutes(meeting: Meeting, minutes: str) -> None:
    meeting.minutes = (minutes or "").strip()
    db.session.commit()


def add_decision(meeting: Meeting, text: str) -> Decision:
    decision = Decision(partnership_id=meeting.partnership_id, meeting_id=meeting.id,
                        text=_text(text, "Write down what was decided.", "text"))
    db.session.add(decision)
    db.session.commit()
    return decision


def remove_decision(decision: Decision) -> None:
    db.session.delete(decision)
    db.session.commit()


# --- papers --------------------------------------------------------------------------------


def add_paper(meeting: Meeting, user: User, title: str, filename: str, stream: BinaryIO,
              upload_folder: str) -> Paper:
    """Attach a file to the meeting; nothing is kept when it is refused."""
    title = _text(title, "Give the paper a title.", "title")
    folder = uploads.partnership_folder(meeting.partnership_id)
    with uploads.accepted_file(folder, filename, title, stream, upload_folder,
                               fallback_name="paper") as stored:
        try:
            paper = Paper(partnership_id=meeting.partnership_id, meeting_id=meeting.id,
                          title=title, filename=stored.download_name,
                          stored_name=stored.stored_name, content_type=stored.content_type,
                          size=stored.size, added_by_id=user.id)
            db.session.add(paper)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
    return paper


def open_paper(paper: Paper, upload_folder: str) -> uploads.Download:
    return uploads.open_stored(upload_folder, uploads.partnership_folder(paper.partnership_id),
                               paper.stored_name, paper.content_type, paper.filename, "paper")


def remove_paper(paper: Paper, upload_folder: str) -> None:
    path = uploads.stored_path(upload_folder, uploads.partnership_folder(paper.partnership_id),
                               paper.stored_name)
    db.session.delete(paper)
    db.session.commit()
    uploads.remove_file(path)  # after the commit: a failed commit must not lose the file


# --- working groups ------------------------------------------------------------------------


def _member_of(partnership_id: int, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.partnership_id != partnership_id:
        raise NotFound()
    return membership


def _name_taken(partnership_id: int, name: str, group_id: int | None = None) -> bool:
    query = select(WorkingGroup.id).where(WorkingGroup.partnership_id == partnership_id,
                                          func.lower(WorkingGroup.name) == name.lower())
    if group_id is not None:
        query = query.where(WorkingGroup.id != group_id)
    return db.session.scalar(query) is not None


def _group_name(partnership_id: int, name: str, group_id: int | None = None) -> str:
    name = _text(name, "Give the working group a name.", "name")
    if _name_taken(partnership_id, name, group_id):
        raise DomainError(f"There is already a working group called {name}.", field="name")
    return name


def _commit_group() -> None:
    try:
        db.session.commit()
    except IntegrityError:  # the same name, added at the same moment by someone else
        db.session.rollback()
        raise DomainError("There is already a working group with that name.",
                          field="name") from None


def create_working_group(partnership: Partnership, name: str, purpose: str = "",
                         membership_ids: frozenset[int] = frozenset()) -> WorkingGroup:
    group = WorkingGroup(partnership_id=partnership.id,
                         name=_group_name(partnership.id, name),
                         purpose=(purpose or "").strip())
    for membership_id in sorted(membership_ids):
        membership = _member_of(partnership.id, membership_id)
        group.members.append(WorkingGroupMember(partnership_id=partnership.id,
                                                membership_id=membership.id))
    db.session.add(group)
    _commit_group()
    return group


def update_working_group(group: WorkingGroup, name: str, purpose: str) -> None:
    group.name = _group_name(group.partnership_id, name, group.id)
    group.purpose = (purpose or "").strip()
    _commit_group()


def list_working_groups(partnership: Partnership) -> list[WorkingGroup]:
    return list(db.session.scalars(
        select(WorkingGroup).options(selectinload(WorkingGroup.members))
        .where(WorkingGroup.partnership_id == partnership.id).order_by(WorkingGroup.name)))


def group_members(group: WorkingGroup) -> list[WorkingGroupMember]:
    """The group's members by name."""
    return sorted(group.members, key=lambda m: m.membership.user.name.lower())


def add_group_member(group: WorkingGroup, membership_id: int) -> WorkingGroupMember:
    membership = _member_of(group.partnership_id, membership_id)
    existing = next((m for m in group.members if m.membership_id == membership.id), None)
    if existing is not None:
        raise DomainError(f"{membership.user.name} is already in this group.",
                          field="membership")
    member = WorkingGroupMember(partnership_id=group.partnership_id,
                                working_group_id=group.id, membership_id=membership.id)
    db.session.add(member)
    db.session.commit()
    return member


def remove_group_member(member: WorkingGroupMember) -> None:
    db.session.delete(member)
    db.session.commit()

