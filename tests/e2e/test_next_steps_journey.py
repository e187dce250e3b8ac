"""The demo teacher picks her role and finds the CME in her next steps, on the shipped
catalogue and the demo hub that `make run` loads: why it is for her role, its six units with
their sourced titles and hours, the Common Core areas it covers and those not yet judged, and
the hub's CPD day that delivers two of its units."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from workspace.services import demo
from workspace.services.catalogue.seed import load_catalogue_seed

pytestmark = pytest.mark.browser


def test_demo_teacher_picks_her_role_and_sees_the_cme_with_its_units(live_server, new_page,
                                                                      shot):
    load_catalogue_seed()
    demo.load_demo()
    page = new_page()
    log_in(page, live_server, "teacher@example.org", demo.DEMO_PASSWORD)

    page.goto(live_server + "/me/profile")
    page.get_by_label("Job role").select_option(label="Instrumental and vocal teacher")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()

    page.goto(live_server + "/me/next-steps")
    cme = page.locator("article.role-step", has_text="Trinity Level 4 Certificate for Music "
                                                      "Educators (Trinity CME)")
    expect(cme).to_contain_text("A source names it for the role Instrumental and vocal teacher.")
    units = cme.locator(".role-step-units li")
    expect(units).to_have_count(6)
    expect(units.nth(0)).to_contain_text(
        "Understanding children and young people's musical learning")
    expect(units.nth(0)).to_contain_text("45 guided learning hours")
    expect(units.nth(5)).to_contain_text(
        "Safeguarding children and young people in music education")
    expect(units.nth(5)).to_contain_text("hours not given by the sources")
    expect(cme).to_contain_text("covers 2. Child and young person development")
    expect(cme).to_contain_text("3 of 6 not yet judged")
    expect(cme.get_by_role("link", name="CME study day: children's musical learning")) \
        .to_be_visible()
    shot(page, "next-steps-for-role")
