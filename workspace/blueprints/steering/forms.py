"""Forms of the steering group: they validate; the views fill in the choices."""

from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Length, Optional

from workspace.blueprints.form_base import Form
from workspace.infra import uploads
from workspace.models.steering import ActionStatus


class MeetingForm(Form):
    title = StringField("Title", validators=[DataRequired(message="Give the meeting a title."),
                                             Length(max=200)],
                        description="For example: Steering group, spring term")
    day = DateField("Date", validators=[DataRequired(message="Enter the date.")])
    start = TimeField("Starts at", validators=[DataRequired(message="Enter the time.")],
                      description="London time.")
    place = StringField("Place", validators=[Optional(), Length(max=300)])
    link = URLField("Online link", validators=[
        Optional(), Length(max=500), URL(message="Enter a web address starting with https://")])


class AgendaItemForm(Form):
    title = StringField("Item", validators=[DataRequired(message="Give the item a title."),
                                            Length(max=200)])
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=5000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="agenda", **kwargs)


class MoveForm(Form):
    direction = HiddenField(validators=[DataRequired()])


class MinutesForm(Form):
    minutes = TextAreaField("Minutes", validators=[Optional(), Length(max=50_000)],
                            description="Plain text; line breaks are kept.")


class DecisionForm(Form):
    text = TextAreaField("Decision", validators=[
        DataRequired(message="Write down what was decided."), Length(max=5000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="decision", **kwargs)


def _within_limit(form, field):
    limit = uploads.max_upload_bytes()
    FileSize(limit, message=uploads.too_large_message(limit))(form, field)


class PaperForm(Form):
    title = StringField("Title", validators=[DataRequired(message="Give the paper a title."),
                                             Length(max=200)])
    file = FileField("File", validators=[
        FileRequired("Choose a file to upload."),
        FileAllowed(uploads.EXTENSIONS, uploads.allowed_types_message()), _within_limit])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="paper", **kwargs)


def _status_choices() -> list[SelectChoice]:
    return [SelectChoice(s.value, s.label) for s in ActionStatus]


class ActionForm(Form):
    title = StringField("What is to be done", validators=[
        DataRequired(message="Say what is to be done."), Length(max=200)])
    description = TextAreaField("Details", validators=[Optional(), Length(max=5000)])
    owner = SelectField("Owner", validators=[Optional()])
    due_on = DateField("Due on", validators=[Optional()])
    working_group = SelectField("Working group", validators=[Optional()])
    is_pilot = BooleanField("This is a pilot project")
    # Where it comes from (kept through the POST; checked again by the service).
    meeting_id = HiddenField()
    audit_id = HiddenField()
    group_id = HiddenField()
    phase = HiddenField()
    art_form = HiddenField()
    ward = HiddenField(validators=[Optional(), Length(max=120)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="action", **kwargs)


class StatusForm(Form):
    status = SelectField("Status", choices=_status_choices(), validators=[DataRequired()])


class WorkingGroupForm(Form):
    name = StringField("Name", validators=[
        DataRequired(message="Give the working group a name."), Length(max=160)],
        description="For example: SEND music")
    purpose = TextAreaField("Purpose", validators=[Optional(), Length(max=5000)])
    members = SelectMultipleField("Members", coerce=int, validators=[Optional()])


class GroupMemberForm(Form):
    membership = SelectField("Add a member", coerce=int,
                             validators=[DataRequired(message="Choose a member.")])
