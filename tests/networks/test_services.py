"""Networks of partnerships and the CPD opened to them: who takes part, who may book, what
crosses between partnerships (only what is put into the network) and what never does."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.networks.conftest import NOW, form_network, open_session
from workspace.exceptions import DomainError, Forbidden, NotFound
from workspace.extensions import db
from workspace.models import Booking, NetworkPartner, NetworkPost, Notification
from workspace.models.cpd import Attendance, BookingStatus, SessionAudience
from workspace.services import credentials, permissions
from workspace.services.catalogue import items
from workspace.services.cpd import sessions
from workspace.services.networks import content
from workspace.services.networks import partners as networks
from workspace.services.progress import tracking


def test_people_take_part_through_their_partnerships(people, network):
    ada, bea, alf, cy = (networks.standing(people[k], network.id)
                         for k in ("ada", "bea", "alf", "cy"))
    assert ada.convenes == (people["hub_a"].id,) and ada.leads == (people["hub_a"].id,)
    assert bea.partners == (people["hub_b"].id,) and bea.leads and not bea.convenes
    assert alf.partners == (people["hub_a"].id,) and not alf.leads
    assert cy is None  # Cumbria is not in it: the network is not given away
    assert permissions.may_convene_network(ada) and not permissions.may_convene_network(bea)
    assert permissions.may_run_network_business(bea)
    assert not permissions.may_run_network_business(alf)
    assert permissions.takes_part_in_network(alf)
    assert [row.network.id for row in networks.networks_of(people["bet"])] == [network.id]
    assert networks.networks_of(people["cy"]) == []


def test_an_invitation_link_works_once_for_a_lead_and_not_after_it_expires(people, network):
    _, token = networks.create_invite(network, people["ada"], "Cumbria", NOW)
    with pytest.raises(Forbidden):  # a member who leads nothing cannot bring a partnership in
        networks.accept_invite(token, people["hub_b"], people["bet"], NOW)
    with pytest.raises(DomainError, match="already in"):
        networks.accept_invite(token, people["hub_b"], people["bea"], NOW)
    networks.accept_invite(token, people["hub_c"], people["cy"], NOW)
    with pytest.raises(DomainError, match="has been used"):
        networks.invite_by_token(token, NOW)
    _, late = networks.create_invite(network, people["ada"], "", NOW)
    with pytest.raises(DomainError, match="expired"):
        networks.invite_by_token(late, NOW + timedelta(days=networks.INVITE_DAYS))
    with pytest.raises(NotFound):
        networks.invite_by_token("not-a-token", NOW)
    assert networks.standing(people["cy"], network.id) is not None


def test_a_withdrawn_invitation_no_longer_works(people, network):
    invite, token = networks.create_invite(network, people["ada"], "Cumbria", NOW)
    networks.revoke_invite(network, invite.id, NOW)
    with pytest.raises(DomainError, match="withdrawn"):
        networks.accept_invite(token, people["hub_c"], people["cy"], NOW)
    assert networks.standing(people["cy"], network.id) is None


def test_a_session_opened_to_the_network_is_booked_by_its_partners_people_only(people,
                                                                               network):
    session = open_session(people, network)
    assert sessions.session_path(session) == f"/cpd/open/{session.id}"
    assert [r.session.id for r in sessions.open_sessions_for(people["bet"], NOW)] == [
        session.id]
    assert sessions.open_sessions_for(people["alf"], NOW) == []  # his own hub's: not "open"
    assert sessions.open_sessions_for(people["cy"], NOW) == []
    booking = sessions.sign_up(session, people["bet"], NOW)
    assert booking.status == BookingStatus.BOOKED
    assert booking.partnership_id == session.partnership_id
    with pytest.raises(NotFound):
        sessions.sign_up(session, people["cy"], NOW)
    assert sessions.guests_among(session) == {people["bet"].id}
    # a guest joins none of the host's own CPD networks
    assert not sessions.is_network_member(session.network, people["bet"])


def test_a_full_open_session_puts_guests_on_the_waiting_list_and_moves_them_up(people,
                                                                               network):
    session = open_session(people, network, capacity=1)
    sessions.sign_up(session, people["alf"], NOW)
    waiting = sessions.sign_up(session, people["bet"], NOW)
    assert waiting.status == BookingStatus.WAITING
    sessions.cancel_booking(session, people["alf"], NOW)
    db.session.refresh(waiting)
    assert waiting.status == BookingStatus.BOOKED


def test_a_guest_marked_attended_gets_hours_and_a_credential_that_verifies(people, network):
    session = open_session(people, network)
    booking = sessions.sign_up(session, people["bet"], NOW)
    sessions.mark_attendance(session, booking.id, Attendance.ATTENDED, people["ada"],
                             session.ends_at)
    assert sessions.cpd_hours(people["bet"]) == session.learning_hours
    credential = credentials.attendance_credential(people["bet"], booking.id)
    verdict = credentials.verify(credentials.signed(credential))
    assert verdict.genuine
    assert "Issued by Northumberland Music Hub to Bet Teacher" in verdict.message


def test_everyone_means_anyone_with_an_account(people, network):
    session = open_session(people, network, audience=SessionAudience.EVERYONE,
                           audience_network_id=None)
    assert session.audience_network_id is None
    assert [r.session.id for r in sessions.open_sessions_for(people["cy"], NOW)] == [
        session.id]
    sessions.sign_up(session, people["cy"], NOW)


def test_a_session_opens_only_to_a_network_its_partnership_is_in(people, network):
    other = networks.create_network(people["hub_c"], people["cy"], name="Cumbria network")
    with pytest.raises(DomainError, match="network your partnership is in") as refused:
        open_session(people, network, audience_network_id=other.id)
    assert refused.value.field == "audience"
    with pytest.raises(DomainError):
        open_session(people, network, audience_network_id=None)


def test_leaving_closes_the_network_to_the_partnership_and_keeps_places(people, network):
    session = open_session(people, network)
    sessions.sign_up(session, people["bet"], NOW)
    hub_b = db.session.scalar(select(NetworkPartner).where(
        NetworkPartner.partnership_id == people["hub_b"].id))
    with pytest.raises(DomainError, match="leads"):  # Alf leads nothing
        networks.remove_partner(network, hub_b.id, networks.standing(people["alf"],
                                                                     network.id))
    networks.remove_partner(network, hub_b.id, networks.standing(people["bea"], network.id))
    assert networks.standing(people["bet"], network.id) is None
    assert sessions.open_sessions_for(people["bet"], NOW) == []
    assert not permissions.may_book_session(people["bet"], session)
    assert permissions.may_see_open_session(people["bet"], session)  # her place stays hers
    assert sessions.booking_of(session, people["bet"]).status == BookingStatus.BOOKED


def test_when_the_convenor_leaves_its_sessions_close_and_the_next_partner_convenes(people,
                                                                                   network):
    session = open_session(people, network)
    hub_a = db.session.scalar(select(NetworkPartner).where(
        NetworkPartner.partnership_id == people["hub_a"].id))
    networks.remove_partner(network, hub_a.id, networks.standing(people["ada"], network.id))
    db.session.refresh(session)
    assert session.audience == SessionAudience.PARTNERSHIP and session.audience_network_id is None
    assert networks.standing(people["bea"], network.id).convenes == (people["hub_b"].id,)


def test_a_convenor_removes_a_partner_but_not_another_convenor(people, network):
    hub_b = db.session.scalar(select(NetworkPartner).where(
        NetworkPartner.partnership_id == people["hub_b"].id))
    hub_a = db.session.scalar(select(NetworkPartner).where(
        NetworkPartner.partnership_id == people["hub_a"].id))
    with pytest.raises(DomainError, match="convenors"):
        networks.remove_partner(network, hub_a.id, networks.standing(people["bea"],
                                                                     network.id))
    networks.remove_partner(network, hub_b.id, networks.standing(people["ada"], network.id))
    assert networks.standing(people["bea"], network.id) is None


def test_a_suspended_partnerships_people_take_no_part(people, network):
    session = open_session(people, network)
    people["hub_b"].suspended_at = NOW
    db.session.commit()
    assert networks.standing(people["bet"], network.id) is None
    assert sessions.open_sessions_for(people["bet"], NOW) == []
    with pytest.raises(NotFound):
        sessions.sign_up(session, people["bet"], NOW)


def test_channel_messages_are_safe_markdown_from_a_named_partner(people, network):
    bet = networks.standing(people["bet"], network.id)
    message = content.post(network, bet, "**Hello** <script>alert(1)</script>", NOW)
    [view] = content.recent_posts(network)
    assert "<strong>Hello</strong>" in view.html and "<script>" not in view.html
    assert view.post.partnership.name == "Tees Valley Music Hub"
    with pytest.raises(DomainError, match="author or a convenor"):
        content.remove_post(network, message.id, networks.standing(people["alf"], network.id))
    with pytest.raises(DomainError, match="Write a message"):
        content.post(network, bet, "   ", NOW)
    content.remove_post(network, message.id, networks.standing(people["ada"], network.id))
    assert db.session.scalar(select(func.count(NetworkPost.id))) == 0


def test_meetings_groups_and_resources(people, network):
    ada = networks.standing(people["ada"], network.id)
    bet = networks.standing(people["bet"], network.id)
    meeting = content.schedule_meeting(network, people["ada"], content.MeetingFields(
        title="Spring peer-learning meeting", day=NOW.date() + timedelta(days=60),
        start=NOW.time(), agenda="1. Welcome\n2. Inclusive ensembles"))
    assert content.meetings(network, NOW) == ([meeting], [])
    told = db.session.scalars(select(Notification).where(
        Notification.kind == "network_meeting")).all()
    assert [n.user_id for n in told] == [people["bea"].id]  # the other partner's lead
    assert told[0].link == f"/networks/{network.id}/meetings/{meeting.id}"
    assert "<ol>" in content.render_text(meeting.agenda)
    group = content.create_group(network, "Inclusive ensembles", "Share repertoire")
    with pytest.raises(DomainError, match="of that name"):
        content.create_group(network, "inclusive ENSEMBLES", "")
    content.join_group(network, group.id, bet)
    content.join_group(network, group.id, bet)  # twice is once
    [view] = content.groups(network)
    assert [m.user.name for m in view.members] == ["Bet Teacher"] and view.includes(
        people["bet"].id)
    content.leave_group(network, group.id, bet)
    assert content.groups(network)[0].members == []
    with pytest.raises(DomainError, match="https://"):
        content.add_resource(network, bet, title="Bad", url="javascript:alert(1)")
    content.add_resource(network, bet, title="Adaptive kit list", url="https://example.org/kit")
    assert [r.partnership.name for r in content.resources(network)] == [
        "Tees Valley Music Hub"]
    assert ada.convenes


def test_another_networks_rows_are_not_found(people, network):
    other = form_network(people)
    group = content.create_group(other, "Elsewhere", "")
    with pytest.raises(NotFound):
        content.join_group(network, group.id, networks.standing(people["bet"], network.id))


def test_bookings_of_guests_belong_to_the_host(people, network):
    session = open_session(people, network)
    sessions.sign_up(session, people["bet"], NOW)
    assert db.session.scalar(select(Booking.partnership_id)) == people["hub_a"].id


def test_a_suspended_partnerships_sessions_are_not_suggested(people, network):
    unit = items.create_item(None, "U1", title="Adaptive instruments unit")
    session = open_session(people, network, module_ids=frozenset({unit.id}))
    found = tracking.upcoming_sessions([people["hub_a"].id], set(), [unit.id], NOW)
    assert [s.id for s in found] == [session.id]
    people["hub_a"].suspended_at = NOW
    db.session.commit()
    assert tracking.upcoming_sessions([people["hub_a"].id], set(), [unit.id], NOW) == []
