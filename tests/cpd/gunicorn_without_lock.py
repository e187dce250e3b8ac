"""gunicorn for the sign-up race's control (tests/cpd/test_concurrency.py): the test servers'
settings, with each worker's per-session booking lock (`sessions._lock`) replaced by nothing,
so that the race shows what the lock prevents. Production code has no switch for this.
"""

from tests import gunicorn_conf
from tests.gunicorn_conf import *  # noqa: F403 - every setting of the tests' servers


def _no_lock(cpd_session) -> None:
    """No lock: booking changes on a session run side by side."""


def post_worker_init(worker):
    from workspace.services.cpd import sessions

    sessions._lock = _no_lock
    gunicorn_conf.post_worker_init(worker)  # ready, with the lock gone
