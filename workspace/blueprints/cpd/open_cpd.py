"""CPD opened beyond its partnership: the sessions open to the person, and a session's page
for its guests (the members of a network's partnerships, or anyone with an account), where
they book, give up a place, add it to their calendar and claim supply cover."""

from flask import current_app, url_for
from flask_login import current_user, login_required

from workspace.blueprints.access import open_session_route
from workspace.blueprints.cpd.calendar import session_ics_answer
from workspace.blueprints.cpd.supply import claim
from workspace.blueprints.cpd.views import book, bp, signup_context, unbook
from workspace.blueprints.rendering import render
from workspace.clock import utcnow
from workspace.extensions import db
from workspace.models import Partnership
from workspace.services.cpd import sessions as cpd
from workspace.services.cpd import supply
from workspace.services.partnerships.membership import find_membership


@bp.get("/cpd/open")
@login_required
def open_sessions():
    rows = cpd.open_sessions_for(current_user, utcnow())
    return render("cpd/open_sessions.html", rows=rows,
                  hosts=cpd.hosts_of([r.session for r in rows]))


@bp.get("/cpd/open/<int:cpd_session_id>")
@open_session_route
def open_session(cpd_session):
    modules, areas = cpd.session_links(cpd_session)
    context = signup_context(cpd_session, opened=True)
    host = db.session.get(Partnership, cpd_session.partnership_id)
    member = find_membership(host.id, current_user) is not None
    return render("cpd/open_session.html", "cpd/_signup.html", modules=modules, areas=areas,
                  host=host, member=member, when=cpd.describe_when(cpd_session),
                  where=cpd.describe_where(cpd_session),
                  claim=supply.claim_for(context["booking"]),
                  supply_rates=supply.rates_of(cpd_session),
                  host_page=url_for("cpd.session", partnership_id=host.id,
                                    cpd_session_id=cpd_session.id) if member else None,
                  **context)


@bp.post("/cpd/open/<int:cpd_session_id>/signup")
@open_session_route
def open_sign_up(cpd_session):
    return book(cpd_session, opened=True)


@bp.post("/cpd/open/<int:cpd_session_id>/withdraw")
@open_session_route
def open_withdraw(cpd_session):
    return unbook(cpd_session, opened=True)


@bp.post("/cpd/open/<int:cpd_session_id>/claim")
@open_session_route
def open_claim_supply(cpd_session):
    return claim(cpd_session, opened=True)


@bp.get("/cpd/open/<int:cpd_session_id>.ics")
@open_session_route
def open_session_ics(cpd_session):
    return session_ics_answer(cpd_session, current_app.config["BASE_URL"])


@bp.app_template_global("session_url")
def session_url(cpd_session, booking=None) -> str:
    """A session's page for whoever is told of it, with their place if it is theirs
    (services/cpd/sessions.session_path)."""
    return cpd.session_path(cpd_session, booking)
