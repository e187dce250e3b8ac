"""Forms of the cards and of the slash commands' inline panels."""

from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional

from workspace.blueprints.cpd.forms import SessionForm
from workspace.blueprints.form_base import Form


class VoteForm(Form):
    option_id = IntegerField("Option", validators=[InputRequired()])


class ChannelBound:
    """The channel the command was typed in, carried by the panel's form."""

    channel_id = HiddenField(validators=[DataRequired()])


class PollForm(ChannelBound, Form):
    question = StringField("Question", validators=[
        DataRequired(message="Ask a question."),
        Length(max=300, message="Keep the question under 300 characters.")])
    options = TextAreaField("Options (one a line, 2 to 10)", validators=[
        DataRequired(message="Give at least 2 options."), Length(max=2000)])


class ActionForm(ChannelBound, Form):
    title = StringField("Action", validators=[
        DataRequired(message="Say what is to be done."),
        Length(max=200, message="Keep the title under 200 characters.")])
    owner = SelectField("Owner", validators=[Optional()])
    due_on = DateField("Due date", validators=[Optional()])


class ChatSessionForm(ChannelBound, SessionForm):
    """The CPD area's session form, with the network to schedule it in."""

    network = SelectField("Network")


class ShareSessionForm(ChannelBound, Form):
    cpd_session = SelectField("Session", validators=[DataRequired(message="Choose a session.")])


class DiscussForm(Form):
    kind = HiddenField(validators=[DataRequired(), AnyOf(["gap", "cpd", "meeting", "action"])])
    key = HiddenField(validators=[DataRequired(), Length(max=300)])
