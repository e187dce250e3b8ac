"""The live page's Server-Sent Events stream.

A page opens `chat.stream` with the channel it shows and the last event id it was drawn
with; the stream replays the partnership's events after that id (or after `Last-Event-ID`,
which wins, when the browser reconnects by itself), then waits for new ones, and ends after
CHAT_STREAM_SECONDS with a `retry:` hint so that the browser reconnects where it left off.

Waiting holds no database connection: each read of the event log is a short block that
gives its connection back (`_release`) before `live.wait_for_events`.
What an event shows is the same for every viewer, so it is rendered once per process and
kept in a small cache; what differs is only *whether* a viewer may receive it.
"""

import logging
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from time import monotonic

import redis
from flask import Response, current_app, g, request, stream_with_context
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from workspace.blueprints.access import partnership_route
from workspace.blueprints.chat.views import bp
from workspace.extensions import db
from workspace.infra import live
from workspace.infra.slots import SharedSlots
from workspace.models import ChatEvent, Membership, Message, Poll
from workspace.services import permissions
from workspace.services.chat import messages

log = logging.getLogger(__name__)

RETRY_MS = 1000
KEEPALIVE_SECONDS = 15
CACHE_SIZE = 2000
SAFE_REF = re.compile(r"^[A-Za-z0-9_.-]{1,60}$")
LINE_BREAK = re.compile(r"\r\n|\r|\n")  # SSE's own (str.splitlines would also split on U+2028)

RENDER_WAIT_SECONDS = 5
CATCH_UP = 500  # events replayed to a reconnecting page at most; further behind, it reloads
VIEWER_SECONDS = 10  # how often a stream reads its viewer's role and channels again


@bp.get("/p/<int:partnership_id>/chat/stream")
@partnership_route()
def stream(partnership):
    open_channel = request.args.get("channel_id", type=int)
    after = _start_after()
    person = g.membership.user_id
    cfg = current_app.config
    refusal = _streams().admit(person, cfg["CHAT_STREAMS_PER_PERSON"],
                               cfg.get("CHAT_STREAMS_PER_WORKER"))
    if refusal:
        return refusal
    try:
        viewer = Viewer(partnership.id, g.membership.id)
        viewer.refresh()
        after = _bounded(partnership.id, after)
        seconds = float(current_app.config["CHAT_STREAM_SECONDS"])
        _release()  # the stream may last a minute: no connection held meanwhile
    except BaseException:
        _streams().leave(person)
        raise
    events = _frames(viewer, open_channel, after, seconds, on_end=lambda: _streams().leave(
        person))
    return Response(stream_with_context(events), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@dataclass
class _OpenStreams:
    """The streams open in this process: a cap per person, so that one member opening page
    after page cannot take every thread there is (counted across every worker in Redis when
    REDIS_URL is set, else in this one), and a budget for the worker
    (CHAT_STREAMS_PER_WORKER, which gunicorn.conf.py sets below its threads), so that pages
    always find a thread free."""

    shared: SharedSlots | None = None
    slot_seconds: int = 120  # a stream's slot in Redis lapses after this (a worker died)
    counts: dict = field(default_factory=dict)  # person -> streams open in this process
    tokens: dict = field(default_factory=dict)  # person -> their slots' tokens in Redis
    lock: threading.Lock = field(default_factory=threading.Lock)

    def admit(self, person: int, cap: int, budget: int | None = None) -> Response | None:
        """None when the stream may open (and is counted), else the answer refusing it: 429
        past the person's cap, 503 past the worker's budget of streams (the threads it
        keeps for pages; the browser's stream reconnects a little later, elsewhere)."""
        with self.lock:
            if self.shared is None and self.counts.get(person, 0) >= cap:
                return _too_many()
            if budget is not None and sum(self.counts.values()) >= budget:
                return Response("Live chat is busy: it reconnects in a moment.", 503,
                                {"Retry-After": "5",
                                 "Content-Type": "text/plain; charset=utf-8"})
            self.counts[person] = self.counts.get(person, 0) + 1
        if self.shared is not None:
            return self._take_shared(person, cap)
        return None

    def _take_shared(self, person: int, cap: int) -> Response | None:
        try:
            token = self.shared.take(f"chat-streams:{person}", cap, self.slot_seconds)
        except redis.RedisError:  # Redis away: this worker's own count decides meanwhile
            log.warning("Redis did not answer: chat streams capped per worker meanwhile")
            token, over = "", self.counts.get(person, 0) > cap
        else:
            over = token is None
        with self.lock:
            if over:
                self._forget(person)
                return _too_many()
            self.tokens.setdefault(person, []).append(token)
        return None

    def leave(self, person: int) -> None:
        with self.lock:
            self._forget(person)
            tokens = self.tokens.get(person)
            token = tokens.pop() if tokens else ""
            if tokens == []:
                del self.tokens[person]
        if token:
            self.shared.give_back(f"chat-streams:{person}", token)

    def _forget(self, person: int) -> None:
        left = self.counts.get(person, 0) - 1
        if left > 0:
            self.counts[person] = left
        else:
            self.counts.pop(person, None)


def _too_many() -> Response:
    return Response("Too many live chat pages are open: close some and reload.", 429,
                    {"Retry-After": "30", "Content-Type": "text/plain; charset=utf-8"})


def _streams() -> _OpenStreams:
    open_streams = current_app.extensions.get("chat_open_streams")
    if open_streams is None:  # the first stream of the process (Redis connects lazily)
        cfg = current_app.config
        shared = (SharedSlots(cfg["REDIS_URL"], cfg["REDIS_KEY_PREFIX"])
                  if cfg.get("REDIS_URL") else None)
        open_streams = current_app.extensions.setdefault("chat_open_streams", _OpenStreams(
            shared, slot_seconds=int(cfg["CHAT_STREAM_SECONDS"]) + 60))
    return open_streams


def _bounded(partnership_id: int, after: int) -> int | None:
    """Where the replay starts: `after`, when at most CATCH_UP events lie beyond it; else
    None: the page is too far behind (opened long ago, or asking from 0) to replay, and is
    told to reload instead."""
    older = db.session.scalar(
        select(ChatEvent.id).where(ChatEvent.partnership_id == partnership_id)
        .order_by(ChatEvent.id.desc()).offset(CATCH_UP).limit(1))
    return None if older is not None and older > after else after


def _release() -> None:
    """End the session's transaction, which gives its connection back to the pool.

    (Rather than `db.session.remove()`, which would also detach the objects of anyone sharing
    this app context, such as a test; the request's teardown removes the session anyway.)
    """
    db.session.rollback()


@dataclass
class Viewer:
    """What one stream's viewer may receive: the channels they may read, whether they are on
    the steering group. Read again every VIEWER_SECONDS, so that someone who loses a role or
    leaves a network stops receiving its messages without reloading."""

    partnership_id: int
    membership_id: int
    readable: set[int] = field(default_factory=set)
    steering: bool = False
    member: bool = True
    checked: float = 0.0

    def refresh(self) -> None:
        membership = db.session.get(Membership, self.membership_id)
        self.checked = monotonic()
        if membership is None:  # removed from the partnership: the stream ends
            self.member, self.readable, self.steering = False, set(), False
            return
        self.steering = permissions.may_manage_actions(membership)  # sees every action
        self.readable = {c.id for c in messages.readable_channels(
            membership.partnership, membership, include_archived=True)}

    def refresh_if_due(self) -> bool:
        """Read again when due; whether it read."""
        if monotonic() - self.checked >= VIEWER_SECONDS:
            self.refresh()
            return True
        return False

    def may_see_card(self, ref: str) -> bool:
        """Action cards live with the steering group; a poll's with its channel's readers."""
        kind, _, key = ref.partition("-")
        if kind == "action":
            return self.steering
        if kind == "poll":
            return key.isdigit() and _poll_channel(int(key)) in self.readable
        return True


def _poll_channel(poll_id: int) -> int | None:
    return db.session.scalar(select(Poll.channel_id).where(Poll.id == poll_id))


def _start_after() -> int:
    """Last-Event-ID (sent by a reconnecting browser) wins over the page's `after`."""
    header = request.headers.get("Last-Event-ID", "").strip()
    if header.isdigit():
        return int(header)
    return max(request.args.get("after", 0, type=int), 0)


def _frames(viewer: Viewer, open_channel: int | None, after: int | None, seconds: float,
            on_end=lambda: None):
    try:
        yield from _frames_until(viewer, open_channel, after, seconds)
    finally:
        on_end()


def _frames_until(viewer: Viewer, open_channel: int | None, after: int | None,
                  seconds: float):
    deadline = monotonic() + seconds
    partnership_id = viewer.partnership_id
    yield f"retry: {RETRY_MS}\n\n"
    cursor = after
    if cursor is None:  # too far behind to replay: the page reloads, drawn afresh
        cursor = live.last_event_id(partnership_id)
        _release()
        yield _frame(cursor, "reload", "")
    while True:
        if viewer.refresh_if_due():
            _release()  # not held while this stream waits its turn for the shared log
        if not viewer.member:
            break
        events = live.events_after(partnership_id, cursor)
        out = [frame for event in events
               for frame in _frames_for(event, open_channel, viewer)]
        if events:
            cursor = events[-1].id  # past the events this viewer does not get, too
        _release()
        if out:  # one write for all that arrived together
            yield "".join(out)
        remaining = deadline - monotonic()
        if remaining <= 0:
            break
        if len(events) < 500:
            woke = live.wait_for_events(partnership_id, cursor,
                                             min(remaining, KEEPALIVE_SECONDS))
            if not woke and deadline - monotonic() > 0:
                yield ": keep-alive\n\n"
    yield f"retry: {RETRY_MS}\n\n"


def _frames_for(event: ChatEvent, open_channel: int | None, viewer: Viewer) -> list[str]:
    if event.kind == "card":
        if event.ref and SAFE_REF.match(event.ref) and viewer.may_see_card(event.ref):
            return [_frame(event.id, f"card-{event.ref}", "")]
        return []
    if event.channel_id not in viewer.readable:
        return []
    rendered = _rendered(event)
    if rendered is None:
        return []
    author_id, html = rendered
    if event.channel_id == open_channel:
        return [_frame(event.id, "chat", html)]
    if event.kind == "message":
        return [_frame(event.id, "unread", f"{event.channel_id} {author_id}")]
    return []


def _frame(event_id: int, name: str, data: str) -> str:
    lines = [f"id: {event_id}", f"event: {name}"]
    lines += [f"data: {line}" for line in LINE_BREAK.split(data)]
    return "\n".join(lines) + "\n\n"


@dataclass
class _RenderCache:
    """Renderings of recent events, kept by the app (one per worker process)."""

    done: OrderedDict = field(default_factory=OrderedDict)  # key -> (author id, HTML) | None
    pending: dict = field(default_factory=dict)  # renderings under way: key -> Event
    lock: threading.Lock = field(default_factory=threading.Lock)


def _render_cache() -> _RenderCache:
    return current_app.extensions.setdefault("chat_render_cache", _RenderCache())


def _rendered(event: ChatEvent) -> tuple[int, str] | None:
    """(author id, HTML) of a message event, rendered once per process.

    When an event arrives, every stream of the process wants it at the same moment: the first
    renders it, the others wait for that rendering instead of each taking a connection.
    """
    cache = _render_cache()
    _cache, _cache_lock, _pending = cache.done, cache.lock, cache.pending
    key = (event.id, event.created_at)  # the time too: a re-made database reuses ids
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
        rendering = _pending.get(key)
        mine = rendering is None
        if mine:
            rendering = _pending[key] = threading.Event()
    if not mine:
        rendering.wait(RENDER_WAIT_SECONDS)
        with _cache_lock:
            if key in _cache:
                return _cache[key]
        return _render(event)  # the first one failed or is stuck: render it here
    try:
        value = _render(event)
        with _cache_lock:
            _cache[key] = value
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
        return value
    finally:
        with _cache_lock:
            _pending.pop(key, None)
        rendering.set()


def _render(event: ChatEvent) -> tuple[int, str] | None:
    message = db.session.scalar(
        db.select(Message).options(selectinload(Message.author),
                                   selectinload(Message.parent).selectinload(Message.author))
        .where(Message.id == event.message_id))
    if message is None or message.channel_id != event.channel_id:
        return None
    template = "chat/_event_message.html" if event.kind == "message" else (
        "chat/_event_change.html")
    # Straight from the Jinja environment: no context processors, nothing of the viewer.
    return message.author_id, current_app.jinja_env.get_template(template).render(
        message=message)
