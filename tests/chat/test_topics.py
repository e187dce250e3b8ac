"""Topics tied to records: each gap, CPD session, meeting and action has one discussion thread,
in the channel where it belongs, opened from the record's page."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event, func, insert, select
from sqlalchemy.orm import Session

from tests.chat.cards_world import make_world
from workspace.extensions import db
from workspace.models import Audit, Message, TargetGroup
from workspace.models.steering import Meeting
from workspace.services.chat import cards, topics
from workspace.services.steering import actions


@pytest.fixture
def world(make_user, make_partnership, add_member):
    return make_world(make_user, make_partnership, add_member)


def _threads() -> list[Message]:
    return list(db.session.scalars(
        select(Message).where(Message.subject_kind.is_not(None)).order_by(Message.id)))


def _discuss(client, world, kind: str, key):
    return client.post(f"/p/{world.hub.id}/chat/discuss", data={"kind": kind, "key": str(key)})


def _meeting(partnership, user, title="Steering group, spring term") -> Meeting:
    meeting = Meeting(partnership_id=partnership.id, title=title, created_by_id=user.id,
                      starts_at=datetime(2030, 3, 4, 17, 0, tzinfo=UTC))
    db.session.add(meeting)
    db.session.commit()
    return meeting


def _audit(world) -> tuple[Audit, TargetGroup]:
    audit = Audit(partnership_id=world.hub.id, title="Riverside audit 2026",
                  period_start=date(2026, 9, 1), period_end=date(2027, 7, 31),
                  created_by_id=world.lead.id)
    group = TargetGroup(partnership_id=world.hub.id, name="SEND", vulnerable=True)
    db.session.add_all([audit, group])
    db.session.commit()
    return audit, group


def test_a_session_has_one_thread_in_its_networks_channel(client, auth, world):
    auth.login(world.ann)
    first = _discuss(client, world, "cpd", world.session.id)
    second = _discuss(client, world, "cpd", world.session.id)
    [thread] = _threads()
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"] == \
        f"/p/{world.hub.id}/chat/messages/{thread.id}"
    assert thread.channel_id == world.network_channel.id and thread.author_id == world.ann.id
    assert (thread.subject_kind, thread.subject_key) == ("cpd", str(world.session.id))
    assert thread.body == f"Discussion: Singing in the primary classroom #cpd-{world.session.id}"
    assert cards.message_refs(thread) == [f"cpd-{world.session.id}"]


def test_two_people_opening_the_same_thread_at_once_get_one_thread(world):
    """The other request inserts its thread just before ours: ours gives way and reads it."""

    done = []

    def rival_first(session, _context, _instances):
        mine = next((m for m in session.new if isinstance(m, Message) and m.subject_kind), None)
        if mine is None or done:
            return
        done.append(True)
        with db.engine.begin() as connection:
            connection.execute(insert(Message).values(
                partnership_id=mine.partnership_id, channel_id=mine.channel_id,
                author_id=world.lead.id, body="Discussion (theirs)", body_html="",
                subject_kind=mine.subject_kind, subject_key=mine.subject_key,
                reply_count=0, created_at=datetime.now(UTC)))

    event.listen(Session, "before_flush", rival_first)
    try:
        membership = next(m for m in world.hub.memberships if m.user_id == world.ann.id)
        thread = topics.open_discussion(world.hub, membership, "cpd", str(world.session.id))
    finally:
        event.remove(Session, "before_flush", rival_first)
    assert done and thread.body == "Discussion (theirs)"
    assert [t.id for t in _threads()] == [thread.id]


def test_meetings_and_actions_are_discussed_in_the_steering_channel(client, auth, world):
    meeting = _meeting(world.hub, world.lead)
    action = actions.create_action(world.hub, world.lead,
                                   actions.ActionFields(title="Book the hall"))
    auth.login(world.steer)
    assert _discuss(client, world, "meeting", meeting.id).status_code == 302
    assert _discuss(client, world, "action", action.id).status_code == 302
    assert _discuss(client, world, "action", f" {action.id}").status_code == 302
    meeting_thread, action_thread = _threads()
    assert meeting_thread.channel_id == action_thread.channel_id == world.steering.id
    assert meeting_thread.body == "Discussion: Steering group, spring term (4 Mar 2030)"
    assert action_thread.body == f"Discussion: Book the hall #action-{action.id}"


def test_a_gap_cell_has_one_thread_whichever_way_its_group_is_named(client, auth, world):
    audit, group = _audit(world)
    auth.login(world.steer)
    by_name = _discuss(client, world, "gap", f"{audit.id}:send:ks2:music_singing:Riverside")
    by_id = _discuss(client, world, "gap", f"{audit.id}:{group.id}:ks2:music_singing:riverside")
    [thread] = _threads()
    assert by_name.headers["Location"] == by_id.headers["Location"]
    assert thread.channel_id == world.steering.id
    assert thread.subject_key == f"{audit.id}:{group.id}:ks2:music_singing:riverside"
    assert thread.body == ("Discussion: gap in Riverside audit 2026: "
                           "SEND · Music: singing · KS2 · Riverside")


@pytest.mark.parametrize("key", ["{audit}:nobody:ks2::x", "{audit}:send:ks9::x",
                                 "{audit}:send::painting:x", "x:send:ks2::x", "999999::::"])
def test_a_gap_that_does_not_exist_is_not_found(client, auth, world, key):
    audit, _group = _audit(world)
    auth.login(world.steer)
    assert _discuss(client, world, "gap", key.format(audit=audit.id)).status_code == 404
    assert _threads() == []


def test_steering_topics_are_not_for_plain_members(client, auth, world):
    meeting = _meeting(world.hub, world.lead)
    action = actions.create_action(world.hub, world.lead,
                                   actions.ActionFields(title="Book the hall"))
    auth.login(world.bob)
    # Not found, the same as for an id that does not exist: a refusal would say it does.
    assert _discuss(client, world, "meeting", meeting.id).status_code == 404
    assert _discuss(client, world, "meeting", meeting.id + 1000).status_code == 404
    assert _discuss(client, world, "action", action.id).status_code == 404
    assert _threads() == []


def test_other_partnerships_records_and_unknown_kinds(client, auth, world):
    zebra_meeting = _meeting(world.zebra, world.zebra_lead, "Zebra meeting")
    auth.login(world.lead)
    for kind, key in (("cpd", world.zebra_session.id), ("action", world.zebra_action_id),
                      ("meeting", zebra_meeting.id), ("cpd", "abc"), ("cpd", "")):
        response = _discuss(client, world, kind, key)
        assert response.status_code in (400, 404), (kind, key)
        assert "Zebra" not in response.get_data(as_text=True)
    assert _discuss(client, world, "poll", 1).status_code == 400
    assert db.session.scalar(select(func.count(Message.id))) == 0


def test_the_session_page_has_a_discuss_button(client, auth, world):
    auth.login(world.ann)
    page = client.get(f"/p/{world.hub.id}/cpd/sessions/{world.session.id}").get_data(
        as_text=True)
    assert f'action="/p/{world.hub.id}/chat/discuss"' in page
    assert 'name="kind" value="cpd"' in page
    assert f'name="key" value="{world.session.id}"' in page
    assert "Discuss this session" in page


def test_the_discuss_button_is_for_those_who_may_read_the_network_channel(client, auth, world):
    auth.login(world.bob)  # in the partnership, not in the network
    page = client.get(f"/p/{world.hub.id}/cpd/sessions/{world.session.id}").get_data(
        as_text=True)
    assert "Discuss this session" not in page
