"""Pickers, not IDs: a lead schedules a CPD session and picks two CME units by typing part of
their titles (and takes back a third); a practitioner on a phone enrols on the CME by typing
"music educ" and picking it. Without JavaScript the same forms work by Search and ticking."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, htmx_idle, log_in
from workspace.models.partnerships import Role
from workspace.services.catalogue.seed import load_catalogue_seed
from workspace.services.cpd import sessions

pytestmark = pytest.mark.browser

PLANNING = "Planning, facilitating and evaluating children and young people's musical learning"
SAFEGUARDING = "Safeguarding children and young people in music education"
EQUALITY = "Equality, diversity and inclusion in music education"
TRINITY_CME = "Trinity Level 4 Certificate for Music Educators (Trinity CME)"


@pytest.fixture
def hub(make_user, make_partnership, add_member):
    load_catalogue_seed()
    lead = make_user(name="Priya Shah", email="priya@example.org", password=PASSWORD)
    hub = make_partnership(lead=lead, name="Riverside Music Hub")
    network = sessions.create_network(hub, name="Instrumental tutors", coordinator=lead)
    add_member(hub, make_user(name="Ann Tutor", email="ann@example.org", password=PASSWORD),
               Role.MEMBER)
    return hub, network


def _type_and_pick(page, label: str, typed: str, title: str, has_text: str = "") -> None:
    """Type part of a title into a picker, wait for the matches, and click the one wanted."""
    page.get_by_label(label, exact=True).press_sequentially(typed, delay=20)
    option = page.locator(".picker-option", has_text=title)
    if has_text:
        option = option.filter(has_text=has_text)
    expect(option).to_have_count(1)
    option.click()


def test_lead_picks_two_units_and_a_practitioner_picks_the_cme(live_server, new_page, hub,
                                                                shot, clock):
    hub, network = hub
    lead = new_page()
    log_in(lead, live_server, "priya@example.org")
    lead.goto(f"{live_server}/p/{hub.id}/cpd/networks/{network.id}/sessions/new")
    lead.get_by_label("Title").fill("Planning and safeguarding in group tuition")
    lead.get_by_label("Date", exact=True).fill(clock.ahead(21).isoformat())
    lead.get_by_label("Starts").fill("16:00")
    lead.get_by_label("Ends").fill("18:00")
    lead.get_by_label("Places").fill("20")
    lead.get_by_label("Learning hours").fill("2")
    expect(lead.get_by_role("button", name="Search")).to_be_hidden()  # live matches instead

    # The same unit title exists in Trinity's and ABRSM's CME: the detail line tells them apart.
    _type_and_pick(lead, "Catalogue units", "planning, facil", PLANNING, "Trinity CME")
    chips = lead.locator(".picker-chip")
    expect(chips).to_have_count(1)
    expect(lead.get_by_label("Catalogue units", exact=True)).to_have_value("")
    _type_and_pick(lead, "Catalogue units", "safeguarding children", SAFEGUARDING)
    _type_and_pick(lead, "Catalogue units", "equality, div", EQUALITY)
    expect(chips).to_have_count(3)
    shot(lead, "picker-session-units")
    lead.get_by_role("button", name=f"Remove {EQUALITY}").click()
    expect(chips).to_have_count(2)
    expect(chips.nth(0)).to_contain_text(PLANNING)
    expect(chips.nth(1)).to_contain_text(SAFEGUARDING)
    # A unit picked already is not offered again.
    lead.get_by_label("Catalogue units", exact=True).press_sequentially("safeguarding chil")
    htmx_idle(lead)
    expect(lead.locator(".picker-option", has_text=SAFEGUARDING)).to_have_count(0)
    lead.get_by_label("Catalogue units", exact=True).fill("")
    # Enter in another field sends the form as Schedule would, and takes no chip away.
    lead.get_by_label("Learning hours").press("Enter")
    expect(lead.get_by_text("Planning and safeguarding in group tuition is scheduled.")) \
        .to_be_visible()
    lead.get_by_role("link", name="Planning and safeguarding in group tuition").click()
    expect(lead.get_by_role("link", name=PLANNING)).to_be_visible()
    expect(lead.get_by_role("link", name=SAFEGUARDING)).to_be_visible()
    expect(lead.get_by_role("link", name=EQUALITY)).to_have_count(0)
    (row,) = sessions.list_sessions(hub)
    modules, _ = sessions.session_links(row.session)
    assert sorted(m.stable_id for m in modules) == ["CME-U2", "CME-U6"]

    ann = new_page(viewport={"width": 375, "height": 812})
    log_in(ann, live_server, "ann@example.org")
    ann.get_by_role("link", name="My progress").click()
    _type_and_pick(ann, "Qualification", "music educ", TRINITY_CME)
    expect(ann.locator("#enrol-item-suggestions")).to_be_empty()
    expect(ann.locator(".picker-chip", has_text=TRINITY_CME)).to_be_visible()
    shot(ann, "picker-enrol-phone")
    ann.get_by_role("button", name="Enrol", exact=True).click()
    expect(ann.get_by_role("heading", name=TRINITY_CME)).to_be_visible()
    expect(ann.get_by_text(f"You are enrolled on {TRINITY_CME}.")).to_be_visible()


def test_the_pickers_work_without_javascript(live_server, browser, hub, shot):
    context = browser.new_context(java_script_enabled=False,
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        log_in(page, live_server, "ann@example.org")
        page.goto(f"{live_server}/me/progress")
        page.get_by_label("Qualification", exact=True).fill("music educ")
        page.get_by_label("Qualification", exact=True).press("Enter")  # presses Search
        expect(page.get_by_text("Matches for \u201cmusic educ\u201d: tick one to pick")) \
            .to_be_visible()
        page.get_by_label(TRINITY_CME).check()
        shot(page, "picker-enrol-no-javascript")
        page.get_by_role("button", name="Enrol", exact=True).click()
        expect(page.get_by_role("heading", name=TRINITY_CME)).to_be_visible()
    finally:
        context.close()
