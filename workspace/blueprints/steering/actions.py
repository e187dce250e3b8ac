"""Actions and pilot projects: the list, creating one (from a meeting or a gap cell), its
page, changing its status. Steering members see them all; an owner sees their own."""

from flask import abort, flash, g, redirect, request, url_for
from flask_login import current_user

from workspace.blueprints.access import partnership_route
from workspace.blueprints.partnerships.forms import ConfirmForm
from workspace.blueprints.rendering import add_domain_error, render, render_form
from workspace.blueprints.steering.common import action_form
from workspace.blueprints.steering.forms import ActionForm, StatusForm
from workspace.blueprints.steering.views import _meeting_page, bp
from workspace.clock import london_today, utcnow
from workspace.exceptions import DomainError
from workspace.extensions import htmx
from workspace.models.steering import Action, ActionStatus, Meeting
from workspace.services import permissions
from workspace.services.partnerships.membership import get_owned
from workspace.services.steering import actions as service


def _today():
    return london_today()


@bp.get("/p/<int:partnership_id>/actions/")
@partnership_route(permissions.may_see_steering_papers)
def actions(partnership):
    show_all = request.args.get("show") == "all"
    return render("steering/actions.html", "steering/_action_table.html",
                  partnership=partnership, show_all=show_all, today=_today(),
                  actions=service.list_actions(partnership, open_only=not show_all))


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        abort(404)


def _origin(partnership, source) -> tuple[Meeting | None, service.GapCell]:
    """The meeting and gap cell an action comes from, named by `source` (query or form)."""
    meeting_id = _int(source.get("meeting_id"))
    meeting = get_owned(Meeting, partnership, meeting_id) if meeting_id else None
    cell = service.gap_cell(partnership, audit_id=_int(source.get("audit_id")),
                            group_id=_int(source.get("group_id")), phase=source.get("phase"),
                            art_form=source.get("art_form"), ward=source.get("ward"))
    return meeting, cell


def _hidden(form: ActionForm) -> dict:
    return {name: getattr(form, name).data for name in
            ("meeting_id", "audit_id", "group_id", "phase", "art_form", "ward")}


def fields_of(form: ActionForm) -> service.ActionFields:
    return service.ActionFields(
        title=form.title.data, description=form.description.data or "",
        owner_id=_int(form.owner.data), due_on=form.due_on.data,
        is_pilot=bool(form.is_pilot.data), working_group_id=_int(form.working_group.data))


def _prefilled(partnership, meeting, cell: service.GapCell) -> ActionForm:
    args = request.args
    return action_form(
        partnership, formdata=None, title=cell.suggested_title() if not cell.is_empty else "",
        is_pilot=not cell.is_empty, meeting_id=meeting.id if meeting else "",
        audit_id=args.get("audit_id", ""), group_id=args.get("group_id", ""),
        phase=args.get("phase", ""), art_form=args.get("art_form", ""), ward=cell.ward,
        working_group=args.get("working_group_id", ""))


@bp.route("/p/<int:partnership_id>/actions/new", methods=["GET", "POST"])
@partnership_route(permissions.may_manage_actions)
def new_action(partnership):
    if request.method == "GET":
        meeting, cell = _origin(partnership, request.args)
        form = _prefilled(partnership, meeting, cell)
    else:
        form = action_form(partnership)
        meeting, cell = _origin(partnership, _hidden(form))
        if form.validate_on_submit():
            try:
                action = service.create_action(partnership, current_user, fields_of(form),
                                               meeting=meeting, cell=cell)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                flash(f"The action “{action.title}” is recorded.", "success")
                return redirect(url_for("steering.action", partnership_id=partnership.id,
                                        action_id=action.id))
    return render_form("steering/action_form.html", form, partnership=partnership,
                       meeting=meeting, cell=cell, action=None)


@bp.post("/p/<int:partnership_id>/steering/meetings/<int:meeting_id>/actions")
@partnership_route(permissions.may_manage_actions)
def add_meeting_action(partnership, meeting_id: int):
    """The inline form on a meeting's page."""
    meeting = get_owned(Meeting, partnership, meeting_id)
    form = action_form(partnership)
    if form.validate_on_submit():
        try:
            service.create_action(partnership, current_user, fields_of(form), meeting=meeting)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if not htmx:
                return redirect(url_for("steering.meeting", partnership_id=partnership.id,
                                        meeting_id=meeting.id, _anchor="meeting-actions"))
            form = None
    extra = {"action_form": form} if form is not None else {}
    return _meeting_page(partnership, meeting, "steering/_meeting_actions.html", **extra)


def _viewable(partnership, action_id: int) -> Action:
    action = get_owned(Action, partnership, action_id)
    if not service.may_view(action, g.membership):
        abort(403)
    return action


def _action_page(partnership, action: Action, fragment=None, status_form=None):
    status_form = status_form or StatusForm(formdata=None, status=action.status.value)
    return render("steering/action.html", fragment, status=422 if status_form.errors else 200,
                  partnership=partnership, action=action, status_form=status_form,
                  today=_today(), steering=permissions.may_manage_actions(g.membership),
                  confirm=ConfirmForm())


@bp.get("/p/<int:partnership_id>/actions/<int:action_id>")
@partnership_route()
def action(partnership, action_id: int):
    return _action_page(partnership, _viewable(partnership, action_id))


@bp.post("/p/<int:partnership_id>/actions/<int:action_id>/status")
@partnership_route()
def set_action_status(partnership, action_id: int):
    action = _viewable(partnership, action_id)
    form = StatusForm()
    if form.validate_on_submit():
        service.set_status(action, g.membership, ActionStatus(form.status.data), utcnow())
        if not htmx:
            flash(f"The action is now {action.status.label.lower()}.", "success")
            return redirect(url_for("steering.action", partnership_id=partnership.id,
                                    action_id=action.id))
        form = None
    return _action_page(partnership, action, "steering/_action_status.html", form)


@bp.route("/p/<int:partnership_id>/actions/<int:action_id>/edit", methods=["GET", "POST"])
@partnership_route(permissions.may_manage_actions)
def edit_action(partnership, action_id: int):
    action = get_owned(Action, partnership, action_id)
    form = action_form(partnership, **_edit_values(action))
    if form.validate_on_submit():
        try:
            service.update_action(action, current_user, fields_of(form))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash("The action is saved.", "success")
            return redirect(url_for("steering.action", partnership_id=partnership.id,
                                    action_id=action.id))
    return render_form("steering/action_form.html", form, partnership=partnership,
                       meeting=None, cell=None, action=action)


def _edit_values(action: Action) -> dict:
    """The form's values from the action (not `obj=action`: its `owner` is the person, and
    would stand in for the owner's id in a request that does not send one)."""
    return {"title": action.title, "description": action.description,
            "due_on": action.due_on, "is_pilot": action.is_pilot,
            "owner": str(action.owner_id or ""),
            "working_group": str(action.working_group_id or "")}
