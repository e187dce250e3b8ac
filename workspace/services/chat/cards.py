"""Chat-and-forms cards: the records a message refers to (`#cpd-12`, `#qual-CME`, `#action-7`,
`#poll-3`, or a pasted link to a record's page), each record's state for the person looking,
and the event that tells every open browser to refresh a card when its record changes."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from workspace.clock import london_today
from workspace.exceptions import AccessError, DomainError, NotFound
from workspace.extensions import db
from workspace.infra import live
from workspace.models import (
    Action,
    CatalogueItem,
    CpdSession,
    Enrolment,
    Membership,
    Message,
    Network,
    Partnership,
    Poll,
    User,
)
from workspace.models.catalogue import ItemStatus
from workspace.models.cpd import BookingStatus, SessionStatus
from workspace.models.steering import ActionStatus
from workspace.services import permissions, signals
from workspace.services.catalogue import items
from workspace.services.chat import messages, polls
from workspace.services.cpd import sessions
from workspace.services.partnerships.membership import get_owned
from workspace.services.steering import actions

MAX_CARDS = 5  # cards shown under one message; further references stay plain text

REF = re.compile(r"(?<![\w/#&])#(?:(cpd|action|poll)-(\d{1,9})|qual-([A-Za-z0-9](?:[\w.-]{0,38}"
                 r"[A-Za-z0-9])?))(?!\w)")
LINK = re.compile(r"(?:https?://[\w.:\[\]-]+)?/(?:p/\d+|catalogue)/[^\s<>\"'()\[\]]*")
REF_KEY = re.compile(r"^(?:(cpd|action|poll)-(\d{1,9})|(qual)-([A-Za-z0-9][\w.-]{0,39}))$")


# --- finding references -------------------------------------------------------------------


def parse_ref(ref: str) -> tuple[str, str] | None:
    """("cpd", "12") for "cpd-12"; None when it is not a card reference."""
    match = REF_KEY.match(ref or "")
    if match is None:
        return None
    if match.group(1):
        return match.group(1), str(int(match.group(2)))
    return "qual", match.group(4)


def _allowed_host(host: str) -> bool:
    """A pasted link counts when it points at this site (or has no host at all)."""
    if not host:
        return True
    hosts = {urlsplit(current_app.config.get("BASE_URL") or "").netloc}
    if has_request_context():
        hosts.add(request.host)
    return host in hosts


def ref_of_link(link: str, partnership_id: int) -> str | None:
    """The card reference for a link to a record's page in this partnership, if it is one."""
    parts = urlsplit(link.rstrip(".,;:!?"))
    if not _allowed_host(parts.netloc):
        return None
    try:
        endpoint, args = current_app.url_map.bind("").match(parts.path, method="GET")
    except (HTTPException, RequestRedirect):
        return None
    if endpoint == "catalogue.item":
        item = db.session.get(CatalogueItem, args["catalogue_item_id"])
        return f"qual-{item.stable_id}" if item is not None else None
    if args.get("partnership_id") != partnership_id:
        return None
    if endpoint == "cpd.session":
        return f"cpd-{args['cpd_session_id']}"
    if endpoint.startswith("steering.") and set(args) == {"partnership_id", "action_id"}:
        return f"action-{args['action_id']}"
    return None


def find_refs(text: str, partnership_id: int) -> list[str]:
    """The card references in a message's text, in order of appearance, each once."""
    found: list[tuple[int, str]] = []
    for match in REF.finditer(text or ""):
        kind, number, code = match.groups()
        found.append((match.start(), f"{kind}-{int(number)}" if kind else f"qual-{code}"))
    for match in LINK.finditer(text or ""):
        ref = ref_of_link(match.group(0), partnership_id)
        if ref is not None:
            found.append((match.start(), ref))
    refs: list[str] = []
    for _start, ref in sorted(found):
        if ref not in refs:
            refs.append(ref)
    return refs[:MAX_CARDS]


def message_refs(message: Message) -> list[str]:
    if message.deleted_at is not None:
        return []
    return find_refs(message.body, message.partnership_id)


# --- the state of each card, for the person looking -----------------------------------------


@dataclass
class Card:
    ref: str
    kind: str
    context: dict = field(default_factory=dict)


def get_session(partnership: Partnership, session_id: int) -> CpdSession:
    return get_owned(CpdSession, partnership, session_id)


def get_action(partnership: Partnership, membership: Membership, action_id: int) -> Action:
    """The action when the person may see it; NotFound otherwise (its title stays hidden)."""
    found = get_owned(Action, partnership, action_id)
    if not actions.may_view(found, membership):
        raise NotFound()
    return found


def get_item(code: str) -> CatalogueItem:
    found = items.find_item(code)
    if found is None:
        raise NotFound()
    return found


def get_readable_poll(partnership: Partnership, membership: Membership, poll_id: int) -> Poll:
    """The poll when the person may read its channel; NotFound otherwise."""
    poll = polls.get_poll(partnership, poll_id)
    try:
        messages.get_channel(partnership, poll.channel_id, membership)
    except AccessError:
        raise NotFound() from None
    return poll


def _cpd_card(partnership, membership, key: str, now: datetime) -> dict:
    found = get_session(partnership, int(key))
    booking = sessions.booking_of(found, membership.user)
    if booking is not None and booking.status == BookingStatus.CANCELLED:
        booking = None
    deadline = found.signup_deadline or found.starts_at
    return {"cpd_session": found, "row": sessions.session_row(found), "booking": booking,
            "position": sessions.waiting_position(booking) if booking else None,
            "open": found.status == SessionStatus.SCHEDULED and now < deadline,
            "may_give_up": now < found.starts_at, "now": now}


def _qual_card(partnership, membership, key: str, now: datetime) -> dict:
    item = get_item(key)
    enrolled = db.session.scalar(select(Enrolment.id).where(
        Enrolment.user_id == membership.user_id, Enrolment.item_id == item.id)) is not None
    status = item.effective_status(london_today(now))
    return {"item": item, "enrolled": enrolled, "status": status,
            "may_enrol": item.is_qualification and status == ItemStatus.CURRENT}


def _action_card(partnership, membership, key: str, now: datetime) -> dict:
    action = get_action(partnership, membership, int(key))
    return {"action": action, "overdue": actions.is_overdue(action, london_today(now)),
            "may_complete": not action.status.is_finished}


def _poll_card(partnership, membership, key: str, now: datetime) -> dict:
    poll = get_readable_poll(partnership, membership, int(key))
    return {"poll": poll, "results": polls.results(poll, membership.user),
            "may_close": poll.closed_at is None and permissions.may_close_poll(
                membership, poll.created_by_id)}


LOADERS = {"cpd": _cpd_card, "qual": _qual_card, "action": _action_card, "poll": _poll_card}


def load_card(partnership: Partnership, membership: Membership, ref: str,
              now: datetime) -> Card | None:
    """The card for the person, or None when the record is unknown or not theirs to see."""
    parsed = parse_ref(ref)
    if parsed is None:
        return None
    kind, key = parsed
    try:
        context = LOADERS[kind](partnership, membership, key, now)
    except AccessError:
        return None
    return Card(ref=f"{kind}-{key}", kind=kind, context=context)


# --- acting on a card -----------------------------------------------------------------------


def get_network(partnership: Partnership, network_id: int) -> Network:
    return get_owned(Network, partnership, network_id)


def complete_action(action: Action, membership: Membership, now: datetime) -> None:
    """Mark an action done: its owner, steering members and leads may (the actions service
    says who); one already finished stays as it is."""
    if action.status.is_finished:
        raise DomainError(f"This action is already {action.status.label.lower()}.")
    actions.set_status(action, membership, ActionStatus.DONE, now)


def create_action(partnership: Partnership, creator: User, *, title: str,
                  owner_id: int | None, due_on: date | None) -> Action:
    return actions.create_action(partnership, creator, actions.ActionFields(
        title=title, owner_id=owner_id, due_on=due_on))


# --- keeping cards current ------------------------------------------------------------------
# Each change behind a card publishes a "card" event in the transaction that makes it, so that
# every open page redraws the card (the services that change these records send the signals).


def _publish_card(partnership_id: int, ref: str) -> None:
    live.publish(partnership_id, "card", ref=ref)


@signals.session_changed.connect
def _session_changed(cpd_session: CpdSession, **_) -> None:
    _publish_card(cpd_session.partnership_id, f"cpd-{cpd_session.id}")


@signals.action_changed.connect
def _action_changed(action: Action, **_) -> None:
    _publish_card(action.partnership_id, f"action-{action.id}")


@signals.poll_changed.connect
def _poll_changed(poll: Poll, **_) -> None:
    _publish_card(poll.partnership_id, f"poll-{poll.id}")
