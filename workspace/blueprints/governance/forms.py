"""Forms of governance and evaluation: they validate the shape; numbers and years are the
service's to check (services/governance/years), so that a refusal reads the same anywhere."""

from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from workspace.blueprints.form_base import Form

YEAR_HINT = "A school year such as 2025/26, or a calendar year such as 2026."


class TermsForm(Form):
    body = TextAreaField("Terms of reference", validators=[Optional(), Length(max=50_000)],
                         description="Markdown: **bold**, lists with -, headings with #.")


class AimForm(Form):
    title = StringField("Aim", validators=[DataRequired(message="Give the aim a title."),
                                           Length(max=200)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="aim", **kwargs)


class PriorityForm(Form):
    text = StringField("Priority", validators=[DataRequired(message="Write the priority."),
                                               Length(max=300)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="priority", **kwargs)


class IndicatorForm(Form):
    name = StringField("Indicator", validators=[
        DataRequired(message="Give the indicator a name."), Length(max=200)],
        description="For example: Schools with a music development plan")
    unit = StringField("Unit", validators=[Optional(), Length(max=60)],
                       description="For example: schools, %, children, £")
    measures = TextAreaField("What it measures", validators=[Optional(), Length(max=5000)])
    aim = SelectField("Aim it serves", choices=[], validate_choice=True)
    baseline_value = StringField("Baseline value", validators=[Optional(), Length(max=30)])
    baseline_year = StringField("Baseline year", validators=[Optional(), Length(max=12)],
                                description=YEAR_HINT)
    target_value = StringField("Target value", validators=[Optional(), Length(max=30)])
    target_year = StringField("Target year", validators=[Optional(), Length(max=12)],
                              description=YEAR_HINT)


class ValueForm(Form):
    indicator = SelectField("Indicator", choices=[], validate_choice=True)
    year = StringField("Year", validators=[InputRequired(message="Give the year."),
                                           Length(max=12)], description=YEAR_HINT)
    value = StringField("Value", validators=[InputRequired(message="Give the value."),
                                             Length(max=30)])
    note = StringField("Note", validators=[Optional(), Length(max=300)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="value", **kwargs)


class ReviewYearForm(Form):
    year = SelectField("School year", coerce=int, choices=[], validate_choice=False)


class SectionForm(Form):
    body = TextAreaField("Text", validators=[Optional(), Length(max=50_000)],
                         description="Markdown.")
