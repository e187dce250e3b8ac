"""Two music hubs that form a SEND network, and a third partnership outside it."""

from datetime import time, timedelta
from decimal import Decimal

import pytest

from tests.clock import FROZEN_NOW
from workspace.services.cpd import sessions
from workspace.services.networks import partners as networks

NOW = FROZEN_NOW


@pytest.fixture
def people(make_user, make_partnership, add_member):
    """Hub A (lead Ada, member Alf), hub B (lead Bea, teacher Bet), hub C (lead Cy)."""
    ada = make_user(name="Ada Lead", email="ada@example.org")
    bea = make_user(name="Bea Lead", email="bea@example.org")
    cy = make_user(name="Cy Lead", email="cy@example.org")
    hub_a = make_partnership(lead=ada, name="Northumberland Music Hub")
    hub_b = make_partnership(lead=bea, name="Tees Valley Music Hub")
    hub_c = make_partnership(lead=cy, name="Cumbria Music Hub")
    alf = add_member(hub_a, make_user(name="Alf Member", email="alf@example.org")).user
    bet = add_member(hub_b, make_user(name="Bet Teacher", email="bet@example.org")).user
    return {"ada": ada, "bea": bea, "cy": cy, "alf": alf, "bet": bet,
            "hub_a": hub_a, "hub_b": hub_b, "hub_c": hub_c}


def form_network(people):
    """Hub A forms the network and hub B joins it by the link."""
    network = networks.create_network(people["hub_a"], people["ada"],
                                      name="North East SEND network", theme="North East · SEND")
    _, token = networks.create_invite(network, people["ada"], "Tees Valley", NOW)
    networks.accept_invite(token, people["hub_b"], people["bea"], NOW)
    return network


@pytest.fixture
def network(people):
    return form_network(people)


def open_session(people, network, **overrides):
    """A session of hub A, opened to the network unless told otherwise."""
    cpd_network = sessions.create_network(people["hub_a"], name="SEND practitioners")
    fields = {"title": "Adaptive instruments", "day": NOW.date() + timedelta(days=17),
              "start": time(9, 30), "end": time(15, 30), "capacity": 2,
              "learning_hours": Decimal("5"), "audience": sessions.SessionAudience.NETWORK,
              "audience_network_id": network.id}
    fields.update(overrides)
    return sessions.schedule_session(people["hub_a"], cpd_network,
                                     sessions.SessionFields(**fields))
