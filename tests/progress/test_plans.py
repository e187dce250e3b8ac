"""The initial self-assessment and personal action plan: the rules, and the page."""

from datetime import date, time

import pytest

from tests.conftest import HTMX
from tests.progress.conftest import TODAY
from workspace.clock import utcnow
from workspace.exceptions import DomainError, NotFound
from workspace.models.centres import Confidence
from workspace.services.catalogue import items
from workspace.services.cpd import sessions
from workspace.services.progress import centres, plans


@pytest.fixture
def planned(cme_hub, make_user, make_partnership):
    """Pat registered for the CME; a session on unit 1 in the hub, and one elsewhere."""
    hub = cme_hub
    network = sessions.create_network(hub["partnership"], name="Music educators",
                                      coordinator=hub["lead"])
    on_unit = sessions.schedule_session(hub["partnership"], network, sessions.SessionFields(
        "Musical learning in the early years", date(2027, 1, 20), time(16), time(18), 20,
        module_ids=frozenset({hub["unit"].id})))
    general = sessions.schedule_session(hub["partnership"], network, sessions.SessionFields(
        "Singing in assemblies", date(2027, 2, 3), time(16), time(17), 20))
    elsewhere = make_partnership(lead=make_user(), name="Elsewhere")
    other = sessions.schedule_session(
        elsewhere, sessions.create_network(elsewhere, name="Theirs"),
        sessions.SessionFields("Not yours", date(2027, 1, 5), time(9), time(10), 5))
    enrolment = centres.register(hub["centre"], hub["learner"], TODAY).enrolment
    return {**hub, "enrolment": enrolment, "on_unit": on_unit, "general": general,
            "other": other}


def test_the_plan_offers_the_persons_sessions_and_marks_those_delivering_the_unit(planned):
    offered = plans.session_choices(planned["learner"], utcnow())
    assert [s.title for s in offered] == ["Musical learning in the early years",
                                          "Singing in assemblies"]
    rows = plans.plan_rows(planned["enrolment"], offered)
    assert len(rows) == 6 and rows[0].unit.id == planned["unit"].id
    assert rows[0].delivering == {planned["on_unit"].id} and rows[1].delivering == set()


def test_saving_a_units_self_assessment_and_plan(planned):
    enrolment, unit = planned["enrolment"], planned["unit"]
    offered = plans.session_choices(planned["learner"], utcnow())
    plan = plans.save_unit_plan(enrolment, unit.id, confidence=Confidence.PARTLY,
                                support="  Observe an early years session.  ",
                                session_ids={planned["on_unit"].id}, offered=offered)
    assert plan.confidence == Confidence.PARTLY
    assert plan.support == "Observe an early years session."
    assert [s.title for s in plan.sessions] == ["Musical learning in the early years"]
    with pytest.raises(DomainError, match="Choose sessions from the list."):
        plans.save_unit_plan(enrolment, unit.id, confidence=None, support="",
                             session_ids={planned["other"].id}, offered=offered)
    with pytest.raises(NotFound):  # not a unit of the CME
        plans.save_unit_plan(enrolment, items.find_item("L3-CCP").id, confidence=None,
                             support="", session_ids=set(), offered=offered)


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_the_plan_page(client, auth, planned, headers):
    enrolment, unit = planned["enrolment"], planned["unit"]
    auth.login(planned["learner"])
    url = f"/me/enrolments/{enrolment.id}/plan"
    page = client.get(url, headers=headers).get_data(as_text=True)
    assert "Self-assessment and action plan" in page and f'id="plan-{unit.id}"' in page
    assert "Musical learning in the early years · 20 Jan 2027 · delivers this unit" in page
    assert "Not yours" not in page
    prefix = f"u{unit.id}-"
    save = f"/me/enrolments/{enrolment.id}/plan/{unit.id}"
    response = client.post(save, headers=headers, data={
        f"{prefix}confidence": "very", f"{prefix}support": "Mentoring"})
    assert response.status_code == 422
    assert "Choose confident, partly or not yet." in response.get_data(as_text=True)
    assert 'Mentoring</textarea>' in response.get_data(as_text=True)
    assert plans.plan_rows(enrolment, [])[0].plan is None
    response = client.post(save, headers=headers, data={
        f"{prefix}confidence": "not_yet", f"{prefix}support": "Mentoring",
        f"{prefix}sessions": str(planned["on_unit"].id)})
    assert response.status_code == 302
    page = client.get(url, headers=headers).get_data(as_text=True)
    assert "Not yet: <strong>1</strong>" in page and "Mentoring</textarea>" in page
    assert "Self-assessment and action plan" in client.get(
        f"/me/enrolments/{enrolment.id}").get_data(as_text=True)


def test_someone_elses_plan_is_not_found(client, auth, planned):
    auth.login(planned["assessor"])
    enrolment = planned["enrolment"]
    assert client.get(f"/me/enrolments/{enrolment.id}/plan").status_code == 404
    assert client.post(f"/me/enrolments/{enrolment.id}/plan/{planned['unit'].id}",
                       data={}).status_code == 404
