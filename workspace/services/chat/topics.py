"""Topics tied to records: a gap, a CPD session, a steering meeting or an action each has one
discussion thread in the channel where it belongs, so talk about a thing stays with it."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from workspace.clock import LONDON
from workspace.exceptions import NotFound
from workspace.extensions import db
from workspace.models import Audit, Channel, Membership, Message, Partnership, TargetGroup
from workspace.models.audits import AgePhase, ArtForm
from workspace.models.chat import ChannelKind
from workspace.models.steering import Meeting
from workspace.services.chat import cards, messages
from workspace.services.partnerships.membership import get_owned

KINDS = ("gap", "cpd", "meeting", "action")
KEY_MAX = 120


@dataclass
class Subject:
    """A record to discuss: its canonical key, the line that opens its thread, its channel."""

    kind: str
    key: str
    opening: str
    channel: Channel


def _steering_channel(partnership: Partnership) -> Channel:
    messages.ensure_channels(partnership)
    return db.session.scalar(select(Channel).where(
        Channel.partnership_id == partnership.id, Channel.kind == ChannelKind.STEERING))


def _steering_channel_for(partnership: Partnership, membership: Membership) -> Channel:
    """The steering channel, for those who may read it; for anyone else the record is not
    found, before it is looked up (so that a refusal does not tell which ids exist)."""
    channel = _steering_channel(partnership)
    if not messages.may_read(channel, membership):
        raise NotFound()
    return channel


def _network_channel(partnership: Partnership, network_id: int) -> Channel:
    messages.ensure_channels(partnership)
    return db.session.scalar(select(Channel).where(
        Channel.partnership_id == partnership.id, Channel.network_id == network_id))


def _number(key: str) -> int:
    if not (key or "").strip().isdigit():
        raise NotFound()
    return int(key)


def _cpd(partnership, membership, key):
    found = cards.get_session(partnership, _number(key))
    return Subject("cpd", str(found.id), f"Discussion: {found.title} #cpd-{found.id}",
                   _network_channel(partnership, found.network_id))


def _meeting(partnership, membership, key):
    channel = _steering_channel_for(partnership, membership)
    found = get_owned(Meeting, partnership, _number(key))
    return Subject("meeting", str(found.id),
                   f"Discussion: {found.title} "
                   f"({found.starts_at.astimezone(LONDON):%-d %b %Y})",
                   channel)


def _action(partnership, membership, key):
    found = cards.get_action(partnership, membership, _number(key))
    return Subject("action", str(found.id), f"Discussion: {found.title} #action-{found.id}",
                   _steering_channel(partnership))


def _enum(cls, value: str):
    if not value:
        return None
    try:
        return cls(value)
    except ValueError:
        raise NotFound() from None


def _group(partnership: Partnership, value: str) -> TargetGroup | None:
    """A target group by id, or by name whatever its case ("send" for SEND)."""
    if not value:
        return None
    if value.isdigit():
        return get_owned(TargetGroup, partnership, int(value))
    found = db.session.scalar(select(TargetGroup).where(
        TargetGroup.partnership_id == partnership.id,
        func.lower(TargetGroup.name) == value.lower()))
    if found is None:
        raise NotFound()
    return found


def _gap(partnership, membership, key):
    """key: "<audit id>:<group id or name>:<phase>:<art form>:<ward>", parts may be empty."""
    audit_id, group, phase, art_form, ward = ((key or "").split(":", 4) + [""] * 5)[:5]
    channel = _steering_channel_for(partnership, membership)
    audit = get_owned(Audit, partnership, _number(audit_id))
    target = _group(partnership, group.strip())
    age, art = _enum(AgePhase, phase.strip()), _enum(ArtForm, art_form.strip())
    ward = " ".join(ward.split())
    head = f"{audit.id}:{target.id if target else ''}:{age.value if age else ''}:" \
           f"{art.value if art else ''}:"
    canonical = head + ward.casefold()[:KEY_MAX - len(head)]
    parts = [target.name if target else "", art.label if art else "",
             age.label if age else "", ward]
    cell = " · ".join(p for p in parts if p) or "the whole audit"
    return Subject("gap", canonical, f"Discussion: gap in {audit.title}: {cell}", channel)


RESOLVERS = {"gap": _gap, "cpd": _cpd, "meeting": _meeting, "action": _action}


def subject_of(partnership: Partnership, membership: Membership, kind: str,
               key: str) -> Subject:
    """The record named by kind and key; NotFound when it is not the partnership's, or not
    for this person to see."""
    resolver = RESOLVERS.get(kind)
    if resolver is None:
        raise NotFound()
    return resolver(partnership, membership, key)


def _thread_of(partnership: Partnership, subject: Subject) -> Message | None:
    return db.session.scalar(select(Message).where(
        Message.partnership_id == partnership.id, Message.subject_kind == subject.kind,
        Message.subject_key == subject.key))


def open_discussion(partnership: Partnership, membership: Membership, kind: str,
                    key: str) -> Message:
    """The record's discussion thread, started on first use: one per record, even when two
    people open it at once (the unique subject constraint decides; the loser reads it)."""
    subject = subject_of(partnership, membership, kind, key)
    messages.get_channel(partnership, subject.channel.id, membership)  # may they read it?
    existing = _thread_of(partnership, subject)
    if existing is not None:
        return existing
    try:
        return messages.post_message(subject.channel, membership.user, subject.opening,
                                 subject_kind=subject.kind, subject_key=subject.key)
    except IntegrityError:
        db.session.rollback()
        existing = _thread_of(partnership, subject)
        if existing is None:
            raise
        return existing
