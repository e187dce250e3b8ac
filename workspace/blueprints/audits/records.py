"""An audit's provision and needs, entered by hand and listed (with CSV downloads)."""

from flask import Response, flash, redirect
from flask_login import current_user
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from workspace.blueprints.access import partnership_route
from workspace.blueprints.audits.forms import NeedForm, ProvisionForm
from workspace.blueprints.audits.views import audit_url, bp
from workspace.blueprints.partnerships.forms import ConfirmForm
from workspace.blueprints.picking import role_choices
from workspace.blueprints.rendering import add_domain_error, render, render_form
from workspace.exceptions import DomainError
from workspace.models.audits import AgePhase, ArtForm, NeedSource, Priority
from workspace.services import permissions
from workspace.services.audits import gaps, records
from workspace.services.partnerships import membership as partnership_service


def csv_response(text: str, filename: str) -> Response:
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


HIDDEN_FIGURE_HINT = ("A figure was entered; leave blank to keep it, or enter a new one to "
                      "replace it. It is never shown again.")


def hide_stored_figure(field) -> None:
    """A stored children figure's field left empty (the form is built without the figure):
    it may stay empty, which keeps the stored figure (see records.KEEP)."""
    field.validators = [Optional()] + [v for v in field.validators
                                       if not isinstance(v, InputRequired | Optional)]
    field.flags.required, field.flags.optional = False, True
    field.description = HIDDEN_FIGURE_HINT


def children_or_keep(field, hidden: bool):
    """The figure typed in, or KEEP when the stored one was hidden and the field left empty."""
    return records.KEEP if hidden and field.data is None else field.data


# --- provision ------------------------------------------------------------------------------


def _provision_form(partnership, **kwargs) -> ProvisionForm:
    form = ProvisionForm(**kwargs)
    form.organisation.choices = [SelectChoice("", "Another provider")] + [
        SelectChoice(str(o.id), o.name)
        for o in partnership_service.list_organisations(partnership)]
    form.groups.choices = [SelectChoice(g.id, g.name)
                           for g in records.list_target_groups(partnership)]
    return form


def _provision_fields(form: ProvisionForm, hidden: bool = False) -> records.ProvisionFields:
    cost = form.cost.data
    children = children_or_keep(form.children_reached, hidden)
    return records.ProvisionFields(
        provider_name=form.provider_name.data or "", activity=form.activity.data or "",
        art_form=ArtForm(form.art_form.data), phase=AgePhase(form.phase.data),
        ward=form.ward.data or "", setting=form.setting.data or "",
        organisation_id=int(form.organisation.data) if form.organisation.data else None,
        group_ids=frozenset(form.groups.data or []),
        children_reached=children if children is records.KEEP else children or 0,
        settings_reached=form.settings_reached.data or 0,
        cost_pence=None if cost is None else int(cost * 100),
        funding_source=form.funding_source.data or "", notes=form.notes.data or "",
        qualification_ids=frozenset(q.id for q in form.qualifications.items))


@bp.get("/p/<int:partnership_id>/audits/<int:audit_id>/provision")
@partnership_route(permissions.may_see_audits)
def provision_list(partnership, audit_id: int):
    audit = records.get_audit(partnership, audit_id)
    facts = gaps.load_facts(partnership, audit)
    return render("audits/provision.html", partnership=partnership, audit=audit, facts=facts,
                  confirm=ConfirmForm())


@bp.get("/p/<int:partnership_id>/audits/<int:audit_id>/provision.csv")
@partnership_route(permissions.may_see_audits)
def provision_csv(partnership, audit_id: int):
    audit = records.get_audit(partnership, audit_id)
    facts = gaps.load_facts(partnership, audit)
    return csv_response(gaps.provision_csv(facts), f"audit-{audit.id}-provision.csv")


def _provision_page(partnership, audit, form, provision=None):
    return render_form("audits/provision_form.html", form, partnership=partnership,
                       audit=audit, provision=provision, wards=records.list_wards(audit))


@bp.route("/p/<int:partnership_id>/audits/<int:audit_id>/provision/new",
          methods=["GET", "POST"])
@partnership_route(permissions.may_see_audits)
def new_provision(partnership, audit_id: int):
    audit = records.get_audit(partnership, audit_id)
    form = _provision_form(partnership)
    if form.validate_on_submit():
        try:
            records.add_provision(audit, current_user, _provision_fields(form))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash("The provision is added.", "success")
            return redirect(audit_url(audit, "audits.provision_list"))
    return _provision_page(partnership, audit, form)


@bp.route("/p/<int:partnership_id>/provision/<int:provision_id>/edit", methods=["GET", "POST"])
@partnership_route(permissions.may_see_audits)
def edit_provision(partnership, provision_id: int):
    provision = records.get_provision(partnership, provision_id)
    audit = records.get_audit(partnership, provision.audit_id)
    hidden = records.hides_stored_figure(audit, provision.children_reached,
                                        records.is_vulnerable_provision(provision))
    form = _provision_form(partnership, data={
        **{name: getattr(provision, name) for name in (
            "provider_name", "activity", "ward", "setting", "settings_reached",
            "funding_source", "notes")},
        "children_reached": None if hidden else provision.children_reached,
        "organisation": str(provision.organisation_id or ""),
        "art_form": provision.art_form.value, "phase": provision.phase.value,
        "groups": [g.id for g in provision.groups],
        "cost": None if provision.cost_pence is None else provision.cost_pence / 100,
        "qualifications": [q.id for q in provision.qualifications]})
    if hidden:
        hide_stored_figure(form.children_reached)
    if form.validate_on_submit():
        try:
            records.update_provision(provision, audit, _provision_fields(form, hidden),
                                     current_user)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash("The provision is saved.", "success")
            return redirect(audit_url(audit, "audits.provision_list"))
    return _provision_page(partnership, audit, form, provision)


@bp.post("/p/<int:partnership_id>/provision/<int:provision_id>/delete")
@partnership_route(permissions.may_manage_audits)
def delete_provision(partnership, provision_id: int):
    provision = records.get_provision(partnership, provision_id)
    audit = records.get_audit(partnership, provision.audit_id)
    if ConfirmForm().validate_on_submit():
        records.delete_provision(provision, audit, current_user)
        flash("The provision is deleted.", "info")
    return redirect(audit_url(audit, "audits.provision_list"))


# --- needs ----------------------------------------------------------------------------------


def need_form(form_class, partnership, **kwargs):
    form = form_class(**kwargs)
    form.target_group.choices = [SelectChoice("", records.ALL_CHILDREN)] + [
        SelectChoice(str(g.id), g.name) for g in records.list_target_groups(partnership)]
    form.job_role.choices = role_choices("Not sure / any")
    return form


def need_fields(form, hidden: bool = False) -> records.NeedFields:
    return records.NeedFields(
        phase=AgePhase(form.phase.data), art_form=ArtForm(form.art_form.data),
        ward=form.ward.data or "", priority=Priority(form.priority.data),
        target_group_id=int(form.target_group.data) if form.target_group.data else None,
        setting=form.setting.data or "", children=children_or_keep(form.children, hidden),
        job_role_id=int(form.job_role.data) if form.job_role.data else None,
        description=form.description.data or "",
        respondent_name=form.respondent_name.data or "",
        respondent_organisation=form.respondent_organisation.data or "",
        respondent_email=form.respondent_email.data or "")


@bp.get("/p/<int:partnership_id>/audits/<int:audit_id>/needs")
@partnership_route(permissions.may_see_audits)
def need_list(partnership, audit_id: int):
    audit = records.get_audit(partnership, audit_id)
    facts = gaps.load_facts(partnership, audit)
    return render("audits/needs.html", partnership=partnership, audit=audit, facts=facts,
                  confirm=ConfirmForm())


@bp.get("/p/<int:partnership_id>/audits/<int:audit_id>/needs.csv")
@partnership_route(permissions.may_see_audits)
def needs_csv(partnership, audit_id: int):
    audit = records.get_audit(partnership, audit_id)
    facts = gaps.load_facts(partnership, audit)
    return csv_response(gaps.needs_csv(facts), f"audit-{audit.id}-needs.csv")


def _need_page(partnership, audit, form, need=None):
    return render_form("audits/need_form.html", form, partnership=partnership, audit=audit,
                       need=need, wards=records.list_wards(audit))


@bp.route("/p/<int:partnership_id>/audits/<int:audit_id>/needs/new", methods=["GET", "POST"])
@partnership_route(permissions.may_see_audits)
def new_need(partnership, audit_id: int):
    audit = records.get_audit(partnership, audit_id)
    form = need_form(NeedForm, partnership)
    if form.validate_on_submit():
        try:
            records.add_need(audit, need_fields(form), NeedSource.HAND, current_user)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash("The need is added.", "success")
            return redirect(audit_url(audit, "audits.need_list"))
    return _need_page(partnership, audit, form)


@bp.route("/p/<int:partnership_id>/needs/<int:need_id>/edit", methods=["GET", "POST"])
@partnership_route(permissions.may_see_audits)
def edit_need(partnership, need_id: int):
    need = records.get_need(partnership, need_id)
    audit = records.get_audit(partnership, need.audit_id)
    hidden = records.hides_stored_figure(audit, need.children, records.is_vulnerable_need(need))
    form = need_form(NeedForm, partnership, data={
        **{name: getattr(need, name) for name in (
            "ward", "setting", "description", "respondent_name",
            "respondent_organisation", "respondent_email")},
        "children": None if hidden else need.children,
        "target_group": str(need.target_group_id or ""), "phase": need.phase.value,
        "art_form": need.art_form.value, "priority": need.priority.value,
        "job_role": str(need.job_role_id or "")})
    if hidden:
        hide_stored_figure(form.children)
    if form.validate_on_submit():
        try:
            records.update_need(need, audit, need_fields(form, hidden), current_user)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash("The need is saved.", "success")
            return redirect(audit_url(audit, "audits.need_list"))
    return _need_page(partnership, audit, form, need)


@bp.post("/p/<int:partnership_id>/needs/<int:need_id>/delete")
@partnership_route(permissions.may_manage_audits)
def delete_need(partnership, need_id: int):
    need = records.get_need(partnership, need_id)
    audit = records.get_audit(partnership, need.audit_id)
    if ConfirmForm().validate_on_submit():
        records.delete_need(need, audit, current_user)
        flash("The need is deleted.", "info")
    return redirect(audit_url(audit, "audits.need_list"))
