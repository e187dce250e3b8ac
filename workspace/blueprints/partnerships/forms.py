from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from workspace.blueprints.form_base import Form
from workspace.models.partnerships import SCHOOL_PHASES, PartnershipKind, Role, Sector

KIND_CHOICES = [SelectChoice(k.value, k.label) for k in PartnershipKind]
ROLE_CHOICES = [SelectChoice(r.value, r.label) for r in (Role.MEMBER, Role.STEERING, Role.LEAD)]
SECTOR_CHOICES = [SelectChoice(s.value, s.label) for s in Sector]
PHASE_CHOICES = [SelectChoice("", "Not a school")] + [SelectChoice(p) for p in SCHOOL_PHASES]


class PartnershipForm(Form):
    name = StringField("Name", validators=[DataRequired(), Length(max=160)],
                       description="For example: Barking & Dagenham Cultural Education "
                                   "Partnership")
    kind = SelectField("Kind", choices=KIND_CHOICES, validators=[DataRequired()])
    place = StringField("Place", validators=[DataRequired(), Length(max=300)],
                        description="The local authority, borough or wards it serves.")
    lead_organisation = StringField("Lead organisation",
                                    validators=[DataRequired(), Length(max=200)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)])


class InvitationForm(Form):
    role = SelectField("Role", choices=ROLE_CHOICES, default=Role.MEMBER.value)
    email = EmailField("Email (leave empty for a link to share)",
                       validators=[Optional(), Length(max=254),
                                   Email(message="Enter an email address like "
                                                 "name@example.org.")])


class RoleForm(Form):
    role = SelectField("Role", choices=ROLE_CHOICES)


class OrganisationForm(Form):
    name = StringField("Organisation", validators=[DataRequired(), Length(max=200)])
    sector = SelectField("Sector", choices=SECTOR_CHOICES)
    school_phase = SelectField("School phase", choices=PHASE_CHOICES, validators=[Optional()])


class RepresentativeForm(Form):
    membership_id = SelectField("Person", coerce=int, validate_choice=True)


class ConfirmForm(Form):
    """A button that only carries the CSRF token."""


class ListingForm(Form):
    listed = BooleanField("List the partnership in the directory")
    offer = TextAreaField("What the partnership offers people who join",
                          validators=[Optional(), Length(max=2000)],
                          description="For example: termly CPD for primary music teachers, "
                                      "a SEND network, help with Arts Award.")


class JoinRequestForm(Form):
    message = TextAreaField("A message to its leads (optional)",
                            validators=[Optional(), Length(max=1000)],
                            description="Who you are and what you hope to do with them. "
                                        "Your email address is not shown.")
