"""The demo that `flask seed` loads tells a true story: sessions only on school days in the
term table, a persona login that works for each, an audit report that counts the schools that
answered, chat that matches the bookings, and practitioners part-way through a qualification."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from workspace.clock import london_today, utcnow
from workspace.extensions import db
from workspace.models.audits import Need
from workspace.models.chat import Message
from workspace.models.cpd import Attendance, BookingStatus, CpdSession
from workspace.models.partnerships import Organisation, PartnershipKind, Sector
from workspace.models.progress import UnitStatus
from workspace.services import demo
from workspace.services.accounts import users
from workspace.services.audits import records
from workspace.services.audits import report as audit_report
from workspace.services.catalogue.seed import load_catalogue_seed
from workspace.services.cpd import sessions, supply
from workspace.services.demo import terms
from workspace.services.partnerships import membership
from workspace.services.progress import tracking
from workspace.services.steering import actions

CPD_MENTION = re.compile(r"#cpd-(\d+)")


@pytest.fixture
def loaded(app):
    load_catalogue_seed()
    assert demo.load_demo()
    lead = users.get_user_by_email("lead@example.org")
    [london] = [m.partnership for m in membership.list_memberships_of(lead)]
    return london, lead


def test_the_term_table_knows_holidays_weekends_and_bank_holidays():
    blocks = [block for year in terms.TERMS.values() for block in year]
    assert blocks == sorted(blocks)
    for (_, last), (first, _) in zip(blocks, blocks[1:], strict=False):
        assert last < first  # a holiday between each half term
        assert not any(terms.is_school_day(last + timedelta(days=n))
                       for n in range(1, (first - last).days))
    for day in terms.BANK_HOLIDAYS:
        assert not terms.is_school_day(day)
    assert not terms.is_school_day(date(2026, 12, 25))
    assert not terms.is_school_day(date(2026, 11, 28))  # a Saturday in term
    assert terms.is_school_day(date(2026, 11, 24))
    assert not terms.is_school_day(date(2029, 1, 9))  # beyond the table: no sessions there


def test_every_session_falls_on_a_school_day_and_the_year_is_lived_in(loaded):
    hosted = db.session.scalars(select(CpdSession)).all()
    assert len(hosted) > 20
    for cpd_session in hosted:
        day = supply.local_day(cpd_session)
        assert day.weekday() < 5 and day not in terms.BANK_HOLIDAYS and terms.in_term(day), \
            f"{cpd_session.title} falls on {day:%A %d %B %Y}"
    now = utcnow()
    past = [s for s in hosted if s.ends_at <= now]
    assert past and all(sessions.register(s) for s in past)
    assert all(b.attendance is not None for s in past for b in sessions.register(s))
    waiting = [s for s in hosted if s.starts_at > now and sessions.session_row(s).waiting]
    assert len(waiting) >= 3  # the next day of each London network is full
    for cpd_session in waiting:
        assert sessions.session_row(cpd_session).booked == cpd_session.capacity


def test_two_partnerships_of_several_sectors_and_a_network_of_hubs(loaded):
    london, _ = loaded
    assert london.kind == PartnershipKind.CEP
    sectors = {o.sector for o in membership.list_organisations(london)}
    assert {Sector.SCHOOL, Sector.CULTURAL, Sector.YOUTH, Sector.FE, Sector.LOCAL_AUTHORITY,
            Sector.MUSIC_HUB} <= sectors
    phases = {o.school_phase for o in membership.list_organisations(london)}
    assert {"Primary", "Secondary", "Special (SEND)"} <= phases
    [north_east] = membership.list_memberships_of(users.get_user_by_email("ne.lead@example.org"))
    assert north_east.partnership.kind == PartnershipKind.HUB
    opened = db.session.scalars(select(CpdSession).where(
        CpdSession.audience_network_id.is_not(None))).all()
    guest = users.get_user_by_email("k.doyle@example.org")
    assert [sessions.booking_of(s, guest).status for s in opened] == [BookingStatus.BOOKED]


def test_every_persona_logs_in(loaded, app):
    assert len(demo.demo_logins()) == len(demo.PERSONAS)
    for email, password, _ in demo.demo_logins():
        client = app.test_client()
        assert client.post("/login", data={"email": email, "password": password}) \
            .status_code == 302, email
    assert users.get_user_by_email("admin@example.org").is_site_admin
    assert users.get_user_by_email("editor@example.org").is_catalogue_editor


def test_the_audit_report_counts_the_schools_that_stated_needs(loaded):
    london, _ = loaded
    [audit] = records.list_audits(london)
    schools = set(db.session.scalars(select(Organisation.name).where(
        Organisation.partnership_id == london.id, Organisation.sector == Sector.SCHOOL)))
    answered = set(db.session.scalars(select(Need.respondent_organisation).where(
        Need.audit_id == audit.id))) & schools
    report = audit_report.audit_report(london, audit, utcnow())
    assert len(answered) == 5
    assert {s.organisation.name for s in report.schools} == answered


def test_steering_has_done_and_overdue_actions(loaded):
    london, _ = loaded
    listed = actions.list_actions(london)
    today = london_today()
    assert any(a.status.value == "done" for a in listed)
    assert any(actions.is_overdue(a, today) for a in listed)


def test_chat_says_only_what_the_records_hold(loaded):
    london, lead = loaded
    told = db.session.scalars(select(Message).where(Message.partnership_id == london.id)).all()
    mentions = 0
    for message in told:
        for session_id in CPD_MENTION.findall(message.body):
            if message.author_id == lead.id:
                continue
            cpd_session = db.session.get(CpdSession, int(session_id))
            booking = sessions.booking_of(cpd_session, message.author)
            assert booking is not None, message.body
            mentions += 1
            if "waiting list" in message.body:
                assert booking.status == BookingStatus.WAITING
                assert f"number {sessions.waiting_position(booking)} " in message.body
            elif "last network day" in message.body or "Same here" in message.body:
                assert booking.attendance == Attendance.ATTENDED
            else:
                assert booking.status == BookingStatus.BOOKED
    assert mentions >= 5


def test_a_practitioner_is_part_way_through_the_cme(loaded):
    leah = users.get_user_by_email("practitioner@example.org")
    [enrolment] = tracking.list_enrolments(leah)
    assert enrolment.item.stable_id == "CME"
    progress = tracking.enrolment_progress(enrolment)
    assert 0 < progress.mandatory_achieved < len(progress.mandatory)
    assert {r.status for r in progress.mandatory} >= {
        UnitStatus.ACHIEVED, UnitStatus.EVIDENCE_SUBMITTED, UnitStatus.IN_PROGRESS,
        UnitStatus.NOT_STARTED}
    kofi = users.get_user_by_email("arts@example.org")
    assert [e.item.stable_id for e in tracking.list_enrolments(kofi)] == ["L3-CCP"]


def test_beyond_the_term_table_the_demo_still_loads_without_sessions(app, clock):
    clock.shift(timedelta(days=365 * 4))  # past the last academic year of the table
    assert not terms.in_term(london_today())
    assert demo.load_demo()
    assert db.session.scalars(select(CpdSession)).all() == []
    assert len(demo.demo_logins()) == len(demo.PERSONAS)
