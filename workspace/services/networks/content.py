"""What partners put into a network: its channel, peer-learning meetings, working groups
and shared resources. Each is seen by everyone who takes part in the network, and carries
the partnership it came from; nothing here reads a partnership's own records."""

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from workspace.clock import LONDON, LONDON_NAME, local_to_utc
from workspace.exceptions import DomainError
from workspace.extensions import db
from workspace.models import (
    NetworkGroup,
    NetworkGroupMember,
    NetworkMeeting,
    NetworkPost,
    NetworkResource,
    PartnershipNetwork,
    User,
)
from workspace.services import permissions
from workspace.services.chat import markdown
from workspace.services.networks import partners
from workspace.services.networks.partners import Standing, get_in
from workspace.services.notifications import notify

POST_MAX = 4000
POSTS_SHOWN = 100


def _speaking_for(who: Standing) -> int:
    """The partner a person speaks for: the first of theirs in the network."""
    return who.partners[0]


def _required(value: str, message: str, field: str) -> str:
    if not value.strip():
        raise DomainError(message, field=field)
    return value.strip()


# --- the channel ----------------------------------------------------------------------------


def post(network: PartnershipNetwork, who: Standing, body: str, now: datetime) -> NetworkPost:
    body = _required(body, "Write a message first.", "body")
    if len(body) > POST_MAX:
        raise DomainError(f"Keep a message to {POST_MAX} characters.", field="body")
    message = NetworkPost(network_id=network.id, author_id=who.user_id,
                          partnership_id=_speaking_for(who), body=body, created_at=now)
    db.session.add(message)
    db.session.commit()
    return message


@dataclass
class PostView:
    post: NetworkPost
    html: str


def recent_posts(network: PartnershipNetwork) -> list[PostView]:
    """The latest messages, oldest first, as safe HTML (the chat's Markdown rules)."""
    posts = db.session.scalars(
        select(NetworkPost).options(selectinload(NetworkPost.author),
                                    selectinload(NetworkPost.partnership))
        .where(NetworkPost.network_id == network.id)
        .order_by(NetworkPost.created_at.desc(), NetworkPost.id.desc())
        .limit(POSTS_SHOWN)).all()
    return [PostView(p, markdown.render(p.body)) for p in reversed(posts)]


def remove_post(network: PartnershipNetwork, post_id: int, who: Standing) -> None:
    message = get_in(NetworkPost, network, post_id)
    if not permissions.may_remove_network_item(who, message.author_id):
        raise DomainError("Only its author or a convenor removes a message.")
    db.session.delete(message)
    db.session.commit()


# --- meetings -------------------------------------------------------------------------------


@dataclass
class MeetingFields:
    title: str
    day: date
    start: time
    place: str = ""
    agenda: str = ""
    notes: str = ""


def _apply_meeting(meeting: NetworkMeeting, fields: MeetingFields) -> None:
    meeting.title = _required(fields.title, "Give the meeting a title.", "title")
    meeting.starts_at = local_to_utc(fields.day, fields.start, LONDON_NAME)
    meeting.place = fields.place.strip()
    meeting.agenda, meeting.notes = fields.agenda.strip(), fields.notes.strip()


def schedule_meeting(network: PartnershipNetwork, actor: User,
                     fields: MeetingFields) -> NetworkMeeting:
    """Schedule a peer-learning meeting; every partner's leads are told (but who set it)."""
    meeting = NetworkMeeting(network_id=network.id, created_by_id=actor.id)
    _apply_meeting(meeting, fields)
    db.session.add(meeting)
    db.session.flush()
    when = meeting.starts_at.astimezone(LONDON)
    for lead in partners.leads_of_partners(network):
        if lead.id != actor.id:
            notify(lead, "network_meeting", f"{network.name}: {meeting.title}",
                   f"{meeting.title}, a meeting of {network.name}, is on "
                   f"{when:%A %-d %B %Y at %H:%M}.",
                   link=f"/networks/{network.id}/meetings/{meeting.id}")
    db.session.commit()
    return meeting


def update_meeting(meeting: NetworkMeeting, fields: MeetingFields) -> None:
    _apply_meeting(meeting, fields)
    db.session.commit()


def meetings(network: PartnershipNetwork, now: datetime) -> tuple[list, list]:
    """(upcoming, soonest first; past, latest first)."""
    rows = db.session.scalars(select(NetworkMeeting).where(
        NetworkMeeting.network_id == network.id).order_by(NetworkMeeting.starts_at)).all()
    return ([m for m in rows if m.starts_at >= now],
            [m for m in reversed(rows) if m.starts_at < now])


def render_text(text: str) -> str:
    """An agenda or notes as safe HTML."""
    return markdown.render(text)


# --- working groups -------------------------------------------------------------------------


def create_group(network: PartnershipNetwork, name: str, purpose: str) -> NetworkGroup:
    name = _required(name, "Give the working group a name.", "name")
    if db.session.scalar(select(NetworkGroup.id).where(
            NetworkGroup.network_id == network.id,
            func.lower(NetworkGroup.name) == name.lower())):
        raise DomainError("The network has a working group of that name.", field="name")
    group = NetworkGroup(network_id=network.id, name=name, purpose=purpose.strip())
    db.session.add(group)
    db.session.commit()
    return group


@dataclass
class GroupView:
    group: NetworkGroup
    members: list[NetworkGroupMember]

    def includes(self, user_id: int) -> bool:
        return any(m.user_id == user_id for m in self.members)


def groups(network: PartnershipNetwork) -> list[GroupView]:
    found = db.session.scalars(select(NetworkGroup).where(
        NetworkGroup.network_id == network.id).order_by(NetworkGroup.name)).all()
    members = db.session.scalars(
        select(NetworkGroupMember).join(NetworkGroupMember.user)
        .options(selectinload(NetworkGroupMember.user),
                 selectinload(NetworkGroupMember.partnership))
        .where(NetworkGroupMember.group_id.in_([g.id for g in found])).order_by(User.name)).all()
    return [GroupView(g, [m for m in members if m.group_id == g.id]) for g in found]


def join_group(network: PartnershipNetwork, group_id: int, who: Standing) -> None:
    group = get_in(NetworkGroup, network, group_id)
    if db.session.scalar(select(NetworkGroupMember.id).where(
            NetworkGroupMember.group_id == group.id,
            NetworkGroupMember.user_id == who.user_id)) is None:
        db.session.add(NetworkGroupMember(group_id=group.id, user_id=who.user_id,
                                          partnership_id=_speaking_for(who)))
    db.session.commit()


def leave_group(network: PartnershipNetwork, group_id: int, who: Standing) -> None:
    group = get_in(NetworkGroup, network, group_id)
    db.session.execute(NetworkGroupMember.__table__.delete().where(
        NetworkGroupMember.group_id == group.id, NetworkGroupMember.user_id == who.user_id))
    db.session.commit()


# --- resources ------------------------------------------------------------------------------


def add_resource(network: PartnershipNetwork, who: Standing, *, title: str, url: str,
                 description: str = "") -> NetworkResource:
    title = _required(title, "Give the resource a title.", "title")
    url = _required(url, "Give the link's address.", "url")
    if not url.lower().startswith(("https://", "http://")):
        raise DomainError("Give an address starting with https:// or http://.", field="url")
    resource = NetworkResource(network_id=network.id, partnership_id=_speaking_for(who),
                               title=title, url=url, description=description.strip(),
                               added_by_id=who.user_id)
    db.session.add(resource)
    db.session.commit()
    return resource


def resources(network: PartnershipNetwork) -> list[NetworkResource]:
    return list(db.session.scalars(
        select(NetworkResource).options(selectinload(NetworkResource.added_by),
                                        selectinload(NetworkResource.partnership))
        .where(NetworkResource.network_id == network.id)
        .order_by(NetworkResource.created_at.desc(), NetworkResource.id.desc())))


def remove_resource(network: PartnershipNetwork, resource_id: int, who: Standing) -> None:
    resource = get_in(NetworkResource, network, resource_id)
    if not permissions.may_remove_network_item(who, resource.added_by_id):
        raise DomainError("Only whoever shared it or a convenor removes a resource.")
    db.session.delete(resource)
    db.session.commit()
