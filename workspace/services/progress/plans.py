"""The initial self-assessment and personal action plan: for each unit of a qualification
the person is enrolled on, how confident they are against it to begin with (confident,
partly, not yet), the training and support they need, and CPD sessions of their
partnerships that serve it."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from workspace.exceptions import DomainError, NotFound
from workspace.extensions import db
from workspace.models import (
    Component,
    CpdSession,
    Enrolment,
    Membership,
    SessionModule,
    UnitPlan,
    User,
)
from workspace.models.catalogue import CatalogueItem
from workspace.models.centres import Confidence
from workspace.models.cpd import SessionStatus

SUPPORT_MAX = 2000


@dataclass
class PlanRow:
    unit: CatalogueItem
    plan: UnitPlan | None
    delivering: set[int]  # ids of offered sessions that deliver this unit

    @property
    def confidence(self) -> Confidence | None:
        return self.plan.confidence if self.plan else None

    @property
    def session_ids(self) -> set[int]:
        return {s.id for s in self.plan.sessions} if self.plan else set()


def session_choices(user: User, now: datetime) -> list[CpdSession]:
    """Scheduled sessions still to come in the person's partnerships, soonest first."""
    partnerships = select(Membership.partnership_id).where(Membership.user_id == user.id)
    return list(db.session.scalars(
        select(CpdSession).where(CpdSession.partnership_id.in_(partnerships),
                                 CpdSession.status == SessionStatus.SCHEDULED,
                                 CpdSession.starts_at > now)
        .order_by(CpdSession.starts_at).limit(200)))


def _units(enrolment: Enrolment) -> list[CatalogueItem]:
    return list(db.session.scalars(
        select(CatalogueItem).join(Component, Component.child_id == CatalogueItem.id)
        .where(Component.parent_id == enrolment.item_id)
        .order_by(Component.position, Component.id)))


def plan_rows(enrolment: Enrolment, offered: list[CpdSession]) -> list[PlanRow]:
    units = _units(enrolment)
    plans = {p.item_id: p for p in db.session.scalars(
        select(UnitPlan).options(selectinload(UnitPlan.sessions))
        .where(UnitPlan.enrolment_id == enrolment.id))}
    delivering: dict[int, set[int]] = {}
    for session_id, item_id in db.session.execute(
            select(SessionModule.session_id, SessionModule.item_id).where(
                SessionModule.session_id.in_([s.id for s in offered] or [0]),
                SessionModule.item_id.in_([u.id for u in units] or [0]))):
        delivering.setdefault(item_id, set()).add(session_id)
    return [PlanRow(u, plans.get(u.id), delivering.get(u.id, set())) for u in units]


def save_unit_plan(enrolment: Enrolment, unit_id: int, *, confidence: Confidence | None,
                   support: str, session_ids: set[int], offered: list[CpdSession]) -> UnitPlan:
    """Record the self-assessment and plan for one unit; sessions must be among `offered`
    (sessions already linked stay allowed once they have passed)."""
    if unit_id not in {u.id for u in _units(enrolment)}:
        raise NotFound()
    if len(support.strip()) > SUPPORT_MAX:
        raise DomainError(f"Keep it under {SUPPORT_MAX} characters.", field="support")
    plan = db.session.scalar(select(UnitPlan).where(UnitPlan.enrolment_id == enrolment.id,
                                                    UnitPlan.item_id == unit_id))
    plan = plan or UnitPlan(enrolment_id=enrolment.id, item_id=unit_id, sessions=[])
    allowed = {s.id: s for s in offered} | {s.id: s for s in plan.sessions}
    if not session_ids <= set(allowed):
        raise DomainError("Choose sessions from the list.", field="sessions")
    plan.confidence, plan.support = confidence, support.strip()
    plan.sessions = sorted((allowed[i] for i in session_ids), key=lambda s: s.starts_at)
    db.session.add(plan)
    db.session.commit()
    return plan
