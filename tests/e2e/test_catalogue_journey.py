"""A new user finds the CME by typing part of its title, and opens its page."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, log_in, sign_up
from workspace.services.accounts import users
from workspace.services.catalogue.seed import load_catalogue_seed

pytestmark = pytest.mark.browser


def test_new_user_finds_the_cme_as_they_type(live_server, new_page, shot):
    load_catalogue_seed()
    page = new_page()
    sign_up(page, live_server, "Jan Morris", "jan@example.org")

    page.get_by_role("link", name="Catalogue").click()
    expect(page.get_by_text("162 items match")).to_be_visible()
    page.get_by_label("Search by title or unit code").press_sequentially("music educ", delay=40)
    expect(page.get_by_text("9 items match “music educ”.")).to_be_visible()
    # The search is in the address, to share or come back to, without the empty filters.
    assert page.url.endswith("/catalogue/?q=music+educ")
    shot(page, "catalogue-search")
    title = "Trinity Level 4 Certificate for Music Educators (Trinity CME)"
    page.get_by_role("link", name=title).click()
    heading = page.get_by_role("heading", name=title)
    expect(heading).to_be_visible()
    expect(page.get_by_role("link", name="Safeguarding children and young people in music "
                                        "education").first).to_be_visible()
    expect(page.get_by_text("Trinity College London").first).to_be_visible()
    shot(page, "catalogue-cme")


def test_filters_narrow_the_results_without_reloading(live_server, new_page, app, make_user):
    load_catalogue_seed()
    make_user(email="jan@example.org", password="a long enough password")
    page = new_page()
    page.goto(live_server + "/login?next=/catalogue/")
    page.get_by_label("Email").fill("jan@example.org")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_text("Filters and sorting").click()
    page.get_by_label("Status").select_option("withdrawn")
    expect(page.get_by_text("1 item matches")).to_be_visible()
    expect(page.get_by_role("link", name="Diploma in Dance Teaching and Learning "
                                        "(Children and Young People)")).to_be_visible()


def test_an_editor_exports_the_catalogue_and_imports_it_watching_each_stage(
        live_server, new_page, make_user, shot, tmp_path):
    load_catalogue_seed()
    make_user(name="Sam Patel", email="sam@example.org", password=PASSWORD)
    users.set_catalogue_editor("sam@example.org", True)
    page = new_page()
    log_in(page, live_server, "sam@example.org")
    page.goto(live_server + "/catalogue/transfer")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    exported = tmp_path / "catalogue.csv"
    download.value.save_as(exported)
    page.get_by_label("Catalogue file (CSV or JSON)").set_input_files(exported)
    page.get_by_role("button", name="Import").click()
    steps = page.locator("#import-steps li")
    expect(steps.first).to_contain_text("records.")
    expect(steps.nth(1)).to_contain_text("no problems.")
    expect(page.get_by_role("status")).to_contain_text(
        "Catalogue imported from catalogue.csv: 0 created, 0 updated")
    shot(page, "catalogue-import-progress")
