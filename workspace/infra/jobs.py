"""Scheduled jobs that go through many items (reminders): each in a transaction of its own."""

import logging
from collections.abc import Callable, Iterable

from workspace.extensions import db

log = logging.getLogger(__name__)


def each_on_its_own(ids: Iterable[int], handle: Callable[[int], bool], what: str) -> int:
    """Call `handle(id)` for each id and commit after each; how many returned True.

    One that fails is rolled back, logged (`what` names the item, with %s for its id) and
    left to the next run; the others are handled all the same.
    """
    done = 0
    for item_id in list(ids):
        try:
            handled = handle(item_id)
            db.session.commit()
        except Exception:  # whatever went wrong is this item's alone
            db.session.rollback()
            log.exception("Could not handle " + what, item_id)
        else:
            done += handled
    return done
