"""CPD fixtures: a partnership with a network, a session factory, a clock."""

from datetime import time, timedelta
from decimal import Decimal

import pytest

from tests.clock import FROZEN_NOW
from workspace.models.partnerships import Role
from workspace.services.cpd import sessions

NOW = FROZEN_NOW
DAY = FROZEN_NOW.date() + timedelta(days=17)  # a session day to come (Thursday 10 Dec 2026)


@pytest.fixture
def hub(make_user, make_partnership):
    lead = make_user(name="Priya Lead", email="lead@example.org")
    return make_partnership(lead=lead, name="Riverside Music Hub")


@pytest.fixture
def lead(hub):
    return next(m.user for m in hub.memberships if m.role == Role.LEAD)


@pytest.fixture
def network(hub, lead):
    return sessions.create_network(hub, name="Primary music teachers", coordinator=lead)


@pytest.fixture
def teacher(hub, make_user, add_member):
    """Make a teacher who is a member of the hub."""

    def make(name="Teacher", **overrides):
        user = make_user(name=name, **overrides)
        add_member(hub, user, Role.MEMBER)
        return user

    return make


def session_fields(**overrides) -> sessions.SessionFields:
    fields = {"title": "Singing in the primary classroom", "day": DAY,
              "start": time(9, 30), "end": time(15, 30), "capacity": 10,
              "venue": "Riverside Music Centre", "learning_hours": Decimal("5.5")}
    fields.update(overrides)
    return sessions.SessionFields(**fields)


@pytest.fixture
def make_session(hub, network, clock):
    def make(**overrides):
        overrides.setdefault("day", clock.ahead(17))  # DAY, or as far ahead of the real today
        return sessions.schedule_session(hub, network, session_fields(**overrides))

    return make


@pytest.fixture
def later():
    return lambda **delta: NOW + timedelta(**delta)
