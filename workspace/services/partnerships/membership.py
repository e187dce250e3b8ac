"""Partnership spaces: creating them, who may do what, members, invitations, organisations."""

import secrets
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import String, case, func, select
from sqlalchemy.orm import contains_eager, joinedload

from workspace.clock import utcnow
from workspace.exceptions import DomainError, Forbidden, NotFound, Suspended
from workspace.extensions import db
from workspace.infra.mail import queue_email
from workspace.models import (
    Invitation,
    MemberLogEntry,
    Membership,
    Organisation,
    Partnership,
    Representative,
    User,
)
from workspace.models.partnerships import LogEvent, PartnershipKind, Role, Sector
from workspace.services import permissions

# --- access -------------------------------------------------------------------------------


def authorise(user: User, partnership_id: int,
              rule: Callable[[Membership], bool] | None = None) -> Membership:
    """The person's membership when `rule` (a predicate of services/permissions) lets them
    act in the partnership; any member when there is no rule.

    Raises NotFound for a non-member (nothing is given away about the partnership),
    Suspended for every member of a partnership the site's administrators suspended, and
    Forbidden for a member the rule refuses. Every partnership route goes through here.
    """
    membership = None
    if user is not None and user.is_authenticated:
        membership = db.session.scalar(
            select(Membership).options(joinedload(Membership.partnership))
            .where(Membership.partnership_id == partnership_id, Membership.user_id == user.id))
    if membership is None:
        raise NotFound()
    refusal = permissions.why_not_use_partnership(membership.partnership)
    if refusal:
        raise Suspended(refusal)
    if rule is not None and not rule(membership):
        raise Forbidden()
    return membership


def get_owned(model, partnership: Partnership, object_id: int):
    """An object of the partnership by id; NotFound when it belongs to another partnership."""
    obj = db.session.get(model, object_id)
    if obj is None or obj.partnership_id != partnership.id:
        raise NotFound()
    return obj


# --- partnerships --------------------------------------------------------------------------


def create_partnership(founder: User, *, name: str, kind: PartnershipKind, place: str,
                       lead_organisation: str, description: str = "") -> Partnership:
    """Create a partnership; its founder becomes its first lead."""
    partnership = Partnership(name=name.strip(), kind=kind, place=place.strip(),
                              lead_organisation=lead_organisation.strip(),
                              description=description.strip())
    db.session.add(partnership)
    db.session.flush()
    add_member(partnership, founder, Role.LEAD, actor=founder)
    db.session.commit()
    return partnership


def update_partnership(partnership: Partnership, *, name: str, kind: PartnershipKind,
                       place: str, lead_organisation: str, description: str) -> None:
    partnership.name = name.strip()
    partnership.kind = kind
    partnership.place = place.strip()
    partnership.lead_organisation = lead_organisation.strip()
    partnership.description = description.strip()
    db.session.commit()


def list_memberships_of(user: User) -> list[Membership]:
    """The person's partnerships, by name, for the switcher and the home page."""
    return list(db.session.scalars(
        select(Membership).join(Membership.partnership)
        .options(contains_eager(Membership.partnership))
        .where(Membership.user_id == user.id).order_by(Partnership.name)))


# --- members -----------------------------------------------------------------------------

_ROLE_ORDER = case({"lead": 0, "steering": 1, "member": 2},
                   value=Membership.__table__.c.role.cast(String))


def list_members(partnership: Partnership, limit: int | None = None) -> list[Membership]:
    """Its members, leads first, then by name; the first `limit` of them if given."""
    return list(db.session.scalars(
        select(Membership).join(Membership.user).options(contains_eager(Membership.user))
        .where(Membership.partnership_id == partnership.id)
        .order_by(_ROLE_ORDER, User.name).limit(limit)))


def count_members(partnership: Partnership) -> int:
    return db.session.scalar(select(func.count(Membership.id)).where(
        Membership.partnership_id == partnership.id))


def _log(partnership: Partnership, event: LogEvent, subject: User, actor: User,
         old_role: Role | None = None, new_role: Role | None = None) -> None:
    db.session.add(MemberLogEntry(partnership_id=partnership.id, event=event,
                                  subject_id=subject.id, actor_id=actor.id,
                                  old_role=old_role, new_role=new_role))


def add_member(partnership: Partnership, user: User, role: Role, actor: User) -> Membership:
    """Put the person in with a role (the caller commits); the member log says who let them in."""
    membership = Membership(partnership_id=partnership.id, user_id=user.id, role=role)
    db.session.add(membership)
    _log(partnership, LogEvent.JOINED, user, actor, new_role=role)
    return membership


def _lock_partnership(partnership: Partnership) -> None:
    """Serialise changes to a partnership's leads (a row lock on PostgreSQL)."""
    db.session.execute(select(Partnership.id).where(Partnership.id == partnership.id)
                       .with_for_update())


def _lead_count(partnership: Partnership) -> int:
    return len(db.session.scalars(select(Membership.id).where(
        Membership.partnership_id == partnership.id, Membership.role == Role.LEAD)).all())


def _ensure_not_last_lead(membership: Membership, message: str) -> None:
    if membership.role == Role.LEAD and _lead_count(membership.partnership) <= 1:
        raise DomainError(message)


def change_role(partnership: Partnership, membership_id: int, new_role: Role,
                actor: User) -> Membership:
    _lock_partnership(partnership)
    membership = get_owned(Membership, partnership, membership_id)
    if membership.role == new_role:
        return membership
    if new_role != Role.LEAD:
        _ensure_not_last_lead(membership, "A partnership needs at least one lead: "
                                          "make someone else lead first.")
    old_role = membership.role
    membership.role = new_role
    _log(partnership, LogEvent.ROLE_CHANGED, membership.user, actor, old_role, new_role)
    db.session.commit()
    return membership


def remove_member(partnership: Partnership, membership_id: int, actor: User) -> None:
    _lock_partnership(partnership)
    membership = get_owned(Membership, partnership, membership_id)
    if membership.user_id == actor.id:
        raise DomainError("To remove yourself, leave the partnership instead.")
    _ensure_not_last_lead(membership, "A partnership needs at least one lead.")
    _log(partnership, LogEvent.REMOVED, membership.user, actor, old_role=membership.role)
    db.session.delete(membership)
    db.session.commit()


def leave_partnership(partnership: Partnership, membership: Membership) -> None:
    _lock_partnership(partnership)
    _ensure_not_last_lead(membership, "You are the only lead: make someone else lead "
                                      "before you leave.")
    _log(partnership, LogEvent.LEFT, membership.user, membership.user, old_role=membership.role)
    db.session.delete(membership)
    db.session.commit()


def member_log(partnership: Partnership) -> list[MemberLogEntry]:
    return list(db.session.scalars(
        select(MemberLogEntry)
        .options(joinedload(MemberLogEntry.subject), joinedload(MemberLogEntry.actor))
        .where(MemberLogEntry.partnership_id == partnership.id)
        .order_by(MemberLogEntry.created_at.desc(), MemberLogEntry.id.desc())))


# --- invitations ---------------------------------------------------------------------------


def create_invitation(partnership: Partnership, inviter: User, role: Role, *,
                      email: str | None = None, days: int = 14,
                      link_for: Callable[[str], str] | None = None) -> Invitation:
    """A link anyone holding it can use until it expires, or, with an email, a one-use link.

    Given `link_for` (the invitation's address from its token), an invitation with an email
    is emailed there, queued in the same transaction.
    """
    invitation = Invitation(partnership_id=partnership.id, token=secrets.token_urlsafe(24),
                            role=role, email=email.strip().lower() if email else None,
                            invited_by_id=inviter.id, expires_at=utcnow() + timedelta(days=days))
    db.session.add(invitation)
    if invitation.email and link_for is not None:
        _email_invitation(invitation, partnership, inviter, link_for(invitation.token), days)
    db.session.commit()
    return invitation


def _email_invitation(invitation: Invitation, partnership: Partnership, inviter: User,
                      link: str, days: int) -> None:
    queue_email(invitation.email, f"Join {partnership.name} on Partnership Workspace",
                f"{inviter.name} invites you to join {partnership.name} as "
                f"{invitation.role.label.lower()}.\n\n"
                f"Accept the invitation here (it expires in {days} days):\n\n{link}\n")


def list_open_invitations(partnership: Partnership) -> list[Invitation]:
    invitations = db.session.scalars(
        select(Invitation).where(Invitation.partnership_id == partnership.id,
                                 Invitation.revoked_at.is_(None),
                                 Invitation.accepted_at.is_(None))
        .order_by(Invitation.created_at.desc())).all()
    return [i for i in invitations if i.expires_at > utcnow()]


def revoke_invitation(partnership: Partnership, invitation_id: int) -> None:
    invitation = get_owned(Invitation, partnership, invitation_id)
    invitation.revoked_at = utcnow()
    db.session.commit()


def open_invitation(token: str) -> Invitation:
    """The invitation behind a link, if it can still be accepted."""
    invitation = db.session.scalar(select(Invitation).where(Invitation.token == token))
    if invitation is None or invitation.revoked_at is not None:
        raise NotFound("This invitation link is not valid. Ask the partnership lead for a new one.")
    if invitation.accepted_at is not None:
        raise DomainError("This invitation has already been used.")
    if invitation.expires_at <= utcnow():
        raise DomainError("This invitation has expired. Ask the partnership lead for a new one.")
    refusal = permissions.why_not_use_partnership(invitation.partnership)
    if refusal:
        raise DomainError(refusal)
    return invitation


def find_membership(partnership_id: int, user: User) -> Membership | None:
    return db.session.scalar(select(Membership).where(
        Membership.partnership_id == partnership_id, Membership.user_id == user.id))


def accept_invitation(token: str, user: User) -> Membership:
    """Join the partnership with the invitation's role; a member already in keeps their role."""
    invitation = open_invitation(token)
    existing = find_membership(invitation.partnership_id, user)
    if existing is not None:
        return existing
    refusal = permissions.why_not_accept_invitation(user, invitation.email)
    if refusal:
        raise Forbidden(refusal)
    membership = add_member(invitation.partnership, user, invitation.role,
                             actor=invitation.invited_by)
    invitation.uses += 1
    if invitation.single_use:
        invitation.accepted_at = utcnow()
    db.session.commit()
    return membership


# --- organisations -------------------------------------------------------------------------


def list_organisations(partnership: Partnership) -> list[Organisation]:
    return list(db.session.scalars(
        select(Organisation)
        .options(joinedload(Organisation.representatives).joinedload(Representative.membership)
                 .joinedload(Membership.user))
        .where(Organisation.partnership_id == partnership.id)
        .order_by(Organisation.name)).unique())


def _check_phase(sector: Sector, school_phase: str | None) -> str | None:
    if sector != Sector.SCHOOL:
        return None
    if not school_phase:
        raise DomainError("Choose the school's phase.", field="school_phase")
    return school_phase


def add_organisation(partnership: Partnership, *, name: str, sector: Sector,
                     school_phase: str | None = None) -> Organisation:
    organisation = Organisation(partnership_id=partnership.id, name=name.strip(),
                                sector=sector, school_phase=_check_phase(sector, school_phase))
    db.session.add(organisation)
    db.session.commit()
    return organisation


def update_organisation(partnership: Partnership, organisation_id: int, *, name: str,
                        sector: Sector, school_phase: str | None = None) -> Organisation:
    organisation = get_owned(Organisation, partnership, organisation_id)
    organisation.school_phase = _check_phase(sector, school_phase)
    organisation.name = name.strip()
    organisation.sector = sector
    db.session.commit()
    return organisation


def delete_organisation(partnership: Partnership, organisation_id: int) -> None:
    db.session.delete(get_owned(Organisation, partnership, organisation_id))
    db.session.commit()


def add_representative(partnership: Partnership, organisation_id: int,
                       membership_id: int) -> Representative:
    organisation = get_owned(Organisation, partnership, organisation_id)
    membership = get_owned(Membership, partnership, membership_id)
    if any(r.membership_id == membership.id for r in organisation.representatives):
        raise DomainError(f"{membership.user.name} already represents {organisation.name}.",
                          field="membership_id")
    representative = Representative(partnership_id=partnership.id,
                                    organisation_id=organisation.id, membership_id=membership.id)
    db.session.add(representative)
    db.session.commit()
    return representative


def remove_representative(partnership: Partnership, representative_id: int) -> None:
    db.session.delete(get_owned(Representative, partnership, representative_id))
    db.session.commit()
