from datetime import date

import pytest

from tests.clock import FROZEN_NOW
from workspace.exceptions import DomainError
from workspace.models import ItemStatus
from workspace.services.catalogue import items
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
    load_catalogue_seed()
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
    load_catalogue_seed()
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
