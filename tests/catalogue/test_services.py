from datetime import date

import pytest
from sqlalchemy import select

from tests.clock import FROZEN_NOW
from tests.seed_copy import load_seed
from workspace.exceptions import DomainError
from workspace.extensions import db
from workspace.models import Basis, ItemArea, ItemFact, ItemRole, ItemStatus, JobRole
from workspace.services.catalogue import coverage, items
from workspace.services.catalogue.items import CatalogueQuery
from workspace.services.catalogue.seed import load_catalogue_seed

TODAY = FROZEN_NOW.date()


def _titles(**query) -> list[str]:
    return [i.title for i in items.search_items(CatalogueQuery(**query), TODAY).items]


def test_seed_loads_documented_content_and_loading_twice_changes_nothing(app):
    """The SSC set and the Common Core (tests/catalogue/test_seed.py: the pack's content)."""
    load_catalogue_seed()
    counts = (len(items.list_roles()), len(items.list_clusters()),
              len(items.list_areas()))
    load_catalogue_seed()
    assert (len(items.list_roles()), len(items.list_clusters()),
            len(items.list_areas())) == counts == (124 + 26, 11 + 1, 6)


def test_roles_listed_under_two_clusters_are_one_role(app):
    load_seed()
    mentor = next(r for r in items.list_roles() if r.name == "Learning Mentor Level 3")
    assert sorted(c.name for c in mentor.clusters) == ["Education & Training",
                                                       "Youth Work and Support"]


def test_search_by_part_of_title_and_by_code(make_item):
    make_item("Certificate for Music Educators", is_qualification=True)
    make_item("Music technology short course", unit_code="MT/101")
    make_item("Safeguarding children", reference_number="A/600/1234")
    assert _titles(q="music educ") == ["Certificate for Music Educators"]
    assert _titles(q="MUSIC") == ["Certificate for Music Educators",
                                  "Music technology short course"]
    assert _titles(q="a/600") == ["Safeguarding children"]
    assert _titles(q="mt/1") == ["Music technology short course"]
    assert _titles(q="50% off") == []


def test_filters_combine(make_item, areas):
    music = make_item("Music leader", is_qualification=True, level=3, is_key=True,
                      item_type="VRQ certificate", accrediting_body="Trinity")
    make_item("Music unit", level=3, item_type="Unit")
    make_item("Dance leader", is_qualification=True, level=4, accrediting_body="Trinity")
    items.set_areas(None, music, {areas[3].id})
    assert _titles(kind="qualification") == ["Dance leader", "Music leader"]
    assert _titles(level=3, kind="qualification") == ["Music leader"]
    assert _titles(accrediting_body="Trinity", sort="level_desc") == ["Dance leader",
                                                                      "Music leader"]
    assert _titles(key_only=True) == ["Music leader"]
    assert _titles(area_id=areas[3].id) == ["Music leader"]
    assert _titles(item_type="Unit") == ["Music unit"]


def test_role_and_cluster_filters(app):
    load_seed()
    cme = items.find_item("CME")
    mentor = next(r for r in items.list_roles() if r.name == "Learning Mentor Level 3")
    items.set_roles(None, cme, {mentor.id})
    youth = next(c for c in items.list_clusters() if c.name == "Youth Work and Support")
    assert _titles(role_id=mentor.id) == [cme.title]
    assert _titles(cluster_id=youth.id) == [cme.title]


def test_status_filter_treats_passed_operational_end_as_closed(make_item):
    make_item("Open one")
    ended = make_item("Ended one", operational_end=date(2020, 1, 1))
    make_item("Gone", status=ItemStatus.WITHDRAWN)
    assert ended.effective_status(TODAY) == ItemStatus.CLOSED
    assert _titles(status="current") == ["Open one"]
    assert _titles(status="closed") == ["Ended one"]
    assert _titles(status="withdrawn") == ["Gone"]


def test_pagination_and_capped_count(make_item):
    for n in range(30):
        make_item(f"Unit {n:02}")
    page = items.search_items(CatalogueQuery(page=2, per_page=25), TODAY)
    assert page.total == 30 and page.pages == 2 and not page.has_next
    assert [i.title for i in page.items] == [f"Unit {n:02}" for n in range(25, 30)]
    assert items.search_items(CatalogueQuery(page=99), TODAY).page == 2


def test_coverage_comes_from_components_at_any_depth(make_item, areas):
    qual, unit, element = make_item("Qual"), make_item("Unit"), make_item("Element")
    items.add_component(None, qual, unit)
    items.add_component(None, unit, element)
    items.set_areas(None, element, {areas[2].id})
    items.set_areas(None, qual, {areas[1].id})
    assert items.covered_areas(qual.id) == {areas[1].id, areas[2].id}
    assert items.covered_areas(unit.id) == {areas[2].id}


def test_component_cycles_are_refused_with_a_clear_message(make_item):
    a, b, c = make_item("A"), make_item("B"), make_item("C")
    items.add_component(None, a, b)
    items.add_component(None, b, c)
    with pytest.raises(DomainError, match="would make a cycle"):
        items.add_component(None, c, a)
    with pytest.raises(DomainError, match="cycle"):
        items.add_component(None, a, a)
    with pytest.raises(DomainError, match="already a component"):
        items.add_component(None, a, b)
    assert items.descendants(c.id) == set()


def test_prerequisite_cycles_are_refused(make_item):
    l2, l3, l4 = make_item("L2"), make_item("L3"), make_item("L4")
    items.add_prerequisite(None, l3, l2)
    items.add_prerequisite(None, l4, l3)
    with pytest.raises(DomainError, match="would make a cycle"):
        items.add_prerequisite(None, l2, l4)
    assert items.required_before(l4.id) == {l2.id, l3.id}
    details = items.item_details(l3)
    assert [p.required.title for p in details.prerequisites] == ["L2"]
    assert [i.title for i in details.leads_to] == ["L4"]


def test_a_module_can_sit_in_many_qualifications_mandatory_or_optional(make_item):
    shared = make_item("Safeguarding unit")
    first, second = make_item("First", is_qualification=True), make_item("Second")
    group = items.add_group(None, second, "Group B", min_credits=10)
    items.add_component(None, first, shared, mandatory=True)
    items.add_component(None, second, shared, mandatory=False, group=group)
    used = items.item_details(shared).used_in
    assert sorted((c.parent.title, c.mandatory) for c in used) == [("First", True),
                                                                   ("Second", False)]
    (opt_group, members), = items.item_details(second).optional
    assert opt_group.min_credits == 10 and [m.child.title for m in members] == [
        "Safeguarding unit"]


def test_every_change_is_recorded_with_who(make_item, editor, areas):
    item = items.create_item(editor, "Q1", title="Original")
    items.update_item(editor, item, title="Renamed", level=3)
    items.set_areas(editor, item, {areas[1].id})
    items.withdraw_item(editor, item, TODAY)
    changes = items.item_details(item).changes
    assert [c.action for c in reversed(changes)] == [
        "created", "edited", "Common Core areas changed", "withdrawn"]
    assert all(c.actor == editor for c in changes)
    assert "title: Original → Renamed" in changes[2].summary
    with pytest.raises(DomainError, match="already withdrawn"):
        items.withdraw_item(editor, item, TODAY)


def test_unchanged_edit_records_nothing_and_ids_stay_unique(make_item, editor):
    item = make_item("Same", stable_id="S1")
    make_item("Other", stable_id="S2")
    assert items.update_item(editor, item, title="Same") == []
    with pytest.raises(DomainError) as error:
        items.update_item(editor, item, stable_id="s2")
    assert error.value.field == "stable_id"
    with pytest.raises(DomainError, match="before the start"):
        items.update_item(editor, item, operational_start=date(2024, 1, 1),
                              operational_end=date(2023, 1, 1))


def test_optional_group_names_are_unique_within_an_item(make_item):
    qual = make_item("Qual")
    items.add_group(None, qual, "Group A", min_components=2)
    with pytest.raises(DomainError, match="already has a group called group a"):
        items.add_group(None, qual, "group a")
    assert [g.name for g in qual.groups] == ["Group A"]


# --- Common Core coverage in three states ---------------------------------------------------

C, N, U = (coverage.AreaState.COVERED, coverage.AreaState.NOT_COVERED,
           coverage.AreaState.NOT_JUDGED)


def _judged(**areas) -> coverage.Coverage:
    """One part's own judgements: area n covered (True) or judged not covered (False)."""
    return coverage.own_coverage((int(n[1:]), v) for n, v in areas.items())


@pytest.mark.parametrize("parts, expected", [
    ([_judged(a1=True)], C),
    ([_judged(a1=False)], N),
    ([_judged()], U),  # no row: not yet judged
    ([_judged(a1=False), _judged(a1=True)], C),  # any part covering it covers it
    ([_judged(a1=False), _judged(a1=False)], N),  # every part judged not covered
    ([_judged(a1=False), _judged()], U),  # one part unjudged: not a gap
    ([_judged(), _judged(a1=True)], C),
    ([], N),  # nothing at all: not covered, with nothing left to judge
    ([_judged(a1=False), coverage.covering([2])], N),  # a CPD session leaves area 1 alone
    ([_judged(), coverage.covering([1])], C),
])
def test_the_coverage_rule(parts, expected):
    assert coverage.combine(parts).state(1) is expected
    assert coverage.combine(reversed(parts)).state(1) is expected  # order does not matter


def _judge(item, area, covered, basis=Basis.SOURCE, words=""):
    db.session.add(ItemArea(item_id=item.id, area_id=area.id, covered=covered, basis=basis,
                            basis_text=words))
    db.session.commit()


@pytest.fixture
def judged(make_item, areas):
    """A qualification and a unit in it, each judged on some areas:

        area   qualification                    unit
        1      covered (source, words)          -
        2      -                                covered (editorial, words)
        3      judged not covered               judged not covered
        4      judged not covered               -
        5      -                                judged not covered
        6      -                                -
    """
    qual = make_item("Level 3 Award", is_qualification=True)
    unit = make_item("Unit one")
    items.add_component(None, qual, unit)
    _judge(qual, areas[1], True, words="Unit 1 teaches safeguarding.")
    _judge(unit, areas[2], True, Basis.EDITORIAL, "Learning outcome 2.1.")
    for item, number in ((qual, 3), (unit, 3), (qual, 4), (unit, 5)):
        _judge(item, areas[number], False)
    return qual, unit


def test_item_details_give_each_area_its_state_and_basis(judged):
    qual, unit = judged
    lines = items.item_details(qual).areas
    assert [line.state for line in lines] == [C, C, N, U, U, U]
    one, two, three, four, five, six = lines
    assert one.own.basis == Basis.SOURCE and one.own.basis_text == "Unit 1 teaches safeguarding."
    assert one.through == []
    assert two.own is None and [(ref.title, j.basis) for ref, j in two.through] == [
        ("Unit one", Basis.EDITORIAL)]
    assert three.own.covered is False and (three.components, three.unjudged_components) == (1, 0)
    assert four.own.covered is False and four.unjudged_components == 1  # the unit: unjudged
    assert five.own is None and five.unjudged_components == 0  # only the item is unjudged
    assert items.item_details(qual).not_judged == 3
    assert items.item_details(qual).own_areas == [one.area]
    assert [line.state for line in items.item_details(unit).areas] == [U, C, N, U, N, U]


def test_only_areas_judged_covered_count_as_covered(judged, areas):
    qual, unit = judged
    assert items.covered_areas(qual.id) == {areas[1].id, areas[2].id}
    assert items.covered_areas(unit.id) == {areas[2].id}
    assert _titles(area_id=areas[3].id) == []  # judged not covered: not a match
    assert _titles(area_id=areas[1].id) == ["Level 3 Award"]
    found = coverage.coverage_of([qual.id])[qual.id]
    assert [found.state(n) for n in range(1, 7)] == [
        line.state for line in items.item_details(qual).areas]


def test_editors_tick_areas_as_their_judgement(judged, areas, editor):
    qual, _ = judged
    items.set_areas(editor, qual, {areas[1].id, areas[4].id, areas[6].id})
    rows = {j.area_id: j for j in db.session.scalars(
        select(ItemArea).where(ItemArea.item_id == qual.id))}
    assert rows[areas[1].id].basis == Basis.SOURCE  # ticked already: kept as it was
    assert (rows[areas[4].id].covered, rows[areas[4].id].basis) == (True, Basis.EDITORIAL)
    assert (rows[areas[6].id].covered, rows[areas[6].id].basis) == (True, Basis.EDITORIAL)
    assert rows[areas[3].id].covered is False  # judged not covered, not ticked: stays so
    items.set_areas(editor, qual, {areas[4].id, areas[6].id})
    assert areas[1].id not in {j.area_id for j in db.session.scalars(
        select(ItemArea).where(ItemArea.item_id == qual.id))}  # unticked: not yet judged
    change = items.item_details(qual).changes[0]
    assert change.action == "Common Core areas changed" and change.summary.startswith("−")


def test_facts_with_their_sources_links_only_for_http(make_item):
    item = make_item("Certificate")
    item.facts = [
        ItemFact(field="Available from", value="September 2013 (planned)", position=0,
                 sources="https://example.org/cme\njavascript:alert(1)\n"),
        ItemFact(field="glh", value="442-525", position=1, sources="ftp://example.org/x")]
    db.session.commit()
    first, second = items.item_details(item).facts
    assert (first.label, first.value) == ("Available from", "September 2013 (planned)")
    assert [(s.address, s.is_link) for s in first.sources] == [
        ("https://example.org/cme", True), ("javascript:alert(1)", False)]
    assert (second.label, second.value, second.sources[0].is_link) == (
        "Guided learning hours", "442-525", False)
    assert items.item_details(item).shared_sources is None


def test_roles_say_what_the_link_rests_on(make_item):
    item = make_item("Certificate")
    named, suggested = JobRole(name="Music leader"), JobRole(name="Youth worker")
    db.session.add_all([named, suggested])
    db.session.flush()
    db.session.add_all([ItemRole(item_id=item.id, job_role_id=named.id, basis=Basis.SOURCE),
                        ItemRole(item_id=item.id, job_role_id=suggested.id)])
    db.session.commit()
    details = items.item_details(item)
    assert [r.name for r in details.roles] == ["Music leader", "Youth worker"]
    assert [link.basis for link in details.links] == [Basis.SOURCE, Basis.EDITORIAL]
