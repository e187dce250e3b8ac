"""Chat: channels, messages with threads and edit history, read markers, polls, and the
ordered event log that live delivery reads from (across every worker process)."""

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workspace.clock import utcnow
from workspace.extensions import db
from workspace.models.accounts import User
from workspace.models.base import UTCDateTime, value_enum
from workspace.models.cpd import Network


class ChannelKind(enum.Enum):
    GENERAL = "general"    # every member
    STEERING = "steering"  # steering group members and leads
    NETWORK = "network"    # the members of one CPD network (and leads)
    CUSTOM = "custom"      # added by a lead; every member, or steering only

    @property
    def label(self) -> str:
        return {"general": "General", "steering": "Steering group", "network": "CPD network",
                "custom": "Channel"}[self.value]


class Channel(db.Model):
    __tablename__ = "channel"
    __table_args__ = (UniqueConstraint("partnership_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[ChannelKind] = mapped_column(value_enum(ChannelKind, "channel_kind"))
    steering_only: Mapped[bool] = mapped_column(default=False)
    network_id: Mapped[int | None] = mapped_column(
        ForeignKey("network.id", ondelete="CASCADE"), unique=True)
    topic: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    network: Mapped[Network | None] = relationship()


class Message(db.Model):
    """A message, or a reply in a message's thread (`parent_id`).

    `body` is the Markdown the author wrote; `body_html` is its rendering through the
    allow-list sanitiser, kept so that pages do not render Markdown on every view. A message
    may open the discussion of a record (`subject_kind`, `subject_key`: one per record).
    """

    __tablename__ = "message"
    __table_args__ = (
        UniqueConstraint("partnership_id", "subject_kind", "subject_key"),
        Index("ix_message_channel_parent_id", "channel_id", "parent_id", "id"),
        # Unread counts: a channel's messages after a read marker, from the index alone.
        Index("ix_message_channel_id_author_deleted", "channel_id", "id", "author_id",
              "deleted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("message.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    subject_kind: Mapped[str | None] = mapped_column(String(20))
    subject_key: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reply_count: Mapped[int] = mapped_column(Integer, default=0)
    last_reply_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    channel: Mapped[Channel] = relationship()
    author: Mapped[User] = relationship()
    parent: Mapped["Message | None"] = relationship(remote_side=[id])


class MessageRevision(db.Model):
    """What a message said before an edit or a deletion: the history leads moderate from."""

    __tablename__ = "message_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("message.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    change: Mapped[str] = mapped_column(String(10))  # "edit" or "delete"
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    changed_by: Mapped[User] = relationship()


class ChannelRead(db.Model):
    """How far a person has read in a channel, for unread counts."""

    __tablename__ = "channel_read"

    channel_id: Mapped[int] = mapped_column(
        ForeignKey("channel.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True, index=True)
    last_read_message_id: Mapped[int] = mapped_column(Integer, default=0)


class ChatEvent(db.Model):
    """One change to show live, in the order it happened: a message posted, edited or
    deleted in a channel, or a record behind a card (`ref`, e.g. "cpd-12") that changed.

    Every worker process reads this log after a wake-up (PostgreSQL NOTIFY, or polling), and
    a browser that reconnects asks for the events after the last id it saw.
    """

    __tablename__ = "chat_event"
    __table_args__ = (Index("ix_chat_event_partnership_id_id", "partnership_id", "id"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"))
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channel.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    message_id: Mapped[int | None] = mapped_column(Integer)
    ref: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Poll(db.Model):
    __tablename__ = "poll"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id"), index=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channel.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(String(300))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    options: Mapped[list["PollOption"]] = relationship(
        back_populates="poll", cascade="all, delete-orphan", order_by="PollOption.position")


class PollOption(db.Model):
    __tablename__ = "poll_option"

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(String(120))

    poll: Mapped[Poll] = relationship(back_populates="options")


class PollVote(db.Model):
    __tablename__ = "poll_vote"
    __table_args__ = (UniqueConstraint("poll_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"), index=True)
    option_id: Mapped[int] = mapped_column(ForeignKey("poll_option.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
