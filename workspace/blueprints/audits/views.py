"""Audits: the list, creating and editing one, its status and the needs form's link."""

from datetime import datetime, time

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_login import current_user

from workspace.blueprints.access import partnership_route
from workspace.blueprints.audits.forms import AuditForm, ExpiryForm, StatusForm, TargetGroupForm
from workspace.blueprints.partnerships.forms import ConfirmForm
from workspace.blueprints.rendering import add_domain_error, render, render_form
from workspace.clock import LONDON, utcnow
from workspace.exceptions import DomainError
from workspace.infra.links import absolute_url
from workspace.models.audits import AuditStatus
from workspace.services import disclosure, permissions
from workspace.services.audits import changes, records

bp = Blueprint("audits", __name__)


def minimum_threshold() -> int:
    return int(current_app.config["SMALL_COUNT_THRESHOLD"])


def audit_url(audit, endpoint: str = "audits.audit", **kwargs) -> str:
    return url_for(endpoint, partnership_id=audit.partnership_id, audit_id=audit.id, **kwargs)


def _fields(form: AuditForm) -> records.AuditFields:
    return records.AuditFields(title=form.title.data or "", period_start=form.period_start.data,
                              period_end=form.period_end.data, area=form.area.data or "",
                              suppression_threshold=form.suppression_threshold.data)


@bp.get("/p/<int:partnership_id>/audits/")
@partnership_route(permissions.may_see_audits)
def index(partnership):
    form = AuditForm(formdata=None, suppression_threshold=minimum_threshold())
    return _index_page(partnership, form)


def _index_page(partnership, form):
    return render_form("audits/index.html", form, partnership=partnership,
                       audits=records.list_audits(partnership))


@bp.post("/p/<int:partnership_id>/audits/")
@partnership_route(permissions.may_manage_audits)
def create_audit(partnership):
    form = AuditForm()
    if form.validate_on_submit():
        try:
            audit = records.create_audit(partnership, current_user, _fields(form),
                                        minimum_threshold=minimum_threshold())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash(f"{audit.title} is ready. Add provision, then open it for needs.", "success")
            return redirect(audit_url(audit))
    return _index_page(partnership, form)


@bp.get("/p/<int:partnership_id>/audits/<int:audit_id>")
@partnership_route(permissions.may_see_audits)
def audit(partnership, audit_id: int):
    found = records.get_audit(partnership, audit_id)
    return _audit_page(partnership, found)


def _audit_page(partnership, found, status_form=None, expiry_form=None, code: int = 200):
    now = utcnow()
    expires = found.needs_token_expires_at
    return render("audits/audit.html", status=code, partnership=partnership, audit=found,
                  counts=records.audit_counts(found), link_state=records.link_state(found, now),
                  share_url=absolute_url("audits.needs_form", token=found.needs_token),
                  next_statuses=sorted(records.TRANSITIONS[found.status], key=lambda s: s.value),
                  status_form=status_form or StatusForm(formdata=None),
                  expiry_form=expiry_form or ExpiryForm(
                      formdata=None, expires_on=expires.astimezone(LONDON).date()
                      if expires else None),
                  confirm=ConfirmForm(), groups=records.list_target_groups(partnership),
                  threshold=disclosure.threshold_of(found.suppression_threshold))


@bp.route("/p/<int:partnership_id>/audits/<int:audit_id>/edit", methods=["GET", "POST"])
@partnership_route(permissions.may_manage_audits)
def edit_audit(partnership, audit_id: int):
    found = records.get_audit(partnership, audit_id)
    form = AuditForm(obj=found)
    if form.validate_on_submit():
        try:
            records.update_audit(found, _fields(form), minimum_threshold=minimum_threshold(),
                                 actor=current_user)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash("The audit is saved.", "success")
            return redirect(audit_url(found))
    return render_form("audits/audit_form.html", form, partnership=partnership, audit=found)


@bp.post("/p/<int:partnership_id>/audits/<int:audit_id>/status")
@partnership_route(permissions.may_manage_audits)
def change_status(partnership, audit_id: int):
    found = records.get_audit(partnership, audit_id)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            records.change_status(found, AuditStatus(form.status.data), utcnow(),
                                  actor=current_user)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash(f"The audit is now {found.status.label.lower()}.", "success")
            return redirect(audit_url(found))
    return _audit_page(partnership, found, status_form=form, code=422)


@bp.post("/p/<int:partnership_id>/audits/<int:audit_id>/link/renew")
@partnership_route(permissions.may_manage_audits)
def renew_link(partnership, audit_id: int):
    found = records.get_audit(partnership, audit_id)
    if ConfirmForm().validate_on_submit():
        records.renew_token(found, utcnow())
        flash("The needs form has a new link; the old one no longer works.", "success")
    return redirect(audit_url(found))


@bp.post("/p/<int:partnership_id>/audits/<int:audit_id>/link/expiry")
@partnership_route(permissions.may_manage_audits)
def set_link_expiry(partnership, audit_id: int):
    found = records.get_audit(partnership, audit_id)
    form = ExpiryForm()
    if form.validate_on_submit():
        try:
            end_of_day = datetime.combine(form.expires_on.data, time(23, 59), LONDON)
            records.set_token_expiry(found, end_of_day, utcnow())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash("The link's closing date is saved.", "success")
            return redirect(audit_url(found))
    return _audit_page(partnership, found, expiry_form=form, code=422)


@bp.post("/p/<int:partnership_id>/audits/<int:audit_id>/delete")
@partnership_route(permissions.may_manage_audits)
def delete_audit(partnership, audit_id: int):
    found = records.get_audit(partnership, audit_id)
    if ConfirmForm().validate_on_submit():
        records.delete_audit(found)
        flash("The audit, its provision and its needs are deleted.", "info")
        return redirect(url_for("audits.index", partnership_id=partnership.id))
    return redirect(audit_url(found))


@bp.get("/p/<int:partnership_id>/audits/groups")
@partnership_route(permissions.may_see_audits)
def target_groups(partnership):
    return _groups_page(partnership, TargetGroupForm(formdata=None))


def _groups_page(partnership, form):
    return render_form("audits/groups.html", form, fragment="audits/_groups.html",
                       partnership=partnership, groups=records.list_target_groups(partnership))


@bp.post("/p/<int:partnership_id>/audits/groups")
@partnership_route(permissions.may_manage_audits)
def add_target_group(partnership):
    form = TargetGroupForm()
    if form.validate_on_submit():
        try:
            group = records.add_target_group(partnership, form.name.data, form.vulnerable.data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash(f"{group.name} is added.", "success")
            form = TargetGroupForm(formdata=None)
    return _groups_page(partnership, form)


@bp.get("/p/<int:partnership_id>/audits/<int:audit_id>/changes")
@partnership_route(permissions.may_manage_audits)
def audit_changes(partnership, audit_id: int):
    found = records.get_audit(partnership, audit_id)
    record = request.args.get("record") or None
    actor_id = request.args.get("person", type=int)
    shown = changes.change_page(found, record=record, actor_id=actor_id,
                                page=request.args.get("page", 1, type=int))
    return render("audits/changes.html", partnership=partnership, audit=found, shown=shown,
                  record=record, actor_id=actor_id, kinds=changes.RECORD_KINDS)
