from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional

from workspace.blueprints.form_base import Form
from workspace.blueprints.picking import ItemPicker, PickerForm
from workspace.models.catalogue import LEVEL_LABELS, Basis, ItemStatus
from workspace.services.catalogue.coverage import AreaState
from workspace.services.catalogue.picking import Kind

LEVEL_CHOICES = [SelectChoice("", "Any level")] + [
    SelectChoice(str(n), label) for n, label in LEVEL_LABELS.items()]
STATUS_CHOICES = [SelectChoice(s.value, s.label) for s in ItemStatus]
SORT_CHOICES = [SelectChoice("", "Title A-Z"), SelectChoice("level", "Level, lowest first"),
                SelectChoice("level_desc", "Level, highest first"),
                SelectChoice("updated", "Recently changed")]
KIND_CHOICES = [SelectChoice("", "Qualifications and modules"),
                SelectChoice("qualification", "Qualifications"),
                SelectChoice("module", "Modules and units")]


class SearchForm(Form):
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


class ItemForm(Form):
    stable_id = StringField("Stable ID", validators=[DataRequired(), Length(max=40)],
                            description="A short, unchanging reference, e.g. CME.")
    title = StringField("Title", validators=[DataRequired(), Length(max=300)])
    is_qualification = BooleanField("A qualification in its own right")
    is_key = BooleanField("Key qualification for every role it serves",
                          description="To make it key for one role only, mark it on that "
                                      "role's link.")
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
    entry_requirements = TextAreaField("Entry requirements", validators=[
        Optional(), Length(max=10_000)], description="As the source states them.")
    progression = TextAreaField("Progression", validators=[Optional(), Length(max=10_000)],
                                description="What it leads on to, as the source states it. "
                                            "Items needed first are pre-requirements, below "
                                            "on the item's page.")
    source = TextAreaField("Source", validators=[Optional(), Length(max=2000)])
    source_url = URLField("Source document URL", validators=[
        Optional(), Length(max=500), URL(message="Enter a web address starting with https://")])


class ComponentForm(PickerForm):
    child = ItemPicker("Item to add", kind=Kind.ANY, required=True)
    mandatory = SelectField("How", choices=[SelectChoice("1", "Mandatory"),
                                            SelectChoice("0", "Optional")])
    group = SelectField("Optional group", validators=[Optional()])


class GroupForm(Form):
    name = StringField("Group name", validators=[DataRequired(), Length(max=120)])
    min_credits = IntegerField("At least … credits", validators=[
        Optional(), NumberRange(min=1, max=10_000)])
    min_components = IntegerField("At least … units", validators=[
        Optional(), NumberRange(min=1, max=1000)])


class PrerequisiteForm(PickerForm):
    required = ItemPicker("Pre-requirement", kind=Kind.ANY, required=True,
                          description="What a person must hold before taking this item.")


# --- structure: cluster sets, clusters, roles, role links, Common Core judgements ----------

BASIS_CHOICES = [SelectChoice(b.value, b.label) for b in Basis]
JUDGEMENT_CHOICES = [SelectChoice(s.value, s.label) for s in
                     (AreaState.COVERED, AreaState.NOT_COVERED, AreaState.NOT_JUDGED)]
SOURCES_HINT = "Web addresses of the sources that describe it, one a line."


class ClusterSetForm(Form):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    source = TextAreaField("Source", validators=[Optional(), Length(max=2000)],
                           description="Where this grouping of roles comes from.")


class ClusterForm(Form):
    name = StringField("Cluster name", validators=[DataRequired(), Length(max=200)])


class RoleForm(Form):
    name = StringField("Role name", validators=[DataRequired(), Length(max=300)])
    description = TextAreaField("What the role does", validators=[Optional(),
                                                                  Length(max=5000)])
    source = TextAreaField("Sources", validators=[Optional(), Length(max=5000)],
                           description=SOURCES_HINT)


class PlaceRoleForm(Form):
    cluster = SelectField("Cluster", coerce=int,
                          invalid_choice_message="Choose a cluster from the list.")


class LinkForm(Form):
    """How a qualification serves a role: what the link rests on, and whether it is key."""

    basis = SelectField("Basis", choices=BASIS_CHOICES,
                        invalid_choice_message="Choose what the link rests on.")
    is_key = BooleanField("Key qualification for this role")


class AttachQualificationForm(PickerForm, LinkForm):
    item = ItemPicker("Qualification", kind=Kind.QUALIFICATION, required=True)


class AttachRoleForm(LinkForm):
    role = SelectField("Role", validators=[DataRequired(message="Choose a role.")],
                       invalid_choice_message="Choose a role from the list.")


class JudgementForm(Form):
    state = SelectField("Judgement", choices=JUDGEMENT_CHOICES,
                        invalid_choice_message="Choose covered, judged not covered or "
                                               "not yet judged.")
    basis = SelectField("Rests on", choices=BASIS_CHOICES,
                        invalid_choice_message="Choose what the judgement rests on.")
    words = TextAreaField("In the source's or the editors' words",
                          validators=[Optional(), Length(max=5000)])
