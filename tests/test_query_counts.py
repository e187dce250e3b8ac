"""List pages run the same number of queries however many rows they show (no N+1)."""

from datetime import date, time, timedelta

import pytest

from tests.clock import FROZEN_NOW
from tests.conftest import count_queries
from workspace.models.audits import AgePhase, ArtForm, Priority
from workspace.models.partnerships import Role
from workspace.models.progress import UnitStatus
from workspace.services.accounts import users
from workspace.services.audits import records
from workspace.services.catalogue import items
from workspace.services.chat import messages
from workspace.services.partnerships import membership
from workspace.services.progress import tracking
from workspace.services.steering import actions, meetings


@pytest.fixture
def hub(make_user, make_partnership, add_member):
    lead = make_user(name="Lena Lead", email="lena@example.org")
    hub = make_partnership(lead=lead, name="Riverside Music Hub")
    people = [add_member(hub, make_user(name=f"Member {n}", email=f"m{n}@example.org"),
                         Role.STEERING).user for n in range(4)]
    audit = records.create_audit(hub, lead, records.AuditFields(
        title="Audit", period_start=FROZEN_NOW.date() - timedelta(days=83),
        period_end=FROZEN_NOW.date() + timedelta(days=250)),
        minimum_threshold=5)
    return {"hub": hub, "lead": lead, "people": people, "audit": audit,
            "general": messages.general_channel(hub)}


def _add_rows(world, start: int, n: int) -> None:
    """n more of everything the pages list, by different people."""
    hub, audit, groups = world["hub"], world["audit"], records.list_target_groups(world["hub"])
    for i in range(start, start + n):
        person = world["people"][i % len(world["people"])]
        root = messages.post_message(world["general"], person, f"Message {i} for @Lena Lead")
        messages.post_message(world["general"], world["lead"], f"Reply {i}", parent=root)
        records.add_need(audit, records.NeedFields(
            phase=list(AgePhase)[i % 7], art_form=list(ArtForm)[i % 5], ward=f"Ward {i % 4}",
            priority=Priority.HIGH, target_group_id=groups[i % len(groups)].id, children=9))
        records.add_provision(audit, person, records.ProvisionFields(
            provider_name=f"Provider {i}", activity="Workshops", art_form=list(ArtForm)[i % 5],
            phase=list(AgePhase)[i % 7], ward=f"Ward {i % 3}",
            group_ids=frozenset({groups[i % len(groups)].id}), children_reached=30))
        meeting = meetings.create_meeting(hub, person, meetings.MeetingFields(
            title=f"Meeting {i}", day=date(2030, 1, 1 + i % 28), start=time(16)))
        actions.create_action(hub, world["lead"], actions.ActionFields(
            title=f"Action {i}", owner_id=person.id, due_on=date(2030, 2, 1)), meeting=meeting)
        meetings.create_working_group(hub, f"Group {i}")


PAGES = ["/p/{hub}/chat/channels/{general}", "/p/{hub}/audits/{audit}/gaps",
         "/p/{hub}/audits/{audit}/needs", "/p/{hub}/audits/{audit}/provision",
         "/p/{hub}/audits/{audit}/report", "/p/{hub}/actions/", "/p/{hub}/steering/",
         "/p/{hub}/steering/groups", "/p/{hub}/"]


def test_list_pages_do_not_run_a_query_per_row(client, auth, hub):
    auth.login(hub["lead"])
    urls = [p.format(hub=hub["hub"].id, audit=hub["audit"].id, general=hub["general"].id)
            for p in PAGES]
    for url in urls:  # a first visit starts the read marker; the others move it on
        client.get(url)
    _add_rows(hub, 0, 3)
    few = {url: count_queries(client, url) for url in urls}
    _add_rows(hub, 3, 9)
    many = {url: count_queries(client, url) for url in urls}
    assert many == few


def _add_learners(world, start: int, n: int) -> None:
    """n more members working towards a qualification, holding one, one part-way."""
    qualification = items.find_item("QCOUNT") or items.create_item(
        None, "QCOUNT", title="Counting certificate", is_qualification=True, level=3)
    units = [items.find_item(f"QCOUNT-U{u}") for u in range(3)]
    if units[0] is None:
        units = [items.create_item(None, f"QCOUNT-U{u}", title=f"Unit {u}") for u in range(3)]
        for unit in units:
            items.add_component(None, qualification, unit)
    held = items.find_item("QHELD") or items.create_item(
        None, "QHELD", title="Held diploma", is_qualification=True, level=4)
    for i in range(start, start + n):
        person = make_member(world, f"Learner {i}", f"learner{i}@example.org")
        enrolment = tracking.enrol(person, qualification, FROZEN_NOW.date())
        tracking.update_unit(person, enrolment.id, units[i % 3].id, status=UnitStatus.ACHIEVED,
                             achieved_on=FROZEN_NOW.date())
        tracking.add_held(person, held, year=2020, evidence_note="")


def make_member(world, name: str, email: str):
    user = users.register_user(email, name, "a long enough password")
    invitation = membership.create_invitation(world["hub"], world["lead"], Role.MEMBER)
    membership.accept_invitation(invitation.token, user)
    return user


def test_the_workforce_and_the_leads_dashboard_do_not_run_a_query_per_learner(client, auth,
                                                                               hub):
    auth.login(hub["lead"])
    urls = [f"/p/{hub['hub'].id}/workforce", "/"]
    _add_learners(hub, 0, 2)
    for url in urls:
        client.get(url)
    few = {url: count_queries(client, url) for url in urls}
    _add_learners(hub, 2, 7)
    assert {url: count_queries(client, url) for url in urls} == few
