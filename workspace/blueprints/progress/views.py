"""The person's progress: profile, qualifications held, prior learning, enrolments, units,
next steps; and, for leads, verifying their members' prior learning."""


from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from workspace.blueprints.access import partnership_route
from workspace.blueprints.files import send_download, upload_folder
from workspace.blueprints.partnerships.forms import ConfirmForm
from workspace.blueprints.picking import role_choices
from workspace.blueprints.progress.forms import (
    EnrolForm,
    EvidenceForm,
    HeldForm,
    PriorLearningForm,
    ProfileForm,
    UnitForm,
)
from workspace.blueprints.rendering import INVALID, add_domain_error, render, render_form
from workspace.clock import london_today, utcnow
from workspace.exceptions import DomainError
from workspace.extensions import htmx
from workspace.infra import uploads
from workspace.models import Enrolment, HeldQualification
from workspace.models.progress import UnitStatus
from workspace.services import permissions
from workspace.services.catalogue import items as catalogue
from workspace.services.catalogue import picking
from workspace.services.progress import centres, role_steps, tracking

bp = Blueprint("progress", __name__)


HELD = "progress/_held.html"


def _status(form) -> int:
    """422 for a form with errors; 200 for one back to go on picking (see blueprints.picking)."""
    return INVALID if form.errors else 200


def _dashboard(status: int = 200, fragment: str | None = None, evidence_for: int | None = None,
               **forms):
    """The dashboard (or, for htmx, `fragment`); `evidence_for` is the held qualification
    whose evidence form (`evidence_form`) has errors to show."""
    context = {"held_form": HeldForm(formdata=None, prefix="held"),
               "claim_form": PriorLearningForm(formdata=None, prefix="rpl"),
               "enrol_form": EnrolForm(formdata=None, prefix="enrol"),
               "evidence_form": EvidenceForm(formdata=None), **forms}
    enrolments = [] if fragment and htmx else tracking.progress_of_enrolments(
        tracking.list_enrolments(current_user))
    return render("progress/dashboard.html", fragment, status=status, today=london_today(),
                  profile=tracking.get_profile(current_user), enrolments=enrolments,
                  held=tracking.list_held(current_user), confirm=ConfirmForm(formdata=None),
                  claims=tracking.list_claims(current_user), evidence_for=evidence_for,
                  evidence_limit=uploads.human_size(uploads.max_upload_bytes()),
                  evidence_accept=uploads.accept_attribute(),
                  human_size=uploads.human_size, kind_label=uploads.kind_label, **context)


@bp.get("/me/progress")
@login_required
def dashboard():
    return _dashboard()


@bp.route("/me/profile", methods=["GET", "POST"])
@login_required
def profile():
    current = tracking.get_profile(current_user)
    form = ProfileForm(job_role=str(current.job_role_id or ""), organisation=current.organisation,
                       share_with_leads=current.share_with_leads,
                       share_with_organisation=current.share_with_organisation)
    form.job_role.choices = role_choices("No role chosen")
    if form.validate_on_submit():
        try:
            role = picking.get_role(int(form.job_role.data)) if form.job_role.data else None
            tracking.update_profile(current_user, job_role=role,
                                    organisation=form.organisation.data or "",
                                    share_with_leads=form.share_with_leads.data,
                                    share_with_organisation=form.share_with_organisation.data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash("Your profile is saved.", "success")
            return redirect(url_for("progress.dashboard"))
    return render_form("progress/profile.html", form)


@bp.post("/me/held")
@login_required
def add_held():
    form = HeldForm(prefix="held")  # three item pickers share the page: prefixes keep ids apart
    if form.validate_on_submit():
        try:
            item = form.item.item
            tracking.add_held(current_user, item, year=form.year.data,
                              evidence_note=form.evidence_note.data or "")
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash(f"{item.title} is on your record.", "success")
            return redirect(url_for("progress.dashboard"))
    return _dashboard(_status(form), held_form=form)


@bp.post("/me/held/<int:held_qualification_id>/remove")
@login_required
def remove_held(held_qualification_id: int):
    if ConfirmForm().validate_on_submit():
        tracking.remove_held(current_user, held_qualification_id, upload_folder())
        flash("Removed from your record.", "info")
    return redirect(url_for("progress.dashboard"))


# --- evidence of a qualification held: only its holder sees it -----------------------------


def _held_list(held_id: int, message: str | None = None, status: int = 200, **forms):
    """After a change to the evidence: the held list for htmx, else back to the dashboard."""
    if htmx or status != 200:
        return _dashboard(status, HELD, evidence_for=held_id, **forms)
    if message:
        flash(message, "success")
    return redirect(url_for("progress.dashboard", _anchor="held"))


@bp.post("/me/held/<int:held_qualification_id>/evidence")
@login_required
def upload_evidence(held_qualification_id: int):
    held = tracking.get_own(HeldQualification, current_user, held_qualification_id)
    form = EvidenceForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            tracking.attach_evidence(current_user, held.id, upload.filename or "",
                                     upload.stream, upload_folder())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _held_list(held.id, f"Evidence for {held.item.title} is saved.")
    return _held_list(held.id, status=INVALID, evidence_form=form)


@bp.errorhandler(413)
def request_too_large(error):
    """A body over MAX_CONTENT_LENGTH (refused before any view, even the CSRF check, runs)."""
    if request.endpoint == "progress.upload_evidence" and current_user.is_authenticated:
        held_id = request.view_args["held_qualification_id"]
        tracking.get_own(HeldQualification, current_user, held_id)  # 404 for anyone else's
        form = EvidenceForm(formdata=None)
        form.file.errors = [uploads.too_large_message(uploads.max_upload_bytes())]
        return _held_list(held_id, status=INVALID, evidence_form=form)
    return render_template("errors/error.html", code=413, title="Too large",
                           message="The file or form is larger than allowed."), 413


@bp.get("/me/held/<int:held_qualification_id>/evidence")
@login_required
def download_evidence(held_qualification_id: int):
    download = tracking.evidence_download(current_user, held_qualification_id,
                                          upload_folder())
    return send_download(download)


@bp.post("/me/held/<int:held_qualification_id>/evidence/remove")
@login_required
def remove_evidence(held_qualification_id: int):
    held = tracking.get_own(HeldQualification, current_user, held_qualification_id)
    if ConfirmForm().validate_on_submit():
        tracking.remove_evidence(current_user, held.id, upload_folder())
        return _held_list(held.id, f"The evidence for {held.item.title} is removed.")
    return _held_list(held.id)


@bp.post("/me/prior-learning")
@login_required
def claim_prior_learning():
    form = PriorLearningForm(prefix="rpl")
    if form.validate_on_submit():
        try:
            unit = form.item.item
            claim = tracking.claim_prior_learning(current_user, unit, form.evidence.data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash(f"Prior learning claimed for {unit.title}: {tracking.who_decides(claim)}.",
                  "success")
            return redirect(url_for("progress.dashboard"))
    return _dashboard(_status(form), claim_form=form)


@bp.post("/me/enrol")
@login_required
def enrol():
    form = EnrolForm(prefix="enrol")
    if form.validate_on_submit():
        try:
            enrolment = tracking.enrol(current_user, form.item.item, london_today())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash(f"You are enrolled on {enrolment.item.title}.", "success")
            return redirect(url_for("progress.enrolment", enrolment_id=enrolment.id))
    return _dashboard(_status(form), enrol_form=form)


def _enrolment_page(own: Enrolment, fragment: str | None = None, status: int = 200,
                    error: str | None = None):
    """The enrolment with its units; registered with a centre, also its deadline, and the
    learner's statuses stop short of achieved (the centre's assessor marks that)."""
    registration = centres.registration_of(own)
    today = london_today()
    statuses = [s for s in UnitStatus if registration is None or s != UnitStatus.ACHIEVED]
    return render("progress/enrolment.html", fragment, status=status, error=error,
                  prog=tracking.enrolment_progress(own), today=today, statuses=statuses,
                  registration=registration,
                  deadline=registration and centres.deadline(registration, today))


@bp.get("/me/enrolments/<int:enrolment_id>")
@login_required
def enrolment(enrolment_id: int):
    return _enrolment_page(tracking.get_own(Enrolment, current_user, enrolment_id))


@bp.post("/me/enrolments/<int:enrolment_id>/units/<int:catalogue_item_id>")
@login_required
def update_unit(enrolment_id: int, catalogue_item_id: int):
    own = tracking.get_own(Enrolment, current_user, enrolment_id)
    form = UnitForm()
    error = None
    if form.validate_on_submit():
        try:
            tracking.update_unit(current_user, own.id, catalogue_item_id,
                                 status=UnitStatus(form.status.data),
                                 started_on=form.started_on.data,
                                 achieved_on=form.achieved_on.data,
                                 evidence_note=form.evidence_note.data or "")
        except DomainError as exc:
            error = exc.message
    else:
        error = " ".join(e for errors in form.errors.values() for e in errors)
    if htmx:
        return _enrolment_page(own, "progress/_enrolment_units.html",
                               INVALID if error else 200, error)
    flash(error or "Saved.", "error" if error else "success")
    return redirect(url_for("progress.enrolment", enrolment_id=own.id))


@bp.get("/me/next-steps")
@login_required
def next_steps():
    plan, profile = tracking.progression(current_user, london_today(), utcnow()), \
        tracking.get_profile(current_user)
    return render("progress/next_steps.html", plan=plan, profile=profile,
                  areas=catalogue.list_areas(), steps=role_steps.for_profile(
                      current_user, profile.job_role, plan.for_role, utcnow()))


# --- leads verify prior learning -----------------------------------------------------------


@bp.get("/p/<int:partnership_id>/prior-learning")
@partnership_route(permissions.may_verify_claims_here)
def claims(partnership):
    return render("progress/claims.html", partnership=partnership, confirm=ConfirmForm(),
                  claims=tracking.claims_to_verify(partnership.id))


def _decide(partnership, prior_learning_claim_id: int, verified: bool):
    if ConfirmForm().validate_on_submit():
        try:
            claim = tracking.decide_claim(partnership.id, prior_learning_claim_id,
                                          current_user, verified, utcnow())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(f"{claim.user.name}'s prior learning for {claim.item.title} is "
                  f"{claim.state.value}.", "success")
    return redirect(url_for("progress.claims", partnership_id=partnership.id))


@bp.post("/p/<int:partnership_id>/prior-learning/<int:prior_learning_claim_id>/verify")
@partnership_route(permissions.may_verify_claims_here)
def verify_claim(partnership, prior_learning_claim_id: int):
    return _decide(partnership, prior_learning_claim_id, True)


@bp.post("/p/<int:partnership_id>/prior-learning/<int:prior_learning_claim_id>/reject")
@partnership_route(permissions.may_verify_claims_here)
def reject_claim(partnership, prior_learning_claim_id: int):
    return _decide(partnership, prior_learning_claim_id, False)
