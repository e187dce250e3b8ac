"""Next steps for a role, on the shipped catalogue: why each qualification, its units and
hours as sourced, its Common Core coverage, and CPD sessions that deliver its units."""

from datetime import date, time
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.seed_copy import load_seed
from workspace.extensions import db
from workspace.models import Basis, JobRole
from workspace.services.catalogue import items
from workspace.services.cpd import sessions
from workspace.services.progress import role_steps, tracking

ROLE = "Instrumental and vocal teacher"


@pytest.fixture
def teacher(app, make_user, make_partnership, add_member):
    load_seed()
    user = make_user(name="Ivy Teacher")
    hub = make_partnership(name="Riverside Music Hub")
    add_member(hub, user)
    role = db.session.scalar(select(JobRole).where(JobRole.name == ROLE))
    tracking.update_profile(user, job_role=role, organisation="", share_with_leads=False)
    network = sessions.create_network(hub, name="Instrumental teachers",
                                      coordinator=hub.memberships[0].user)
    unit = items.find_item("CME-U1")
    sessions.schedule_session(hub, network, sessions.SessionFields(
        title="Musical learning study day", day=date(2027, 1, 14), start=time(9, 30),
        end=time(15, 30), capacity=12, learning_hours=Decimal("5"),
        module_ids=frozenset({unit.id})))
    elsewhere = make_partnership(name="Hillside Hub")
    away = sessions.create_network(elsewhere, name="Away",
                                   coordinator=elsewhere.memberships[0].user)
    sessions.schedule_session(elsewhere, away, sessions.SessionFields(
        title="Not your partnership's day", day=date(2027, 1, 15), start=time(9, 30),
        end=time(15, 30), capacity=12, learning_hours=Decimal("5"),
        module_ids=frozenset({unit.id})))
    return user, role


def _cme_step(user, role, now):
    plan = tracking.progression(user, now.date(), now)
    steps = role_steps.for_profile(user, role, plan.for_role, now)
    return next(s for s in steps if s.item.stable_id == "CME")


def test_the_cme_is_a_step_for_an_instrumental_teacher_with_why_units_and_coverage(
        teacher, clock):
    user, role = teacher
    step = _cme_step(user, role, clock.now)
    assert step.basis == Basis.SOURCE and ROLE in step.reason
    assert [(c.child.title, c.child.guided_learning_hours) for c in step.units] == [
        ("Understanding children and young people's musical learning", 45),
        ("Planning, facilitating and evaluating children and young people's musical learning",
         45),
        ("Reflective practice and professional development in music education", 35),
        ("Promoting children and young people's positive behaviour", None),
        ("Equality, diversity and inclusion in music education", 15),
        ("Safeguarding children and young people in music education", None)]
    areas = items.list_areas()
    assert [a.number for a in step.covered(areas)] == [2, 3, 5]
    assert [a.number for a in step.not_judged(areas)] == [1, 4, 6]
    assert [s.title for s in step.sessions] == ["Musical learning study day"]


def test_no_role_no_steps(app, make_user):
    assert role_steps.for_profile(make_user(), None, [], None) == []


def test_the_next_steps_page_shows_the_detail(teacher, client, auth):
    user, _ = teacher
    auth.login(user)
    page = client.get("/me/next-steps").get_data(as_text=True)
    assert f"What {ROLE} calls for" in page
    assert "A source names it for the role Instrumental and vocal teacher." in page
    assert "45 guided learning hours" in page and "hours not given by the sources" in page
    assert "3 of 6 not yet judged" in page and "Musical learning study day" in page
    assert "Not your partnership&#39;s day" not in page
