"""A lead opens an audit and shares the needs form; two schools answer without accounts; the
lead adds provision; the heatmap shows the SEND gap in one ward; the lead turns the cell into
an action for a steering member, who sees it on the partnership's overview."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, htmx_idle, log_in
from workspace.models.partnerships import Role

pytestmark = pytest.mark.browser


@pytest.fixture
def hub(make_user, make_partnership, add_member):
    lead = make_user(name="Priya Shah", email="priya@example.org", password=PASSWORD)
    hub = make_partnership(lead=lead, name="Riverside Music Hub")
    add_member(hub, make_user(name="Sam Steer", email="sam@example.org", password=PASSWORD),
               Role.STEERING)
    return hub


def answer(page, url, name, school, group, ward, children):
    page.goto(url)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("School or organisation").fill(school)
    page.get_by_label("Target group").select_option(label=group)
    page.get_by_label("Priority").select_option(label="High")
    page.get_by_label("Age phase").select_option(label="KS2")
    page.get_by_label("Art form").select_option(label="Music (general)")
    page.get_by_label("Ward").fill(ward)
    page.get_by_label("How many children and young people (if known)").fill(children)
    page.get_by_label("What is needed").fill("Adapted instruments and a trained tutor")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thank you — your answer is in")).to_be_visible()


def test_from_needs_form_to_action(app, live_server, new_page, hub, shot, clock):
    lead = new_page()
    log_in(lead, live_server, "priya@example.org")
    lead.goto(f"{live_server}/p/{hub.id}/audits/")
    lead.get_by_label("Title").fill("Music and SEND 2026-27")
    lead.get_by_label("Period starts").fill(clock.ahead(-60).isoformat())
    lead.get_by_label("Period ends").fill(clock.ahead(240).isoformat())
    lead.get_by_role("button", name="Create audit").click()
    expect(lead.get_by_text("is ready")).to_be_visible()
    lead.get_by_role("button", name="Start collecting needs").click()
    expect(lead.get_by_text("The audit is now collecting.")).to_be_visible()
    share_url = lead.get_by_label("Link to the needs form").input_value()
    assert "/needs/" in share_url
    shot(lead, "audit-overview")

    school = new_page(viewport={"width": 390, "height": 844})  # no account, no log-in
    answer(school, share_url, "Ann Head", "Northgate Primary", "SEND", "Northgate", "12")
    shot(school, "audit-needs-thanks-phone")
    other = new_page()
    answer(other, share_url, "Ben Senco", "Oakfield School", "SEND", "northgate ", "8")
    answer(other, share_url, "Ben Senco", "Oakfield School", "EAL", "Riverside", "30")

    lead.get_by_role("button", name="Add provision").click()
    lead.get_by_label("Provider", exact=True).fill("Riverside Music Service")
    lead.get_by_label("Activity").fill("Whole-class ukulele")
    lead.get_by_label("Art form").select_option(label="Music (general)")
    lead.get_by_label("Age phase").select_option(label="KS2")
    lead.get_by_label("EAL").check()
    lead.get_by_label("Ward").fill("Riverside")
    lead.get_by_label("Children and young people reached").fill("60")
    lead.get_by_role("button", name="Add provision").click()
    expect(lead.get_by_text("The provision is added.")).to_be_visible()

    lead.get_by_role("link", name="Gap view").click()
    send_cell = lead.locator('td.cell[data-row="Northgate"][data-col="SEND"]')
    expect(send_cell).to_have_class("cell state-unmet heat-3")
    expect(send_cell).to_contain_text("Unmet need")
    expect(send_cell).to_contain_text("Needs 2 (2 high)")
    expect(lead.locator('td.cell[data-row="Riverside"][data-col="EAL"]')).to_contain_text("Met")
    shot(lead, "audit-heatmap")
    send_cell.get_by_role("link").click()
    htmx_idle(lead)
    detail = lead.locator("#cell-detail")
    # SEND: the schools are not named, and only the cell's total (12 + 8, with the cell key
    # noise of up to 2 either way) is shown.
    expect(detail).to_contain_text("A school or setting in Northgate")
    expect(detail).not_to_contain_text("Oakfield School")
    expect(detail).to_contain_text(re.compile(r"children in the needs (18|19|20|21|22);"))
    assert not re.search(r"\b(12|8)\b", detail.inner_text())
    expect(detail).to_contain_text("Children are counted only in the totals")
    shot(lead, "audit-drill-down")

    lead.get_by_role("link", name="Needs", exact=True).click()
    expect(lead.get_by_text("Children are counted only in the totals")).to_be_visible()
    lead.get_by_role("row").filter(has_text="A school or setting in Northgate").first \
        .get_by_role("link", name="Edit").click()
    field = lead.get_by_label("How many children and young people (if known)")
    expect(field).to_have_value("")
    expect(lead.get_by_text("A figure was entered; leave blank to keep it")).to_be_visible()
    shot(lead, "audit-need-edit-hidden-figure")
    lead.get_by_role("button", name="Save need").click()
    expect(lead.get_by_text("The need is saved.")).to_be_visible()
    lead.get_by_role("link", name="Gap view").click()
    expect(send_cell).to_contain_text(re.compile(r"children (18|19|20|21|22)\b"))  # kept
    send_cell.get_by_role("link").click()
    htmx_idle(lead)

    if "steering.new_action" not in app.view_functions:
        pytest.skip("the steering area's action form (steering.new_action) is not built yet")
    detail.get_by_role("button", name="Turn into an action").click()
    lead.get_by_label("What is to be done").fill("Pilot: SEND music in Northgate")
    lead.get_by_label("Owner").select_option(label="Sam Steer (steering group member)")
    lead.get_by_label("This is a pilot project").check()
    lead.get_by_role("button", name="Record the action").click()
    expect(lead.get_by_role("heading", name="Pilot: SEND music in Northgate")).to_be_visible()

    steer = new_page()
    log_in(steer, live_server, "sam@example.org")
    steer.goto(f"{live_server}/p/{hub.id}/")
    expect(steer.get_by_text("Pilot: SEND music in Northgate").first).to_be_visible()
    shot(steer, "audit-action-on-overview")
