"""Every endpoint, walked by people who must not reach another partnership's data.

The walk reads `app.url_map`, so endpoints added later are covered without editing this file.
URL arguments follow one convention: `<table>_id` names a row of that table, and the walk
fills it with a row that belongs to the other partnership ("Zebra"); `partnership_id` is
that partnership itself. A new argument outside the convention fails the test loudly.
"""

import io
import os
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from flask import current_app
from sqlalchemy import select

from tests.access_samples import add_samples
from tests.clock import FROZEN_NOW
from tests.conftest import HTMX, Browsers
from tests.seed_copy import load_seed
from workspace.extensions import db
from workspace.models import Membership
from workspace.models.cpd import Attendance, ClaimKind
from workspace.models.partnerships import Role, Sector
from workspace.services.catalogue import items
from workspace.services.cpd import logbook, resources, sessions, supply
from workspace.services.partnerships import membership as service
from workspace.services.progress import tracking

SECRET = "zebra"  # every name in the other partnership carries it; no answer may contain it
PUBLIC_ENDPOINTS = {"static", "main.index", "main.healthz", "accounts.register",
                    "accounts.finish_registration", "accounts.login", "accounts.reset_request",
                    "accounts.reset_password",
                    "partnerships.invitation", "cpd.calendar_feed", "audits.needs_form",
                    "credentials.public_key", "credentials.show", "credentials.verify",
                    "partnerships.directory_index"}


def add_catalogue_sample() -> None:
    """The shared catalogue's objects (outside any partnership), for URL arguments."""
    load_seed()
    items.add_prerequisite(None, items.find_item("CME"), items.find_item("L3-CCP"))


def add_cpd_sample(partnership, lead, attendee, coordinator=None) -> None:
    """A network (coordinated by the lead unless a coordinator is given) with a session
    series, a booking attended and claimed for, a resource shared by the coordinator."""
    coordinator = coordinator or lead
    network = sessions.create_network(partnership, name="Zebra network", coordinator=coordinator)
    fields = sessions.SessionFields(title="Zebra day", day=date(2030, 3, 3), start=time(9),
                               end=time(15), capacity=5, learning_hours=Decimal("5"))
    series = sessions.schedule_series(partnership, network, "Zebra year", [date(2030, 3, 3)],
                                      fields)
    session = sessions.list_sessions(partnership)[0].session
    assert session.series_id == series.id
    booking = sessions.sign_up(session, attendee, datetime(2030, 1, 1, tzinfo=UTC))
    sessions.mark_attendance(session, booking.id, Attendance.ATTENDED, lead, session.ends_at)
    supply.set_rates(partnership, lead, day_pence=11000, half_day_pence=5500)
    supply.claim_supply(session, attendee, kind=ClaimKind.DAY, note="Zebra cover")
    resources.add_link(network, coordinator, "Zebra links", "Zebra notes",
                       "https://example.org/zebra")


def add_progress_sample(person) -> None:
    """A person's own records: held, enrolled, prior learning claimed, a CPD log entry."""
    tracking.update_profile(person, job_role=None, organisation="Zebra school",
                            share_with_leads=False)
    held = tracking.add_held(person, items.find_item("L3-CCP"), year=2019,
                             evidence_note="Zebra certificate")
    tracking.attach_evidence(person, held.id, "zebra-certificate.pdf",
                             io.BytesIO(b"%PDF-1.4 Zebra certificate"),
                             os.path.join(current_app.instance_path, "uploads"))
    tracking.enrol(person, items.find_item("CME"), FROZEN_NOW.date())
    tracking.claim_prior_learning(person, items.find_item("CME-U6"), "Zebra experience")
    logbook.add_entry(person, FROZEN_NOW.date() - timedelta(days=22), "Zebra reading",
                      Decimal("2"), "Zebra notes")


@pytest.fixture
def world(make_user, make_partnership, add_member):
    """Our partnership, where the walker is lead, and Zebra's, full of data to protect."""
    walker = make_user(name="Walker", email="walker@example.org")
    ours = make_partnership(lead=walker, name="Our partnership")
    our_org = service.add_organisation(ours, name="Our school", sector=Sector.SCHOOL,
                                       school_phase="Primary")
    service.add_representative(ours, our_org.id, ours.memberships[0].id)

    zebra_lead = make_user(name="Zebra Lead", email="zebra.lead@example.org")
    theirs = make_partnership(lead=zebra_lead, name="Zebra Hub", place="Zebra ward",
                              lead_organisation="Zebra Music Service",
                              description="Zebra plans")
    member = add_member(theirs, make_user(name="Zebra Member", email="zebra.m@example.org"))
    steer = add_member(theirs, make_user(name="Zebra Steer", email="zebra.s@example.org"),
                       Role.STEERING)
    org = service.add_organisation(theirs, name="Zebra School", sector=Sector.SCHOOL,
                                   school_phase="Primary")
    service.add_representative(theirs, org.id, member.id)
    service.create_invitation(theirs, zebra_lead, Role.LEAD, email="zebra.new@example.org")
    service.change_role(theirs, member.id, Role.STEERING, zebra_lead)
    add_catalogue_sample()
    add_cpd_sample(theirs, zebra_lead, member.user)
    add_progress_sample(member.user)
    add_samples({"theirs": theirs, "lead": zebra_lead, "member": member.user,
                 "steer": steer.user})
    return {"walker": walker, "ours": ours, "theirs": theirs}


def _tables_with_partnership():
    return [t for t in db.metadata.sorted_tables if "partnership_id" in t.c]


def snapshot(partnership_id: int) -> dict:
    """Every row that belongs to the partnership, and the accounts of its people."""
    rows = {}
    for table in _tables_with_partnership():
        rows[table.name] = sorted(
            tuple(r) for r in db.session.execute(
                select(table).where(table.c.partnership_id == partnership_id)))
    partnership_table = db.metadata.tables["partnership"]
    rows["partnership"] = [tuple(r) for r in db.session.execute(
        select(partnership_table).where(partnership_table.c.id == partnership_id))]
    user_table = db.metadata.tables["user"]
    member_ids = select(Membership.user_id).where(Membership.partnership_id == partnership_id)
    rows["user"] = sorted(tuple(r) for r in db.session.execute(
        select(user_table).where(user_table.c.id.in_(member_ids))))
    db.session.rollback()
    return rows


def _row_of(table_name: str, partnership_id: int) -> int:
    table = db.metadata.tables.get(table_name)
    assert table is not None, f"URL argument {table_name}_id names no table: follow the convention"
    query = select(table.c.id)
    if "partnership_id" in table.c:
        query = query.where(table.c.partnership_id == partnership_id)
    row_id = db.session.scalar(query.order_by(table.c.id.desc()))
    assert row_id is not None, f"the fixture has no {table_name} row to try"
    return row_id


def url_arguments(rule, partnership_id: int, objects_of: int) -> dict:
    """Values for the rule's arguments: the partnership given, objects of `objects_of`."""
    values = {}
    for name in rule.arguments:
        if name == "partnership_id":
            values[name] = partnership_id
        elif name.endswith("_id"):
            values[name] = _row_of(name[:-3], objects_of)
        elif name == "token":
            values[name] = "a-token-nobody-was-given"
        elif name == "year":
            values[name] = 2030
        elif name == "filename":
            values[name] = "app.css"
        else:
            pytest.fail(f"{rule.rule}: argument {name!r} outside the convention")
    return values


def form_data(theirs_id: int) -> dict:
    """A form that would pass validation on most endpoints, aimed at Zebra's data."""
    member_id = db.session.scalar(select(Membership.id).where(
        Membership.partnership_id == theirs_id).order_by(Membership.id.desc()))
    return {"name": "Changed by an outsider", "kind": "hub", "place": "Elsewhere",
            "lead_organisation": "Outsiders", "description": "changed", "role": "lead",
            "email": "outsider@example.org", "sector": "other", "school_phase": "",
            "membership_id": str(member_id), "password": "a long new password",
            "confirm": "a long new password", "current_password": "not the password"}


def walk(app, login_as=None, partnership_id=None, objects_of=None):
    """Request every endpoint with every method, each request from a new client (signed in as
    `login_as`, if given); yield (rule, method, response)."""
    browsers = Browsers(app)
    email = login_as.email if login_as is not None else None
    for rule in app.url_map.iter_rules():
        values = url_arguments(rule, partnership_id, objects_of)
        with app.test_request_context():
            url = app.url_for(rule.endpoint, **values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for headers in ({}, HTMX):
                client = browsers.client(email)
                if method == "GET":
                    response = client.get(url, headers=headers)
                else:
                    response = client.open(url, method=method, headers=headers,
                                           data=form_data(objects_of))
                yield rule, method, response
                response.close()


def _assert_nothing_given_away(rule, method, response):
    body = response.get_data().decode("utf-8", "replace").lower()  # PDFs too
    assert SECRET not in body, f"{method} {rule.rule} shows another partnership's data"
    location = response.headers.get("Location", "").lower()
    assert SECRET not in location


def test_anonymous_visitors_reach_nothing_inside_a_partnership(app, world):
    theirs = world["theirs"]
    before = snapshot(theirs.id)
    for rule, method, response in walk(app, None, theirs.id, theirs.id):
        _assert_nothing_given_away(rule, method, response)
        if rule.endpoint not in PUBLIC_ENDPOINTS:
            assert response.status_code == 302, f"{method} {rule.rule}"
            assert "/login" in response.headers["Location"], f"{method} {rule.rule}"
    assert snapshot(theirs.id) == before


def test_members_of_another_partnership_get_404_and_change_nothing(app, world):
    theirs = world["theirs"]
    before = snapshot(theirs.id)
    for rule, method, response in walk(app, world["walker"], theirs.id, theirs.id):
        _assert_nothing_given_away(rule, method, response)
        if "partnership_id" in rule.arguments or outside_partnerships(rule):
            assert response.status_code == 404, f"{method} {rule.rule}"
        assert snapshot(theirs.id) == before, f"{method} {rule.rule} changed their data"


def outside_partnerships(rule) -> bool:
    """Routes of a network of partnerships, or of a session opened beyond its partnership:
    a partnership outside the network (the walker's, of Zebra's network) is not told they
    exist."""
    return "partnership_network_id" in rule.arguments or (
        rule.endpoint.startswith("cpd.open_") and "cpd_session_id" in rule.arguments)


def test_their_object_ids_inside_our_partnership_are_not_found(app, world):
    """A lead of one partnership tries the other's objects through their own partnership."""
    ours, theirs = world["ours"], world["theirs"]
    before = snapshot(theirs.id)
    for rule, method, response in walk(app, world["walker"], ours.id, theirs.id):
        _assert_nothing_given_away(rule, method, response)
        objects = [a for a in rule.arguments if a.endswith("_id") and a != "partnership_id"]
        if "partnership_id" in rule.arguments and objects:
            assert response.status_code == 404, f"{method} {rule.rule}"
        assert snapshot(theirs.id) == before, f"{method} {rule.rule} changed their data"


def test_the_walk_covers_partnership_routes(app):
    """Guards the walk itself: the partnership routes it relies on exist."""
    rules = [r for r in app.url_map.iter_rules() if "partnership_id" in r.arguments]
    assert len(rules) >= 10
