"""CPD email goes through the outbox: a sign-up queues its confirmation with the booking (and
nothing waits on a mail server inside the booking lock); reminders go one booking at a time."""

import logging

import pytest
from icalendar import Calendar
from sqlalchemy import select

from tests.cpd.conftest import NOW
from workspace.extensions import db
from workspace.infra.mail import send_outbox
from workspace.models import Booking, OutboxMessage
from workspace.services import signals
from workspace.services.cpd import sessions as cpd

TITLE = "Singing\r\nBcc: eve@example.org"  # a one-line title that came with a line break


def queued() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_sign_up_queues_its_confirmation_with_the_booking(make_session, teacher,
                                                            smtp_server):
    cpd_session = make_session()
    ann = teacher("Ann", email="ann@example.org")
    cpd.sign_up(cpd_session, ann, NOW)
    assert [(m.to, m.subject) for m in queued()] == [
        ("ann@example.org", f"Booked: {cpd_session.title}")]
    assert smtp_server.envelopes == []
    assert send_outbox(NOW).sent == 1
    [message] = smtp_server.to("ann@example.org")
    assert message["Subject"] == f"Booked: {cpd_session.title}"


def test_a_sign_up_that_fails_after_queueing_queues_nothing(make_session, teacher):
    cpd_session = make_session()
    ann = teacher("Ann")

    def fail(sender):
        raise RuntimeError("the chat card could not be written")

    with signals.session_changed.connected_to(fail), pytest.raises(RuntimeError):
        cpd.sign_up(cpd_session, ann, NOW)  # fails after notify queued the confirmation
    db.session.rollback()  # as the request's teardown does
    assert queued() == [] and db.session.scalars(select(Booking)).all() == []


def test_a_title_with_a_line_break_breaks_no_email_or_calendar(
        client, auth, make_session, teacher, smtp_server, clock):
    cpd_session = make_session(title=TITLE, day=clock.ahead(1))
    ann = teacher("Ann", email="ann@example.org")
    cpd.sign_up(cpd_session, ann, NOW)
    auth.login(ann)
    response = client.get(f"/p/{cpd_session.partnership_id}/cpd/sessions/{cpd_session.id}.ics")
    assert response.status_code == 200
    assert b"\r\nBcc:" not in response.data  # no line of the file starts with the rest
    [event] = Calendar.from_ical(response.data).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Singing\nBcc: eve@example.org"  # escaped, read back
    assert cpd.send_reminders(NOW) == 1
    assert send_outbox(NOW).sent == 2
    assert smtp_server.subjects() == ["Booked: Singing  Bcc: eve@example.org",
                                      "Reminder: Singing  Bcc: eve@example.org"]
    assert all(e.rcpt_tos == ["ann@example.org"] for e in smtp_server.envelopes)


def test_a_reminder_that_fails_is_logged_and_the_others_still_go(
        make_session, teacher, smtp_server, clock, monkeypatch, caplog):
    soon = [make_session(title=title, day=clock.ahead(1)) for title in ("One", TITLE, "Three")]
    ann = teacher("Ann", email="ann@example.org")
    for cpd_session in soon:
        cpd.sign_up(cpd_session, ann, NOW)
    send_outbox(NOW)
    real_notify = cpd.notify

    def notify_failing_on_three(user, kind, subject, message, **kwargs):
        if subject == "Reminder: Three":
            raise RuntimeError("something went wrong with this one")
        return real_notify(user, kind, subject, message, **kwargs)

    monkeypatch.setattr(cpd, "notify", notify_failing_on_three)
    with caplog.at_level(logging.ERROR, logger="workspace.infra.jobs"):
        assert cpd.send_reminders(NOW) == 2
    assert "Could not handle the reminder of booking" in caplog.text
    assert send_outbox(NOW).sent == 2
    assert smtp_server.subjects()[-2:] == ["Reminder: One",
                                           "Reminder: Singing  Bcc: eve@example.org"]
    three = cpd.booking_of(soon[2], ann)
    assert three.reminded_at is None  # left for the next run
    monkeypatch.undo()
    assert cpd.send_reminders(NOW) == 1
    assert send_outbox(NOW).sent == 1
    assert smtp_server.subjects()[-1] == "Reminder: Three"
