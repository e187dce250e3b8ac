"""Networks of partnerships: the person's networks, a network's page and its partners,
invitations by link, the channel, peer-learning meetings, working groups and resources."""

from flask import Blueprint, abort, current_app, flash, g, redirect, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from workspace.blueprints.access import network_route
from workspace.blueprints.networks.forms import (
    GroupForm,
    InviteForm,
    JoinForm,
    MeetingForm,
    NetworkForm,
    PostForm,
    ResourceForm,
    StartNetworkForm,
)
from workspace.blueprints.partnerships.forms import ConfirmForm
from workspace.blueprints.rendering import add_domain_error, render, render_form
from workspace.clock import LONDON, utcnow
from workspace.exceptions import DomainError
from workspace.extensions import db, htmx, limiter
from workspace.infra.links import absolute_url
from workspace.models import (
    NetworkMeeting,
    NetworkPartner,
    NetworkPost,
    NetworkResource,
    Partnership,
)
from workspace.services import permissions
from workspace.services.cpd import sessions as cpd
from workspace.services.networks import content
from workspace.services.networks import partners as networks
from workspace.services.partnerships.membership import list_memberships_of

bp = Blueprint("networks", __name__)


def _led_choices(exclude: set[int] = frozenset()) -> list[SelectChoice]:
    return [SelectChoice(str(m.partnership_id), m.partnership.name)
            for m in list_memberships_of(current_user)
            if permissions.is_lead(m) and m.partnership_id not in exclude
            and not m.partnership.is_suspended]


def _back(network, endpoint: str = "networks.network", **values):
    return redirect(url_for(endpoint, partnership_network_id=network.id, **values))


def _require_remover(added_by_id: int) -> None:
    if not permissions.may_remove_network_item(g.network_standing, added_by_id):
        abort(403)


def _confirmed() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


# --- the person's networks, and forming one -----------------------------------------------


@bp.route("/networks", methods=["GET", "POST"])
@login_required
def index():
    form = StartNetworkForm()
    form.partnership.choices = _led_choices()
    if form.partnership.choices and form.validate_on_submit():
        partnership = db.session.get(Partnership, int(form.partnership.data))
        try:
            network = networks.create_network(
                partnership, current_user, name=form.name.data, theme=form.theme.data or "",
                description=form.description.data or "")
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash(f"{network.name} is formed: invite the other partnerships.", "success")
            return redirect(url_for("networks.invites", partnership_network_id=network.id))
    return render_form("networks/index.html", form, rows=networks.networks_of(current_user))


@bp.get("/networks/<int:partnership_network_id>")
@network_route()
def network(network):
    now = utcnow()
    upcoming, _ = content.meetings(network, now)
    return render("networks/network.html", network=network, partners=networks.partners(network),
                  meetings=upcoming[:3], sessions=cpd.network_open_sessions(network, now),
                  confirm=ConfirmForm())


@bp.route("/networks/<int:partnership_network_id>/edit", methods=["GET", "POST"])
@network_route(permissions.may_convene_network)
def edit(network):
    form = NetworkForm(obj=network)
    if form.validate_on_submit():
        try:
            networks.update_network(network, name=form.name.data, theme=form.theme.data or "",
                                    description=form.description.data or "")
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash("The network is saved.", "success")
            return _back(network)
    return render_form("networks/edit.html", form, network=network)


# --- partners and invitations -------------------------------------------------------------


@bp.route("/networks/<int:partnership_network_id>/invites", methods=["GET", "POST"])
@network_route(permissions.may_convene_network)
def invites(network):
    form, link = InviteForm(), None
    if form.validate_on_submit():
        _, token = networks.create_invite(network, current_user, form.note.data or "",
                                          utcnow())
        link = absolute_url("networks.join", token=token)
        form = InviteForm(formdata=None)
    return render_form("networks/invites.html", form, network=network, link=link,
                       invites=networks.open_invites(network, utcnow()), confirm=ConfirmForm())


@bp.post("/networks/<int:partnership_network_id>/invites/<int:network_invite_id>/revoke")
@network_route(permissions.may_convene_network)
def revoke_invite(network, network_invite_id: int):
    _confirmed()
    networks.revoke_invite(network, network_invite_id, utcnow())
    flash("The invitation is withdrawn: its link no longer works.", "info")
    return _back(network, "networks.invites")


@bp.route("/networks/join/<token>", methods=["GET", "POST"])
@login_required
def join(token: str):
    try:
        invite = networks.invite_by_token(token, utcnow())
    except DomainError as error:
        return render("networks/join_closed.html", status=410, message=error.message)
    network = invite.network
    form = JoinForm()
    form.partnership.choices = _led_choices()
    if form.partnership.choices and form.validate_on_submit():
        partnership = db.session.get(Partnership, int(form.partnership.data))
        try:
            networks.accept_invite(token, partnership, current_user, utcnow())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash(f"{partnership.name} is now a partner in {network.name}.", "success")
            return _back(network)
    return render_form("networks/join.html", form, network=network,
                       partners=networks.partners(network))


@bp.post("/networks/<int:partnership_network_id>/partners/<int:network_partner_id>/remove")
@network_route()
def remove_partner(network, network_partner_id: int):
    _confirmed()
    partner = networks.get_in(NetworkPartner, network, network_partner_id)
    if not permissions.may_remove_partner(g.network_standing, partner):
        abort(403)
    networks.remove_partner(network, partner.id, g.network_standing)
    flash("The partnership is out of the network; its sessions opened to the network are "
          "closed to it again, and places already booked stay booked.", "info")
    if networks.standing(current_user, network.id) is None:
        return redirect(url_for("networks.index"))
    return _back(network)


# --- the channel --------------------------------------------------------------------------


def _channel(network, form: PostForm):
    return render_form("networks/channel.html", form, "networks/_channel.html",
                       network=network, posts=content.recent_posts(network))


def _post_limit() -> str:
    return current_app.config["CHAT_POST_RATE_LIMIT"]


def _poster_key() -> str:
    """The same allowance as chat's: posting here and in chat counts together."""
    return f"chat-post:{current_user.id}"


@bp.route("/networks/<int:partnership_network_id>/channel", methods=["GET", "POST"])
@network_route()
@limiter.limit(_post_limit, key_func=_poster_key, methods=["POST"])
def channel(network):
    form = PostForm()
    if form.validate_on_submit():
        try:
            content.post(network, g.network_standing, form.body.data, utcnow())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if not htmx:
                return _back(network, "networks.channel")
            form = PostForm(formdata=None)
    return _channel(network, form)


@bp.post("/networks/<int:partnership_network_id>/channel/<int:network_post_id>/remove")
@network_route()
def remove_post(network, network_post_id: int):
    _confirmed()
    _require_remover(networks.get_in(NetworkPost, network, network_post_id).author_id)
    content.remove_post(network, network_post_id, g.network_standing)
    flash("The message is removed.", "info")
    return _back(network, "networks.channel")


# --- meetings -----------------------------------------------------------------------------


@bp.get("/networks/<int:partnership_network_id>/meetings")
@network_route()
def meetings(network):
    upcoming, past = content.meetings(network, utcnow())
    return render("networks/meetings.html", network=network, upcoming=upcoming, past=past)


def _meeting_fields(form: MeetingForm) -> content.MeetingFields:
    return content.MeetingFields(title=form.title.data, day=form.day.data,
                                 start=form.start.data, place=form.place.data or "",
                                 agenda=form.agenda.data or "", notes=form.notes.data or "")


@bp.route("/networks/<int:partnership_network_id>/meetings/new", methods=["GET", "POST"])
@network_route(permissions.may_run_network_business)
def new_meeting(network):
    form = MeetingForm()
    if form.validate_on_submit():
        try:
            meeting = content.schedule_meeting(network, current_user, _meeting_fields(form))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash(f"{meeting.title} is scheduled.", "success")
            return _back(network, "networks.meeting", network_meeting_id=meeting.id)
    return render_form("networks/meeting_form.html", form, network=network, meeting=None)


@bp.get("/networks/<int:partnership_network_id>/meetings/<int:network_meeting_id>")
@network_route()
def meeting(network, network_meeting_id: int):
    found = networks.get_in(NetworkMeeting, network, network_meeting_id)
    return render("networks/meeting.html", network=network, meeting=found,
                  agenda=content.render_text(found.agenda),
                  notes=content.render_text(found.notes))


@bp.route("/networks/<int:partnership_network_id>/meetings/<int:network_meeting_id>/edit",
          methods=["GET", "POST"])
@network_route(permissions.may_run_network_business)
def edit_meeting(network, network_meeting_id: int):
    found = networks.get_in(NetworkMeeting, network, network_meeting_id)
    local = found.starts_at.astimezone(LONDON)
    form = MeetingForm(obj=found, day=local.date(), start=local.time())
    if form.validate_on_submit():
        try:
            content.update_meeting(found, _meeting_fields(form))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash("The meeting is saved.", "success")
            return _back(network, "networks.meeting", network_meeting_id=found.id)
    return render_form("networks/meeting_form.html", form, network=network, meeting=found)


# --- working groups -----------------------------------------------------------------------


def _groups(network, form: GroupForm):
    return render_form("networks/groups.html", form, network=network,
                       groups=content.groups(network), confirm=ConfirmForm())


@bp.get("/networks/<int:partnership_network_id>/groups")
@network_route()
def groups(network):
    return _groups(network, GroupForm(formdata=None))


@bp.post("/networks/<int:partnership_network_id>/groups")
@network_route(permissions.may_run_network_business)
def create_group(network):
    form = GroupForm()
    if form.validate_on_submit():
        try:
            group = content.create_group(network, form.name.data, form.purpose.data or "")
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash(f"The working group {group.name} is started.", "success")
            return _back(network, "networks.groups")
    return _groups(network, form)


@bp.post("/networks/<int:partnership_network_id>/groups/<int:network_group_id>/join")
@network_route()
def join_group(network, network_group_id: int):
    _confirmed()
    content.join_group(network, network_group_id, g.network_standing)
    return _back(network, "networks.groups")


@bp.post("/networks/<int:partnership_network_id>/groups/<int:network_group_id>/leave")
@network_route()
def leave_group(network, network_group_id: int):
    _confirmed()
    content.leave_group(network, network_group_id, g.network_standing)
    return _back(network, "networks.groups")


# --- resources ----------------------------------------------------------------------------


@bp.route("/networks/<int:partnership_network_id>/resources", methods=["GET", "POST"])
@network_route()
def resources(network):
    form = ResourceForm()
    if form.validate_on_submit():
        try:
            content.add_resource(network, g.network_standing, title=form.title.data,
                                 url=form.url.data, description=form.description.data or "")
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash("The resource is shared with the network.", "success")
            return _back(network, "networks.resources")
    return render_form("networks/resources.html", form, network=network,
                       resources=content.resources(network), confirm=ConfirmForm())


@bp.post("/networks/<int:partnership_network_id>/resources/<int:network_resource_id>/remove")
@network_route()
def remove_resource(network, network_resource_id: int):
    _confirmed()
    _require_remover(networks.get_in(NetworkResource, network, network_resource_id).added_by_id)
    content.remove_resource(network, network_resource_id, g.network_standing)
    flash("The resource is removed.", "info")
    return _back(network, "networks.resources")
