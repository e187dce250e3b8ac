"""Fifty people press "Sign up" at once for ten places: exactly ten get one, forty wait,
nobody is booked twice. Real HTTP requests, in parallel, against the database in use
(SQLite by default, PostgreSQL when TEST_DATABASE_URL points at it)."""

import http.cookiejar
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from tests.conftest import PASSWORD
from workspace.extensions import db
from workspace.models import Booking
from workspace.models.cpd import BookingStatus

PEOPLE, PLACES = 50, 10


def _browser(base: str, email: str):
    """A logged-in HTTP client with its own cookies, as one person's browser."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    data = urllib.parse.urlencode({"email": email, "password": PASSWORD}).encode()
    opener.open(f"{base}/login", data=data, timeout=30).close()
    return opener


def _click(opener, url: str) -> int:
    """The one-click htmx sign-up, as the session page sends it."""
    request = urllib.request.Request(url, data=b"", headers={"HX-Request": "true"})
    with opener.open(request, timeout=60) as response:
        return response.status


def test_fifty_concurrent_sign_ups_for_ten_places(live_server, hub, make_session, teacher):
    session = make_session(capacity=PLACES)
    people = [teacher(f"Teacher {n}", email=f"t{n}@example.org") for n in range(PEOPLE)]
    emails = [p.email for p in people]
    with ThreadPoolExecutor(max_workers=PEOPLE) as pool:
        browsers = list(pool.map(lambda email: _browser(live_server, email), emails))
    url = f"{live_server}/p/{hub.id}/cpd/sessions/{session.id}/signup"
    with ThreadPoolExecutor(max_workers=PEOPLE) as pool:
        statuses = list(pool.map(lambda b: _click(b, url), browsers))
    assert statuses == [200] * PEOPLE
    db.session.expire_all()
    counts = dict(db.session.execute(
        select(Booking.status, func.count()).where(Booking.session_id == session.id)
        .group_by(Booking.status)).all())
    assert counts == {BookingStatus.BOOKED: PLACES, BookingStatus.WAITING: PEOPLE - PLACES}
    people_booked = db.session.scalars(select(Booking.user_id).where(
        Booking.session_id == session.id)).all()
    assert sorted(people_booked) == sorted(p.id for p in people)  # one booking each
