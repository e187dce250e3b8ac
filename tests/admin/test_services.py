"""Site administration's rules: suspending and restoring accounts and partnerships, granting
roles and assessors; each action logged in its own transaction, each refusal changing nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.clock import FROZEN_NOW
from tests.conftest import PASSWORD
from workspace.exceptions import DomainError, NotFound, Suspended
from workspace.extensions import db
from workspace.models import AdminAction, CentreStaff, LoginSession, User
from workspace.models.admin import AdminActionKind
from workspace.models.centres import StaffRole
from workspace.models.partnerships import Role, Sector
from workspace.services import permissions
from workspace.services.accounts import deletion, sessions
from workspace.services.admin import accounts, assessors, log, partnerships
from workspace.services.catalogue import items
from workspace.services.catalogue.seed import load_catalogue_seed
from workspace.services.partnerships import membership
from workspace.services.progress import centres

NOW = FROZEN_NOW


def logged() -> list[tuple]:
    return [(a.action, a.target_kind, a.target_id, a.account_id, a.reason)
            for a in db.session.scalars(select(AdminAction).order_by(AdminAction.id))]


def state(*rows) -> list[dict]:
    """The rows' columns, to show that a refusal changed nothing."""
    db.session.expire_all()
    return [{c.key: getattr(r, c.key) for c in r.__table__.columns} for r in rows] + [
        logged(), db.session.scalar(select(func.count(LoginSession.id)).where(
            LoginSession.ended_at.is_(None)))]


# --- accounts -----------------------------------------------------------------------------


def test_suspending_ends_every_session_refuses_the_next_request_and_sign_in(admin, make_user):
    person = make_user()
    tokens = [sessions.start_session(person, NOW) for _ in range(3)]
    assert sessions.user_for_token(tokens[0]) == person
    ended = accounts.suspend_account(admin, person, "  Spam in chat  ", NOW)
    assert ended == 3 and person.is_suspended and person.suspension_reason == "Spam in chat"
    assert [sessions.user_for_token(t) for t in tokens] == [None, None, None]
    assert sessions.count_open_sessions(person) == 0
    assert permissions.why_not_sign_in(person).startswith("This account is suspended")
    assert logged() == [(AdminActionKind.SUSPEND_ACCOUNT, "account", person.id, person.id,
                         "Spam in chat")]


def test_a_suspended_account_with_a_session_left_open_is_still_refused(admin, make_user):
    """The session check asks for the suspension itself, not only for ended sessions."""
    person = make_user()
    token = sessions.start_session(person, NOW)
    person.suspended_at = NOW
    db.session.commit()
    assert sessions.user_for_token(token) is None


def test_restoring_lets_the_person_sign_in_again_and_is_logged(admin, make_user):
    person = make_user()
    accounts.suspend_account(admin, person, "Checking a complaint", NOW)
    accounts.restore_account(admin, person, "Complaint dismissed", NOW + timedelta(hours=1))
    assert not person.is_suspended and person.suspension_reason == ""
    assert permissions.why_not_sign_in(person) is None
    assert sessions.user_for_token(sessions.start_session(person, NOW)) == person
    assert [a[0] for a in logged()] == [AdminActionKind.SUSPEND_ACCOUNT,
                                        AdminActionKind.RESTORE_ACCOUNT]
    assert logged()[1][4] == "Complaint dismissed"


@pytest.mark.parametrize("case", ["self", "no reason", "already", "last admin"])
def test_refused_suspensions_change_nothing(admin, make_user, case):
    person = make_user()
    sessions.start_session(person, NOW)
    sessions.start_session(admin, NOW)
    actor, target, reason = admin, person, "A reason"
    if case == "self":
        target = admin
    elif case == "no reason":
        reason = "   "
    elif case == "already":
        accounts.suspend_account(admin, person, "First time", NOW)
    elif case == "last admin":  # from the command line nobody is the actor: the rule holds
        actor, target = None, admin
    before = state(target)
    with pytest.raises(DomainError) as refused:
        accounts.suspend_account(actor, target, reason, NOW)
    assert refused.value.message
    db.session.rollback()
    assert state(target) == before


def test_restoring_an_active_account_is_refused(admin, make_user):
    person = make_user()
    before = state(person)
    with pytest.raises(DomainError, match="not suspended"):
        accounts.restore_account(admin, person, "", NOW)
    db.session.rollback()
    assert state(person) == before


def test_a_suspended_administrator_administers_nothing(admin, make_user):
    other = make_user()
    accounts.set_role(admin, other, "site_admin", True, NOW)
    assert permissions.is_site_admin(other)
    accounts.suspend_account(admin, other, "Left the organisation", NOW)
    assert not permissions.is_site_admin(other)


def test_roles_are_granted_and_taken_away_with_a_log_entry_each(admin, make_user):
    person = make_user()
    assert accounts.set_role(admin, person, "catalogue_editor", True, NOW)
    assert not accounts.set_role(admin, person, "catalogue_editor", True, NOW)  # held already
    assert person.is_catalogue_editor and permissions.may_edit_catalogue(person)
    assert accounts.set_role(admin, person, "site_admin", True, NOW)
    assert accounts.set_role(admin, person, "site_admin", False, NOW)
    assert accounts.set_role(admin, person, "catalogue_editor", False, NOW)
    assert not person.is_catalogue_editor and not person.is_site_admin
    assert [a[0] for a in logged()] == [
        AdminActionKind.GRANT_EDITOR, AdminActionKind.GRANT_ADMIN, AdminActionKind.REVOKE_ADMIN,
        AdminActionKind.REVOKE_EDITOR]


@pytest.mark.parametrize("case", ["own role", "last admin", "unknown role"])
def test_refused_role_changes_change_nothing(admin, make_user, case):
    actor, target, role = admin, admin, "site_admin"
    if case == "last admin":
        actor = None
    elif case == "unknown role":
        target, role = make_user(), "lead"
    before = state(target)
    with pytest.raises(DomainError):
        accounts.set_role(actor, target, role, False, NOW)
    db.session.rollback()
    assert state(target) == before


def test_the_last_admin_counts_only_administrators_who_are_not_suspended(admin, make_user):
    other = make_user()
    accounts.set_role(admin, other, "site_admin", True, NOW)
    accounts.suspend_account(admin, other, "Away", NOW)
    assert permissions.why_not_revoke_admin(None, admin).startswith("This is the last")
    accounts.restore_account(admin, other, "", NOW)
    assert permissions.why_not_revoke_admin(other, admin) is None


def test_the_command_creates_the_first_administrator_or_promotes_an_account(app, make_user):
    made, created = accounts.create_admin("First@Example.org", NOW, name="First Admin",
                                          password="a long enough password")
    assert created and made.email == "first@example.org" and made.is_site_admin
    existing = make_user(email="second@example.org")
    promoted, created = accounts.create_admin("second@example.org", NOW)
    assert not created and promoted.id == existing.id and promoted.is_site_admin
    entries = db.session.scalars(select(AdminAction).order_by(AdminAction.id)).all()
    assert [(e.action, e.actor_id, e.account_id) for e in entries] == [
        (AdminActionKind.GRANT_ADMIN, None, made.id),
        (AdminActionKind.GRANT_ADMIN, None, existing.id)]


@pytest.mark.parametrize("fields", [{"name": ""}, {"name": "Someone", "password": "short"}])
def test_the_command_refuses_a_new_account_without_a_name_or_a_good_password(app, fields):
    with pytest.raises(DomainError):
        accounts.create_admin("new@example.org", NOW, **fields)
    db.session.rollback()
    assert db.session.scalar(select(func.count(User.id))) == 0 and logged() == []


def test_the_account_list_searches_names_and_emails_and_pages(admin, make_user):
    for n in range(7):
        make_user(name=f"Zoe {n}", email=f"zoe{n}@example.org")
    make_user(name="100% Sam", email="sam@example.org")
    page = accounts.account_page("ZOE", page=2, per_page=5)
    assert page.total == 7 and page.pages == 2 and page.page == 2
    assert [u.name for u in page.items] == ["Zoe 5", "Zoe 6"]
    assert [u.name for u in accounts.account_page("100%").items] == ["100% Sam"]
    assert accounts.account_page("%").total == 1  # the wildcard is taken as a character
    assert accounts.account_page("", page=99).page == 1


# --- partnerships -------------------------------------------------------------------------


@pytest.fixture
def hub(make_user, make_partnership, add_member):
    lead = make_user(name="Lee Lead")
    partnership = make_partnership(lead=lead, name="Riverside Hub")
    member = add_member(partnership, make_user(name="Mo Member")).user
    return partnership, lead, member


def test_a_suspended_partnership_refuses_its_members_and_leads_and_keeps_its_data(admin, hub):
    partnership, lead, member = hub
    before = len(membership.list_members(partnership))
    partnerships.suspend_partnership(admin, partnership, "Complaint under review", NOW)
    for person in (lead, member):
        with pytest.raises(Suspended, match="Riverside Hub is suspended"):
            membership.authorise(person, partnership.id)
        with pytest.raises(Suspended):
            membership.authorise(person, partnership.id, permissions.may_manage_partnership)
    with pytest.raises(NotFound):  # outsiders are not told it exists, suspended or not
        membership.authorise(admin, partnership.id)
    assert len(membership.list_members(partnership)) == before
    partnerships.restore_partnership(admin, partnership, "Resolved", NOW)
    assert membership.authorise(lead, partnership.id, permissions.may_manage_partnership)
    assert [(a[0], a[2], a[4]) for a in logged()] == [
        (AdminActionKind.SUSPEND_PARTNERSHIP, partnership.id, "Complaint under review"),
        (AdminActionKind.RESTORE_PARTNERSHIP, partnership.id, "Resolved")]
    assert db.session.scalars(select(AdminAction.target_label)).all() == ["Riverside Hub"] * 2


def test_a_suspended_partnership_takes_nobody_in_by_invitation(admin, hub, make_user):
    partnership, lead, _ = hub
    invitation = membership.create_invitation(partnership, lead, Role.MEMBER)
    partnerships.suspend_partnership(admin, partnership, "Review", NOW)
    with pytest.raises(DomainError, match="suspended"):
        membership.accept_invitation(invitation.token, make_user())


@pytest.mark.parametrize("case", ["no reason", "already", "restore active"])
def test_refused_partnership_changes_change_nothing(admin, hub, case):
    partnership = hub[0]
    if case == "already":
        partnerships.suspend_partnership(admin, partnership, "First", NOW)
    before = state(partnership)
    with pytest.raises(DomainError):
        if case == "restore active":
            partnerships.restore_partnership(admin, partnership, "", NOW)
        else:
            partnerships.suspend_partnership(admin, partnership, "" if case == "no reason"
                                             else "Again", NOW)
    db.session.rollback()
    assert state(partnership) == before


def test_the_partnership_list_counts_members_and_searches_places(admin, hub, make_partnership):
    make_partnership(name="Northside CEP", place="Northside borough")
    page = partnerships.partnership_page("riverside")
    assert [(r.partnership.name, r.members) for r in page.items] == [("Riverside Hub", 2)]
    assert partnerships.partnership_page("northside borough").total == 1


# --- centres' assessors -------------------------------------------------------------------


@pytest.fixture
def centre(hub):
    partnership, lead, member = hub
    load_catalogue_seed()
    org = membership.add_organisation(partnership, name="Riverside Music Service",
                                      sector=Sector.MUSIC_HUB)
    return centres.create_centre(partnership, org.id, items.find_item("CME"))


def test_assessors_are_granted_and_revoked_by_email_and_logged(admin, hub, centre):
    member = hub[2]
    staff = assessors.grant_assessor(admin, centre, member.email.upper(), NOW)
    assert staff.role == StaffRole.ASSESSOR and centres.is_assessor(member, centre)
    assert assessors.revoke_assessor(admin, centre, staff.id, NOW) == member
    assert not centres.is_assessor(member, centre)
    assert [(a[0], a[1], a[2], a[3]) for a in logged()] == [
        (AdminActionKind.GRANT_ASSESSOR, "centre", centre.id, member.id),
        (AdminActionKind.REVOKE_ASSESSOR, "centre", centre.id, member.id)]
    label = db.session.scalars(select(AdminAction.target_label)).first()
    assert label.startswith("Riverside Music Service, ") and label.endswith("(Riverside Hub)")


@pytest.mark.parametrize("case", ["outsider", "nobody", "twice"])
def test_refused_assessor_grants_change_nothing(admin, hub, centre, make_user, case):
    email = {"outsider": make_user().email, "nobody": "nobody@example.org",
             "twice": hub[2].email}[case]
    if case == "twice":
        assessors.grant_assessor(admin, centre, email, NOW)
    before = state(centre), db.session.scalar(select(func.count(CentreStaff.id)))
    with pytest.raises(DomainError) as refused:
        assessors.grant_assessor(admin, centre, email, NOW)
    assert refused.value.field == "email"
    db.session.rollback()
    assert (state(centre), db.session.scalar(select(func.count(CentreStaff.id)))) == before


def test_only_an_assessor_row_of_the_centre_is_revoked(admin, hub, centre):
    mentor = centres.add_staff(centre, membership.find_membership(
        hub[0].id, hub[1]).id, StaffRole.MENTOR)
    with pytest.raises(NotFound):
        assessors.revoke_assessor(admin, centre, mentor.id, NOW)
    db.session.rollback()
    assert db.session.get(CentreStaff, mentor.id) is not None and logged() == []


# --- the log ------------------------------------------------------------------------------


def test_the_log_filters_by_action_and_pages_newest_first(admin, make_user):
    people = [make_user() for _ in range(3)]
    for n, person in enumerate(people):
        accounts.suspend_account(admin, person, f"Reason {n}", NOW + timedelta(minutes=n))
    accounts.restore_account(admin, people[0], "", NOW + timedelta(minutes=9))
    page = log.action_page(AdminActionKind.SUSPEND_ACCOUNT, page=1, per_page=2)
    assert page.total == 3 and page.pages == 2
    assert [a.reason for a in page.items] == ["Reason 2", "Reason 1"]
    assert log.action_page().items[0].action == AdminActionKind.RESTORE_ACCOUNT
    assert log.action_page(account=people[0]).total == 2
    assert log.parse_action("no such thing") is None


def test_the_last_administrator_cannot_delete_their_account(admin, make_user):
    with pytest.raises(DomainError, match="last administrator"):
        deletion.delete_account(admin, PASSWORD, NOW)
    db.session.rollback()
    assert admin.is_site_admin and admin.name == "Ada Admin"
    accounts.set_role(admin, make_user(), "site_admin", True, NOW)
    deletion.delete_account(admin, PASSWORD, NOW)
    assert not admin.is_site_admin and admin.name == deletion.FORMER_MEMBER
