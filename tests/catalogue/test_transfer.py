"""Import and export of the whole catalogue: formats, round trips, refusals, page and CLI."""

import csv
import io
import json
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import HTMX, _empty_tables
from workspace.blueprints.catalogue import transfer as transfer_views
from workspace.extensions import db
from workspace.models import (
    Basis,
    CatalogueChange,
    CatalogueItem,
    Cluster,
    ClusterRole,
    ClusterSet,
    CommonCoreArea,
    ItemArea,
    ItemFact,
    ItemRole,
    ItemStatus,
    JobRole,
)
from workspace.services.catalogue import items
from workspace.services.catalogue import transfer as transfer
from workspace.services.catalogue.transfer import ImportRefused, RowError

NOTES = 'Notes, with "quotes", a comma —\nand a second line.'
ENTRY = 'No specific entry requirements; centres add their own, e.g. "DBS",\nGCSE English.'
SOURCES = "https://example.org/cme/overview\nhttps://example.org/cme/unit-1"
NOT_COVERED = "Criterion 1.3 is about musical learning, not development in general."


# --- a hand-made catalogue with every kind of record ----------------------------------------


def _clusters() -> dict[str, JobRole]:
    """Two cluster sets of two clusters; a role in clusters of both sets."""
    ssc = ClusterSet(name="SSC clusters", source="SHU Annexe 1")
    local = ClusterSet(name="Local clusters")
    education = Cluster(cluster_set=ssc, name="Education & Training", position=0)
    youth = Cluster(cluster_set=ssc, name="Youth Work and Support", position=1)
    music = Cluster(cluster_set=local, name="Music", position=0)
    schools = Cluster(cluster_set=local, name="Schools", position=1)
    roles = {"leader": JobRole(name="Music leader", reference_count=4),
             "mentor": JobRole(name="Learning Mentor Level 3"),
             "teacher": JobRole(name="Teacher", reference_count=0)}
    db.session.add_all([ssc, local, *roles.values()])
    db.session.flush()
    for position, (cluster, role) in enumerate([
            (education, "mentor"), (youth, "mentor"), (education, "leader"), (music, "leader"),
            (schools, "teacher")]):
        db.session.add(ClusterRole(cluster_id=cluster.id, job_role_id=roles[role].id,
                                   position=position % 2))
    db.session.commit()
    return roles


@pytest.fixture
def catalogue_data(areas, make_item):
    roles = _clusters()
    cme = make_item(
        "Certificate for Music Educators", "CME", is_qualification=True, is_key=True,
        item_type="Certificate", accrediting_body="Trinity College London", level=4,
        learning_hours=185, unit_code="CME/1", reference_number="600/1234/5", credits=30,
        guided_learning_hours=120, total_qualification_time=185,
        operational_start=date(2013, 9, 1), operational_end=date(2030, 8, 31),
        certification_end=date(2032, 8, 31), status=ItemStatus.CURRENT, notes=NOTES,
        source="Trinity specification", source_url="https://example.org/cme")
    l3 = make_item("Level 3 Certificate", "L3-CCP", is_qualification=True, level=3,
                   status=ItemStatus.WITHDRAWN, certification_end=date(2022, 8, 31))
    units = {n: make_item(f"Unit {n}", f"cme-u{n}", item_type="Unit", level=3,
                          credits=n) for n in range(1, 4)}
    units[4] = make_item("Entry unit", "CME-U4", level=0)
    first = items.add_group(None, cme, "Optional A", min_credits=6)
    second = items.add_group(None, cme, "Optional B", min_components=1)
    items.add_component(None, cme, units[1])
    items.add_component(None, cme, units[2], mandatory=False, group=first)
    items.add_component(None, cme, units[3], mandatory=False, group=second)
    items.add_component(None, cme, units[4], mandatory=False)
    items.add_prerequisite(None, cme, l3)
    items.add_prerequisite(None, units[2], units[1])
    items.set_areas(None, units[1], {areas[1].id, areas[3].id})
    items.set_areas(None, cme, {areas[2].id})
    items.set_roles(None, cme, {roles["leader"].id, roles["teacher"].id})
    items.set_roles(None, l3, {roles["mentor"].id})
    _sourced_content(cme, units[1], roles, areas)
    return {"cme": cme, "l3": l3, "units": units, "roles": roles}


def _sourced_content(cme, unit, roles, areas) -> None:
    """What sources state (fields, facts, descriptions) and judgements that are not defaults."""
    cme.entry_requirements, cme.progression = ENTRY, "Leads on to an Early Years Music MA."
    cme.seed_values = json.dumps({"title": cme.title})  # as if the seed loader owned it
    roles["leader"].description = "Leads music sessions for children and young people."
    roles["leader"].source = "https://example.org/roles\nhttps://example.org/leader"
    cme.facts = [ItemFact(field="start_date", value="September 2013 (planned)", sources=SOURCES),
                 ItemFact(field="level", value="Level 4 (RQF)", position=1)]
    unit.facts = [ItemFact(field="glh", value="45", sources="https://example.org/cme/unit-1")]
    judgement = db.session.scalar(select(ItemArea).filter_by(item_id=unit.id,
                                                             area_id=areas[3].id))
    judgement.covered, judgement.basis, judgement.basis_text = False, Basis.SOURCE, NOT_COVERED
    link = db.session.scalar(select(ItemRole).filter_by(item_id=cme.id,
                                                        job_role_id=roles["leader"].id))
    link.basis = Basis.SOURCE
    db.session.commit()


def everything() -> list:
    """Every row of every table, ids and timestamps included."""
    db.session.expire_all()
    return [sorted(tuple(r) for r in db.session.execute(select(t)))
            for t in db.metadata.sorted_tables]


def change_count() -> int:
    return db.session.scalar(select(func.count()).select_from(CatalogueChange))


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue()


def physical_line(text: str, starts_with: str) -> int:
    """The line number (from 1) of the line of `text` that starts so."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(starts_with))


# --- export -------------------------------------------------------------------------------


def test_export_holds_every_column_of_every_catalogue_table(catalogue_data):
    document = json.loads(transfer.export_json())
    assert (document["format"], document["version"]) == ("partnership-workspace-catalogue", 1)
    # seed_values record what this workspace's seed loader last wrote: carried to another
    # workspace they would make its loader take imported values for its own (the docstring).
    bookkeeping = {"id", "search_text", "created_at", "updated_at", "seed_values"}
    for kind in transfer.KINDS:
        assert document[kind.plural], f"the fixture has no {kind.record}"
        assert set(document[kind.plural][0]) == set(kind.fields)
        columns = {c.name for c in kind.model.__table__.columns} - bookkeeping
        carried = set(kind.columns.values()) | {column for column, _, _ in kind.refs}
        assert carried == columns, f"{kind.record} records miss a column"
    assert "seed_values" not in transfer.export_csv().splitlines()[0].split(",")


def test_export_names_records_by_natural_keys(catalogue_data):
    document = json.loads(transfer.export_json())
    cme = next(i for i in document["items"] if i["stable_id"] == "CME")
    assert cme["notes"] == NOTES and cme["operational_start"] == "2013-09-01"
    assert cme["status"] == "current" and cme["is_key"] is True and cme["level"] == 4
    assert {"stable_id": "CME", "child": "cme-u2", "mandatory": False, "group": "Optional A",
            "position": 1} in document["components"]
    assert {"stable_id": "CME", "required": "L3-CCP"} in document["prerequisites"]
    assert {"cluster_set": "SSC clusters", "cluster": "Youth Work and Support",
            "role": "Learning Mentor Level 3", "position": 1} in document["cluster_roles"]
    assert {"stable_id": "cme-u1", "area": 3, "covered": False, "basis": "source",
            "basis_text": NOT_COVERED} in document["item_areas"]
    assert {"stable_id": "cme-u1", "area": 1, "covered": True, "basis": "editorial",
            "basis_text": ""} in document["item_areas"]
    assert {"stable_id": "CME", "role": "Music leader", "basis": "source", "is_key": False} in \
        document["item_roles"]
    assert document["item_facts"][:2] == [
        {"stable_id": "CME", "field": "start_date", "value": "September 2013 (planned)",
         "sources": SOURCES, "position": 0},
        {"stable_id": "CME", "field": "level", "value": "Level 4 (RQF)", "sources": "",
         "position": 1}]
    leader = next(r for r in document["roles"] if r["role"] == "Music leader")
    assert leader["sources"] == "https://example.org/roles\nhttps://example.org/leader"
    assert (cme["entry_requirements"], "seed_values" in cme) == (ENTRY, False)
    assert [i["stable_id"] for i in document["items"]] == [
        "CME", "cme-u1", "cme-u2", "cme-u3", "CME-U4", "L3-CCP"]


def test_csv_export_is_one_record_a_line_under_the_documented_columns(catalogue_data):
    text = transfer.export_csv()
    rows = csv_rows(text)
    assert tuple(rows[0]) == transfer.CSV_COLUMNS
    documented = transfer.__doc__.split("any of these in any order:")[1].split("\n\n")[1]
    assert [c.strip() for c in documented.split(",")] == list(transfer.CSV_COLUMNS)
    header = rows[0]
    kinds = [row[0] for row in rows[1:]]
    assert kinds.index("area") < kinds.index("item") < kinds.index("component")
    cme = dict(zip(header, next(r for r in rows if r[:2] == ["item", "CME"]), strict=True))
    assert (cme["notes"], cme["is_qualification"], cme["level"], cme["role"]) == (
        NOTES, "true", "4", "")
    assert physical_line(text, "item,CME-U4,") > kinds.index("item") + 2  # notes span lines


# --- round trips --------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["json", "csv"])
def test_reimporting_an_export_changes_nothing(catalogue_data, file_format):
    exported = transfer.export_json() if file_format == "json" else transfer.export_csv()
    before = everything()
    result = transfer.import_text(exported, None, f"catalogue.{file_format}")
    assert (result.total("created"), result.total("updated")) == (0, 0)
    records = sum(len(v) for k, v in json.loads(transfer.export_json()).items()
                  if isinstance(v, list))
    assert result.total("unchanged") == records
    assert everything() == before  # no row written, no change entry, no timestamp moved


@pytest.mark.parametrize("file_format", ["json", "csv"])
def test_an_export_imported_into_an_empty_catalogue_exports_identically(catalogue_data,
                                                                         file_format):
    as_json, as_csv = transfer.export_json(), transfer.export_csv()
    _empty_tables()
    other = CatalogueItem(stable_id="OTHER", title="Moves the new rows' ids along")
    db.session.add(other)
    db.session.commit()
    result = transfer.import_text(as_json if file_format == "json" else as_csv, None,
                                  f"catalogue.{file_format}")
    assert result.counts["items"].created == 6 and result.total("updated") == 0
    assert items.find_item("CME").id != catalogue_data["cme"].id
    entries = db.session.scalars(select(CatalogueChange)).all()
    assert sorted(e.action for e in entries) == ["created"] * 6 + ["imported"]
    assert all(e.actor_id is None for e in entries)
    db.session.delete(other)
    db.session.commit()
    assert transfer.export_json() == as_json
    assert transfer.export_csv() == as_csv


def judgement(stable_id: str, number: int) -> ItemArea:
    return db.session.scalar(
        select(ItemArea).join(CatalogueItem, ItemArea.item_id == CatalogueItem.id)
        .join(CommonCoreArea, ItemArea.area_id == CommonCoreArea.id)
        .where(CatalogueItem.stable_id == stable_id, CommonCoreArea.number == number))


def role_link(stable_id: str, role: str) -> ItemRole:
    return db.session.scalar(
        select(ItemRole).join(CatalogueItem, ItemRole.item_id == CatalogueItem.id)
        .join(JobRole, ItemRole.job_role_id == JobRole.id)
        .where(CatalogueItem.stable_id == stable_id, JobRole.name == role))


@pytest.mark.parametrize("file_format", ["json", "csv"])
def test_facts_sourced_fields_and_judgements_reach_an_emptied_catalogue(catalogue_data,
                                                                         file_format):
    exported = transfer.export_json() if file_format == "json" else transfer.export_csv()
    _empty_tables()
    result = transfer.import_text(exported, None, f"catalogue.{file_format}")
    assert result.counts["item_facts"].created == 3
    cme = items.find_item("CME")
    assert (cme.entry_requirements, cme.progression) == (
        ENTRY, "Leads on to an Early Years Music MA.")
    assert cme.seed_values is None  # an imported item is the editors', not the seed's
    assert [(f.field, f.value, f.source_list, f.position) for f in cme.facts] == [
        ("start_date", "September 2013 (planned)", SOURCES.splitlines(), 0),
        ("level", "Level 4 (RQF)", [], 1)]
    not_covered = judgement("cme-u1", 3)
    assert (not_covered.covered, not_covered.basis, not_covered.basis_text) == (
        False, Basis.SOURCE, NOT_COVERED)
    assert (judgement("cme-u1", 1).covered, judgement("cme-u1", 1).basis) == (
        True, Basis.EDITORIAL)
    assert role_link("CME", "Music leader").basis == Basis.SOURCE
    assert role_link("CME", "Teacher").basis == Basis.EDITORIAL
    leader = db.session.scalar(select(JobRole).filter_by(name="Music leader"))
    assert leader.description == "Leads music sessions for children and young people."
    assert leader.source.splitlines() == ["https://example.org/roles",
                                          "https://example.org/leader"]


def test_changed_facts_and_judgements_are_updated_and_noted(catalogue_data):
    document = json.loads(transfer.export_json())
    document["item_facts"][1]["value"] = "Level 4 (RQF, Ofqual register)"
    document["item_facts"].append({"stable_id": "cme", "field": "credits", "value": "32",
                                   "sources": "https://example.org/cme/credits",
                                   "position": 2})
    area = next(a for a in document["item_areas"] if (a["stable_id"], a["area"]) == ("cme-u1", 3))
    area.update(covered=True, basis="editorial")
    document["item_roles"][0]["basis"] = "editorial"
    document["roles"][1]["description"] = "Leads music in schools and the community."
    before = change_count()
    result = transfer.import_json(document, None)
    assert (result.counts["item_facts"].created, result.counts["item_facts"].updated) == (1, 1)
    assert result.describe() == "1 created, 4 updated, " \
        f"{sum(len(v) for v in document.values() if isinstance(v, list)) - 5} unchanged"
    summaries = db.session.scalars(select(CatalogueChange.summary).order_by(CatalogueChange.id)
                                   .offset(before)).all()
    assert summaries == ["Imported: fact level changed; fact credits added; role Music leader "
                         "changed", "Imported: Common Core area 3 changed",
                         "Imported: roles: 0 added, 1 changed"]
    assert [f.value for f in items.find_item("CME").facts] == [
        "September 2013 (planned)", "Level 4 (RQF, Ofqual register)", "32"]
    assert (judgement("cme-u1", 3).covered, judgement("cme-u1", 3).basis) == (
        True, Basis.EDITORIAL)
    assert role_link("CME", "Music leader").basis == Basis.EDITORIAL


# Before facts, judgements' bases and role descriptions: the columns an export then had.
FIRST_CSV_COLUMNS = (
    "record", "stable_id", "title", "is_qualification", "is_key", "item_type",
    "accrediting_body", "level", "learning_hours", "unit_code", "reference_number", "credits",
    "guided_learning_hours", "total_qualification_time", "operational_start", "operational_end",
    "certification_end", "status", "notes", "source", "source_url", "area", "cluster_set",
    "cluster", "role", "reference_count", "group", "min_credits", "min_components", "child",
    "required", "mandatory", "position")
ADDED_FIELDS = {"items": ("entry_requirements", "progression"), "roles": ("description", "sources"),
                "item_areas": ("covered", "basis", "basis_text"), "item_roles": ("basis",)}


def first_version_json(document: dict) -> str:
    del document["item_facts"]
    for plural, names in ADDED_FIELDS.items():
        for record in document[plural]:
            for name in names:
                del record[name]
    return json.dumps(document)


def first_version_csv(text: str) -> str:
    rows = csv_rows(text)
    kept = [rows[0].index(column) for column in FIRST_CSV_COLUMNS]
    return csv_text([[row[n] for n in kept] for row in rows if row[0] != "item_fact"])


@pytest.mark.parametrize("file_format", ["json", "csv"])
def test_an_export_from_before_facts_and_bases_still_imports(catalogue_data, file_format):
    text = first_version_json(json.loads(transfer.export_json())) if file_format == "json" \
        else first_version_csv(transfer.export_csv())
    before = everything()
    result = transfer.import_text(text, None, f"catalogue.{file_format}")
    assert (result.total("created"), result.total("updated")) == (0, 0)
    assert everything() == before  # what the file leaves out is kept
    _empty_tables()
    transfer.import_text(text, None, f"catalogue.{file_format}")
    cme = items.find_item("CME")
    assert (cme.facts, cme.entry_requirements, cme.title) == (
        [], "", "Certificate for Music Educators")
    assert {(a.covered, a.basis, a.basis_text) for a in db.session.scalars(select(ItemArea))} \
        == {(True, Basis.EDITORIAL, "")}
    assert {r.basis for r in db.session.scalars(select(ItemRole))} == {Basis.EDITORIAL}
    assert {(r.description, r.source) for r in db.session.scalars(select(JobRole))} == {("", "")}


# --- refusals -----------------------------------------------------------------------------


def test_a_bad_row_in_the_middle_of_a_csv_changes_nothing_and_names_its_line(catalogue_data):
    rows = csv_rows(transfer.export_csv())
    header = rows[0]
    bad = next(r for r in rows if r[:2] == ["item", "cme-u2"])
    bad[header.index("level")] = "9"
    rows.append(["item", "NEW"] + [""] * (len(header) - 2))
    rows[-1][header.index("title")] = "Would be new"
    text = csv_text(rows)
    before = everything()
    with pytest.raises(ImportRefused) as refused:
        transfer.import_csv(text, None)
    line = physical_line(text, "item,cme-u2,")
    assert line != rows.index(bad) + 1  # the notes' line break counts
    assert refused.value.errors == [
        RowError(f"line {line}", "level must be a whole number from 0 to 8")]
    assert everything() == before


def test_every_problem_is_reported_with_its_line(catalogue_data):
    header = ["record", "stable_id", "title", "level", "operational_start", "status", "is_key",
              "role", "child", "required"]
    text = csv_text([
        header,
        ["item", "N1", "New one", "3", "", "", "", "", "", ""],
        ["item", "N2", "Bad level", "Entry", "", "", "", "", "", ""],
        ["item", "N3", "Bad date", "", "2024-13-01", "", "", "", "", ""],
        ["item", "N4", "", "", "", "gone", "maybe", "", "", ""],
        [],
        ["item", "n1", "Same key", "", "", "", "", "", "", ""],
        ["item_role", "N1", "", "", "", "", "", "Nobody", "", ""],
        ["component", "N1", "", "", "", "", "", "", "MISSING", ""],
        ["prerequisite", "N1", "", "", "", "", "", "", "", "n1"],
        ["widget", "N1", "", "", "", "", "", "", "", ""],
        ["item", "N5", "Stray role", "", "", "", "", "Teacher", "", ""],
    ])
    before = everything()
    with pytest.raises(ImportRefused) as refused:
        transfer.import_csv(text, None)
    assert [str(e) for e in refused.value.errors] == [
        "line 3: level must be a whole number from 0 to 8",
        "line 4: operational_start must be a date written YYYY-MM-DD",
        "line 5: title is required",
        "line 5: is_key must be true or false",
        "line 5: status must be one of current, closed, withdrawn",
        "line 7: the same item as line 2",
        "line 8: no role 'Nobody' in the file or the catalogue",
        "line 9: no item 'MISSING' in the file or the catalogue",
        "line 10: would make a cycle of pre-requirements: N1 → N1 (each needs the next first)",
        "line 11: unknown record 'widget' (expected area, cluster_set, cluster, role, "
        "cluster_role, item, item_fact, group, component, prerequisite, item_area, "
        "item_role)",
        "line 12: role does not apply to item records: leave it empty",
    ]
    assert refused.value.message == "Nothing was imported: the file has 11 problems."
    assert everything() == before


def test_a_bad_json_record_is_named_by_its_path(catalogue_data):
    document = json.loads(transfer.export_json())
    document["items"][1]["level"] = 9
    document["items"][2]["operational_end"] = "2001-01-01"
    document["items"][2]["operational_start"] = "2002-01-01"
    document["components"][0]["group"] = "No such group"
    before = everything()
    with pytest.raises(ImportRefused) as refused:
        transfer.import_json(document, None)
    assert [str(e) for e in refused.value.errors] == [
        "items[1]: level must be a whole number from 0 to 8",
        "items[2]: operational_end is before operational_start",
        "components[0]: no optional group 'CME / No such group' in the file or the catalogue",
    ]
    assert everything() == before


def test_a_file_that_is_not_a_catalogue_is_refused_whole(catalogue_data):
    before = everything()
    cases = {
        ("x.json", '{"format": "other", "version": 2, "things": []}'): [
            "format: expected 'partnership-workspace-catalogue'",
            "version: 2 is not supported (expected 1)",
            "file: unknown list 'things' (expected areas, cluster_sets, clusters, roles, "
            "cluster_roles, items, item_facts, groups, components, prerequisites, item_areas, "
            "item_roles)"],
        ("x.json", '{"format": "partnership-workspace-catalogue",\n "version": 1,,}'): [
            "line 2: not valid JSON: Expecting property name enclosed in double quotes"],
        ("x.csv", "stable_id,title,colour\nCME,x,red\n"): [
            "line 1: the first line must name the columns, one of them 'record'"],
        ("x.csv", "record,stable_id,colour\n"): ["line 1: unknown column 'colour'"],
        ("x.csv", ""): ["line 1: the file is empty"],
    }
    for (name, text), expected in cases.items():
        with pytest.raises(ImportRefused) as refused:
            transfer.import_text(text, None, name)
        assert [str(e) for e in refused.value.errors] == expected
    with pytest.raises(ImportRefused) as refused:
        transfer.import_bytes("record\nitem,É".encode("latin-1"), None, "x.csv")
    assert "not UTF-8" in refused.value.errors[0].message
    assert everything() == before


def test_a_cycle_within_the_file_is_refused(app):
    document = {"format": "partnership-workspace-catalogue", "version": 1,
                "items": [{"stable_id": "A", "title": "A"}, {"stable_id": "B", "title": "B"}],
                "components": [{"stable_id": "A", "child": "B"},
                               {"stable_id": "b", "child": "a"}]}
    with pytest.raises(ImportRefused) as refused:
        transfer.import_json(document, None)
    assert [str(e) for e in refused.value.errors] == [
        "components[0]: would make a cycle of components: A → B → A (each contains the next)",
        "components[1]: would make a cycle of components: B → A → B (each contains the next)"]
    assert db.session.scalar(select(func.count()).select_from(CatalogueItem)) == 0


def test_a_cycle_with_the_catalogue_is_refused(catalogue_data):
    text = ("record,stable_id,child,required\n"
            "prerequisite,CME-U4,,cme-u2\n"
            "component,cme-u3,CME,\n"
            "prerequisite,L3-CCP,,cme\n")
    before = everything()
    with pytest.raises(ImportRefused) as refused:
        transfer.import_csv(text, None)
    assert [str(e) for e in refused.value.errors] == [
        "line 3: would make a cycle of components: cme-u3 → CME → cme-u3 "
        "(each contains the next)",
        "line 4: would make a cycle of pre-requirements: L3-CCP → CME → L3-CCP "
        "(each needs the next first)"]
    assert everything() == before


@pytest.mark.parametrize(("bad_row", "message"), [
    ("item_role,L3-CCP,Teacher,sourced,,", "basis must be one of source, editorial"),
    ("item_fact,NOPE,,,glh,45", "no item 'NOPE' in the file or the catalogue"),
])
def test_a_bad_basis_or_a_fact_of_an_unknown_item_is_refused_at_its_line(catalogue_data,
                                                                        bad_row, message):
    text = ("record,stable_id,role,basis,field,value\n"
            "item_fact,CME,,,level,Level 4 (RQF framework)\n"
            "item_role,CME,Teacher,source,,\n"
            f"{bad_row}\n"
            "item_fact,cme-u1,,,credits,5\n")
    before = everything()
    with pytest.raises(ImportRefused) as refused:
        transfer.import_csv(text, None)
    assert refused.value.errors == [RowError("line 4", message)]
    assert everything() == before


def test_facts_and_judgements_are_checked_in_json_too(catalogue_data):
    document = json.loads(transfer.export_json())
    document["item_areas"][0].update(covered="partly", basis="judged")
    document["item_facts"] += [{"stable_id": "CME", "field": "glh", "value": " "},
                               {"stable_id": "GONE", "field": "glh", "value": "45"},
                               {"stable_id": "CME", "field": "level", "value": "4"}]
    before = everything()
    with pytest.raises(ImportRefused) as refused:
        transfer.import_json(document, None)
    assert [str(e) for e in refused.value.errors] == [
        "item_facts[3]: value is required",
        "item_facts[4]: no item 'GONE' in the file or the catalogue",
        "item_facts[5]: the same item_fact as item_facts[1]",
        "item_areas[0]: covered must be true or false",
        "item_areas[0]: basis must be one of source, editorial"]
    assert everything() == before


# --- what an import writes ----------------------------------------------------------------


def test_an_import_records_one_change_per_item_with_its_actor(catalogue_data, editor):
    text = ("record,stable_id,title,child,role\n"
            "item,cme,Certificate for Music Educators (CME),,\n"
            "item,NEW,A new unit,,\n"
            "component,CME,,NEW,\n"
            "role,,,,Dance leader\n"
            "item_role,NEW,,,Dance leader\n")
    before = change_count()
    result = transfer.import_csv(text, editor)
    assert (result.counts["items"].created, result.counts["items"].updated) == (1, 1)
    assert result.describe() == "4 created, 1 updated, 0 unchanged"
    entries = db.session.scalars(select(CatalogueChange).order_by(CatalogueChange.id)
                                 .offset(before)).all()
    by_item = {e.item.stable_id if e.item else None: e for e in entries}
    assert len(entries) == 3 and all(e.actor_id == editor.id for e in entries)
    assert by_item["cme"].action == "imported"
    assert by_item["cme"].summary == (
        "Imported: stable id: CME → cme; title: Certificate for Music Educators → "
        "Certificate for Music Educators (CME); component NEW added")
    assert by_item["NEW"].action == "created"
    assert by_item["NEW"].summary == "Created by import: role Dance leader added"
    assert by_item[None].summary == "Imported: roles: 1 added, 0 changed"
    cme = catalogue_data["cme"]
    assert cme.notes == NOTES and cme.level == 4  # columns left out are kept


def test_an_import_never_deletes(catalogue_data):
    document = {"format": "partnership-workspace-catalogue", "version": 1,
                "items": [{"stable_id": "CME-U4", "title": "Entry unit, renamed"}],
                "components": [{"stable_id": "CME", "child": "CME-U4", "group": "Optional B"}]}
    before = json.loads(transfer.export_json())
    result = transfer.import_json(document, None)
    assert result.describe() == "0 created, 2 updated, 0 unchanged"
    after = json.loads(transfer.export_json())
    unit = next(i for i in after["items"] if i["stable_id"] == "CME-U4")
    assert unit["title"] == "Entry unit, renamed" and unit["level"] == 0
    component = next(c for c in after["components"] if c["child"] == "CME-U4")
    assert component == {"stable_id": "CME", "child": "CME-U4", "mandatory": False,
                         "group": "Optional B", "position": 3}
    for name in ("components", "groups", "prerequisites", "item_areas", "item_roles", "roles"):
        assert after[name] == before[name] or name == "components"
    assert len(after["components"]) == len(before["components"])
    assert len(after["items"]) == len(before["items"])


def test_a_new_record_needs_its_required_fields_but_an_existing_one_does_not(catalogue_data):
    text = "record,stable_id,level\nitem,CME,5\nitem,NEWX,2\n"
    with pytest.raises(ImportRefused) as refused:
        transfer.import_csv(text, None)
    assert [str(e) for e in refused.value.errors] == ["line 3: title is required"]
    transfer.import_csv("record,stable_id,level\nitem,CME,5\n", None)
    cme = db.session.get(CatalogueItem, catalogue_data["cme"].id)
    assert (cme.level, cme.title, cme.notes) == (5, "Certificate for Music Educators", NOTES)


# --- the page -----------------------------------------------------------------------------


def upload(client, text: str, name: str):
    return client.post("/catalogue/import", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(text.encode()), name)})


def test_the_page_for_editors_as_page_and_fragment(client, auth, editor):
    auth.login(editor)
    page = client.get("/catalogue/transfer")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in body
    assert 'href="/catalogue/export.csv"' in body and 'href="/catalogue/export.json"' in body
    assert 'enctype="multipart/form-data"' in body and 'name="file"' in body
    assert ", ".join(transfer.KIND_BY_RECORD) in " ".join(body.split())  # the record kinds
    fragment = client.get("/catalogue/transfer", headers=HTMX).get_data(as_text=True)
    assert "<html" not in fragment and 'name="file"' in fragment


def test_people_who_are_not_editors_get_403(catalogue_data, client, auth, make_user):
    auth.login(make_user())
    before = everything()
    for url in ("/catalogue/transfer", "/catalogue/export.json", "/catalogue/export.csv"):
        assert client.get(url).status_code == 403, url
    assert upload(client, transfer.export_csv(), "c.csv").status_code == 403
    assert everything() == before


def test_exports_download_as_files(catalogue_data, client, auth, editor):
    auth.login(editor)
    for extension, expected, mimetype in (("json", transfer.export_json(), "application/json"),
                                          ("csv", transfer.export_csv(), "text/csv")):
        response = client.get(f"/catalogue/export.{extension}")
        assert response.status_code == 200 and response.mimetype == mimetype
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="catalogue-{date.today().isoformat()}.{extension}"')
        assert response.get_data(as_text=True) == expected


def test_an_upload_with_problems_lists_them_and_imports_nothing(catalogue_data, client, auth,
                                                                editor):
    auth.login(editor)
    before = everything()
    response = upload(client, "record,stable_id,title,level\nitem,X1,Fine,1\n"
                              "item,X2,Bad,12\nitem,X3,,\n", "catalogue.csv")
    body = response.get_data(as_text=True)
    assert "<li>Read 3 records.</li>" in body and "Checked" not in body
    assert "Nothing was imported: the file has 2 problems." in body
    assert "<strong>line 3</strong>: level must be a whole number from 0 to 8" in body
    assert "<strong>line 4</strong>: title is required" in body
    assert 'name="file"' in body  # the form again, to send a corrected file
    assert everything() == before


def test_a_good_upload_shows_its_stages_and_what_changed(catalogue_data, client, auth, editor):
    auth.login(editor)
    document = json.loads(transfer.export_json())
    document["items"][0]["title"] = "CME, renamed"
    records = sum(len(v) for k, v in document.items() if isinstance(v, list))
    response = upload(client, json.dumps(document), "catalogue.txt")  # told JSON by content
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    steps = re.findall(r"<li>(.*?)</li>", page.split('id="import-steps"')[1])
    assert steps[:2] == [f"Read {records:,} records.", f"Checked {records:,} records: no problems."]
    assert f"Wrote {len(document['items']):,} items." in steps
    assert "Catalogue imported from catalogue.txt: 0 created, 1 updated" in page
    assert items.find_item("CME").title == "CME, renamed"
    last = db.session.scalars(select(CatalogueChange).order_by(CatalogueChange.id.desc())).first()
    assert (last.actor_id, last.item.stable_id) == (editor.id, "CME")


def test_exports_are_built_a_chunk_at_a_time(catalogue_data, monkeypatch):
    whole_json, whole_csv = transfer.export_json(), transfer.export_csv()
    monkeypatch.setattr(transfer, "EXPORT_CHUNK", 1000)
    for chunks, whole in ((transfer.export_json_chunks(), whole_json),
                          (transfer.export_csv_chunks(), whole_csv)):
        pieces = list(chunks)
        assert len(pieces) > 2 and "".join(pieces) == whole
        assert all(len(p) < 1000 + 2000 for p in pieces)  # a chunk, and at most one record


def test_the_import_stages_come_one_at_a_time(catalogue_data, editor):
    """The page can show each stage as it ends because the service hands them over one by
    one, before the import is finished: nothing is written until the last."""
    steps = transfer.import_steps(transfer.export_csv().encode(), editor, "c.csv")
    first = next(steps)
    assert isinstance(first, transfer.Step) and first.words.startswith("Read ")
    rest = list(steps)
    assert isinstance(rest[-1], transfer.ImportResult) and rest[-1].total("created") == 0


def test_an_upload_must_be_a_file_within_the_limit(catalogue_data, client, auth, editor,
                                                   monkeypatch):
    auth.login(editor)
    before = everything()
    missing = client.post("/catalogue/import", content_type="multipart/form-data", data={})
    assert missing.status_code == 422
    assert "Choose a CSV or JSON file to import." in missing.get_data(as_text=True)
    monkeypatch.setattr(transfer_views, "IMPORT_MAX_BYTES", 100)
    large = upload(client, transfer.export_csv(), "catalogue.csv")
    assert large.status_code == 422 and "larger than" in large.get_data(as_text=True)
    assert everything() == before


# --- the CLI ------------------------------------------------------------------------------


def test_cli_exports_to_standard_output_or_a_file(catalogue_data, runner, tmp_path):
    result = runner.invoke(args=["catalogue", "export", "--format", "json"])
    assert result.exit_code == 0 and result.stdout == transfer.export_json()
    target = tmp_path / "catalogue.csv"
    result = runner.invoke(args=["catalogue", "export", "--format", "csv",
                                 "--output", str(target)])
    assert result.exit_code == 0
    with open(target, encoding="utf-8", newline="") as handle:
        assert handle.read() == transfer.export_csv()


def test_cli_imports_a_file_as_the_actor_given(catalogue_data, runner, tmp_path, editor):
    path = tmp_path / "catalogue.csv"
    path.write_text(transfer.export_csv().replace("Entry unit", "Entry unit (renamed)"),
                    encoding="utf-8", newline="")
    result = runner.invoke(args=["catalogue", "import", str(path), "--actor", editor.email])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Imported {path}: 0 created, 1 updated, ")
    db.session.expire_all()
    assert items.find_item("CME-U4").title == "Entry unit (renamed)"
    last = db.session.scalars(select(CatalogueChange).order_by(CatalogueChange.id.desc())).first()
    assert last.actor_id == editor.id


def test_cli_refuses_a_bad_file_printing_each_problem(catalogue_data, runner, tmp_path):
    path = tmp_path / "catalogue.json"
    document = json.loads(transfer.export_json())
    document["items"][0]["status"] = "lost"
    document["components"].append({"stable_id": "CME", "child": "NOPE"})
    path.write_text(json.dumps(document), encoding="utf-8")
    before = everything()
    result = runner.invoke(args=["catalogue", "import", str(path)])
    assert result.exit_code == 1
    assert "items[0]: status must be one of current, closed, withdrawn\n" in result.stderr
    assert "components[4]: no item 'NOPE' in the file or the catalogue\n" in result.stderr
    assert "Nothing was imported: the file has 2 problems." in result.stderr
    unknown = runner.invoke(args=["catalogue", "import", str(path), "--actor", "no@example.org"])
    assert unknown.exit_code == 2 and "no account has the email" in unknown.stderr
    assert everything() == before


def test_cli_carries_facts_and_judgements_into_an_emptied_catalogue(catalogue_data, runner,
                                                                    tmp_path):
    path = tmp_path / "catalogue.csv"
    exported = runner.invoke(args=["catalogue", "export", "--format", "csv",
                                   "--output", str(path)])
    assert exported.exit_code == 0, exported.output
    as_json = transfer.export_json()
    again = runner.invoke(args=["catalogue", "import", str(path)])
    assert again.stdout.startswith(f"Imported {path}: 0 created, 0 updated, ")
    _empty_tables()
    result = runner.invoke(args=["catalogue", "import", str(path)])
    assert result.exit_code == 0, result.output
    records = sum(len(v) for v in json.loads(as_json).values() if isinstance(v, list))
    assert result.stdout.startswith(f"Imported {path}: {records} created, 0 updated, 0 unchanged")
    assert transfer.export_json() == as_json
    assert items.find_item("CME").facts[0].source_list == SOURCES.splitlines()
