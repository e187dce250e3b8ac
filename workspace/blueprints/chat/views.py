"""Channels, messages and threads: the channel page, the composer, edits, search, history."""

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_limiter import RateLimitExceeded
from flask_login import current_user

from workspace.blueprints.access import partnership_route
from workspace.blueprints.chat import commands
from workspace.blueprints.chat.forms import ChannelForm, MessageForm, SearchForm
from workspace.blueprints.partnerships.forms import ConfirmForm
from workspace.blueprints.rendering import INVALID, add_domain_error, render, render_form
from workspace.exceptions import DomainError
from workspace.extensions import htmx, limiter
from workspace.infra import live
from workspace.services import permissions
from workspace.services.chat import messages

bp = Blueprint("chat", __name__)

TOO_MANY = 429


def _post_limit() -> str:
    return current_app.config["CHAT_POST_RATE_LIMIT"]


def _poster_key() -> str:
    return f"chat-post:{current_user.id if current_user.is_authenticated else request.remote_addr}"


def _too_many(_limit):
    """Posting too fast: the composer comes back with the text and the reason (429)."""
    form = MessageForm()
    form.body.errors = ["You are sending messages too quickly. Wait a moment, then send "
                        "this one again."]
    reply_to = request.view_args.get("message_id")
    return make_response(render_template(
        "chat/_composer.html", form=form, action=request.path,
        composer_id="reply-composer" if reply_to else "composer",
        placeholder="Reply in the thread" if reply_to else None), TOO_MANY)


posting_limit = limiter.limit(_post_limit, key_func=_poster_key, on_breach=_too_many)


@bp.errorhandler(RateLimitExceeded)
def posting_limited(error: RateLimitExceeded):
    """The composer made by `_too_many` rather than the site's error page."""
    if error.response is not None:
        return error.response
    return render_template("errors/error.html", code=TOO_MANY, title="Too many requests",
                           message="Please wait a moment and try again."), TOO_MANY


# --- the channel page -----------------------------------------------------------------------


@bp.get("/p/<int:partnership_id>/chat/")
@partnership_route()
def index(partnership):
    channel = messages.general_channel(partnership)
    return redirect(url_for("chat.channel", partnership_id=partnership.id,
                            channel_id=channel.id))


@bp.get("/p/<int:partnership_id>/chat/channels/<int:channel_id>")
@partnership_route()
def channel(partnership, channel_id: int):
    """The channel; with `before`, the messages before that id ("load earlier")."""
    chan = messages.get_channel(partnership, channel_id, g.membership)
    before = request.args.get("before", type=int)
    if htmx and before:
        return render_template("chat/_messages.html", partnership=partnership, channel=chan,
                               batch=messages.list_messages(chan, before=before),
                               inline_cards=True)
    return _channel_page(partnership, chan, MessageForm(formdata=None), before=before)


@bp.post("/p/<int:partnership_id>/chat/channels/<int:channel_id>/read")
@partnership_route()
def mark_read(partnership, channel_id: int):
    """The open page has shown what arrived live: the channel is read up to now."""
    chan = messages.get_channel(partnership, channel_id, g.membership)
    if ConfirmForm().validate_on_submit():
        messages.mark_read(chan, current_user)
    return "", 204


def _channel_page(partnership, chan, form, thread=None, status: int = 200,
                  before: int | None = None):
    # First what commits (which expires what the session holds), then what the page shows.
    messages.ensure_channels(partnership)
    messages.mark_read(chan, current_user)
    channels = messages.readable_channels(partnership, g.membership)
    return render("chat/channel.html", status=status, partnership=partnership, channel=chan,
                  batch=messages.list_messages(chan, before=before), form=form, channels=channels,
                  thread=thread, inline_cards=True,
                  replies=messages.list_replies(thread) if thread else [],
                  reply_form=MessageForm(formdata=None),
                  unread=messages.unread_counts(channels, current_user),
                  last_event_id=live.last_event_id(partnership.id),
                  search_form=SearchForm(formdata=None))


@bp.post("/p/<int:partnership_id>/chat/channels/<int:channel_id>/messages")
@partnership_route()
@posting_limit
def post(partnership, channel_id: int):
    chan = messages.get_channel(partnership, channel_id, g.membership)
    form = MessageForm()
    text = form.body.data or ""
    if form.validate_on_submit() and commands.is_command(text):
        return commands.open_command(partnership, chan, text)
    if form.validate_on_submit():
        try:
            message = messages.post_message(chan, current_user, text)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _posted(partnership, chan, message, "composer")
    if htmx:
        return _composer(form, url_for("chat.post", partnership_id=partnership.id,
                                       channel_id=chan.id))
    return _channel_page(partnership, chan, form, status=INVALID)


def _composer(form, action: str, composer_id: str = "composer", placeholder=None):
    return render_form("chat/_composer.html", form, action=action, composer_id=composer_id,
                       placeholder=placeholder)


def _posted(partnership, chan, message, composer_id: str):
    """htmx: a fresh composer, and the message in place at once; else back to the page."""
    if not htmx:
        return redirect(url_for("chat.message_link", partnership_id=partnership.id,
                                message_id=message.id))
    return render_template("chat/_posted.html", form=MessageForm(formdata=None),
                           message=message, partnership=partnership, channel=chan,
                           composer_id=composer_id, action=request.path,
                           placeholder="Reply in the thread" if message.parent_id else None)


# --- threads ------------------------------------------------------------------------------


@bp.get("/p/<int:partnership_id>/chat/messages/<int:message_id>/thread")
@partnership_route()
def thread(partnership, message_id: int):
    message = messages.get_message(partnership, message_id, g.membership)
    root = message.parent or message
    if htmx:
        return render_template("chat/_thread.html", partnership=partnership, thread=root,
                               channel=root.channel, replies=messages.list_replies(root),
                               reply_form=MessageForm(formdata=None))
    return _channel_page(partnership, root.channel, MessageForm(formdata=None), thread=root)


@bp.post("/p/<int:partnership_id>/chat/messages/<int:message_id>/replies")
@partnership_route()
@posting_limit
def reply(partnership, message_id: int):
    parent = messages.get_message(partnership, message_id, g.membership)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            message = messages.post_message(parent.channel, current_user, form.body.data or "",
                                        parent=parent)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _posted(partnership, parent.channel, message, "reply-composer")
    if htmx:
        return _composer(form, request.path, "reply-composer", "Reply in the thread")
    root = parent.parent or parent
    return _channel_page(partnership, root.channel, MessageForm(formdata=None), thread=root,
                         status=INVALID)


@bp.get("/p/<int:partnership_id>/chat/messages/<int:message_id>")
@partnership_route()
def message_link(partnership, message_id: int):
    """Where a message lives: its thread for a reply, else its place in the channel."""
    message = messages.get_message(partnership, message_id, g.membership)
    anchor = f"msg-{message.id}"
    if message.parent_id:
        return redirect(url_for("chat.thread", partnership_id=partnership.id,
                                message_id=message.parent_id, _anchor=anchor))
    latest = messages.list_messages(message.channel).messages
    before = None if latest and latest[0].id <= message.id else message.id + 1
    return redirect(url_for("chat.channel", partnership_id=partnership.id,
                            channel_id=message.channel_id, before=before, _anchor=anchor))


# --- editing and deleting -----------------------------------------------------------------


@bp.route("/p/<int:partnership_id>/chat/messages/<int:message_id>/edit",
          methods=["GET", "POST"])
@partnership_route()
def edit(partnership, message_id: int):
    message = messages.get_message(partnership, message_id, g.membership)
    form = MessageForm(data={"body": message.body})
    if form.validate_on_submit():
        try:
            messages.edit_message(message, current_user, form.body.data or "")
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _message_or_page(partnership, message)
    elif message.author_id != current_user.id:
        messages.edit_message(message, current_user, message.body)  # raises Forbidden
    return render_form("chat/edit.html", form, fragment="chat/_edit_form.html",
                       partnership=partnership, message=message)


@bp.post("/p/<int:partnership_id>/chat/messages/<int:message_id>/delete")
@partnership_route()
def delete(partnership, message_id: int):
    message = messages.get_message(partnership, message_id, g.membership)
    if ConfirmForm().validate_on_submit():
        messages.delete_message(message, current_user)
    return _message_or_page(partnership, message)


@bp.get("/p/<int:partnership_id>/chat/messages/<int:message_id>/view")
@partnership_route()
def show(partnership, message_id: int):
    """One message as shown in the channel (cancelling an edit swaps this back in)."""
    message = messages.get_message(partnership, message_id, g.membership)
    return _message_or_page(partnership, message)


def _message_or_page(partnership, message):
    if htmx:
        return render_template("chat/_message.html", partnership=partnership, message=message)
    return redirect(url_for("chat.message_link", partnership_id=partnership.id,
                            message_id=message.id))


@bp.get("/p/<int:partnership_id>/chat/messages/<int:message_id>/history")
@partnership_route(permissions.may_see_message_history)
def history(partnership, message_id: int):
    message = messages.get_message(partnership, message_id, g.membership)
    return render("chat/history.html", partnership=partnership, message=message,
                  revisions=messages.message_history(message, g.membership))


# --- search -----------------------------------------------------------------------------


@bp.get("/p/<int:partnership_id>/chat/search")
@partnership_route()
def search(partnership):
    form = SearchForm(request.args)
    query = form.q.data or "" if form.validate() else ""
    return render("chat/search.html", "chat/_search_results.html", partnership=partnership,
                  form=form, query=query, results=messages.search(partnership, g.membership, query))


# --- channels --------------------------------------------------------------------------


@bp.route("/p/<int:partnership_id>/chat/channels/new", methods=["GET", "POST"])
@partnership_route(permissions.may_manage_channels)
def new_channel(partnership):
    form = ChannelForm()
    if form.validate_on_submit():
        try:
            chan = messages.create_channel(partnership, g.membership, name=form.name.data,
                                       topic=form.topic.data or "",
                                       steering_only=form.steering_only.data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash(f"The channel {chan.name} is ready.", "success")
            return redirect(url_for("chat.channel", partnership_id=partnership.id,
                                    channel_id=chan.id))
    return render_form("chat/new_channel.html", form, partnership=partnership)


@bp.post("/p/<int:partnership_id>/chat/channels/<int:channel_id>/archive")
@partnership_route(permissions.may_manage_channels)
def archive(partnership, channel_id: int):
    chan = messages.get_channel(partnership, channel_id, g.membership)
    if ConfirmForm().validate_on_submit():
        try:
            messages.archive_channel(chan, g.membership)
        except DomainError as error:
            flash(error.message, "error")
            return redirect(url_for("chat.channel", partnership_id=partnership.id,
                                    channel_id=chan.id))
        flash(f"The channel {chan.name} is archived.", "info")
    return redirect(url_for("chat.index", partnership_id=partnership.id))
