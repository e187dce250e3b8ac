"""Jan's scenario (seed 001): a new childminder with experience from her children's playgroup
and an after-school club sets her role, records prior learning, enrols on a qualification,
marks units achieved, and sees her progress and her next steps."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, htmx_idle
from workspace.models.partnerships import Role
from workspace.services.catalogue import items
from workspace.services.catalogue.seed import load_catalogue_seed
from workspace.services.progress import tracking

pytestmark = pytest.mark.browser


@pytest.fixture
def early_years(make_user, make_partnership, add_member):
    """The seed catalogue plus a hand-made childcare qualification and what it leads to."""
    load_catalogue_seed()
    childminder = next(r for r in items.list_roles() if r.name == "Childminder")
    make = lambda sid, title, **kw: items.create_item(None, sid, title=title, **kw)  # noqa
    cert = make("HBC-3", "Level 3 Certificate in Home-based Childcare", is_qualification=True,
                level=3)
    units = [make("HBC-U1", "Setting up a home-based childcare service", level=3),
             make("HBC-U2", "Child development from birth to 5", level=3),
             make("HBC-U3", "Safeguarding in home-based childcare", level=3)]
    for unit in units:
        items.add_component(None, cert, unit)
    areas = {a.number: a for a in items.list_areas()}
    items.set_areas(None, units[1], {areas[2].id})
    items.set_areas(None, units[2], {areas[3].id})
    diploma = make("EY-4", "Level 4 Diploma in Early Years Practice", is_qualification=True,
                   level=4)
    items.add_prerequisite(None, diploma, cert)
    for item in (cert, diploma):
        items.set_roles(None, item, {childminder.id})
    lead = make_user(name="Lola Lead", email="lola@example.org")
    partnership = make_partnership(lead=lead, name="Northgate Early Years Partnership")
    jan = make_user(name="Jan Morris", email="jan@example.org", password=PASSWORD)
    add_member(partnership, jan, Role.MEMBER)
    return {"partnership": partnership, "lead": lead, "jan": jan, "units": units}


def test_jan_the_childminder(live_server, new_page, early_years, shot):
    page = new_page()
    page.goto(live_server + "/login")
    page.get_by_label("Email").fill("jan@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="My progress").click()
    page.get_by_role("link", name="edit profile").click()
    page.get_by_label("Job role").select_option(label="Childminder")
    page.get_by_label("Organisation").fill("Jan's home childcare")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Childminder · Jan's home childcare")).to_be_visible()

    page.get_by_label("Unit", exact=True).press_sequentially("setting up a home")
    page.get_by_role("button", name="Setting up a home-based childcare service").click()
    page.get_by_label("Your experience or learning that covers it").fill(
        "Three years helping to run my children's playgroup and an after-school club.")
    page.get_by_role("button", name="Claim prior learning").click()
    expect(page.get_by_text("Prior learning claimed for Setting up a home-based childcare "
                            "service")).to_be_visible()
    claim = tracking.list_claims(early_years["jan"])[0]
    tracking.decide_claim(early_years["partnership"].id, claim.id, early_years["lead"], True,
                          datetime.now(UTC))  # her partnership's lead verifies it

    page.get_by_label("Qualification", exact=True).press_sequentially("home-based")
    page.get_by_role("button", name="Level 3 Certificate in Home-based Childcare").click()
    page.get_by_role("button", name="Enrol", exact=True).click()
    expect(page.get_by_role("heading", name="Level 3 Certificate in Home-based Childcare")) \
        .to_be_visible()
    expect(page.get_by_text("Counts already: verified prior learning")).to_be_visible()
    expect(page.locator("#progress-summary")).to_contain_text(
        "1 of 3 mandatory units achieved")

    for title in ("Child development from birth to 5", "Safeguarding in home-based childcare"):
        page.get_by_label(f"Status of {title}").select_option("achieved")
        page.locator("tr", has_text=title).get_by_role("button", name="Save").click()
        htmx_idle(page)
    expect(page.locator("#progress-summary")).to_contain_text(
        "3 of 3 mandatory units achieved")
    expect(page.locator("#progress-summary")).to_contain_text("All requirements met.")
    shot(page, "progress-enrolment")

    page.get_by_role("link", name="← My progress").click()
    page.get_by_role("button", name="My next steps").click()
    expect(page.get_by_role("link", name="Level 4 Diploma in Early Years Practice").first) \
        .to_be_visible()
    # Her record covers child development; nothing judges transitions either way, and a
    # not yet judged area is not shown as a gap.
    expect(page.locator("#areas-missing")).not_to_contain_text("Child and young person")
    not_judged = page.locator("#areas-not-judged")
    expect(not_judged).not_to_contain_text("Child and young person development")
    expect(not_judged).to_contain_text("Supporting transitions")
    shot(page, "progress-next-steps")
