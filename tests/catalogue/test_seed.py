"""The seed content: the catalogue pack loaded as sourced facts, and nothing else as fact."""

import copy
import json
import re

import pytest
from sqlalchemy import func, select

from workspace.extensions import db
from workspace.models import (
    Basis,
    CatalogueChange,
    CatalogueItem,
    Cluster,
    ClusterRole,
    ClusterSet,
    Component,
    ItemArea,
    ItemFact,
    ItemRole,
    ItemStatus,
    JobRole,
)
from workspace.services.catalogue import items, pack, structure
from workspace.services.catalogue.seed import load_catalogue_seed

URL = re.compile(r"^https?://\S+$")
PACK = pack.read_pack()


@pytest.fixture
def seeded(app):
    load_catalogue_seed()


def _counts() -> dict:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (CatalogueItem, ItemFact, ItemRole, ItemArea, Component, JobRole,
                          CatalogueChange)}


def _item_of(record: dict) -> CatalogueItem:
    return items.find_item(pack._stable_id(record["title"]))


def _listed_units(record: dict) -> list[dict]:
    return [u for u in record["units"] if "not found" not in u["title"].lower()]


def test_the_pack_loads_once_and_loading_again_writes_nothing(seeded):
    before = _counts()
    stamps = dict(db.session.execute(select(CatalogueItem.id, CatalogueItem.updated_at)).all())
    load_catalogue_seed()
    assert _counts() == before
    assert dict(db.session.execute(
        select(CatalogueItem.id, CatalogueItem.updated_at)).all()) == stamps
    owned = db.session.scalar(select(func.count()).where(CatalogueItem.seed_values.is_not(None)))
    units = sum(len(_listed_units(q)) for q in PACK["qualifications"])
    assert owned == len(PACK["qualifications"]) + units == 62 + 100
    longest = db.session.scalar(select(func.max(func.length(CatalogueItem.stable_id))))
    assert longest <= CatalogueItem.stable_id.type.length  # PostgreSQL refuses longer


def test_the_workforce_roles_are_a_second_cluster_set_beside_the_ssc_one(seeded):
    sets = {s.name: s for s in db.session.scalars(select(ClusterSet))}
    assert set(sets) == {"SSC clusters", "Music and cultural education workforce"}
    [cluster] = db.session.scalars(select(Cluster).where(
        Cluster.cluster_set_id == sets["Music and cultural education workforce"].id)).all()
    assert [r.name for r in cluster.roles] == sorted(r["name"] for r in PACK["roles"])
    teacher = db.session.scalar(select(JobRole).where(
        JobRole.name == "Instrumental and vocal teacher"))
    assert teacher.description.startswith("Teaches an instrument or singing")
    assert len(items.list_roles()) == 124 + 26


def test_every_seeded_fact_carries_a_source_address(seeded):
    owned = db.session.scalars(select(CatalogueItem).where(
        CatalogueItem.seed_values.is_not(None))).all()
    for item in owned:
        assert any(URL.match(line) for line in item.source.splitlines()), item.stable_id
        assert URL.match(item.source_url), item.stable_id
        for fact in item.facts:
            assert fact.source_list and all(URL.match(u) or "seed 000" in u
                                            for u in fact.source_list), (item.stable_id, fact)
            assert any(URL.match(u) for u in fact.source_list)
    for role in db.session.scalars(select(JobRole).where(JobRole.name.in_(
            [r["name"] for r in PACK["roles"]]))):
        assert role.source and all(URL.match(u) for u in role.source.splitlines()), role.name
    for judged in db.session.scalars(select(ItemArea)):
        assert judged.basis == Basis.EDITORIAL and judged.basis_text.startswith(
            "EDITORIAL MAPPING")


NUMBER_FIELDS = {"glh": "guided_learning_hours", "tqt": "total_qualification_time",
                 "credits": "credits", "level": "level"}


def _claims_nothing_the_pack_leaves_empty(item: CatalogueItem, record: dict) -> None:
    for key, column in NUMBER_FIELDS.items():
        if record.get(key) is None:
            assert getattr(item, column) is None, (item.stable_id, column)
    for key, column in (("entry_requirements", "entry_requirements"),
                        ("progression", "progression"), ("awarding_body", "accrediting_body"),
                        ("qualification_number", "reference_number"), ("notes", "notes")):
        if key in record and not record[key]:
            assert not getattr(item, column), (item.stable_id, column)
    labels = {f.field for f in item.facts}
    for key, label in {**pack.QUALIFICATION_FACTS, **pack.UNIT_FACTS}.items():
        if record.get(key) in (None, ""):
            assert label not in labels, (item.stable_id, label)


def test_no_seeded_item_claims_a_field_the_pack_leaves_empty(seeded):
    for record in PACK["qualifications"]:
        item = _item_of(record)
        _claims_nothing_the_pack_leaves_empty(item, record)
        named = set(record.get("for_roles") or []) | set(record.get("for_roles_editorial") or [])
        roles = {link.job_role_id for link in db.session.scalars(
            select(ItemRole).where(ItemRole.item_id == item.id))}
        assert roles == {r.id for r in db.session.scalars(select(JobRole).where(
            JobRole.name.in_(named)))}
        if item.stable_id != "DDTL-CYP":  # its days come from catalogue-facts.md
            assert (item.operational_start, item.operational_end,
                    item.certification_end) == (None, None, None)
        for number, unit in enumerate(_listed_units(record), start=1):
            unit_item = items.find_item(f"{item.stable_id}-U{number}")
            assert unit_item.title == unit["title"]
            _claims_nothing_the_pack_leaves_empty(unit_item, unit)
            areas = db.session.scalars(select(ItemArea.area_id).where(
                ItemArea.item_id == unit_item.id)).all()
            assert len(areas) == len(unit["common_core"])


def test_the_cme_has_its_six_sourced_units_and_mappings(seeded):
    cme = items.find_item("CME")
    details = items.item_details(cme)
    units = [c.child for c in details.mandatory]
    assert [u.title for u in units] == [
        "Understanding children and young people's musical learning",
        "Planning, facilitating and evaluating children and young people's musical learning",
        "Reflective practice and professional development in music education",
        "Promoting children and young people's positive behaviour",
        "Equality, diversity and inclusion in music education",
        "Safeguarding children and young people in music education"]
    assert [u.guided_learning_hours for u in units] == [45, 45, 35, None, 15, None]
    assert (cme.level, cme.credits, cme.reference_number) == (4, 32, None)
    facts = {f.field: f.value for f in cme.facts}
    assert facts["Available from"].startswith("September 2013")  # a month, as the source says
    safeguarding = {a.area_id: a for a in db.session.scalars(
        select(ItemArea).where(ItemArea.item_id == units[5].id))}
    assert len(safeguarding) == 2 and all(a.covered for a in safeguarding.values())
    teacher = db.session.scalar(select(JobRole).where(
        JobRole.name == "Instrumental and vocal teacher"))
    link = db.session.scalar(select(ItemRole).where(ItemRole.item_id == cme.id,
                                                    ItemRole.job_role_id == teacher.id))
    assert link.basis == Basis.SOURCE


def test_words_stay_words_and_plain_numbers_become_numbers(seeded):
    by_title = {r["title"]: r for r in PACK["qualifications"]}
    ranged = next(r for r in by_title.values() if r["glh"] == "442-525")
    item = _item_of(ranged)
    assert item.guided_learning_hours is None
    assert {f.field: f.value for f in item.facts}["Guided learning hours"] == "442-525"
    diploma = items.find_item("DDTL-CYP")
    assert diploma.status == ItemStatus.WITHDRAWN and diploma.level == 6
    assert str(diploma.certification_end) == "2022-08-31"
    suggested = db.session.scalars(select(ItemRole.basis).where(
        ItemRole.item_id == _item_of(by_title[next(
            t for t, r in by_title.items() if r.get("for_roles_editorial"))]).id)).all()
    assert Basis.EDITORIAL in suggested


def test_a_newer_pack_updates_what_editors_left_alone_and_keeps_their_changes(seeded):
    cme = items.find_item("CME")
    cme.title = "CME (our editors' title)"
    unit = items.find_item("CME-U4")
    removed = db.session.scalar(select(ItemRole).where(ItemRole.item_id == cme.id))
    removed_role = removed.job_role_id
    db.session.delete(removed)
    db.session.commit()

    newer = copy.deepcopy(PACK)
    record = newer["qualifications"][0]
    record["credits"] = 33
    record["units"][3]["glh"] = 30
    record["for_roles_editorial"] = ["Youth worker"]
    # The stable ID follows the title: keep the pack's title for CME, change the rest.
    pack.load_pack(newer)
    db.session.commit()

    assert cme.title == "CME (our editors' title)" and cme.credits == 33
    assert unit.guided_learning_hours == 30
    role_ids = set(db.session.scalars(select(ItemRole.job_role_id).where(
        ItemRole.item_id == cme.id)))
    assert removed_role not in role_ids  # an editor took it away: not re-added
    youth = db.session.scalar(select(JobRole).where(JobRole.name == "Youth worker"))
    assert youth.id in role_ids  # new in the pack: added
    assert json.loads(cme.seed_values)["fields"]["credits"] == 33


def test_loading_again_keeps_the_roles_clusters_and_sets_editors_changed(seeded, editor):
    def role(name):
        return db.session.scalar(select(JobRole).where(JobRole.name == name))

    playworker, youth = role("Playworker"), role("Youth worker")
    structure.update_role(editor, playworker, "Playworker (after-school)",
                          playworker.description, playworker.source)
    structure.delete_role(editor, youth)
    ta = role("Teaching assistant and other school learning support roles")
    placement = db.session.scalar(select(ClusterRole).where(ClusterRole.job_role_id == ta.id))
    structure.unplace_role(editor, ta, placement.id)
    ssc = db.session.scalar(select(ClusterSet).where(ClusterSet.name == "SSC clusters"))
    early = next(c for c in ssc.clusters if c.name == "Early Years")
    structure.rename_cluster(editor, early, "Early years (2005)")
    before = _counts()

    load_catalogue_seed()
    newer = copy.deepcopy(PACK)
    newer["roles"].append({"name": "Music therapist (new in the pack)", "sources": []})
    pack.load_pack(newer)
    db.session.commit()

    assert role("Playworker") is None and role("Youth worker") is None
    renamed = role("Playworker (after-school)")
    assert db.session.scalar(select(func.count()).select_from(ItemRole)
                             .where(ItemRole.job_role_id == renamed.id)) > 0
    assert db.session.scalar(select(ClusterRole).where(ClusterRole.job_role_id == ta.id)) \
        is None
    assert {c.name for c in ssc.clusters} >= {"Early years (2005)"}
    assert "Early Years" not in {c.name for c in ssc.clusters}
    assert role("Music therapist (new in the pack)") is not None  # new in the pack: added
    assert _counts()["JobRole"] == before["JobRole"] + 1
