from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from workspace.infra import uploads
from workspace.models.progress import UnitStatus

ITEM_HINT = "Type part of a title or ID and pick from the list."


class ProfileForm(FlaskForm):
    job_role = StringField("Job role", validators=[Optional(), Length(max=300)],
                           description="Start typing and choose from the catalogue's roles.")
    organisation = StringField("Organisation", validators=[Optional(), Length(max=200)])
    share_with_leads = BooleanField("Let the leads of my partnerships see my individual record "
                                    "(otherwise they see me only in totals)")


class HeldForm(FlaskForm):
    item = StringField("Qualification or unit held (ID)",
                       validators=[DataRequired(), Length(max=40)], description=ITEM_HINT)
    year = IntegerField("Year gained", validators=[
        Optional(), NumberRange(min=1950, max=2100, message="Enter a year such as 2019.")])
    evidence_note = TextAreaField("Evidence (certificate number, where it is kept)",
                                  validators=[Optional(), Length(max=2000)])


def _within_limit(form, field):
    limit = uploads.max_upload_bytes()
    FileSize(limit, message=uploads.too_large_message(limit))(form, field)


class EvidenceForm(FlaskForm):
    """A certificate or transcript for a qualification held; checked again by its contents."""

    file = FileField("Evidence file", validators=[
        FileRequired("Choose a file to upload."),
        FileAllowed(uploads.EXTENSIONS, uploads.allowed_types_message()), _within_limit])


class PriorLearningForm(FlaskForm):
    item = StringField("Unit (ID)", validators=[DataRequired(), Length(max=40)],
                       description=ITEM_HINT)
    evidence = TextAreaField("Your experience or learning that covers it",
                             validators=[DataRequired(message="Describe your experience."),
                                         Length(max=5000)])


class EnrolForm(FlaskForm):
    item = StringField("Qualification (ID)", validators=[DataRequired(), Length(max=40)],
                       description=ITEM_HINT)


class UnitForm(FlaskForm):
    status = SelectField("Status", choices=[SelectChoice(s.value, s.label) for s in UnitStatus])
    started_on = DateField("Started", validators=[Optional()])
    achieved_on = DateField("Achieved", validators=[Optional()])
    evidence_note = TextAreaField("Evidence note", validators=[Optional(), Length(max=5000)])
