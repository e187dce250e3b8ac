"""gunicorn for the sign-up race's control (tests/cpd/test_concurrency.py): the test servers'
settings, with each worker's per-session booking lock (`sessions._lock`) replaced by nothing,
so that the race shows what the lock prevents. Production code has no switch for this.

So that the control shows the race on a busy machine too, not only when the scheduler happens
to interleave requests, each worker holds sign-ups that have counted the places taken until
GROUP of them have counted (or a moment has passed), and only then lets them write: what the
lock would have serialised now runs side by side, every time.
"""

import threading

from tests import gunicorn_conf
from tests.gunicorn_conf import *  # noqa: F403 - every setting of the tests' servers

GROUP = 4
_counted = threading.Barrier(GROUP, timeout=2)


def _no_lock(cpd_session) -> None:
    """No lock: booking changes on a session run side by side."""


def post_worker_init(worker):
    from workspace.services.cpd import sessions

    count_places = sessions._booked_count

    def counted_together(cpd_session) -> int:
        taken = count_places(cpd_session)
        try:
            _counted.wait()
        except threading.BrokenBarrierError:
            pass  # fewer than GROUP sign-ups left in this worker: go on alone
        return taken

    sessions._lock = _no_lock
    sessions._booked_count = counted_together
    gunicorn_conf.post_worker_init(worker)  # ready, with the lock gone
