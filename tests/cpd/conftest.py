"""CPD fixtures: a partnership with a network, a session factory, a clock."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from workspace.models.partnerships import Role
from workspace.services import cpd

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def hub(make_user, make_partnership):
    lead = make_user(name="Priya Lead", email="lead@example.org")
    return make_partnership(lead=lead, name="Riverside Music Hub")


@pytest.fixture
def lead(hub):
    return next(m.user for m in hub.memberships if m.role == Role.LEAD)


@pytest.fixture
def network(hub, lead):
    return cpd.create_network(hub, name="Primary music teachers", coordinator=lead)


@pytest.fixture
def teacher(hub, make_user, add_member):
    """Make a teacher who is a member of the hub."""

    def make(name="Teacher", **overrides):
        user = make_user(name=name, **overrides)
        add_member(hub, user, Role.MEMBER)
        return user

    return make


def session_fields(**overrides) -> cpd.SessionFields:
    fields = {"title": "Singing in the primary classroom", "day": date(2026, 12, 10),
              "start": time(9, 30), "end": time(15, 30), "capacity": 10,
              "venue": "Riverside Music Centre", "learning_hours": Decimal("5.5")}
    fields.update(overrides)
    return cpd.SessionFields(**fields)


@pytest.fixture
def make_session(hub, network):
    def make(**overrides):
        return cpd.schedule_session(hub, network, session_fields(**overrides))

    return make


@pytest.fixture
def later():
    return lambda **delta: NOW + timedelta(**delta)
