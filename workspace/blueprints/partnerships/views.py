"""Partnership spaces: create, overview, members, invitations, organisations, member log."""

from flask import Blueprint, abort, current_app, flash, g, redirect, session, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from workspace.blueprints.access import partnership_route, recent_login_required
from workspace.blueprints.partnerships.forms import (
    ConfirmForm,
    InvitationForm,
    OrganisationForm,
    PartnershipForm,
    RepresentativeForm,
    RoleForm,
)
from workspace.blueprints.rendering import add_domain_error, render, render_form
from workspace.clock import london_today
from workspace.exceptions import DomainError, Forbidden, NotFound
from workspace.extensions import htmx
from workspace.infra.links import absolute_url
from workspace.models.partnerships import PartnershipKind, Role, Sector
from workspace.services import permissions
from workspace.services.partnerships import exports
from workspace.services.partnerships import membership as service
from workspace.services.steering import actions

bp = Blueprint("partnerships", __name__)


@bp.app_context_processor
def inject_switcher():
    """The signed-in person's partnerships for the switcher in the navigation."""
    if not current_user.is_authenticated:
        return {"my_memberships": []}
    return {"my_memberships": service.list_memberships_of(current_user)}


def _partnership_fields(form: PartnershipForm) -> dict:
    return {"name": form.name.data, "kind": PartnershipKind(form.kind.data),
            "place": form.place.data, "lead_organisation": form.lead_organisation.data,
            "description": form.description.data or ""}


@bp.route("/partnerships/new", methods=["GET", "POST"])
@login_required
def create():
    form = PartnershipForm()
    if form.validate_on_submit():
        partnership = service.create_partnership(current_user, **_partnership_fields(form))
        flash(f"{partnership.name} is ready. Invite your colleagues next.", "success")
        return redirect(url_for("partnerships.invitations", partnership_id=partnership.id))
    return render_form("partnerships/create.html", form)


@bp.get("/p/<int:partnership_id>/")
@partnership_route()
def overview(partnership):
    session["partnership_id"] = partnership.id
    return render("partnerships/overview.html", partnership=partnership,
                  members=service.list_members(partnership, limit=8),
                  member_count=service.count_members(partnership),
                  organisations=service.list_organisations(partnership),
                  my_actions=actions.open_actions_of(partnership, current_user),
                  today=london_today())


@bp.route("/p/<int:partnership_id>/edit", methods=["GET", "POST"])
@partnership_route(permissions.may_manage_partnership)
def edit(partnership):
    form = PartnershipForm(obj=partnership, kind=partnership.kind.value)
    if form.validate_on_submit():
        service.update_partnership(partnership, **_partnership_fields(form))
        flash("The partnership's details are saved.", "success")
        return redirect(url_for("partnerships.overview", partnership_id=partnership.id))
    return render_form("partnerships/edit.html", form, partnership=partnership)


# --- members -------------------------------------------------------------------------------


@bp.get("/p/<int:partnership_id>/members")
@partnership_route()
def members(partnership):
    return render("partnerships/members.html", partnership=partnership,
                  members=service.list_members(partnership), confirm=ConfirmForm())


def _members_answer(partnership, error: str | None = None, done: str | None = None):
    """After a change to the member list: its fragment for htmx, else back to the page."""
    if error:
        flash(error, "error")
    elif done:
        flash(done, "success")
    if htmx:
        return render("partnerships/members.html", "partnerships/_member_list.html",
                      status=422 if error else 200, partnership=partnership,
                      members=service.list_members(partnership), confirm=ConfirmForm())
    return redirect(url_for("partnerships.members", partnership_id=partnership.id))


@bp.post("/p/<int:partnership_id>/members/<int:membership_id>/role")
@partnership_route(permissions.may_manage_partnership)
@recent_login_required
def change_role(partnership, membership_id: int):
    form = RoleForm()
    if not form.validate_on_submit():
        return _members_answer(partnership, error="Choose one of the roles.")
    try:
        member = service.change_role(partnership, membership_id, Role(form.role.data),
                                     current_user)
    except DomainError as exc:
        return _members_answer(partnership, error=exc.message)
    return _members_answer(partnership, done=f"{member.user.name} is now "
                                             f"{member.role.label.lower()}.")


@bp.post("/p/<int:partnership_id>/members/<int:membership_id>/remove")
@partnership_route(permissions.may_manage_partnership)
def remove_member(partnership, membership_id: int):
    try:
        service.remove_member(partnership, membership_id, current_user)
    except DomainError as exc:
        return _members_answer(partnership, error=exc.message)
    return _members_answer(partnership, done="The member has been removed.")


@bp.post("/p/<int:partnership_id>/leave")
@partnership_route()
def leave(partnership):
    try:
        service.leave_partnership(partnership, g.membership)
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(url_for("partnerships.members", partnership_id=partnership.id))
    session.pop("partnership_id", None)
    flash(f"You have left {partnership.name}.", "info")
    return redirect(url_for("main.index"))


@bp.get("/p/<int:partnership_id>/log")
@partnership_route(permissions.may_manage_partnership)
def log(partnership):
    return render("partnerships/log.html", partnership=partnership,
                  entries=service.member_log(partnership),
                  exported=exports.list_exports(partnership))


# --- invitations ---------------------------------------------------------------------------


def _invitation_page(partnership, form, status=None):
    context = {"partnership": partnership,
               "invitations": service.list_open_invitations(partnership),
               "confirm": ConfirmForm()}
    if status is None:
        return render_form("partnerships/invitations.html", form,
                           "partnerships/_invitations.html", **context)
    return render("partnerships/invitations.html", "partnerships/_invitations.html",
                  status=status, form=form, **context)


def _invitation_link(token: str) -> str:
    return absolute_url("partnerships.invitation", token=token)


@bp.route("/p/<int:partnership_id>/invitations", methods=["GET", "POST"])
@partnership_route(permissions.may_manage_partnership)
def invitations(partnership):
    form = InvitationForm()
    if form.validate_on_submit():
        invitation = service.create_invitation(partnership, current_user, Role(form.role.data),
                                               email=form.email.data or None,
                                               days=current_app.config["INVITATION_DAYS"],
                                               link_for=_invitation_link)
        if invitation.email:
            flash(f"Invitation sent to {invitation.email}.", "success")
        else:
            flash("Invitation link ready: copy it from the list below.", "success")
        if not htmx:
            return redirect(url_for("partnerships.invitations", partnership_id=partnership.id))
        return _invitation_page(partnership, InvitationForm(formdata=None), status=200)
    return _invitation_page(partnership, form)


@bp.post("/p/<int:partnership_id>/invitations/<int:invitation_id>/revoke")
@partnership_route(permissions.may_manage_partnership)
def revoke_invitation(partnership, invitation_id: int):
    if ConfirmForm().validate_on_submit():
        service.revoke_invitation(partnership, invitation_id)
        flash("The invitation no longer works.", "info")
    return redirect(url_for("partnerships.invitations", partnership_id=partnership.id))


@bp.get("/invite/<token>")
def invitation(token: str):
    try:
        invite = service.open_invitation(token)
    except NotFound:
        abort(404)
    except DomainError as exc:
        return render("partnerships/invitation_closed.html", status=410, message=exc.message)
    member = refusal = None
    if current_user.is_authenticated:
        member = service.find_membership(invite.partnership_id, current_user)
        refusal = permissions.why_not_accept_invitation(current_user, invite.email)
    return render("partnerships/invitation.html", invitation=invite, member=member,
                  refusal=refusal, form=ConfirmForm())


@bp.post("/invite/<token>")
@login_required
def accept_invitation(token: str):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        membership = service.accept_invitation(token, current_user)
    except NotFound:
        abort(404)
    except Forbidden as exc:
        return render("partnerships/invitation_closed.html", status=403, message=exc.message)
    except DomainError as exc:
        return render("partnerships/invitation_closed.html", status=410, message=exc.message)
    flash(f"Welcome to {membership.partnership.name}.", "success")
    return redirect(url_for("partnerships.overview", partnership_id=membership.partnership_id))


# --- organisations -------------------------------------------------------------------------


def _organisation_fields(form: OrganisationForm) -> dict:
    return {"name": form.name.data, "sector": Sector(form.sector.data),
            "school_phase": form.school_phase.data or None}


@bp.get("/p/<int:partnership_id>/organisations")
@partnership_route()
def organisations(partnership):
    return render_form("partnerships/organisations.html", OrganisationForm(),
                       partnership=partnership,
                       organisations=service.list_organisations(partnership))


@bp.post("/p/<int:partnership_id>/organisations")
@partnership_route(permissions.may_keep_organisations)
def add_organisation(partnership):
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = service.add_organisation(partnership, **_organisation_fields(form))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            flash(f"{organisation.name} is logged as a member organisation.", "success")
            return redirect(url_for("partnerships.organisation", partnership_id=partnership.id,
                                    organisation_id=organisation.id))
    return render_form("partnerships/organisations.html", form,
                       "partnerships/_organisation_form.html", partnership=partnership,
                       organisations=service.list_organisations(partnership))


def _representative_form(partnership, organisation) -> RepresentativeForm:
    form = RepresentativeForm()
    taken = {r.membership_id for r in organisation.representatives}
    form.membership_id.choices = [SelectChoice(m.id, m.user.name)
                                  for m in service.list_members(partnership)
                                  if m.id not in taken]
    return form


def _organisation_page(partnership, organisation, form=None, rep_form=None):
    form = form or OrganisationForm(obj=organisation, sector=organisation.sector.value)
    rep_form = rep_form or _representative_form(partnership, organisation)
    status = 422 if form.errors or rep_form.errors else 200
    return render("partnerships/organisation.html", status=status, partnership=partnership,
                  organisation=organisation, form=form, rep_form=rep_form,
                  confirm=ConfirmForm())


@bp.get("/p/<int:partnership_id>/organisations/<int:organisation_id>")
@partnership_route()
def organisation(partnership, organisation_id: int):
    org = service.get_owned(service.Organisation, partnership, organisation_id)
    return _organisation_page(partnership, org)


@bp.post("/p/<int:partnership_id>/organisations/<int:organisation_id>")
@partnership_route(permissions.may_keep_organisations)
def edit_organisation(partnership, organisation_id: int):
    org = service.get_owned(service.Organisation, partnership, organisation_id)
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            service.update_organisation(partnership, org.id, **_organisation_fields(form))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            flash("The organisation is saved.", "success")
            return redirect(url_for("partnerships.organisation", partnership_id=partnership.id,
                                    organisation_id=org.id))
    return _organisation_page(partnership, org, form=form)


@bp.post("/p/<int:partnership_id>/organisations/<int:organisation_id>/delete")
@partnership_route(permissions.may_keep_organisations)
def delete_organisation(partnership, organisation_id: int):
    service.get_owned(service.Organisation, partnership, organisation_id)
    if ConfirmForm().validate_on_submit():
        service.delete_organisation(partnership, organisation_id)
        flash("The organisation is no longer logged.", "info")
    return redirect(url_for("partnerships.organisations", partnership_id=partnership.id))


@bp.post("/p/<int:partnership_id>/organisations/<int:organisation_id>/representatives")
@partnership_route(permissions.may_keep_organisations)
def add_representative(partnership, organisation_id: int):
    org = service.get_owned(service.Organisation, partnership, organisation_id)
    rep_form = _representative_form(partnership, org)
    if rep_form.validate_on_submit():
        try:
            service.add_representative(partnership, org.id, rep_form.membership_id.data)
        except DomainError as exc:
            add_domain_error(rep_form, exc)
        else:
            flash("Representative added.", "success")
            return redirect(url_for("partnerships.organisation", partnership_id=partnership.id,
                                    organisation_id=org.id))
    return _organisation_page(partnership, org, rep_form=rep_form)


@bp.post("/p/<int:partnership_id>/representatives/<int:representative_id>/remove")
@partnership_route(permissions.may_keep_organisations)
def remove_representative(partnership, representative_id: int):
    rep = service.get_owned(service.Representative, partnership, representative_id)
    organisation_id = rep.organisation_id
    if ConfirmForm().validate_on_submit():
        service.remove_representative(partnership, representative_id)
        flash("Representative removed.", "info")
    return redirect(url_for("partnerships.organisation", partnership_id=partnership.id,
                            organisation_id=organisation_id))
