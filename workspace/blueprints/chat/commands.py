"""Slash commands in the composer: `/cpd`, `/action` and `/poll` open their form in the panel
under the composer; the form's submission creates the record and posts its card reference.

The composer's view (views.py) imports this module, so it must not import views.py back:
`register(bp)` adds the routes, called from cards.py.
"""

import re

from flask import g, make_response, render_template
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from workspace.blueprints.access import partnership_route
from workspace.blueprints.chat.card_forms import (
    ActionForm,
    ChatSessionForm,
    PollForm,
    ShareSessionForm,
)
from workspace.blueprints.rendering import INVALID, add_domain_error
from workspace.clock import LONDON_NAME, utcnow
from workspace.exceptions import DomainError
from workspace.models.cpd import SessionStatus
from workspace.services import permissions
from workspace.services.chat import cards, messages, polls
from workspace.services.cpd import sessions
from workspace.services.partnerships import membership as partnership_service

COMMAND = re.compile(r"^/([A-Za-z]+)(?:\s+(.*))?$", re.DOTALL)
COMMANDS = {"cpd": "schedule a CPD session, or share one",
            "action": "add an action with an owner and a due date",
            "poll": "ask a question with 2 to 10 options, e.g. /poll Which date? | 3 March | 10 "
                    "March"}


def is_command(text: str) -> bool:
    """A message that starts with a slash and a word (`/poll ...`), not a pasted path."""
    return COMMAND.match((text or "").strip()) is not None


def _panel(template: str, status: int = 200, **context):
    """A fragment for the panel under the composer, whatever the composer's own target."""
    response = make_response(render_template(template, **context), status)
    response.headers["HX-Retarget"] = "#composer-panel"
    response.headers["HX-Reswap"] = "innerHTML"
    return response


def open_command(partnership, channel, text: str):
    name, args = COMMAND.match(text.strip()).groups()
    opener = OPENERS.get(name.lower())
    if opener is None:
        return _panel("chat/_command_unknown.html", INVALID, name=name, commands=COMMANDS)
    return opener(partnership, channel, (args or "").strip())


# --- /cpd -------------------------------------------------------------------------------------


def _runnable_networks(partnership):
    rows = sessions.list_networks(partnership, current_user, utcnow())
    return [r.network for r in rows if permissions.may_run_network(g.membership, r.network)]


def _session_form(partnership, **kwargs) -> ChatSessionForm:
    form = ChatSessionForm(**kwargs)
    form.network.choices = [SelectChoice(str(n.id), n.name)
                            for n in _runnable_networks(partnership)]
    form.provider.choices = [SelectChoice("", "None")]
    form.areas.choices = []
    form.open_to.choices = [SelectChoice("partnership")]  # opened wider from its own page
    return form


def _share_form(partnership, **kwargs) -> ShareSessionForm:
    form = ShareSessionForm(**kwargs)
    rows = sessions.list_sessions(partnership, since=utcnow())
    form.cpd_session.choices = [
        SelectChoice(str(r.session.id), f"{r.session.title} · {sessions.describe_when(r.session)}")
        for r in rows if r.session.status == SessionStatus.SCHEDULED]
    return form


def _cpd_panel(partnership, channel, session_form, share_form, status=200):
    return _panel("chat/_command_cpd.html", status, partnership=partnership, channel=channel,
                  form=session_form, share=share_form,
                  may_schedule=bool(session_form.network.choices))


def _open_cpd(partnership, channel, args: str):
    session_form = _session_form(partnership, formdata=None, channel_id=channel.id,
                                 title=args[:160], capacity=20, learning_hours=0)
    share_form = _share_form(partnership, formdata=None, channel_id=channel.id)
    return _cpd_panel(partnership, channel, session_form, share_form)


def _session_fields(form: ChatSessionForm) -> sessions.SessionFields:
    return sessions.SessionFields(
        title=form.title.data, day=form.day.data, start=form.start.data, end=form.end.data,
        capacity=form.capacity.data, timezone=form.timezone.data or LONDON_NAME,
        venue=form.venue.data or "", learning_hours=form.learning_hours.data)


@partnership_route()
def command_cpd(partnership):
    form = _session_form(partnership)
    channel = messages.get_channel(partnership, _channel_id(form), g.membership)
    share = _share_form(partnership, formdata=None, channel_id=channel.id)
    if not form.network.choices:
        form.form_errors.append("Only leads and network coordinators can schedule sessions.")
    elif form.validate_on_submit():
        network = cards.get_network(partnership, int(form.network.data))
        try:
            messages.check_writable(channel)  # before making the record it would post
            created = sessions.schedule_session(partnership, network, _session_fields(form))
            messages.post_message(channel, current_user,
                              f"New CPD session: {created.title} #cpd-{created.id}")
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _panel("chat/_command_done.html", text=f"{created.title} is scheduled.")
    return _cpd_panel(partnership, channel, form, share, INVALID)


@partnership_route()
def command_cpd_share(partnership):
    form = _share_form(partnership)
    channel = messages.get_channel(partnership, _channel_id(form), g.membership)
    if form.validate_on_submit():
        shared = cards.get_session(partnership, int(form.cpd_session.data))
        try:
            messages.check_writable(channel)  # before making the record it would post
            messages.post_message(channel, current_user, f"{shared.title} #cpd-{shared.id}")
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _panel("chat/_command_done.html", text="Shared.")
    session_form = _session_form(partnership, formdata=None, channel_id=channel.id)
    return _cpd_panel(partnership, channel, session_form, form, INVALID)


# --- /action ----------------------------------------------------------------------------------


def _action_form(partnership, **kwargs) -> ActionForm:
    form = ActionForm(**kwargs)
    form.owner.choices = [SelectChoice("", "Nobody yet")] + [
        SelectChoice(str(m.user_id), m.user.name)
        for m in partnership_service.list_members(partnership)]
    return form


def _action_panel(partnership, channel, form, status=200):
    return _panel("chat/_command_action.html", status, partnership=partnership, channel=channel,
                  form=form, may_add=permissions.may_manage_actions(g.membership))


def _open_action(partnership, channel, args: str):
    form = _action_form(partnership, formdata=None, channel_id=channel.id, title=args[:200])
    return _action_panel(partnership, channel, form)


@partnership_route()
def command_action(partnership):
    form = _action_form(partnership)
    channel = messages.get_channel(partnership, _channel_id(form), g.membership)
    if not permissions.may_manage_actions(g.membership):
        form.form_errors.append("Only steering group members and leads can add actions.")
    elif form.validate_on_submit():
        try:
            messages.check_writable(channel)  # before making the record it would post
            action = cards.create_action(
                partnership, current_user, title=form.title.data,
                owner_id=int(form.owner.data) if form.owner.data else None,
                due_on=form.due_on.data)
            messages.post_message(channel, current_user,
                              f"New action #action-{action.id}")
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _panel("chat/_command_done.html", text="The action is added.")
    return _action_panel(partnership, channel, form, INVALID)


# --- /poll ------------------------------------------------------------------------------------


def _open_poll(partnership, channel, args: str):
    question, *options = [part.strip() for part in args.split("|")] if args else [""]
    form = PollForm(formdata=None, channel_id=channel.id, question=question[:300],
                    options="\n".join(options))
    return _panel("chat/_command_poll.html", partnership=partnership, channel=channel, form=form)


@partnership_route()
def command_poll(partnership):
    form = PollForm()
    channel = messages.get_channel(partnership, _channel_id(form), g.membership)
    if form.validate_on_submit():
        try:
            messages.check_writable(channel)  # before making the record it would post
            poll = polls.create_poll(channel, current_user, form.question.data,
                                          form.options.data.splitlines())
            messages.post_message(channel, current_user, f"Poll: {poll.question} #poll-{poll.id}")
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _panel("chat/_command_done.html", text="The poll is posted.")
    return _panel("chat/_command_poll.html", INVALID, partnership=partnership, channel=channel,
                  form=form)


def _channel_id(form) -> int:
    """The channel id the panel's form carries (0, which no channel has, when malformed)."""
    value = form.channel_id.data or ""
    return int(value) if value.isdigit() else 0


OPENERS = {"cpd": _open_cpd, "action": _open_action, "poll": _open_poll}


def register(bp, posting_limit) -> None:
    """The command forms' routes, on the chat blueprint, under the same per-person posting
    limit as the composer (each posts a message)."""
    base = "/p/<int:partnership_id>/chat/commands"
    for path, view in (("cpd", command_cpd), ("cpd/share", command_cpd_share),
                       ("action", command_action), ("poll", command_poll)):
        bp.add_url_rule(f"{base}/{path}", view_func=posting_limit(view), methods=["POST"])
