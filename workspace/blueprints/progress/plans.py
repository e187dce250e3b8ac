"""The learner's initial self-assessment and personal action plan, unit by unit."""

from flask import flash, redirect, url_for
from flask_login import current_user, login_required
from wtforms import SelectField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from workspace.blueprints.form_base import Form
from workspace.blueprints.progress.views import bp
from workspace.blueprints.rendering import INVALID, add_domain_error, render
from workspace.clock import utcnow
from workspace.exceptions import DomainError
from workspace.models import Enrolment
from workspace.models.centres import Confidence
from workspace.services.progress import plans, tracking


class UnitPlanForm(Form):
    confidence = SelectField("How confident are you against this unit now?", choices=[
        SelectChoice("", "Not assessed yet"),
        *(SelectChoice(c.value, c.label) for c in Confidence)],
        invalid_choice_message="Choose confident, partly or not yet.")
    support = TextAreaField("Training and support you need", validators=[
        Optional(), Length(max=plans.SUPPORT_MAX)])
    sessions = SelectMultipleField("CPD sessions for this unit", coerce=int,
                                   validators=[Optional()],
                                   invalid_choice_message="Choose sessions from the list.")


def _form(row: plans.PlanRow | None, offered, formdata: bool, unit_id: int) -> UnitPlanForm:
    prefix = f"u{unit_id}"
    if formdata:
        form = UnitPlanForm(prefix=prefix)
    else:
        form = UnitPlanForm(formdata=None, prefix=prefix,
                            confidence=row.confidence.value if row.confidence else "",
                            support=row.plan.support if row.plan else "",
                            sessions=sorted(row.session_ids))
    linked = {s.id: s for s in row.plan.sessions} if row and row.plan else {}
    sessions = {s.id: s for s in offered} | linked
    form.sessions.choices = [
        SelectChoice(s.id, f"{s.title} · {s.starts_at.strftime('%-d %b %Y')}"
                     + (" · delivers this unit" if row and s.id in row.delivering else ""))
        for s in sorted(sessions.values(), key=lambda s: s.starts_at)]
    return form


def _plan_page(own: Enrolment, invalid: tuple[int, UnitPlanForm] | None = None):
    offered = plans.session_choices(current_user, utcnow())
    rows = plans.plan_rows(own, offered)
    forms = {r.unit.id: _form(r, offered, False, r.unit.id) for r in rows}
    if invalid:
        forms[invalid[0]] = invalid[1]
    return render("progress/plan.html", status=INVALID if invalid else 200, enrolment=own,
                  rows=rows, forms=forms, confidence_counts={
                      c: sum(r.confidence == c for r in rows) for c in Confidence})


@bp.get("/me/enrolments/<int:enrolment_id>/plan")
@login_required
def plan(enrolment_id: int):
    return _plan_page(tracking.get_own(Enrolment, current_user, enrolment_id))


@bp.post("/me/enrolments/<int:enrolment_id>/plan/<int:catalogue_item_id>")
@login_required
def save_unit_plan(enrolment_id: int, catalogue_item_id: int):
    own = tracking.get_own(Enrolment, current_user, enrolment_id)
    offered = plans.session_choices(current_user, utcnow())
    row = next((r for r in plans.plan_rows(own, offered) if r.unit.id == catalogue_item_id),
               None)
    form = _form(row, offered, True, catalogue_item_id)
    if form.validate_on_submit():
        try:
            plans.save_unit_plan(
                own, catalogue_item_id, support=form.support.data or "",
                confidence=Confidence(form.confidence.data) if form.confidence.data else None,
                session_ids=set(form.sessions.data or []), offered=offered)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash("Your plan for this unit is saved.", "success")
            return redirect(url_for("progress.plan", enrolment_id=own.id,
                                    _anchor=f"plan-{catalogue_item_id}"))
    return _plan_page(own, (catalogue_item_id, form))
