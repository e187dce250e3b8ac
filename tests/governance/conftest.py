"""Governance fixtures: the steering area's hub with a lead, a steering member and a plain
member; and a year's worth of logged activity for the annual review."""

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest

from tests.steering.conftest import hub, lead, member, steer  # noqa: F401  (fixtures)
from workspace.models.audits import AgePhase, ArtForm, Priority
from workspace.models.cpd import Attendance
from workspace.models.partnerships import Sector
from workspace.models.steering import ActionStatus
from workspace.services.audits import records
from workspace.services.cpd import sessions
from workspace.services.partnerships import membership as partnerships
from workspace.services.steering import actions

IN_YEAR = datetime(2026, 3, 2, 12, tzinfo=UTC)  # inside the school year 2025/26


def _session(partnership, network, title: str, day: date):
    return sessions.schedule_session(partnership, network, sessions.SessionFields(
        title=title, day=day, start=time(9), end=time(15), capacity=10,
        learning_hours=Decimal("5")))


@pytest.fixture
def logged(hub, lead, steer, member):  # noqa: F811  (the fixtures imported above)
    """What the hub logged: sessions inside and outside 2025/26 with bookings and a register,
    organisations in two sectors, an audit whose provision reaches 3 children, actions done
    in the year (one from an audit gap) and one still open."""
    network = sessions.create_network(hub, name="Primary music", coordinator=lead)
    held = _session(hub, network, "Autumn day", date(2025, 10, 8))
    second = _session(hub, network, "Spring day", date(2026, 2, 4))
    before = _session(hub, network, "Last summer", date(2025, 7, 1))
    signed_up = datetime(2025, 6, 1, tzinfo=UTC)
    for cpd_session in (held, second, before):
        for person in (steer, member):
            booking = sessions.sign_up(cpd_session, person, signed_up)
            if cpd_session is not second or person is steer:
                sessions.mark_attendance(cpd_session, booking.id, Attendance.ATTENDED, lead,
                                         cpd_session.ends_at)
    for name, sector in (("Riverside Primary", Sector.SCHOOL), ("Hill Primary", Sector.SCHOOL),
                         ("Town Theatre", Sector.CULTURAL)):
        partnerships.add_organisation(hub, name=name, sector=sector,
                                      school_phase="Primary" if sector == Sector.SCHOOL else None)
    audit = records.create_audit(hub, lead, records.AuditFields(
        "Music audit 2025/26", date(2025, 9, 1), date(2026, 7, 31)), minimum_threshold=5)
    records.add_provision(audit, lead, records.ProvisionFields(
        "Town Theatre", "Drama club", ArtForm.DRAMA, AgePhase.KS2, "Riverside",
        children_reached=3))
    records.add_need(audit, records.NeedFields(AgePhase.KS3, ArtForm.DRAMA,
                                               "Riverside", Priority.HIGH))
    lead_membership = partnerships.find_membership(hub.id, lead)
    gap_action = actions.create_action(hub, lead, actions.ActionFields("Secondary drama pilot"),
                                       cell=actions.GapCell(audit=audit))
    done = actions.create_action(hub, lead, actions.ActionFields("Agree the music plan"))
    actions.create_action(hub, lead, actions.ActionFields("Still to do"))
    for action in (gap_action, done):
        actions.set_status(action, lead_membership, ActionStatus.DONE, IN_YEAR)
    return {"network": network, "audit": audit}
