"""Calendars: each session as an iCalendar event, and each person's private feed."""

from flask import Response, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from workspace.blueprints.access import partnership_route
from workspace.blueprints.cpd.views import bp, feed_context
from workspace.extensions import htmx
from workspace.models import CpdSession
from workspace.services.cpd import ical
from workspace.services.partnerships.membership import get_owned

ICALENDAR = "text/calendar"


def _ics(calendar, disposition: str) -> Response:
    response = Response(calendar.to_ical(), mimetype=ICALENDAR)
    response.headers["Content-Disposition"] = disposition
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/p/<int:partnership_id>/cpd/sessions/<int:cpd_session_id>.ics")
@partnership_route()
def session_ics(partnership, cpd_session_id: int):
    return session_ics_answer(get_owned(CpdSession, partnership, cpd_session_id),
                              current_app.config["BASE_URL"])


def session_ics_answer(cpd_session: CpdSession, base_url: str) -> Response:
    """The session as an iCalendar file to download (with the person's place, if any)."""
    calendar = ical.session_calendar(cpd_session, current_user, base_url)
    return _ics(calendar, f'attachment; filename="cpd-session-{cpd_session.id}.ics"')


@bp.get("/calendar/<token>.ics")
def calendar_feed(token: str):
    """The private feed: no sign-in, the token is the key (calendar apps cannot sign in)."""
    user = ical.user_by_token(token)
    calendar = ical.feed_calendar(user, current_app.config["BASE_URL"])
    return _ics(calendar, 'inline; filename="cpd-sessions.ics"')


@bp.post("/cpd/calendar-feed/reset")
@login_required
def reset_calendar_feed():
    ical.reset_feed(current_user)
    flash("Your calendar feed has a new address: the old one no longer works. "
          "Subscribe to the new one in your calendar app.", "success")
    if htmx:
        return render_template("cpd/_calendar_feed.html", **feed_context(current_user))
    return redirect(url_for("cpd.mine"))
