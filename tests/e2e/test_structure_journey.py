"""A catalogue editor keeps the structure on screen, on the shipped catalogue: a cluster set of
her hub's own, a role placed in it, the CME made key for the instrumental teacher's role, a
Common Core judgement with the words it rests on; the role's page, the item's page and the
change record show each change."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from workspace.services import demo
from workspace.services.catalogue.seed import load_catalogue_seed

pytestmark = pytest.mark.browser

CME = "Trinity Level 4 Certificate for Music Educators (Trinity CME)"
ROLE = "Instrumental and vocal teacher"


def test_editor_keeps_roles_clusters_key_qualifications_and_judgements(live_server, new_page,
                                                                      shot):
    load_catalogue_seed()
    demo.load_demo()
    page = new_page()
    log_in(page, live_server, "editor@example.org", demo.DEMO_PASSWORD)

    page.goto(live_server + "/catalogue/")
    page.get_by_role("link", name="Roles and clusters").click()
    new_set = page.locator("#new-set")
    new_set.get_by_label("Name").fill("Riverside hub workforce")
    new_set.get_by_role("button", name="Add the set").click()
    expect(page.get_by_text("Cluster set Riverside hub workforce added.")).to_be_visible()
    section = page.locator("section.cluster-set", has_text="Riverside hub workforce")
    section.get_by_text("Edit this set").click()
    section.get_by_label("New cluster in Riverside hub workforce").fill("Instrumental staff")
    section.get_by_role("button", name="Add the cluster").click()
    expect(page.get_by_text("Cluster Instrumental staff added to Riverside hub workforce."))\
        .to_be_visible()

    # A name already taken is refused where it was typed, and nothing is added.
    section = page.locator("section.cluster-set", has_text="Riverside hub workforce")
    section.get_by_text("Edit this set").click()
    section.get_by_label("New cluster in Riverside hub workforce").fill("instrumental STAFF")
    section.get_by_role("button", name="Add the cluster").click()
    expect(page.get_by_text("Riverside hub workforce already has a cluster called "
                            "instrumental STAFF.")).to_be_visible()
    expect(page.locator("details.cluster", has_text="Instrumental staff")).to_have_count(1)

    page.locator("details.cluster", has_text="Music and cultural education workforce")\
        .locator("summary").click()
    page.get_by_role("link", name=ROLE, exact=True).click()
    expect(page.get_by_role("heading", name=ROLE)).to_be_visible()
    page.locator("#place").get_by_label("Cluster").select_option(label="Instrumental staff")
    page.get_by_role("button", name="Place in this cluster").click()
    expect(page.get_by_text(f"{ROLE} is now in Instrumental staff.")).to_be_visible()
    expect(page.locator("hgroup")).to_contain_text("Instrumental staff (Riverside hub workforce)")

    cme = page.locator("#qualifications li", has_text=CME)
    cme.get_by_text("Change").click()
    cme.get_by_label("Key qualification for this role").check()
    cme.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"{CME} for {ROLE}: saved.")).to_be_visible()
    expect(page.locator("#qualifications li", has_text=CME)).to_contain_text("key for this role")
    shot(page, "structure-role")

    page.get_by_role("link", name=CME).click()
    judged = page.locator("#judge-1")
    judged.get_by_label("Judgement").select_option("covered")
    judged.get_by_label("In the source's or the editors' words").fill(
        "Unit 1 asks how children and young people learn music.")
    judged.get_by_role("button", name="Save area 1").click()
    expect(page.get_by_text("Area 1: saved.")).to_be_visible()
    area = page.locator("li.area", has_text="1. Effective communication")
    expect(area).to_contain_text("Covered")
    expect(area).to_contain_text("Unit 1 asks how children and young people learn music.")

    # Not covered without a reason is refused, and the judgement stays as it was.
    judged = page.locator("#judge-4")
    judged.get_by_label("Judgement").select_option("not-covered")
    judged.get_by_role("button", name="Save area 4").click()
    expect(page.locator("#judge-4")).to_contain_text("Say why the item does not cover this area")
    expect(page.locator("li.area", has_text="4. Supporting transitions"))\
        .to_contain_text("Not yet judged")
    shot(page, "structure-judgement")

    page.goto(live_server + "/catalogue/changes")
    rows = page.locator("tbody tr")
    expect(rows.nth(0)).to_contain_text("Common Core judgement")
    expect(rows.nth(0)).to_contain_text("1. Effective communication")
    expect(rows.nth(1)).to_contain_text(f"role link changed: {ROLE}: named by a source → key, "
                                        f"named by a source")
    expect(rows.nth(2)).to_contain_text(f"{ROLE} in Instrumental staff (Riverside hub "
                                        f"workforce)")
    expect(rows.nth(3)).to_contain_text("cluster added")
    expect(rows.nth(4)).to_contain_text("cluster set added")
    for n in range(5):
        expect(rows.nth(n)).to_contain_text("Sam Patel")
