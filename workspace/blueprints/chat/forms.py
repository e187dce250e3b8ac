"""Chat forms: the composer, editing a message, adding a channel."""

from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from workspace.blueprints.form_base import Form


class MessageForm(Form):
    """The composer. Emptiness and length are the service's rules (chat.check_body)."""

    body = TextAreaField("Message")


class ChannelForm(Form):
    name = StringField("Name", validators=[DataRequired(message="Give the channel a name."),
                                           Length(max=80)],
                       description="For example: Music festival 2027")
    topic = StringField("What it is for", validators=[Optional(), Length(max=300)])
    steering_only = BooleanField("Steering group only")


class SearchForm(Form):
    class Meta:
        csrf = False

    q = StringField("Search messages", validators=[Optional(), Length(max=200)])
