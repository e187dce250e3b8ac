"""The chat event bus: the ordered log, and waking waiters when another connection commits.

Runs on the test database: SQLite (polling listener) by default, PostgreSQL (LISTEN/NOTIFY)
when TEST_DATABASE_URL points there.

Nothing here is timed: a test that needs someone waiting before it publishes waits until the
listener's condition has them blocked (`watch`); one that needs the listener to have looked at
the database since a moment waits for the listener's next reports (`Reports`). Waits are
bounded (WAIT_BOUND) only so that a wake-up that never comes fails the test instead of hanging
it: how fast wake-ups are is for bench/chat_bench.py.
"""

import os
import threading
import warnings

import pytest
from sqlalchemy import event, text

from workspace.extensions import db
from workspace.infra import live

WAIT_BOUND = 30  # seconds


@pytest.fixture
def two(make_partnership):
    """Two partnerships' ids (plain ints: the tests drop the session to wait without it)."""
    return make_partnership(name="Riverside").id, make_partnership(name="Hillside").id


def _publish(app, partnership_id: int, kind: str = "message", **fields) -> None:
    """Commit an event from another thread, on a session and connection of its own."""

    def run():
        with app.app_context():
            live.publish(partnership_id, kind, **fields)
            db.session.commit()
            db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


class WatchedCondition(threading.Condition):
    """The listener's condition for one partnership, telling the test how many threads are
    blocked on it and how each wait ended (True: notified, False: timed out)."""

    def __init__(self, lock) -> None:
        super().__init__(lock)
        self.blocked = 0
        self.outcomes: list[bool] = []
        self._seen = threading.Condition()  # its own lock: the test never takes the listener's

    def wait(self, timeout=None):
        with self._seen:
            self.blocked += 1  # counted before the listener's lock is released: no lost wake-up
            self._seen.notify_all()
        notified = False
        try:
            notified = super().wait(timeout)
            return notified
        finally:
            with self._seen:
                self.blocked -= 1
                self.outcomes.append(notified)
                self._seen.notify_all()

    def until_blocked(self, count: int = 1) -> None:
        with self._seen:
            assert self._seen.wait_for(lambda: self.blocked >= count, WAIT_BOUND), (
                f"{self.blocked} of {count} waiters blocked")


def watch(partnership_id: int) -> WatchedCondition:
    """Put a WatchedCondition where this process's listener keeps the partnership's, before
    anyone waits on it."""
    listener = live._ensure_listener()
    watched = WatchedCondition(listener._cond_lock)
    with listener._cond_lock:
        listener._conditions[partnership_id] = watched
    return watched


class Reports:
    """What this process's listener tells its waiters (each poll on SQLite, each NOTIFY on
    PostgreSQL), so that a test can wait until it has looked at the database again."""

    def __init__(self, monkeypatch) -> None:
        self.listener = live._ensure_listener()
        self.seen: list[dict[int, int]] = []
        self._changed = threading.Condition()
        advance = self.listener._advance

        def reporting(latest, *, monotonic_only):
            advance(latest, monotonic_only=monotonic_only)
            with self._changed:
                self.seen.append(dict(latest))
                self._changed.notify_all()

        monkeypatch.setattr(self.listener, "_advance", reporting)

    def after_now(self) -> None:
        """Wait until the listener has looked since this call: on SQLite, until a poll begun
        after it has ended (two polls end); on PostgreSQL, until a NOTIFY sent now arrives,
        since NOTIFYs arrive in commit order, after every one committed before it."""
        with self._changed:
            start = len(self.seen)
        if self.listener.postgres:
            db.session.execute(text("SELECT pg_notify(:channel, '0:0')"),
                               {"channel": live.CHANNEL})  # partnership 0: nobody's
            db.session.commit()

            def looked():
                return {0: 0} in self.seen[start:]
        else:
            def looked():
                return len(self.seen) >= start + 2
        with self._changed:
            assert self._changed.wait_for(looked, WAIT_BOUND), "the listener did not look"


class Waiter(threading.Thread):
    """`live.wait_for_events` in a thread of its own, as a stream's request thread waits;
    with an app context unless `app` is None."""

    def __init__(self, app, partnership_id: int, after_id: int) -> None:
        super().__init__(daemon=True)
        self.app, self.partnership_id, self.after_id = app, partnership_id, after_id
        self.woke: bool | None = None
        self.start()

    def run(self) -> None:
        if self.app is None:
            self.woke = live.wait_for_events(self.partnership_id, self.after_id, WAIT_BOUND)
            return
        with self.app.app_context():
            self.woke = live.wait_for_events(self.partnership_id, self.after_id, WAIT_BOUND)

    def outcome(self) -> bool | None:
        self.join(WAIT_BOUND + 10)
        assert not self.is_alive(), "the waiter never returned"
        return self.woke


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
    watched = watch(mine)
    live.publish(mine, "message", message_id=1)
    db.session.commit()
    db.session.remove()
    assert live.wait_for_events(mine, 0, WAIT_BOUND)
    assert watched.outcomes == []  # it never blocked


def test_waiting_times_out_when_nothing_happens(two):
    mine, _ = two
    live.publish(mine, "message", message_id=1)
    db.session.commit()
    last = live.last_event_id(mine)
    db.session.remove()
    watched = watch(mine)
    assert not live.wait_for_events(mine, last, timeout=0.2)
    assert watched.outcomes and not any(watched.outcomes)  # it blocked; only the timeout ended it


def test_a_commit_on_another_connection_wakes_the_waiter(app, two):
    mine, _ = two
    last = live.last_event_id(mine)
    db.session.remove()
    watched = watch(mine)
    waiter = Waiter(app, mine, last)
    watched.until_blocked()
    _publish(app, mine, message_id=5)
    assert waiter.outcome() is True
    assert watched.outcomes == [True]  # notified, not timed out
    assert [e.message_id for e in live.events_after(mine, last)] == [5]


def test_the_wake_up_comes_with_the_commit_not_before(app, two, monkeypatch):
    mine, _ = two
    db.session.remove()
    watched = watch(mine)
    reports = Reports(monkeypatch)
    holding, go = threading.Event(), threading.Event()

    def writer():
        with app.app_context():
            live.publish(mine, "message", message_id=7)
            db.session.flush()
            holding.set()  # published, not yet committed
            go.wait(WAIT_BOUND)
            db.session.commit()
            db.session.remove()

    waiter = Waiter(app, mine, 0)
    watched.until_blocked()
    writing = threading.Thread(target=writer)
    writing.start()
    try:
        assert holding.wait(WAIT_BOUND)
        reports.after_now()  # the listener has looked since the event was published
        assert waiter.is_alive() and waiter.woke is None, "woken before the commit"
    finally:
        go.set()
        writing.join()
    assert waiter.outcome() is True
    assert watched.outcomes == [True]


def test_another_partnerships_events_do_not_wake_the_waiter(app, two):
    mine, theirs = two
    db.session.remove()
    watched_mine, watched_theirs = watch(mine), watch(theirs)
    waiter = Waiter(app, mine, 0)
    theirs_waiter = Waiter(app, theirs, 0)
    watched_mine.until_blocked()
    watched_theirs.until_blocked()
    _publish(app, theirs, message_id=5)
    assert theirs_waiter.outcome() is True  # the listener has taken their event in
    assert watched_theirs.outcomes == [True]
    assert live.wait_for_events(mine, 0, 0) is False  # and knows of nothing new of mine
    assert waiter.is_alive() and waiter.woke is None
    _publish(app, mine, message_id=6)
    assert waiter.outcome() is True  # it was waiting all along, for its own partnership
    assert watched_mine.outcomes == [True]


def test_many_waiters_wake_and_none_holds_a_database_connection(app, two):
    mine, _ = two
    db.session.remove()
    watched = watch(mine)
    waiters = [Waiter(app, mine, 0) for _ in range(20)]
    watched.until_blocked(20)
    assert db.engine.pool.checkedout() == 0  # 20 blocked waiters, no pooled connection used
    _publish(app, mine, kind="card", ref="cpd-1")
    assert [waiter.outcome() for waiter in waiters] == [True] * 20
    assert watched.outcomes == [True] * 20  # each notified, none timed out


def test_waiting_works_outside_an_app_context_once_started(app, two):
    mine, _ = two
    last = live.last_event_id(mine)  # starts this process's listener
    db.session.remove()
    watched = watch(mine)
    waiter = Waiter(None, mine, last)  # no app context, as in a streaming generator
    watched.until_blocked()
    _publish(app, mine, message_id=3)
    assert waiter.outcome() is True
    assert watched.outcomes == [True]


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
    watched = watch(mine)
    waiter = Waiter(app, mine, last)
    watched.until_blocked()
    listener = live._listener
    old_backend = listener.backend_pid
    killed = db.session.scalar(text(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE application_name = :name AND pid = :pid"),
        {"name": live.LISTENER_APPLICATION_NAME, "pid": old_backend})
    db.session.remove()
    assert killed is True
    assert waiter.outcome() is True  # woken so that it re-reads the log
    assert watched.outcomes == [True]
    assert listener.alive and listener.backend_pid not in (None, old_backend)
    # After reconnecting, a new commit still wakes a waiter.
    waiter = Waiter(app, mine, last)
    watched.until_blocked()
    _publish(app, mine, message_id=8)
    assert waiter.outcome() is True
    assert watched.outcomes == [True, True]


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
        _publish(app, mine, message_id=n)
        assert live.wait_for_events(mine, cursor, WAIT_BOUND)
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
            watched = watch(mine)  # on the child's own listener, started here

            def say_when_waiting():
                watched.until_blocked()
                os.write(write_end, b"waiting\n")

            threading.Thread(target=say_when_waiting, daemon=True).start()
            woke = live.wait_for_events(mine, last, WAIT_BOUND)
            own = live._listener is not parent_listener
            own = own and live._listener.pid == os.getpid()
            os.write(write_end, f"{own} {woke} {watched.outcomes}".encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        assert pipe.readline() == "waiting\n"  # the child is blocked on its own listener
        _publish(app, mine, message_id=4)
        report = pipe.read()
    os.waitpid(child, 0)
    assert report == "True True [True]"  # its own listener, woken (not timed out)
    assert parent_listener is live._listener and parent_listener.alive
    assert live.wait_for_events(mine, last, WAIT_BOUND)
