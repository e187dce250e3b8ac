"""Topics tied to records: "Discuss" on a record's page opens its thread in the channel."""

from flask import abort, g, redirect

from workspace.blueprints.access import partnership_route
from workspace.blueprints.chat.card_forms import DiscussForm
from workspace.blueprints.chat.views import bp
from workspace.services.chat import messages, topics


@bp.post("/p/<int:partnership_id>/chat/discuss")
@partnership_route()
def discuss(partnership):
    form = DiscussForm()
    if not form.validate_on_submit():
        abort(400)
    thread = topics.open_discussion(partnership, g.membership, form.kind.data,
                                         form.key.data)
    return redirect(messages.message_path(thread))
