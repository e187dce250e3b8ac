"""Dashboard fixtures: a hub with a lead, a teacher and a practitioner, and a second
partnership beside it whose people and records must never show in the hub's figures."""

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest

from tests.clock import FROZEN_NOW
from workspace.extensions import db
from workspace.models import Channel, CommonCoreArea
from workspace.models.audits import AgePhase, ArtForm, Priority
from workspace.models.cpd import Attendance, ClaimKind
from workspace.models.partnerships import Role, Sector
from workspace.models.progress import UnitStatus
from workspace.services.audits import records
from workspace.services.catalogue import items
from workspace.services.catalogue.seed import COMMON_CORE
from workspace.services.chat import messages
from workspace.services.cpd import logbook, resources, sessions, supply
from workspace.services.partnerships import membership
from workspace.services.progress import centres, tracking
from workspace.services.steering import actions

TODAY = FROZEN_NOW.date()  # Monday 23 November 2026: the autumn term
BEFORE = datetime(2026, 9, 1, tzinfo=UTC)  # when the autumn sessions were signed up for


def session_fields(title: str, day: date, capacity: int = 2, hours: str = "3") -> (
        sessions.SessionFields):
    return sessions.SessionFields(title=title, day=day, start=time(9, 30), end=time(12, 30),
                                  capacity=capacity, learning_hours=Decimal(hours))


def attend(partnership, network, lead, user, day: date, hours: str):
    """A past session the person attended (with a place taken before it)."""
    past = sessions.schedule_session(partnership, network, session_fields("Past day", day,
                                                                          hours=hours))
    booking = sessions.sign_up(past, user, BEFORE)
    sessions.mark_attendance(past, booking.id, Attendance.ATTENDED, lead, past.ends_at)
    return past


def network_channel(network) -> Channel:
    return db.session.query(Channel).filter_by(network_id=network.id).one()


@pytest.fixture
def qualification(app):
    """A qualification of three mandatory units, the first covering Common Core area 1."""
    make = lambda sid, title, **kw: items.create_item(None, sid, title=title, **kw)  # noqa
    qualification = make("Q3", "Level 3 Certificate in Creative Practice",
                         is_qualification=True, level=3)
    units = [make(f"Q3-U{n}", title, level=3) for n, title in
             enumerate(("Safeguarding children", "Reflective practice", "Planning sessions"), 1)]
    for unit in units:
        items.add_component(None, qualification, unit)
    areas = [CommonCoreArea(number=n, title=t) for n, t in enumerate(COMMON_CORE, 1)]
    db.session.add_all(areas)
    db.session.commit()
    items.set_areas(None, units[0], {areas[0].id})
    return qualification, units


@pytest.fixture
def world(make_user, make_partnership, add_member, qualification):
    lead = make_user(name="Lena Lead", email="lena@example.org")
    teacher = make_user(name="Tom Teacher", email="tom@example.org")
    practitioner = make_user(name="Pat Practitioner", email="pat@example.org")
    hub = make_partnership(lead=lead, name="Riverside Music Hub")
    add_member(hub, teacher)
    add_member(hub, practitioner)
    school = membership.add_organisation(hub, name="Riverside Primary", sector=Sector.SCHOOL,
                                       school_phase="primary")
    membership.add_organisation(hub, name="Northgate Primary", sector=Sector.SCHOOL,
                                school_phase="primary")
    membership.add_organisation(hub, name="Riverside Arts", sector=Sector.CULTURAL)

    network = sessions.create_network(hub, name="Primary music teachers", coordinator=lead)
    sessions.join_network(network, teacher)
    full = sessions.schedule_session(hub, network, session_fields("Singing day",
                                                                  date(2026, 12, 10)))
    for person in (lead, practitioner, teacher):  # two places: the teacher waits
        sessions.sign_up(full, person, FROZEN_NOW)
    sessions.schedule_session(hub, network, session_fields("Spring day", date(2027, 1, 14),
                                                           capacity=20))
    past = attend(hub, network, lead, teacher, date(2026, 10, 15), "5.5")
    supply.set_rates(hub, lead, day_pence=11000, half_day_pence=5500)
    supply.claim_supply(past, teacher, kind=ClaimKind.DAY)
    logbook.add_entry(teacher, date(2026, 9, 10), "Reading on singing", "2", today=TODAY)
    logbook.add_entry(teacher, date(2026, 8, 20), "Summer school", "6", today=TODAY)
    resources.add_link(network, lead, "Warm-ups", "", "https://example.org/warm-ups")
    messages.ensure_channels(hub)
    messages.post_message(network_channel(network), lead, "Welcome to the network")
    messages.post_message(messages.general_channel(hub), teacher, "Hello all")

    actions.create_action(hub, lead, actions.ActionFields(
        title="Book the hall", owner_id=lead.id, due_on=date(2026, 11, 1)))
    actions.create_action(hub, lead, actions.ActionFields(
        title="Write the newsletter", owner_id=teacher.id, due_on=date(2026, 12, 1)))
    audit = records.create_audit(hub, lead, records.AuditFields(
        title="Music provision 2026-27", period_start=date(2026, 9, 1),
        period_end=date(2027, 7, 31)), minimum_threshold=5)
    groups = records.list_target_groups(hub)
    records.add_need(audit, records.NeedFields(
        phase=AgePhase.KS2, art_form=ArtForm.MUSIC, ward="Northgate", priority=Priority.HIGH,
        target_group_id=groups[0].id, children=30))

    item, units = qualification
    enrolment = tracking.enrol(practitioner, item, TODAY)
    tracking.update_unit(practitioner, enrolment.id, units[0].id, status=UnitStatus.ACHIEVED,
                         achieved_on=date(2026, 10, 1))
    tracking.update_unit(practitioner, enrolment.id, units[2].id,
                         status=UnitStatus.IN_PROGRESS)
    centre = centres.create_centre(hub, school.id, item, window_months=24)
    centres.register(centre, practitioner, date(2026, 1, 5))

    other_lead = make_user(name="Olga Other", email="olga@example.org")
    other = make_partnership(lead=other_lead, name="North East Music Hub")
    for n in range(3):
        add_member(other, make_user(name=f"Outsider {n}"), Role.MEMBER)
    other_network = sessions.create_network(other, name="Secondary", coordinator=other_lead)
    other_day = sessions.schedule_session(other, other_network,
                                          session_fields("Their day", date(2026, 12, 3), 1))
    for m in other.memberships:
        sessions.sign_up(other_day, m.user, FROZEN_NOW)
    messages.post_message(messages.general_channel(other), other_lead, "Not for Riverside")
    return {"hub": hub, "lead": lead, "teacher": teacher, "practitioner": practitioner,
            "network": network, "full": full, "enrolment": enrolment, "units": units,
            "other": other, "other_lead": other_lead}
