from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.cpd.conftest import NOW, session_fields
from workspace.exceptions import DomainError, NotFound
from workspace.extensions import db
from workspace.models import Notification
from workspace.models.cpd import Attendance, BookingStatus, SessionStatus
from workspace.services.cpd import sessions as cpd


def _kinds(user) -> list[str]:
    return list(db.session.scalars(select(Notification.kind).where(
        Notification.user_id == user.id).order_by(Notification.id)))


def test_times_are_stored_in_utc_from_london_wall_clock(make_session):
    winter = make_session(day=date(2026, 12, 10), start=time(9, 30), end=time(15, 30))
    summer = make_session(day=date(2027, 6, 10), start=time(9, 30), end=time(15, 30))
    assert winter.starts_at == datetime(2026, 12, 10, 9, 30, tzinfo=UTC)
    assert summer.starts_at == datetime(2027, 6, 10, 8, 30, tzinfo=UTC)
    assert winter.signup_deadline == winter.starts_at


def test_bad_session_input_is_refused(hub, network):
    with pytest.raises(DomainError) as error:
        cpd.schedule_session(hub, network, session_fields(start=time(15), end=time(9)))
    assert error.value.field == "end"
    with pytest.raises(DomainError) as error:
        cpd.schedule_session(hub, network, session_fields(capacity=0))
    assert error.value.field == "capacity"
    assert cpd.list_sessions(hub) == []


def test_full_session_offers_the_waiting_list_and_a_cancellation_promotes(
        make_session, teacher):
    session = make_session(capacity=2)
    ann, ben, cat = teacher("Ann"), teacher("Ben"), teacher("Cat")
    assert cpd.sign_up(session, ann, NOW).status == BookingStatus.BOOKED
    assert cpd.sign_up(session, ben, NOW).status == BookingStatus.BOOKED
    third = cpd.sign_up(session, cat, NOW)
    assert third.status == BookingStatus.WAITING and cpd.waiting_position(third) == 1
    promoted = cpd.cancel_booking(session, ann, NOW)
    assert [b.user.name for b in promoted] == ["Cat"]
    assert cpd.booking_of(session, cat).status == BookingStatus.BOOKED
    row = cpd.session_row(session)
    assert (row.booked, row.waiting, row.seats_left) == (2, 0, 0)
    assert _kinds(cat) == ["booking_waiting", "booking_promoted"]
    assert _kinds(ann) == ["booking_confirmed"]


def test_waiting_list_is_first_come_first_served(make_session, teacher, later):
    session = make_session(capacity=1)
    first, second, third = teacher("First"), teacher("Second"), teacher("Third")
    cpd.sign_up(session, first, NOW)
    cpd.sign_up(session, third, later(minutes=2))
    cpd.sign_up(session, second, later(minutes=1))
    cpd.cancel_booking(session, first, later(minutes=3))
    assert cpd.booking_of(session, second).status == BookingStatus.BOOKED
    assert cpd.waiting_position(cpd.booking_of(session, third)) == 1


def test_nobody_is_booked_twice_and_can_come_back_after_cancelling(make_session, teacher):
    session = make_session(capacity=5)
    ann = teacher("Ann")
    cpd.sign_up(session, ann, NOW)
    cpd.sign_up(session, ann, NOW)
    assert cpd.session_row(session).booked == 1
    cpd.cancel_booking(session, ann, NOW)
    assert cpd.sign_up(session, ann, NOW).status == BookingStatus.BOOKED
    assert cpd.session_row(session).booked == 1


def test_sign_up_closes_at_the_deadline_and_for_cancelled_sessions(make_session, teacher):
    session = make_session(signup_closes_days_before=7)
    assert session.signup_deadline == session.starts_at - timedelta(days=7)
    with pytest.raises(DomainError, match="closed"):
        cpd.sign_up(session, teacher(), session.signup_deadline)
    other = make_session()
    cpd.cancel_session(other)
    with pytest.raises(DomainError, match="cancelled"):
        cpd.sign_up(other, teacher(), NOW)


def test_only_partnership_members_sign_up(make_session, make_user):
    with pytest.raises(NotFound):
        cpd.sign_up(make_session(), make_user(), NOW)


def test_signing_up_joins_the_network(make_session, network, teacher):
    ann = teacher("Ann")
    assert not cpd.is_network_member(network, ann)
    cpd.sign_up(make_session(), ann, NOW)
    assert cpd.is_network_member(network, ann)


def test_a_year_of_sessions_in_one_series_each_with_its_own_booking(hub, network, teacher,
                                                                    lead):
    days = [date(2026, 12, 2), date(2027, 3, 3), date(2027, 6, 30)]
    series = cpd.schedule_series(hub, network, "Full-day network meetings", days,
                                 session_fields(title="Network day"))
    sessions = [r.session for r in cpd.list_sessions(hub)]
    assert [s.title for s in sessions] == [f"Network day ({n} of 3)" for n in (1, 2, 3)]
    ann = teacher("Ann")
    bookings = cpd.sign_up_series(series, ann, NOW)
    assert len(bookings) == 3 and {b.session_id for b in bookings} == {s.id for s in sessions}
    cpd.mark_attendance(sessions[0], bookings[0].id, Attendance.ATTENDED, lead,
                        sessions[0].ends_at)
    assert [b.attendance for b in bookings] == [Attendance.ATTENDED, None, None]


def test_attendance_credits_learning_hours(make_session, teacher, lead):
    first = make_session(learning_hours=Decimal("5.5"))
    second = make_session(learning_hours=Decimal("3"))
    ann = teacher("Ann")
    bookings = [cpd.sign_up(s, ann, NOW) for s in (first, second)]
    assert cpd.cpd_hours(ann) == 0
    after = second.ends_at
    cpd.mark_attendance(first, bookings[0].id, Attendance.ATTENDED, lead, after)
    cpd.mark_attendance(second, bookings[1].id, Attendance.NO_SHOW, lead, after)
    assert cpd.cpd_hours(ann) == Decimal("5.5")
    with pytest.raises(NotFound):
        cpd.mark_attendance(second, bookings[0].id, Attendance.ATTENDED, lead, after)


def test_attended_sessions_count_as_evidence_for_their_modules(hub, network, teacher, lead,
                                                               make_item):
    unit = make_item("Safeguarding unit")
    session = cpd.schedule_session(hub, network, session_fields(module_ids=frozenset({unit.id})))
    ann = teacher("Ann")
    booking = cpd.sign_up(session, ann, NOW)
    assert cpd.evidence_sessions(ann, [unit.id]) == {}
    cpd.mark_attendance(session, booking.id, Attendance.ATTENDED, lead, session.ends_at)
    assert cpd.evidence_sessions(ann, [unit.id]) == {unit.id: [session]}


def test_changes_and_cancellation_tell_everyone_booked(hub, make_session, teacher):
    session = make_session(capacity=1)
    ann, ben = teacher("Ann"), teacher("Ben")
    cpd.sign_up(session, ann, NOW)
    cpd.sign_up(session, ben, NOW)
    cpd.update_session(hub, session, session_fields(capacity=1, venue="The Old School"), NOW)
    assert session.sequence == 1
    cpd.cancel_session(session)
    assert session.status == SessionStatus.CANCELLED and session.sequence == 2
    for person in (ann, ben):
        assert _kinds(person)[-2:] == ["session_changed", "session_cancelled"]


def test_capacity_cannot_drop_below_bookings_and_a_rise_promotes(hub, make_session, teacher):
    session = make_session(capacity=1)
    ann, ben = teacher("Ann"), teacher("Ben")
    cpd.sign_up(session, ann, NOW)
    cpd.sign_up(session, ben, NOW)
    cpd.update_session(hub, session, session_fields(capacity=2), NOW)
    assert cpd.booking_of(session, ben).status == BookingStatus.BOOKED
    with pytest.raises(DomainError, match="2 people are booked"):
        cpd.update_session(hub, session, session_fields(capacity=1), NOW)


def test_reminders_go_once_to_people_booked_on_sessions_soon(make_session, teacher):
    soon = make_session(day=date(2026, 11, 24))
    far = make_session(day=date(2027, 1, 20))
    ann = teacher("Ann")
    cpd.sign_up(soon, ann, NOW)
    cpd.sign_up(far, ann, NOW)
    assert cpd.send_reminders(NOW) == 1
    assert cpd.send_reminders(NOW) == 0
    assert _kinds(ann).count("session_reminder") == 1


@pytest.fixture
def make_item(app):
    from workspace.services.catalogue import items

    return lambda title: items.create_item(None, title[:8].upper(), title=title)


def test_reminder_command_sends_due_reminders(runner, make_session, teacher):
    from datetime import UTC

    soon = make_session(day=(datetime.now(UTC) + timedelta(days=1)).date())
    cpd.sign_up(soon, teacher("Ann"), NOW)
    assert "1 reminder sent." in runner.invoke(args=["cpd", "send-reminders"]).output
    assert "0 reminders sent." in runner.invoke(args=["cpd", "send-reminders"]).output
