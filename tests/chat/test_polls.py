"""Polls: 2 to 10 distinct options, one vote per person that they may change, closed by the
author or a lead; voting from the poll's card."""

import pytest
from sqlalchemy import func, select

from tests.chat.cards_world import make_world
from tests.conftest import HTMX, as_member
from workspace.exceptions import DomainError, Forbidden
from workspace.extensions import db
from workspace.infra import live
from workspace.models import Poll, PollVote
from workspace.services.chat import polls


@pytest.fixture
def world(make_user, make_partnership, add_member):
    return make_world(make_user, make_partnership, add_member)


def _poll(world, channel=None):
    return polls.create_poll(channel or world.general, world.ann, "Which date suits?",
                                  ["3 March", "10 March", "17 March"])


def _polls() -> int:
    return db.session.scalar(select(func.count(Poll.id)))


@pytest.mark.parametrize(("question", "options", "message"), [
    ("", ["a", "b"], "Ask a question."),
    ("   ", ["a", "b"], "Ask a question."),
    ("Q" * 301, ["a", "b"], "Keep the question under 300 characters."),
    ("Which?", ["only one"], "Give at least 2 options."),
    ("Which?", ["a", " ", ""], "Give at least 2 options."),
    ("Which?", [str(n) for n in range(11)], "Give at most 10 options."),
    ("Which?", ["Tuesday", "tuesday "], "Each option must be different."),
    ("Which?", ["a", "b" * 121], "Keep each option under 120 characters."),
])
def test_create_poll_rules(world, question, options, message):
    before = _polls()
    with pytest.raises(DomainError, match=message):
        polls.create_poll(world.general, world.ann, question, options)
    assert _polls() == before


def test_create_poll_keeps_options_in_order_without_blanks(world):
    poll = polls.create_poll(world.general, world.ann, "  Which date?  ",
                                  ["3 March", "", " 10 March "])
    assert poll.question == "Which date?"
    assert [o.label for o in poll.options] == ["3 March", "10 March"]
    assert poll.partnership_id == world.hub.id and poll.channel_id == world.general.id


def test_one_vote_per_person_which_they_may_change(world):
    poll = _poll(world)
    first, second, third = poll.options
    polls.vote(poll, world.ann, first.id)
    polls.vote(poll, world.bob, first.id)
    polls.vote(poll, world.ann, second.id)
    result = polls.results(poll, world.ann)
    assert [(r.option.label, r.votes, r.percent) for r in result.options] == [
        ("3 March", 1, 50), ("10 March", 1, 50), ("17 March", 0, 0)]
    assert result.total == 2 and result.my_option_id == second.id
    assert db.session.scalar(select(func.count(PollVote.id))) == 2


def test_a_vote_must_be_for_one_of_the_polls_options(world):
    poll, other = _poll(world), _poll(world)
    with pytest.raises(DomainError, match="Choose one of the poll's options."):
        polls.vote(poll, world.ann, other.options[0].id)
    with pytest.raises(DomainError):
        polls.vote(poll, world.ann, None)


def test_closing_is_for_the_author_or_a_lead_and_stops_votes(world):
    poll = _poll(world)
    with pytest.raises(Forbidden):
        polls.close_poll(poll, as_member(poll, world.bob))
    with pytest.raises(Forbidden):
        polls.close_poll(poll, as_member(poll, world.steer))
    polls.close_poll(poll, as_member(poll, world.lead))
    assert poll.closed_at is not None
    with pytest.raises(DomainError, match="This poll is closed."):
        polls.vote(poll, world.ann, poll.options[0].id)
    mine = _poll(world)
    polls.close_poll(mine, as_member(mine, world.ann))
    assert mine.closed_at is not None


def test_a_vote_publishes_a_card_event(world):
    poll = _poll(world)
    start = live.last_event_id(world.hub.id)
    polls.vote(poll, world.bob, poll.options[2].id)
    assert [(e.kind, e.ref) for e in live.events_after(world.hub.id, start)] == [
        ("card", f"poll-{poll.id}")]


# --- the poll's card ----------------------------------------------------------------------


def test_voting_from_the_card(client, auth, world):
    poll = _poll(world)
    auth.login(world.bob)
    ref = f"poll-{poll.id}"
    page = client.get(f"/p/{world.hub.id}/chat/card", query_string={"ref": ref},
                      headers=HTMX).get_data(as_text=True)
    assert "Which date suits?" in page and page.count(">Vote<") == 3 and "0 votes" in page
    response = client.post(f"/p/{world.hub.id}/chat/card/vote", query_string={"ref": ref},
                           data={"option_id": poll.options[1].id}, headers=HTMX)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Your vote" in page and page.count(">Vote<") == 2 and "1 vote<" in page
    assert polls.results(poll, world.bob).my_option_id == poll.options[1].id
    assert "Close the poll" not in page


def test_a_bad_vote_answers_422_and_changes_nothing(client, auth, world):
    poll = _poll(world)
    auth.login(world.bob)
    ref = f"poll-{poll.id}"
    for data in ({}, {"option_id": "abc"}, {"option_id": "999999"}):
        response = client.post(f"/p/{world.hub.id}/chat/card/vote", query_string={"ref": ref},
                               data=data, headers=HTMX)
        assert response.status_code == 422
        assert "Choose one of the" in response.get_data(as_text=True)
    assert polls.results(poll).total == 0


def test_the_author_closes_the_poll_from_the_card(client, auth, world):
    poll = _poll(world)
    auth.login(world.ann)
    response = client.post(f"/p/{world.hub.id}/chat/card/close-poll",
                           query_string={"ref": f"poll-{poll.id}"}, headers=HTMX)
    page = response.get_data(as_text=True)
    assert "closed" in page and ">Vote<" not in page
    auth.logout()
    auth.login(world.bob)
    other = _poll(world)
    response = client.post(f"/p/{world.hub.id}/chat/card/close-poll",
                           query_string={"ref": f"poll-{other.id}"}, headers=HTMX)
    assert response.status_code == 403 and other.closed_at is None


def test_a_poll_in_a_channel_the_viewer_cannot_read_is_not_shown(client, auth, world):
    poll = polls.create_poll(world.steering, world.steer, "Steering only?", ["Yes", "No"])
    auth.login(world.bob)
    ref = f"poll-{poll.id}"
    page = client.get(f"/p/{world.hub.id}/chat/card", query_string={"ref": ref},
                      headers=HTMX).get_data(as_text=True)
    assert "not available" in page and "Steering only?" not in page
    response = client.post(f"/p/{world.hub.id}/chat/card/vote", query_string={"ref": ref},
                           data={"option_id": poll.options[0].id}, headers=HTMX)
    assert response.status_code == 404 and polls.results(poll).total == 0
