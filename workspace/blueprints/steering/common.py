"""What the steering views share: the action form with its choices."""

from wtforms.fields.choices import SelectChoice

from workspace.blueprints.steering.forms import ActionForm
from workspace.services.partnerships.membership import list_members
from workspace.services.steering import meetings


def action_form(partnership, **kwargs) -> ActionForm:
    """The action form, its owner and working-group choices drawn from the partnership."""
    form = ActionForm(**kwargs)
    form.owner.choices = [SelectChoice("", "Nobody yet")] + [
        SelectChoice(str(m.user_id), f"{m.user.name} ({m.role.label.lower()})")
        for m in list_members(partnership)]
    form.working_group.choices = [SelectChoice("", "None")] + [
        SelectChoice(str(g.id), g.name) for g in meetings.list_working_groups(partnership)]
    return form
