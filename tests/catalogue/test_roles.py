"""Two roles side by side: what each calls for, coverage in three states, what a move needs."""

import pytest

from tests.conftest import HTMX
from tests.seed_copy import load_seed
from workspace.extensions import db
from workspace.models import Basis, ItemArea, ItemRole, JobRole
from workspace.services.catalogue import items, roles
from workspace.services.catalogue.coverage import AreaState


@pytest.fixture
def world(areas, make_item):
    """A teacher's role and a leader's role; the leader's calls for one more qualification."""
    teacher, leader, empty = (JobRole(name=n) for n in ("Teacher", "Leader", "Unlinked"))
    db.session.add_all([teacher, leader, empty])
    shared = make_item("Shared certificate", is_qualification=True, level=3)
    extra = make_item("Leadership diploma", is_qualification=True, level=5, is_key=True)
    unit = make_item("Safeguarding unit", level=3)
    items.add_component(None, extra, unit)
    db.session.add_all([
        ItemRole(item_id=shared.id, job_role_id=teacher.id, basis=Basis.SOURCE),
        ItemRole(item_id=shared.id, job_role_id=leader.id, basis=Basis.SOURCE),
        ItemRole(item_id=extra.id, job_role_id=leader.id, basis=Basis.EDITORIAL),
        ItemArea(item_id=shared.id, area_id=areas[1].id, covered=True, basis_text="says so"),
        ItemArea(item_id=shared.id, area_id=areas[2].id, covered=False),
        ItemArea(item_id=extra.id, area_id=areas[2].id, covered=False),
        ItemArea(item_id=unit.id, area_id=areas[2].id, covered=False),
        ItemArea(item_id=unit.id, area_id=areas[3].id, covered=True, basis_text="title"),
    ])
    db.session.commit()
    return {"teacher": teacher, "leader": leader, "empty": empty, "shared": shared,
            "extra": extra}


def _compare(first, second):
    return roles.compare_roles(first, second, items.list_areas())


def test_a_move_needs_what_the_second_role_calls_for_and_the_first_does_not(world):
    comparison = _compare(world["teacher"], world["leader"])
    assert [c.item.title for c in comparison.to_gain] == ["Leadership diploma"]
    assert comparison.to_gain[0].basis == Basis.EDITORIAL
    assert [i.title for i in comparison.both] == ["Shared certificate"]
    assert [i.title for i in comparison.second.key] == ["Leadership diploma"]
    assert _compare(world["leader"], world["teacher"]).to_gain == []


def test_coverage_is_compared_in_three_states(world):
    states = {r.area.number: (r.first, r.second)
              for r in _compare(world["teacher"], world["leader"]).areas}
    assert states[1] == (AreaState.COVERED, AreaState.COVERED)
    assert states[2] == (AreaState.NOT_COVERED, AreaState.NOT_COVERED)
    # The leader's diploma covers area 3 through its unit; the teacher's certificate is silent.
    assert states[3] == (AreaState.NOT_JUDGED, AreaState.COVERED)
    comparison = _compare(world["teacher"], world["leader"])
    assert [r.area.number for r in comparison.areas if r.gained] == [3]
    assert comparison.not_judged == 4  # areas 3-6 for the teacher, 4-6 for the leader


def test_a_role_with_no_qualifications_judges_nothing(world):
    comparison = _compare(world["empty"], world["teacher"])
    assert {r.first for r in comparison.areas} == {AreaState.NOT_JUDGED}
    assert comparison.first.called == []


def test_the_page_and_its_fragment(world, client, auth, make_user):
    auth.login(make_user())
    ids = {"first": world["teacher"].id, "second": world["leader"].id}
    page = client.get("/catalogue/roles/compare", query_string=ids).get_data(as_text=True)
    assert "<html" in page and "Moving from Teacher to Leader" in page
    assert "Leadership diploma" in page and "editors&#39; suggestion" in page
    fragment = client.get("/catalogue/roles/compare", query_string=ids, headers=HTMX)
    text = fragment.get_data(as_text=True)
    assert "<html" not in text and text.lstrip().startswith('<div id="role-comparison"')
    assert "(gained)" in text and "not yet judged" in text
    empty = client.get("/catalogue/roles/compare").get_data(as_text=True)
    assert "Choose two roles" in empty and ">Teacher</option>" not in empty  # no cluster set


def test_unknown_roles_are_not_found_and_visitors_must_log_in(world, client, auth, make_user):
    assert client.get("/catalogue/roles/compare").status_code == 302
    auth.login(make_user())
    assert client.get("/catalogue/roles/compare?first=999&second=1").status_code == 404


def test_the_shipped_catalogue_compares_a_teacher_with_a_music_leader(app, client, auth,
                                                                        make_user):
    load_seed()
    auth.login(make_user())
    by_name = {r.name: r.id for r in db.session.query(JobRole)}
    page = client.get("/catalogue/roles/compare", query_string={
        "first": by_name["Instrumental and vocal teacher"],
        "second": by_name["Youth worker"]}).get_data(as_text=True)
    assert "Trinity Level 4 Certificate for Music Educators (Trinity CME)" in page
    assert "NOCN Level 2 Award in Youth Work Practice" in page
    assert '<optgroup label="Music and cultural education workforce">' in page
