"""Hand-made audit data, kept as plain dicts too so that tests can compute the figures
independently of the services."""

from datetime import UTC, date, datetime

import pytest

from workspace.models.audits import AgePhase, ArtForm, Priority
from workspace.models.partnerships import Role
from workspace.services.audits import records

NOW = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)

# Needs and provision as plain data; group None means all children and young people.
NEEDS = [
    {"group": "SEND", "phase": "ks2", "art": "music", "ward": "Northgate", "priority": "high",
     "children": 3, "org": "Northgate Primary"},
    {"group": "SEND", "phase": "ks2", "art": "music", "ward": "Northgate", "priority": "low",
     "children": None, "org": "Oakfield School"},
    {"group": "EAL", "phase": "ks2", "art": "music", "ward": "Northgate", "priority": "medium",
     "children": 40, "org": "Northgate Primary"},
    {"group": None, "phase": "ks3", "art": "dance", "ward": "Riverside", "priority": "high",
     "children": 120, "org": "Riverside Academy"},
    {"group": "Looked-after children", "phase": "ks3", "art": "drama", "ward": "Riverside",
     "priority": "high", "children": 2, "org": "Virtual School"},
    {"group": "Disadvantaged", "phase": "ks1", "art": "visual_arts", "ward": "Hillcrest",
     "priority": "medium", "children": 60, "org": "Hillcrest Infants"},
    {"group": "Disadvantaged", "phase": "ks1", "art": "visual_arts", "ward": "Hillcrest",
     "priority": "medium", "children": 25, "org": "Hillcrest Juniors"},
    {"group": "EAL", "phase": "ks2", "art": "music", "ward": "Riverside", "priority": "low",
     "children": 11, "org": "Riverside Academy"},
]

PROVISION = [
    {"groups": ["EAL", "Disadvantaged"], "phase": "ks2", "art": "music", "ward": "Northgate",
     "reach": 90, "provider": "Riverside Music Service"},
    {"groups": [], "phase": "ks3", "art": "dance", "ward": "Riverside", "reach": 4,
     "provider": "Dance Hub"},
    {"groups": ["Disadvantaged"], "phase": "ks1", "art": "visual_arts", "ward": "Hillcrest",
     "reach": 30, "provider": "Gallery"},
    {"groups": ["SEND"], "phase": "ks3", "art": "drama", "ward": "Riverside", "reach": 1,
     "provider": "Theatre"},
    {"groups": [], "phase": "ks2", "art": "music", "ward": "Hillcrest", "reach": 200,
     "provider": "Riverside Music Service"},
    {"groups": ["EAL"], "phase": "ks2", "art": "music", "ward": "Riverside", "reach": 15,
     "provider": "Riverside Music Service"},
    {"groups": ["EAL"], "phase": "ks2", "art": "music", "ward": "Riverside", "reach": 7,
     "provider": "Community Choir"},
]


@pytest.fixture
def lead(make_user):
    return make_user(name="Lena Lead", email="lena@example.org")


@pytest.fixture
def hub(make_partnership, lead):
    return make_partnership(lead=lead, name="Riverside Music Hub")


@pytest.fixture
def steer(hub, make_user, add_member):
    user = make_user(name="Sam Steer", email="sam@example.org")
    add_member(hub, user, Role.STEERING)
    return user


@pytest.fixture
def member(hub, make_user, add_member):
    user = make_user(name="Mo Member", email="mo@example.org")
    add_member(hub, user, Role.MEMBER)
    return user


@pytest.fixture
def audit(hub, lead):
    return records.create_audit(hub, lead, records.AuditFields(
        title="Music audit 2026", period_start=date(2026, 9, 1), period_end=date(2027, 7, 31),
        area="Northgate, Riverside, Hillcrest"), minimum_threshold=5)


def group_ids(hub) -> dict[str | None, int | None]:
    return {g.name: g.id for g in records.list_target_groups(hub)} | {None: None}


def add_need(hub, audit, row: dict):
    return records.add_need(audit, records.NeedFields(
        phase=AgePhase(row["phase"]), art_form=ArtForm(row["art"]), ward=row["ward"],
        priority=Priority(row["priority"]), target_group_id=group_ids(hub)[row["group"]],
        children=row["children"], respondent_organisation=row.get("org", ""),
        setting=row.get("setting", "")))


def add_provision(hub, audit, lead, row: dict):
    ids = group_ids(hub)
    return records.add_provision(audit, lead, records.ProvisionFields(
        provider_name=row["provider"], activity=row.get("activity", "Workshops"),
        art_form=ArtForm(row["art"]), phase=AgePhase(row["phase"]), ward=row["ward"],
        group_ids=frozenset(ids[g] for g in row["groups"]), children_reached=row["reach"],
        setting=row.get("setting", "")))


@pytest.fixture
def filled(hub, audit, lead):
    """The audit with NEEDS and PROVISION."""
    for row in NEEDS:
        add_need(hub, audit, row)
    for row in PROVISION:
        add_provision(hub, audit, lead, row)
    return audit
