"""Polls in chat: a question with 2 to 10 options, one vote per person (which they may change),
closed by its author or a lead."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from workspace.clock import utcnow
from workspace.exceptions import DomainError, Forbidden
from workspace.extensions import db
from workspace.models import Channel, Membership, Partnership, Poll, PollOption, PollVote, User
from workspace.services import permissions, signals
from workspace.services.partnerships.membership import get_owned

MIN_OPTIONS, MAX_OPTIONS = 2, 10
QUESTION_MAX, OPTION_MAX = 300, 120


def clean_options(options: list[str]) -> list[str]:
    """The options as given, stripped and blank lines dropped; raises on a rule broken."""
    cleaned = [o.strip() for o in options if o and o.strip()]
    if len(cleaned) < MIN_OPTIONS:
        raise DomainError(f"Give at least {MIN_OPTIONS} options.", field="options")
    if len(cleaned) > MAX_OPTIONS:
        raise DomainError(f"Give at most {MAX_OPTIONS} options.", field="options")
    if len({o.casefold() for o in cleaned}) != len(cleaned):
        raise DomainError("Each option must be different.", field="options")
    too_long = next((o for o in cleaned if len(o) > OPTION_MAX), None)
    if too_long is not None:
        raise DomainError(f"Keep each option under {OPTION_MAX} characters.", field="options")
    return cleaned


def create_poll(channel: Channel, author: User, question: str, options: list[str]) -> Poll:
    question = (question or "").strip()
    if not question:
        raise DomainError("Ask a question.", field="question")
    if len(question) > QUESTION_MAX:
        raise DomainError(f"Keep the question under {QUESTION_MAX} characters.",
                          field="question")
    labels = clean_options(options)
    poll = Poll(partnership_id=channel.partnership_id, channel_id=channel.id,
                question=question, created_by_id=author.id,
                options=[PollOption(position=n, label=label) for n, label in enumerate(labels)])
    db.session.add(poll)
    db.session.commit()
    return poll


def get_poll(partnership: Partnership, poll_id: int) -> Poll:
    return get_owned(Poll, partnership, poll_id)


def _option_of(poll: Poll, option_id: int | None) -> PollOption:
    option = next((o for o in poll.options if o.id == option_id), None)
    if option is None:
        raise DomainError("Choose one of the poll's options.", field="option_id")
    return option


def vote(poll: Poll, user: User, option_id: int | None) -> PollVote:
    """Vote, or change one's vote; one vote per person (a unique constraint backs it up)."""
    if poll.closed_at is not None:
        raise DomainError("This poll is closed.")
    option = _option_of(poll, option_id)
    for _attempt in range(2):
        existing = db.session.scalar(select(PollVote).where(
            PollVote.poll_id == poll.id, PollVote.user_id == user.id))
        if existing is None:
            existing = PollVote(poll_id=poll.id, user_id=user.id, option_id=option.id)
            db.session.add(existing)
        else:
            existing.option_id = option.id
        signals.poll_changed.send(poll)
        try:
            db.session.commit()
            return existing
        except IntegrityError:  # the same person voting twice at once: update theirs
            db.session.rollback()
    raise DomainError("Your vote could not be saved. Please try again.")


def close_poll(poll: Poll, membership: Membership) -> None:
    if not permissions.may_close_poll(membership, poll.created_by_id):
        raise Forbidden("Only the poll's author or a lead can close it.")
    if poll.closed_at is None:
        poll.closed_at = utcnow()
        signals.poll_changed.send(poll)
        db.session.commit()


@dataclass
class OptionResult:
    option: PollOption
    votes: int
    percent: int


@dataclass
class PollResults:
    poll: Poll
    options: list[OptionResult]
    total: int
    my_option_id: int | None


def results(poll: Poll, user: User | None = None) -> PollResults:
    counts = dict(db.session.execute(
        select(PollVote.option_id, func.count(PollVote.id))
        .where(PollVote.poll_id == poll.id).group_by(PollVote.option_id)).all())
    total = sum(counts.values())
    mine = None
    if user is not None:
        mine = db.session.scalar(select(PollVote.option_id).where(
            PollVote.poll_id == poll.id, PollVote.user_id == user.id))
    rows = [OptionResult(o, counts.get(o.id, 0),
                         round(100 * counts.get(o.id, 0) / total) if total else 0)
            for o in poll.options]
    return PollResults(poll, rows, total, mine)
