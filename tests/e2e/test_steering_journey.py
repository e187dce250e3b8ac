"""A lead schedules a steering meeting with an agenda item and a paper, records a decision
and gives a steering member an action from the meeting; the member sees it on the
partnership's overview and marks it done."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, htmx_idle, log_in
from tests.steering.conftest import PDF
from workspace.models.partnerships import Role

pytestmark = pytest.mark.browser


@pytest.fixture
def hub(make_user, make_partnership, add_member):
    lead = make_user(name="Priya Shah", email="priya@example.org", password=PASSWORD)
    hub = make_partnership(lead=lead, name="Riverside Music Hub")
    add_member(hub, make_user(name="Tom Okafor", email="tom@example.org", password=PASSWORD),
               Role.STEERING)
    return hub


def test_meeting_to_action_done(live_server, new_page, hub, shot, tmp_path, clock):
    lead = new_page()
    log_in(lead, live_server, "priya@example.org")
    lead.goto(f"{live_server}/p/{hub.id}/steering/")
    lead.get_by_role("button", name="Schedule a meeting").click()
    lead.get_by_label("Title").fill("Spring steering group")
    lead.get_by_label("Date").fill(clock.ahead(30).isoformat())
    lead.get_by_label("Starts at").fill("17:30")
    lead.get_by_label("Place").fill("Riverside Music Centre")
    lead.get_by_role("button", name="Schedule").click()
    expect(lead.get_by_text("Spring steering group is scheduled.")).to_be_visible()

    lead.get_by_text("Add an agenda item").click()
    lead.get_by_label("Item").fill("Audit findings: SEND")
    lead.get_by_role("button", name="Add to the agenda").click()
    expect(lead.locator("#agenda").get_by_text("Audit findings: SEND")).to_be_visible()
    htmx_idle(lead)

    paper = tmp_path / "budget.pdf"
    paper.write_bytes(PDF)
    lead.get_by_text("Attach a paper").click()
    lead.get_by_label("Title").fill("Budget 2030")
    lead.get_by_label("File").set_input_files(str(paper))
    lead.get_by_role("button", name="Attach").click()
    expect(lead.get_by_role("link", name="Budget 2030")).to_be_visible()
    htmx_idle(lead)

    lead.get_by_label("Decision").fill("Fund a SEND singing pilot in Riverside ward.")
    lead.get_by_role("button", name="Record the decision").click()
    expect(lead.locator("#decisions").get_by_text("Fund a SEND singing pilot")).to_be_visible()
    htmx_idle(lead)

    lead.get_by_text("Add an action").click()
    lead.get_by_label("What is to be done").fill("Write the pilot brief")
    lead.get_by_label("Owner").select_option(label="Tom Okafor (steering group member)")
    lead.get_by_label("Due on").fill(clock.ahead(51).isoformat())
    lead.get_by_role("button", name="Add the action").click()
    expect(lead.locator("#meeting-actions").get_by_role(
        "link", name="Write the pilot brief")).to_be_visible()
    htmx_idle(lead)
    shot(lead, "steering-meeting")

    tom = new_page(viewport={"width": 390, "height": 844})
    log_in(tom, live_server, "tom@example.org")
    tom.goto(f"{live_server}/p/{hub.id}/")
    panel = tom.locator("#your-actions")
    expect(panel.get_by_role("link", name="Write the pilot brief")).to_be_visible()
    shot(tom, "steering-overview-phone")
    panel.get_by_role("link", name="Write the pilot brief").click()
    tom.get_by_role("button", name="Mark done").click()
    expect(tom.get_by_role("heading", name="Status: Done")).to_be_visible()
    htmx_idle(tom)
    shot(tom, "steering-action-done")
    tom.goto(f"{live_server}/p/{hub.id}/")
    expect(tom.get_by_text("No open actions for you.")).to_be_visible()
