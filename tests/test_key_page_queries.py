"""The key pages (bench/load_bench.py's PAGES) run the same number of queries however many rows
they show: each page is counted with a few rows, then with more of what it lists (made by
different people where it lists people's doings), and the two counts must be equal (no N+1).
The lead's home page, the partnership overview and the workforce view are pinned in
test_query_counts.py.

Each page's count is also held under a ceiling: the count it runs today, on SQLite and on
PostgreSQL alike. A change that adds a query to one of these pages must raise its ceiling here
knowingly (and say why in its commit); a change that saves queries may lower it.
"""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.clock import FROZEN_NOW
from tests.conftest import count_queries
from workspace.extensions import db
from workspace.models import Channel, CpdSession, JobRole
from workspace.models.partnerships import Role
from workspace.models.progress import UnitStatus
from workspace.services.catalogue import items
from workspace.services.chat import messages
from workspace.services.cpd import logbook, resources, sessions
from workspace.services.progress import tracking

# Queries per page as counted today. Raise one only knowingly: a change that adds a query to a
# key page must say so here.
CEILINGS = {
    "/ (teacher)": 16,  # its networks' unread counts read the read markers first
    "/ (practitioner)": 35,
    "/ (catalogue editor)": 10,
    "/catalogue/?q=": 10,
    "/catalogue/items/<id>": 19,
    "/catalogue/items/<id> (editor)": 21,
    "/p/<id>/cpd/networks/<id>": 10,
    "/p/<id>/cpd/networks/<id> (series)": 11,  # and one query for all the series
    "/p/<id>/cpd/sessions/<id>": 14,
    "/p/<id>/cpd/sessions/<id> (lead)": 14,
    "/me/progress": 20,
    "/me/next-steps": 38,
}

TODAY = FROZEN_NOW.date()


def day_ahead(days: int):
    """A session day to come, counted from the frozen clock's today."""
    return TODAY + timedelta(days=days)


def session_fields(title: str, days: int, capacity: int = 10, **overrides):
    return sessions.SessionFields(**{
        "title": title, "day": day_ahead(days), "start": time(9, 30), "end": time(15, 30),
        "capacity": capacity, "venue": "Riverside Music Centre",
        "learning_hours": Decimal("5.5"), **overrides})


def pin(client, page: str, url: str, add_rows, shows: str) -> None:
    """The page's count with the rows it has, then after add_rows() (the page then `shows` a
    row added last): equal, and under the page's ceiling."""
    client.get(url)  # a first visit may start a read marker; counted visits only read
    few = count_queries(client, url)
    add_rows()
    many = count_queries(client, url)
    assert shows in client.get(url).get_data(as_text=True), f"{page} does not list the rows"
    assert many == few, f"{page}: {few} queries with a few rows, {many} with more"
    assert many <= CEILINGS[page], f"{page}: {many} queries, more than its ceiling"
    print(f"{page}: {many} queries")


@pytest.fixture
def world(make_user, make_partnership, add_member):
    lead = make_user(name="Lena Lead", email="lena@example.org")
    hub = make_partnership(lead=lead, name="Riverside Music Hub")
    people = []
    for n in range(12):
        person = make_user(name=f"Member {n}", email=f"m{n}@example.org")
        add_member(hub, person, Role.MEMBER)
        people.append(person)
    teacher = make_user(name="Tess Teacher", email="tess@example.org")
    add_member(hub, teacher, Role.MEMBER)
    network = sessions.create_network(hub, name="Primary music teachers", coordinator=lead)
    return {"hub": hub, "lead": lead, "people": people, "teacher": teacher,
            "network": network}



@pytest.fixture
def editor(make_user):
    user = make_user(name="Edith Editor", email="editor@example.org")
    user.is_catalogue_editor = True
    db.session.commit()
    return user


# --- a teacher's home page --------------------------------------------------------------


def _network_channel(world, network) -> Channel:
    messages.ensure_channels(world["hub"])
    return db.session.query(Channel).filter_by(network_id=network.id).one()


def _add_teaching(world, start: int, n: int) -> None:
    """n more networks the teacher is in, each with news in its channel and a resource, a
    place on a session and a waiting-list place (behind someone else) on a full one."""
    hub, lead, teacher = world["hub"], world["lead"], world["teacher"]
    for i in range(start, start + n):
        other = world["people"][i % len(world["people"])]
        network = sessions.create_network(hub, name=f"Network {i}", coordinator=lead)
        sessions.join_network(network, teacher)
        sessions.join_network(network, other)
        channel = _network_channel(world, network)
        messages.post_message(channel, lead, f"Welcome to network {i}")
        messages.post_message(channel, other, f"Hello from member {i}")
        resources.add_link(network, other, f"Resource {i}", "", f"https://example.org/r{i}")
        place = sessions.schedule_session(hub, network, session_fields(f"Session {i}", 10 + i))
        sessions.sign_up(place, teacher, FROZEN_NOW)
        full = sessions.schedule_session(hub, network,
                                         session_fields(f"Full {i}", 11 + i, capacity=1))
        sessions.sign_up(full, other, FROZEN_NOW)
        sessions.sign_up(full, teacher, FROZEN_NOW)


def test_a_teachers_home_page(client, auth, world):
    _add_teaching(world, 0, 2)
    auth.login(world["teacher"])
    pin(client, "/ (teacher)", "/", lambda: _add_teaching(world, 2, 6), "Network 7")


# --- a practitioner's home page, progress and next steps ------------------------------------


@pytest.fixture
def practitioner(world, areas, make_user, add_member):
    person = make_user(name="Pat Practitioner", email="pat@example.org")
    add_member(world["hub"], person, Role.MEMBER)
    role = JobRole(name="Music leader")
    db.session.add(role)
    db.session.commit()
    tracking.update_profile(person, job_role=role, organisation="Riverside",
                            share_with_leads=False)
    return {**world, "practitioner": person, "role": role, "areas": areas}


def _add_learning(world, start: int, n: int) -> None:
    """n more qualifications the practitioner is enrolled on (units achieved, under way, one
    claimed as prior learning), qualifications held, the ones they lead to, sessions to come
    delivering the units, and CPD logged."""
    person, role, areas = world["practitioner"], world["role"], world["areas"]
    for i in range(start, start + n):
        area = areas[i % 6 + 1]
        qualification = items.create_item(None, f"Q{i}", title=f"Certificate {i}",
                                          is_qualification=True, level=3 + i % 3)
        units = [items.create_item(None, f"Q{i}-U{u}", title=f"Unit {i}.{u}", level=3,
                                   credits=5) for u in range(3)]
        items.add_component(None, qualification, units[0])
        items.add_component(None, qualification, units[1])
        group = items.add_group(None, qualification, f"Options {i}", min_components=1)
        items.add_component(None, qualification, units[2], mandatory=False, group=group)
        items.set_areas(None, units[0], {area.id})
        items.set_roles(None, qualification, {role.id})
        enrolment = tracking.enrol(person, qualification, TODAY)
        tracking.update_unit(person, enrolment.id, units[0].id, status=UnitStatus.ACHIEVED,
                             achieved_on=TODAY)
        tracking.update_unit(person, enrolment.id, units[1].id,
                             status=UnitStatus.IN_PROGRESS, started_on=TODAY)
        tracking.claim_prior_learning(person, units[2], "Ran the options for years")
        held = items.create_item(None, f"H{i}", title=f"Held award {i}", is_qualification=True,
                                 level=2 + i % 3)
        held_unit = items.create_item(None, f"H{i}-U", title=f"Held unit {i}", level=2)
        items.add_component(None, held, held_unit)
        tracking.add_held(person, held, year=2015 + i % 10)
        following = items.create_item(None, f"N{i}", title=f"Diploma {i}",
                                      is_qualification=True, level=4 + i % 3)
        items.add_component(None, following, units[1])
        items.add_prerequisite(None, following, held)
        items.set_roles(None, following, {role.id})
        sessions.schedule_session(world["hub"], world["network"], session_fields(
            f"Unit session {i}", 20 + i, module_ids=frozenset({units[1].id}),
            area_ids=frozenset({area.id})))
        logbook.add_entry(person, TODAY - timedelta(days=i + 1), f"Reading {i}", "1.5",
                          today=TODAY)


@pytest.mark.parametrize("page, url, shows", [("/ (practitioner)", "/", "Certificate 7"),
                                              ("/me/progress", "/me/progress", "Held award 7"),
                                              ("/me/next-steps", "/me/next-steps", "Diploma 7")])
def test_a_practitioners_pages(client, auth, practitioner, page, url, shows):
    _add_learning(practitioner, 0, 2)
    auth.login(practitioner["practitioner"])
    pin(client, page, url, lambda: _add_learning(practitioner, 2, 6), shows)


# --- the catalogue: an editor's home page, search, a qualification's page --------------------


def _add_catalogue(editor, start: int, n: int) -> None:
    """n more qualifications and units, of several levels, made by the editor (changes), some
    withdrawn; every title has "Drumming" in it."""
    for i in range(start, start + n):
        qualification = items.create_item(editor, f"D{i}", title=f"Drumming certificate {i}",
                                          is_qualification=True, level=i % 5 or None,
                                          accrediting_body=f"Body {i % 3}")
        unit = items.create_item(editor, f"D{i}-U", title=f"Drumming unit {i}", level=2,
                                 credits=4)
        items.add_component(editor, qualification, unit)
        if i % 3 == 0:
            items.withdraw_item(editor, qualification, TODAY)


def test_a_catalogue_editors_home_page(client, auth, editor):
    _add_catalogue(editor, 0, 2)
    auth.login(editor)
    pin(client, "/ (catalogue editor)", "/", lambda: _add_catalogue(editor, 2, 8),
        "10 qualifications and 10 units")


def test_catalogue_search(client, auth, editor):
    _add_catalogue(editor, 0, 2)  # 4 matches
    auth.login(editor)
    pin(client, "/catalogue/?q=", "/catalogue/?q=drumming",
        lambda: _add_catalogue(editor, 2, 12),  # 28 matches: a full page of 25 and more
        "Drumming certificate 13")


def _add_components(editor, qualification, areas, roles, start: int, n: int) -> None:
    """n more units in the qualification, mandatory and optional (in groups), judged against
    the Common Core, each also in another qualification; and n more roles it serves."""
    for i in range(start, start + n):
        unit = items.create_item(editor, f"C{i}", title=f"Component {i}", level=3, credits=5)
        if i % 2:
            group = items.add_group(editor, qualification, f"Group {i}", min_components=1)
            items.add_component(editor, qualification, unit, mandatory=False, group=group)
        else:
            items.add_component(editor, qualification, unit)
        items.set_areas(editor, unit, {areas[i % 6 + 1].id})
        other = items.create_item(editor, f"O{i}", title=f"Other award {i}",
                                  is_qualification=True, level=2)
        items.add_component(editor, other, unit)
        role = JobRole(name=f"Role {i}")
        db.session.add(role)
        db.session.commit()
        roles.add(role.id)
        items.set_roles(editor, qualification, set(roles))


@pytest.mark.parametrize("page, viewer", [("/catalogue/items/<id>", "teacher"),
                                          ("/catalogue/items/<id> (editor)", "editor")])
def test_a_qualifications_page(client, auth, world, areas, editor, page, viewer):
    qualification = items.create_item(editor, "BIG", title="Big diploma",
                                      is_qualification=True, level=4)
    roles: set[int] = set()
    _add_components(editor, qualification, areas, roles, 0, 2)
    auth.login(world["teacher"] if viewer == "teacher" else editor)
    pin(client, page, f"/catalogue/items/{qualification.id}",
        lambda: _add_components(editor, qualification, areas, roles, 2, 8), "Component 9")


# --- CPD: a network's sessions, a session's page ---------------------------------------------


def _add_sessions(world, start: int, n: int, series: bool = False) -> None:
    """n more sessions in the network, each booked by different people (every other one full,
    with a waiting list); with `series`, n more series of two sessions as well."""
    hub, network, people = world["hub"], world["network"], world["people"]
    for i in range(start, start + n):
        cpd_session = sessions.schedule_session(hub, network, session_fields(
            f"Session {i}", 10 + i, capacity=2))
        for k in range(3 if i % 2 else 1):
            sessions.sign_up(cpd_session, people[(i + k) % len(people)], FROZEN_NOW)
        if series:
            made = sessions.schedule_series(hub, network, f"Series {i}",
                                            [day_ahead(40 + i), day_ahead(70 + i)],
                                            session_fields(f"Series {i}", 40 + i))
            first = db.session.scalars(select(CpdSession).where(
                CpdSession.series_id == made.id).order_by(CpdSession.id)).first()
            sessions.sign_up(first, people[i % len(people)], FROZEN_NOW)


def test_a_networks_sessions(client, auth, world):
    _add_sessions(world, 0, 2)
    auth.login(world["teacher"])
    pin(client, "/p/<id>/cpd/networks/<id>",
        f"/p/{world['hub'].id}/cpd/networks/{world['network'].id}",
        lambda: _add_sessions(world, 2, 8), "Session 9")


def test_a_networks_sessions_in_series(client, auth, world):
    _add_sessions(world, 0, 2, series=True)
    auth.login(world["teacher"])
    pin(client, "/p/<id>/cpd/networks/<id> (series)",
        f"/p/{world['hub'].id}/cpd/networks/{world['network'].id}",
        lambda: _add_sessions(world, 2, 8, series=True), "Series 9")


def _add_bookings(world, cpd_session, start: int, n: int) -> None:
    """n more people signed up (places while they last, then the waiting list)."""
    for i in range(start, start + n):
        sessions.sign_up(cpd_session, world["people"][i], FROZEN_NOW)


@pytest.mark.parametrize("page, viewer, shows", [
    ("/p/<id>/cpd/sessions/<id>", "teacher", "waiting list"),
    ("/p/<id>/cpd/sessions/<id> (lead)", "lead", "Member 11")])
def test_a_sessions_page(client, auth, world, page, viewer, shows):
    cpd_session = sessions.schedule_session(world["hub"], world["network"], session_fields(
        "Singing in the primary classroom", 17, capacity=2))
    _add_bookings(world, cpd_session, 0, 2)
    sessions.sign_up(cpd_session, world["teacher"], FROZEN_NOW)  # first on the waiting list
    auth.login(world[viewer])
    pin(client, page, f"/p/{world['hub'].id}/cpd/sessions/{cpd_session.id}",
        lambda: _add_bookings(world, cpd_session, 2, 10), shows)
