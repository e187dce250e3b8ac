"""The one access-control helper for partnership routes."""

from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_fresh, login_required

from workspace.clock import utcnow
from workspace.exceptions import Forbidden, NotFound, Suspended
from workspace.extensions import db, htmx
from workspace.models import CpdSession, Membership
from workspace.services import permissions
from workspace.services.networks import partners as networks
from workspace.services.networks.partners import Standing
from workspace.services.partnerships import membership as partnership_service


def partnership_route(rule: Callable[[Membership], bool] | None = None):
    """Guard a view under /p/<partnership_id>/: sign-in, then membership, then `rule`, a
    predicate of services/permissions taking the membership (`permissions.may_see_audits`).

    A non-member gets 404 (the partnership is not given away), every member of a suspended
    partnership a 403 page that says so (an htmx request reloads the page to show it), a
    member the rule refuses 403; without a rule every member may. The view receives
    `partnership` instead of `partnership_id`; the membership is in `g.membership`.
    """

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(partnership_id: int, **kwargs):
            try:
                membership = partnership_service.authorise(current_user, partnership_id, rule)
            except NotFound:
                abort(404)
            except Suspended as suspended:
                return render_template("partnerships/suspended.html",
                                       message=suspended.message), 403, (
                    {"HX-Refresh": "true"} if htmx else {})
            except Forbidden:
                abort(403)
            g.membership = membership
            g.partnership = membership.partnership
            return view(partnership=membership.partnership, **kwargs)

        wrapped.partnership_rule = rule
        return wrapped

    return decorator


def mark_fresh() -> None:
    """The person just gave their password (signing in or confirming): note when."""
    session["fresh_at"] = utcnow().timestamp()


def is_recent_login() -> bool:
    """Whether the person gave their password in this session within FRESH_LOGIN_MINUTES (a
    session restored from a remember-me cookie never is)."""
    fresh_at = session.get("fresh_at")
    return (login_fresh() and isinstance(fresh_at, float)
            and utcnow().timestamp() - fresh_at < 60 * current_app.config["FRESH_LOGIN_MINUTES"])


def recent_login_required(view):
    """Guard a sensitive action (role changes, exports of people's details, deleting an
    account): the person confirms their password first unless they just gave it. Put it
    inside the route's other guards, so that who may do it is checked first."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not is_recent_login():
            back = request.full_path if request.method == "GET" else (
                request.referrer if request.referrer and request.referrer.startswith(
                    request.host_url) else url_for("main.index"))
            if back.startswith(request.host_url):
                back = "/" + back[len(request.host_url):]
            target = url_for("accounts.reauthenticate", next=back.rstrip("?"))
            if htmx:
                return "", 204, {"HX-Redirect": target}
            return redirect(target)
        return view(*args, **kwargs)

    wrapped.recent_login = True
    return wrapped


def editor_required(view):
    """Guard a catalogue editing view: signed in, and a catalogue editor (else 403)."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not permissions.may_edit_catalogue(current_user):
            abort(403)
        return view(*args, **kwargs)

    wrapped.catalogue_editor_only = True
    return wrapped


def admin_required(view):
    """Guard a site administration view: signed in, and a site administrator. Anyone else
    gets 404, as a non-member does under /p/: the pages are not shown to those who may not
    use them, and a partnership or account named in the address is not given away."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not permissions.is_site_admin(current_user):
            abort(404)
        return view(*args, **kwargs)

    wrapped.site_admin_only = True
    return wrapped


def network_route(rule: Callable[["Standing"], bool] | None = None):
    """Guard a view under /networks/<partnership_network_id>/: sign-in, then the person's
    standing in the network (through a partnership of theirs that is a partner), then
    `rule`, a predicate of services/permissions taking the standing.

    Someone with no partnership in the network gets 404 (it is not given away), a partner
    the rule refuses 403. The view receives `network` instead of the id; the standing is in
    `g.network_standing`.
    """

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(partnership_network_id: int, **kwargs):
            standing = networks.standing(current_user, partnership_network_id)
            if standing is None:
                abort(404)
            if rule is not None and not rule(standing):
                abort(403)
            g.network_standing = standing
            return view(network=standing.network, **kwargs)

        wrapped.network_rule = rule
        return wrapped

    return decorator


def open_session_route(view):
    """Guard a view of a CPD session opened beyond its partnership (/cpd/open/<id>):
    signed in, and `permissions.may_see_open_session`; anyone else gets 404. The view
    receives the session as `cpd_session`."""

    @wraps(view)
    @login_required
    def wrapped(cpd_session_id: int, **kwargs):
        cpd_session = db.session.get(CpdSession, cpd_session_id)
        if cpd_session is None or not permissions.may_see_open_session(current_user,
                                                                       cpd_session):
            abort(404)
        return view(cpd_session=cpd_session, **kwargs)

    wrapped.open_session = True
    return wrapped


def can(rule: str, *args) -> bool:
    """Templates ask `can("run_network", network)`: the rule of that name in
    services/permissions, for the person viewing (their membership of the partnership the
    page is in, for partnership rules). An unknown name is an error, not a quiet False."""
    if rule in permissions.SITE_RULES:
        return permissions.SITE_RULES[rule](current_user, *args)
    if rule in permissions.NETWORK_RULES:
        return permissions.NETWORK_RULES[rule](g.get("network_standing"), *args)
    return permissions.PARTNERSHIP_RULES[rule](g.get("membership"), *args)
