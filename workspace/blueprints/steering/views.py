"""Steering meetings: agenda, papers, minutes, decisions and the actions agreed (steering
members and leads only). Actions are in actions.py, working groups in groups.py."""

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from workspace.blueprints.access import partnership_route
from workspace.blueprints.files import send_download, upload_folder
from workspace.blueprints.partnerships.forms import ConfirmForm
from workspace.blueprints.rendering import INVALID, add_domain_error, render, render_form
from workspace.blueprints.steering.common import action_form
from workspace.blueprints.steering.forms import (
    AgendaItemForm,
    DecisionForm,
    MeetingForm,
    MinutesForm,
    MoveForm,
    PaperForm,
)
from workspace.clock import london_today, utcnow
from workspace.exceptions import DomainError
from workspace.extensions import htmx
from workspace.infra import uploads
from workspace.models.steering import AgendaItem, Decision, Meeting, Paper
from workspace.services import permissions
from workspace.services.partnerships.membership import get_owned
from workspace.services.steering import actions as action_service
from workspace.services.steering import meetings as steering

bp = Blueprint("steering", __name__)

PAGE = "steering/meeting.html"


# --- meetings ------------------------------------------------------------------------------


@bp.get("/p/<int:partnership_id>/steering/")
@partnership_route(permissions.may_see_steering_papers)
def meetings(partnership):
    return render("steering/meetings.html", partnership=partnership,
                  meetings=steering.list_meetings(partnership, utcnow()))


def _fields(form: MeetingForm) -> steering.MeetingFields:
    return steering.MeetingFields(form.title.data, form.day.data, form.start.data,
                                  form.place.data or "", form.link.data or "")


@bp.route("/p/<int:partnership_id>/steering/meetings/new", methods=["GET", "POST"])
@partnership_route(permissions.may_see_steering_papers)
def new_meeting(partnership):
    form = MeetingForm()
    if form.validate_on_submit():
        try:
            meeting = steering.create_meeting(partnership, current_user, _fields(form))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash(f"{meeting.title} is scheduled.", "success")
            return _to_meeting(meeting)
    return render_form("steering/meeting_form.html", form, partnership=partnership,
                       meeting=None)


@bp.route("/p/<int:partnership_id>/steering/meetings/<int:meeting_id>/edit",
          methods=["GET", "POST"])
@partnership_route(permissions.may_see_steering_papers)
def edit_meeting(partnership, meeting_id: int):
    meeting = get_owned(Meeting, partnership, meeting_id)
    form = MeetingForm(obj=steering.meeting_fields(meeting))
    if form.validate_on_submit():
        try:
            steering.update_meeting(meeting, _fields(form))
        except DomainError as error:
            add_domain_error(form, error)
        else:
            flash("The meeting is saved.", "success")
            return _to_meeting(meeting)
    return render_form("steering/meeting_form.html", form, partnership=partnership,
                       meeting=meeting)


def _to_meeting(meeting: Meeting, anchor: str | None = None):
    return redirect(url_for("steering.meeting", partnership_id=meeting.partnership_id,
                            meeting_id=meeting.id, _anchor=anchor))


def _meeting_page(partnership, meeting: Meeting, fragment: str | None = None, **forms):
    """The meeting page (or, for htmx, one of its sections); 422 when a form has errors."""
    context = {"agenda_form": AgendaItemForm(formdata=None),
               "minutes_form": MinutesForm(formdata=None, minutes=meeting.minutes),
               "decision_form": DecisionForm(formdata=None),
               "paper_form": PaperForm(formdata=None),
               "action_form": action_form(partnership, formdata=None, meeting_id=meeting.id)}
    context.update(forms)
    status = INVALID if any(f.errors for f in forms.values()) else 200
    return render(PAGE, fragment, status=status, partnership=partnership, meeting=meeting,
                  confirm=ConfirmForm(), move=MoveForm(),
                  actions=action_service.list_actions(partnership, meeting=meeting),
                  today=london_today(),
                  limit=uploads.human_size(uploads.max_upload_bytes()),
                  accept=uploads.accept_attribute(), kind_label=uploads.kind_label,
                  human_size=uploads.human_size, **context)


@bp.get("/p/<int:partnership_id>/steering/meetings/<int:meeting_id>")
@partnership_route(permissions.may_see_steering_papers)
def meeting(partnership, meeting_id: int):
    return _meeting_page(partnership, get_owned(Meeting, partnership, meeting_id))


def _section(partnership, meeting: Meeting, fragment: str, anchor: str, **forms):
    """After a change: the section for htmx, else back to the page at the section."""
    if htmx or any(f.errors for f in forms.values()):
        return _meeting_page(partnership, meeting, fragment, **forms)
    return _to_meeting(meeting, anchor)


# --- agenda --------------------------------------------------------------------------------

AGENDA = "steering/_agenda.html"


@bp.post("/p/<int:partnership_id>/steering/meetings/<int:meeting_id>/agenda")
@partnership_route(permissions.may_see_steering_papers)
def add_agenda_item(partnership, meeting_id: int):
    meeting = get_owned(Meeting, partnership, meeting_id)
    form = AgendaItemForm()
    if form.validate_on_submit():
        try:
            steering.add_agenda_item(meeting, form.title.data, form.notes.data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _section(partnership, meeting, AGENDA, "agenda")
    return _section(partnership, meeting, AGENDA, "agenda", agenda_form=form)


@bp.post("/p/<int:partnership_id>/steering/agenda/<int:agenda_item_id>/move")
@partnership_route(permissions.may_see_steering_papers)
def move_agenda_item(partnership, agenda_item_id: int):
    item = get_owned(AgendaItem, partnership, agenda_item_id)
    form = MoveForm()
    if form.validate_on_submit() and form.direction.data in ("up", "down"):
        steering.move_agenda_item(item, -1 if form.direction.data == "up" else 1)
    return _section(partnership, item.meeting, AGENDA, "agenda")


@bp.post("/p/<int:partnership_id>/steering/agenda/<int:agenda_item_id>/delete")
@partnership_route(permissions.may_see_steering_papers)
def remove_agenda_item(partnership, agenda_item_id: int):
    item = get_owned(AgendaItem, partnership, agenda_item_id)
    meeting = item.meeting
    if ConfirmForm().validate_on_submit():
        steering.remove_agenda_item(item)
    return _section(partnership, meeting, AGENDA, "agenda")


# --- minutes and decisions -----------------------------------------------------------------


@bp.post("/p/<int:partnership_id>/steering/meetings/<int:meeting_id>/minutes")
@partnership_route(permissions.may_see_steering_papers)
def save_minutes(partnership, meeting_id: int):
    meeting = get_owned(Meeting, partnership, meeting_id)
    form = MinutesForm()
    if form.validate_on_submit():
        steering.save_minutes(meeting, form.minutes.data)
        return _section(partnership, meeting, "steering/_minutes.html", "minutes",
                        minutes_form=MinutesForm(formdata=None, minutes=meeting.minutes))
    return _section(partnership, meeting, "steering/_minutes.html", "minutes",
                    minutes_form=form)


@bp.post("/p/<int:partnership_id>/steering/meetings/<int:meeting_id>/decisions")
@partnership_route(permissions.may_see_steering_papers)
def add_decision(partnership, meeting_id: int):
    meeting = get_owned(Meeting, partnership, meeting_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            steering.add_decision(meeting, form.text.data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _section(partnership, meeting, "steering/_decisions.html", "decisions")
    return _section(partnership, meeting, "steering/_decisions.html", "decisions",
                    decision_form=form)


@bp.post("/p/<int:partnership_id>/steering/decisions/<int:decision_id>/delete")
@partnership_route(permissions.may_see_steering_papers)
def remove_decision(partnership, decision_id: int):
    decision = get_owned(Decision, partnership, decision_id)
    meeting = decision.meeting
    if ConfirmForm().validate_on_submit():
        steering.remove_decision(decision)
    return _section(partnership, meeting, "steering/_decisions.html", "decisions")


# --- papers --------------------------------------------------------------------------------

PAPERS = "steering/_papers.html"


@bp.post("/p/<int:partnership_id>/steering/meetings/<int:meeting_id>/papers")
@partnership_route(permissions.may_see_steering_papers)
def add_paper(partnership, meeting_id: int):
    meeting = get_owned(Meeting, partnership, meeting_id)
    form = PaperForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            steering.add_paper(meeting, current_user, form.title.data, upload.filename or "",
                               upload.stream, upload_folder())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _section(partnership, meeting, PAPERS, "papers")
    return _section(partnership, meeting, PAPERS, "papers", paper_form=form)


@partnership_route(permissions.may_see_steering_papers)
def _paper_too_large(partnership, meeting_id: int):
    """The upload form again, saying why: the request body was never read."""
    form = PaperForm(formdata=None)
    form.file.errors = [uploads.too_large_message(uploads.max_upload_bytes())]
    return _meeting_page(partnership, get_owned(Meeting, partnership, meeting_id), PAPERS,
                         paper_form=form)


@bp.errorhandler(413)
def request_too_large(error):
    """A body over MAX_CONTENT_LENGTH (refused before any view, even the CSRF check, runs)."""
    if request.endpoint == "steering.add_paper":
        return _paper_too_large(**request.view_args)
    return render_template("errors/error.html", code=413, title="Too large",
                           message="The file or form is larger than allowed."), 413


@bp.get("/p/<int:partnership_id>/steering/papers/<int:paper_id>/download")
@partnership_route(permissions.may_see_steering_papers)
def download_paper(partnership, paper_id: int):
    paper = get_owned(Paper, partnership, paper_id)
    download = steering.open_paper(paper, upload_folder())
    return send_download(download)


@bp.post("/p/<int:partnership_id>/steering/papers/<int:paper_id>/delete")
@partnership_route(permissions.may_see_steering_papers)
def remove_paper(partnership, paper_id: int):
    paper = get_owned(Paper, partnership, paper_id)
    meeting = paper.meeting
    if ConfirmForm().validate_on_submit():
        steering.remove_paper(paper, upload_folder())
    return _section(partnership, meeting, PAPERS, "papers")
