"""A person deletes their account: their messages stay as "Former member", their records go,
the waiting list moves up into their places, their sessions end, and a scan of every table
finds their name and email nowhere. The only lead of a partnership with others in it is
refused (and nothing changes); so is a wrong password."""

from datetime import time, timedelta

import pytest
from sqlalchemy import String, Text, select

from tests.conftest import PASSWORD
from workspace.extensions import db
from workspace.models import Booking, Enrolment, Membership, Message, User
from workspace.models.cpd import BookingStatus
from workspace.models.partnerships import Role
from workspace.services.accounts import deletion
from workspace.services.catalogue import items as catalogue
from workspace.services.chat import messages as chat
from workspace.services.cpd import sessions
from workspace.services.progress import tracking

NAME, EMAIL = "Zebedee Quux", "zebedee.quux@example.org"


@pytest.fixture
def zebedee(app, clock, make_user, make_partnership, add_member):
    lead = make_user(name="Lena Lead")
    partnership = make_partnership(lead=lead)
    person = make_user(name=NAME, email=EMAIL)
    add_member(partnership, person, Role.STEERING)
    waiting = make_user(name="Wanda Waiting")
    add_member(partnership, waiting)
    network = sessions.create_network(partnership, name="Primary music", coordinator=person)
    future = sessions.schedule_session(partnership, network, sessions.SessionFields(
        title="Singing day", day=clock.ahead(10), start=time(9), end=time(12), capacity=1))
    sessions.sign_up(future, person, clock.now)
    assert sessions.sign_up(future, waiting, clock.now).status is BookingStatus.WAITING
    chat.ensure_channels(partnership)
    chat.post_message(chat.general_channel(partnership), person,
                      "Thank you all for the singing day plans.")
    chat.post_message(chat.general_channel(partnership), lead, f"Welcome @{NAME}!")
    item = catalogue.create_item(None, "CME", title="Certificate for Music Educators",
                                 level=4, is_qualification=True)
    tracking.update_profile(person, job_role=None, organisation="Riverside Primary",
                            share_with_leads=True, share_with_organisation=False)
    tracking.add_held(person, item, year=2020)
    tracking.enrol(person, item, clock.today)
    return {"partnership": partnership, "person": person, "waiting": waiting,
            "future": future, "lead": lead}


def text_columns():
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, (String, Text)):
                yield table, column


def find_everywhere(*needles: str) -> list[str]:
    found = []
    for table, column in text_columns():
        for value in db.session.execute(select(column).where(column.is_not(None))).scalars():
            if any(n.lower() in str(value).lower() for n in needles):
                found.append(f"{table.name}.{column.name}: {value!r}")
    return found


def test_deleting_an_account_leaves_the_name_and_email_nowhere(client, auth, zebedee):
    person = zebedee["person"]
    assert find_everywhere(NAME, EMAIL)  # the scan does find them before
    auth.login(person)
    other_browser = client.application.test_client()
    other_browser.post("/login", data={"email": EMAIL, "password": PASSWORD})
    response = client.post("/account/delete", data={"password": PASSWORD})
    assert response.status_code == 302

    leftovers = find_everywhere(NAME, EMAIL)
    print(f"account deletion: name and email found in {len(leftovers)} places afterwards")
    assert leftovers == []
    # Their messages stay, by "Former member"; their records go.
    posted = db.session.scalars(select(Message).where(Message.author_id == person.id)).all()
    assert [m.body for m in posted] == ["Thank you all for the singing day plans."]
    assert db.session.get(User, person.id).name == "Former member"
    assert db.session.scalars(select(Membership).where(
        Membership.user_id == person.id)).all() == []
    assert db.session.scalars(select(Enrolment).where(Enrolment.user_id == person.id)).all() \
        == []
    # The waiting list moved up into the place they gave up.
    place = db.session.scalar(select(Booking).where(
        Booking.session_id == zebedee["future"].id, Booking.user_id == zebedee["waiting"].id))
    assert place.status is BookingStatus.BOOKED
    # Every session of theirs ended; the address and password open nothing.
    for browser in (client, other_browser):
        assert browser.get("/account").status_code == 302
    assert client.post("/login", data={"email": EMAIL, "password": PASSWORD}) \
        .status_code == 422
    page = zebedee_lead_sees_chat(client, zebedee)
    assert "Former member" in page and NAME not in page


def zebedee_lead_sees_chat(client, zebedee) -> str:
    client.post("/login", data={"email": zebedee["lead"].email, "password": PASSWORD})
    channel = chat.general_channel(zebedee["partnership"])
    return client.get(f"/p/{zebedee['partnership'].id}/chat/channels/{channel.id}").get_data(
        as_text=True)


def test_a_wrong_password_or_being_the_only_lead_changes_nothing(client, auth, zebedee,
                                                                  make_user, make_partnership,
                                                                  add_member):
    person = zebedee["person"]
    own = make_partnership(lead=person, name="Quux Arts Partnership")
    add_member(own, make_user())
    auth.login(person)
    before = find_everywhere(NAME, EMAIL)
    wrong = client.post("/account/delete", data={"password": "not my password"})
    assert wrong.status_code == 422 and "That is not your password." in wrong.get_data(
        as_text=True)
    sole = client.post("/account/delete", data={"password": PASSWORD})
    assert sole.status_code == 422
    assert "You are the only lead of Quux Arts Partnership" in sole.get_data(as_text=True)
    assert find_everywhere(NAME, EMAIL) == before
    assert client.get("/account").status_code == 200  # still signed in


def test_deleting_asks_for_the_password_again_in_a_remembered_session(app, zebedee):
    browser = app.test_client()
    browser.post("/login", data={"email": EMAIL, "password": PASSWORD, "remember": "y"})
    restarted = app.test_client()
    restarted.set_cookie("remember_token", browser.get_cookie("remember_token").value)
    response = restarted.post("/account/delete", data={"password": PASSWORD})
    assert response.status_code == 302 and "/account/confirm" in response.location
    assert db.session.get(User, zebedee["person"].id).name == NAME


def test_deleted_accounts_are_marked(zebedee, clock):
    deletion.delete_account(zebedee["person"], PASSWORD, clock.now)
    assert deletion.is_deleted(zebedee["person"])
    assert not deletion.is_deleted(zebedee["lead"])


def test_the_dates_of_the_fixture_lie_ahead(zebedee, clock):
    assert zebedee["future"].starts_at > clock.now + timedelta(days=1)
