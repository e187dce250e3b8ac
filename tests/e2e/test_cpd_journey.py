"""A lead schedules a session for two; three teachers sign up; the third waits, moves up when
one cancels and is told; the lead takes the register; the attendee's CPD hours go up; the
session's calendar file parses."""

from datetime import time

import pytest
import time_machine
from icalendar import Calendar
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, htmx_idle, log_in
from workspace.clock import local_to_utc
from workspace.models.partnerships import Role
from workspace.services.catalogue.seed import load_catalogue_seed
from workspace.services.cpd import sessions

pytestmark = pytest.mark.browser


@pytest.fixture
def hub_with_teachers(make_user, make_partnership, add_member):
    load_catalogue_seed()
    lead = make_user(name="Priya Shah", email="priya@example.org", password=PASSWORD)
    hub = make_partnership(lead=lead, name="Riverside Music Hub")
    network = sessions.create_network(hub, name="Primary music teachers", coordinator=lead)
    for name in ("Ann", "Ben", "Cat"):
        add_member(hub, make_user(name=f"{name} Teacher", email=f"{name.lower()}@example.org",
                                  password=PASSWORD), Role.MEMBER)
    return hub, network


def test_waiting_list_attendance_and_calendar(live_server, new_page, hub_with_teachers, shot,
                                              clock):
    hub, network = hub_with_teachers
    lead = new_page()
    log_in(lead, live_server, "priya@example.org")
    lead.goto(f"{live_server}/p/{hub.id}/cpd/networks/{network.id}")
    lead.get_by_role("button", name="Schedule sessions").click()
    lead.get_by_label("Title").fill("Singing in the primary classroom")
    lead.get_by_label("Date", exact=True).fill(clock.ahead(2).isoformat())
    lead.get_by_label("Starts").fill("09:30")
    lead.get_by_label("Ends").fill("15:30")
    lead.get_by_label("Venue").fill("Riverside Music Centre")
    lead.get_by_label("Places").fill("2")
    lead.get_by_label("Learning hours").fill("5.5")
    # The unit is picked by part of its title; Trinity's and ABRSM's CME share the title.
    lead.get_by_label("Catalogue units", exact=True).press_sequentially("planning, facil")
    lead.locator(".picker-option", has_text="Planning, facilitating and evaluating").filter(
        has_text="Trinity CME").click()
    expect(lead.locator(".picker-chip")).to_contain_text("Planning, facilitating and evaluating")
    lead.get_by_role("button", name="Schedule").click()
    expect(lead.get_by_text("Singing in the primary classroom is scheduled.")).to_be_visible()
    lead.get_by_role("link", name="Singing in the primary classroom").click()
    session_url = lead.url

    teachers = {}
    for name in ("ann", "ben", "cat"):
        page = new_page(viewport={"width": 390, "height": 844})
        log_in(page, live_server, f"{name}@example.org")
        page.goto(session_url)
        teachers[name] = page
    for name in ("ann", "ben"):
        teachers[name].get_by_role("button", name="Sign up").click()
        expect(teachers[name].get_by_text("You have a place.")).to_be_visible()
        # The result is read out (a live region around the card), and focus, which was on the
        # button the answer replaced, moves to the new card rather than the top of the page.
        expect(teachers[name].locator('[aria-live="polite"] > #signup')).to_contain_text(
            "You have a place.")
        expect(teachers[name].locator("#signup")).to_be_focused()
    cat = teachers["cat"]
    cat.reload()
    expect(cat.get_by_text("Full")).to_be_visible()
    cat.get_by_role("button", name="Join the waiting list").click()
    expect(cat.get_by_text("You are number 1 on the waiting list.")).to_be_visible()
    shot(cat, "cpd-waiting-phone")

    ben = teachers["ben"]
    ben.once("dialog", lambda dialog: dialog.accept())
    ben.get_by_role("button", name="Give up my place").click()
    # Cat moved straight into the place, so the session is full again for Ben.
    expect(ben.get_by_role("button", name="Join the waiting list")).to_be_visible()
    htmx_idle(ben)

    cat.goto(f"{live_server}/notifications")
    expect(cat.get_by_text("A place came free on Singing in the primary classroom")).to_be_visible()
    cat.goto(session_url)
    expect(cat.get_by_text("You have a place.")).to_be_visible()

    # The register opens once the session has started: the server's clock moves on to the
    # session day (the live server runs in this process, so the travel reaches it).
    started = local_to_utc(clock.ahead(2), time(10))
    with time_machine.travel(started, tick=True):
        lead.goto(session_url)
        lead.get_by_role("button", name="Take the register").click()
        lead.get_by_role("button", name="Attended: Cat Teacher").click()
        expect(lead.locator("li", has_text="Cat Teacher")).to_contain_text("Attended")
        lead.get_by_role("button", name="No-show: Ann Teacher").click()
        expect(lead.locator("li", has_text="Ann Teacher")).to_contain_text("No-show")
        shot(lead, "cpd-register")

        cat.goto(f"{live_server}/cpd/mine")
        expect(cat.locator("#cpd-hours")).to_have_text("5.5")
        ann = teachers["ann"]
        ann.goto(f"{live_server}/cpd/mine")
        expect(ann.locator("#cpd-hours")).to_have_text("0")
        shot(cat, "cpd-mine-phone")

    response = cat.request.get(session_url + ".ics")
    assert response.ok and response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.body())
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Singing in the primary classroom"
    assert event.decoded("DTSTART").hour == 9 and str(event["DTSTART"].params["TZID"]) == \
        "Europe/London"
