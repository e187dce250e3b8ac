"""Chris's journey (seed 001): the head of an extended school in the demo hub, on the shipped
catalogue and the demo that `make run` loads, compares the teaching assistant's role with the
playworker's, then opens her school's team development plan: who holds what (only those who
share their record with the school are named), what the team lacks for after-school work, and
the unit and the hub's session that would fill it."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import htmx_idle
from workspace.services import demo
from workspace.services.accounts import users
from workspace.services.catalogue.seed import load_catalogue_seed
from workspace.services.partnerships import membership

pytestmark = pytest.mark.browser

TA = "Teaching assistant and other school learning support roles"
PLAY_UNIT = "Area: safeguarding children and young people in play spaces"


def test_chris_plans_her_assistants_move_into_after_school_work(live_server, new_page, shot):
    load_catalogue_seed()
    demo.load_demo()
    [hub] = membership.list_memberships_of(users.get_user_by_email("head@example.org"))
    page = new_page()
    page.goto(live_server + "/login")
    page.get_by_label("Email").fill("head@example.org")
    page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    # What would the framework ask of her assistants as playworkers?
    page.goto(live_server + "/catalogue/roles/compare")
    page.locator("select[name=first]").select_option(label=TA)  # labels hold their lists
    htmx_idle(page)
    page.locator("select[name=second]").select_option(label="Playworker")
    htmx_idle(page)
    comparison = page.locator("#role-comparison")
    expect(comparison.get_by_role("heading", name=f"Moving from {TA} to Playworker")) \
        .to_be_visible()
    expect(comparison).to_contain_text(
        f"Playworker calls for 5 qualifications that {TA} does not")
    expect(comparison).to_contain_text("NCFE CACHE Level 3 Diploma in Playwork")
    shot(page, "team-compare-roles")

    # Her school's plan, from its place among the hub's organisations.
    page.goto(f"{live_server}/p/{hub.partnership_id}/organisations")
    page.get_by_role("link", name=demo.EXTENDED_SCHOOL).click()
    page.get_by_role("link", name="Team development plan").click()
    expect(page.get_by_role("heading", name="Team development plan")).to_be_visible()

    people = page.locator("table.team-people")
    expect(people.locator("tr", has_text="Dee Walsh")).to_contain_text(
        "NCFE CACHE Level 3 Diploma in Playwork")
    expect(people.locator("tr", has_text="Amir Hussain")).to_contain_text(
        "NCFE Level 2 Certificate in Supporting Teaching and Learning in Schools")
    expect(people.locator("tr", has_text="Beth Lowe")).to_contain_text(
        "NCFE CACHE Level 3 Diploma in Specialist Support for Teaching and Learning in Schools")
    expect(page.locator("main")).not_to_contain_text("Erin Shaw")  # shares with nobody
    expect(page.locator("section[aria-labelledby=team-holds]")).to_contain_text(
        "1 more person has not shared their record with you: fewer than 5, so they are left "
        "out of the figures below")  # one person alone would be described by them

    assistants = page.locator("article.team-role", has_text=TA)
    expect(assistants).to_contain_text("1 holds a qualification the role calls for")
    expect(assistants).to_contain_text("1 has neither")
    expect(page.locator("#team-gap-summary")).to_contain_text("not yet judged for the team")

    # The assistants moving to after-school work as playworkers.
    page.get_by_label("People now in").select_option(label=f"{TA} (3)")
    htmx_idle(page)
    page.get_by_label("Moving to", exact=True).select_option(label="Playworker")
    htmx_idle(page)
    move = page.locator("#team-move")
    expect(move.get_by_role("heading", name=f"{TA} → Playworker")).to_be_visible()
    expect(move).to_contain_text("Of 3 people: 0 hold a qualification Playworker calls for; "
                                 "0 are working towards one; 3 would need one.")
    expect(move.locator("table.team-move-areas tr", has_text="3. Safeguarding")) \
        .to_contain_text("1")  # the assistant with nothing on record lacks it
    expect(move.locator("table.team-move-people")).to_contain_text("Amir Hussain")
    expect(move.get_by_role("link", name=PLAY_UNIT)).to_be_visible()
    expect(move.get_by_role("link", name="Safeguarding in play spaces: after-school club "
                                         "staff")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/team\?from_role=\d+&to_role=\d+$"))  # to share
    shot(page, "team-development-plan")

