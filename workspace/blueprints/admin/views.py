"""Site administration: accounts, partnerships, centres' assessors, the log. Administrators
only (`admin_required`: anyone else gets 404); every change asks for a recent login."""

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user

from workspace.blueprints.access import admin_required, recent_login_required
from workspace.blueprints.admin.forms import (
    AssessorForm,
    RestoreForm,
    RoleForm,
    SearchForm,
    SuspendForm,
)
from workspace.blueprints.partnerships.forms import ConfirmForm
from workspace.blueprints.rendering import add_domain_error, render, render_form
from workspace.clock import utcnow
from workspace.exceptions import DomainError
from workspace.models.admin import AdminActionKind
from workspace.services.accounts import sessions
from workspace.services.admin import accounts as admin_accounts
from workspace.services.admin import assessors, log
from workspace.services.admin import partnerships as admin_partnerships

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _query() -> str:
    form = SearchForm(request.args)
    return (form.q.data or "").strip() if form.validate() else ""


def _page() -> int:
    return request.args.get("page", 1, type=int)


# --- accounts ------------------------------------------------------------------------------


@bp.get("/")
@admin_required
def accounts():
    query = _query()
    return render("admin/accounts.html", "admin/_account_list.html", query=query,
                  shown=admin_accounts.account_page(query, _page()))


def _account_page(account, form=None):
    form = form or (RestoreForm() if account.is_suspended else SuspendForm())
    return render_form("admin/account.html", form, account=account,
                       memberships=admin_accounts.memberships_of(account),
                       open_sessions=sessions.count_open_sessions(account),
                       history=log.action_page(account=account, per_page=20).items,
                       role_form=RoleForm())


@bp.get("/accounts/<int:user_id>")
@admin_required
def account(user_id: int):
    return _account_page(admin_accounts.get_account(user_id))


def _account_change(user_id: int, form, change, done: str):
    """Validate `form`, call `change(account, form)`; back to the account page either way."""
    account = admin_accounts.get_account(user_id)
    if form.validate_on_submit():
        try:
            change(account, form)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash(done.format(name=account.name), "success")
            return redirect(url_for("admin.account", user_id=account.id))
    return _account_page(account, form)


@bp.post("/accounts/<int:user_id>/suspend")
@admin_required
@recent_login_required
def suspend_account(user_id: int):
    return _account_change(user_id, SuspendForm(), lambda account, form: (
        admin_accounts.suspend_account(current_user, account, form.reason.data, utcnow())),
        "{name}'s account is suspended: their sessions have ended.")


@bp.post("/accounts/<int:user_id>/restore")
@admin_required
@recent_login_required
def restore_account(user_id: int):
    return _account_change(user_id, RestoreForm(), lambda account, form: (
        admin_accounts.restore_account(current_user, account, form.reason.data, utcnow())),
        "{name}'s account is restored: they can sign in again.")


def _refused(account, message: str):
    """The account page again, saying why the role did not change (422, as invalid forms)."""
    flash(message, "error")
    page, _ = _account_page(account)
    return page, 422


@bp.post("/accounts/<int:user_id>/role")
@admin_required
@recent_login_required
def set_role(user_id: int):
    form = RoleForm()
    account = admin_accounts.get_account(user_id)
    if not form.validate_on_submit():
        return _refused(account, "Choose a role to grant or take away.")
    granted, role = form.grant.data == "yes", admin_accounts.ROLES[form.role.data]
    try:
        admin_accounts.set_role(current_user, account, form.role.data, granted, utcnow())
    except DomainError as error:
        return _refused(account, error.message)
    flash(f"{account.name} is {'now' if granted else 'no longer'} {role}.", "success")
    return redirect(url_for("admin.account", user_id=account.id))


# --- partnerships --------------------------------------------------------------------------


@bp.get("/partnerships")
@admin_required
def partnerships():
    query = _query()
    return render("admin/partnerships.html", "admin/_partnership_list.html", query=query,
                  shown=admin_partnerships.partnership_page(query, _page()))


def _partnership_page(partnership, form=None):
    form = form or (RestoreForm() if partnership.is_suspended else SuspendForm())
    return render_form("admin/partnership.html", form, partnership=partnership,
                       leads=admin_partnerships.leads_of(partnership),
                       members=admin_partnerships.member_count(partnership))


@bp.get("/partnerships/<int:partnership_id>")
@admin_required
def partnership(partnership_id: int):
    return _partnership_page(admin_partnerships.get_partnership(partnership_id))


def _partnership_change(partnership_id: int, form, change, done: str):
    partnership = admin_partnerships.get_partnership(partnership_id)
    if form.validate_on_submit():
        try:
            change(current_user, partnership, form.reason.data, utcnow())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash(done.format(name=partnership.name), "success")
            return redirect(url_for("admin.partnership", partnership_id=partnership.id))
    return _partnership_page(partnership, form)


@bp.post("/partnerships/<int:partnership_id>/suspend")
@admin_required
@recent_login_required
def suspend_partnership(partnership_id: int):
    return _partnership_change(partnership_id, SuspendForm(),
                               admin_partnerships.suspend_partnership,
                               "{name} is suspended: its pages are closed to its members.")


@bp.post("/partnerships/<int:partnership_id>/restore")
@admin_required
@recent_login_required
def restore_partnership(partnership_id: int):
    return _partnership_change(partnership_id, RestoreForm(),
                               admin_partnerships.restore_partnership,
                               "{name} is restored: its members can use it again.")


# --- centres' assessors --------------------------------------------------------------------


@bp.get("/centres")
@admin_required
def centres():
    return render("admin/centres.html", shown=assessors.centre_page(_page()),
                  partnership_of=assessors.partnership_of)


def _centre_page(centre, form=None):
    return render_form("admin/centre.html", form or AssessorForm(), centre=centre,
                       partnership=assessors.partnership_of(centre),
                       assessors=assessors.assessors(centre))


@bp.get("/centres/<int:centre_id>")
@admin_required
def centre(centre_id: int):
    return _centre_page(assessors.get_centre(centre_id))


@bp.post("/centres/<int:centre_id>/assessors")
@admin_required
@recent_login_required
def grant_assessor(centre_id: int):
    centre = assessors.get_centre(centre_id)
    form = AssessorForm()
    if form.validate_on_submit():
        try:
            staff = assessors.grant_assessor(current_user, centre, form.email.data, utcnow())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash(f"{staff.membership.user.name} is now an assessor here.", "success")
            return redirect(url_for("admin.centre", centre_id=centre.id))
    return _centre_page(centre, form)


@bp.post("/centres/<int:centre_id>/assessors/<int:centre_staff_id>/revoke")
@admin_required
@recent_login_required
def revoke_assessor(centre_id: int, centre_staff_id: int):
    centre = assessors.get_centre(centre_id)
    if ConfirmForm().validate_on_submit():
        account = assessors.revoke_assessor(current_user, centre, centre_staff_id, utcnow())
        flash(f"{account.name} is no longer an assessor here.", "success")
    return redirect(url_for("admin.centre", centre_id=centre.id))


# --- the log -------------------------------------------------------------------------------


@bp.get("/log")
@admin_required
def action_log():
    action = log.parse_action(request.args.get("action"))
    return render("admin/log.html", "admin/_log_table.html", action=action,
                  kinds=list(AdminActionKind), shown=log.action_page(action, _page()))
