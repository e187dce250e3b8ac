"""The CME as it really runs: a hub's lead makes its music service a CME centre with an
assessor; a practitioner registers, sees the deadline two years on and starts her
self-assessment and action plan; the lead, who is not the assessor, cannot verify; the
assessor marks a unit achieved and it counts."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, htmx_idle, log_in
from workspace.clock import london_today
from workspace.models.partnerships import PartnershipKind, Sector
from workspace.services.catalogue import items
from workspace.services.catalogue.seed import load_catalogue_seed
from workspace.services.partnerships import membership as partnerships
from workspace.services.progress import centres

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}


@pytest.fixture
def hub(make_user, make_partnership, add_member):
    load_catalogue_seed()
    lead = make_user(name="Lena Lead", email="lena@example.org", password=PASSWORD)
    partnership = make_partnership(lead=lead, name="Riverside Music Education Hub",
                                   kind=PartnershipKind.HUB)
    assessor = make_user(name="Asha Assessor", email="asha@example.org", password=PASSWORD)
    pat = make_user(name="Pat Practitioner", email="pat@example.org", password=PASSWORD)
    add_member(partnership, assessor)
    add_member(partnership, pat)
    partnerships.add_organisation(partnership, name="Riverside Music Service",
                                  sector=Sector.MUSIC_HUB)
    return {"partnership": partnership, "cme": items.find_item("CME"),
            "unit": items.find_item("CME-U1")}


def _shots(shot, new_page, url: str, name: str, email: str, base: str) -> None:
    """The page at phone width, signed in as `email`."""
    phone = new_page(PHONE)
    log_in(phone, base, email)
    phone.goto(url)
    shot(phone, f"{name}-375")


def test_a_cme_centre_from_registration_to_a_unit_assessed(live_server, new_page, hub, shot):
    cme, unit = hub["cme"], hub["unit"]
    lead = new_page()
    log_in(lead, live_server, "lena@example.org")
    lead.goto(f"{live_server}/p/{hub['partnership'].id}/")
    lead.get_by_role("link", name="Centres").click()
    lead.get_by_label("Member organisation").select_option(label="Riverside Music Service")
    lead.get_by_label("Qualification").select_option(
        label=f"{cme.title} · {cme.accrediting_body}")
    shot(lead, "centres-1280")
    centres_url = lead.url
    lead.get_by_role("button", name="Make it a centre").click()
    expect(lead.get_by_text("learners complete it within 24 months of registering")) \
        .to_be_visible()
    lead.get_by_label("Member", exact=True).select_option(label="Asha Assessor")
    lead.get_by_label("As").select_option(label="Assessor")
    lead.get_by_role("button", name="Add").click()
    expect(lead.locator("#assessors")).to_contain_text("Asha Assessor")
    centre_url = lead.url
    shot(lead, "centre-1280")
    _shots(shot, new_page, centres_url, "centres", "lena@example.org", live_server)
    _shots(shot, new_page, centre_url, "centre", "lena@example.org", live_server)

    pat = new_page()
    log_in(pat, live_server, "pat@example.org")
    pat.goto(centre_url)
    pat.get_by_role("button", name="Register with this centre").click()
    deadline = centres.add_months(london_today(), 24)
    days = (deadline - london_today()).days
    expect(pat.get_by_role("heading", name=cme.title)).to_be_visible()
    expect(pat.locator("#registration")).to_contain_text(
        f"Complete by {deadline.day} {deadline.strftime('%B %Y')} · {days} days left")
    pat.get_by_label(f"Status of {unit.title}").select_option(label="Evidence submitted")
    pat.get_by_label(f"Evidence note for {unit.title}").fill("Video of a Year 4 lesson")
    pat.locator(f"#unit-{unit.id}").get_by_role("button", name="Save").click()
    htmx_idle(pat)
    expect(pat.locator("#progress-summary")).to_contain_text("0 of 6 mandatory units achieved")
    enrolment_url = pat.url
    shot(pat, "enrolment-1280")
    _shots(shot, new_page, enrolment_url, "enrolment", "pat@example.org", live_server)

    pat.get_by_role("link", name="Self-assessment and action plan").click()
    unit_plan = pat.locator(f"#plan-{unit.id}")
    unit_plan.get_by_label("How confident are you against this unit now?").select_option(
        label="Partly")
    unit_plan.get_by_label("Training and support you need").fill(
        "Observe an early years music session; mentoring on progression.")
    unit_plan.get_by_role("button", name="Save").click()
    expect(pat.get_by_text("Your plan for this unit is saved.")).to_be_visible()
    expect(pat.locator("#plan-summary")).to_contain_text("Partly: 1")
    shot(pat, "plan-1280")
    _shots(shot, new_page, pat.url, "plan", "pat@example.org", live_server)
    pat.goto(enrolment_url)

    assessing_url = centre_url + "/assessing"
    lead.goto(assessing_url)  # the lead is not the centre's assessor
    expect(lead.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(lead.get_by_text("Mark achieved")).to_have_count(0)

    asha = new_page()
    log_in(asha, live_server, "asha@example.org")
    asha.goto(centre_url)
    asha.get_by_role("button", name="Waiting for assessment").click()  # a link, as a button
    expect(asha.locator(".awaiting-unit")).to_contain_text("Video of a Year 4 lesson")
    shot(asha, "assessing-1280")
    _shots(shot, new_page, assessing_url, "assessing", "asha@example.org", live_server)
    asha.get_by_role("button", name="Mark achieved").click()
    expect(asha.get_by_text("Unit marked achieved.")).to_be_visible()
    expect(asha.get_by_text("No units are waiting.")).to_be_visible()

    asha.goto(centre_url)
    asha.get_by_role("button", name="Learners and their plans").click()
    expect(asha.locator("#learners")).to_contain_text("Pat Practitioner")
    expect(asha.locator("#learners")).to_contain_text(f"{days} days left")
    expect(asha.locator("#learners")).to_contain_text("1 of 6")
    shot(asha, "learners-1280")
    _shots(shot, new_page, asha.url, "learners", "asha@example.org", live_server)
    asha.get_by_role("link", name="Action plan").click()
    expect(asha.locator("#learner-plan")).to_contain_text("Observe an early years music session")
    shot(asha, "learner-plan-1280")
    _shots(shot, new_page, asha.url, "learner-plan", "asha@example.org", live_server)

    pat.reload()
    expect(pat.locator("#progress-summary")).to_contain_text("1 of 6 mandatory units achieved")
    expect(pat.locator(f"#unit-{unit.id}")).to_contain_text("assessed by your centre")
