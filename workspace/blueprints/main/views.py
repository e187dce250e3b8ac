"""The home page: a welcome for visitors, the person's dashboard once signed in."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from workspace.blueprints.partnerships.forms import ConfirmForm
from workspace.blueprints.rendering import render
from workspace.clock import london_today, utcnow
from workspace.services import dashboards, notifications
from workspace.services.partnerships import membership as partnership_service

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return render_template("main/welcome.html")
    now = utcnow()
    board = dashboards.dashboard(current_user, partnership_service.list_memberships_of(
        current_user), now, london_today(now))
    return render("main/home.html", "main/_dashboard.html", board=board)


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}


@bp.app_context_processor
def inject_unread():
    """How many notifications the signed-in person has not read, for the navigation."""
    if not current_user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": notifications.unread_count(current_user)}


@bp.get("/notifications")
@login_required
def notification_list():
    return render_template("main/notifications.html", confirm=ConfirmForm(),
                           items=notifications.list_notifications(current_user))


@bp.post("/notifications/read")
@login_required
def notifications_read():
    if ConfirmForm().validate_on_submit():
        notifications.mark_all_read(current_user)
    return redirect(url_for("main.notification_list"))
