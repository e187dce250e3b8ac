"""Topics tied to records: "Discuss" on a record's page opens its thread in the channel."""

from flask import abort, g, redirect

from workspace.blueprints.access import partnership_route
from workspace.blueprints.chat.card_forms import DiscussForm
from workspace.blueprints.chat.views import bp
from workspace.services import chat, chat_topics


@bp.post("/p/<int:partnership_id>/chat/discuss")
@partnership_route()
def discuss(partnership):
    form = DiscussForm()
    if not form.validate_on_submit():
        abort(400)
    thread = chat_topics.open_discussion(partnership, g.membership, form.kind.data,
                                         form.key.data)
    return redirect(chat.message_path(thread))
