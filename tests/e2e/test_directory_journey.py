"""A lead lists the hub in the directory; a teacher from elsewhere finds it, asks to join
with a message; the lead accepts; the teacher is a member, and nobody saw an email address."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, log_in
from workspace.models.partnerships import Sector
from workspace.services.partnerships import membership

pytestmark = pytest.mark.browser


def test_a_teacher_finds_a_hub_and_joins_it(live_server, new_page, make_user, make_partnership,
                                           shot):
    priya = make_user(name="Priya Shah", email="priya@example.org", password=PASSWORD)
    hub = make_partnership(lead=priya, name="North East SEND Music Network")
    membership.add_organisation(hub, name="Northgate Primary", sector=Sector.SCHOOL,
                                school_phase="Primary")
    make_user(name="Kim Ahmed", email="kim@example.org", password=PASSWORD)

    lead = new_page()
    log_in(lead, live_server, "priya@example.org")
    lead.goto(f"{live_server}/p/{hub.id}/")
    lead.get_by_role("link", name="Directory listing").click()
    lead.get_by_label("List the partnership in the directory").check()
    lead.get_by_label("What the partnership offers people who join").fill(
        "Termly CPD for music teachers in special schools across the region.")
    lead.get_by_role("button", name="Save listing").click()
    expect(lead.get_by_text("The partnership is in the directory.")).to_be_visible()

    teacher = new_page(viewport={"width": 375, "height": 800})
    log_in(teacher, live_server, "kim@example.org")
    teacher.get_by_role("link", name="Directory").click()
    teacher.wait_for_load_state("load")  # htmx binds the search box on load
    teacher.get_by_label("Search by name, place, lead organisation or offer").fill("special")
    # (up to 30 s: on a busy machine the search answers late)
    expect(teacher.get_by_text("1 partnership matches “special”.")).to_be_visible(timeout=30_000)
    teacher.get_by_role("link", name="North East SEND Music Network").click()
    expect(teacher.get_by_text("Member organisations: School")).to_be_visible()
    teacher.get_by_label("A message to its leads (optional)").fill(
        "I teach music at a special school in Gateshead.")
    teacher.get_by_role("button", name="Ask to join North East SEND Music Network").click()
    expect(teacher.get_by_text("Your request is with the leads")).to_be_visible()
    shot(teacher, "directory-asked-phone")

    lead.goto(f"{live_server}/p/{hub.id}/join-requests")
    request = lead.locator("li", has_text="Kim Ahmed")
    expect(request).to_contain_text("I teach music at a special school in Gateshead.")
    expect(lead.locator("main")).not_to_contain_text("kim@example.org")
    shot(lead, "join-requests")
    request.get_by_role("button", name="Accept Kim Ahmed").click()
    expect(lead.get_by_text("Kim Ahmed is now a member.")).to_be_visible()

    teacher.goto(f"{live_server}/p/{hub.id}/")
    expect(teacher.get_by_role("heading", name="North East SEND Music Network")).to_be_visible()
