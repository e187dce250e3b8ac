"""The team development plan of a member organisation, for the partnership's leads and the
organisation's own people; with what a move to another role would take (an htmx fragment)."""

from flask import g, request
from wtforms.fields.choices import SelectChoice

from workspace.blueprints.access import partnership_route
from workspace.blueprints.picking import role_choices
from workspace.blueprints.progress.forms import TeamMoveForm
from workspace.blueprints.progress.views import bp
from workspace.blueprints.rendering import render
from workspace.clock import utcnow
from workspace.services.catalogue import items as catalogue
from workspace.services.catalogue import picking
from workspace.services.progress import team, workforce


def _move_form(plan: team.TeamPlan) -> TeamMoveForm:
    form = TeamMoveForm(formdata=request.args)
    form.from_role.choices = [SelectChoice("", "Everyone in the team")] + [
        SelectChoice(str(r.role.id), f"{r.role.name} ({len(r.people)})") for r in plan.roles]
    form.to_role.choices = role_choices("Choose a role")
    return form


def _source(plan: team.TeamPlan, value: str):
    return next((r.role for r in plan.roles if str(r.role.id) == value), None)


@bp.get("/p/<int:partnership_id>/organisations/<int:organisation_id>/team")
@partnership_route()
def team_plan(partnership, organisation_id: int):
    organisation = team.get_team_organisation(partnership, organisation_id, g.membership)
    plan = team.team_plan(organisation, g.membership, utcnow())
    form, move = _move_form(plan), None
    if not form.validate():
        status = 400  # a role id that is not offered: say so, change nothing
    else:
        status = 200
        if form.to_role.data:
            move = team.team_move(plan, _source(plan, form.from_role.data),
                                  picking.get_role(int(form.to_role.data), "to_role"), utcnow())
    return render("progress/team.html", "progress/_team_move.html", status=status,
                  partnership=partnership, plan=plan, form=form, move=move,
                  areas=catalogue.list_areas(), minimum_group=workforce.MINIMUM_GROUP)
