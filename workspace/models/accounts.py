"""People with an account."""

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from workspace.clock import utcnow
from workspace.extensions import db
from workspace.models.base import UTCDateTime


def new_session_token() -> str:
    return secrets.token_urlsafe(16)


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    # Part of the login cookie: changing it (on a password change) signs out every other session.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Site-wide roles: editors keep the shared catalogue; administrators manage accounts.
    is_catalogue_editor: Mapped[bool] = mapped_column(default=False)
    is_site_admin: Mapped[bool] = mapped_column(default=False)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"
