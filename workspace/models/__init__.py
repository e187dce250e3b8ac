"""Models, one module per domain; importing this package registers them all."""

from workspace.models.accounts import User
from workspace.models.partnerships import (
    Invitation,
    MemberLogEntry,
    Membership,
    Organisation,
    Partnership,
    Representative,
)

__all__ = [
    "Invitation",
    "MemberLogEntry",
    "Membership",
    "Organisation",
    "Partnership",
    "Representative",
    "User",
]
