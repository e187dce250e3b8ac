"""The synthetic catalogue for tests and benchmarks, and search at a size where it matters."""

from collections import Counter

import pytest
from sqlalchemy import func, select

from tests.clock import FROZEN_NOW
from workspace.blueprints.catalogue import synthetic  # noqa: F401  (registers the command)
from workspace.exceptions import DomainError
from workspace.extensions import db
from workspace.models import CatalogueItem, Component, ItemArea, ItemRole, Prerequisite
from workspace.services.catalogue import items
from workspace.services.catalogue.synthetic import PREFIX, SOURCE, generate_catalogue

TODAY = FROZEN_NOW.date()


def synthetic_items(is_qualification: bool) -> list[CatalogueItem]:
    return list(db.session.scalars(select(CatalogueItem).where(
        CatalogueItem.is_qualification.is_(is_qualification),
        CatalogueItem.stable_id.like(f"{PREFIX}%")).order_by(CatalogueItem.stable_id)))


@pytest.fixture
def small(app):
    return generate_catalogue(qualifications=30, modules=300, seed=7)


def test_the_catalogue_has_the_size_asked_for_and_is_marked(small):
    quals, modules = synthetic_items(True), synthetic_items(False)
    assert (len(quals), len(modules)) == (30, 300)
    assert small.counts["qualifications"] == 30 and small.counts["modules"] == 300
    assert all(i.source == SOURCE and i.stable_id.startswith(PREFIX) for i in quals + modules)
    assert all(i.search_text == " ".join(filter(None, [i.title, i.unit_code,
                                                       i.reference_number, i.stable_id])).lower()
               for i in quals + modules)
    assert all(i.title.startswith(("Level", "Award", "Certificate", "Diploma", "Extended",
                                   "NVQ", "Professional")) or " Level " in i.title
               for i in quals)


def test_every_qualification_has_components_and_popular_modules_are_shared(small):
    per_parent = Counter(db.session.scalars(select(Component.parent_id)))
    quals = synthetic_items(True)
    assert all(8 <= per_parent[q.id] <= 15 for q in quals)
    parents_per_module = Counter(db.session.scalars(select(Component.child_id)))
    assert max(parents_per_module.values()) >= 3
    optional = db.session.scalars(select(Component).where(
        Component.mandatory.is_(False), Component.parent_id.in_([q.id for q in quals]))).all()
    assert optional and all(c.group_id is not None for c in optional)


def test_prerequisites_only_go_up_a_level_so_never_cycle(app):
    generate_catalogue(qualifications=200, modules=600, seed=3)
    links = db.session.execute(select(Prerequisite.item_id, Prerequisite.required_id)).all()
    assert links
    levels = dict(db.session.execute(select(CatalogueItem.id, CatalogueItem.level)).all())
    assert all(levels[required] < levels[item] for item, required in links)


def test_modules_deliver_common_core_areas_and_qualifications_have_roles(small):
    modules = synthetic_items(False)
    with_areas = set(db.session.scalars(select(ItemArea.item_id)))
    assert 0.25 < sum(m.id in with_areas for m in modules) / len(modules) < 0.6
    roles = Counter(db.session.scalars(select(ItemRole.item_id)))
    assert all(1 <= roles[q.id] <= 3 for q in synthetic_items(True))


def test_the_same_seed_makes_the_same_catalogue(app):
    generate_catalogue(qualifications=10, modules=80, seed=5)
    first = [i.title for i in synthetic_items(True)]
    generate_catalogue(qualifications=10, modules=80, seed=5, replace=True)
    assert [i.title for i in synthetic_items(True)] == first


def test_a_second_catalogue_is_refused_unless_replacing(small):
    with pytest.raises(DomainError, match="--replace"):
        generate_catalogue(qualifications=5, modules=50)
    generate_catalogue(qualifications=5, modules=50, replace=True)
    count = db.session.scalar(select(func.count()).where(
        CatalogueItem.stable_id.like(f"{PREFIX}%")))
    assert count == 55
    assert items.find_item("CME") is not None  # the seed is left alone


def test_synthetic_items_are_found_by_search(small):
    qualification = synthetic_items(True)[0]
    module = synthetic_items(False)[0]
    for needle in (qualification.title[:20], qualification.reference_number, module.unit_code):
        found = items.search_items(items.CatalogueQuery(q=needle, per_page=100), TODAY)
        assert found.total >= 1
    by_code = items.search_items(items.CatalogueQuery(q=module.unit_code), TODAY)
    assert module.id in [i.id for i in by_code.items]


def test_the_command_makes_a_catalogue_then_refuses_a_second(runner):
    made = runner.invoke(args=["catalogue", "generate", "--qualifications", "4",
                               "--modules", "40", "--seed", "2"])
    assert made.exit_code == 0, made.output
    assert "4 qualifications, 40 modules" in made.output
    again = runner.invoke(args=["catalogue", "generate", "--qualifications", "4",
                                "--modules", "40"])
    assert again.exit_code != 0 and "--replace" in again.output
    replaced = runner.invoke(args=["catalogue", "generate", "--qualifications", "3",
                                   "--modules", "30", "--replace"])
    assert replaced.exit_code == 0, replaced.output
    assert len(synthetic_items(True)) == 3


# --- search with more than COUNT_CAP matches: the planned page equals the plain one ----------

QUERIES = [
    {}, {"q": "level"}, {"q": "lev", "sort": "level"}, {"kind": "qualification"},
    {"kind": "qualification", "page": 3}, {"q": "syn-", "sort": "updated"}, {"q": "ing"},
    {"q": "e", "sort": "level"}, {"status": "current", "page": 40}, {"kind": "module"},
    {"q": "in", "sort": "level_desc", "page": 2}, {"q": "a/6"}, {"q": "saf"},
]


def test_a_page_of_many_matches_is_the_page_a_plain_sorted_query_gives(app, monkeypatch):
    generate_catalogue(qualifications=1400, modules=1600, seed=11)
    role = db.session.scalar(select(ItemRole.job_role_id).group_by(ItemRole.job_role_id)
                             .order_by(func.count().desc()).limit(1))
    queries = QUERIES + [{"area_id": 3}, {"role_id": role}, {"q": "le", "role_id": role}]
    for lead_rows in (2000, 40):  # 40: the walk through the first items mostly fails
        monkeypatch.setattr(items, "LEAD_ROWS", lead_rows)
        dense = set()
        for fields in queries:
            query = items.CatalogueQuery(**fields)
            found = items.search_items(query, TODAY)
            plain = db.session.scalars(
                items.build_search(query, TODAY).with_only_columns(CatalogueItem.id)
                .order_by(*items.SORTS[query.sort]).limit(query.per_page)
                .offset((found.page - 1) * query.per_page))
            assert [i.id for i in found.items] == list(plain), fields
            if found.total_is_capped:
                dense.add(str(fields))
        assert {str({"q": "level"}), str({"kind": "qualification"}), str({"q": "e", "sort":
                "level"})} <= dense and len(dense) >= 10
