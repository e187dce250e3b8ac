"""Owners of overdue actions are reminded at most once a day, by the service and the CLI."""

import logging
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from tests.conftest import as_member
from workspace.clock import london_today
from workspace.extensions import db
from workspace.infra.mail import send_outbox
from workspace.models import Notification
from workspace.models.steering import ActionStatus
from workspace.services.steering import actions

DAY = date(2027, 6, 10)


def reminders_to(user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.kind == "action_overdue")))


def add(hub, lead, owner, title, due_on):
    return actions.create_action(hub, lead, actions.ActionFields(
        title, owner_id=owner.id if owner else None, due_on=due_on))


def test_an_overdue_owner_is_reminded_once_a_day(hub, lead, steer):
    action = add(hub, lead, steer, "Draft the SEND brief", DAY - timedelta(days=3))
    assert actions.send_overdue_reminders(DAY) == 1
    assert actions.send_overdue_reminders(DAY) == 0
    [note] = reminders_to(steer)
    assert "Draft the SEND brief" in note.message and "7 Jun 2027" in note.message
    assert note.link == f"/p/{hub.id}/actions/{action.id}"
    assert action.reminded_on == DAY
    assert actions.send_overdue_reminders(DAY + timedelta(days=1)) == 1
    assert len(reminders_to(steer)) == 2


def test_nobody_is_reminded_of_what_is_not_overdue_or_finished(hub, lead, steer, member):
    add(hub, lead, steer, "Due today", DAY)
    add(hub, lead, steer, "Undated", None)
    add(hub, lead, None, "Nobody's", DAY - timedelta(days=1))
    done = add(hub, lead, member, "Done", DAY - timedelta(days=1))
    actions.set_status(done, as_member(done, member), ActionStatus.DONE,
                       datetime(2027, 6, 9, tzinfo=UTC))
    dropped = add(hub, lead, member, "Dropped", DAY - timedelta(days=1))
    actions.set_status(dropped, as_member(dropped, lead), ActionStatus.DROPPED,
                       datetime(2027, 6, 9, tzinfo=UTC))
    assert actions.send_overdue_reminders(DAY) == 0
    assert reminders_to(steer) == [] and reminders_to(member) == []


def test_each_owner_gets_a_reminder_per_overdue_action(hub, lead, steer, member):
    add(hub, lead, steer, "One", DAY - timedelta(days=1))
    add(hub, lead, steer, "Two", DAY - timedelta(days=20))
    add(hub, lead, member, "Three", DAY - timedelta(days=2))
    assert actions.send_overdue_reminders(DAY) == 3
    assert len(reminders_to(steer)) == 2 and len(reminders_to(member)) == 1


def test_the_cli_command_reminds_for_today(runner, hub, lead, steer):
    today = london_today(datetime.now(UTC))
    add(hub, lead, steer, "Long overdue", today - timedelta(days=5))
    result = runner.invoke(args=["steering", "send-reminders"])
    assert result.exit_code == 0, result.output
    assert "1 reminder sent." in result.output
    result = runner.invoke(args=["steering", "send-reminders"])
    assert "0 reminders sent." in result.output
    assert len(reminders_to(steer)) == 1


def test_a_reminder_that_fails_is_logged_and_the_others_still_go(
        hub, lead, steer, smtp_server, clock, monkeypatch, caplog):
    for title in ("One", "Two\r\nBcc: eve@example.org", "Three"):
        add(hub, lead, steer, title, DAY - timedelta(days=1))
    send_outbox(clock.now)  # the "action for you" emails
    real_notify = actions.notify

    def notify_failing_on_three(user, kind, subject, message, **kwargs):
        if subject == "Overdue: Three":
            raise RuntimeError("something went wrong with this one")
        return real_notify(user, kind, subject, message, **kwargs)

    monkeypatch.setattr(actions, "notify", notify_failing_on_three)
    with caplog.at_level(logging.ERROR, logger="workspace.infra.jobs"):
        assert actions.send_overdue_reminders(DAY) == 2
    assert "Could not handle the overdue reminder of action" in caplog.text
    assert send_outbox(clock.now).sent == 2
    assert smtp_server.subjects()[-2:] == ["Overdue: One", "Overdue: Two  Bcc: eve@example.org"]
    assert all(e.rcpt_tos == ["tom@example.org"] for e in smtp_server.envelopes)
    monkeypatch.undo()
    assert actions.send_overdue_reminders(DAY) == 1  # the failed one was not marked reminded
    assert send_outbox(clock.now).sent == 1
    assert smtp_server.subjects()[-1] == "Overdue: Three"
