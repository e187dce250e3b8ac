"""Live delivery of chat events across worker processes.

Every change to show live is a row of the ordered event log (`ChatEvent`), written in the
same transaction as the change itself (`publish`). Readers never trust process memory for
*what* happened: they read the log (`events_after`). Process memory is only used to know
*when* to read it again: each worker process runs one listener thread that learns the latest
event id of each partnership, and request threads block in `wait_for_events` on that.

- PostgreSQL: `publish` also runs `pg_notify('chat_events', '<partnership_id>:<event_id>')`,
  which the server delivers at commit to every process that LISTENs (one dedicated psycopg
  autocommit connection per process). Event ids of a partnership are made in commit order by
  a transaction-level advisory lock, so a reader that saw event n never later finds an
  event < n committing behind it (which would be skipped for ever by `after=n`).
- SQLite (or when LISTEN is not available): the listener polls max(id) of the partnerships
  someone waits on, every `POLL_SECONDS`, on a short-lived connection of its own. SQLite
  serialises writers, so ids are in commit order there too.

Waiting holds no database connection. If the LISTEN connection is lost, the listener
reconnects with backoff and then wakes every waiter, so they re-read the log.

A listener belongs to the process (and the app) that started it: after a fork (gunicorn
workers) the child starts its own on first use and never touches its parent's connection.
"""

from __future__ import annotations

import bisect
import logging
import os
import threading
import time
import weakref

from flask import current_app, has_app_context
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from workspace.extensions import db
from workspace.models import ChatEvent

log = logging.getLogger(__name__)

CHANNEL = "chat_events"
POLL_SECONDS = 0.2          # SQLite (or no LISTEN): how often max(id) is read
LISTEN_TICK_SECONDS = 0.5   # PostgreSQL: how often the listener looks up from its socket
RECONNECT_MAX_SECONDS = 5.0
LISTENER_APPLICATION_NAME = "workspace-chat-listener"  # as seen in pg_stat_activity
ADVISORY_LOCK_CLASS = 7_401  # first key of pg_advisory_xact_lock(class, partnership_id)

KINDS = ("message", "edit", "delete", "card")


# ---------------------------------------------------------------------------- the log


def publish(partnership_id: int, kind: str, *, channel_id: int | None = None,
            message_id: int | None = None, ref: str | None = None) -> None:
    """Add an event to the current transaction (the caller commits).

    On PostgreSQL the wake-up (NOTIFY) is sent by the server when the transaction commits,
    and not at all if it rolls back.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown chat event kind {kind!r}")
    postgres = db.session.get_bind().dialect.name == "postgresql"
    if postgres:
        # Serialise event ids per partnership until commit: ids then follow commit order.
        db.session.execute(text("SELECT pg_advisory_xact_lock(:cls, :pid)"),
                           {"cls": ADVISORY_LOCK_CLASS, "pid": partnership_id})
    event_id = db.session.execute(
        insert(ChatEvent).values(partnership_id=partnership_id, kind=kind,
                                 channel_id=channel_id, message_id=message_id, ref=ref)
        .returning(ChatEvent.id)).scalar_one()
    if postgres:
        db.session.execute(text("SELECT pg_notify(:channel, :payload)"),
                           {"channel": CHANNEL, "payload": f"{partnership_id}:{event_id}"})


def events_after(partnership_id: int, after_id: int, limit: int = 500) -> list[ChatEvent]:
    """The partnership's events with an id above `after_id`, oldest first.

    Every open stream asks this after each wake-up, so each process keeps the partnership's
    latest events (read once from the database when the listener learns of them) and answers
    from memory the streams that are close to the end of the log: one query per event per
    process instead of one per event per open stream. Events answered from memory are
    detached copies, shared between threads: read them, never change them.
    """
    listener = _ensure_listener()
    recent = listener.recent_events(partnership_id, after_id, limit)
    if recent is not None:
        return recent
    return list(db.session.scalars(
        select(ChatEvent)
        .where(ChatEvent.partnership_id == partnership_id, ChatEvent.id > after_id)
        .order_by(ChatEvent.id).limit(limit)))


def last_event_id(partnership_id: int) -> int:
    """The id of the partnership's latest event, 0 when there is none."""
    _ensure_listener()
    return db.session.scalar(
        select(func.max(ChatEvent.id)).where(ChatEvent.partnership_id == partnership_id)) or 0


def wait_for_events(partnership_id: int, after_id: int, timeout: float) -> bool:
    """Block until an event with an id above `after_id` may be in the partnership's log, or
    `timeout` seconds pass; say which. Holds no database connection while blocked.

    True also after the listener lost its connection and came back (events may have been
    missed by it meanwhile): the caller reads the log either way.
    """
    listener = _ensure_listener()
    return listener.wait(partnership_id, after_id, timeout)


# ------------------------------------------------------------------------ the listener

_lock = threading.Lock()
_listener: Listener | None = None
_retired: list[Listener] = []  # listeners of a parent process: never closed in the child


def _after_fork_in_child() -> None:
    global _lock
    _lock = threading.Lock()  # another thread of the parent may have held it at the fork


os.register_at_fork(after_in_child=_after_fork_in_child)


def _ensure_listener() -> Listener:
    """This process's listener for the current app, started on first use.

    Outside an app context, the process's current listener (an SSE generator may wait after
    its app context is gone).
    """
    global _listener
    app = current_app._get_current_object() if has_app_context() else None  # type: ignore
    current = _listener
    if current is not None and current.pid == os.getpid() and (
            app is None or current.serves(app)):
        return current
    if app is None:
        raise RuntimeError("wait_for_events needs an app context the first time in a process")
    with _lock:
        current = _listener
        if current is not None and current.pid == os.getpid() and current.serves(app):
            return current
        if current is not None:
            if current.pid == os.getpid():
                current.stop()  # another app in this process (tests): one listener at a time
            else:
                _retired.append(current)  # inherited through fork: its socket is the parent's
        _listener = Listener(app, app.config["SQLALCHEMY_DATABASE_URI"])
        _listener.start()
        return _listener


class _Recent:
    """A partnership's latest events, without gaps: every event with from_id < id <= upto_id.

    Ids of a partnership are made in commit order (see publish), so once an id is known to
    be committed, reading `id > upto_id` returns every event up to it.
    """

    KEEP = 2000

    def __init__(self, from_id: int) -> None:
        self.lock = threading.Lock()
        self.from_id = self.upto_id = from_id
        self.ids: list[int] = []
        self.events: list[ChatEvent] = []

    def load(self, partnership_id: int, known: int) -> None:
        columns = ChatEvent.__table__.c
        for _ in range(10):
            rows = db.session.execute(
                select(columns).where(columns.partnership_id == partnership_id,
                                      columns.id > self.upto_id)
                .order_by(columns.id).limit(self.KEEP)).mappings().all()
            for row in rows:
                self.events.append(ChatEvent(**row))  # a detached copy, safe to share
                self.ids.append(row["id"])
            if rows:
                self.upto_id = rows[-1]["id"]
            if len(rows) < self.KEEP or self.upto_id >= known:
                break
        if len(self.ids) > self.KEEP:
            drop = len(self.ids) - self.KEEP // 2
            self.from_id = self.ids[drop - 1]
            del self.ids[:drop], self.events[:drop]

    def after(self, after_id: int, limit: int) -> list[ChatEvent]:
        start = bisect.bisect_right(self.ids, after_id)
        return self.events[start:start + limit]


def libpq_conninfo(sqlalchemy_url: str) -> str:
    """A libpq connection URI from a SQLAlchemy URL (`postgresql+psycopg://` and friends)."""
    url = make_url(sqlalchemy_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


class Listener:
    """One per process: learns the latest event id per partnership and wakes the waiters."""

    def __init__(self, app, database_url: str) -> None:
        self.pid = os.getpid()
        self._app = weakref.ref(app)
        self.database_url = database_url
        self.postgres = make_url(database_url).get_backend_name() == "postgresql"
        self._cond_lock = threading.Lock()
        self._conditions: dict[int, threading.Condition] = {}
        self._latest: dict[int, int] = {}  # partnership id -> latest event id known
        self._tracked: set[int] = set()    # partnerships someone waited on (SQLite polls them)
        self._generation = 0               # bumped after a reconnection: everyone re-reads
        self._recent: dict[int, _Recent] = {}
        self.backend_pid: int | None = None  # PostgreSQL: the LISTEN connection's server pid
        self._catch_up_lock = threading.Lock()
        self._connected = threading.Event()
        self._stopping = threading.Event()
        self._engine = create_engine(database_url, poolclass=NullPool)
        self._thread = threading.Thread(target=self._run, name="chat-live-listener",
                                        daemon=True)

    def serves(self, app) -> bool:
        return self._app() is app

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        with self._cond_lock:
            self._generation += 1
            for cond in self._conditions.values():
                cond.notify_all()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive() and not self._stopping.is_set()

    # -- the latest events, shared by the process's streams

    def recent_events(self, partnership_id: int, after_id: int,
                      limit: int) -> list[ChatEvent] | None:
        """The events after `after_id` from memory, or None: ask the database."""
        with self._cond_lock:
            known = self._latest.get(partnership_id)
            recent = self._recent.get(partnership_id)
            if recent is None and known is not None:
                # From where the first stream asking is (not beyond the end of the log).
                recent = self._recent[partnership_id] = _Recent(min(after_id, known))
        if known is None or recent is None or after_id < recent.from_id:
            return None  # the listener does not know where the log is, or asked from far back
        with recent.lock:
            if recent.upto_id < known:
                recent.load(partnership_id, known)
            if recent.upto_id < known or after_id < recent.from_id:
                return None
            return recent.after(after_id, limit)

    # -- waiting (request threads)

    def wait(self, partnership_id: int, after_id: int, timeout: float) -> bool:
        deadline = time.monotonic() + max(0.0, timeout)
        # The listener must be listening before we read where the log is, or an event
        # committed in between would wake nobody.
        self._connected.wait(max(0.0, min(timeout, 5.0)))
        with self._cond_lock:
            known = partnership_id in self._latest
            self._tracked.add(partnership_id)
        if not known:
            with self._catch_up_lock:  # many streams start at once: one reads, all use it
                with self._cond_lock:
                    known = partnership_id in self._latest
                if not known:
                    self._catch_up(partnership_id)
        with self._cond_lock:
            cond = self._conditions.get(partnership_id)
            if cond is None:
                cond = self._conditions[partnership_id] = threading.Condition(self._cond_lock)
            generation = self._generation
            while True:
                if self._latest.get(partnership_id, 0) > after_id:
                    return True
                if self._generation != generation:
                    return True
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                cond.wait(remaining)

    def _catch_up(self, partnership_id: int) -> None:
        """Read a partnership's latest id once (after LISTEN is in place)."""
        try:
            with self._engine.connect() as conn:
                latest = conn.scalar(select(func.max(ChatEvent.id))
                                     .where(ChatEvent.partnership_id == partnership_id)) or 0
        except Exception:  # noqa: BLE001 - the database is away: wait for the timeout/notify
            log.warning("chat live: could not read the latest event id", exc_info=True)
            return
        self._advance({partnership_id: latest}, monotonic_only=True)

    def _advance(self, latest: dict[int, int], *, monotonic_only: bool) -> None:
        with self._cond_lock:
            for partnership_id, event_id in latest.items():
                before = self._latest.get(partnership_id)
                if monotonic_only and before is not None and before >= event_id:
                    continue
                self._latest[partnership_id] = event_id
                if before is None or event_id > before:
                    cond = self._conditions.get(partnership_id)
                    if cond is not None:
                        cond.notify_all()

    def _wake_everyone(self) -> None:
        with self._cond_lock:
            self._latest.clear()
            self._generation += 1
            for cond in self._conditions.values():
                cond.notify_all()

    # -- the background thread

    def _run(self) -> None:
        backoff = 0.1
        first = True
        try:
            while not self._stopping.is_set():
                try:
                    if self.postgres:
                        self._listen(first)
                    else:
                        self._poll(first)
                except Exception:  # noqa: BLE001 - any failure: reconnect and carry on
                    log.warning("chat live: listener connection lost; reconnecting",
                                exc_info=True)
                    self._connected.clear()
                    first = False
                    self._stopping.wait(backoff)
                    backoff = min(backoff * 2, RECONNECT_MAX_SECONDS)
                else:
                    backoff = 0.1
        finally:
            self._engine.dispose()

    def _listen(self, first: bool) -> None:
        import psycopg

        with psycopg.connect(libpq_conninfo(self.database_url), autocommit=True,
                             application_name=LISTENER_APPLICATION_NAME, keepalives=1,
                             keepalives_idle=10, keepalives_interval=5, keepalives_count=3,
                             connect_timeout=5) as conn:
            conn.execute(f"LISTEN {CHANNEL}")
            self.backend_pid = conn.info.backend_pid
            if not first:
                self._wake_everyone()  # we may have missed notifications while away
            self._connected.set()
            while not self._stopping.is_set():
                # The generator yields each notification as it arrives, and ends after a
                # quiet LISTEN_TICK_SECONDS so that the loop can see `_stopping`.
                for notify in conn.notifies(timeout=LISTEN_TICK_SECONDS):
                    partnership, _, event = notify.payload.partition(":")
                    try:
                        latest = {int(partnership): int(event or 0)}
                    except ValueError:
                        continue
                    # Ids of a partnership arrive in commit order (see publish): assign.
                    self._advance(latest, monotonic_only=False)

    def _poll(self, first: bool) -> None:
        if not first:
            self._wake_everyone()
        self._connected.set()
        while not self._stopping.wait(POLL_SECONDS):
            with self._cond_lock:
                tracked = list(self._tracked)
            if not tracked:
                continue
            with self._engine.connect() as conn:
                rows = conn.execute(
                    select(ChatEvent.partnership_id, func.max(ChatEvent.id))
                    .where(ChatEvent.partnership_id.in_(tracked))
                    .group_by(ChatEvent.partnership_id)).all()
            latest = dict.fromkeys(tracked, 0)
            latest.update({pid: eid for pid, eid in rows})
            self._advance(latest, monotonic_only=False)
