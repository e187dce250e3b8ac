"""Slash commands: /cpd, /action and /poll open their form under the composer; submitting it
creates the record and posts its reference, so that it shows as a card."""

import pytest
from sqlalchemy import func, select

from tests.chat.cards_world import make_world
from tests.conftest import HTMX
from workspace.blueprints.chat.commands import is_command
from workspace.extensions import db
from workspace.models import Action, CpdSession, Message, Poll
from workspace.services.chat import cards
from workspace.services.chat import messages as chat
from workspace.services.cpd import sessions as cpd
from workspace.services.partnerships import membership


@pytest.fixture
def world(make_user, make_partnership, add_member):
    return make_world(make_user, make_partnership, add_member)


def _text(response) -> str:
    return response.get_data(as_text=True)


def _compose(client, world, body: str, channel=None):
    channel = channel or world.general
    return client.post(f"/p/{world.hub.id}/chat/channels/{channel.id}/messages",
                       data={"body": body}, headers=HTMX)


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def _last_message() -> Message:
    return db.session.scalar(select(Message).order_by(Message.id.desc()))


@pytest.mark.parametrize(("text", "expected"), [
    ("/poll", True), ("/poll Which date? | 3 March | 10 March", True), ("  /cpd", True),
    ("/action Book the hall", True), ("/shrug", True), ("/POLL", True),
    ("hello /poll", False), ("/p/1/cpd/sessions/2", False), ("//poll", False), ("/", False),
    ("", False), ("/ poll", False)])
def test_is_command(text, expected):
    assert is_command(text) is expected


def test_an_unknown_command_lists_the_commands_and_posts_nothing(client, auth, world):
    auth.login(world.ann)
    before = _count(Message)
    response = _compose(client, world, "/shrug me")
    page = _text(response)
    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == "#composer-panel"
    assert "/shrug" in page and "is not a command" in page
    assert "/cpd" in page and "/action" in page and "/poll" in page
    assert _count(Message) == before


# --- /poll ------------------------------------------------------------------------------------


def test_poll_command_opens_a_prefilled_form(client, auth, world):
    auth.login(world.ann)
    response = _compose(client, world, "/poll Which date? | 3 March | 10 March")
    page = _text(response)
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "#composer-panel"
    assert 'value="Which date?"' in page and "3 March\n10 March" in page
    assert f'name="channel_id" type="hidden" value="{world.general.id}"' in page
    assert _count(Poll) == 1  # only Zebra's: nothing is created before the form is sent


def test_submitting_the_poll_form_creates_it_and_posts_its_card(client, auth, world):
    auth.login(world.ann)
    response = client.post(f"/p/{world.hub.id}/chat/commands/poll", headers=HTMX, data={
        "channel_id": world.general.id, "question": "Which date?",
        "options": "3 March\r\n10 March\r\n"})
    assert response.status_code == 200 and "The poll is posted." in _text(response)
    poll = db.session.scalar(select(Poll).order_by(Poll.id.desc()))
    assert poll.question == "Which date?" and [o.label for o in poll.options] == [
        "3 March", "10 March"]
    message = _last_message()
    assert message.channel_id == world.general.id and message.author_id == world.ann.id
    assert cards.message_refs(message) == [f"poll-{poll.id}"]


def test_an_invalid_poll_form_answers_422_keeps_the_input_and_creates_nothing(client, auth,
                                                                            world):
    auth.login(world.ann)
    polls, messages = _count(Poll), _count(Message)
    response = client.post(f"/p/{world.hub.id}/chat/commands/poll", headers=HTMX, data={
        "channel_id": world.general.id, "question": "Which date?", "options": "Only one"})
    page = _text(response)
    assert response.status_code == 422
    assert "Give at least 2 options." in page and 'value="Which date?"' in page
    assert "Only one" in page
    assert (_count(Poll), _count(Message)) == (polls, messages)


def test_a_command_form_cannot_post_in_a_channel_the_member_cannot_read(client, auth, world):
    auth.login(world.bob)
    response = client.post(f"/p/{world.hub.id}/chat/commands/poll", headers=HTMX, data={
        "channel_id": world.steering.id, "question": "Which?", "options": "a\nb"})
    assert response.status_code == 403
    response = client.post(f"/p/{world.hub.id}/chat/commands/poll", headers=HTMX, data={
        "channel_id": "not a number", "question": "Which?", "options": "a\nb"})
    assert response.status_code == 404
    assert _count(Poll) == 1


# --- /action ----------------------------------------------------------------------------------


def test_action_command_for_steering_members(client, auth, world):
    auth.login(world.steer)
    page = _text(_compose(client, world, "/action Book the hall", world.steering))
    assert 'value="Book the hall"' in page and "Ann Teacher" in page and "Due date" in page
    response = client.post(f"/p/{world.hub.id}/chat/commands/action", headers=HTMX, data={
        "channel_id": world.steering.id, "title": "Book the hall",
        "owner": str(world.ann.id), "due_on": "2030-01-15"})
    assert response.status_code == 200
    action = db.session.scalar(select(Action).where(Action.partnership_id == world.hub.id))
    assert (action.title, action.owner_id, str(action.due_on)) == (
        "Book the hall", world.ann.id, "2030-01-15")
    assert cards.message_refs(_last_message()) == [f"action-{action.id}"]
    # The card shows the title to those who may see the action; the text does not.
    assert "Book the hall" not in _last_message().body


def test_action_command_is_refused_to_plain_members(client, auth, world):
    auth.login(world.ann)
    page = _text(_compose(client, world, "/action Book the hall"))
    assert "Only steering group members and leads can add actions." in page
    response = client.post(f"/p/{world.hub.id}/chat/commands/action", headers=HTMX, data={
        "channel_id": world.general.id, "title": "Book the hall"})
    assert response.status_code == 422
    assert "Only steering group members and leads can add actions." in _text(response)
    assert db.session.scalar(select(Action).where(Action.partnership_id == world.hub.id)) \
        is None


def test_action_owner_must_be_a_member(client, auth, world):
    auth.login(world.steer)
    response = client.post(f"/p/{world.hub.id}/chat/commands/action", headers=HTMX, data={
        "channel_id": world.general.id, "title": "Book the hall",
        "owner": str(world.zebra_lead.id)})
    assert response.status_code == 422 and "Zebra" not in _text(response)
    assert db.session.scalar(select(Action).where(Action.partnership_id == world.hub.id)) \
        is None


# --- /cpd -------------------------------------------------------------------------------------


def _session_data(world, **overrides) -> dict:
    data = {"channel_id": world.network_channel.id, "title": "Composing with KS2",
            "network": str(world.session.network_id), "day": "2030-02-05", "start": "09:30",
            "end": "15:30", "venue": "Riverside Music Centre", "capacity": "12",
            "learning_hours": "5"}
    data.update(overrides)
    return data


def test_cpd_command_lets_a_lead_schedule_and_post_a_session(client, auth, world):
    auth.login(world.lead)
    page = _text(_compose(client, world, "/cpd Composing with KS2", world.network_channel))
    assert "Schedule a CPD session" in page and 'value="Composing with KS2"' in page
    assert "Share an upcoming session" in page and "Singing in the primary classroom" in page
    response = client.post(f"/p/{world.hub.id}/chat/commands/cpd", headers=HTMX,
                           data=_session_data(world))
    assert response.status_code == 200 and "Composing with KS2 is scheduled." in _text(response)
    created = db.session.scalar(select(CpdSession).where(CpdSession.title == "Composing with KS2"))
    assert created.capacity == 12 and created.network_id == world.session.network_id
    assert cpd.describe_when(created) == "Tuesday 5 February 2030, 09:30–15:30"
    assert cards.message_refs(_last_message()) == [f"cpd-{created.id}"]


def test_an_invalid_session_form_answers_422_and_schedules_nothing(client, auth, world):
    auth.login(world.lead)
    sessions = _count(CpdSession)
    response = client.post(f"/p/{world.hub.id}/chat/commands/cpd", headers=HTMX,
                           data=_session_data(world, capacity="0", end="08:00"))
    page = _text(response)
    assert response.status_code == 422
    assert "Enter a number of places from 1." in page and 'value="Composing with KS2"' in page
    response = client.post(f"/p/{world.hub.id}/chat/commands/cpd", headers=HTMX,
                           data=_session_data(world, end="08:00"))
    assert "The session must end after it starts." in _text(response)
    assert _count(CpdSession) == sessions


def test_members_who_run_no_network_can_only_share_a_session(client, auth, world):
    auth.login(world.ann)
    page = _text(_compose(client, world, "/cpd"))
    assert "Only leads and network coordinators can schedule sessions." in page
    assert "Singing in the primary classroom" in page
    sessions = _count(CpdSession)
    response = client.post(f"/p/{world.hub.id}/chat/commands/cpd", headers=HTMX,
                           data=_session_data(world, channel_id=world.general.id))
    assert response.status_code == 422 and _count(CpdSession) == sessions
    response = client.post(f"/p/{world.hub.id}/chat/commands/cpd/share", headers=HTMX, data={
        "channel_id": world.general.id, "cpd_session": str(world.session.id)})
    assert response.status_code == 200
    assert cards.message_refs(_last_message()) == [f"cpd-{world.session.id}"]


def test_sharing_another_partnerships_session_is_refused(client, auth, world):
    auth.login(world.ann)
    messages = _count(Message)
    response = client.post(f"/p/{world.hub.id}/chat/commands/cpd/share", headers=HTMX, data={
        "channel_id": world.general.id, "cpd_session": str(world.zebra_session.id)})
    assert response.status_code == 422 and "Zebra" not in _text(response)
    assert _count(Message) == messages


def _post_poll(client, world, channel, question="Which day?"):
    return client.post(f"/p/{world.hub.id}/chat/commands/poll", headers=HTMX, data={
        "channel_id": channel.id, "question": question, "options": "Monday\nTuesday"})


class TestPostingLimit:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True, "CHAT_POST_RATE_LIMIT": "2 per minute"}

    def test_command_forms_count_against_the_posting_limit(self, client, auth, world):
        polls = _count(Poll)
        auth.login(world.lead)
        for n in range(2):
            assert _post_poll(client, world, world.general, f"Question {n}?").status_code == 200
        assert _post_poll(client, world, world.general).status_code == 429
        assert _count(Poll) == polls + 2


def test_an_archived_channel_gets_no_record_from_a_command(client, auth, world):
    lead = membership.find_membership(world.hub.id, world.lead)
    channel = chat.create_channel(world.hub, lead, name="Old ideas")
    chat.archive_channel(channel, lead)
    polls, messages = _count(Poll), _count(Message)
    auth.login(world.lead)
    response = _post_poll(client, world, channel)
    assert response.status_code == 422
    assert "archived" in _text(response)
    assert (_count(Poll), _count(Message)) == (polls, messages)
