from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from workspace.blueprints.form_base import Form
from workspace.blueprints.picking import ItemPicker, PickerForm
from workspace.infra import uploads
from workspace.models.progress import UnitStatus
from workspace.services.catalogue.picking import Kind


class ProfileForm(Form):
    job_role = SelectField("Job role", validators=[Optional()],
                           invalid_choice_message="Choose a role from the list.",
                           description="The music and cultural education workforce's roles "
                                       "come first, then the SSC clusters' roles of 2005.")
    organisation = StringField("Organisation", validators=[Optional(), Length(max=200)])
    share_with_leads = BooleanField("Let the leads of my partnerships see my individual record "
                                    "(otherwise they see me only in totals)")
    # The words avoid "organisation": the field above answers to that label.
    share_with_organisation = BooleanField(
        "Let the colleagues linked to my workplace in my partnerships (my head or manager, say) "
        "see my individual record in its team development plan")


class HeldForm(PickerForm):
    item = ItemPicker("Qualification or unit held", kind=Kind.ANY, required=True)
    year = IntegerField("Year gained", validators=[
        Optional(), NumberRange(min=1950, max=2100, message="Enter a year such as 2019.")])
    evidence_note = TextAreaField("Evidence (certificate number, where it is kept)",
                                  validators=[Optional(), Length(max=2000)])


def _within_limit(form, field):
    limit = uploads.max_upload_bytes()
    FileSize(limit, message=uploads.too_large_message(limit))(form, field)


class EvidenceForm(Form):
    """A certificate or transcript for a qualification held; checked again by its contents."""

    file = FileField("Evidence file", validators=[
        FileRequired("Choose a file to upload."),
        FileAllowed(uploads.EXTENSIONS, uploads.allowed_types_message()), _within_limit])


class PriorLearningForm(PickerForm):
    item = ItemPicker("Unit", kind=Kind.UNIT, required=True)
    evidence = TextAreaField("Your experience or learning that covers it",
                             validators=[DataRequired(message="Describe your experience."),
                                         Length(max=5000)])


class EnrolForm(PickerForm):
    item = ItemPicker("Qualification", kind=Kind.QUALIFICATION, required=True)


class UnitForm(Form):
    status = SelectField("Status", choices=[SelectChoice(s.value, s.label) for s in UnitStatus])
    started_on = DateField("Started", validators=[Optional()])
    achieved_on = DateField("Achieved", validators=[Optional()])
    evidence_note = TextAreaField("Evidence note", validators=[Optional(), Length(max=5000)])


class TeamMoveForm(Form):
    """A GET form on the team plan: who in the team is moving, and to which role."""

    class Meta:
        csrf = False  # it changes nothing

    from_role = SelectField("People now in", default="", validators=[Optional()],
                            invalid_choice_message="Choose one of the team's roles.")
    to_role = SelectField("Moving to", default="", validators=[Optional()],
                          invalid_choice_message="Choose a role from the catalogue's list.")
