"""The home page is the person's dashboard: as a page and as an htmx fragment, with a chart and
its table for each persona, and a number of queries that does not grow with the rows."""

import re
from datetime import date, timedelta

import pytest

from tests.clock import FROZEN_NOW
from tests.conftest import HTMX, count_queries
from tests.dashboards.conftest import TODAY, network_channel, session_fields
from workspace.models.audits import AgePhase, ArtForm, Priority
from workspace.models.partnerships import Sector
from workspace.services.audits import records
from workspace.services.chat import messages
from workspace.services.cpd import logbook, resources, sessions
from workspace.services.partnerships import membership
from workspace.services.steering import actions


def _text(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _charts(html: str) -> list[str]:
    return re.findall(r'<figure class="chart".*?</figure>', html, re.S)


def test_a_lead_sees_their_partnership_dashboard(world, client, auth):
    auth.login(world["lead"])
    html = _text(client.get("/"))
    assert "<h1>Your dashboard</h1>" in html and "Riverside Music Hub" in html
    assert "North East Music Hub" not in html and "Not for Riverside" not in html
    fill = next(c for c in _charts(html) if "Places booked on the next sessions" in c)
    assert '<svg class="chart-picture" role="img"' in fill and "<table>" in fill
    assert "10 Dec · 1 waiting · Singing day" in fill and "2 of 2" in fill
    assert f'href="/p/{world["hub"].id}/actions/"' in html
    assert f'href="/p/{world["hub"].id}/cpd/supply"' in html
    assert "Members by job role" in html and "&lt;5" in html


@pytest.mark.parametrize("persona, caption", [
    ("teacher", "Your CPD hours per term this school year"),
    ("practitioner", "Your progress towards each qualification")])
def test_each_persona_sees_a_chart_with_its_table(world, client, auth, persona, caption):
    auth.login(world[persona])
    html = _text(client.get("/"))
    chart = next(c for c in _charts(html) if caption in c)
    assert "<svg" in chart and "<details" in chart and "<table>" in chart
    assert "you lead it" not in html


def test_the_teacher_sees_their_waiting_place_and_news(world, client, auth):
    auth.login(world["teacher"])
    html = _text(client.get("/"))
    assert "Waiting list: number 1" in html
    assert "Warm-ups" in html and "1 new message" in html
    assert re.search(r'7\.5 <small>hours this school year', html)


def test_an_htmx_request_gets_the_dashboard_alone(world, client, auth):
    auth.login(world["practitioner"])
    html = _text(client.get("/", headers=HTMX))
    assert html.lstrip().startswith("{#") is False and "<html" not in html
    assert 'id="dashboard"' in html and "Your progress towards each qualification" in html
    assert "Next unit: Planning sessions (in progress)" in html
    assert "Complete by 5 January 2028" in html


def test_a_visitor_gets_the_welcome(client):
    assert "Your dashboard" not in _text(client.get("/"))


def _add_rows(world, start: int, n: int) -> None:
    """n more of everything the dashboard counts or lists, in the lead's hub."""
    hub, lead, network = world["hub"], world["lead"], world["network"]
    groups = records.list_target_groups(hub)
    audit = records.list_audits(hub)[0]
    for i in range(start, start + n):
        membership.add_organisation(hub, name=f"Org {i}", sector=Sector.CULTURAL)
        day = date(2027, 2, 1) + timedelta(days=i)
        cpd = sessions.schedule_session(hub, network, session_fields(f"Day {i}", day, 1))
        sessions.sign_up(cpd, world["practitioner"], FROZEN_NOW)
        sessions.sign_up(cpd, lead, FROZEN_NOW)  # waiting: a position each
        actions.create_action(hub, lead, actions.ActionFields(
            title=f"Action {i}", owner_id=lead.id, due_on=date(2026, 10, 1)))
        messages.post_message(network_channel(network), world["teacher"], f"Note {i}")
        messages.post_message(messages.general_channel(hub), world["teacher"], f"Hi {i}")
        resources.add_link(network, lead, f"Link {i}", "", f"https://example.org/{i}")
        logbook.add_entry(lead, date(2026, 10, 1 + i), f"Reading {i}", "1", today=TODAY)
        records.add_need(audit, records.NeedFields(
            phase=list(AgePhase)[i % 7], art_form=list(ArtForm)[i % 5], ward=f"Ward {i}",
            priority=Priority.MEDIUM, target_group_id=groups[i % len(groups)].id, children=9))


def test_the_dashboard_does_not_run_a_query_per_row(world, client, auth):
    sessions.join_network(world["network"], world["lead"])  # lead, teacher at once
    auth.login(world["lead"])
    client.get("/")
    _add_rows(world, 0, 3)
    few = count_queries(client, "/")
    _add_rows(world, 3, 9)
    assert count_queries(client, "/") == few
