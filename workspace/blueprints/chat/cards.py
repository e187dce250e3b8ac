"""Cards in the channel: a record a message refers to, with its state for the person looking and
the form to act on it (sign up, enrol, mark done, vote), answered with the refreshed card."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.routing import BuildError

from workspace.blueprints.access import partnership_route
from workspace.blueprints.chat import commands
from workspace.blueprints.chat.card_forms import VoteForm
from workspace.blueprints.chat.views import bp, posting_limit
from workspace.blueprints.partnerships.forms import ConfirmForm
from workspace.blueprints.rendering import INVALID
from workspace.clock import london_today, utcnow
from workspace.exceptions import DomainError
from workspace.extensions import htmx
from workspace.services.chat import cards, polls
from workspace.services.cpd import sessions
from workspace.services.progress import tracking

commands.register(bp, posting_limit)


@bp.app_template_global()
def card_refs(message) -> list[str]:
    """The card references in a message (`#cpd-12`, links to record pages...), each once."""
    return cards.message_refs(message)


def record_url(endpoint: str, **values) -> str | None:
    """The record's page when that page exists in this app."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def card_fragment(partnership, ref: str, error: str | None = None):
    card = cards.load_card(partnership, g.membership, ref, utcnow())
    if card is None:
        return render_template("chat/_card_unavailable.html", ref=ref), 200
    status = INVALID if error else 200
    return render_template(f"chat/_card_{card.kind}.html", partnership=partnership,
                           ref=card.ref, error=error, record_url=record_url,
                           **card.context), status


@bp.app_template_global()
def card_now(partnership, ref: str) -> Markup:
    """A card drawn with the page for the person looking, instead of one request per card."""
    html, _status = card_fragment(partnership, ref)
    return Markup(html)


@bp.get("/p/<int:partnership_id>/chat/card")
@partnership_route()
def card(partnership):
    return card_fragment(partnership, request.args.get("ref", ""))


def _key(kind: str) -> str:
    parsed = cards.parse_ref(request.args.get("ref", ""))
    if parsed is None or parsed[0] != kind:
        abort(404)
    return parsed[1]


def _confirmed() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


def _answer(partnership, ref: str, error: str | None = None, done: str = "Done."):
    """The refreshed card for htmx; without JavaScript, back to the page the form was on."""
    if htmx:
        return card_fragment(partnership, ref, error)
    flash(error or done, "error" if error else "success")
    back = request.referrer or ""
    if not back.startswith(request.host_url):
        back = url_for("partnerships.overview", partnership_id=partnership.id)
    return redirect(back)


@bp.post("/p/<int:partnership_id>/chat/card/signup")
@partnership_route()
def card_sign_up(partnership):
    found = cards.get_session(partnership, int(_key("cpd")))
    _confirmed()
    try:
        sessions.sign_up(found, current_user, utcnow())
    except DomainError as error:
        return _answer(partnership, f"cpd-{found.id}", error.message)
    return _answer(partnership, f"cpd-{found.id}", done=f"Signed up: {found.title}.")


@bp.post("/p/<int:partnership_id>/chat/card/withdraw")
@partnership_route()
def card_withdraw(partnership):
    found = cards.get_session(partnership, int(_key("cpd")))
    _confirmed()
    try:
        sessions.cancel_booking(found, current_user, utcnow())
    except DomainError as error:
        return _answer(partnership, f"cpd-{found.id}", error.message)
    return _answer(partnership, f"cpd-{found.id}", done="You have given up your place.")


@bp.post("/p/<int:partnership_id>/chat/card/enrol")
@partnership_route()
def card_enrol(partnership):
    item = cards.get_item(_key("qual"))
    _confirmed()
    try:
        tracking.enrol(current_user, item, london_today())
    except DomainError as error:
        return _answer(partnership, f"qual-{item.stable_id}", error.message)
    return _answer(partnership, f"qual-{item.stable_id}", done=f"Enrolled on {item.title}.")


@bp.post("/p/<int:partnership_id>/chat/card/done")
@partnership_route()
def card_done(partnership):
    action = cards.get_action(partnership, g.membership, int(_key("action")))
    _confirmed()
    try:
        cards.complete_action(action, g.membership, utcnow())
    except DomainError as error:
        return _answer(partnership, f"action-{action.id}", error.message)
    return _answer(partnership, f"action-{action.id}", done="The action is done.")


@bp.post("/p/<int:partnership_id>/chat/card/vote")
@partnership_route()
def card_vote(partnership):
    poll = cards.get_readable_poll(partnership, g.membership, int(_key("poll")))
    form = VoteForm()
    if not form.validate_on_submit():
        return _answer(partnership, f"poll-{poll.id}", "Choose one of the options.")
    try:
        polls.vote(poll, current_user, form.option_id.data)
    except DomainError as error:
        return _answer(partnership, f"poll-{poll.id}", error.message)
    return _answer(partnership, f"poll-{poll.id}", done="Your vote is counted.")


@bp.post("/p/<int:partnership_id>/chat/card/close-poll")
@partnership_route()
def card_close_poll(partnership):
    poll = cards.get_readable_poll(partnership, g.membership, int(_key("poll")))
    _confirmed()
    polls.close_poll(poll, g.membership)
    return _answer(partnership, f"poll-{poll.id}", done="The poll is closed.")
