"""Channels and who reads them, messages, threads, edits and their history, mentions,
unread counts and search: the chat service's rules."""

import pytest
from sqlalchemy import select

from tests.chat.core_world import make_world
from workspace.exceptions import DomainError, Forbidden, NotFound
from workspace.extensions import db
from workspace.models import Channel, ChatEvent, MessageRevision, Notification
from workspace.models.chat import ChannelKind
from workspace.services.chat import messages
from workspace.services.cpd import sessions


@pytest.fixture
def world(make_user, make_partnership, add_member):
    return make_world(make_user, make_partnership, add_member)


def _names(channels) -> list[str]:
    return [c.name for c in channels]


def test_each_partnership_gets_general_steering_and_network_channels_once(world):
    messages.ensure_channels(world.hub)
    messages.ensure_channels(world.hub)
    channels = db.session.scalars(select(Channel).where(
        Channel.partnership_id == world.hub.id)).all()
    assert sorted((c.kind.value, c.name) for c in channels) == [
        ("general", "General"), ("network", "Strings teachers"), ("steering", "Steering group")]
    sessions.create_network(world.hub, name="Choir leaders")
    messages.ensure_channels(world.hub)
    assert "Choir leaders" in _names(messages.readable_channels(world.hub, world.membership(
        world.lead)))


def test_who_reads_which_channel(world):
    lead, steer, ann, bob = (world.membership(u) for u in (world.lead, world.steer, world.ann,
                                                            world.bob))
    assert _names(messages.readable_channels(world.hub, lead)) == [
        "General", "Steering group", "Strings teachers"]
    assert _names(messages.readable_channels(world.hub, steer)) == ["General", "Steering group"]
    assert _names(messages.readable_channels(world.hub, ann)) == ["General", "Strings teachers"]
    assert _names(messages.readable_channels(world.hub, bob)) == ["General"]
    with pytest.raises(Forbidden):
        messages.get_channel(world.hub, world.steering.id, bob)
    with pytest.raises(Forbidden):
        messages.get_channel(world.hub, world.network_channel.id, steer)
    assert messages.get_channel(world.hub, world.network_channel.id, ann) == world.network_channel
    outsider = world.membership(world.outsider, world.other)
    with pytest.raises(NotFound):
        messages.get_channel(world.other, world.general.id, outsider)


def test_leads_add_channels_for_everyone_or_steering_only_and_archive_them(world):
    lead, bob = world.membership(world.lead), world.membership(world.bob)
    with pytest.raises(Forbidden):
        messages.create_channel(world.hub, bob, name="Festival")
    open_channel = messages.create_channel(world.hub, lead, name="  Festival  2027 ")
    closed = messages.create_channel(world.hub, lead, name="Budget", steering_only=True)
    assert open_channel.name == "Festival 2027" and open_channel.kind == ChannelKind.CUSTOM
    with pytest.raises(DomainError, match="already exists"):
        messages.create_channel(world.hub, lead, name="festival 2027")
    assert _names(messages.readable_channels(world.hub, bob)) == ["General", "Festival 2027"]
    assert "Budget" in _names(messages.readable_channels(world.hub, world.membership(world.steer)))
    with pytest.raises(DomainError):
        messages.archive_channel(world.general, lead)
    messages.archive_channel(closed, lead)
    assert "Budget" not in _names(messages.readable_channels(world.hub, lead))
    with pytest.raises(DomainError, match="archived"):
        messages.post_message(closed, world.lead, "Anyone?")


def test_posting_renders_markdown_and_publishes_an_event(world):
    message = messages.post_message(world.general, world.ann, "  **Hello** _all_  ")
    assert message.body == "**Hello** _all_"
    assert message.body_html == "<p><strong>Hello</strong> <em>all</em></p>\n"
    events = db.session.scalars(select(ChatEvent)).all()
    assert [(e.kind, e.channel_id, e.message_id) for e in events] == [
        ("message", world.general.id, message.id)]


def test_empty_and_overlong_messages_are_refused(world, app):
    app.config["CHAT_MESSAGE_MAX_CHARS"] = 10
    with pytest.raises(DomainError, match="Write a message first"):
        messages.post_message(world.general, world.ann, " \n ")
    with pytest.raises(DomainError, match="up to 10 characters long; this one has 11"):
        messages.post_message(world.general, world.ann, "x" * 11)
    messages.post_message(world.general, world.ann, "x" * 10)
    assert db.session.scalar(select(db.func.count(ChatEvent.id))) == 1


def test_replies_form_a_thread_one_level_deep(world):
    root = messages.post_message(world.general, world.ann, "Who has a cello?")
    first = messages.post_message(world.general, world.bob, "I do", parent=root)
    second = messages.post_message(world.general, world.lead, "Me too", parent=first)
    assert first.parent_id == root.id and second.parent_id == root.id
    assert root.reply_count == 2 and root.last_reply_at is not None
    assert messages.list_replies(root) == [first, second]
    assert messages.list_messages(world.general).messages == [root]
    with pytest.raises(DomainError):
        messages.post_message(world.steering, world.lead, "Elsewhere", parent=root)


def test_latest_fifty_then_earlier(world):
    posted = [messages.post_message(world.general, world.ann, f"Message {n}") for n in range(55)]
    page = messages.list_messages(world.general)
    assert page.messages == posted[5:] and page.has_earlier
    earlier = messages.list_messages(world.general, before=page.messages[0].id)
    assert earlier.messages == posted[:5] and not earlier.has_earlier


def test_edit_and_delete_by_the_author_keep_the_history_for_leads(world):
    message = messages.post_message(world.general, world.ann, "Rehersal at 5")
    with pytest.raises(Forbidden):
        messages.edit_message(message, world.bob, "Hijacked")
    with pytest.raises(Forbidden):
        messages.delete_message(message, world.lead)
    messages.edit_message(message, world.ann, "Rehearsal at 5")
    assert message.body_html == "<p>Rehearsal at 5</p>\n" and message.edited_at is not None
    messages.delete_message(message, world.ann)
    assert message.deleted_at is not None and message.body == "" and message.body_html == ""
    with pytest.raises(DomainError):
        messages.edit_message(message, world.ann, "Back again")
    history = messages.message_history(message, world.membership(world.lead))
    assert [(r.change, r.body) for r in history] == [("edit", "Rehersal at 5"),
                                                      ("delete", "Rehearsal at 5")]
    with pytest.raises(Forbidden):
        messages.message_history(message, world.membership(world.steer))
    kinds = db.session.scalars(select(ChatEvent.kind).order_by(ChatEvent.id)).all()
    assert kinds == ["message", "edit", "delete"]
    assert db.session.scalar(select(db.func.count(MessageRevision.id))) == 2


def test_mentions_notify_members_who_can_read_the_channel(world):
    messages.post_message(world.general, world.lead, "Thanks @Ann Smith and @bob! (and @Nobody)")
    notified = db.session.scalars(select(Notification.user_id)).all()
    assert sorted(notified) == sorted([world.ann.id, world.bob.id])
    message = messages.post_message(world.steering, world.lead, "Ask @Bob later, @Sam Steer")
    mention = f'<span class="mention" data-user-id="{world.steer.id}">@Sam Steer</span>'
    assert mention in message.body_html
    notified = db.session.scalars(select(Notification.user_id)).all()
    assert notified.count(world.bob.id) == 1  # Bob cannot read the steering channel
    assert world.steer.id in notified
    link = db.session.scalar(select(Notification.link).where(
        Notification.user_id == world.steer.id))
    assert link == f"/p/{world.hub.id}/chat/messages/{message.id}"


def test_an_edit_notifies_only_people_newly_mentioned(world):
    message = messages.post_message(world.general, world.lead, "Hello @Ann Smith")
    messages.edit_message(message, world.lead, "Hello @Ann Smith and @Bob")
    notified = db.session.scalars(select(Notification.user_id)).all()
    assert sorted(notified) == sorted([world.ann.id, world.bob.id])


def test_unread_counts_and_marking_read(world):
    messages.post_message(world.general, world.lead, "One")
    messages.post_message(world.general, world.lead, "Two")
    root = messages.post_message(world.general, world.ann, "Mine")
    messages.post_message(world.general, world.lead, "A reply", parent=root)
    gone = messages.post_message(world.general, world.lead, "Oops")
    messages.delete_message(gone, world.lead)
    channels = messages.readable_channels(world.hub, world.membership(world.ann))
    assert messages.unread_counts(channels, world.ann) == {world.general.id: 3,
                                                       world.network_channel.id: 0}
    messages.mark_read(world.general, world.ann)
    messages.mark_read(world.general, world.ann)
    assert messages.unread_counts(channels, world.ann)[world.general.id] == 0
    messages.post_message(world.general, world.bob, "Three")
    assert messages.unread_counts(channels, world.ann)[world.general.id] == 1


def test_unread_counts_over_very_many_channels(world):
    """Counted in batches: one statement over a thousand channels' ranges is too deep for
    SQLite."""
    extra = [Channel(partnership_id=world.hub.id, name=f"Room {n}", kind=ChannelKind.CUSTOM)
             for n in range(1_100)]
    db.session.add_all(extra)
    db.session.commit()
    messages.post_message(extra[-1], world.lead, "In the last room")
    messages.post_message(world.general, world.lead, "In general")
    counts = messages.unread_counts([world.general, *extra], world.ann)
    assert len(counts) == 1_101 and sum(counts.values()) == 2
    assert counts[extra[-1].id] == 1 and counts[world.general.id] == 1


def test_search_finds_words_in_readable_channels_only(world):
    messages.post_message(world.general, world.lead, "The Budget for 2027 is set")
    messages.post_message(world.steering, world.lead, "Budget: secret details")
    messages.post_message(world.general, world.lead, "100% sure, snake_case")
    gone = messages.post_message(world.general, world.lead, "budget draft")
    messages.delete_message(gone, world.lead)
    bob, steer = world.membership(world.bob), world.membership(world.steer)
    assert [m.body for m in messages.search(world.hub, bob, "budget")] == [
        "The Budget for 2027 is set"]
    assert len(messages.search(world.hub, steer, "BUDGET")) == 2
    assert [m.body for m in messages.search(world.hub, bob, "0%")] == ["100% sure, snake_case"]
    assert messages.search(world.hub, bob, "e_c") and not messages.search(world.hub, bob, "e%c")
    assert messages.search(world.hub, bob, "   ") == []
    outsider = world.membership(world.outsider, world.other)
    assert messages.search(world.other, outsider, "budget") == []
