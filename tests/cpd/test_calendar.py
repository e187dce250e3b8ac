"""Calendars: session downloads and private feeds, parsed back with the icalendar library."""

import re
from datetime import UTC, date, datetime, time, timedelta

from icalendar import Calendar
from sqlalchemy import select

from tests.conftest import HTMX
from tests.cpd.conftest import NOW, session_fields
from workspace.extensions import db
from workspace.models import Membership
from workspace.services.cpd import ical, sessions
from workspace.services.partnerships import membership as partnership_service

BASE = "http://127.0.0.1:5000"  # the default BASE_URL
BEFORE = NOW - timedelta(days=1)  # when people sign up, before the sessions


def parse(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def events(calendar: Calendar) -> dict[str, object]:
    """The calendar's events by summary."""
    return {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


def ics_url(cpd_session) -> str:
    return f"/p/{cpd_session.partnership_id}/cpd/sessions/{cpd_session.id}.ics"


def feed_path(user) -> str:
    return f"/calendar/{ical.feed_for(user).token}.ics"


# --- one session as a download --------------------------------------------------------------


def test_a_session_downloads_as_a_valid_icalendar_event(client, auth, make_session, teacher):
    cpd_session = make_session(focus="Warm-ups and part-singing", facilitator="Ana Voice")
    auth.login(teacher("Tess"))
    response = client.get(ics_url(cpd_session))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    calendar = parse(response.data)
    assert calendar["VERSION"] == "2.0" and calendar["METHOD"] == "PUBLISH"
    assert calendar["CALSCALE"] == "GREGORIAN" and calendar["PRODID"]
    assert calendar["X-WR-CALNAME"] == cpd_session.title
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\nX-PUBLISHED-TTL:PT1H\r\n" in response.data
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    [event] = calendar.walk("VEVENT")
    assert event["UID"] == f"cpd-session-{cpd_session.id}@127.0.0.1"
    assert event["SUMMARY"] == cpd_session.title
    assert event["LOCATION"] == "Riverside Music Centre"
    assert event["STATUS"] == "CONFIRMED" and event["SEQUENCE"] == 0
    assert event["URL"] == f"{BASE}/p/{cpd_session.partnership_id}/cpd/sessions/{cpd_session.id}"
    assert "Warm-ups and part-singing" in event["DESCRIPTION"]
    assert "Facilitator: Ana Voice" in event["DESCRIPTION"]
    assert event["URL"] in event["DESCRIPTION"]
    assert event.DTSTAMP and event.last_modified
    assert event.start == datetime(2026, 12, 10, 9, 30, tzinfo=UTC)


def test_an_online_session_links_to_the_meeting(make_session):
    cpd_session = make_session(venue="", online_url="https://meet.example.org/singing")
    event = ical.session_event(cpd_session, BASE, now=NOW)
    assert event["LOCATION"] == "Online"
    assert event["URL"] == "https://meet.example.org/singing"
    assert "Join online: https://meet.example.org/singing" in event["DESCRIPTION"]
    assert f"Session page: {BASE}/p/" in event["DESCRIPTION"]


def test_local_times_carry_the_zone_in_summer_and_in_winter(make_session):
    summer = make_session(title="Summer", day=date(2026, 7, 1))
    winter = make_session(title="Winter", day=date(2027, 1, 14))
    data = ical.calendar_for([summer, winter], "Both", BASE, now=NOW).to_ical()
    assert b"DTSTART;TZID=Europe/London:20260701T093000\r\n" in data
    assert b"DTEND;TZID=Europe/London:20260701T153000\r\n" in data
    assert b"DTSTART;TZID=Europe/London:20270114T093000\r\n" in data
    found = events(parse(data))
    assert found["Summer"].start == datetime(2026, 7, 1, 8, 30, tzinfo=UTC)  # BST
    assert found["Winter"].start == datetime(2027, 1, 14, 9, 30, tzinfo=UTC)  # GMT
    assert found["Summer"]["DTSTART"].params["TZID"] == "Europe/London"
    [zone] = parse(data).walk("VTIMEZONE")
    offsets = {(c.name, c["TZOFFSETTO"].to_ical()) for c in zone.subcomponents}
    assert offsets == {("DAYLIGHT", "+0100"), ("STANDARD", "+0000")}


def test_lines_end_in_crlf_and_fold_at_75_octets(make_session):
    cpd_session = make_session(title="Canu yn yr ystafell ddosbarth – " * 6,
                               focus="Gwaith lleisiol, côr ac ensemble; “rounds” " * 20)
    data = ical.calendar_for([cpd_session], "Folding", BASE, now=NOW).to_ical()
    assert data.endswith(b"\r\n")
    lines = data[:-2].split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # long values were folded
    assert str(parse(data).walk("VEVENT")[0]["SUMMARY"]) == cpd_session.title.strip()


def test_an_update_keeps_the_uid_and_raises_the_sequence(hub, make_session):
    cpd_session = make_session()
    before = ical.session_event(cpd_session, BASE, now=NOW)
    sessions.update_session(hub, cpd_session, session_fields(start=time(10), venue="Town hall"),
                            NOW)
    after = parse(ical.calendar_for([cpd_session], "x", BASE, now=NOW).to_ical())
    [event] = after.walk("VEVENT")
    assert event["UID"] == before["UID"]
    assert event["SEQUENCE"] > before["SEQUENCE"]
    assert event["LOCATION"] == "Town hall"
    assert event.start == datetime(2026, 12, 10, 10, 0, tzinfo=UTC)


def test_a_cancelled_session_says_so(make_session):
    cpd_session = make_session()
    sessions.cancel_session(cpd_session)
    event = ical.session_event(cpd_session, BASE, now=NOW)
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 1
    assert event["SUMMARY"] == f"Cancelled: {cpd_session.title}"


def test_the_download_shows_a_waiting_place_as_tentative(client, auth, make_session,
                                                         teacher):
    cpd_session = make_session(capacity=1)
    sessions.sign_up(cpd_session, teacher("First"), BEFORE)
    waiting = teacher("Second")
    sessions.sign_up(cpd_session, waiting, BEFORE)
    auth.login(waiting)
    [event] = parse(client.get(ics_url(cpd_session)).data).walk("VEVENT")
    assert event["STATUS"] == "TENTATIVE"
    assert event["SUMMARY"] == f"Waiting list: {cpd_session.title}"


def test_only_members_download_a_session(client, auth, make_session, make_user,
                                         make_partnership):
    cpd_session = make_session()
    assert client.get(ics_url(cpd_session)).status_code == 302  # to the sign-in page
    outsider = make_user(name="Outsider")
    make_partnership(lead=outsider, name="Another hub")
    auth.login(outsider)
    assert client.get(ics_url(cpd_session)).status_code == 404


def test_a_session_is_not_found_through_another_partnership(
        client, auth, make_session, lead, make_partnership):
    other = make_partnership(lead=lead, name="Another hub")  # the lead belongs to both
    cpd_session = make_session()
    auth.login(lead)
    assert client.get(ics_url(cpd_session)).status_code == 200
    assert client.get(f"/p/{other.id}/cpd/sessions/{cpd_session.id}.ics").status_code == 404


# --- the private feed ---------------------------------------------------------------------


def test_the_feed_holds_the_persons_sessions_only(client, hub, network, make_session,
                                                  teacher, make_partnership):
    me, other = teacher("Me"), teacher("Other")
    booked = make_session(title="Booked")
    full = make_session(title="Full", capacity=1)
    sessions.sign_up(full, other, BEFORE)
    withdrawn = make_session(title="Withdrawn")
    theirs_only = make_session(title="Someone else's")
    for cpd_session in (booked, full, withdrawn):
        sessions.sign_up(cpd_session, me, BEFORE)
    sessions.sign_up(theirs_only, other, BEFORE)
    sessions.cancel_booking(withdrawn, me, BEFORE)
    elsewhere = make_partnership(name="Another hub")
    away = sessions.schedule_session(elsewhere, sessions.create_network(elsewhere, name="Away"),
                                session_fields(title="Another partnership's"))

    response = client.get(feed_path(me))  # no sign-in: the token is the key
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response.headers["Cache-Control"]
    found = events(parse(response.data))
    assert set(found) == {"Booked", "Waiting list: Full"}
    assert found["Booked"]["STATUS"] == "CONFIRMED"
    assert found["Waiting list: Full"]["STATUS"] == "TENTATIVE"
    assert away.id not in {s.id for s in ical.feed_sessions(me, NOW)}
    assert [s.title for s in ical.feed_sessions(other, NOW)] == [
        "Full", "Someone else's"]


def test_changes_and_cancellations_reach_the_feed(client, hub, make_session, teacher):
    me, first = teacher("Me"), teacher("First")
    moved = make_session(title="Moved")
    dropped = make_session(title="Dropped")
    full = make_session(title="Full", capacity=1)
    for cpd_session in (moved, dropped):
        sessions.sign_up(cpd_session, me, BEFORE)
    sessions.sign_up(full, first, BEFORE)
    sessions.sign_up(full, me, BEFORE)
    path = feed_path(me)
    before = events(parse(client.get(path).data))

    sessions.update_session(hub, moved, session_fields(title="Moved", day=date(2026, 12, 17)), NOW)
    sessions.cancel_session(dropped)
    sessions.cancel_booking(full, first, NOW)  # Me moves up from the waiting list
    after = events(parse(client.get(path).data))
    assert after["Moved"]["UID"] == before["Moved"]["UID"]
    assert after["Moved"]["SEQUENCE"] == before["Moved"]["SEQUENCE"] + 1
    assert after["Moved"].start.date() == date(2026, 12, 17)
    assert after["Cancelled: Dropped"]["UID"] == before["Dropped"]["UID"]
    assert after["Cancelled: Dropped"]["STATUS"] == "CANCELLED"
    assert after["Full"]["STATUS"] == "CONFIRMED"
    assert after["Full"]["UID"] == before["Waiting list: Full"]["UID"]


def test_the_feed_keeps_90_days_of_past_sessions(make_session, teacher):
    me = teacher("Me")
    long_ago = make_session(title="Long ago", day=date(2026, 8, 1))
    recent = make_session(title="Recent", day=date(2026, 10, 1))
    coming = make_session(title="Coming")
    for cpd_session in (long_ago, recent, coming):
        sessions.sign_up(cpd_session, me, datetime(2026, 7, 1, tzinfo=UTC))
    assert [s.title for s in ical.feed_sessions(me, NOW)] == ["Recent", "Coming"]


def test_leaving_the_partnership_empties_the_feed(client, hub, make_session, teacher):
    me = teacher("Me")
    sessions.sign_up(make_session(), me, BEFORE)
    membership = db.session.scalar(select(Membership).where(
        Membership.partnership_id == hub.id, Membership.user_id == me.id))
    partnership_service.leave_partnership(hub, membership)
    calendar = parse(client.get(feed_path(me)).data)
    assert calendar.walk("VEVENT") == []
    assert calendar.walk("VTIMEZONE")  # still a valid calendar: at least one component


def test_an_unknown_token_is_not_found(client):
    assert client.get("/calendar/a-token-nobody-was-given.ics").status_code == 404


def test_a_new_address_retires_the_old_one(client, auth, teacher, make_session):
    me = teacher("Me")
    sessions.sign_up(make_session(), me, BEFORE)
    old = feed_path(me)
    auth.login(me)
    response = client.post("/cpd/calendar-feed/reset")
    assert response.status_code == 302 and response.headers["Location"] == "/cpd/mine"
    new = feed_path(me)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert ical.feed_for(me).token == new.removeprefix("/calendar/").removesuffix(".ics")


def test_a_new_address_by_htmx_answers_with_the_fragment(client, auth, teacher):
    me = teacher("Me")
    old = feed_path(me)
    auth.login(me)
    response = client.post("/cpd/calendar-feed/reset", headers=HTMX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith("<section id=\"calendar-feed\">")
    assert f"{BASE}{feed_path(me)}" in html and old not in html
    assert "old one no longer works" in html  # the flash, out of band


def test_resetting_needs_a_sign_in_and_a_post(client):
    response = client.post("/cpd/calendar-feed/reset")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/cpd/calendar-feed/reset").status_code == 405


def test_my_cpd_page_shows_the_private_address(client, auth, teacher):
    me = teacher("Me")
    auth.login(me)
    html = client.get("/cpd/mine").get_data(as_text=True)
    token = ical.feed_for(me).token
    assert re.search(rf'value="{BASE}/calendar/{token}\.ics" readonly', html)
    assert f"webcal://127.0.0.1:5000/calendar/{token}.ics" in html
    assert "Make a new address" in html and "/cpd/calendar-feed/reset" in html
    assert client.get("/cpd/mine", headers=HTMX).status_code == 200


def test_the_feed_is_made_once_per_person(teacher):
    me = teacher("Me")
    assert ical.feed_for(me).id == ical.feed_for(me).id
    token = ical.feed_for(me).token
    assert ical.user_by_token(token) == me
    assert ical.reset_feed(me).token != token


def test_suspension_closes_the_feed_and_stops_reminders(client, hub, make_session, teacher):
    """A suspended account's feed answers 404; a suspended partnership's sessions leave the
    feed and get no reminders (a suspension reaches what runs without a signed-in page)."""
    me = teacher("Ann")
    booked = make_session()
    sessions.sign_up(booked, me, NOW)
    assert client.get(feed_path(me)).status_code == 200
    assert sessions.due_reminders(booked.starts_at - timedelta(hours=24), timedelta(hours=48))
    hub.suspended_at = NOW
    db.session.commit()
    assert "BEGIN:VEVENT" not in client.get(feed_path(me)).get_data(as_text=True)
    assert sessions.due_reminders(booked.starts_at - timedelta(hours=24),
                                  timedelta(hours=48)) == []
    hub.suspended_at, me.suspended_at = None, NOW
    db.session.commit()
    assert client.get(feed_path(me)).status_code == 404
    assert sessions.due_reminders(booked.starts_at - timedelta(hours=24),
                                  timedelta(hours=48)) == []
