"""Networks of partnerships: regional or thematic (a North East SEND network of hubs), with
their partner partnerships, invitations, channel, peer-learning meetings, working groups and
shared resources. A network holds only what is put into it: no partnership's own records."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workspace.clock import utcnow
from workspace.extensions import db
from workspace.models.accounts import User
from workspace.models.base import UTCDateTime
from workspace.models.partnerships import Partnership


class PartnershipNetwork(db.Model):
    __tablename__ = "partnership_network"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    theme: Mapped[str] = mapped_column(String(160), default="")  # "North East · SEND"
    description: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class NetworkPartner(db.Model):
    """A partnership in a network; the convenors' leads invite and remove partners."""

    __tablename__ = "network_partner"
    __table_args__ = (UniqueConstraint("network_id", "partnership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("partnership_network.id", ondelete="CASCADE"), index=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    convenor: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    partnership: Mapped[Partnership] = relationship()


class NetworkInvite(db.Model):
    """An invitation for one partnership to join, by a link a convenor sends to its lead;
    only the token's hash is kept."""

    __tablename__ = "network_invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("partnership_network.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    note: Mapped[str] = mapped_column(String(200), default="")  # whom it is for
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    used_by_partnership_id: Mapped[int | None] = mapped_column(ForeignKey("partnership.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    network: Mapped[PartnershipNetwork] = relationship()


class NetworkPost(db.Model):
    """A message in the network's channel (Markdown), from a person of a partner."""

    __tablename__ = "network_post"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("partnership_network.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    # The partner the author speaks for (shown beside their name).
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    author: Mapped[User] = relationship()
    partnership: Mapped[Partnership] = relationship()


class NetworkMeeting(db.Model):
    """A peer-learning meeting of the network, with its agenda and notes (Markdown)."""

    __tablename__ = "network_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("partnership_network.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    place: Mapped[str] = mapped_column(String(300), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class NetworkGroup(db.Model):
    """A working group of the network that people of its partners join."""

    __tablename__ = "network_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("partnership_network.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    purpose: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class NetworkGroupMember(db.Model):
    __tablename__ = "network_group_member"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("network_group.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"))

    user: Mapped[User] = relationship()
    partnership: Mapped[Partnership] = relationship()


class NetworkResource(db.Model):
    """A link shared in the network by a person of a partner."""

    __tablename__ = "network_resource"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("partnership_network.id", ondelete="CASCADE"), index=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    added_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    added_by: Mapped[User] = relationship()
    partnership: Mapped[Partnership] = relationship()
