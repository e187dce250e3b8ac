"""The directory: partnerships that choose to be listed (kind, place, lead organisation, the
sectors of their member organisations, what they offer), and people who ask to join one
through the workspace, without anyone's email address being shown either way."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from workspace.exceptions import DomainError, NotFound
from workspace.extensions import db
from workspace.models import JoinRequest, Membership, Organisation, Partnership, User
from workspace.models.partnerships import JoinOutcome, PartnershipKind, Role, Sector
from workspace.services.notifications import notify
from workspace.services.partnerships import membership as partnerships

OFFER_MAX = 2000
MESSAGE_MAX = 1000
PER_PAGE = 50


@dataclass
class Entry:
    partnership: Partnership
    sectors: list[Sector]


def set_listing(partnership: Partnership, listed: bool, offer: str) -> None:
    """List the partnership in the directory (or take it out), with what it offers."""
    offer = (offer or "").strip()
    if len(offer) > OFFER_MAX:
        raise DomainError(f"Keep what you offer to {OFFER_MAX} characters.", field="offer")
    if listed and not offer:
        raise DomainError("Say what the partnership offers people who join, for the "
                          "directory.", field="offer")
    partnership.listed, partnership.offer = listed, offer
    db.session.commit()


def _listed():
    return select(Partnership).where(Partnership.listed.is_(True), Partnership.in_use())


def entries(words: str = "", kind: PartnershipKind | None = None,
            page: int = 1) -> tuple[list[Entry], int]:
    """Listed partnerships matching the words (name, place, lead organisation, offer) and
    kind, by name, a page at a time; and how many match in all."""
    query = _listed()
    for word in (words or "").split()[:8]:
        like = f"%{word.lower()}%"
        query = query.where(or_(*(func.lower(column).like(like) for column in (
            Partnership.name, Partnership.place, Partnership.lead_organisation,
            Partnership.offer))))
    if kind is not None:
        query = query.where(Partnership.kind == kind)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    found = list(db.session.scalars(query.order_by(Partnership.name, Partnership.id)
                                    .limit(PER_PAGE).offset((max(page, 1) - 1) * PER_PAGE)))
    return _with_sectors(found), total


def entry(partnership: Partnership) -> Entry:
    """One listed partnership as the directory shows it."""
    return _with_sectors([partnership])[0]


def _with_sectors(found: list[Partnership]) -> list[Entry]:
    """The partnerships with the sectors of their member organisations, in one query."""
    sectors: dict[int, set[Sector]] = {p.id: set() for p in found}
    for partnership_id, sector in db.session.execute(
            select(Organisation.partnership_id, Organisation.sector).distinct()
            .where(Organisation.partnership_id.in_(sectors))):
        sectors[partnership_id].add(sector)
    return [Entry(p, sorted(sectors[p.id], key=lambda s: s.label)) for p in found]


def listed_partnership(partnership_id: int) -> Partnership:
    """A partnership in the directory; NotFound for any other (unlisted, suspended, none)."""
    partnership = db.session.scalar(_listed().where(Partnership.id == partnership_id))
    if partnership is None:
        raise NotFound()
    return partnership


def pending_request(partnership: Partnership, user: User) -> JoinRequest | None:
    return db.session.scalar(select(JoinRequest).where(
        JoinRequest.partnership_id == partnership.id, JoinRequest.user_id == user.id,
        JoinRequest.outcome == JoinOutcome.PENDING))


def ask_to_join(partnership_id: int, user: User, message: str) -> JoinRequest:
    """Ask a listed partnership's leads to let the person in; they are told in the app and by
    email, with the person's name and message (not their address)."""
    partnership = listed_partnership(partnership_id)
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX:
        raise DomainError(f"Keep the message to {MESSAGE_MAX} characters.", field="message")
    if partnerships.find_membership(partnership.id, user) is not None:
        raise DomainError(f"You are already a member of {partnership.name}.")
    if pending_request(partnership, user) is not None:
        raise DomainError(f"You have asked to join {partnership.name} already: its leads "
                          "will answer.")
    request = JoinRequest(partnership_id=partnership.id, user_id=user.id, message=message)
    db.session.add(request)
    for lead in _leads(partnership):
        notify(lead, "join_request", f"{user.name} asks to join {partnership.name}",
               f"{user.name} found {partnership.name} in the directory and asks to join."
               + (f" Their message: “{message}”" if message else ""),
               link=f"/p/{partnership.id}/join-requests", partnership_id=partnership.id)
    db.session.commit()
    return request


def _leads(partnership: Partnership) -> list[User]:
    return list(db.session.scalars(select(User).join(Membership).where(
        Membership.partnership_id == partnership.id, Membership.role == Role.LEAD)))


def open_requests(partnership: Partnership) -> list[JoinRequest]:
    return list(db.session.scalars(
        select(JoinRequest).where(JoinRequest.partnership_id == partnership.id,
                                  JoinRequest.outcome == JoinOutcome.PENDING)
        .order_by(JoinRequest.created_at, JoinRequest.id)))


def decide(partnership: Partnership, request_id: int, actor: User, accept: bool,
           now: datetime) -> JoinRequest:
    """A lead lets the person in as a member, or declines; the person is told either way."""
    request = partnerships.get_owned(JoinRequest, partnership, request_id)
    if request.outcome != JoinOutcome.PENDING:
        raise DomainError("This request has been answered already.")
    request.outcome = JoinOutcome.ACCEPTED if accept else JoinOutcome.DECLINED
    request.decided_at, request.decided_by_id = now, actor.id
    if accept and partnerships.find_membership(partnership.id, request.user) is None:
        partnerships.add_member(partnership, request.user, Role.MEMBER, actor)
    notify(request.user, "join_answer",
           f"{partnership.name}: {'welcome' if accept else 'your request'}",
           f"{partnership.name} has let you in as a member." if accept else
           f"{partnership.name} has declined your request to join.",
           link=f"/p/{partnership.id}/" if accept else "/directory",
           partnership_id=partnership.id if accept else None)
    db.session.commit()
    return request
