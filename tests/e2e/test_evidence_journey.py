"""Jan keeps her certificates with the qualifications she holds: she attaches one (a page
renamed to .pdf is refused first), downloads it again, and removes it."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, htmx_idle, log_in
from workspace.services.catalogue import items
from workspace.services.progress import tracking

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def jan(make_user):
    person = make_user(name="Jan Morris", email="jan@example.org", password=PASSWORD)
    make = lambda sid, title, **kw: items.create_item(None, sid, title=title, **kw)  # noqa
    tracking.add_held(person, make("HBC-3", "Level 3 Certificate in Home-based Childcare",
                                   is_qualification=True, level=3),
                      year=2019, evidence_note="Certificate number HBC-1234")
    tracking.add_held(person, make("PFA", "Paediatric First Aid", is_qualification=True,
                                   level=3), year=2024)
    return person


def test_jan_attaches_her_certificate(live_server, new_page, jan, shot):
    page = new_page()
    log_in(page, live_server, "jan@example.org")
    page.goto(live_server + "/me/progress")
    held = page.locator("#held li", has_text="Home-based Childcare")
    shot(page, "evidence-empty")

    held.get_by_label("Certificate or transcript").set_input_files(
        files=[{"name": "certificate.pdf", "mimeType": "application/pdf",
                "buffer": b"<!doctype html><script>alert(1)</script>"}])
    held.get_by_role("button", name="Attach").click()
    htmx_idle(page)
    expect(held.locator(".field-error")).to_contain_text(
        "The contents of certificate.pdf do not match its type (PDF)")
    # Focus goes to the field with the error, which is read out with it.
    expect(held.get_by_label("Certificate or transcript")).to_be_focused()
    shot(page, "evidence-refused")

    held.get_by_label("Certificate or transcript").set_input_files(
        files=[{"name": "HBC certificate.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    held.get_by_role("button", name="Attach").click()
    htmx_idle(page)
    link = held.get_by_role("link", name="HBC_certificate.pdf")
    expect(link).to_be_visible()
    expect(held).to_contain_text(f"PDF, {len(PDF)} bytes")
    shot(page, "evidence-attached")

    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "HBC_certificate.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read() == PDF

    page.once("dialog", lambda dialog: dialog.accept())
    held.get_by_role("button", name="Remove the evidence file").click()
    htmx_idle(page)
    expect(held.get_by_role("link", name="HBC_certificate.pdf")).to_have_count(0)
    expect(held.get_by_label("Certificate or transcript")).to_be_visible()
