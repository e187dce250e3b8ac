"""Site administration over HTTP: pages and htmx fragments for administrators only (404 for
anyone else), suspensions that take effect on the very next request, the fresh-login guard,
refusals as 422 forms, and the `flask admin create` command."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import HTMX, PASSWORD
from workspace.clock import utcnow
from workspace.extensions import db
from workspace.models import AdminAction, CentreStaff
from workspace.models.admin import AdminActionKind
from workspace.models.audits import AuditStatus
from workspace.models.partnerships import Sector
from workspace.services.accounts import users
from workspace.services.admin import accounts
from workspace.services.audits import records
from workspace.services.catalogue import items
from workspace.services.catalogue.seed import load_catalogue_seed
from workspace.services.partnerships import membership
from workspace.services.progress import centres


def sign_in(app, user):
    browser = app.test_client()
    response = browser.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def world(make_user, make_partnership, add_member):
    lead = make_user(name="Lee Lead", email="lee@example.org")
    hub = make_partnership(lead=lead, name="Riverside Hub")
    member = add_member(hub, make_user(name="Mo Member", email="mo@example.org")).user
    load_catalogue_seed()
    org = membership.add_organisation(hub, name="Riverside Music Service",
                                      sector=Sector.MUSIC_HUB)
    centre = centres.create_centre(hub, org.id, items.find_item("CME"))
    return {"hub": hub, "lead": lead, "member": member, "centre": centre}


def pages(world) -> list[str]:
    hub, member, centre = world["hub"], world["member"], world["centre"]
    return ["/admin/", f"/admin/accounts/{member.id}", "/admin/partnerships",
            f"/admin/partnerships/{hub.id}", "/admin/centres", f"/admin/centres/{centre.id}",
            "/admin/log"]


def test_administrators_see_every_page_and_fragment_and_the_nav_link(app, admin, world):
    browser = sign_in(app, admin)
    for url in pages(world):
        page = browser.get(url)
        assert page.status_code == 200, url
        assert "Site administration" in text(page) and 'href="/admin/"' in text(page)
    fragments = {"/admin/?q=mo": ("account-list", "Mo Member"),
                 "/admin/partnerships?q=river": ("partnership-list", "Riverside Hub"),
                 "/admin/log?action=suspend_account": ("action-log", "Nothing logged")}
    for url, (section, shown) in fragments.items():
        fragment = text(browser.get(url, headers=HTMX))
        assert fragment.lstrip().startswith(f'<section id="{section}">'), url
        assert shown in fragment and "<html" not in fragment


def test_everyone_else_gets_404_and_no_admin_link(app, client, admin, world):
    for url in pages(world):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location
    for person in (world["lead"], world["member"]):
        browser = sign_in(app, person)
        for url in pages(world):
            assert browser.get(url).status_code == 404, url
        assert browser.post(f"/admin/accounts/{admin.id}/suspend",
                            data={"reason": "Coup"}).status_code == 404
        assert 'href="/admin/"' not in text(browser.get("/"))
    assert not admin.is_suspended


def test_a_suspended_members_open_session_is_refused_on_its_next_request(app, admin, world):
    member = world["member"]
    members_browser = sign_in(app, member)
    assert members_browser.get("/account").status_code == 200
    response = sign_in(app, admin).post(f"/admin/accounts/{member.id}/suspend",
                                        data={"reason": "Abusive messages"})
    assert response.status_code == 302
    assert response.location.endswith(f"/admin/accounts/{member.id}")
    refused = members_browser.get("/account")
    assert refused.status_code == 302 and "/login" in refused.location
    again = members_browser.post("/login", data={"email": member.email, "password": PASSWORD})
    assert again.status_code == 422 and "This account is suspended" in text(again)
    page = text(sign_in(app, admin).get(f"/admin/accounts/{member.id}"))
    assert "Abusive messages" in page and "Restore the account" in page


def test_restoring_lets_them_sign_in_and_the_log_shows_both(app, admin, world):
    member = world["member"]
    browser = sign_in(app, admin)
    browser.post(f"/admin/accounts/{member.id}/suspend", data={"reason": "Checking"})
    browser.post(f"/admin/accounts/{member.id}/restore", data={"reason": "All clear"})
    assert sign_in(app, member).get("/account").status_code == 200
    log = text(browser.get("/admin/log"))
    assert "Account suspended" in log and "Account restored" in log and "All clear" in log
    only = text(browser.get("/admin/log?action=restore_account"))
    assert "Account restored" in only and "Checking" not in only


def test_a_suspension_without_a_reason_or_of_oneself_is_a_422_changing_nothing(app, admin,
                                                                               world):
    browser = sign_in(app, admin)
    member = world["member"]
    response = browser.post(f"/admin/accounts/{member.id}/suspend", data={"reason": " "})
    assert response.status_code == 422 and "Say why" in text(response)
    response = browser.post(f"/admin/accounts/{admin.id}/suspend", data={"reason": "Oops"})
    assert response.status_code == 422 and "You cannot suspend your own account." in text(response)
    assert not member.is_suspended and not admin.is_suspended
    assert db.session.scalars(select(AdminAction)).all() == []


def test_changes_ask_for_a_recent_login_first(app, admin, world, clock):
    browser = sign_in(app, admin)
    clock.shift(timedelta(minutes=app.config["FRESH_LOGIN_MINUTES"] + 1))
    member = world["member"]
    response = browser.post(f"/admin/accounts/{member.id}/suspend", data={"reason": "Late"})
    assert response.status_code == 302 and "/account/confirm" in response.location
    fragment = browser.post(f"/admin/accounts/{member.id}/role", headers=HTMX,
                            data={"role": "catalogue_editor", "grant": "yes"})
    assert fragment.status_code == 204 and "/account/confirm" in fragment.headers["HX-Redirect"]
    assert not member.is_suspended and not member.is_catalogue_editor


def test_roles_are_granted_and_taken_away_from_the_account_page(app, admin, world):
    browser = sign_in(app, admin)
    member = world["member"]
    url = f"/admin/accounts/{member.id}/role"
    assert browser.post(url, data={"role": "catalogue_editor", "grant": "yes"}).status_code == 302
    assert member.is_catalogue_editor
    page = text(browser.get(f"/admin/accounts/{member.id}"))
    assert "Mo Member is now catalogue editor." in page and "Made catalogue editor" in page
    refused = browser.post(f"/admin/accounts/{admin.id}/role",
                           data={"role": "site_admin", "grant": "no"})
    assert refused.status_code == 422 and "Another administrator must" in text(refused)
    assert admin.is_site_admin


def test_a_suspended_partnership_shows_its_members_a_page_that_says_so(app, admin, world):
    hub, lead = world["hub"], world["lead"]
    leads_browser = sign_in(app, lead)
    assert leads_browser.get(f"/p/{hub.id}/").status_code == 200
    response = sign_in(app, admin).post(f"/admin/partnerships/{hub.id}/suspend",
                                        data={"reason": "Complaint under review"})
    assert response.status_code == 302
    for url in (f"/p/{hub.id}/", f"/p/{hub.id}/members", f"/p/{hub.id}/chat/"):
        refused = leads_browser.get(url)
        assert refused.status_code == 403, url
        assert "This partnership is suspended" in text(refused)
    fragment = leads_browser.get(f"/p/{hub.id}/members", headers=HTMX)
    assert fragment.status_code == 403 and fragment.headers["HX-Refresh"] == "true"
    edit = leads_browser.post(f"/p/{hub.id}/edit", data={
        "name": "Renamed", "kind": "hub", "place": "x", "lead_organisation": "y"})
    assert edit.status_code == 403 and hub.name == "Riverside Hub"
    sign_in(app, admin).post(f"/admin/partnerships/{hub.id}/restore", data={"reason": ""})
    assert leads_browser.get(f"/p/{hub.id}/").status_code == 200


def test_a_suspended_partnerships_needs_form_takes_no_answers(app, client, admin, world,
                                                             clock):
    hub, lead = world["hub"], world["lead"]
    audit = records.create_audit(hub, lead, records.AuditFields(
        title="Audit", period_start=clock.today, period_end=clock.ahead(300),
        area="Riverside"), minimum_threshold=5)
    records.change_status(audit, AuditStatus.COLLECTING, utcnow())
    assert client.get(f"/needs/{audit.needs_token}").status_code == 200
    sign_in(app, admin).post(f"/admin/partnerships/{hub.id}/suspend", data={"reason": "Review"})
    closed = client.get(f"/needs/{audit.needs_token}")
    assert closed.status_code == 410 and "not taking answers for now" in text(closed)


def test_assessors_are_named_and_removed_on_the_centre_page(app, admin, world):
    browser, centre, member = sign_in(app, admin), world["centre"], world["member"]
    refused = browser.post(f"/admin/centres/{centre.id}/assessors",
                           data={"email": "stranger@example.org"})
    assert refused.status_code == 422 and "No member of Riverside Hub" in text(refused)
    assert browser.post(f"/admin/centres/{centre.id}/assessors",
                        data={"email": member.email}).status_code == 302
    assert centres.is_assessor(member, centre)
    staff_id = db.session.scalar(select(CentreStaff.id))
    page = text(browser.get(f"/admin/centres/{centre.id}"))
    assert "Mo Member is now an assessor here." in page
    assert browser.post(f"/admin/centres/{centre.id}/assessors/{staff_id}/revoke") \
        .status_code == 302
    assert not centres.is_assessor(member, centre)
    assert "Riverside Music Service" in text(browser.get("/admin/centres"))
    assert [a.action for a in db.session.scalars(select(AdminAction))] == [
        AdminActionKind.GRANT_ASSESSOR, AdminActionKind.REVOKE_ASSESSOR]


# --- the command ----------------------------------------------------------------------------


def test_the_command_makes_the_first_administrator(runner):
    result = runner.invoke(args=["admin", "create", "--email", "Root@Example.org"],
                           input="Rita Root\na long enough password\na long enough password\n")
    assert result.exit_code == 0, result.output
    assert "Account made for Rita Root <root@example.org>: a site administrator." in result.output
    rita = users.get_user_by_email("root@example.org")
    assert rita.is_site_admin and users.authenticate("root@example.org",
                                                     "a long enough password") == rita
    entry = db.session.scalar(select(AdminAction))
    assert (entry.action, entry.actor_id, entry.account_id) == (
        AdminActionKind.GRANT_ADMIN, None, rita.id)


def test_the_command_promotes_an_existing_account_and_refuses_bad_input(runner, make_user):
    sam = make_user(name="Sam", email="sam@example.org")
    result = runner.invoke(args=["admin", "create", "--email", "sam@example.org"])
    assert result.exit_code == 0 and "Existing account of Sam" in result.output
    assert sam.is_site_admin
    short = runner.invoke(args=["admin", "create", "--email", "new@example.org", "--name", "N",
                                "--password", "short"])
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    assert runner.invoke(args=["admin", "create", "--email", "nope"]).exit_code != 0
    accounts.suspend_account(None, make_user(email="gone@example.org"), "Left", utcnow())
    suspended = runner.invoke(args=["admin", "create", "--email", "gone@example.org"])
    assert suspended.exit_code != 0 and "suspended" in suspended.output
