"""A lead writes the partnership's terms of reference, adds an aim and an indicator with a
baseline, a target and this year's value, drafts the annual review from the data, edits a
section and downloads the review as a PDF."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, htmx_idle, log_in
from workspace.services.governance import years

pytestmark = pytest.mark.browser


@pytest.fixture
def hub(make_user, make_partnership):
    lead = make_user(name="Priya Shah", email="priya@example.org", password=PASSWORD)
    return make_partnership(lead=lead, name="Riverside Music Hub")


def test_terms_aims_outcomes_and_annual_review(live_server, new_page, hub, shot, clock):
    this_year = years.school_year(years.school_year_of(clock.today))
    lead = new_page()
    log_in(lead, live_server, "priya@example.org")
    lead.goto(f"{live_server}/p/{hub.id}/")
    lead.get_by_role("navigation", name="Riverside Music Hub").get_by_role(
        "link", name="Governance").click()
    expect(lead.get_by_role("heading", name="Governance", level=1)).to_be_visible()

    lead.get_by_text("Write the terms of reference").click()
    lead.get_by_label("Terms of reference").fill(
        "## Purpose\n\nThe steering group meets **each term** and reports yearly.")
    lead.get_by_role("button", name="Save the terms of reference").click()
    expect(lead.locator("#terms strong").get_by_text("each term")).to_be_visible()
    htmx_idle(lead)

    lead.get_by_text("Add an aim").click()
    lead.get_by_label("Aim", exact=True).fill("Every child sings in school")
    lead.get_by_role("button", name="Add the aim").click()
    expect(lead.locator("#aims").get_by_text("Every child sings in school")).to_be_visible()
    htmx_idle(lead)
    shot(lead, "governance-index")

    lead.get_by_role("link", name="Outcomes framework").click()
    lead.get_by_role("button", name="Add an indicator").click()
    lead.get_by_label("Indicator").fill("Schools with a choir")
    lead.get_by_label("Unit").fill("schools")
    lead.get_by_label("Aim it serves").select_option(label="Every child sings in school")
    lead.get_by_label("Baseline value").fill("4")
    lead.get_by_label("Baseline year").fill("2024/25")
    lead.get_by_label("Target value").fill("lots")
    lead.get_by_label("Target year").fill("2028/29")
    lead.get_by_role("button", name="Add the indicator").click()
    expect(lead.get_by_text("Enter a number, such as 120 or 45.5")).to_be_visible()
    lead.get_by_label("Target value").fill("20")
    lead.get_by_role("button", name="Add the indicator").click()
    expect(lead.get_by_text("Schools with a choir is in the outcomes framework.")).to_be_visible()

    lead.get_by_label("Year").fill(this_year)
    lead.get_by_label("Value", exact=True).fill("9")
    lead.get_by_role("button", name="Record the value").click()
    table = lead.locator("#framework table")
    expect(table.get_by_role("columnheader", name=this_year)).to_be_visible()
    expect(table.get_by_text("9 schools")).to_be_visible()
    htmx_idle(lead)
    shot(lead, "governance-outcomes")

    lead.get_by_role("link", name="Terms, aims and reviews").click()
    lead.get_by_text("Draft a review").click()
    lead.get_by_label("School year").select_option(label=this_year)
    lead.get_by_role("button", name="Draft the review").click()
    expect(lead.get_by_role("heading", name=f"Annual review {this_year}")).to_be_visible()
    expect(lead.locator("#section-outcomes").get_by_role("cell", name="9 schools")).to_be_visible()
    expect(lead.locator("#section-introduction .rendered").get_by_text(
        "Every child sings in school")).to_be_visible()

    section = lead.locator("#section-cpd")
    section.get_by_text("Edit “CPD sessions and reach”").click()
    section.get_by_label("Text").fill("Our first year of **network days**.")
    section.get_by_role("button", name="Save the section").click()
    expect(lead.locator("#section-cpd strong").get_by_text("network days")).to_be_visible()
    htmx_idle(lead)
    shot(lead, "governance-review")

    with lead.expect_download() as download:
        lead.get_by_role("button", name="Download PDF").click()
    saved = download.value
    assert saved.suggested_filename == f"annual-review-{this_year.replace('/', '-')}.pdf"
    with open(saved.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    phone = new_page(viewport={"width": 375, "height": 800})
    log_in(phone, live_server, "priya@example.org")
    for name, path in (("index", "/"), ("outcomes", "/outcomes"),
                       ("review", f"/reviews/{years.school_year_of(clock.today)}")):
        phone.goto(f"{live_server}/p/{hub.id}/governance{path}")
        expect(phone.get_by_role("heading", level=1)).to_be_visible()
        shot(phone, f"governance-{name}-phone")
