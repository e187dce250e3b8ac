from wtforms import DateField, SelectField, StringField, TextAreaField, TimeField, URLField
from wtforms.validators import URL, DataRequired, Length, Optional

from workspace.blueprints.form_base import Form


class NetworkForm(Form):
    name = StringField("Name", validators=[DataRequired(), Length(max=160)],
                       description="For example: North East SEND music network")
    theme = StringField("Region or theme", validators=[Optional(), Length(max=160)],
                        description="For example: North East · SEND")
    description = TextAreaField("What it is for", validators=[Optional(), Length(max=5000)])


class StartNetworkForm(NetworkForm):
    partnership = SelectField("Convened by", validators=[DataRequired()],
                              description="A partnership you lead: the network's first "
                                          "partner, whose leads invite the others.")


class InviteForm(Form):
    note = StringField("For (a note for yourselves)", validators=[Optional(), Length(max=200)],
                       description="For example: Tees Valley Music Service")


class JoinForm(Form):
    partnership = SelectField("Bring in", validators=[DataRequired()],
                              description="A partnership you lead.")


class PostForm(Form):
    body = TextAreaField("Message", validators=[DataRequired(message="Write a message first."),
                                                Length(max=4000)],
                         description="Markdown: **bold**, _italic_, lists and links.")


class MeetingForm(Form):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)],
                        description="For example: Spring peer-learning meeting")
    day = DateField("Date", validators=[DataRequired(message="Enter the date.")])
    start = TimeField("Starts (London time)",
                      validators=[DataRequired(message="Enter a start time.")])
    place = StringField("Where", validators=[Optional(), Length(max=300)])
    agenda = TextAreaField("Agenda", validators=[Optional(), Length(max=20000)],
                           description="Markdown: one item a line, e.g. 1. Welcome")
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=50000)],
                          description="What was shared and agreed.")


class GroupForm(Form):
    name = StringField("Name", validators=[DataRequired(), Length(max=160)],
                       description="For example: Inclusive ensembles")
    purpose = TextAreaField("Purpose", validators=[Optional(), Length(max=2000)])


class ResourceForm(Form):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    url = URLField("Link", validators=[DataRequired(), Length(max=500), URL(
        message="Enter a web address starting with https://")])
    description = TextAreaField("Description", validators=[Optional(), Length(max=2000)])
