"""Supply-cover contributions: a partnership's rates, attendees' claims, leads' decisions,
totals and the CSV export.

A person whose booking on a session is marked attended may claim once for that booking, for a
full day or a half day; the amount is the partnership's rate for that kind when they claim,
and it stays on the claim if the rates change later. A lead approves or declines a pending
claim once (a conditional update, so two leads deciding at once cannot both win) and the
claimant is told; nobody decides a claim on their own attendance
(`permissions.why_not_decide_supply_claim`). Totals count approved claims only.

Terms follow the English school year: Autumn = September to December, Spring = January to
March, Summer = April to August, named with the calendar year they fall in ("Autumn 2026",
"Spring 2027"). A session belongs to the term of its start date in its own time zone.
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from workspace.exceptions import DomainError
from workspace.extensions import db
from workspace.infra.spreadsheet import safe_cell
from workspace.models import Booking, CpdSession, Partnership, SupplyClaim, SupplyRate, User
from workspace.models.cpd import Attendance, BookingStatus, ClaimKind, ClaimStatus
from workspace.services import permissions
from workspace.services.cpd.sessions import booking_of, session_path
from workspace.services.notifications import notify
from workspace.services.partnerships.membership import authorise, get_owned

MAX_RATE_PENCE = 1_000_000  # £10,000: far above any real day rate, well inside an INTEGER
NOTE_MAX = 500

# --- money and terms -----------------------------------------------------------------------


def pounds(pence: int) -> str:
    """Pence as pounds with two decimals and no symbol: 11000 → "110.00"."""
    return f"{Decimal(pence) / 100:.2f}"


@dataclass(frozen=True, order=True)
class Term:
    starts: date  # first day of the term: orders terms in time
    name: str


def term_of_day(day: date) -> Term:
    if day.month >= 9:
        return Term(date(day.year, 9, 1), f"Autumn {day.year}")
    if day.month >= 4:
        return Term(date(day.year, 4, 1), f"Summer {day.year}")
    return Term(date(day.year, 1, 1), f"Spring {day.year}")


def local_day(cpd_session: CpdSession) -> date:
    return cpd_session.starts_at.astimezone(ZoneInfo(cpd_session.timezone)).date()


def term_of(cpd_session: CpdSession) -> Term:
    return term_of_day(local_day(cpd_session))


# --- rates ---------------------------------------------------------------------------------


def _require_lead(partnership: Partnership, actor: User) -> None:
    authorise(actor, partnership.id, permissions.may_run_supply)


def _rates(partnership_id: int) -> SupplyRate:
    rates = db.session.scalar(select(SupplyRate).where(
        SupplyRate.partnership_id == partnership_id))
    return rates or SupplyRate(partnership_id=partnership_id, day_pence=0, half_day_pence=0)


def get_rates(partnership: Partnership) -> SupplyRate:
    """The partnership's rates; an unsaved row of zeros (id None) when never set."""
    return _rates(partnership.id)


def rates_of(cpd_session: CpdSession) -> SupplyRate:
    """The rates of the partnership that runs the session (its guests' claims use them)."""
    return _rates(cpd_session.partnership_id)


def _check_rate(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError("Enter an amount in pounds and pence.", field=field)
    if not 0 <= value <= MAX_RATE_PENCE:
        raise DomainError(f"Enter an amount from £0 to £{pounds(MAX_RATE_PENCE)}.", field=field)
    return value


def set_rates(partnership: Partnership, actor: User, *, day_pence: int,
              half_day_pence: int) -> SupplyRate:
    """Set what the partnership contributes per day and per half-day (pence, 0 = nothing)."""
    _require_lead(partnership, actor)
    day = _check_rate(day_pence, "day")
    half = _check_rate(half_day_pence, "half_day")
    for _attempt in range(2):  # a second lead may create the row at the same moment
        rates = get_rates(partnership)
        rates.day_pence, rates.half_day_pence = day, half
        db.session.add(rates)
        try:
            db.session.commit()
            return rates
        except IntegrityError:
            db.session.rollback()
    raise DomainError("The rates changed while you were saving them. Please try again.")


def rate_for(rates: SupplyRate, kind: ClaimKind) -> int:
    return rates.day_pence if kind == ClaimKind.DAY else rates.half_day_pence


# --- claims --------------------------------------------------------------------------------


def claim_for(booking: Booking | None) -> SupplyClaim | None:
    """The claim made for this booking, if any (for the session page's claim card)."""
    if booking is None or booking.id is None:
        return None
    return db.session.scalar(select(SupplyClaim).where(SupplyClaim.booking_id == booking.id))


def may_claim(booking: Booking | None) -> bool:
    return (booking is not None and booking.status == BookingStatus.BOOKED
            and booking.attendance == Attendance.ATTENDED)


def claim_supply(cpd_session: CpdSession, user: User, *, kind: ClaimKind,
                 note: str = "") -> SupplyClaim:
    """Claim a contribution to supply cover for a session the person attended."""
    booking = booking_of(cpd_session, user)
    if not may_claim(booking):
        raise DomainError("Only people marked as attending this session can claim.")
    if claim_for(booking) is not None:
        raise DomainError("You have already claimed for this session.")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise DomainError(f"Keep the note to {NOTE_MAX} characters.", field="note")
    amount = rate_for(_rates(cpd_session.partnership_id), kind)
    if amount <= 0:
        raise DomainError(f"The partnership does not contribute to supply cover for a "
                          f"{kind.label.lower()}.", field="kind")
    claim = SupplyClaim(partnership_id=cpd_session.partnership_id, booking_id=booking.id,
                        kind=kind, amount_pence=amount, note=note)
    db.session.add(claim)
    try:
        db.session.commit()
    except IntegrityError:  # the same person, twice at once: the unique booking wins
        db.session.rollback()
        raise DomainError("You have already claimed for this session.") from None
    return claim


def _decide(partnership: Partnership, supply_claim_id: int, actor: User,
            status: ClaimStatus, now: datetime) -> SupplyClaim:
    membership = authorise(actor, partnership.id, permissions.may_run_supply)
    claim = get_owned(SupplyClaim, partnership, supply_claim_id)
    refusal = permissions.why_not_decide_supply_claim(membership, claim)
    if refusal:
        raise DomainError(refusal)
    decided = db.session.execute(
        update(SupplyClaim)
        .where(SupplyClaim.id == claim.id, SupplyClaim.status == ClaimStatus.PENDING)
        .values(status=status, decided_by_id=actor.id, decided_at=now)
        .execution_options(synchronize_session=False))
    if decided.rowcount != 1:
        db.session.rollback()
        db.session.refresh(claim)
        raise DomainError(f"This claim has already been {claim.status.value}.")
    db.session.refresh(claim)
    _tell_claimant(claim)
    db.session.commit()
    return claim


def _tell_claimant(claim: SupplyClaim) -> None:
    cpd_session = claim.booking.session
    verb = "approved" if claim.status == ClaimStatus.APPROVED else "declined"
    notify(claim.booking.user, f"supply_claim_{verb}",
           f"Supply cover {verb}: {cpd_session.title}",
           f"Your supply-cover claim for {cpd_session.title} ({claim.kind.label.lower()}, "
           f"£{pounds(claim.amount_pence)}) has been {verb}.",
           link=session_path(cpd_session, claim.booking), partnership_id=claim.partnership_id)


def approve_claim(partnership: Partnership, supply_claim_id: int, actor: User,
                  now: datetime) -> SupplyClaim:
    return _decide(partnership, supply_claim_id, actor, ClaimStatus.APPROVED, now)


def decline_claim(partnership: Partnership, supply_claim_id: int, actor: User,
                  now: datetime) -> SupplyClaim:
    return _decide(partnership, supply_claim_id, actor, ClaimStatus.DECLINED, now)


def _claims_query(partnership: Partnership):
    return (select(SupplyClaim).join(SupplyClaim.booking).join(Booking.session)
            .options(selectinload(SupplyClaim.booking).selectinload(Booking.user),
                     selectinload(SupplyClaim.booking).selectinload(Booking.session)
                     .selectinload(CpdSession.network),
                     selectinload(SupplyClaim.decided_by))
            .where(SupplyClaim.partnership_id == partnership.id))


def list_claims(partnership: Partnership,
                status: ClaimStatus | None = None) -> list[SupplyClaim]:
    """Claims oldest first (the queue to decide), optionally with one status."""
    stmt = _claims_query(partnership).order_by(SupplyClaim.created_at, SupplyClaim.id)
    if status is not None:
        stmt = stmt.where(SupplyClaim.status == status)
    return list(db.session.scalars(stmt))


def pending_count(partnership: Partnership) -> int:
    return db.session.scalar(select(func.count(SupplyClaim.id)).where(
        SupplyClaim.partnership_id == partnership.id,
        SupplyClaim.status == ClaimStatus.PENDING))


def get_claim(partnership: Partnership, supply_claim_id: int) -> SupplyClaim:
    return get_owned(SupplyClaim, partnership, supply_claim_id)


# --- totals --------------------------------------------------------------------------------


@dataclass
class Total:
    label: str
    claims: int
    pence: int
    cpd_session: CpdSession | None = None

    @property
    def pounds(self) -> str:
        return pounds(self.pence)


@dataclass
class Totals:
    """Approved claims summed per session, per network and per term, and overall."""

    sessions: list[Total]
    networks: list[Total]
    terms: list[Total]
    overall: Total


def _add(totals: dict, key, label: str, claims: int, pence: int) -> None:
    total = totals.setdefault(key, Total(label, 0, 0))
    total.claims += claims
    total.pence += pence


def totals(partnership: Partnership) -> Totals:
    rows = db.session.execute(
        select(CpdSession, func.count(SupplyClaim.id), func.sum(SupplyClaim.amount_pence))
        .join(Booking, Booking.session_id == CpdSession.id)
        .join(SupplyClaim, SupplyClaim.booking_id == Booking.id)
        .options(selectinload(CpdSession.network))
        .where(CpdSession.partnership_id == partnership.id,
               SupplyClaim.status == ClaimStatus.APPROVED)
        .group_by(CpdSession.id).order_by(CpdSession.starts_at, CpdSession.id)).all()
    networks: dict = {}
    terms: dict = {}
    sessions = []
    for cpd_session, count, pence in rows:
        pence = int(pence)
        sessions.append(Total(cpd_session.title, count, pence, cpd_session))
        network = cpd_session.network
        _add(networks, (network.name, network.id), network.name, count, pence)
        term = term_of(cpd_session)
        _add(terms, term, term.name, count, pence)
    overall = Total("All approved claims", sum(t.claims for t in sessions),
                    sum(t.pence for t in sessions))
    return Totals(sessions, [networks[k] for k in sorted(networks)],
                  [terms[k] for k in sorted(terms)], overall)


# --- CSV -----------------------------------------------------------------------------------

CSV_COLUMNS = ["Row", "Term", "Network", "Session", "Session date", "Claimant", "Email",
               "Kind", "Note", "Decided by", "Decided on", "Claims", "Amount (GBP)"]
def _row(kind: str, *, term: str = "", network: str = "", title: str = "", day: str = "",
         claimant: str = "", email: str = "", claim_kind: str = "", note: str = "",
         decided_by: str = "", decided_on: str = "", claims: int | str = "",
         pence: int = 0) -> list[str]:
    text = [term, network, title, day, claimant, email, claim_kind, note, decided_by,
            decided_on]
    return [kind, *(safe_cell(t) for t in text), str(claims), pounds(pence)]


def _claim_rows(claims: Iterable[SupplyClaim]) -> list[list[str]]:
    rows = []
    for claim in claims:
        s, who = claim.booking.session, claim.booking.user
        decided = claim.decided_at.astimezone(ZoneInfo(s.timezone)).date().isoformat() \
            if claim.decided_at else ""
        rows.append(_row("Claim", term=term_of(s).name, network=s.network.name, title=s.title,
                         day=local_day(s).isoformat(), claimant=who.name,
                         # a guest's address is not the host's to hold (their name is enough)
                         email="" if claim.booking.booked_as_guest else who.email,
                         claim_kind=claim.kind.label, note=claim.note,
                         decided_by=claim.decided_by.name if claim.decided_by else "",
                         decided_on=decided, claims=1, pence=claim.amount_pence))
    return rows


def _total_rows(summary: Totals) -> list[list[str]]:
    rows = [_row("Session total", term=term_of(t.cpd_session).name,
                 network=t.cpd_session.network.name, title=t.label,
                 day=local_day(t.cpd_session).isoformat(), claims=t.claims, pence=t.pence)
            for t in summary.sessions]
    rows += [_row("Network total", network=t.label, claims=t.claims, pence=t.pence)
             for t in summary.networks]
    rows += [_row("Term total", term=t.label, claims=t.claims, pence=t.pence)
             for t in summary.terms]
    rows.append(_row("Grand total", claims=summary.overall.claims, pence=summary.overall.pence))
    return rows


def export_csv(partnership: Partnership) -> str:
    """Approved claims as CSV: one table whose first column, "Row", says what each row is.

    "Claim" rows come first (one per approved claim, by session date then claimant), then
    "Session total", "Network total" and "Term total" rows and one "Grand total". Amounts are
    pounds with two decimals. Filter the "Row" column to "Claim" before summing in a
    spreadsheet: each total row repeats the claims it sums.
    """
    approved = sorted(list_claims(partnership, ClaimStatus.APPROVED),
                      key=lambda c: (c.booking.session.starts_at, c.booking.session.id,
                                     c.booking.user.name.lower(), c.id))
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_claim_rows(approved))
    writer.writerows(_total_rows(totals(partnership)))
    return out.getvalue()
