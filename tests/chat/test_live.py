"""The chat event bus: the ordered log, and waking waiters when another connection commits.

Runs on the test database: SQLite (polling listener) by default, PostgreSQL (LISTEN/NOTIFY)
when TEST_DATABASE_URL points there.
"""

import os
import threading
import time
import warnings

import pytest
from sqlalchemy import event, text

from workspace.extensions import db
from workspace.infra import live


@pytest.fixture
def two(make_partnership):
    """Two partnerships' ids (plain ints: the tests drop the session to wait without it)."""
    return make_partnership(name="Riverside").id, make_partnership(name="Hillside").id


def _publish_later(app, partnership_id: int, delay: float, **fields) -> threading.Thread:
    """Commit an event from another thread (its own session and connection) after `delay`."""

    def run():
        time.sleep(delay)
        with app.app_context():
            live.publish(partnership_id, fields.pop("kind", "message"), **fields)
            db.session.commit()
            db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _timed_wait(partnership_id: int, after_id: int, timeout: float) -> tuple[bool, float]:
    started = time.monotonic()
    result = live.wait_for_events(partnership_id, after_id, timeout)
    return result, time.monotonic() - started


def test_events_are_logged_in_order_per_partnership(two):
    mine, theirs = two
    assert live.last_event_id(mine) == 0
    assert live.events_after(mine, 0) == []
    live.publish(mine, "message", channel_id=None, message_id=11)
    live.publish(theirs, "message", message_id=99)
    live.publish(mine, "edit", message_id=11)
    live.publish(mine, "card", ref="cpd-12")
    db.session.commit()

    events = live.events_after(mine, 0)
    assert [(e.kind, e.message_id, e.ref) for e in events] == [
        ("message", 11, None), ("edit", 11, None), ("card", None, "cpd-12")]
    ids = [e.id for e in events]
    assert ids == sorted(ids) and len(set(ids)) == 3
    assert all(e.partnership_id == mine for e in events)
    assert live.last_event_id(mine) == ids[-1]
    assert [e.id for e in live.events_after(mine, ids[0])] == ids[1:]
    assert [e.id for e in live.events_after(mine, 0, limit=2)] == ids[:2]
    assert live.events_after(mine, ids[-1]) == []
    assert [e.message_id for e in live.events_after(theirs, 0)] == [99]


def test_an_event_is_part_of_the_callers_transaction(two):
    mine, _ = two
    live.publish(mine, "message", message_id=1)
    db.session.rollback()
    assert live.last_event_id(mine) == 0
    with pytest.raises(ValueError):
        live.publish(mine, "shout")


def test_waiting_returns_at_once_when_the_log_is_already_ahead(two):
    mine, _ = two
    live.publish(mine, "message", message_id=1)
    db.session.commit()
    db.session.remove()
    woke, took = _timed_wait(mine, 0, timeout=5)
    assert woke and took < 1


def test_waiting_times_out_when_nothing_happens(two):
    mine, theirs = two
    live.publish(mine, "message", message_id=1)
    db.session.commit()
    last = live.last_event_id(mine)
    db.session.remove()
    woke, took = _timed_wait(mine, last, timeout=0.8)
    assert not woke and 0.75 <= took < 2


def test_a_commit_on_another_connection_wakes_the_waiter_within_a_second(app, two):
    mine, _ = two
    last = live.last_event_id(mine)
    db.session.remove()
    live.wait_for_events(mine, last, 0)  # the listener is up before we time it
    writer = _publish_later(app, mine, 0.3, kind="message", message_id=5)
    woke, took = _timed_wait(mine, last, timeout=5)
    writer.join()
    assert woke and took < 0.3 + 1
    assert [e.message_id for e in live.events_after(mine, last)] == [5]


def test_the_wake_up_comes_with_the_commit_not_before(app, two):
    mine, _ = two
    db.session.remove()
    live.wait_for_events(mine, 0, 0)

    def slow_writer():
        with app.app_context():
            live.publish(mine, "message", message_id=7)
            db.session.flush()
            time.sleep(0.8)  # published, not yet committed
            db.session.commit()
            db.session.remove()

    writer = threading.Thread(target=slow_writer)
    writer.start()
    woke, took = _timed_wait(mine, 0, timeout=5)
    writer.join()
    assert woke and 0.75 <= took < 0.8 + 1


def test_another_partnerships_events_do_not_wake_the_waiter(app, two):
    mine, theirs = two
    db.session.remove()
    live.wait_for_events(mine, 0, 0)
    writer = _publish_later(app, theirs, 0.1, kind="message", message_id=5)
    woke, took = _timed_wait(mine, 0, timeout=1.0)
    writer.join()
    assert not woke and took >= 0.95


def test_many_waiters_wake_and_none_holds_a_database_connection(app, two):
    mine, _ = two
    db.session.remove()
    live.wait_for_events(mine, 0, 0)
    results: list[tuple[bool, float]] = []

    def waiter():
        with app.app_context():
            results.append(_timed_wait(mine, 0, timeout=5))

    waiters = [threading.Thread(target=waiter) for _ in range(20)]
    for thread in waiters:
        thread.start()
    time.sleep(0.4)
    assert db.engine.pool.checkedout() == 0  # 20 blocked waiters, no pooled connection used
    writer = _publish_later(app, mine, 0, kind="card", ref="cpd-1")
    for thread in waiters:
        thread.join()
    writer.join()
    assert len(results) == 20
    assert all(woke and took < 0.4 + 1 for woke, took in results)


def test_waiting_works_outside_an_app_context_once_started(app, two):
    mine, _ = two
    last = live.last_event_id(mine)  # starts this process's listener
    db.session.remove()
    outcome: list[bool] = []

    def bare_thread():  # no app context, as in a streaming generator after its request
        outcome.append(live.wait_for_events(mine, last, 5))

    thread = threading.Thread(target=bare_thread)
    thread.start()
    _publish_later(app, mine, 0.2, message_id=3).join()
    thread.join()
    assert outcome == [True]


def test_database_url_becomes_a_libpq_conninfo():
    assert live.libpq_conninfo("postgresql+psycopg://postgres:s%40cret@db:5433/ws") == (
        "postgresql://postgres:s%40cret@db:5433/ws")
    assert live.libpq_conninfo("postgresql://postgres@127.0.0.1/ws") == (
        "postgresql://postgres@127.0.0.1/ws")


def test_lost_listen_connection_wakes_everyone_and_recovers(app, two):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    mine, _ = two
    last = live.last_event_id(mine)
    db.session.remove()
    live.wait_for_events(mine, last, 0)
    outcome: list[tuple[bool, float]] = []
    waiter = threading.Thread(target=lambda: outcome.append(_timed_wait(mine, last, 10)))
    waiter.start()
    time.sleep(0.3)
    listener = live._listener
    old_backend = listener.backend_pid
    killed = db.session.scalar(text(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE application_name = :name AND pid = :pid"),
        {"name": live.LISTENER_APPLICATION_NAME, "pid": old_backend})
    db.session.remove()
    assert killed is True
    waiter.join()
    woke, took = outcome[0]
    assert woke and took < 5  # woken so that it re-reads the log
    assert listener.alive and listener.backend_pid not in (None, old_backend)
    # After reconnecting, a new commit still wakes a waiter within a second.
    writer = _publish_later(app, mine, 0.2, message_id=8)
    woke, took = _timed_wait(mine, last, timeout=5)
    writer.join()
    assert woke and took < 1.2


def test_streams_near_the_end_of_the_log_share_one_read_per_event(app, two):
    """After a wake-up, many streams asking for the new events cost one query, not one each,
    and they all get the same events in order, as the database has them."""
    mine, _ = two
    cursor = live.last_event_id(mine)
    db.session.remove()
    live.wait_for_events(mine, cursor, 0)
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        if "chat_event" in statement:
            statements.append(statement)

    for n in range(1, 4):
        _publish_later(app, mine, 0, message_id=n).join()
        assert live.wait_for_events(mine, cursor, 5)
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            answers = [live.events_after(mine, cursor) for _ in range(50)]
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        db.session.remove()
        assert len(statements) <= n, statements  # at most one read per new event
        assert all([e.id for e in a] == [e.id for e in answers[0]] for a in answers)
        cursor = answers[0][-1].id
    from_database = live.events_after(mine, 0)
    assert [e.message_id for e in from_database] == [1, 2, 3]
    assert live.events_after(mine, from_database[0].id, limit=1)[0].message_id == 2


def test_a_forked_worker_starts_its_own_listener(app, two):
    """As gunicorn forks workers: the child never reuses the parent's listener (its thread
    is not in the child, and its connection belongs to the parent), and still wakes."""
    mine, _ = two
    last = live.last_event_id(mine)
    db.session.remove()
    live.wait_for_events(mine, last, 0)
    parent_listener = live._listener
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads (3.12+)
        child = os.fork()
    if child == 0:  # the child: report, then leave without running any teardown
        try:
            woke = live.wait_for_events(mine, last, 5)
            own = live._listener is not parent_listener
            own = own and live._listener.pid == os.getpid()
            os.write(write_end, f"{own} {woke}".encode())
        finally:
            os._exit(0)
    os.close(write_end)
    time.sleep(0.5)
    _publish_later(app, mine, 0, message_id=4).join()
    with os.fdopen(read_end) as pipe:
        report = pipe.read()
    os.waitpid(child, 0)
    assert report == "True True"
    assert parent_listener is live._listener and parent_listener.alive
    assert live.wait_for_events(mine, last, 1)
