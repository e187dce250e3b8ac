"""The stored coverage (ItemCoverage) equals the recursive computation (closure_coverage) after
every kind of change, whoever makes it: editors, import, the pack, the synthetic catalogue, the
migration that creates the store, and a random sequence of edits."""

import json
import random

import pytest
from flask_migrate import upgrade
from sqlalchemy import delete, insert, select, update

from tests.test_migrations import empty_database_url  # noqa: F401  (a fixture)
from workspace import create_app
from workspace.extensions import db
from workspace.models import (
    Basis,
    CatalogueItem,
    CommonCoreArea,
    Component,
    ItemArea,
    ItemCoverage,
)
from workspace.services.catalogue import coverage, items, structure, transfer
from workspace.services.catalogue.coverage import AreaState, Coverage, bit
from workspace.services.catalogue.seed import COMMON_CORE, load_catalogue_seed
from workspace.services.catalogue.synthetic import delete_synthetic_items, generate_catalogue

STORE_REVISION = "8336e53125eb"


def stored() -> dict[int, Coverage]:
    return {item_id: Coverage(covered, judged) for item_id, covered, judged in
            db.session.execute(select(ItemCoverage.item_id, ItemCoverage.covered,
                                      ItemCoverage.judged))}


def computed() -> dict[int, Coverage]:
    """Every item's coverage computed afresh; items with nothing judged (both masks 0) have
    no row in the store."""
    found = coverage.closure_coverage(select(CatalogueItem.id))
    return {row.item_id: Coverage(int(row.covered), int(row.judged))
            for row in db.session.execute(select(found)) if row.covered or row.judged}


def assert_in_step(why: object = "") -> None:
    assert stored() == computed(), why


def of(item: CatalogueItem) -> Coverage:
    return coverage.coverage_of([item.id])[item.id]


def judge(item: CatalogueItem, area: CommonCoreArea, covered: bool) -> None:
    db.session.add(ItemArea(item_id=item.id, area_id=area.id, covered=covered,
                            basis=Basis.SOURCE, basis_text="As the unit's content says."))
    db.session.commit()


@pytest.fixture
def tree(areas, make_item):
    """Q contains U, which contains M (two levels down); P contains M too."""
    made = {name: make_item(f"Item {name}", name, is_qualification=name in "QP")
            for name in "QUMP"}
    for parent, child in (("Q", "U"), ("U", "M"), ("P", "M")):
        items.add_component(None, made[parent], made[child])
    return made


# --- judgements -----------------------------------------------------------------------------


def test_a_judgement_of_a_deep_module_reaches_every_item_above_it(tree, areas):
    q, u, m, p = (tree[n] for n in "QUMP")
    items.set_areas(None, m, {areas[3].id})  # added, by an editor
    assert_in_step()
    assert [of(i).state(3) for i in (q, u, m, p)] == [AreaState.COVERED] * 4

    judgement = db.session.scalar(select(ItemArea).where(ItemArea.item_id == m.id))
    judgement.covered = False  # changed
    db.session.commit()
    assert_in_step()
    assert of(m).state(3) is AreaState.NOT_COVERED
    assert of(q).state(3) is AreaState.NOT_JUDGED  # Q and U have no judgement of area 3
    judge(q, areas[3], False)
    judge(u, areas[3], False)
    assert_in_step()
    assert of(q) == Coverage(0, bit(3))  # every part of Q judged not to cover area 3

    db.session.delete(judgement)  # removed
    db.session.commit()
    assert_in_step()
    assert of(q) == of(p) == Coverage(0, 0) and q.id not in stored()


def test_the_structure_editors_judgements_reach_the_items_above(tree, areas):
    """The on-screen judgement editor writes through the ORM and calls nothing else."""
    q, m = tree["Q"], tree["M"]
    for state in (AreaState.COVERED, AreaState.NOT_COVERED, AreaState.NOT_JUDGED):
        structure.judge(None, m, areas[2], state, words="The unit's assessment criteria.")
        assert_in_step(state)
        assert of(m).state(2) is state
        assert of(q).state(2) is (AreaState.COVERED if state is AreaState.COVERED
                                  else AreaState.NOT_JUDGED)


def test_a_judgement_changed_in_one_flush_with_other_rows(tree, areas):
    """Several changes in one flush: each item concerned, and every item above, recomputed."""
    q, u, m, p = (tree[n] for n in "QUMP")
    db.session.add_all([ItemArea(item_id=m.id, area_id=areas[1].id),
                        ItemArea(item_id=u.id, area_id=areas[2].id, covered=False),
                        ItemArea(item_id=p.id, area_id=areas[6].id)])
    db.session.flush()
    assert_in_step()  # after a flush, before the commit
    db.session.commit()
    assert of(q).covered == bit(1) and of(p).covered == bit(1) | bit(6)


# --- components -----------------------------------------------------------------------------


def test_components_added_and_removed(tree, areas, make_item):
    q, u, m, p = (tree[n] for n in "QUMP")
    extra = make_item("Safeguarding unit", "X")
    items.set_areas(None, extra, {areas[5].id})
    component = items.add_component(None, u, extra)
    assert_in_step()
    assert of(q).covered == bit(5) and of(p).covered == 0

    items.remove_component(None, u, component.id)
    assert_in_step()
    assert of(q).covered == 0

    component = items.add_component(None, q, extra)
    component.parent_id = p.id  # moved from one qualification to another
    db.session.commit()
    assert_in_step()
    assert (of(q).covered, of(p).covered) == (0, bit(5))

    db.session.refresh(p)
    p.components.remove(next(c for c in p.components if c.child_id == extra.id))  # an orphan
    db.session.commit()
    assert_in_step()
    assert of(p).covered == 0


# --- items deleted ------------------------------------------------------------------------


def test_deleting_an_item_changes_every_item_that_held_it(tree, areas):
    q, u, m, p = (tree[n] for n in "QUMP")
    items.set_areas(None, m, {areas[2].id})
    items.set_areas(None, u, {areas[4].id})
    db.session.delete(m)  # the database takes its component rows away
    db.session.commit()
    assert_in_step()
    assert (of(q).covered, of(u).covered, of(p).covered) == (bit(4), bit(4), 0)
    db.session.delete(u)  # with components of its own
    db.session.commit()
    assert_in_step()
    assert of(q) == Coverage(0, 0) and set(stored()) == set()


# --- import, the pack, the synthetic catalogue --------------------------------------------


def _document(**records) -> dict:
    return {"format": "partnership-workspace-catalogue", "version": 1, **records}


def test_an_import_keeps_the_store_in_step(areas):
    transfer.import_json(_document(
        items=[{"stable_id": "Q", "title": "Q", "is_qualification": True},
               {"stable_id": "U", "title": "U"}, {"stable_id": "M", "title": "M"}],
        components=[{"stable_id": "Q", "child": "U"}, {"stable_id": "U", "child": "M"}],
        item_areas=[{"stable_id": "M", "area": 2},
                    {"stable_id": "U", "area": 4, "covered": False, "basis": "source",
                     "basis_text": "Not in the unit."}]), None)
    assert_in_step()
    q = items.find_item("Q")
    assert of(q).covered == bit(2)
    exported = json.loads(transfer.export_json())
    exported["item_areas"][0]["covered"] = False  # M, area 2
    exported["components"].append({"stable_id": "Q", "child": "N"})
    exported["items"].append({"stable_id": "N", "title": "N"})
    exported["item_areas"].append({"stable_id": "N", "area": 6})
    transfer.import_json(exported, None)
    assert_in_step()
    assert of(q).covered == bit(6)


def test_the_pack_and_its_reload_keep_the_store_in_step(app):
    load_catalogue_seed()
    assert_in_step()
    cme = items.find_item("CME")
    assert of(cme).covered  # through its units' mappings
    load_catalogue_seed()
    assert_in_step()


def test_the_synthetic_catalogue_and_its_replacement_keep_the_store_in_step(app, make_item):
    generate_catalogue(qualifications=40, modules=300, seed=4)
    assert_in_step()
    assert len(stored()) > 40
    module = db.session.scalar(select(ItemArea.item_id).join(
        CatalogueItem, CatalogueItem.id == ItemArea.item_id)
        .where(CatalogueItem.stable_id.like("SYN-M%")).limit(1))
    own = make_item("An editor's qualification", "MINE", is_qualification=True)
    items.add_component(None, own, db.session.get(CatalogueItem, module))
    assert of(own).covered
    delete_synthetic_items()
    assert_in_step()
    assert of(own) == Coverage(0, 0)  # its synthetic component went with the rest
    generate_catalogue(qualifications=30, modules=200, seed=5)
    generate_catalogue(qualifications=20, modules=100, seed=6, replace=True)
    assert_in_step()


# --- filling and repairing the store --------------------------------------------------------


def test_refresh_coverage_repairs_a_store_changed_by_hand(tree, areas, runner):
    items.set_areas(None, tree["M"], {areas[1].id, areas[3].id})
    db.session.execute(update(ItemCoverage).values(covered=0))
    db.session.execute(delete(ItemCoverage).where(ItemCoverage.item_id == tree["Q"].id))
    db.session.commit()
    assert stored() != computed()
    result = runner.invoke(args=["refresh-coverage"])
    assert result.exit_code == 0 and "recomputed" in result.output
    db.session.expire_all()
    assert_in_step()


def test_the_migration_fills_the_store_for_a_catalogue_already_there(
        empty_database_url):  # noqa: F811
    """`flask db upgrade` on a database with catalogue rows (written by plain SQL, as before
    the store existed) ends with every item's coverage stored."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "TESTING": True})
    with app.app_context():
        upgrade(revision=f"{STORE_REVISION}-1")
        tables = {m: m.__table__ for m in (CommonCoreArea, CatalogueItem, Component, ItemArea)}
        connection = db.session.connection()
        connection.execute(insert(tables[CommonCoreArea]), [
            {"id": n, "number": n, "title": title} for n, title in enumerate(COMMON_CORE, 1)])
        connection.execute(insert(tables[CatalogueItem]), [
            {"id": n, "stable_id": f"I{n}", "title": f"Item {n}", "search_text": f"i{n}"}
            for n in range(1, 8)])
        connection.execute(insert(tables[Component]), [
            {"parent_id": parent, "child_id": child}
            for parent, child in ((1, 2), (2, 3), (1, 4), (5, 3), (6, 7))])
        connection.execute(insert(tables[ItemArea]), [
            {"item_id": item, "area_id": area, "covered": covered}
            for item, area, covered in ((3, 1, True), (3, 2, False), (4, 2, False), (2, 2, False),
                                        (1, 2, False), (7, 6, True), (6, 5, False))])
        db.session.commit()
        upgrade()
        assert_in_step()
        assert stored()[1] == Coverage(bit(1), bit(2))  # 3 two levels down; all judged 2
        assert len(stored()) == 7
        db.session.remove()
        db.engine.dispose()


# --- a random sequence of edits -------------------------------------------------------------


class RandomEditor:
    """Edits a small catalogue at random, as editors and import do, through the ORM. An item
    only ever contains items made after it, so the components never make a cycle."""

    def __init__(self, rng: random.Random, areas: dict, make_item):
        self.rng, self.areas, self.make_item = rng, list(areas.values()), make_item
        self.items: list[CatalogueItem] = [make_item() for _ in range(10)]

    def step(self) -> str:
        action = self.rng.choice([self.judge, self.judge, self.set_areas, self.add_component,
                                  self.add_component, self.remove_component, self.delete_item,
                                  self.add_item, self.several])
        done = action()
        db.session.commit()
        return done

    def _two(self) -> tuple[CatalogueItem, CatalogueItem]:
        first, second = sorted(self.rng.sample(range(len(self.items)), 2))
        return self.items[first], self.items[second]

    def judge(self) -> str:
        item, area = self.rng.choice(self.items), self.rng.choice(self.areas)
        found = db.session.scalar(select(ItemArea).filter_by(item_id=item.id, area_id=area.id))
        if found is None:
            db.session.add(ItemArea(item_id=item.id, area_id=area.id,
                                    covered=self.rng.random() < 0.5))
            return f"judge {item.stable_id} {area.number}"
        if self.rng.random() < 0.5:
            db.session.delete(found)
            return f"unjudge {item.stable_id} {area.number}"
        found.covered = not found.covered
        return f"flip {item.stable_id} {area.number}"

    def set_areas(self) -> str:
        item = self.rng.choice(self.items)
        chosen = {a.id for a in self.rng.sample(self.areas, self.rng.randint(0, 3))}
        items.set_areas(None, item, chosen)
        return f"set areas {item.stable_id}"

    def add_component(self) -> str:
        parent, child = self._two()
        if db.session.scalar(select(Component).filter_by(parent_id=parent.id,
                                                         child_id=child.id)) is None:
            items.add_component(None, parent, child)
        return f"component {parent.stable_id} > {child.stable_id}"

    def remove_component(self) -> str:
        found = db.session.scalars(select(Component).order_by(Component.id)).all()
        if not found:
            return "no component to remove"
        component = self.rng.choice(found)
        items.remove_component(None, component.parent, component.id)
        return f"remove component {component.id}"

    def delete_item(self) -> str:
        if len(self.items) < 6:
            return self.add_item()
        item = self.items.pop(self.rng.randrange(len(self.items)))
        db.session.delete(item)
        return f"delete {item.stable_id}"

    def add_item(self) -> str:
        self.items.append(self.make_item())
        return f"add {self.items[-1].stable_id}"

    def several(self) -> str:
        """Judgements added and one removed, and a component added, in one flush."""
        judged = set(db.session.execute(select(ItemArea.item_id, ItemArea.area_id)).all())
        linked = set(db.session.execute(select(Component.parent_id, Component.child_id)).all())
        gone = db.session.scalars(select(ItemArea).order_by(ItemArea.id)).all()
        parent, child = self._two()
        with db.session.no_autoflush:
            for item in self.rng.sample(self.items, 2):
                area = self.rng.choice(self.areas)
                if (item.id, area.id) not in judged:
                    judged.add((item.id, area.id))
                    db.session.add(ItemArea(item_id=item.id, area_id=area.id, covered=False))
            if (parent.id, child.id) not in linked:
                db.session.add(Component(parent_id=parent.id, child_id=child.id))
            if gone:
                db.session.delete(self.rng.choice(gone))
        return "several"


def test_a_random_sequence_of_edits_keeps_the_store_in_step(areas, make_item):
    editor = RandomEditor(random.Random(20261202), areas, make_item)
    for step in range(150):
        done = editor.step()
        assert_in_step(f"step {step}: {done}")
    assert len(stored()) >= 3  # the sequence built coverage worth checking
