"""Chat: channels and who may read them, messages and threads, edits with their history,
mentions, unread counts and search.

Every change that people watching a channel should see goes into the event log through
`live.publish` in the same transaction, last, right before the commit.
"""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from workspace.clock import utcnow
from workspace.exceptions import DomainError, Forbidden
from workspace.extensions import db
from workspace.infra import live
from workspace.models import (
    Channel,
    ChannelRead,
    Membership,
    Message,
    MessageRevision,
    Network,
    NetworkMember,
    Partnership,
    User,
)
from workspace.models.chat import ChannelKind
from workspace.services import permissions
from workspace.services.chat import markdown
from workspace.services.cpd.sessions import is_network_member
from workspace.services.notifications import notify
from workspace.services.partnerships.membership import get_owned

GENERAL_NAME = "General"
STEERING_NAME = "Steering group"
PAGE_SIZE = 50
DELETED_TEXT = "This message was deleted."

# --- channels -------------------------------------------------------------------------------


def ensure_channels(partnership: Partnership) -> None:
    """Create the general, steering and CPD network channels that are missing.

    Idempotent, and safe when two requests race: each insert runs in a savepoint, and the
    unique constraints (partnership and name; network) turn the loser's insert into a no-op.
    """
    existing = db.session.execute(select(Channel.kind, Channel.network_id).where(
        Channel.partnership_id == partnership.id)).all()
    kinds = {kind for kind, _ in existing}
    networks = {network_id for _, network_id in existing if network_id}
    wanted = []
    if ChannelKind.GENERAL not in kinds:
        wanted.append(dict(name=GENERAL_NAME, kind=ChannelKind.GENERAL,
                           topic="Everyone in the partnership"))
    if ChannelKind.STEERING not in kinds:
        wanted.append(dict(name=STEERING_NAME, kind=ChannelKind.STEERING,
                           topic="The steering group and leads"))
    for network in db.session.scalars(select(Network).where(
            Network.partnership_id == partnership.id).order_by(Network.id)):
        if network.id not in networks:
            wanted.append(dict(name=network.name[:80], kind=ChannelKind.NETWORK,
                               network_id=network.id,
                               topic=f"Members of the {network.name} network"[:300]))
    if wanted:
        for fields in wanted:
            _insert_channel(partnership, fields)
        db.session.commit()


def _insert_channel(partnership: Partnership, fields: dict) -> None:
    for _ in range(2):
        try:
            with db.session.begin_nested():
                db.session.add(Channel(partnership_id=partnership.id, **fields))
            return
        except IntegrityError:
            if fields["kind"] != ChannelKind.NETWORK or _network_channel_exists(fields):
                return  # another request made it first
            fields = {**fields, "name": f"{fields['name'][:68]} (network)"}  # name taken


def _network_channel_exists(fields: dict) -> bool:
    return db.session.scalar(select(Channel.id).where(
        Channel.network_id == fields["network_id"])) is not None


def may_read(channel: Channel, membership: Membership) -> bool:
    """Steering channels need the steering group; a network's channel needs its members."""
    if channel.partnership_id != membership.partnership_id:
        return False
    if channel.kind == ChannelKind.STEERING or (
            channel.kind == ChannelKind.CUSTOM and channel.steering_only):
        return permissions.may_see_steering_papers(membership)
    if channel.kind == ChannelKind.NETWORK:
        return channel.network is not None and may_read_network(channel.network, membership)
    return True


def may_read_network(network: Network, membership: Membership) -> bool:
    """A CPD network's channel (and the discussions of its sessions): its members and leads."""
    return permissions.is_lead(membership) or is_network_member(network, membership.user)


def readable_channels(partnership: Partnership, membership: Membership,
                      include_archived: bool = False) -> list[Channel]:
    """The channels the member may read: general first, then steering, networks, the rest."""
    query = select(Channel).where(Channel.partnership_id == partnership.id)
    if not include_archived:
        query = query.where(Channel.archived_at.is_(None))
    channels = list(db.session.scalars(query.order_by(Channel.id)))
    my_networks = set(db.session.scalars(select(NetworkMember.network_id).where(
        NetworkMember.partnership_id == partnership.id,
        NetworkMember.user_id == membership.user_id)))
    order = [ChannelKind.GENERAL, ChannelKind.STEERING, ChannelKind.NETWORK, ChannelKind.CUSTOM]
    return sorted((c for c in channels if _may_read_fast(c, membership, my_networks)),
                  key=lambda c: (order.index(c.kind), c.name.casefold()))


def _may_read_fast(channel: Channel, membership: Membership, my_networks: set[int]) -> bool:
    if channel.kind == ChannelKind.NETWORK and not permissions.is_lead(membership):
        return channel.network_id in my_networks
    return may_read(channel, membership)


def get_channel(partnership: Partnership, channel_id: int, membership: Membership) -> Channel:
    """NotFound outside the partnership, Forbidden when the member may not read it."""
    channel = get_owned(Channel, partnership, channel_id)
    if not may_read(channel, membership):
        raise Forbidden("This channel is for some members only.")
    return channel


def general_channel(partnership: Partnership) -> Channel:
    ensure_channels(partnership)
    return db.session.scalar(select(Channel).where(
        Channel.partnership_id == partnership.id, Channel.kind == ChannelKind.GENERAL))


def create_channel(partnership: Partnership, membership: Membership, *, name: str,
                   topic: str = "", steering_only: bool = False) -> Channel:
    """A lead's own channel, for every member or for the steering group only."""
    if not permissions.may_manage_channels(membership):
        raise Forbidden("Only leads add channels.")
    name = " ".join(name.split())
    if not name:
        raise DomainError("Give the channel a name.", field="name")
    if db.session.scalar(select(Channel.id).where(
            Channel.partnership_id == partnership.id,
            func.lower(Channel.name) == name.lower())) is not None:
        raise DomainError("A channel with that name already exists.", field="name")
    channel = Channel(partnership_id=partnership.id, name=name[:80], kind=ChannelKind.CUSTOM,
                      steering_only=steering_only, topic=topic.strip()[:300],
                      created_by_id=membership.user_id)
    db.session.add(channel)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise DomainError("A channel with that name already exists.", field="name") from None
    return channel


def archive_channel(channel: Channel, membership: Membership) -> None:
    """Leads may archive the channels they add; the built-in ones stay."""
    if not permissions.may_manage_channels(membership):
        raise Forbidden("Only leads archive channels.")
    if channel.kind != ChannelKind.CUSTOM:
        raise DomainError("Only added channels can be archived.")
    if channel.archived_at is None:
        channel.archived_at = utcnow()
        db.session.commit()


# --- messages ---------------------------------------------------------------------------


def get_message(partnership: Partnership, message_id: int, membership: Membership) -> Message:
    """NotFound outside the partnership, Forbidden when its channel is not for the member."""
    message = get_owned(Message, partnership, message_id)
    if not may_read(message.channel, membership):
        raise Forbidden("This channel is for some members only.")
    return message


@dataclass
class Page:
    messages: list[Message]
    has_earlier: bool


def list_messages(channel: Channel, before: int | None = None,
                  limit: int = PAGE_SIZE) -> Page:
    """The latest top-level messages (before a message id, for "load earlier"), oldest first."""
    query = (select(Message).options(selectinload(Message.author))
             .where(Message.channel_id == channel.id, Message.parent_id.is_(None)))
    if before:
        query = query.where(Message.id < before)
    rows = list(db.session.scalars(query.order_by(Message.id.desc()).limit(limit + 1)))
    return Page(messages=rows[:limit][::-1], has_earlier=len(rows) > limit)


def list_replies(message: Message) -> list[Message]:
    return list(db.session.scalars(
        select(Message).options(selectinload(Message.author))
        .where(Message.parent_id == message.id).order_by(Message.id)))


def check_body(body: str) -> str:
    """The text to store, or a DomainError saying why it cannot be sent."""
    text = (body or "").replace("\r\n", "\n").strip()
    limit = current_app.config["CHAT_MESSAGE_MAX_CHARS"]
    if not text:
        raise DomainError("Write a message first.", field="body")
    if len(text) > limit:
        raise DomainError(f"Messages can be up to {limit:,} characters long; this one has "
                          f"{len(text):,}. Shorten it, or split it in two.", field="body")
    return text


def check_writable(channel: Channel) -> None:
    if channel.archived_at is not None:
        raise DomainError("This channel is archived: it can be read but not written in.")


def post_message(channel: Channel, author: User, body: str, *, parent: Message | None = None,
                 subject_kind: str | None = None, subject_key: str | None = None) -> Message:
    """Store a message (or a reply under `parent`), tell the people it mentions, publish it."""
    text = check_body(body)
    check_writable(channel)
    if parent is not None:
        if parent.channel_id != channel.id:
            raise DomainError("A reply goes in the channel of the message it answers.")
        parent = parent.parent or parent  # threads are one level deep
    members = _member_names(channel)
    message = Message(partnership_id=channel.partnership_id, channel_id=channel.id,
                      author_id=author.id, parent_id=parent.id if parent else None, body=text,
                      body_html=markdown.render(text, members),
                      subject_kind=subject_kind, subject_key=subject_key)
    db.session.add(message)
    if parent is not None:
        parent.reply_count = (parent.reply_count or 0) + 1
        parent.last_reply_at = utcnow()
    db.session.flush()
    _notify_mentions(message, author, markdown.find_mentions(text, members))
    live.publish(channel.partnership_id, "message", channel_id=channel.id,
                      message_id=message.id)
    db.session.commit()
    return message


def edit_message(message: Message, editor: User, body: str) -> Message:
    """The author changes the text; what it said before is kept for moderation."""
    _check_author(message, editor)
    if message.deleted_at is not None:
        raise DomainError("A deleted message cannot be edited.")
    text = check_body(body)
    if text == message.body:
        return message
    members = _member_names(message.channel)
    before = set(markdown.find_mentions(message.body, members))
    db.session.add(MessageRevision(partnership_id=message.partnership_id, message_id=message.id,
                                   body=message.body, change="edit", changed_by_id=editor.id))
    message.body, message.edited_at = text, utcnow()
    message.body_html = markdown.render(text, members)
    newly = [i for i in markdown.find_mentions(text, members) if i not in before]
    db.session.flush()
    _notify_mentions(message, editor, newly)
    live.publish(message.partnership_id, "edit", channel_id=message.channel_id,
                      message_id=message.id)
    db.session.commit()
    return message


def delete_message(message: Message, actor: User) -> None:
    """The author deletes it: a marker stays in its place, the text stays in the history."""
    _check_author(message, actor)
    if message.deleted_at is not None:
        return
    db.session.add(MessageRevision(partnership_id=message.partnership_id, message_id=message.id,
                                   body=message.body, change="delete", changed_by_id=actor.id))
    message.body, message.body_html, message.deleted_at = "", "", utcnow()
    live.publish(message.partnership_id, "delete", channel_id=message.channel_id,
                      message_id=message.id)
    db.session.commit()


def message_history(message: Message, membership: Membership) -> list[MessageRevision]:
    """Every earlier text of a message, oldest first: for leads only."""
    if (not permissions.may_see_message_history(membership)
            or membership.partnership_id != message.partnership_id):
        raise Forbidden("Only leads see the history of messages.")
    return list(db.session.scalars(
        select(MessageRevision).options(selectinload(MessageRevision.changed_by))
        .where(MessageRevision.message_id == message.id).order_by(MessageRevision.id)))


def message_path(message: Message) -> str:
    return f"/p/{message.partnership_id}/chat/messages/{message.id}"


def _check_author(message: Message, user: User) -> None:
    if message.author_id != user.id:
        raise Forbidden("Only the author can change a message.")


def _member_names(channel: Channel) -> list[tuple[int, str]]:
    return [(user_id, name) for user_id, name in db.session.execute(
        select(User.id, User.name).join(Membership, Membership.user_id == User.id)
        .where(Membership.partnership_id == channel.partnership_id))]


def _notify_mentions(message: Message, author: User, user_ids: list[int]) -> None:
    """Tell each person mentioned who may read the channel (not the author)."""
    channel = message.channel or db.session.get(Channel, message.channel_id)
    for membership in db.session.scalars(select(Membership).options(
            selectinload(Membership.user)).where(
            Membership.partnership_id == message.partnership_id,
            Membership.user_id.in_(user_ids), Membership.user_id != author.id)):
        if may_read(channel, membership):
            notify(membership.user, "chat_mention", f"{author.name} mentioned you",
                   f"{author.name} mentioned you in #{channel.name}: "
                   f"{_excerpt(message.body)}", link=message_path(message),
                   partnership_id=message.partnership_id)


def _excerpt(text: str, length: int = 140) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[:length - 1] + "…"


# --- read markers --------------------------------------------------------------------------


def mark_read(channel: Channel, user: User) -> None:
    """The person has seen everything in the channel so far."""
    latest = db.session.scalar(select(func.max(Message.id)).where(
        Message.channel_id == channel.id)) or 0
    marker = db.session.get(ChannelRead, (channel.id, user.id))
    if marker is not None:
        if marker.last_read_message_id >= latest:
            return
        marker.last_read_message_id = latest
        db.session.commit()
        return
    try:
        with db.session.begin_nested():
            db.session.add(ChannelRead(channel_id=channel.id, user_id=user.id,
                                       last_read_message_id=latest))
    except IntegrityError:  # the same person in another tab, at the same moment
        db.session.get(ChannelRead, (channel.id, user.id)).last_read_message_id = latest
    db.session.commit()


UNREAD_BATCH = 200  # channels counted in one statement


def unread_counts(channels: list[Channel], user: User) -> dict[int, int]:
    """Messages by others, not deleted, after the person's read marker, per channel id."""
    if not channels:
        return {}
    ids = [c.id for c in channels]
    markers = dict(db.session.execute(
        select(ChannelRead.channel_id, ChannelRead.last_read_message_id)
        .where(ChannelRead.user_id == user.id, ChannelRead.channel_id.in_(ids))).all())
    counts = {c.id: 0 for c in channels}
    # Each channel's own range, with its marker as a bound: the index walks only the
    # messages after it (joined to the markers, the database read every message). In
    # batches: SQLite nests each OR a level deeper, and refuses a thousand levels.
    for start in range(0, len(ids), UNREAD_BATCH):
        after_marker = or_(*[and_(Message.channel_id == i,
                                  Message.id > (markers.get(i) or 0))
                             for i in ids[start:start + UNREAD_BATCH]])
        counts.update(db.session.execute(
            select(Message.channel_id, func.count(Message.id))
            .where(after_marker, Message.author_id != user.id, Message.deleted_at.is_(None))
            .group_by(Message.channel_id)).all())
    return counts


# --- search --------------------------------------------------------------------------------


def search(partnership: Partnership, membership: Membership, query: str,
           limit: int = 50) -> list[Message]:
    """Messages containing the words as typed (any case), in channels the member may read."""
    text = " ".join((query or "").split())
    if not text:
        return []
    channel_ids = [c.id for c in readable_channels(partnership, membership,
                                                   include_archived=True)]
    if not channel_ids:
        return []
    pattern = "%" + _escape_like(text.lower()) + "%"
    return list(db.session.scalars(
        select(Message).options(selectinload(Message.author), selectinload(Message.channel))
        .where(Message.partnership_id == partnership.id, Message.channel_id.in_(channel_ids),
               Message.deleted_at.is_(None), func.lower(Message.body).like(pattern, escape="\\"))
        .order_by(Message.id.desc()).limit(limit)))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
