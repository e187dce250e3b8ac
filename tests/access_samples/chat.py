"""Zebra's chat rows for the access walk: channels, a thread, an edited message."""

from sqlalchemy import select

from workspace.extensions import db
from workspace.models import Channel, Membership
from workspace.models.chat import ChannelKind
from workspace.services.chat import messages


def add_sample(people: dict) -> None:
    theirs = people["theirs"]
    messages.ensure_channels(theirs)
    lead = db.session.scalar(select(Membership).where(
        Membership.partnership_id == theirs.id, Membership.user_id == people["lead"].id))
    general = db.session.scalar(select(Channel).where(
        Channel.partnership_id == theirs.id, Channel.kind == ChannelKind.GENERAL))
    steering = messages.create_channel(theirs, lead, name="Zebra steering room", steering_only=True,
                                   topic="Zebra plans")
    root = messages.post_message(general, people["member"], "Zebra news for @Zebra Lead")
    messages.post_message(general, people["lead"], "Zebra reply", parent=root)
    messages.edit_message(root, people["member"], "Zebra news, edited, for @Zebra Lead")
    messages.post_message(steering, people["steer"], "Zebra steering secret")
