from datetime import date
from zoneinfo import available_timezones

from wtforms import (
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    URL,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from workspace.blueprints.form_base import Form
from workspace.blueprints.picking import ItemPicker, PickerForm
from workspace.services.catalogue.picking import Kind


class NetworkForm(Form):
    name = StringField("Name", validators=[DataRequired(), Length(max=160)],
                       description="For example: Primary music teachers")
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)])
    coordinator = SelectField("Coordinator", validators=[Optional()])


def _known_zone(form, field):
    if field.data not in available_timezones():
        raise ValidationError("Choose a time zone such as Europe/London.")


class SessionForm(PickerForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=160)])
    focus = TextAreaField("Focus", validators=[Optional(), Length(max=5000)],
                          description="What the session covers and who it is for.")
    day = DateField("Date", validators=[DataRequired(message="Enter the date.")])
    start = TimeField("Starts", validators=[DataRequired(message="Enter a start time.")])
    end = TimeField("Ends", validators=[DataRequired(message="Enter an end time.")])
    timezone = StringField("Time zone", default="Europe/London",
                           validators=[DataRequired(), _known_zone])
    venue = StringField("Venue", validators=[Optional(), Length(max=300)])
    online_url = URLField("Online link", validators=[
        Optional(), Length(max=500), URL(message="Enter a web address starting with https://")])
    capacity = IntegerField("Places", validators=[
        InputRequired(message="Enter how many places there are."),
        NumberRange(min=1, max=10_000, message="Enter a number of places from 1.")])
    facilitator = StringField("Facilitator", validators=[Optional(), Length(max=200)])
    provider = SelectField("Provider organisation", validators=[Optional()])
    learning_hours = DecimalField("Learning hours", places=2, validators=[
        InputRequired(message="Enter the learning hours."),
        NumberRange(min=0, max=100, message="Enter hours from 0 to 100.")])
    signup_closes_days_before = IntegerField("Sign-up closes (days before)", validators=[
        Optional(), NumberRange(min=0, max=365)],
        description="Leave empty to keep sign-up open until the session starts.")
    modules = ItemPicker("Catalogue units", kind=Kind.UNIT, multiple=True,
                         description="Search by title and pick the units it covers: attendance "
                                     "counts as evidence towards them.")
    areas = SelectMultipleField("Common Core areas", coerce=int, validators=[Optional()])
    open_to = SelectField("Open to", default="partnership", validators=[DataRequired()],
                          description="Open it to the members of a network's partnerships, or "
                                      "to anyone with an account: they find it under Open "
                                      "CPD and book it as your members do.")
    more_dates = TextAreaField("Repeat on these dates too (one per line, YYYY-MM-DD)",
                               validators=[Optional(), Length(max=2000)],
                               description="For a series, e.g. one a term for a year; each "
                                           "date gets its own session and register.")

    def extra_dates(self) -> list[date]:
        """The repeat dates; raises ValidationError naming a line that is not a date."""
        days = []
        for number, line in enumerate((self.more_dates.data or "").splitlines(), start=1):
            if line.strip():
                try:
                    days.append(date.fromisoformat(line.strip()))
                except ValueError:
                    raise ValidationError(f"Line {number} is not a date like 2027-03-10.") \
                        from None
        return days


class AttendanceForm(Form):
    attendance = SelectField("Attendance", choices=[
        SelectChoice("attended", "Attended"), SelectChoice("no_show", "No-show"),
        SelectChoice("", "Not marked")], validators=[Optional()])
