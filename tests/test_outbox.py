"""Email goes through the outbox: queued with the write that caused it, sent afterwards over
real SMTP (a local aiosmtpd server), retried with back-off, given up on after a while, one
message never stopping the others."""

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.smtp import free_port
from workspace.extensions import db
from workspace.infra.mail import MAX_ATTEMPTS, RETRY_DELAYS, queue_email, send_outbox
from workspace.models import Notification, OutboxMessage
from workspace.services.notifications import notify

ROOT = Path(__file__).resolve().parents[1]


def outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def queue(*addresses: str, subject: str = "Hello") -> None:
    for address in addresses:
        queue_email(address, subject, f"A message for {address}.\n")
    db.session.commit()


def test_a_notification_queues_its_email_in_the_same_transaction(make_user, smtp_server,
                                                                 clock):
    ann = make_user(name="Ann", email="ann@example.org")
    notify(ann, "test", "Rolled back", "Never told.")
    db.session.rollback()
    assert outbox() == [] and db.session.scalar(select(func.count(Notification.id))) == 0
    notify(ann, "test", "Your booking", "You are booked.", link="/p/1")
    db.session.commit()
    [queued] = outbox()
    assert (queued.to, queued.subject, queued.attempts, queued.sent_at) == (
        "ann@example.org", "Your booking", 0, None)
    assert "You are booked." in queued.body and "http://127.0.0.1:5000/p/1" in queued.body
    assert smtp_server.envelopes == []  # nothing is sent until the sender runs
    run = send_outbox(clock.now)
    assert (run.sent, run.failed, run.left) == (1, 0, 0)
    [message] = smtp_server.messages
    assert message["To"] == "ann@example.org" and message["Subject"] == "Your booking"
    assert "You are booked." in message.get_content()
    assert outbox()[0].sent_at == clock.now
    assert send_outbox(clock.now).sent == 0  # sent once only


def test_messages_go_oldest_first_up_to_the_limit(smtp_server, clock):
    queue("a@example.org", "b@example.org", "c@example.org")
    run = send_outbox(clock.now, limit=2)
    assert (run.sent, run.left) == (2, 1)
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["a@example.org"], ["b@example.org"]]
    assert send_outbox(clock.now).sent == 1


def test_mail_is_not_sent_before_it_is_due(smtp_server, clock):
    queue_email("later@example.org", "Later", "Body", now=clock.now + timedelta(minutes=5))
    db.session.commit()
    assert (send_outbox(clock.now).sent, smtp_server.envelopes) == (0, [])
    assert send_outbox(clock.now + timedelta(minutes=5)).sent == 1


def test_a_refused_recipient_backs_off_without_stopping_the_others(smtp_server, clock):
    smtp_server.refuse.add("gone@example.org")
    queue("gone@example.org", "ann@example.org", "ben@example.org")
    run = send_outbox(clock.now)
    assert (run.sent, run.failed, run.given_up, run.left) == (2, 1, 0, 1)
    assert sorted(e.rcpt_tos[0] for e in smtp_server.envelopes) == [
        "ann@example.org", "ben@example.org"]
    gone = outbox()[0]
    assert gone.attempts == 1 and gone.sent_at is None and gone.failed_at is None
    assert "SMTPRecipientsRefused" in gone.last_error and "550" in gone.last_error
    assert gone.next_attempt_at == clock.now + RETRY_DELAYS[0]
    assert send_outbox(clock.now + timedelta(seconds=59)).failed == 0  # backing off
    smtp_server.refuse.clear()  # the mailbox is back
    run = send_outbox(clock.now + RETRY_DELAYS[0])
    assert (run.sent, run.failed, run.left) == (1, 0, 0)
    assert smtp_server.envelopes[-1].rcpt_tos == ["gone@example.org"]
    assert outbox()[0].sent_at == clock.now + RETRY_DELAYS[0]


def test_a_server_that_is_down_is_tried_again_later(app, smtp_server, clock):
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # nothing listens there
    queue("ann@example.org", "ben@example.org")
    run = send_outbox(clock.now)
    assert (run.sent, run.failed, run.left) == (0, 2, 2)
    assert all(m.attempts == 1 and "ConnectionRefusedError" in m.last_error for m in outbox())
    app.config["MAIL_PORT"] = port
    assert send_outbox(clock.now + RETRY_DELAYS[0]).sent == 2
    assert len(smtp_server.envelopes) == 2


def test_the_sender_gives_up_after_the_last_attempt_and_keeps_the_record(smtp_server, clock):
    smtp_server.refuse.add("gone@example.org")
    queue("gone@example.org")
    at, runs = clock.now, []
    for delay in (*RETRY_DELAYS, None):
        runs.append(send_outbox(at))
        at += delay or timedelta(0)
    assert [r.failed for r in runs] == [1] * MAX_ATTEMPTS
    assert [r.given_up for r in runs] == [0] * (MAX_ATTEMPTS - 1) + [1]
    [gone] = outbox()
    assert gone.attempts == MAX_ATTEMPTS and gone.failed_at == at
    assert gone.next_attempt_at is None and gone.sent_at is None
    smtp_server.refuse.clear()
    run = send_outbox(at + timedelta(days=30))
    assert (run.sent, run.failed, run.left) == (0, 0, 0)  # given up is given up
    assert smtp_server.envelopes == []


def test_a_message_another_sender_holds_is_skipped(smtp_server, clock):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; on SQLite one sender runs at a time")
    queue("held@example.org", "free@example.org")
    with db.engine.connect() as other_sender:
        other_sender.execute(select(OutboxMessage.id).where(
            OutboxMessage.to == "held@example.org").with_for_update())
        run = send_outbox(clock.now)
        assert (run.sent, run.failed, run.left) == (1, 0, 1)
        assert [e.rcpt_tos for e in smtp_server.envelopes] == [["free@example.org"]]
    assert send_outbox(clock.now).sent == 1  # released: sent by whoever looks next


def test_a_subject_is_one_line_and_an_address_with_a_line_break_is_refused(smtp_server,
                                                                           clock):
    queue_email("ann@example.org", "Booked: Singing\r\nBcc: eve@example.org", "Body")
    with pytest.raises(ValueError, match="control character"):
        queue_email("ann@example.org\r\nBcc: eve@example.org", "Hello", "Body")
    db.session.commit()
    assert outbox()[0].subject == "Booked: Singing  Bcc: eve@example.org"
    assert send_outbox(clock.now).sent == 1
    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ["ann@example.org"]
    [message] = smtp_server.messages
    assert message["Subject"] == "Booked: Singing  Bcc: eve@example.org"
    assert message["Bcc"] is None


def test_a_message_that_cannot_be_sent_at_all_does_not_stop_the_others(smtp_server, clock):
    # Written past queue_email (an older row, a hand-made one): its header cannot be built.
    db.session.add(OutboxMessage(to="ann@example.org\nBcc: eve@example.org", subject="Hi",
                                 body="Body"))
    queue("ben@example.org")
    run = send_outbox(clock.now)
    assert (run.sent, run.failed) == (1, 1)
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["ben@example.org"]]
    assert outbox()[0].last_error.startswith("ValueError")


def test_without_a_mail_server_messages_are_logged_and_marked_sent(app, clock, caplog):
    queue("ann@example.org", subject="Logged")
    assert send_outbox(clock.now).sent == 1
    assert "To: ann@example.org" in caplog.text and "Subject: Logged" in caplog.text
    assert outbox()[0].sent_at == clock.now


def test_the_command_sends_what_is_due_and_says_how_many(runner, smtp_server):
    smtp_server.refuse.add("gone@example.org")
    queue("ann@example.org", "gone@example.org", "ben@example.org")
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert result.output == "2 sent, 1 failed, 1 left.\n"
    assert runner.invoke(args=["send-mail"]).output == "0 sent, 0 failed, 1 left.\n"


def test_the_command_says_when_it_gives_up(runner, smtp_server, clock):
    smtp_server.refuse.add("gone@example.org")
    queue("gone@example.org")
    for delay in RETRY_DELAYS:
        send_outbox(clock.now)
        clock.shift(delay)
    assert runner.invoke(args=["send-mail"]).output == "0 sent, 1 failed (1 given up), 0 left.\n"


def test_the_watching_sender_sends_as_mail_falls_due_and_stops_on_sigterm(
        database_url, smtp_server):
    # The sender runs in a process of its own, on the real clock: the mail is long due.
    queue_email("ann@example.org", "Watched", "Body", now=datetime(2020, 1, 1, tzinfo=UTC))
    db.session.commit()
    env = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY="test-sender",
               MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp_server.port), PYTHONPATH=str(ROOT))
    sender = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "workspace", "send-mail", "--watch",
         "--interval", "0.2"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while not smtp_server.envelopes and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [e.rcpt_tos for e in smtp_server.envelopes] == [["ann@example.org"]]
        sender.send_signal(signal.SIGTERM)
        output, _ = sender.communicate(timeout=30)
    finally:
        if sender.poll() is None:
            sender.kill()
            sender.communicate()
    assert sender.returncode == 0, output
    assert "1 sent, 0 failed, 0 left." in output and output.endswith("Stopped.\n")
    db.session.expire_all()
    assert outbox()[0].sent_at is not None
