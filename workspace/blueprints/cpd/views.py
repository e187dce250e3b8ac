"""Networks, sessions, sign-up and waiting lists, attendance registers, the person's CPD."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, g, redirect, url_for
from flask_login import current_user, login_required
from wtforms import ValidationError
from wtforms.fields.choices import SelectChoice

from workspace.blueprints.access import partnership_route
from workspace.blueprints.cpd.forms import AttendanceForm, NetworkForm, SessionForm
from workspace.blueprints.partnerships.forms import ConfirmForm
from workspace.blueprints.rendering import add_domain_error, render, render_form
from workspace.clock import utcnow
from workspace.exceptions import DomainError
from workspace.extensions import htmx
from workspace.infra.links import absolute_url
from workspace.models import Booking, CpdSession, Network, SessionSeries
from workspace.models.cpd import Attendance, SessionAudience
from workspace.services import permissions
from workspace.services.catalogue import items
from workspace.services.chat import messages
from workspace.services.cpd import ical, logbook, supply
from workspace.services.cpd import sessions as cpd
from workspace.services.networks import partners as networks
from workspace.services.partnerships import membership as partnership_service

bp = Blueprint("cpd", __name__)


def _may_run(network: Network) -> bool:
    return permissions.may_run_network(g.membership, network)


def _require_runner(network: Network) -> None:
    if not _may_run(network):
        abort(403)


# --- networks -----------------------------------------------------------------------------


def _network_form(partnership, **kwargs) -> NetworkForm:
    form = NetworkForm(**kwargs)
    form.coordinator.choices = [SelectChoice("", "Nobody yet")] + [
        SelectChoice(str(m.user_id), m.user.name)
        for m in partnership_service.list_members(partnership)]
    return form


@bp.get("/p/<int:partnership_id>/cpd/")
@partnership_route()
def index(partnership):
    return _index_page(partnership, _network_form(partnership, formdata=None))


def _index_page(partnership, form: NetworkForm):
    now = utcnow()
    pending = supply.pending_count(partnership) if permissions.is_lead(g.membership) else 0
    return render_form("cpd/index.html", form, partnership=partnership,
                       networks=cpd.list_networks(partnership, current_user, now),
                       sessions=cpd.list_sessions(partnership, since=now),
                       pending_claims=pending)


@bp.post("/p/<int:partnership_id>/cpd/networks")
@partnership_route(permissions.may_create_network)
def create_network(partnership):
    form = _network_form(partnership)
    if form.validate_on_submit():
        coordinator = _member_user(partnership, form.coordinator.data)
        network = cpd.create_network(partnership, name=form.name.data,
                                     description=form.description.data or "",
                                     coordinator=coordinator)
        flash(f"The {network.name} network is ready.", "success")
        return redirect(url_for("cpd.network", partnership_id=partnership.id,
                                network_id=network.id))
    return _index_page(partnership, form)


def _member_user(partnership, user_id: str | None):
    if not user_id:
        return None
    membership = next((m for m in partnership_service.list_members(partnership)
                       if str(m.user_id) == user_id), None)
    return membership.user if membership else None


@bp.get("/p/<int:partnership_id>/cpd/networks/<int:network_id>")
@partnership_route()
def network(partnership, network_id: int):
    net = partnership_service.get_owned(Network, partnership, network_id)
    now = utcnow()
    sessions = cpd.list_sessions(partnership, network=net, since=now)
    return render("cpd/network.html", partnership=partnership, network=net,
                  sessions=sessions, members=cpd.network_members(net),
                  is_member=cpd.is_network_member(net, current_user),
                  may_run=_may_run(net), confirm=ConfirmForm(),
                  series=cpd.series_of(partnership, sessions))


@bp.post("/p/<int:partnership_id>/cpd/networks/<int:network_id>/join")
@partnership_route()
def join_network(partnership, network_id: int):
    net = partnership_service.get_owned(Network, partnership, network_id)
    if ConfirmForm().validate_on_submit():
        cpd.join_network(net, current_user)
        flash(f"You have joined the {net.name} network.", "success")
    return redirect(url_for("cpd.network", partnership_id=partnership.id, network_id=net.id))


@bp.post("/p/<int:partnership_id>/cpd/networks/<int:network_id>/leave")
@partnership_route()
def leave_network(partnership, network_id: int):
    net = partnership_service.get_owned(Network, partnership, network_id)
    if ConfirmForm().validate_on_submit():
        cpd.leave_network(net, current_user)
        flash(f"You have left the {net.name} network.", "info")
    return redirect(url_for("cpd.network", partnership_id=partnership.id, network_id=net.id))


# --- scheduling ---------------------------------------------------------------------------


def _session_form(partnership, **kwargs) -> SessionForm:
    form = SessionForm(**kwargs)
    form.provider.choices = [SelectChoice("", "None")] + [
        SelectChoice(str(o.id), o.name) for o in partnership_service.list_organisations(
            partnership)]
    form.areas.choices = [SelectChoice(a.id, f"{a.number}. {a.title}")
                          for a in items.list_areas()]
    form.open_to.choices = [SelectChoice("partnership", f"Members of {partnership.name}")] + [
        SelectChoice(f"network-{n.id}", f"The partnerships of {n.name}")
        for n in networks.networks_of_partnership(partnership)] + [
        SelectChoice("everyone", "Anyone with an account")]
    return form


def _audience(value: str) -> tuple[SessionAudience, int | None]:
    if value.startswith("network-") and value[8:].isdigit():
        return SessionAudience.NETWORK, int(value[8:])
    return SessionAudience(value), None


def _fields(form: SessionForm) -> cpd.SessionFields:
    return cpd.SessionFields(
        title=form.title.data, day=form.day.data, start=form.start.data, end=form.end.data,
        capacity=form.capacity.data, timezone=form.timezone.data, focus=form.focus.data or "",
        venue=form.venue.data or "", online_url=form.online_url.data or "",
        facilitator=form.facilitator.data or "",
        provider_organisation_id=int(form.provider.data) if form.provider.data else None,
        learning_hours=form.learning_hours.data,
        signup_closes_days_before=form.signup_closes_days_before.data,
        module_ids=frozenset(i.id for i in form.modules.items),
        area_ids=frozenset(form.areas.data or []),
        **dict(zip(("audience", "audience_network_id"), _audience(form.open_to.data),
                   strict=True)))


@bp.route("/p/<int:partnership_id>/cpd/networks/<int:network_id>/sessions/new",
          methods=["GET", "POST"])
@partnership_route()
def new_session(partnership, network_id: int):
    net = partnership_service.get_owned(Network, partnership, network_id)
    _require_runner(net)
    form = _session_form(partnership)
    if form.validate_on_submit():
        try:
            extra = form.extra_dates()
            fields = _fields(form)
            if extra:
                series = cpd.schedule_series(partnership, net, form.title.data,
                                             [form.day.data, *extra], fields)
                flash(f"{len(set(extra) | {form.day.data})} sessions scheduled in "
                      f"{series.title}.", "success")
            else:
                created = cpd.schedule_session(partnership, net, fields)
                flash(f"{created.title} is scheduled.", "success")
        except ValidationError as error:
            form.more_dates.errors = [*form.more_dates.errors, str(error)]
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect(url_for("cpd.network", partnership_id=partnership.id,
                                    network_id=net.id))
    return render_form("cpd/session_form.html", form, partnership=partnership, network=net,
                       cpd_session=None)


@bp.route("/p/<int:partnership_id>/cpd/sessions/<int:cpd_session_id>/edit",
          methods=["GET", "POST"])
@partnership_route()
def edit_session(partnership, cpd_session_id: int):
    existing = partnership_service.get_owned(CpdSession, partnership, cpd_session_id)
    _require_runner(existing.network)
    form = _session_form(partnership, obj=existing, **_form_values(existing))
    if form.validate_on_submit():
        try:
            cpd.update_session(partnership, existing, _fields(form), utcnow())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash("The session is saved; people booked have been told of any change.",
                  "success")
            return redirect(url_for("cpd.session", partnership_id=partnership.id,
                                    cpd_session_id=existing.id))
    return render_form("cpd/session_form.html", form, partnership=partnership,
                       network=existing.network, cpd_session=existing)


def _form_values(existing: CpdSession) -> dict:
    zone = ZoneInfo(existing.timezone)
    start, end = existing.starts_at.astimezone(zone), existing.ends_at.astimezone(zone)
    modules, areas = cpd.session_links(existing)
    days = (start - existing.signup_deadline.astimezone(zone)).days \
        if existing.signup_deadline else None
    return {"day": start.date(), "start": start.time(), "end": end.time(),
            "provider": str(existing.provider_organisation_id or ""),
            "modules": [m.id for m in modules],
            "areas": [a.id for a in areas], "signup_closes_days_before": days or None,
            "open_to": (f"network-{existing.audience_network_id}"
                        if existing.audience_network_id else existing.audience.value)}


@bp.post("/p/<int:partnership_id>/cpd/sessions/<int:cpd_session_id>/cancel")
@partnership_route()
def cancel_session(partnership, cpd_session_id: int):
    existing = partnership_service.get_owned(CpdSession, partnership, cpd_session_id)
    _require_runner(existing.network)
    if ConfirmForm().validate_on_submit():
        try:
            cpd.cancel_session(existing)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash("The session is cancelled and everyone booked has been told.", "info")
    return redirect(url_for("cpd.session", partnership_id=partnership.id,
                            cpd_session_id=existing.id))


# --- a session, and signing up ------------------------------------------------------------


def card_urls(cpd_session: CpdSession, opened: bool = False) -> dict:
    """Where the session's cards post: its partnership's pages, or (`opened`) the page of
    a session opened beyond the partnership, which its guests use."""
    if opened:
        names = {"page": "cpd.open_session", "sign_up": "cpd.open_sign_up",
                 "withdraw": "cpd.open_withdraw", "claim": "cpd.open_claim_supply",
                 "ics": "cpd.open_session_ics"}
        return {key: url_for(name, cpd_session_id=cpd_session.id)
                for key, name in names.items()}
    names = {"page": "cpd.session", "sign_up": "cpd.sign_up", "withdraw": "cpd.withdraw",
             "claim": "cpd.claim_supply", "ics": "cpd.session_ics"}
    return {key: url_for(name, partnership_id=cpd_session.partnership_id,
                         cpd_session_id=cpd_session.id) for key, name in names.items()}


def signup_context(existing: CpdSession, opened: bool = False) -> dict:
    booking = cpd.booking_of(existing, current_user)
    return {"cpd_session": existing, "booking": booking, "urls": card_urls(existing, opened),
            "row": cpd.session_row(existing), "now": utcnow(), "confirm": ConfirmForm(),
            "position": cpd.waiting_position(booking) if booking else None}


@bp.get("/p/<int:partnership_id>/cpd/sessions/<int:cpd_session_id>")
@partnership_route()
def session(partnership, cpd_session_id: int):
    existing = partnership_service.get_owned(CpdSession, partnership, cpd_session_id)
    modules, areas = cpd.session_links(existing)
    may_run = _may_run(existing.network)
    context = signup_context(existing)
    return render("cpd/session.html", "cpd/_signup.html", modules=modules, areas=areas,
                  may_run=may_run, people=cpd.active_bookings(existing) if may_run else [],
                  guests=cpd.guests_among(existing) if may_run else set(),
                  when=cpd.describe_when(existing), where=cpd.describe_where(existing),
                  claim=supply.claim_for(context["booking"]), partnership=partnership,
                  supply_rates=supply.get_rates(partnership),
                  may_discuss=messages.may_read_network(existing.network, g.membership), **context)


def signup_answer(existing: CpdSession, error: str | None = None, opened: bool = False):
    """The sign-up card for htmx (with the message in it), else back to the session page."""
    if htmx:
        return render("cpd/session.html", "cpd/_signup.html", status=422 if error else 200,
                      error=error, **signup_context(existing, opened))
    if error:
        flash(error, "error")
    return redirect(card_urls(existing, opened)["page"])


def book(existing: CpdSession, opened: bool = False):
    """Sign the person up (a place, or the waiting list) and answer with the card."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        cpd.sign_up(existing, current_user, utcnow())
    except DomainError as error:
        return signup_answer(existing, error.message, opened)
    return signup_answer(existing, opened=opened)


def unbook(existing: CpdSession, opened: bool = False):
    """Give up the person's place or waiting-list place and answer with the card."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        cpd.cancel_booking(existing, current_user, utcnow())
    except DomainError as error:
        return signup_answer(existing, error.message, opened)
    return signup_answer(existing, opened=opened)


@bp.post("/p/<int:partnership_id>/cpd/sessions/<int:cpd_session_id>/signup")
@partnership_route()
def sign_up(partnership, cpd_session_id: int):
    return book(partnership_service.get_owned(CpdSession, partnership, cpd_session_id))


@bp.post("/p/<int:partnership_id>/cpd/sessions/<int:cpd_session_id>/withdraw")
@partnership_route()
def withdraw(partnership, cpd_session_id: int):
    return unbook(partnership_service.get_owned(CpdSession, partnership, cpd_session_id))


@bp.post("/p/<int:partnership_id>/cpd/series/<int:session_series_id>/signup")
@partnership_route()
def sign_up_series(partnership, session_series_id: int):
    series = partnership_service.get_owned(SessionSeries, partnership, session_series_id)
    if ConfirmForm().validate_on_submit():
        try:
            bookings = cpd.sign_up_series(series, current_user, utcnow())
        except DomainError as error:
            flash(error.message, "error")
        else:
            waiting = sum(b.status.value == "waiting" for b in bookings)
            flash(f"Signed up for {len(bookings)} sessions of {series.title}"
                  + (f" ({waiting} on the waiting list)." if waiting else "."), "success")
    return redirect(url_for("cpd.network", partnership_id=partnership.id,
                            network_id=series.network_id))


# --- attendance ---------------------------------------------------------------------------


@bp.get("/p/<int:partnership_id>/cpd/sessions/<int:cpd_session_id>/register")
@partnership_route()
def register(partnership, cpd_session_id: int):
    existing = partnership_service.get_owned(CpdSession, partnership, cpd_session_id)
    _require_runner(existing.network)
    now = utcnow()
    return render("cpd/register.html", partnership=partnership, cpd_session=existing,
                  bookings=cpd.register(existing), form=AttendanceForm(formdata=None),
                  when=cpd.describe_when(existing), now=now,
                  not_yet=permissions.why_not_mark_attendance(g.membership, existing, None, now))


@bp.post("/p/<int:partnership_id>/cpd/sessions/<int:cpd_session_id>/register/"
         "<int:booking_id>")
@partnership_route()
def mark(partnership, cpd_session_id: int, booking_id: int):
    existing = partnership_service.get_owned(CpdSession, partnership, cpd_session_id)
    _require_runner(existing.network)
    form = AttendanceForm()
    if not form.validate_on_submit():
        abort(400)
    value = Attendance(form.attendance.data) if form.attendance.data else None
    error = None
    try:
        booking = cpd.mark_attendance(existing, booking_id, value, current_user, utcnow())
    except DomainError as refused:
        error, booking = refused.message, partnership_service.get_owned(
            Booking, partnership, booking_id)
    if htmx:
        return render("cpd/register.html", "cpd/_register_row.html", status=422 if error else 200,
                      partnership=partnership, cpd_session=existing, booking=booking,
                      error=error, now=utcnow())
    if error:
        flash(error, "error")
    return redirect(url_for("cpd.register", partnership_id=partnership.id,
                            cpd_session_id=existing.id))


# --- the person's own CPD -----------------------------------------------------------------


@bp.get("/cpd/mine")
@login_required
def mine():
    log = logbook.cpd_log(current_user)
    return render("cpd/mine.html", bookings=cpd.my_bookings(current_user,
                                                            utcnow() - timedelta(hours=12)),
                  log=log, totals=logbook.totals_by_year(log), confirm=ConfirmForm(),
                  **feed_context(current_user))


def feed_context(user) -> dict:
    """What cpd/_calendar_feed.html needs: the person's private feed address."""
    feed = ical.feed_for(user)
    return {"feed_url": absolute_url("cpd.calendar_feed", token=feed.token)}
