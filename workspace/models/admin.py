"""Site administration: the log of what administrators did."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workspace.clock import utcnow
from workspace.extensions import db
from workspace.models.accounts import User
from workspace.models.base import UTCDateTime, value_enum


class AdminActionKind(enum.Enum):
    SUSPEND_ACCOUNT = "suspend_account"
    RESTORE_ACCOUNT = "restore_account"
    SUSPEND_PARTNERSHIP = "suspend_partnership"
    RESTORE_PARTNERSHIP = "restore_partnership"
    GRANT_EDITOR = "grant_editor"
    REVOKE_EDITOR = "revoke_editor"
    GRANT_ADMIN = "grant_admin"
    REVOKE_ADMIN = "revoke_admin"
    GRANT_ASSESSOR = "grant_assessor"
    REVOKE_ASSESSOR = "revoke_assessor"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    AdminActionKind.SUSPEND_ACCOUNT: "Account suspended",
    AdminActionKind.RESTORE_ACCOUNT: "Account restored",
    AdminActionKind.SUSPEND_PARTNERSHIP: "Partnership suspended",
    AdminActionKind.RESTORE_PARTNERSHIP: "Partnership restored",
    AdminActionKind.GRANT_EDITOR: "Made catalogue editor",
    AdminActionKind.REVOKE_EDITOR: "No longer catalogue editor",
    AdminActionKind.GRANT_ADMIN: "Made administrator",
    AdminActionKind.REVOKE_ADMIN: "No longer administrator",
    AdminActionKind.GRANT_ASSESSOR: "Made centre assessor",
    AdminActionKind.REVOKE_ASSESSOR: "No longer centre assessor",
}


class AdminAction(db.Model):
    """One thing an administrator did: who, when, what, to which account, partnership or
    centre, and why. An account is named through `account_id` (its name is read from the
    account, so that deleting the account takes it from here too); `target_label` names a
    partnership or centre as it was called then."""

    __tablename__ = "admin_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # None: done from the command line (`flask admin create`), not by a signed-in person.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    action: Mapped[AdminActionKind] = mapped_column(
        value_enum(AdminActionKind, "admin_action_kind", 40), index=True)
    target_kind: Mapped[str] = mapped_column(String(20))  # account, partnership, centre
    target_id: Mapped[int] = mapped_column(Integer)
    target_label: Mapped[str] = mapped_column(String(400), default="")
    # The account concerned (suspended, granted a role, made assessor), when there is one.
    account_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    reason: Mapped[str] = mapped_column(String(500), default="")

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    account: Mapped[User | None] = relationship(foreign_keys=[account_id])
