"""The home page: a welcome for visitors, the person's partnerships once signed in."""

from flask import Blueprint, render_template
from flask_login import current_user

from workspace.services import partnerships as partnership_service

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return render_template("main/welcome.html")
    memberships = partnership_service.list_memberships_of(current_user)
    return render_template("main/home.html", memberships=memberships)


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}
