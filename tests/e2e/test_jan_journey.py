"""Jan's journey (seed 001), on the shipped catalogue as `make run` loads it: newly registered
as a childminder, with experience from her children's playgroup and an after-school club and a
career behind her in computing, she signs up, sets her role, sees what the catalogue offers
for it and why, records her experience as prior learning against a unit, compares her role
with others she might move to ("whilst not closing her options to other types of work with
children"), and opens the progression of a qualification one of them calls for."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_up
from workspace.services.catalogue.seed import load_catalogue_seed

pytestmark = pytest.mark.browser

CHILDMINDER = ("Childminder, day care supervisor, community nursery nurse, SureStart worker, "
               "learning mentor")
EDI = "EDI Level 3 Diploma for the Children and Young People's Workforce"
CITY_AND_GUILDS = ("City & Guilds Level 3 Diploma for the Children and Young People's Workforce: "
                   "Early Learning and Childcare Pathway (England) (4227-03)")
UNIT = ("CU1522 Develop Positive Relationship with Children, Young People and Others Involved "
        "in their Care")
EARLY_YEARS_DIPLOMA = "Level 3 Diploma for the Early Years Workforce (Early Years Educator)"


def test_jan_the_new_childminder_keeps_her_options_open(live_server, new_page, shot):
    load_catalogue_seed()
    page = new_page()

    sign_up(page, live_server, "Jan Hughes", "jan.hughes@example.org")

    page.get_by_role("link", name="My progress").click()
    page.get_by_role("link", name="edit profile").click()
    page.get_by_label("Job role").select_option(label=CHILDMINDER)
    page.get_by_label("Organisation").fill("Jan's home childcare")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text(f"{CHILDMINDER} · Jan's home childcare")).to_be_visible()

    # What the catalogue offers for her role, and why.
    page.get_by_role("button", name="My next steps").click()
    edi = page.locator("article.role-step", has_text=EDI)
    expect(edi).to_contain_text(f"The catalogue editors suggest it for {CHILDMINDER} "
                                "(their judgement).")
    expect(edi.locator(".role-step-units li")).to_have_count(17)
    expect(edi.locator(".role-step-units li").first).to_contain_text(
        "CU230P/CT230 Understand Child and Young Person Development")
    expect(edi).to_contain_text("2. Child and young person development")
    # The City & Guilds pathway the sources name for her role no longer takes new learners.
    expect(page.locator("article.role-step", has_text=CITY_AND_GUILDS)).to_have_count(0)
    shot(page, "jan-next-steps")

    # Her playgroup and after-school club experience, claimed against one of its units.
    page.get_by_role("link", name="← My progress").click()
    page.get_by_label("Unit", exact=True).press_sequentially("Develop Positive Relationship")
    # The picker searches as she types; on a busy machine the suggestion may take a while.
    page.get_by_role("button", name=UNIT).click(timeout=30_000)
    page.get_by_label("Your experience or learning that covers it").fill(
        "Several years helping to run my children's playgroup and an after-school club.")
    page.get_by_role("button", name="Claim prior learning").click()
    expect(page.get_by_text(f"Prior learning claimed for {UNIT}")).to_be_visible()
    # She is in no partnership yet, and is told so rather than promised a lead.
    expect(page.get_by_text("nobody can verify it until you join a partnership")).to_be_visible()
    shot(page, "jan-prior-learning")

    # Her options: the early years educator's role and the playworker's.
    page.goto(live_server + "/catalogue/roles/compare")
    page.locator("select[name=first]").select_option(label=CHILDMINDER)
    page.locator("select[name=second]").select_option(label="Early years educator")
    page.get_by_role("button", name="Show").click()
    comparison = page.locator("#role-comparison")
    expect(comparison).to_contain_text(f"Both call for: {CITY_AND_GUILDS}; {EDI}.")
    expect(comparison).to_contain_text(
        f"Early years educator calls for 4 qualifications that {CHILDMINDER} does not")
    shot(page, "jan-compare-early-years")
    page.locator("select[name=second]").select_option(label="Playworker")
    page.get_by_role("button", name="Show").click()
    expect(comparison).to_contain_text(
        f"Playworker calls for 5 qualifications that {CHILDMINDER} does not")

    # Where an early years diploma leads: the sources' words, and the progression map.
    page.locator("select[name=second]").select_option(label="Early years educator")
    page.get_by_role("button", name="Show").click()
    comparison.get_by_role("link", name=EARLY_YEARS_DIPLOMA).first.click()
    expect(page.get_by_role("heading", name="Progression", exact=True)).to_be_visible()
    expect(page.locator("main")).to_contain_text(
        "Forms part of the Early Years pathway of the Advanced Apprenticeship for the Children "
        "and Young People's Workforce.")
    page.get_by_role("link", name="progression map").click()
    here = page.locator(".an-map li.an-here")
    expect(here).to_contain_text(EARLY_YEARS_DIPLOMA)
    # The shipped catalogue links no item to another as a pre-requirement yet, so the map
    # holds the diploma alone (its sourced progression is the text above).
    expect(page.locator("#analysis-progression")).to_contain_text(
        "No pre-requirements link this item to others yet.")
    shot(page, "jan-progression-map")
