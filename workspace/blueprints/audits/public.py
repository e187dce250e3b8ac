"""The needs form that schools and organisations answer by link, without an account."""

from flask import current_app, redirect, request, url_for

from workspace.blueprints.audits.forms import PublicNeedForm
from workspace.blueprints.audits.records import need_fields, need_form
from workspace.blueprints.audits.views import bp
from workspace.blueprints.rendering import add_domain_error, render, render_form
from workspace.clock import utcnow
from workspace.exceptions import DomainError, NotFound
from workspace.extensions import db, limiter
from workspace.models import Partnership
from workspace.services.audits import records


def _needs_limit() -> str:
    return current_app.config["NEEDS_FORM_RATE_LIMIT"]


def _closed(state: str, code: int):
    return render("audits/needs_closed.html", status=code, state=state)


@bp.route("/needs/<token>", methods=["GET", "POST"])
@limiter.limit(_needs_limit, methods=["POST"])
def needs_form(token: str):
    try:
        audit = records.audit_by_token(token)
    except NotFound:
        return _closed("unknown", 404)
    state = records.link_state(audit, utcnow())
    if state != "open":
        return _closed(state, 410)
    partnership = db.session.get(Partnership, audit.partnership_id)
    if request.method == "GET" and request.args.get("sent"):
        return render("audits/needs_thanks.html", audit=audit, partnership=partnership)
    form = need_form(PublicNeedForm, partnership)
    if form.validate_on_submit():
        try:
            records.submit_need(token, need_fields(form), utcnow())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect(url_for("audits.needs_form", token=token, sent=1))
    return render_form("audits/needs_form.html", form, audit=audit, partnership=partnership,
                       wards=records.list_wards(audit))
