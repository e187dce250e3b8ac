"""Networks of partnerships: forming one, inviting partnerships by link, leaving, and a
person's standing in a network (through the partnerships they belong to).

A person takes part in a network while one of their partnerships is a partner and not
suspended; what they may do there is asked of services/permissions with their `Standing`.
"""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from workspace.exceptions import DomainError, NotFound
from workspace.extensions import db
from workspace.models import (
    CpdSession,
    Membership,
    NetworkInvite,
    NetworkPartner,
    Partnership,
    PartnershipNetwork,
    User,
)
from workspace.models.cpd import SessionAudience
from workspace.models.partnerships import Role
from workspace.services import permissions
from workspace.services.notifications import notify
from workspace.services.partnerships.membership import authorise

INVITE_DAYS = 14


@dataclass(frozen=True)
class Standing:
    """A person's place in a network: their partnerships in it, and which of those they
    lead and which convene it."""

    network: PartnershipNetwork
    user_id: int
    partners: tuple[int, ...] = ()
    leads: tuple[int, ...] = ()
    convenes: tuple[int, ...] = field(default=())


def standing(user: User, network_id: int) -> Standing | None:
    """The person's standing, or None when the network does not exist or none of their
    (unsuspended) partnerships is in it: the network is then not given away."""
    network = db.session.get(PartnershipNetwork, network_id)
    if network is None or not user.is_authenticated:
        return None
    rows = db.session.execute(
        select(NetworkPartner.partnership_id, Membership.role, NetworkPartner.convenor)
        .join(Membership, Membership.partnership_id == NetworkPartner.partnership_id)
        .join(Partnership, Partnership.id == NetworkPartner.partnership_id)
        .where(NetworkPartner.network_id == network_id, Membership.user_id == user.id,
               Partnership.in_use())
        .order_by(NetworkPartner.partnership_id)).all()
    if not rows:
        return None
    leads = tuple(p for p, role, _ in rows if role == Role.LEAD)
    return Standing(network, user.id, tuple(p for p, _, _ in rows), leads,
                    tuple(p for p, role, convenor in rows if convenor and role == Role.LEAD))


def get_in(model, network: PartnershipNetwork, object_id: int):
    """A row of the network by id; NotFound when it belongs to another network."""
    obj = db.session.get(model, object_id)
    if obj is None or obj.network_id != network.id:
        raise NotFound()
    return obj


# --- forming a network --------------------------------------------------------------------


def create_network(partnership: Partnership, actor: User, *, name: str, theme: str = "",
                   description: str = "") -> PartnershipNetwork:
    """A lead forms a network; their partnership is its first partner and convenes it."""
    authorise(actor, partnership.id, permissions.is_lead)
    if not name.strip():
        raise DomainError("Give the network a name.", field="name")
    network = PartnershipNetwork(name=name.strip(), theme=theme.strip(),
                                 description=description.strip(), created_by_id=actor.id)
    db.session.add(network)
    db.session.flush()
    db.session.add(NetworkPartner(network_id=network.id, partnership_id=partnership.id,
                                  convenor=True))
    db.session.commit()
    return network


def update_network(network: PartnershipNetwork, *, name: str, theme: str,
                   description: str) -> None:
    if not name.strip():
        raise DomainError("Give the network a name.", field="name")
    network.name, network.theme = name.strip(), theme.strip()
    network.description = description.strip()
    db.session.commit()


@dataclass
class NetworkRow:
    network: PartnershipNetwork
    partners: list[Partnership]


def networks_of(user: User) -> list[NetworkRow]:
    """The networks the person takes part in, each with its partners, by name."""
    mine = (select(NetworkPartner.network_id)
            .join(Membership, Membership.partnership_id == NetworkPartner.partnership_id)
            .join(Partnership, Partnership.id == NetworkPartner.partnership_id)
            .where(Membership.user_id == user.id, Partnership.in_use()))
    rows = db.session.execute(
        select(PartnershipNetwork, Partnership)
        .join(NetworkPartner, NetworkPartner.network_id == PartnershipNetwork.id)
        .join(Partnership, Partnership.id == NetworkPartner.partnership_id)
        .where(PartnershipNetwork.id.in_(mine))
        .order_by(PartnershipNetwork.name, PartnershipNetwork.id, Partnership.name)).all()
    found: dict[int, NetworkRow] = {}
    for network, partnership in rows:
        found.setdefault(network.id, NetworkRow(network, [])).partners.append(partnership)
    return list(found.values())


def networks_of_partnership(partnership: Partnership) -> list[PartnershipNetwork]:
    return list(db.session.scalars(
        select(PartnershipNetwork).join(NetworkPartner)
        .where(NetworkPartner.partnership_id == partnership.id)
        .order_by(PartnershipNetwork.name)))


def partners(network: PartnershipNetwork) -> list[NetworkPartner]:
    return list(db.session.scalars(
        select(NetworkPartner).join(NetworkPartner.partnership)
        .options(contains_eager(NetworkPartner.partnership))
        .where(NetworkPartner.network_id == network.id)
        .order_by(NetworkPartner.convenor.desc(), Partnership.name)))


def is_partner(network_id: int, partnership_id: int) -> bool:
    return db.session.scalar(select(NetworkPartner.id).where(
        NetworkPartner.network_id == network_id,
        NetworkPartner.partnership_id == partnership_id)) is not None


def _leads_of(partnership_ids) -> list[User]:
    """The leads of these partnerships (ids, or a select of them)."""
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.partnership_id.in_(partnership_ids), Membership.role == Role.LEAD)
        .distinct().order_by(User.id)))


def leads_of_partners(network: PartnershipNetwork) -> list[User]:
    """The leads of every partner that is not suspended."""
    return _leads_of(select(NetworkPartner.partnership_id)
                     .join(Partnership, Partnership.id == NetworkPartner.partnership_id)
                     .where(NetworkPartner.network_id == network.id, Partnership.in_use()))


def _convenor_ids(network: PartnershipNetwork) -> list[int]:
    return list(db.session.scalars(select(NetworkPartner.partnership_id).where(
        NetworkPartner.network_id == network.id, NetworkPartner.convenor.is_(True))))


# --- invitations ----------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_invite(network: PartnershipNetwork, actor: User, note: str,
                  now: datetime) -> tuple[NetworkInvite, str]:
    """A link for one partnership to join, valid for INVITE_DAYS; the token is returned
    once (only its hash is kept), for the convenor to send to the other lead."""
    token = secrets.token_urlsafe(24)
    invite = NetworkInvite(network_id=network.id, token_hash=_hash(token), note=note.strip(),
                           created_by_id=actor.id, created_at=now,
                           expires_at=now + timedelta(days=INVITE_DAYS))
    db.session.add(invite)
    db.session.commit()
    return invite, token


def open_invites(network: PartnershipNetwork, now: datetime) -> list[NetworkInvite]:
    return list(db.session.scalars(select(NetworkInvite).where(
        NetworkInvite.network_id == network.id, NetworkInvite.used_at.is_(None),
        NetworkInvite.revoked_at.is_(None), NetworkInvite.expires_at > now)
        .order_by(NetworkInvite.created_at.desc())))


def revoke_invite(network: PartnershipNetwork, invite_id: int, now: datetime) -> None:
    invite = get_in(NetworkInvite, network, invite_id)
    if invite.used_at is None and invite.revoked_at is None:
        invite.revoked_at = now
    db.session.commit()


def invite_by_token(token: str, now: datetime) -> NetworkInvite:
    """The invitation the link names, if it can still be used; else a DomainError that
    says why (an unknown token is not found)."""
    invite = db.session.scalar(select(NetworkInvite).where(
        NetworkInvite.token_hash == _hash(token)))
    if invite is None:
        raise NotFound()
    if invite.used_at is not None:
        raise DomainError("This invitation has been used: ask the network's convenor for "
                          "a new one.")
    if invite.revoked_at is not None or invite.expires_at <= now:
        raise DomainError("This invitation has expired or was withdrawn: ask the network's "
                          "convenor for a new one.")
    return invite


def accept_invite(token: str, partnership: Partnership, actor: User,
                  now: datetime) -> NetworkPartner:
    """A lead brings their partnership into the network; the convenors' leads are told."""
    authorise(actor, partnership.id, permissions.is_lead)
    invite = invite_by_token(token, now)
    network = invite.network
    if is_partner(network.id, partnership.id):
        raise DomainError(f"{partnership.name} is already in {network.name}.",
                          field="partnership")
    claimed = db.session.execute(
        update(NetworkInvite).where(NetworkInvite.id == invite.id,
                                    NetworkInvite.used_at.is_(None))
        .values(used_at=now, used_by_partnership_id=partnership.id)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:  # two leads with the same link at once: the first wins
        db.session.rollback()
        raise DomainError("This invitation has been used: ask the network's convenor for "
                          "a new one.")
    partner = NetworkPartner(network_id=network.id, partnership_id=partnership.id,
                             joined_at=now)
    db.session.add(partner)
    try:
        db.session.flush()
    except IntegrityError:  # the same partnership, by two links at once: the first wins
        db.session.rollback()
        raise DomainError(f"{partnership.name} is already in {network.name}.",
                          field="partnership") from None
    for lead in _leads_of(_convenor_ids(network)):
        notify(lead, "network_joined", f"{partnership.name} joined {network.name}",
               f"{partnership.name} accepted your invitation and is now a partner in "
               f"{network.name}.", link=f"/networks/{network.id}")
    db.session.commit()
    return partner


# --- leaving --------------------------------------------------------------------------------


def remove_partner(network: PartnershipNetwork, partner_id: int, who: Standing) -> None:
    """A partner's lead takes it out, or a convenor removes it (by the rule of
    `permissions.why_not_remove_partner`). Its sessions open to the network close to
    it again; places already booked stay booked."""
    partner = get_in(NetworkPartner, network, partner_id)
    refusal = permissions.why_not_remove_partner(who, partner)
    if refusal:
        raise DomainError(refusal)
    db.session.execute(
        update(CpdSession).where(CpdSession.partnership_id == partner.partnership_id,
                                 CpdSession.audience_network_id == network.id)
        .values(audience=SessionAudience.PARTNERSHIP, audience_network_id=None)
        .execution_options(synchronize_session=False))
    db.session.delete(partner)
    db.session.flush()
    if not _convenor_ids(network):  # the last convenor left: the longest-standing partner
        successor = db.session.scalar(select(NetworkPartner).where(
            NetworkPartner.network_id == network.id)
            .order_by(NetworkPartner.joined_at, NetworkPartner.id).limit(1))
        if successor is not None:
            successor.convenor = True
    db.session.commit()
