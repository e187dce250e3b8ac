"""For your role: each qualification the catalogue attaches to the person's job role, with why
(a source names it for the role, or the catalogue editors suggest it), its units and their
hours as sourced, the Common Core areas it covers and those not yet judged, and the upcoming
CPD sessions in the person's partnerships that deliver one of its units."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from workspace.extensions import db
from workspace.models import (
    Basis,
    CatalogueItem,
    CommonCoreArea,
    CpdSession,
    ItemRole,
    JobRole,
    Membership,
    SessionModule,
    User,
)
from workspace.models.cpd import SessionStatus
from workspace.services.catalogue import items as catalogue
from workspace.services.catalogue.coverage import AreaState, Coverage, coverage_of


@dataclass
class RoleStep:
    item: CatalogueItem
    role: JobRole
    basis: Basis
    units: list[catalogue.Part] = field(default_factory=list)
    coverage: Coverage = field(default_factory=Coverage)
    sessions: list[CpdSession] = field(default_factory=list)

    @property
    def reason(self) -> str:
        if self.basis is Basis.SOURCE:
            return f"A source names it for the role {self.role.name}."
        return f"The catalogue editors suggest it for {self.role.name} (their judgement)."

    def covered(self, areas: list[CommonCoreArea]) -> list[CommonCoreArea]:
        return [a for a in areas if self.coverage.state(a.number) is AreaState.COVERED]

    def not_judged(self, areas: list[CommonCoreArea]) -> list[CommonCoreArea]:
        return [a for a in areas if self.coverage.state(a.number) is AreaState.NOT_JUDGED]


def _sessions(user: User, unit_ids: set[int], now: datetime) -> dict[int, list[CpdSession]]:
    """Upcoming sessions in the person's partnerships, by the unit they deliver."""
    by_unit: dict[int, list[CpdSession]] = {}
    # Joined to the person's memberships, the database starts from their partnerships'
    # sessions; asked `partnership_id IN (...)` beside many units, SQLite walked every
    # upcoming session of the site by date.
    rows = db.session.execute(
        select(SessionModule.item_id, CpdSession)
        .join(CpdSession, CpdSession.id == SessionModule.session_id)
        .join(Membership, (Membership.partnership_id == CpdSession.partnership_id)
              & (Membership.user_id == user.id))
        .options(selectinload(CpdSession.network))
        .where(SessionModule.item_id.in_(unit_ids or {0}),
               CpdSession.status == SessionStatus.SCHEDULED, CpdSession.starts_at > now)
        .order_by(CpdSession.starts_at))
    for unit_id, cpd_session in rows:
        by_unit.setdefault(unit_id, []).append(cpd_session)
    return by_unit


def role_steps(user: User, role: JobRole, items: list[CatalogueItem],
               now: datetime) -> list[RoleStep]:
    """The detail of each of `items` (qualifications open to the person for `role`), in a
    fixed number of queries however many there are."""
    ids = [i.id for i in items]
    bases = dict(db.session.execute(select(ItemRole.item_id, ItemRole.basis).where(
        ItemRole.job_role_id == role.id, ItemRole.item_id.in_(ids or [0]))).all())
    units, coverage = catalogue.parts_of(ids), coverage_of(ids)
    sessions = _sessions(user, {c.child_id for parts in units.values() for c in parts}, now)
    steps = []
    for item in items:
        helping = {s.id: s for c in units[item.id] for s in sessions.get(c.child_id, [])}
        steps.append(RoleStep(item, role, bases.get(item.id, Basis.EDITORIAL), units[item.id],
                              coverage.get(item.id, Coverage(0, 0)),
                              sorted(helping.values(), key=lambda s: s.starts_at)))
    return steps


def for_profile(user: User, role: JobRole | None, items: list[CatalogueItem],
                now: datetime) -> list[RoleStep]:
    """The steps for the person's chosen role; none before they choose one."""
    return role_steps(user, role, items, now) if role is not None else []
