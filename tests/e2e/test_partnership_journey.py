"""Register, create a partnership, invite a colleague who registers and joins, see them logged."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, htmx_idle, sign_up

pytestmark = pytest.mark.browser



def test_lead_invites_a_colleague_who_joins(live_server, new_page, shot):
    lead = new_page()
    lead.goto(live_server + "/")
    shot(lead, "01-welcome")
    lead.get_by_role("button", name="Create an account").click()
    sign_up(lead, live_server, "Priya Shah", "priya@example.org")

    lead.get_by_role("button", name="Create a partnership").click()
    lead.get_by_label("Name").fill("Riverside Music Education Hub")
    lead.get_by_label("Kind").select_option("hub")
    lead.get_by_label("Place").fill("Riverside borough")
    lead.get_by_label("Lead organisation").fill("Riverside Music Service")
    lead.get_by_label("Description").fill("CPD networks for primary and secondary teachers.")
    lead.get_by_role("button", name="Create partnership").click()
    expect(lead.get_by_role("heading", name="Invite people")).to_be_visible()

    lead.get_by_label("Email (leave empty for a link to share)").fill("tom@example.org")
    lead.get_by_label("Role").select_option("steering")
    lead.get_by_role("button", name="Create invitation").click()  # htmx swaps the list
    expect(lead.get_by_text("Invitation sent to tom@example.org.")).to_be_visible()
    link = lead.get_by_label("Invitation link").input_value()
    shot(lead, "02-invitations")

    colleague = new_page(viewport={"width": 390, "height": 844})  # on a phone
    colleague.goto(link)
    expect(colleague.get_by_text("Priya Shah invites you to join")).to_be_visible()
    shot(colleague, "03-invitation-phone")
    colleague.get_by_role("button", name="Create an account").click()
    sign_up(colleague, live_server, "Tom Okafor", "tom@example.org")
    colleague.get_by_role("button", name="Join Riverside Music Education Hub").click()
    expect(colleague.get_by_text("Welcome to Riverside Music Education Hub.")).to_be_visible()
    expect(colleague.get_by_text("You are steering group member.")).to_be_visible()
    shot(colleague, "04-joined-phone")

    lead.get_by_role("link", name="Members").click()
    row = lead.locator("tr", has_text="Tom Okafor")
    expect(row).to_be_visible()
    expect(row.get_by_label("Role of Tom Okafor")).to_have_value("steering")
    shot(lead, "05-members")
    lead.get_by_role("link", name="Member log").click()
    expect(lead.locator("#member-log tr", has_text="Tom Okafor")).to_contain_text(
        "Joined as steering group member")
    shot(lead, "06-member-log")


def test_lead_changes_a_role_in_place(live_server, new_page, app, make_user,
                                      make_partnership, add_member):
    lead_user = make_user(name="Priya", email="priya@example.org", password=PASSWORD)
    partnership = make_partnership(lead=lead_user)
    add_member(partnership, make_user(name="Jan", email="jan@example.org"))
    page = new_page()
    page.goto(live_server + "/login")
    page.get_by_label("Email").fill("priya@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server}/p/{partnership.id}/members")
    page.get_by_label("Role of Jan").select_option("steering")
    expect(page.get_by_text("Jan is now steering group member.")).to_be_visible()
    htmx_idle(page)
    page.get_by_label("Role of Priya").select_option("member")
    expect(page.get_by_text("A partnership needs at least one lead")).to_be_visible()
    expect(page.get_by_label("Role of Priya")).to_have_value("lead")
