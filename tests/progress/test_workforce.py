"""The workforce view for leads: figures checked against counts made by hand, consent, CSV.

The partnership, as set up by `hub` below (every figure in the tests is counted from this):

    name          role           shares  holds                   working towards
    Lena (lead)   Music leader   yes     Level 5 Diploma         CME
    Ann           Artist         yes     L3-CCP (held)           -
    Bob Private   Artist         no      L3-CCP (completed here) CME
    Cat Private   (no profile)   no      -                       Arts Award (no units: never done)
    Dan Private   Music leader   no      Arts Award, unit U-C    -   (+ verified prior learning U-B)
    =Eve          Artist         yes     -                       L3-CCP (unit U-A achieved)

Areas: U-A 1, U-B 2, U-C 3, the Arts Award itself 4; Eve attended a CPD session covering 5.
"""

import csv
import io
import re
from datetime import UTC, date, datetime, time
from html import escape, unescape

import pytest

from tests.conftest import HTMX
from tests.progress.conftest import TODAY
from workspace.extensions import db
from workspace.models import CommonCoreArea, ItemArea, JobRole
from workspace.models.cpd import Attendance
from workspace.models.progress import UnitStatus
from workspace.services.catalogue import items as catalogue
from workspace.services.catalogue.coverage import AreaState
from workspace.services.cpd import sessions
from workspace.services.partnerships.membership import list_members
from workspace.services.progress import tracking
from workspace.services.progress.workforce import workforce, workforce_csv

PRIVATE = "Private"  # in the name of every member who does not share their record

BY_ROLE = {"Artist": 3, "Music leader": 2, "Role not given": 1}  # Ann Bob Eve; Lena Dan; Cat
BY_LEVEL = {"Level 5": 1, "Level 3": 2, "Level 2": 1,  # Lena; Ann Bob; Dan
            "None recorded": 2}  # Cat Eve
QUALIFICATIONS = {  # title: (hold, working towards), in the order shown
    "Level 3 Certificate for Creative and Cultural Practitioners": (2, 1),  # Ann Bob; Eve
    "Certificate for Music Educators": (0, 2),  # -; Lena Bob
    "Level 2 Arts Award": (1, 1),  # Dan; Cat
    "Level 5 Diploma in Arts Leadership": (1, 0),  # Lena
}
AREAS = {1: 3, 2: 3, 3: 1, 4: 1, 5: 1, 6: 0}  # 1: Ann Bob Eve; 2: Ann Bob Dan; 3, 4: Dan; 5: Eve
# Members whose record does not cover the area and is not yet judged on it (no item is judged
# not to cover anything): Lena (L5, unjudged) on every area; Ann and Bob (L3-CCP) on 3-6; Dan
# on 1, 5, 6; Eve (U-A, CPD on 5) on 2, 3, 4, 6; Cat holds nothing, so nothing to judge.
NOT_JUDGED = {1: 2, 2: 2, 3: 4, 4: 4, 5: 4, 6: 5}


def published(count: int) -> str:
    """As the page and the CSV show a count (services.disclosure): in a partnership of six,
    every count of 1 to 4 members is "<5"."""
    return "<5" if 0 < count < 5 else str(count)


@pytest.fixture
def items(app):
    """L3-CCP (units U-A, U-B), CME (unit U-C), a unit-less Arts Award, a Level 5 diploma."""
    areas = [CommonCoreArea(number=n, title=f"Area {n}") for n in range(1, 7)]
    db.session.add_all(areas)
    db.session.commit()
    make = lambda sid, title, **kw: catalogue.create_item(None, sid, title=title, **kw)  # noqa
    items = {
        "ccp": make("L3-CCP", "Level 3 Certificate for Creative and Cultural Practitioners",
                    is_qualification=True, level=3),
        "cme": make("CME", "Certificate for Music Educators", is_qualification=True, level=4),
        "art": make("ART2", "Level 2 Arts Award", is_qualification=True, level=2),
        "l5": make("L5", "Level 5 Diploma in Arts Leadership", is_qualification=True, level=5),
        "a": make("U-A", "Unit A", credits=5), "b": make("U-B", "Unit B", credits=5),
        "c": make("U-C", "Unit C", credits=5)}
    catalogue.add_component(None, items["ccp"], items["a"])
    catalogue.add_component(None, items["ccp"], items["b"])
    catalogue.add_component(None, items["cme"], items["c"])
    for unit, area in (("a", 0), ("b", 1), ("c", 2), ("art", 3)):
        catalogue.set_areas(None, items[unit], {areas[area].id})
    return items | {"areas": areas}


@pytest.fixture
def hub(make_user, make_partnership, add_member, items):
    roles = {name: JobRole(name=name) for name in ("Artist", "Music leader")}
    db.session.add_all(roles.values())
    db.session.commit()
    people = {key: make_user(name=name) for key, name in (
        ("lena", "Lena"), ("ann", "Ann"), ("bob", f"Bob {PRIVATE}"), ("cat", f"Cat {PRIVATE}"),
        ("dan", f"Dan {PRIVATE}"), ("eve", "=Eve"))}
    partnership = make_partnership(lead=people["lena"])
    for key in ("ann", "bob", "cat", "dan", "eve"):
        add_member(partnership, people[key])

    def profile(key, role, shares):
        tracking.update_profile(people[key], job_role=roles[role], organisation="",
                                share_with_leads=shares)

    def achieve(key, enrolment, *units):
        for unit in units:
            tracking.update_unit(people[key], enrolment.id, items[unit].id,
                                 status=UnitStatus.ACHIEVED)

    profile("lena", "Music leader", True)
    tracking.add_held(people["lena"], items["l5"], year=2015)
    tracking.enrol(people["lena"], items["cme"], TODAY)
    profile("ann", "Artist", True)
    tracking.add_held(people["ann"], items["ccp"], year=2019)
    profile("bob", "Artist", False)
    achieve("bob", tracking.enrol(people["bob"], items["ccp"], TODAY), "a", "b")
    tracking.enrol(people["bob"], items["cme"], TODAY)
    tracking.enrol(people["cat"], items["art"], TODAY)
    profile("dan", "Music leader", False)
    tracking.add_held(people["dan"], items["art"])
    tracking.add_held(people["dan"], items["c"])
    claim = tracking.claim_prior_learning(people["dan"], items["b"], "Years of practice")
    tracking.decide_claim(partnership.id, claim.id, people["lena"], True, datetime.now(UTC))
    profile("eve", "Artist", True)
    achieve("eve", tracking.enrol(people["eve"], items["ccp"], TODAY), "a")
    attend_session(partnership, people["lena"], people["eve"], area_id=items["areas"][4].id)
    return partnership, people


def attend_session(partnership, lead, user, area_id):
    network = sessions.create_network(partnership, name="Network", coordinator=lead)
    fields = sessions.SessionFields(title="Day", day=date(2030, 3, 3), start=time(9), end=time(15),
                               capacity=5, area_ids=frozenset({area_id}))
    cpd_session = sessions.schedule_session(partnership, network, fields)
    booking = sessions.sign_up(cpd_session, user, datetime(2030, 1, 1, tzinfo=UTC))
    sessions.mark_attendance(cpd_session, booking.id, Attendance.ATTENDED, lead,
                             cpd_session.ends_at)


def _text(response) -> str:
    return response.get_data(as_text=True)


# --- the figures ------------------------------------------------------------------------------


def test_counts_equal_the_hand_count(hub):
    figures = workforce(hub[0])
    assert figures.total == 6 and figures.not_consented == 3
    assert {c.label: c.count.raw for c in figures.by_role} == BY_ROLE
    assert [c.label for c in figures.by_role][-1] == "Role not given"
    assert [(c.label, c.count.raw) for c in figures.by_level] == list(BY_LEVEL.items())
    assert {q.item.title: (q.holds.raw, q.working_towards.raw)
            for q in figures.qualifications} == QUALIFICATIONS
    assert {a.area.number: a.members.raw for a in figures.areas} == AREAS


def test_coverage_follows_each_persons_own_record(hub):
    """The bulk count agrees with tracking.record_areas, person by person."""
    figures = workforce(hub[0])
    own = [tracking.record_areas(m.user) for m in list_members(hub[0])]
    assert {a.area.id: a.members.raw for a in figures.areas} == {
        a.area.id: sum(a.area.id in areas for areas in own) for a in figures.areas}


def test_areas_not_yet_judged_are_counted_apart(hub, items):
    figures = workforce(hub[0])
    assert {a.area.number: a.not_judged.raw for a in figures.areas} == NOT_JUDGED
    own = [tracking.record_coverage(m.user) for m in list_members(hub[0])]
    assert {a.area.number: a.not_judged.raw for a in figures.areas} == {
        n: sum(c.state(n) is AreaState.NOT_JUDGED for c in own) for n in AREAS}
    db.session.add(ItemArea(item_id=items["l5"].id, area_id=items["areas"][5].id,
                            covered=False))
    db.session.commit()
    figures = workforce(hub[0])
    assert {a.area.number: a.not_judged.raw for a in figures.areas}[6] == 4  # Lena: now a gap
    assert {a.area.number: a.members.raw for a in figures.areas} == AREAS


def test_only_members_who_share_are_listed_with_their_detail(hub):
    figures = workforce(hub[0])
    assert [r.user.name for r in figures.consented] == ["=Eve", "Ann", "Lena"]  # by name
    eve = figures.consented[0]
    assert (eve.role, eve.level_label, eve.qualifications) == ("Artist", "None recorded", [])
    [working] = eve.working_towards
    assert (working.enrolment.item.stable_id, working.mandatory_achieved) == ("L3-CCP", 1)
    lena = figures.consented[-1]
    assert [i.stable_id for i in lena.qualifications] == ["L5"]
    assert [p.enrolment.item.stable_id for p in lena.working_towards] == ["CME"]


def test_sharing_later_adds_the_record_and_leaves_the_counts(hub):
    partnership, people = hub
    tracking.update_profile(people["bob"], job_role=None, organisation="", share_with_leads=True)
    figures = workforce(partnership)
    bob = next(r for r in figures.consented if r.user.id == people["bob"].id)
    assert bob.level_label == "Level 3" and bob.role == "Role not given"
    assert [i.stable_id for i in bob.qualifications] == ["L3-CCP"]  # completed here
    assert figures.total == 6 and figures.not_consented == 2


def test_key_qualifications_are_listed_even_when_nobody_has_them(make_partnership, items):
    figures = workforce(make_partnership())
    assert [(q.item.stable_id, q.holds.raw, q.working_towards.raw)
            for q in figures.qualifications] == [("L3-CCP", 0, 0), ("CME", 0, 0)]
    assert [(c.label, c.count.raw) for c in figures.by_level] == [("None recorded", 1)]


# --- the page and the CSV -------------------------------------------------------------------


def _row(html: str, label: str) -> str:
    start = html.index(f"{label}</th>")
    return html[start:html.index("</tr>", start)]


def _row_count(html: str, label: str) -> list[str]:
    count = r"\s*<td class=\"count\">[^<]+</td>"
    cells = re.search(rf"{re.escape(label)}(?:</a>.*?)?</th>((?:{count})+)", html, re.S)
    assert cells, f"no row for {label}"
    return [unescape(n) for n in re.findall(r">([^<]+)<", cells.group(1))]


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_the_page_shows_the_figures_and_no_private_name(hub, client, auth, headers):
    partnership, people = hub
    auth.login(people["lena"])
    response = client.get(f"/p/{partnership.id}/workforce", headers=headers)
    assert response.status_code == 200
    html = _text(response)
    assert PRIVATE not in html and people["bob"].email not in html
    assert "3 of 6 members have not" in " ".join(html.split())
    # 5 and over: the count with its cell key noise, as the service publishes it.
    not_judged = {a.area.number: str(a.not_judged) for a in workforce(partnership).areas}
    assert abs(int(not_judged[6]) - NOT_JUDGED[6]) <= 2
    for label, count in {**BY_ROLE, **BY_LEVEL}.items():
        assert _row_count(html, label) == [published(count)]
    for title, counts in QUALIFICATIONS.items():
        assert _row_count(html, title) == list(map(published, counts))
    for number, count in AREAS.items():
        assert _row_count(html, f"{number}. Area {number}") == [published(count)]
        assert f'<td class="count not-judged">{escape(not_judged[number])}</td>' in _row(
            html, f"{number}. Area {number}")
    assert "=Eve" in html and "1 of 2 mandatory units" in html


def _csv(client, partnership) -> list[dict]:
    response = client.get(f"/p/{partnership.id}/workforce.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return list(csv.DictReader(io.StringIO(_text(response))))


def test_the_csv_has_the_same_figures_and_no_private_name(hub, client, auth):
    partnership, people = hub
    auth.login(people["lena"])
    rows = _csv(client, partnership)
    assert PRIVATE not in str(rows)
    section = lambda name: {r["Label"]: r["Count"] for r in rows  # noqa: E731
                            if r["Section"] == name}
    shown = lambda counts: {k: published(v) for k, v in counts.items()}  # noqa: E731
    assert section("Members") == {"All members": "6", "Sharing their record with leads": "3",
                                  "Not sharing their record": "3"}
    assert section("Members by role") == shown(BY_ROLE)
    assert section("Members by highest level held") == shown(BY_LEVEL)
    assert section("Holds qualification") == shown({t: c[0] for t, c in QUALIFICATIONS.items()})
    assert section("Working towards qualification") == shown(
        {t: c[1] for t, c in QUALIFICATIONS.items()})
    assert section("Common Core coverage") == shown({f"{n}. Area {n}": c
                                                     for n, c in AREAS.items()})
    people_rows = [r for r in rows if r["Section"].startswith("Member (")]
    assert [r["Label"] for r in people_rows] == ["'=Eve", "Ann", "Lena"]  # no formula
    assert people_rows[1]["Holds"] == "Level 3 Certificate for Creative and Cultural Practitioners"
    assert people_rows[0]["Working towards"].endswith("(1 of 2 mandatory units)")


def test_the_csv_matches_the_service(hub):
    rows = list(csv.reader(io.StringIO(workforce_csv(hub[0]))))
    assert rows[0][:3] == ["Section", "Label", "Count"]
    assert len(rows) == 1 + 3 + 3 + 4 + 2 * 4 + 6 + 3  # header, sections, three members


@pytest.mark.parametrize("path", ["workforce", "workforce.csv"])
def test_only_leads_see_the_workforce(hub, client, auth, make_user, path):
    partnership, people = hub
    auth.login(people["ann"])
    assert client.get(f"/p/{partnership.id}/{path}").status_code == 403
    auth.logout()
    auth.login(make_user())
    assert client.get(f"/p/{partnership.id}/{path}").status_code == 404
