"""A person deletes their account.

What goes: their memberships (as if they left each partnership, so the member log says so and
a partnership is never left without a lead), their places on sessions still to come (given up
the usual way, so the waiting list moves up) and every booking, claim and calendar feed; their
progress records (profile, qualifications, enrolments, prior learning, CPD log); their
notifications, read markers, poll votes, network memberships and login sessions (which ends
them at once); invitations and emails (queued or sent) to their address. Their name and
email go from everything the workspace wrote about them, notifications and emails to others
and others' @mentions of them included (a name someone typed into free text, such as
minutes, is theirs and stays).

What stays, because others rely on it: messages they posted and records they added for a
partnership (minutes, papers, resources, audit records, catalogue edits), attributed to "Former
member": the account row remains as that tombstone, with no name, address or usable password.
Networks they coordinated and actions they owned are left without one, for a lead to reassign.
"""

import secrets
from datetime import datetime

from sqlalchemy import delete, func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from workspace.exceptions import DomainError
from workspace.extensions import db
from workspace.models import (
    Action,
    Booking,
    CalendarFeed,
    ChannelRead,
    CpdLogEntry,
    CpdSession,
    Credential,
    Enrolment,
    HeldQualification,
    Invitation,
    JoinRequest,
    LoginSession,
    Membership,
    Message,
    MessageRevision,
    Network,
    NetworkMember,
    Notification,
    OutboxMessage,
    PollVote,
    PractitionerProfile,
    PriorLearningClaim,
    SupplyClaim,
    User,
)
from workspace.models.cpd import BookingStatus
from workspace.models.partnerships import Role
from workspace.services import permissions
from workspace.services.cpd import sessions as cpd_sessions
from workspace.services.partnerships import membership as partnerships

FORMER_MEMBER = "Former member"
DELETED_DOMAIN = "deleted.invalid"  # a reserved name (RFC 2606): never anyone's mailbox


def is_deleted(user: User) -> bool:
    return user.email.endswith("@" + DELETED_DOMAIN)


def delete_account(user: User, password: str, now: datetime) -> None:
    """Delete the person's account, if `password` is theirs; a refusal changes nothing."""
    if not check_password_hash(user.password_hash, password):
        raise DomainError("That is not your password.", field="password")
    memberships = list(db.session.scalars(select(Membership).where(Membership.user_id == user.id)))
    sole = [m.partnership.name for m in memberships if _sole_lead_with_others(m)]
    if sole:
        raise DomainError("You are the only lead of " + ", ".join(sole) + ": make someone "
                          "else lead there first, so that it keeps someone to run it.")
    if user.is_site_admin:
        refusal = permissions.why_not_revoke_admin(None, user)
        if refusal:
            raise DomainError(refusal)
    name, email = user.name, user.email
    for future in db.session.scalars(
            select(CpdSession).join(Booking, Booking.session_id == CpdSession.id)
            .where(Booking.user_id == user.id, Booking.status != BookingStatus.CANCELLED,
                   CpdSession.starts_at > now)).all():
        cpd_sessions.cancel_booking(future, user, now)  # the waiting list moves up
    for membership in memberships:
        if _sole_lead_alone(membership):
            db.session.delete(membership)  # nobody else is in it: nothing to hand on
            db.session.commit()
        else:
            partnerships.leave_partnership(membership.partnership, membership)
    bookings = select(Booking.id).where(Booking.user_id == user.id)
    db.session.execute(delete(SupplyClaim).where(SupplyClaim.booking_id.in_(bookings)))
    db.session.execute(update(JoinRequest).where(JoinRequest.decided_by_id == user.id)
                       .values(decided_by_id=None))
    for model in (JoinRequest, Credential, Booking, CalendarFeed, PractitionerProfile,
                  HeldQualification, PriorLearningClaim, Enrolment, CpdLogEntry, ChannelRead,
                  PollVote,
                  NetworkMember, Notification, LoginSession):
        db.session.execute(delete(model).where(model.user_id == user.id))
    db.session.execute(delete(Invitation).where(Invitation.email == email))
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.to == email))
    db.session.execute(update(Network).where(Network.coordinator_id == user.id)
                       .values(coordinator_id=None))
    db.session.execute(update(Action).where(Action.owner_id == user.id).values(owner_id=None))
    for text in (name, email):  # what the workspace told others about them
        for column in (Notification.message, OutboxMessage.subject, OutboxMessage.body):
            db.session.execute(update(column.class_).where(column.contains(text)).values(
                {column.key: func.replace(column, text, "a former member")}))
    mention = "@" + name  # others' @mentions of them (free text that names them stays)
    for column in (Message.body, Message.body_html, MessageRevision.body):
        db.session.execute(update(column.class_).where(column.contains(mention))
                           .values({column.key: func.replace(column, mention,
                                                             "@" + FORMER_MEMBER)}))
    user.name = FORMER_MEMBER
    user.email = f"former-{user.id}@{DELETED_DOMAIN}"
    user.password_hash = generate_password_hash(secrets.token_urlsafe(32))
    user.is_catalogue_editor = user.is_site_admin = False
    db.session.commit()


def _sole_lead_with_others(membership: Membership) -> bool:
    return _is_sole_lead(membership) and _member_count(membership) > 1


def _sole_lead_alone(membership: Membership) -> bool:
    return _is_sole_lead(membership) and _member_count(membership) == 1


def _is_sole_lead(membership: Membership) -> bool:
    return membership.role is Role.LEAD and db.session.scalar(
        select(func.count(Membership.id)).where(
            Membership.partnership_id == membership.partnership_id,
            Membership.role == Role.LEAD)) == 1


def _member_count(membership: Membership) -> int:
    return db.session.scalar(select(func.count(Membership.id)).where(
        Membership.partnership_id == membership.partnership_id))
