"""Actions and pilot projects: with an owner, a due date and a status; from a meeting, a
working group, or straight from a cell of an audit's gap view. Overdue ones are highlighted
and their owners reminded once a day.

"Today" is the London calendar date: an action due on the 3rd is overdue from midnight
London time on the 4th, whatever the server's zone.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from workspace.exceptions import DomainError, Forbidden, NotFound
from workspace.extensions import db
from workspace.infra.jobs import each_on_its_own
from workspace.models import Membership, Partnership, User
from workspace.models.audits import AgePhase, ArtForm, Audit, TargetGroup
from workspace.models.steering import Action, ActionStatus, Meeting, WorkingGroup
from workspace.services import permissions, signals
from workspace.services.notifications import notify

FINISHED = (ActionStatus.DONE, ActionStatus.DROPPED)


def is_overdue(action: Action, today: date) -> bool:
    return (action.due_on is not None and action.due_on < today
            and not action.status.is_finished)


def action_path(action: Action) -> str:
    return f"/p/{action.partnership_id}/actions/{action.id}"


# --- a cell of the gap view ----------------------------------------------------------------


@dataclass(frozen=True)
class GapCell:
    """Where an action comes from in an audit's gap view; every part is optional."""

    audit: Audit | None = None
    group: TargetGroup | None = None
    phase: AgePhase | None = None
    art_form: ArtForm | None = None
    ward: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.audit or self.group or self.phase or self.art_form or self.ward)

    def suggested_title(self) -> str:
        """e.g. "Pilot project: SEND · Music: singing · KS2 · Riverside ward"."""
        ward = self.ward
        if ward and not ward.lower().endswith("ward"):
            ward += " ward"
        parts = [self.group.name if self.group else "",
                 self.art_form.label if self.art_form else "",
                 self.phase.label if self.phase else "", ward]
        return "Pilot project: " + " · ".join(p for p in parts if p)


def _owned(model, partnership_id: int, object_id: int | None):
    if object_id is None:
        return None
    obj = db.session.get(model, object_id)
    if obj is None or obj.partnership_id != partnership_id:
        raise NotFound()
    return obj


def _enum(cls, value: str | None):
    if not value:
        return None
    try:
        return cls(value)
    except ValueError:
        raise NotFound() from None


def gap_cell(partnership: Partnership, *, audit_id: int | None = None,
             group_id: int | None = None, phase: str | None = None,
             art_form: str | None = None, ward: str | None = None) -> GapCell:
    """The gap cell named by a link's arguments; NotFound when one is not the partnership's
    (an audit or group of another partnership) or not a known phase or art form."""
    return GapCell(audit=_owned(Audit, partnership.id, audit_id),
                   group=_owned(TargetGroup, partnership.id, group_id),
                   phase=_enum(AgePhase, phase), art_form=_enum(ArtForm, art_form),
                   ward=(ward or "").strip()[:120])


# --- creating and changing -----------------------------------------------------------------


@dataclass
class ActionFields:
    title: str
    description: str = ""
    owner_id: int | None = None
    due_on: date | None = None
    is_pilot: bool = False
    working_group_id: int | None = None


def _owner(partnership_id: int, owner_id: int | None) -> User | None:
    if owner_id is None:
        return None
    membership = db.session.scalar(select(Membership).where(
        Membership.partnership_id == partnership_id, Membership.user_id == owner_id))
    if membership is None:
        raise DomainError("Choose an owner from the partnership's members.", field="owner")
    return membership.user


def _apply(action: Action, fields: ActionFields) -> User | None:
    title = (fields.title or "").strip()
    if not title:
        raise DomainError("Say what is to be done.", field="title")
    owner = _owner(action.partnership_id, fields.owner_id)
    group = _owned(WorkingGroup, action.partnership_id, fields.working_group_id)
    action.title, action.description = title, (fields.description or "").strip()
    action.owner_id, action.due_on = owner.id if owner else None, fields.due_on
    action.is_pilot, action.working_group_id = fields.is_pilot, group.id if group else None
    return owner


def _tell_owner(action: Action, owner: User | None, actor: User) -> None:
    if owner is None or owner.id == actor.id:
        return
    due = f", due {action.due_on:%-d %b %Y}" if action.due_on else ""
    notify(owner, "action_assigned", f"Action for you: {action.title}",
           f"{actor.name} gave you an action: {action.title}{due}.",
           link=action_path(action), partnership_id=action.partnership_id)


def create_action(partnership: Partnership, creator: User, fields: ActionFields, *,
                  meeting: Meeting | None = None, cell: GapCell | None = None) -> Action:
    """Record an action; its owner (when not the creator) is told in the app and by email."""
    if meeting is not None and meeting.partnership_id != partnership.id:
        raise NotFound()
    cell = cell or GapCell()
    action = Action(
        partnership_id=partnership.id, created_by_id=creator.id,
        meeting_id=meeting.id if meeting else None,
        audit_id=cell.audit.id if cell.audit else None,
        gap_group_id=cell.group.id if cell.group else None, gap_phase=cell.phase,
        gap_art_form=cell.art_form, gap_ward=cell.ward or None)
    owner = _apply(action, fields)
    db.session.add(action)
    db.session.flush()
    _tell_owner(action, owner, creator)
    db.session.commit()
    return action


def update_action(action: Action, actor: User, fields: ActionFields) -> None:
    """Change an action; a new owner is told."""
    before = action.owner_id
    owner = _apply(action, fields)
    if owner is not None and owner.id != before:
        _tell_owner(action, owner, actor)
    signals.action_changed.send(action)
    db.session.commit()


def may_view(action: Action, membership: Membership) -> bool:
    return permissions.may_view_action(membership, action.owner_id)


def set_status(action: Action, membership: Membership, status: ActionStatus,
               now: datetime) -> None:
    """The owner or a steering member moves an action on; done records when."""
    if not may_view(action, membership):
        raise Forbidden("Only the action's owner or a steering member can change it.")
    action.status = status
    action.completed_at = now if status == ActionStatus.DONE else None
    signals.action_changed.send(action)
    db.session.commit()


# --- reading -------------------------------------------------------------------------------


def _listed():
    return select(Action).options(selectinload(Action.owner),
                                  selectinload(Action.working_group))


def list_actions(partnership: Partnership, *, open_only: bool = False,
                 meeting: Meeting | None = None,
                 working_group: WorkingGroup | None = None) -> list[Action]:
    """Actions by due date (undated last), then as they were added."""
    query = _listed().where(Action.partnership_id == partnership.id)
    if open_only:
        query = query.where(Action.status.not_in(FINISHED))
    if meeting is not None:
        query = query.where(Action.meeting_id == meeting.id)
    if working_group is not None:
        query = query.where(Action.working_group_id == working_group.id)
    return list(db.session.scalars(
        query.order_by(Action.due_on.is_(None), Action.due_on, Action.id)))


def open_actions_of(partnership: Partnership, user: User) -> list[Action]:
    """The person's unfinished actions in the partnership, soonest due first."""
    return list(db.session.scalars(
        _listed().where(Action.partnership_id == partnership.id, Action.owner_id == user.id,
                        Action.status.not_in(FINISHED))
        .order_by(Action.due_on.is_(None), Action.due_on, Action.id)))


# --- reminders -----------------------------------------------------------------------------


def overdue_to_remind(today: date) -> list[Action]:
    """Overdue actions with an owner who has not been reminded today."""
    return list(db.session.scalars(
        select(Action).join(Action.owner)
        .join(Partnership, Partnership.id == Action.partnership_id)
        .options(selectinload(Action.owner)).where(
            User.in_use(), Partnership.in_use(), Action.due_on < today,
            Action.status.not_in(FINISHED),
            (Action.reminded_on.is_(None)) | (Action.reminded_on < today))
        .order_by(Action.id)))


def _claim_reminder(action: Action, today: date) -> bool:
    """Mark the action reminded today, unless another run did first (cron overlapping)."""
    claimed = db.session.execute(
        update(Action).where(Action.id == action.id,
                             (Action.reminded_on.is_(None)) | (Action.reminded_on < today))
        .values(reminded_on=today).execution_options(synchronize_session=False))
    return claimed.rowcount == 1


def send_overdue_reminders(today: date) -> int:
    """Remind each overdue action's owner, at most once a day; returns how many were sent.

    Each action is reminded in a transaction of its own: one that fails is logged and left to
    the next run, and the others are reminded all the same.
    """
    sent = each_on_its_own([a.id for a in overdue_to_remind(today)],
                           lambda action_id: _remind(db.session.get(Action, action_id), today),
                           "the overdue reminder of action %s")
    db.session.expire_all()
    return sent


def _remind(action: Action, today: date) -> bool:
    if not _claim_reminder(action, today):
        return False
    notify(action.owner, "action_overdue", f"Overdue: {action.title}",
           f"Your action “{action.title}” was due on {action.due_on:%-d %b %Y}. "
           "Mark it done, or change its status, on its page.",
           link=action_path(action), partnership_id=action.partnership_id)
    return True
