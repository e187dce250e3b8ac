"""The person's CPD log and the export of their whole record.

The forms live here rather than in forms.py because only these views use them.
"""

import json

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from wtforms import DateField, DecimalField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from workspace.blueprints.files import attachment
from workspace.blueprints.form_base import Form
from workspace.blueprints.progress.views import bp
from workspace.blueprints.rendering import add_domain_error, render
from workspace.clock import london_today, utcnow
from workspace.exceptions import DomainError
from workspace.extensions import htmx
from workspace.services.cpd import logbook as log_service
from workspace.services.progress import record as record_service

PAGE = "progress/cpd_log.html"
LIST = "progress/_cpd_log.html"
FORM = "progress/_cpd_log_form.html"


class CpdLogForm(Form):
    day = DateField("Date", validators=[InputRequired(message="Enter the date.")])
    activity = StringField("Activity", validators=[
        InputRequired(message="Describe the activity."),
        Length(max=log_service.ACTIVITY_MAX,
               message=f"Keep the activity to {log_service.ACTIVITY_MAX} characters.")],
        description="For example, a course, reading, observing a colleague, a conference.")
    hours = DecimalField("Hours", places=2, validators=[
        InputRequired(message="Enter the hours, like 1.5.")],
        description="More than 0 and at most 24.")
    reflection = TextAreaField("Reflection (optional)", validators=[
        Optional(), Length(max=log_service.REFLECTION_MAX,
                           message=f"Keep the reflection to {log_service.REFLECTION_MAX} "
                                   "characters.")],
        description="What you learnt and how you will use it.")


class ConfirmForm(Form):
    """A button that only carries the CSRF token."""


def _today():
    return london_today()


def _log_context() -> dict:
    log = log_service.cpd_log(current_user)
    return {"log": log, "totals": log_service.totals_by_year(log), "today": _today()}


@bp.get("/me/cpd-log")
@login_required
def cpd_log():
    return render(PAGE, LIST, form=CpdLogForm(formdata=None), **_log_context())


@bp.post("/me/cpd-log")
@login_required
def add_cpd_log_entry():
    form = CpdLogForm()
    if form.validate_on_submit():
        try:
            entry = log_service.add_entry(current_user, form.day.data, form.activity.data,
                                          form.hours.data, form.reflection.data,
                                          today=_today())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            flash(f"“{entry.activity}” is on your CPD log.", "success")
            if not htmx:
                return redirect(url_for("progress.cpd_log"))
            return render_template("progress/_cpd_log_added.html",
                                   form=CpdLogForm(formdata=None), **_log_context())
    return render(PAGE, FORM, status=422, form=form, **_log_context())


@bp.post("/me/cpd-log/<int:cpd_log_entry_id>/delete")
@login_required
def delete_cpd_log_entry(cpd_log_entry_id: int):
    if ConfirmForm().validate_on_submit():
        log_service.delete_entry(current_user, cpd_log_entry_id)
        flash("The entry is removed from your CPD log.", "info")
    if htmx:
        return render(PAGE, LIST, **_log_context())
    return redirect(url_for("progress.cpd_log"))


@bp.get("/me/record")
@login_required
def record():
    now = utcnow()
    return render("progress/record.html", record=record_service.record_of(current_user, now),
                  now=now)


@bp.get("/me/record.json")
@login_required
def record_json():
    data = record_service.record_of(current_user)
    filename = f"record-{data['exported_at'][:10]}.json"
    return attachment(json.dumps(data, indent=2, ensure_ascii=False), "application/json",
                      filename)
