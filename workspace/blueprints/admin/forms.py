from wtforms import EmailField, HiddenField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Email, Length, Optional

from workspace.blueprints.form_base import Form
from workspace.services.admin.accounts import ROLES
from workspace.services.admin.log import REASON_MAX


class SearchForm(Form):
    class Meta:
        csrf = False

    q = StringField("Search", validators=[Optional(), Length(max=200)])


class SuspendForm(Form):
    reason = TextAreaField("Reason", validators=[
        DataRequired(message="Say why: the other administrators read it in the log."),
        Length(max=REASON_MAX)],
        description="Kept in the log of administrators' actions.")


class RestoreForm(Form):
    reason = TextAreaField("Note (optional)", validators=[Optional(), Length(max=REASON_MAX)])


class RoleForm(Form):
    role = HiddenField(validators=[AnyOf(list(ROLES))])
    grant = HiddenField(validators=[AnyOf(["yes", "no"])])


class AssessorForm(Form):
    email = EmailField("Email of a member of the partnership", validators=[
        DataRequired(), Length(max=254),
        Email(message="Enter an email address like name@example.org.")])
