from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from workspace.blueprints.form_base import Form
from workspace.blueprints.picking import ItemPicker, PickerForm
from workspace.models.audits import AgePhase, ArtForm, AuditStatus, Priority
from workspace.services.audits.records import MAX_CHILDREN
from workspace.services.catalogue.picking import Kind

PHASES = [SelectChoice(p.value, p.label) for p in AgePhase]
ART_FORMS = [SelectChoice(a.value, a.label) for a in ArtForm]
PRIORITIES = [SelectChoice(p.value, p.label) for p in Priority]
EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Enter an email address like "
                                                      "name@school.org.uk.")


def _children(label: str, required: bool = False):
    first = InputRequired(message="Enter a number, 0 if none.") if required else Optional()
    return IntegerField(label, validators=[first, NumberRange(
        min=0, max=MAX_CHILDREN, message=f"Enter a whole number from 0 to {MAX_CHILDREN:,}.")])


class AuditForm(Form):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)],
                        description="For example: Music and SEND provision 2026-27")
    period_start = DateField("Period starts", validators=[DataRequired("Enter a date.")])
    period_end = DateField("Period ends", validators=[DataRequired("Enter a date.")])
    area = TextAreaField("Area", validators=[Optional(), Length(max=2000)],
                         description="The wards or settings the audit covers.")
    suppression_threshold = IntegerField(
        "Hide counts of children below", validators=[
            InputRequired("Enter a number."), NumberRange(min=1, max=1000)],
        description="Counts of children under this number are shown as \u201cfewer than\u201d. "
                    "It can only go up, and never below 5.")


class StatusForm(Form):
    status = SelectField("Status", choices=[SelectChoice(s.value, s.label) for s in AuditStatus],
                         validators=[DataRequired()])


class ExpiryForm(Form):
    expires_on = DateField("Link works until", validators=[DataRequired("Enter a date.")])


class TargetGroupForm(Form):
    name = StringField("Group", validators=[DataRequired(), Length(max=80)],
                       description="For example: Young carers")
    vulnerable = BooleanField("Vulnerable group (figures shown at ward level or above only)")


class ProvisionForm(PickerForm):
    organisation = SelectField("Member organisation", validators=[Optional()])
    provider_name = StringField("Provider", validators=[Optional(), Length(max=200)],
                                description="Leave empty to use the member organisation's name.")
    activity = StringField("Activity", validators=[DataRequired(), Length(max=300)])
    art_form = SelectField("Art form", choices=ART_FORMS, validators=[DataRequired()])
    phase = SelectField("Age phase", choices=PHASES, validators=[DataRequired()])
    groups = SelectMultipleField("Target groups", coerce=int, validators=[Optional()],
                                 description="None ticked: all children and young people.")
    ward = StringField("Ward", validators=[DataRequired(), Length(max=120)])
    setting = StringField("Setting", validators=[Optional(), Length(max=200)],
                          description="Never shown for vulnerable groups.")
    children_reached = _children("Children and young people reached", required=True)
    settings_reached = IntegerField("Settings reached", default=0, validators=[
        Optional(), NumberRange(min=0, max=100_000)])
    cost = DecimalField("Cost (£)", places=2, validators=[
        Optional(), NumberRange(min=0, max=100_000_000, message="Enter a cost from 0.")])
    funding_source = StringField("Funding source", validators=[Optional(), Length(max=200)])
    qualifications = ItemPicker("Delivering staff's qualifications",
                                kind=Kind.QUALIFICATION, multiple=True,
                                description="Search by title and pick each qualification the "
                                            "staff who deliver it hold.")
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=5000)])


class NeedForm(Form):
    target_group = SelectField("Target group", validators=[Optional()])
    phase = SelectField("Age phase", choices=PHASES, validators=[DataRequired()])
    art_form = SelectField("Art form", choices=ART_FORMS, validators=[DataRequired()])
    ward = StringField("Ward", validators=[DataRequired("Enter the ward."), Length(max=120)])
    setting = StringField("School or setting", validators=[Optional(), Length(max=200)])
    priority = SelectField("Priority", choices=PRIORITIES, validators=[DataRequired()])
    children = _children("How many children and young people (if known)")
    job_role = SelectField("Role that could meet it", validators=[Optional()],
                           invalid_choice_message="Choose a role from the list.")
    description = TextAreaField("What is needed", validators=[Optional(), Length(max=2000)])
    respondent_name = StringField("Your name", validators=[Optional(), Length(max=120)])
    respondent_organisation = StringField("School or organisation", validators=[
        Optional(), Length(max=200)])
    respondent_email = StringField("Email (optional)", validators=[
        Optional(), Length(max=254), EMAIL])


class PublicNeedForm(NeedForm):
    """The shared needs form: the respondent must say who they are."""

    respondent_name = StringField("Your name", validators=[
        DataRequired("Enter your name."), Length(max=120)])
    respondent_organisation = StringField("School or organisation", validators=[
        DataRequired("Enter your school or organisation."), Length(max=200)])


class ImportForm(Form):
    kind = SelectField("What the file holds", choices=[
        SelectChoice("provision", "Provision"), SelectChoice("needs", "Needs")],
        validators=[DataRequired()])
    file = FileField("CSV file", validators=[FileRequired("Choose a CSV file.")])
