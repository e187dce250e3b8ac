"""People with an account."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from workspace.clock import utcnow
from workspace.extensions import db
from workspace.models.base import UTCDateTime


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Site-wide roles: editors keep the shared catalogue; administrators manage accounts.
    is_catalogue_editor: Mapped[bool] = mapped_column(default=False)
    is_site_admin: Mapped[bool] = mapped_column(default=False)
    # A site administrator's suspension (services/admin): no session, no sign-in until restored.
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    suspension_reason: Mapped[str] = mapped_column(String(500), default="")

    # The token of the login session this request runs in (services/accounts/sessions): what
    # the session and remember-me cookies carry, so that ending the session refuses both.
    login_token = None  # str, set per request; not a column

    def get_id(self) -> str | None:
        return self.login_token

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None

    @classmethod
    def in_use(cls):
        """The SQL condition of `not is_suspended`, for queries of jobs and feeds that run
        outside any signed-in request."""
        return cls.suspended_at.is_(None)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class LoginSession(db.Model):
    """One signed-in browser: its cookies carry a token whose hash is kept here, so that
    logging out (here or everywhere) refuses a copied cookie at once."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
