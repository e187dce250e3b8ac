"""Public pages: whether a credential the workspace issued is genuine and still holds, by its
address or by pasting the credential itself, and the public key that checks its signature."""

from flask import Blueprint, abort, current_app, jsonify
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from workspace.blueprints.form_base import Form
from workspace.blueprints.rendering import render, render_form
from workspace.extensions import limiter
from workspace.services import credentials

bp = Blueprint("credentials", __name__)


class VerifyForm(Form):
    credential = TextAreaField("The credential (the text of its .jws file)", validators=[
        DataRequired(message="Paste the credential."), Length(max=20_000)])


def _verify_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.get("/credentials/key.json")
def public_key():
    response = jsonify({"keys": [credentials.public_jwk()]})
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


@bp.route("/credentials/verify", methods=["GET", "POST"])
@limiter.limit(_verify_limit, methods=["POST"])
def verify():
    form = VerifyForm()
    verdict = credentials.verify(form.credential.data) if form.validate_on_submit() else None
    return render_form("credentials/verify.html", form, verdict=verdict)


@bp.get("/credentials/<token>")
def show(token: str):
    credential = credentials.by_token(token)
    if credential is None:
        abort(404)
    return render("credentials/show.html", verdict=credentials.status(credential))
