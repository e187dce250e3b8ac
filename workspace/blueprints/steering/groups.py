"""Working groups: name, purpose, members and the actions assigned to them."""

from flask import flash, redirect, url_for
from wtforms.fields.choices import SelectChoice

from workspace.blueprints.access import partnership_route
from workspace.blueprints.partnerships.forms import ConfirmForm
from workspace.blueprints.rendering import INVALID, add_domain_error, render, render_form
from workspace.blueprints.steering.forms import GroupMemberForm, WorkingGroupForm
from workspace.blueprints.steering.views import bp
from workspace.clock import london_today
from workspace.exceptions import DomainError
from workspace.extensions import htmx
from workspace.models.steering import WorkingGroup, WorkingGroupMember
from workspace.services import permissions
from workspace.services.partnerships.membership import get_owned, list_members
from workspace.services.steering import actions as action_service
from workspace.services.steering import meetings


def _member_choices(partnership, leave_out=frozenset()) -> list[SelectChoice]:
    return [SelectChoice(m.id, f"{m.user.name} ({m.role.label.lower()})")
            for m in list_members(partnership) if m.id not in leave_out]


def _group_form(partnership, **kwargs) -> WorkingGroupForm:
    form = WorkingGroupForm(**kwargs)
    form.members.choices = _member_choices(partnership)
    return form


@bp.get("/p/<int:partnership_id>/steering/groups")
@partnership_route(permissions.may_see_steering_papers)
def working_groups(partnership):
    return _groups_page(partnership, _group_form(partnership, formdata=None))


def _groups_page(partnership, form):
    return render_form("steering/working_groups.html", form, partnership=partnership,
                       groups=meetings.list_working_groups(partnership))


@bp.post("/p/<int:partnership_id>/steering/groups")
@partnership_route(permissions.may_see_steering_papers)
def create_working_group(partnership):
    form = _group_form(partnership)
    if form.validate_on_submit():
        try:
            group = meetings.create_working_group(partnership, form.name.data,
                                                  form.purpose.data or "",
                                                  frozenset(form.members.data or []))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash(f"The {group.name} working group is set up.", "success")
            return redirect(url_for("steering.working_group", partnership_id=partnership.id,
                                    working_group_id=group.id))
    return _groups_page(partnership, form)


def _member_form(partnership, group: WorkingGroup, **kwargs) -> GroupMemberForm:
    form = GroupMemberForm(**kwargs)
    form.membership.choices = _member_choices(
        partnership, frozenset(m.membership_id for m in group.members))
    return form


def _group_page(partnership, group: WorkingGroup, fragment=None, member_form=None):
    member_form = member_form or _member_form(partnership, group, formdata=None)
    return render("steering/working_group.html", fragment,
                  status=INVALID if member_form.errors else 200, partnership=partnership,
                  group=group, members=meetings.group_members(group), member_form=member_form,
                  actions=action_service.list_actions(partnership, working_group=group),
                  today=london_today(), confirm=ConfirmForm())


@bp.get("/p/<int:partnership_id>/steering/groups/<int:working_group_id>")
@partnership_route(permissions.may_see_steering_papers)
def working_group(partnership, working_group_id: int):
    return _group_page(partnership, get_owned(WorkingGroup, partnership, working_group_id))


@bp.route("/p/<int:partnership_id>/steering/groups/<int:working_group_id>/edit",
          methods=["GET", "POST"])
@partnership_route(permissions.may_see_steering_papers)
def edit_working_group(partnership, working_group_id: int):
    group = get_owned(WorkingGroup, partnership, working_group_id)
    form = WorkingGroupForm(obj=group)
    del form.members  # members are added and removed on the group's page
    if form.validate_on_submit():
        try:
            meetings.update_working_group(group, form.name.data, form.purpose.data or "")
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash("The working group is saved.", "success")
            return redirect(url_for("steering.working_group", partnership_id=partnership.id,
                                    working_group_id=group.id))
    return render_form("steering/working_group_form.html", form, partnership=partnership,
                       group=group)


MEMBERS = "steering/_group_members.html"


@bp.post("/p/<int:partnership_id>/steering/groups/<int:working_group_id>/members")
@partnership_route(permissions.may_see_steering_papers)
def add_group_member(partnership, working_group_id: int):
    group = get_owned(WorkingGroup, partnership, working_group_id)
    form = _member_form(partnership, group)
    if form.validate_on_submit():
        try:
            meetings.add_group_member(group, form.membership.data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _after_member_change(partnership, group)
    return _group_page(partnership, group, MEMBERS, form)


@bp.post("/p/<int:partnership_id>/steering/group-members/<int:working_group_member_id>/delete")
@partnership_route(permissions.may_see_steering_papers)
def remove_group_member(partnership, working_group_member_id: int):
    member = get_owned(WorkingGroupMember, partnership, working_group_member_id)
    group = member.working_group
    if ConfirmForm().validate_on_submit():
        meetings.remove_group_member(member)
    return _after_member_change(partnership, group)


def _after_member_change(partnership, group: WorkingGroup):
    if htmx:
        return _group_page(partnership, group, MEMBERS)
    return redirect(url_for("steering.working_group", partnership_id=partnership.id,
                            working_group_id=group.id))
