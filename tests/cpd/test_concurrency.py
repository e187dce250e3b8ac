"""Fifty people press "Sign up" at once for ten places: exactly ten get one, forty wait,
nobody is booked twice. Real HTTP requests from fifty logged-in clients, released together by
a barrier, against gunicorn with several worker processes (so requests race in different
processes, not only threads of one), on the database in use (SQLite by default, PostgreSQL
when TEST_DATABASE_URL points at it).

The control runs the same race against servers whose workers have the per-session lock taken
out (tests/cpd/gunicorn_without_lock.py): they overbook, which shows that the race is real and
that the lock is what holds it.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from tests.processes import Server, log_in, running
from workspace.extensions import db
from workspace.models import Booking
from workspace.models.cpd import BookingStatus

PEOPLE, PLACES = 50, 10
WORKERS, THREADS = 4, 8
WITHOUT_LOCK = Path(__file__).with_name("gunicorn_without_lock.py")


@pytest.fixture
def gunicorn(app, database_url, tmp_path):
    """Start gunicorn on the test database: gunicorn(name, config=..., workers=...)."""
    with running(database_url, tmp_path) as start:
        yield start


@pytest.fixture
def race(hub, make_session, teacher):
    """A session with PLACES places, and PEOPLE members of the hub to race for them."""
    session = make_session(capacity=PLACES)
    people = [teacher(f"Teacher {n}", email=f"t{n}@example.org") for n in range(PEOPLE)]
    db.session.commit()
    return session, people


class Browser:
    """One person's browser: an HTTP client with its own cookies, logged in."""

    def __init__(self, base: str, email: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=60)
        self.token = log_in(self.http, email)

    def sign_up(self, path: str) -> int:
        """The one-click htmx sign-up, as the session page sends it."""
        return self.http.post(path, headers={"HX-Request": "true",
                                             "X-CSRFToken": self.token}).status_code


def _sign_up_together(server: Server, hub, session, people) -> list[int]:
    """Log everyone in first; then release their sign-ups at once; each one's status."""
    emails = [person.email for person in people]
    path = f"/p/{hub.id}/cpd/sessions/{session.id}/signup"
    with ThreadPoolExecutor(max_workers=8) as pool:
        browsers = list(pool.map(lambda email: Browser(server.url, email), emails))
    barrier = threading.Barrier(len(browsers))

    def press(browser: Browser) -> int:
        barrier.wait(timeout=60)
        return browser.sign_up(path)

    try:
        with ThreadPoolExecutor(max_workers=len(browsers)) as pool:
            return list(pool.map(press, browsers))
    finally:
        for browser in browsers:
            browser.http.close()


def _bookings(session) -> list[tuple[int, BookingStatus]]:
    db.session.rollback()  # read what the servers committed
    return list(db.session.execute(select(Booking.user_id, Booking.status).where(
        Booking.session_id == session.id)).all())


def _count(bookings, status: BookingStatus) -> int:
    return sum(1 for _, s in bookings if s == status)


def _workers_serving(server: Server) -> set[int]:
    return {pid for pid, method, _ in server.served("/signup") if method == "POST"}


def test_fifty_concurrent_sign_ups_for_ten_places(gunicorn, race, hub):
    session, people = race
    server = gunicorn("gunicorn", workers=WORKERS, threads=THREADS)
    statuses = _sign_up_together(server, hub, session, people)
    assert statuses == [200] * PEOPLE, server.log_tail()
    bookings = _bookings(session)
    assert (_count(bookings, BookingStatus.BOOKED), _count(bookings, BookingStatus.WAITING)) == (
        PLACES, PEOPLE - PLACES)
    assert sorted(user for user, _ in bookings) == sorted(p.id for p in people)  # one each
    assert len(_workers_serving(server)) > 1, server.served("/signup")  # across processes


def test_without_the_lock_the_same_race_overbooks(gunicorn, race, hub):
    session, people = race
    server = gunicorn("gunicorn-without-lock", config=WITHOUT_LOCK, workers=WORKERS,
                      threads=THREADS)
    statuses = _sign_up_together(server, hub, session, people)
    assert statuses == [200] * PEOPLE, server.log_tail()
    bookings = _bookings(session)
    assert _count(bookings, BookingStatus.BOOKED) > PLACES, bookings
    assert len(_workers_serving(server)) > 1
