"""An administrator suspends a member in the browser: the member's page, already open in
another browser, is refused on its next load and her sign-in is refused with the reason why;
the administrator restores the account and she signs in again. Then the administrator
suspends her partnership, which shows her a page that says so, restores it, makes her an
assessor at its centre, and reads the log of all of it."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, htmx_idle, log_in
from workspace.models.partnerships import PartnershipKind, Role, Sector
from workspace.services.accounts import users
from workspace.services.admin import accounts
from workspace.services.catalogue import items
from workspace.services.catalogue.seed import load_catalogue_seed
from workspace.services.partnerships import membership
from workspace.services.progress import centres

pytestmark = pytest.mark.browser


def test_an_administrator_suspends_and_restores_a_member(live_server, new_page, shot, clock):
    accounts.create_admin("ada@example.org", clock.now, name="Ada Admin", password=PASSWORD)
    lead = users.register_user("lee@example.org", "Lee Lead", PASSWORD)
    hub = membership.create_partnership(lead, name="Riverside Hub", kind=PartnershipKind.HUB,
                                        place="Riverside", lead_organisation="Riverside MS")
    mo = users.register_user("mo@example.org", "Mo Member", PASSWORD)
    invitation = membership.create_invitation(hub, lead, Role.MEMBER)
    membership.accept_invitation(invitation.token, mo)
    load_catalogue_seed()
    organisation = membership.add_organisation(hub, name="Riverside Music Service",
                                               sector=Sector.MUSIC_HUB)
    centres.create_centre(hub, organisation.id, items.find_item("CME"))

    member = new_page()
    log_in(member, live_server, "mo@example.org")
    member.goto(f"{live_server}/p/{hub.id}/")
    expect(member.get_by_role("heading", name="Riverside Hub")).to_be_visible()
    expect(member.get_by_role("link", name="Admin", exact=True)).to_have_count(0)

    admin = new_page()
    log_in(admin, live_server, "ada@example.org")
    admin.get_by_role("link", name="Admin", exact=True).click()
    admin.wait_for_load_state("load")  # htmx has bound the search box by then
    admin.get_by_label("Name or email").fill("mo@")
    htmx_idle(admin)
    expect(admin.locator("#account-list tbody tr")).to_have_count(1)
    shot(admin, "admin-accounts")
    admin.get_by_role("link", name="Mo Member").click()
    admin.get_by_label("Reason").fill("Posting other people's contact details")
    admin.get_by_role("button", name="Suspend the account").click()
    expect(admin.get_by_text("Mo Member's account is suspended")).to_be_visible()
    shot(admin, "admin-account-suspended")

    member.reload()  # her open session is refused at once
    expect(member).to_have_url(f"{live_server}/login?next=%2Fp%2F{hub.id}%2F")
    member.get_by_label("Email").fill("mo@example.org")
    member.get_by_label("Password").fill(PASSWORD)
    member.get_by_role("button", name="Log in").click()
    expect(member.get_by_text("This account is suspended")).to_be_visible()

    admin.get_by_label("Note (optional)").fill("Details removed; apology made")
    admin.get_by_role("button", name="Restore the account").click()
    expect(admin.get_by_text("Mo Member's account is restored")).to_be_visible()
    log_in(member, live_server, "mo@example.org")

    admin.get_by_role("link", name="Partnerships").click()
    shot(admin, "admin-partnerships")
    admin.get_by_role("link", name="Riverside Hub").click()
    admin.get_by_label("Reason").fill("Complaint under review")
    admin.get_by_role("button", name="Suspend the partnership").click()
    expect(admin.get_by_text("Riverside Hub is suspended")).to_be_visible()
    shot(admin, "admin-partnership-suspended")
    member.goto(f"{live_server}/p/{hub.id}/")
    expect(member.get_by_role("heading", name="This partnership is suspended")).to_be_visible()
    shot(member, "partnership-suspended")
    admin.get_by_role("button", name="Restore the partnership").click()
    member.reload()
    expect(member.get_by_role("heading", name="Riverside Hub")).to_be_visible()

    admin.get_by_role("link", name="Centres' assessors").click()
    shot(admin, "admin-centres")
    admin.get_by_role("link", name="Riverside Music Service").click()
    admin.get_by_label("Email of a member of the partnership").fill("mo@example.org")
    admin.get_by_role("button", name="Make assessor").click()
    expect(admin.get_by_text("Mo Member is now an assessor here.")).to_be_visible()
    shot(admin, "admin-centre")

    admin.get_by_role("link", name="Log", exact=True).click()
    rows = admin.locator("#action-log tbody tr")
    expect(rows).to_have_count(6)  # the command made Ada administrator first
    expect(rows.first).to_contain_text("Made centre assessor")
    shot(admin, "admin-log")
