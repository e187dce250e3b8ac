"""htmx never fails silently: a refused or failed request says so where the person acted and
keeps what they chose; Back after an address htmx pushed shows the whole page."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, htmx_idle, log_in
from workspace.models.partnerships import Role
from workspace.services.catalogue.seed import load_catalogue_seed
from workspace.services.partnerships import membership

pytestmark = pytest.mark.browser


def test_refusals_and_failures_show_their_message_in_place(live_server, app, new_page,
                                                          make_user, make_partnership,
                                                          add_member, monkeypatch, shot):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a failure answers 500, as in production
    priya = make_user(name="Priya", email="priya@example.org", password=PASSWORD)
    partnership = make_partnership(lead=priya)
    add_member(partnership, make_user(name="Jan", email="jan@example.org"))
    page = new_page()
    log_in(page, live_server, "priya@example.org")
    page.goto(f"{live_server}/p/{partnership.id}/members")

    # 422: a rule says no; the list comes back with the reason.
    page.get_by_label("Role of Priya").select_option("member")
    expect(page.get_by_text("A partnership needs at least one lead")).to_be_visible()
    htmx_idle(page)  # the list swapped in afresh: act on the new one

    # 500: the server fails; the message stands by the control, which keeps the choice.
    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(membership, "change_role", fail)
    page.get_by_label("Role of Jan").select_option("steering")
    row = page.locator("tr", has_text="Jan")
    expect(row.get_by_role("alert")).to_have_text(
        "Something went wrong: The error has been logged. Please try again.")
    expect(page.get_by_label("Role of Jan")).to_have_value("steering")
    shot(page, "htmx-error-500")
    monkeypatch.undo()
    htmx_idle(page)

    # 403: another lead took Priya's role away meanwhile.
    sam = make_user(name="Sam", email="sam@example.org")
    add_member(partnership, sam, role=Role.LEAD)
    membership.change_role(partnership, membership.find_membership(partnership.id, priya).id,
                           Role.MEMBER, sam)
    page.get_by_label("Role of Jan").select_option("lead")
    expect(row.get_by_role("alert")).to_have_text(
        "Not allowed: Your role in this partnership does not allow that.")
    expect(page.get_by_label("Role of Jan")).to_have_value("lead")
    assert membership.find_membership(partnership.id, priya).role == Role.MEMBER


def test_back_after_a_pushed_address_shows_the_whole_page(live_server, new_page, make_user):
    load_catalogue_seed()
    make_user(email="jan@example.org", password=PASSWORD)
    page = new_page()
    log_in(page, live_server, "jan@example.org")
    page.goto(live_server + "/catalogue/")
    search = page.get_by_label("Search by title or unit code")
    search.fill("music")
    expect(page).to_have_url(live_server + "/catalogue/?q=music")
    search.fill("music educ")
    expect(page.get_by_text("9 items match “music educ”.")).to_be_visible()
    expect(page).to_have_url(live_server + "/catalogue/?q=music+educ")
    page.get_by_role("link", name="Trinity Level 4 Certificate for Music Educators "
                                  "(Trinity CME)").click()
    expect(page.get_by_role("heading", name="Trinity Level 4 Certificate for Music "
                                            "Educators (Trinity CME)")).to_be_visible()

    for query, count in (("music+educ", "9 items match “music educ”."), ("music", None)):
        page.go_back()
        expect(page).to_have_url(f"{live_server}/catalogue/?q={query}")
        expect(page.get_by_role("link", name="Partnership Workspace")).to_be_visible()
        expect(page.get_by_role("heading", name="Catalogue")).to_be_visible()
        expect(page.get_by_label("Search by title or unit code")).to_be_visible()
        if count:
            expect(page.get_by_text(count)).to_be_visible()
