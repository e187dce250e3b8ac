"""Centres in a partnership: leads make a member organisation a centre for a qualification
and name its assessors and mentors; members register with it; its assessors verify."""

from flask import abort, flash, g, redirect, url_for
from flask_login import current_user
from wtforms import IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange, Optional

from workspace.blueprints.access import partnership_route
from workspace.blueprints.form_base import Form
from workspace.blueprints.partnerships.forms import ConfirmForm
from workspace.blueprints.progress.views import bp
from workspace.blueprints.rendering import INVALID, add_domain_error, render
from workspace.clock import london_today, utcnow
from workspace.exceptions import DomainError, Forbidden
from workspace.models import Centre, Registration
from workspace.models.centres import StaffRole
from workspace.services import permissions
from workspace.services.catalogue import items as catalogue
from workspace.services.partnerships import membership as partnerships
from workspace.services.progress import centres as service
from workspace.services.progress import plans, tracking

WINDOW_HINT = ("Months from registration to complete it. Left empty: what the awarding body "
               "states, where the catalogue knows it (24 months for the Trinity CME).")


class CentreForm(Form):
    organisation = SelectField("Member organisation", coerce=int,
                               validators=[DataRequired("Choose an organisation.")],
                               invalid_choice_message="Choose one of the partnership's "
                                                      "organisations.")
    item = SelectField("Qualification", coerce=int,
                       validators=[DataRequired("Choose a qualification.")],
                       invalid_choice_message="Choose a qualification from the list.")
    window_months = IntegerField("Completion window (months)", description=WINDOW_HINT,
                                 validators=[Optional(), NumberRange(
                                     1, service.MAX_WINDOW_MONTHS,
                                     f"Enter a number of months from 1 to "
                                     f"{service.MAX_WINDOW_MONTHS}.")])


class WindowForm(Form):
    window_months = IntegerField("Completion window (months)", validators=[
        DataRequired("Enter a number of months."),
        NumberRange(1, service.MAX_WINDOW_MONTHS,
                    f"Enter a number of months from 1 to {service.MAX_WINDOW_MONTHS}.")])


class StaffForm(Form):
    membership_id = SelectField("Member", coerce=int,
                                validators=[DataRequired("Choose a member.")],
                                invalid_choice_message="Choose a member of the partnership.")
    role = SelectField("As", choices=[SelectChoice(r.value, r.label) for r in StaffRole],
                       invalid_choice_message="Choose assessor or mentor.")


def _centre_form(partnership, blank: bool = False) -> CentreForm:
    form = CentreForm(formdata=None) if blank else CentreForm()
    form.organisation.choices = [SelectChoice(0, "Choose an organisation")] + [
        SelectChoice(o.id, o.name) for o in partnerships.list_organisations(partnership)]
    form.item.choices = [SelectChoice(0, "Choose a qualification")] + [
        SelectChoice(i.id, f"{i.title} · {i.accrediting_body}" if i.accrediting_body
                     else i.title)
        for i in service.qualification_choices(london_today())]
    return form


def _staff_form(partnership, blank: bool = False) -> StaffForm:
    form = StaffForm(formdata=None) if blank else StaffForm()
    form.membership_id.choices = [SelectChoice(0, "Choose a member")] + [
        SelectChoice(m.id, m.user.name) for m in partnerships.list_members(partnership)]
    return form


def _centres_page(partnership, form: CentreForm | None = None):
    if permissions.may_manage_centres(g.membership) and form is None:
        form = _centre_form(partnership, blank=True)
    return render("progress/centres.html", status=INVALID if form and form.errors else 200,
                  partnership=partnership, form=form,
                  centres=service.list_centres(partnership))


@bp.get("/p/<int:partnership_id>/centres")
@partnership_route()
def centres(partnership):
    return _centres_page(partnership)


@bp.post("/p/<int:partnership_id>/centres")
@partnership_route(permissions.may_manage_centres)
def create_centre(partnership):
    form = _centre_form(partnership)
    if form.validate_on_submit():
        try:
            centre = service.create_centre(partnership, form.organisation.data,
                                           catalogue.get_item(form.item.data),
                                           form.window_months.data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash(f"{centre.organisation.name} is a centre for {centre.item.title}.", "success")
            return redirect(url_for("progress.centre", partnership_id=partnership.id,
                                    centre_id=centre.id))
    return _centres_page(partnership, form)


def _centre_page(partnership, centre, **forms):
    context = {"window_form": WindowForm(formdata=None, window_months=centre.window_months),
               "staff_form": _staff_form(partnership, blank=True), **forms}
    invalid = any(f.errors for f in forms.values())
    return render("progress/centre.html", status=INVALID if invalid else 200,
                  partnership=partnership, centre=centre, confirm=ConfirmForm(),
                  assessors=service.staff(centre, StaffRole.ASSESSOR),
                  mentors=service.staff(centre, StaffRole.MENTOR),
                  is_assessor=service.is_assessor(current_user, centre),
                  is_staff=service.is_staff(current_user, centre), **context)


@bp.get("/p/<int:partnership_id>/centres/<int:centre_id>")
@partnership_route()
def centre(partnership, centre_id: int):
    return _centre_page(partnership, partnerships.get_owned(Centre, partnership, centre_id))


@bp.post("/p/<int:partnership_id>/centres/<int:centre_id>/window")
@partnership_route(permissions.may_manage_centres)
def update_window(partnership, centre_id: int):
    centre = partnerships.get_owned(Centre, partnership, centre_id)
    form = WindowForm()
    if form.validate_on_submit():
        service.update_window(centre, form.window_months.data)
        flash(f"Learners registering from now have {centre.window_months} months.", "success")
        return redirect(url_for("progress.centre", partnership_id=partnership.id,
                                centre_id=centre.id))
    return _centre_page(partnership, centre, window_form=form)


@bp.post("/p/<int:partnership_id>/centres/<int:centre_id>/staff")
@partnership_route(permissions.may_manage_centres)
def add_staff(partnership, centre_id: int):
    centre = partnerships.get_owned(Centre, partnership, centre_id)
    form = _staff_form(partnership)
    if form.validate_on_submit():
        try:
            staff = service.add_staff(centre, form.membership_id.data,
                                      StaffRole(form.role.data))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash(f"{staff.membership.user.name} is {staff.role.label.lower()} at "
                  f"{centre.organisation.name}.", "success")
            return redirect(url_for("progress.centre", partnership_id=partnership.id,
                                    centre_id=centre.id))
    return _centre_page(partnership, centre, staff_form=form)


@bp.post("/p/<int:partnership_id>/centres/<int:centre_id>/staff/<int:centre_staff_id>/remove")
@partnership_route(permissions.may_manage_centres)
def remove_staff(partnership, centre_id: int, centre_staff_id: int):
    centre = partnerships.get_owned(Centre, partnership, centre_id)
    if ConfirmForm().validate_on_submit():
        service.remove_staff(centre, centre_staff_id)
        flash("Removed from the centre's staff.", "info")
    return redirect(url_for("progress.centre", partnership_id=partnership.id,
                            centre_id=centre.id))


@bp.post("/p/<int:partnership_id>/centres/<int:centre_id>/register")
@partnership_route()
def register(partnership, centre_id: int):
    centre = partnerships.get_owned(Centre, partnership, centre_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("progress.centre", partnership_id=partnership.id,
                                centre_id=centre.id))
    try:
        registration = service.register(centre, current_user, london_today())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("progress.centre", partnership_id=partnership.id,
                                centre_id=centre.id))
    flash(f"You are registered with {centre.organisation.name} for {centre.item.title}: "
          f"complete by {registration.complete_by.strftime('%-d %B %Y')}.", "success")
    return redirect(url_for("progress.enrolment", enrolment_id=registration.enrolment_id))


# --- the centre's assessors ---------------------------------------------------------------


def _centre_if(partnership, centre_id: int, allowed, refusal: str) -> Centre:
    """The partnership's centre, when `allowed(user, centre)`; 403 with `refusal` if not."""
    centre = partnerships.get_owned(Centre, partnership, centre_id)
    if not allowed(current_user, centre):
        raise Forbidden(refusal)
    return centre


def _assessor_centre(partnership, centre_id: int) -> Centre:
    return _centre_if(partnership, centre_id, service.is_assessor,
                      "Only the centre's assessors see this.")


@bp.get("/p/<int:partnership_id>/centres/<int:centre_id>/assessing")
@partnership_route()
def assessing(partnership, centre_id: int):
    centre = _assessor_centre(partnership, centre_id)
    return render("progress/assessing.html", partnership=partnership, centre=centre,
                  waiting=service.awaiting(centre), confirm=ConfirmForm())


def _back_to_assessing(partnership, centre):
    return redirect(url_for("progress.assessing", partnership_id=partnership.id,
                            centre_id=centre.id))


@bp.post("/p/<int:partnership_id>/centres/<int:centre_id>/enrolments/<int:enrolment_id>"
         "/units/<int:catalogue_item_id>/achieved")
@partnership_route()
def mark_achieved(partnership, centre_id: int, enrolment_id: int, catalogue_item_id: int):
    centre = partnerships.get_owned(Centre, partnership, centre_id)
    if ConfirmForm().validate_on_submit():
        try:
            service.mark_achieved(centre, current_user, enrolment_id, catalogue_item_id,
                                  london_today())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash("Unit marked achieved.", "success")
    return _back_to_assessing(partnership, centre)


def _decide(partnership, centre_id: int, prior_learning_claim_id: int, verified: bool):
    centre = partnerships.get_owned(Centre, partnership, centre_id)
    if ConfirmForm().validate_on_submit():
        try:
            claim = service.decide_claim(centre, current_user, prior_learning_claim_id,
                                         verified, utcnow())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(f"{claim.user.name}'s prior learning for {claim.item.title} is "
                  f"{claim.state.value}.", "success")
    return _back_to_assessing(partnership, centre)


@bp.post("/p/<int:partnership_id>/centres/<int:centre_id>/prior-learning"
         "/<int:prior_learning_claim_id>/verify")
@partnership_route()
def assessor_verify_claim(partnership, centre_id: int, prior_learning_claim_id: int):
    return _decide(partnership, centre_id, prior_learning_claim_id, True)


@bp.post("/p/<int:partnership_id>/centres/<int:centre_id>/prior-learning"
         "/<int:prior_learning_claim_id>/reject")
@partnership_route()
def assessor_reject_claim(partnership, centre_id: int, prior_learning_claim_id: int):
    return _decide(partnership, centre_id, prior_learning_claim_id, False)


# --- the centre's assessors and mentors follow its learners ---------------------------------


def _staff_centre(partnership, centre_id: int) -> Centre:
    return _centre_if(partnership, centre_id, service.is_staff,
                      "Only the centre's assessors and mentors see its learners.")


@bp.get("/p/<int:partnership_id>/centres/<int:centre_id>/learners")
@partnership_route()
def learners(partnership, centre_id: int):
    centre = _staff_centre(partnership, centre_id)
    today = london_today()
    rows = [(r, service.deadline(r, today), tracking.enrolment_progress(r.enrolment))
            for r in service.list_registrations(centre)]
    return render("progress/learners.html", partnership=partnership, centre=centre, rows=rows)


@bp.get("/p/<int:partnership_id>/centres/<int:centre_id>/registrations/<int:registration_id>"
        "/plan")
@partnership_route()
def learner_plan(partnership, centre_id: int, registration_id: int):
    centre = _staff_centre(partnership, centre_id)
    registration = partnerships.get_owned(Registration, partnership, registration_id)
    if registration.centre_id != centre.id:
        abort(404)
    return render("progress/learner_plan.html", partnership=partnership, centre=centre,
                  registration=registration,
                  rows=plans.plan_rows(registration.enrolment, []))
