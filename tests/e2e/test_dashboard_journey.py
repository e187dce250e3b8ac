"""Each persona's dashboard shows at least one chart, drawn as SVG inside a figure, and its
table alternative with the same figures (the figure printed beside each bar is the table's last
column)."""

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, log_in
from workspace.models.progress import UnitStatus
from workspace.services.catalogue import items
from workspace.services.cpd import logbook, sessions
from workspace.services.progress import tracking

pytestmark = pytest.mark.browser


@pytest.fixture
def personas(make_user, make_partnership, add_member, clock):
    lead = make_user(name="Lena Lead", email="lena@example.org", password=PASSWORD)
    teacher = make_user(name="Tom Teacher", email="tom@example.org", password=PASSWORD)
    practitioner = make_user(name="Pat Practitioner", email="pat@example.org",
                             password=PASSWORD)
    hub = make_partnership(lead=lead, name="Riverside Music Hub")
    add_member(hub, teacher)
    add_member(hub, practitioner)
    network = sessions.create_network(hub, name="Primary music teachers", coordinator=lead)
    sessions.join_network(network, teacher)
    day = sessions.schedule_session(hub, network, sessions.SessionFields(
        title="Singing day", day=clock.ahead(20), start=time(9, 30), end=time(15),
        capacity=4, learning_hours=Decimal("5")))
    sessions.sign_up(day, teacher, datetime.now(UTC))
    logbook.add_entry(teacher, clock.today, "Reading on singing", "2", today=clock.today)
    make = lambda sid, title, **kw: items.create_item(None, sid, title=title, **kw)  # noqa
    certificate = make("Q3", "Level 3 Certificate in Creative Practice", is_qualification=True,
                       level=3)
    units = [make(f"Q3-U{n}", f"Unit {n}", level=3) for n in range(1, 4)]
    for unit in units:
        items.add_component(None, certificate, unit)
    enrolment = tracking.enrol(practitioner, certificate, clock.today - timedelta(days=30))
    tracking.update_unit(practitioner, enrolment.id, units[0].id, status=UnitStatus.ACHIEVED,
                         achieved_on=clock.today)
    return {"lead": lead, "teacher": teacher, "practitioner": practitioner}


def chart_figures(page, caption: str) -> list[str]:
    """The figures the chart's picture prints, once checked to be its table's too."""
    figure = page.locator("figure.chart").filter(has_text=caption)
    picture = figure.locator("svg[role=img]")
    expect(picture).to_be_visible()
    assert picture.get_attribute("aria-labelledby") == figure.locator(
        "figcaption").get_attribute("id")
    printed = picture.locator("text.chart-figure").all_text_contents()
    figure.get_by_text("The figures as a table").click()
    table = figure.get_by_role("table")
    expect(table).to_be_visible()
    rows = table.locator("tbody tr")
    in_table = [rows.nth(i).locator("td").last.text_content().strip()
                for i in range(rows.count())]
    assert printed == in_table
    return printed


@pytest.mark.parametrize("persona, caption, expected", [
    ("lead", "Places booked on the next sessions", ["1 of 4"]),
    ("teacher", "Your CPD hours per term this school year", ["0 h", "0 h", "2 h"]),
    ("practitioner", "Your progress towards each qualification", ["1 of 3"]),
])
def test_each_persona_sees_a_chart_and_its_table(live_server, new_page, personas, shot,
                                                 persona, caption, expected):
    for viewport in ({"width": 1280, "height": 860}, {"width": 375, "height": 800}):
        page = new_page(viewport=viewport)
        log_in(page, live_server, personas[persona].email)
        expect(page.get_by_role("heading", name="Your dashboard")).to_be_visible()
        # (the hours are in today's term, which may be any of the three: sorted)
        assert sorted(chart_figures(page, caption)) == expected
        shot(page, f"dashboard-{persona}-{viewport['width']}")
