"""The directory: partnerships choose to be listed, people find them and ask to join, leads
answer; nobody's email address is shown, unlisted and suspended partnerships are not found."""

import pytest
from sqlalchemy import func, select

from tests.conftest import HTMX
from workspace.exceptions import DomainError, NotFound
from workspace.extensions import db
from workspace.models import JoinRequest, Notification, OutboxMessage
from workspace.models.partnerships import JoinOutcome, PartnershipKind, Role, Sector
from workspace.services.partnerships import directory
from workspace.services.partnerships import membership as service


@pytest.fixture
def hub(make_user, make_partnership):
    lead = make_user(name="Priya Lead", email="priya.lead@example.org")
    hub = make_partnership(lead=lead, name="North East SEND Music Network")
    service.add_organisation(hub, name="Northgate Primary", sector=Sector.SCHOOL,
                             school_phase="Primary")
    service.add_organisation(hub, name="Tyne Youth Orchestra", sector=Sector.CULTURAL)
    return hub


@pytest.fixture
def listed(hub):
    directory.set_listing(hub, True, "Termly CPD for SEND music teachers across the region.")
    return hub


def _requests() -> int:
    return db.session.scalar(select(func.count(JoinRequest.id)))


def test_only_listed_partnerships_are_found_with_their_sectors(hub, make_user,
                                                                make_partnership):
    make_partnership(lead=make_user(email="other@example.org"), name="Quiet Hub")
    assert directory.entries()[1] == 0
    directory.set_listing(hub, True, "Termly CPD for SEND music teachers.")
    found, total = directory.entries("send music")
    assert total == 1 and found[0].partnership.id == hub.id
    assert [s.label for s in found[0].sectors] == sorted(
        [Sector.SCHOOL.label, Sector.CULTURAL.label])
    assert directory.entries("nothing like it")[1] == 0
    assert directory.entries(kind=PartnershipKind(hub.kind.value))[1] == 1
    hub.suspended_at = hub.created_at  # an administrator suspended it
    db.session.commit()
    assert directory.entries()[1] == 0
    with pytest.raises(NotFound):
        directory.listed_partnership(hub.id)


def test_a_listing_needs_an_offer_and_a_refusal_changes_nothing(hub):
    with pytest.raises(DomainError, match="Say what the partnership offers"):
        directory.set_listing(hub, True, "   ")
    with pytest.raises(DomainError, match="Keep what you offer"):
        directory.set_listing(hub, True, "x" * 2001)
    assert hub.listed is False and hub.offer == ""


def test_asking_to_join_tells_the_leads_and_a_lead_lets_them_in(listed, make_user, clock):
    lead = next(m.user for m in listed.memberships if m.role == Role.LEAD)
    kim = make_user(name="Kim Asker", email="kim@example.org")
    request = directory.ask_to_join(listed.id, kim, "I teach at a special school in Gateshead.")
    told = db.session.scalar(select(Notification).where(Notification.user_id == lead.id))
    assert "Kim Asker found North East SEND Music Network in the directory" in told.message
    assert "kim@example.org" not in told.message
    email = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to == lead.email))
    assert "kim@example.org" not in email.body
    with pytest.raises(DomainError, match="asked to join .* already"):
        directory.ask_to_join(listed.id, kim, "again")
    assert _requests() == 1
    directory.decide(listed, request.id, lead, accept=True, now=clock.now)
    assert service.find_membership(listed.id, kim).role == Role.MEMBER
    assert request.outcome == JoinOutcome.ACCEPTED
    with pytest.raises(DomainError, match="answered already"):
        directory.decide(listed, request.id, lead, accept=False, now=clock.now)
    with pytest.raises(DomainError, match="already a member"):
        directory.ask_to_join(listed.id, kim, "")


def test_a_declined_person_is_told_and_stays_out(listed, make_user, clock):
    lead = next(m.user for m in listed.memberships if m.role == Role.LEAD)
    kim = make_user(name="Kim", email="kim@example.org")
    request = directory.ask_to_join(listed.id, kim, "")
    directory.decide(listed, request.id, lead, accept=False, now=clock.now)
    assert service.find_membership(listed.id, kim) is None
    assert db.session.scalar(select(Notification.message).where(
        Notification.user_id == kim.id)).endswith("has declined your request to join.")


def test_unlisted_partnerships_refuse_requests_and_others_cannot_answer(hub, make_user,
                                                                         make_partnership,
                                                                         clock):
    kim = make_user(name="Kim", email="kim@example.org")
    with pytest.raises(NotFound):
        directory.ask_to_join(hub.id, kim, "")
    directory.set_listing(hub, True, "CPD")
    request = directory.ask_to_join(hub.id, kim, "")
    other = make_partnership(lead=make_user(email="o@example.org"), name="Other")
    with pytest.raises(NotFound):  # another partnership's request is not theirs to answer
        directory.decide(other, request.id, other.memberships[0].user, True, clock.now)
    assert request.outcome == JoinOutcome.PENDING


# --- pages --------------------------------------------------------------------------------


def test_the_directory_page_and_its_search_fragment(client, listed):
    page = client.get("/directory").get_data(as_text=True)
    assert "North East SEND Music Network" in page and "Termly CPD" in page
    assert "priya.lead@example.org" not in page and "Priya Lead" not in page
    fragment = client.get("/directory?q=orchestra", headers=HTMX).get_data(as_text=True)
    assert "<html" not in fragment and "0 partnerships match “orchestra”" in fragment
    fragment = client.get("/directory?q=tyne", headers=HTMX).get_data(as_text=True)
    assert "0 partnerships" in fragment  # member organisations' names are not searched


def test_asking_and_answering_through_the_pages(client, auth, listed, make_user):
    kim = make_user(name="Kim Asker", email="kim@example.org")
    auth.login(kim)
    entry = f"/directory/{listed.id}"
    assert "Ask to join" in client.get(entry).get_data(as_text=True)
    too_long = client.post(entry, data={"message": "x" * 1001})
    assert too_long.status_code == 422 and _requests() == 0
    asked = client.post(entry, data={"message": "Hello from Gateshead"},
                        follow_redirects=True)
    assert "Your request is with the leads" in asked.get_data(as_text=True)
    auth.logout()
    lead = next(m.user for m in listed.memberships if m.role == Role.LEAD)
    auth.login(lead)
    page = client.get(f"/p/{listed.id}/join-requests").get_data(as_text=True)
    assert "Kim Asker" in page and "Hello from Gateshead" in page
    assert "kim@example.org" not in page
    request_id = db.session.scalar(select(JoinRequest.id))
    client.post(f"/p/{listed.id}/join-requests/{request_id}/accept")
    assert service.find_membership(listed.id, kim) is not None


def test_only_leads_see_requests_and_set_the_listing(client, auth, listed, make_user,
                                                     add_member):
    member = make_user(name="Mo", email="mo@example.org")
    add_member(listed, member)
    auth.login(member)
    assert client.get(f"/p/{listed.id}/join-requests").status_code == 403
    assert client.post(f"/p/{listed.id}/listing", data={"listed": ""}).status_code == 403
    assert listed.listed is True


def test_a_lead_lists_the_partnership_and_bad_input_changes_nothing(client, auth, hub):
    lead = next(m.user for m in hub.memberships if m.role == Role.LEAD)
    auth.login(lead)
    refused = client.post(f"/p/{hub.id}/listing", data={"listed": "y", "offer": ""})
    assert refused.status_code == 422 and "Say what the partnership offers" in \
        refused.get_data(as_text=True)
    assert hub.listed is False
    client.post(f"/p/{hub.id}/listing", data={"listed": "y", "offer": "SEND CPD"})
    assert hub.listed is True and hub.offer == "SEND CPD"
