from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional

from workspace.models.catalogue import LEVEL_LABELS, ItemStatus

LEVEL_CHOICES = [SelectChoice("", "Any level")] + [
    SelectChoice(str(n), label) for n, label in LEVEL_LABELS.items()]
STATUS_CHOICES = [SelectChoice(s.value, s.label) for s in ItemStatus]
SORT_CHOICES = [SelectChoice("", "Title A-Z"), SelectChoice("level", "Level, lowest first"),
                SelectChoice("level_desc", "Level, highest first"),
                SelectChoice("updated", "Recently changed")]
KIND_CHOICES = [SelectChoice("", "Qualifications and modules"),
                SelectChoice("qualification", "Qualifications"),
                SelectChoice("module", "Modules and units")]


class SearchForm(FlaskForm):
    """The browse page's filters, read from the query string (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    q = StringField("Search by title or unit code", validators=[Optional(), Length(max=200)])
    kind = SelectField("Show", choices=KIND_CHOICES, validators=[Optional()])
    level = SelectField("Level", choices=LEVEL_CHOICES, validators=[Optional()])
    item_type = SelectField("Type", validators=[Optional()])
    body = SelectField("Accrediting body", validators=[Optional()])
    role = SelectField("Role", validators=[Optional()])
    cluster = SelectField("Cluster", validators=[Optional()])
    area = SelectField("Common Core area", validators=[Optional()])
    status = SelectField("Status", choices=[SelectChoice("", "Any status")] + STATUS_CHOICES,
                         validators=[Optional()])
    key = BooleanField("Key qualifications only")
    sort = SelectField("Sort", choices=SORT_CHOICES, validators=[Optional()])
    page = IntegerField("Page", validators=[Optional(), NumberRange(min=1, max=10_000)])


AMOUNT = [Optional(), NumberRange(min=0, max=100_000, message="Enter a whole number from 0.")]


class ItemForm(FlaskForm):
    stable_id = StringField("Stable ID", validators=[DataRequired(), Length(max=40)],
                            description="A short, unchanging reference, e.g. CME.")
    title = StringField("Title", validators=[DataRequired(), Length(max=300)])
    is_qualification = BooleanField("A qualification in its own right")
    is_key = BooleanField("Key qualification")
    item_type = StringField("Type", validators=[Optional(), Length(max=80)],
                            description="NVQ, VRQ certificate, diploma, HE award, "
                                        "apprenticeship, short course, unit...")
    accrediting_body = StringField("Accrediting body", validators=[Optional(), Length(max=200)])
    level = SelectField("Level", choices=[SelectChoice("", "Not recorded")] + LEVEL_CHOICES[1:],
                        validators=[Optional()])
    learning_hours = IntegerField("Learning hours", validators=AMOUNT)
    unit_code = StringField("Unit code", validators=[Optional(), Length(max=60)])
    reference_number = StringField("Qualification or unit reference number",
                                   validators=[Optional(), Length(max=40)],
                                   description="e.g. 600/1234/5 or A/600/1234")
    credits = IntegerField("Credits", validators=AMOUNT)
    guided_learning_hours = IntegerField("Guided learning hours (GLH)",
                                         validators=AMOUNT)
    total_qualification_time = IntegerField("Total qualification time (TQT)",
                                            validators=AMOUNT)
    operational_start = DateField("Operational start", validators=[Optional()])
    operational_end = DateField("Operational end", validators=[Optional()],
                                description="After this date the item shows as closed to "
                                            "new learners.")
    certification_end = DateField("Certification end", validators=[Optional()])
    status = SelectField("Status", choices=STATUS_CHOICES)
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=10_000)])
    source = TextAreaField("Source", validators=[Optional(), Length(max=2000)])
    source_url = URLField("Source document URL", validators=[
        Optional(), Length(max=500), URL(message="Enter a web address starting with https://")])


class ComponentForm(FlaskForm):
    child = StringField("Item to add (stable ID)", validators=[DataRequired(), Length(max=40)])
    mandatory = SelectField("How", choices=[SelectChoice("1", "Mandatory"),
                                            SelectChoice("0", "Optional")])
    group = SelectField("Optional group", validators=[Optional()])


class GroupForm(FlaskForm):
    name = StringField("Group name", validators=[DataRequired(), Length(max=120)])
    min_credits = IntegerField("At least … credits", validators=[
        Optional(), NumberRange(min=1, max=10_000)])
    min_components = IntegerField("At least … units", validators=[
        Optional(), NumberRange(min=1, max=1000)])


class PrerequisiteForm(FlaskForm):
    required = StringField("Pre-requirement (stable ID)",
                           validators=[DataRequired(), Length(max=40)])


class RolesForm(FlaskForm):
    roles = SelectMultipleField("Roles", coerce=int, validators=[Optional()])


class AreasForm(FlaskForm):
    areas = SelectMultipleField("Common Core areas", coerce=int, validators=[Optional()])
