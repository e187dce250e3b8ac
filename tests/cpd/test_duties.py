"""Separation of duties in CPD: a register is marked once the session has started, by
someone who runs the network and not by the attendee for themself; nobody decides a
supply-cover claim on their own attendance. Each refusal says why and changes nothing."""

from datetime import timedelta

import pytest

from tests.conftest import HTMX
from tests.cpd.conftest import NOW
from tests.test_csrf import everything
from workspace.exceptions import DomainError
from workspace.extensions import db
from workspace.models.cpd import Attendance, ClaimKind, ClaimStatus
from workspace.models.partnerships import Role
from workspace.services.cpd import sessions as cpd
from workspace.services.cpd import supply


def _text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def second_lead(hub, make_user, add_member):
    return add_member(hub, make_user(name="Sam Second"), Role.LEAD).user


def test_attendance_waits_for_the_session_to_start(make_session, teacher, lead):
    cpd_session = make_session()
    booking = cpd.sign_up(cpd_session, teacher("Ann"), NOW)
    before = everything()
    for moment in (NOW, cpd_session.starts_at - timedelta(minutes=1)):
        with pytest.raises(DomainError, match="once the session has started"):
            cpd.mark_attendance(cpd_session, booking.id, Attendance.ATTENDED, lead, moment)
    assert everything() == before
    marked = cpd.mark_attendance(cpd_session, booking.id, Attendance.ATTENDED, lead,
                                 cpd_session.starts_at)
    assert marked.attendance == Attendance.ATTENDED


def test_nobody_marks_their_own_attendance(hub, make_session, lead, second_lead, teacher):
    """The issue's lead, booked on their own network's session, cannot mark themself; the
    coordinator neither; another who runs the network can."""
    cpd_session = make_session()
    coordinator = teacher("Cora")
    network = cpd.create_network(hub, name="SEND network", coordinator=coordinator)
    theirs = cpd.schedule_session(hub, network, cpd.SessionFields(
        title="SEND day", day=cpd_session.starts_at.date(), start=cpd_session.starts_at.time(),
        end=cpd_session.ends_at.time(), capacity=5, timezone="UTC"))
    own = cpd.sign_up(cpd_session, lead, NOW)
    cora_own = cpd.sign_up(theirs, coordinator, NOW)
    before = everything()
    with pytest.raises(DomainError, match="must mark your own attendance"):
        cpd.mark_attendance(cpd_session, own.id, Attendance.ATTENDED, lead,
                            cpd_session.ends_at)
    with pytest.raises(DomainError, match="must mark your own attendance"):
        cpd.mark_attendance(theirs, cora_own.id, Attendance.ATTENDED, coordinator,
                            theirs.ends_at)
    assert everything() == before
    cpd.mark_attendance(cpd_session, own.id, Attendance.ATTENDED, second_lead,
                        cpd_session.ends_at)
    cpd.mark_attendance(theirs, cora_own.id, Attendance.ATTENDED, lead, theirs.ends_at)


def test_the_register_refuses_a_session_to_come_and_the_runners_own_place(
        client, auth, hub, lead, make_session, teacher, clock):
    cpd_session = make_session()
    ann = cpd.sign_up(cpd_session, teacher("Ann"), NOW)
    own = cpd.sign_up(cpd_session, lead, NOW)
    auth.login(lead)
    register = f"/p/{hub.id}/cpd/sessions/{cpd_session.id}/register"
    page = _text(client.get(register))
    assert "Attendance can be marked once the session has started." in page
    assert f"{register}/{ann.id}" not in page  # no buttons before it starts
    before = everything()
    early = client.post(f"{register}/{ann.id}", headers=HTMX, data={"attendance": "attended"})
    assert early.status_code == 422 and "once the session has started" in _text(early)
    assert everything() == before

    clock.shift(cpd_session.starts_at - NOW)
    page = _text(client.get(register))
    assert f"{register}/{ann.id}" in page and f"{register}/{own.id}" not in page
    assert "Someone else who runs the network marks yours." in page
    mine = client.post(f"{register}/{own.id}", data={"attendance": "attended"})
    assert mine.status_code == 302
    assert "must mark your own attendance" in _text(client.get(mine.headers["Location"]))
    assert everything() == before
    done = client.post(f"{register}/{ann.id}", headers=HTMX, data={"attendance": "attended"})
    assert done.status_code == 200
    db.session.expire_all()
    assert ann.attendance == Attendance.ATTENDED


@pytest.fixture
def own_claim(hub, lead, second_lead, make_session):
    """The first lead attended (marked by the second, after the session) and claimed."""
    supply.set_rates(hub, lead, day_pence=11000, half_day_pence=5500)
    cpd_session = make_session()
    booking = cpd.sign_up(cpd_session, lead, NOW)
    cpd.mark_attendance(cpd_session, booking.id, Attendance.ATTENDED, second_lead,
                        cpd_session.ends_at)
    return supply.claim_supply(cpd_session, lead, kind=ClaimKind.DAY)


def test_nobody_decides_a_claim_on_their_own_attendance(hub, lead, second_lead, own_claim):
    before = everything()
    for decide in (supply.approve_claim, supply.decline_claim):
        with pytest.raises(DomainError, match="Another lead must decide a claim on your own"):
            decide(hub, own_claim.id, lead, NOW)
    assert everything() == before
    assert supply.approve_claim(hub, own_claim.id, second_lead, NOW).status == \
        ClaimStatus.APPROVED


def test_the_supply_page_offers_no_decision_on_ones_own_claim(client, auth, hub, lead,
                                                              own_claim):
    auth.login(lead)
    page = _text(client.get(f"/p/{hub.id}/cpd/supply"))
    approve = f"/p/{hub.id}/cpd/supply/{own_claim.id}/approve"
    assert approve not in page and "another lead decides a claim on your own attendance" in page
    before = everything()
    response = client.post(approve, headers=HTMX)
    assert response.status_code == 422
    assert "Another lead must decide a claim on your own attendance." in _text(response)
    assert everything() == before
