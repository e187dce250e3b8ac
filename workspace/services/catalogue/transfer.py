"""Import and export of the whole catalogue, as JSON or as CSV.

Records name each other by natural keys, never by database ids: an item by its stable ID
(matched without regard to case, as everywhere in the catalogue), a Common Core area by its
number, a cluster set and a role by name, a cluster by its set and name, an optional group
by its item and name, a fact by its item and field. Twelve kinds of record, in the order
they are written:

    area          area, title
    cluster_set   cluster_set, source
    cluster       cluster_set, cluster, position
    role          role, description, sources (addresses, one a line), reference_count
    cluster_role  cluster_set, cluster, role, position
    item          stable_id and every item field (title, is_qualification, ... source_url)
    item_fact     stable_id, field, value (in the source's words), sources (one a line),
                  position
    group         stable_id (its item), group, min_credits, min_components, position
    component     stable_id (the parent), child, mandatory, group, position
    prerequisite  stable_id (the item), required (the item to hold first)
    item_area     stable_id, area, covered, basis, basis_text
    item_role     stable_id, role, basis, is_key (key for this role)

An item's seed_values are not carried: they record what this workspace's seed loader last
wrote, which says nothing about another workspace's catalogue, and an imported value is an
editor's, not the seed's.

JSON: one object {"format": "partnership-workspace-catalogue", "version": 1, "areas": [...],
"cluster_sets": [...], ...}: one list per kind, named by its plural ("item_roles"), each
record an object with the fields above. Problems are placed as "items[12]" (from 0).

CSV: one UTF-8 file whose first line names the columns, any of these in any order:

    record, stable_id, title, is_qualification, is_key, item_type, accrediting_body, level,
    learning_hours, unit_code, reference_number, credits, guided_learning_hours,
    total_qualification_time, operational_start, operational_end, certification_end,
    status, notes, entry_requirements, progression, source, source_url, area, covered,
    basis, basis_text, cluster_set, cluster, role, description, reference_count, group,
    min_credits, min_components, child, required, mandatory, field, value, sources,
    position

Each later line is one record: `record` names its kind and the cells of that kind's fields
are filled in, the others left empty. Booleans are true/false, dates YYYY-MM-DD, status
current/closed/withdrawn, basis source/editorial; an empty cell is "not recorded". Problems
are placed by the line where the record starts in the file ("line 12"), the column names
being line 1, and lines inside quoted cells counted.

An import is an upsert by natural key in one transaction. Every record is checked first
(types, ranges, dates, status, duplicate keys, references to records neither in the file nor
in the catalogue, cycles of components or of pre-requirements, with the catalogue's own
included); if anything is wrong nothing is written and every problem is reported. An import
never deletes: records the file leaves out stay as they are, and so does a field that it
leaves out (a JSON key, a CSV column) of a record already in the catalogue; a new record
takes the field's default (a Common Core judgement: covered; a basis: editorial). So a file
written before a field or a kind existed still imports. A record equal to the catalogue's is
not written, so re-importing an export changes nothing; each created or changed item gets
one change entry (its facts, groups and links included), and changes to areas, cluster
sets, clusters, roles and their links one entry between them.
"""

import csv
import enum
import io
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from workspace.exceptions import DomainError
from workspace.extensions import db
from workspace.infra import text as text_rules
from workspace.models import (
    Basis,
    CatalogueChange,
    CatalogueItem,
    Cluster,
    ClusterRole,
    ClusterSet,
    CommonCoreArea,
    Component,
    ComponentGroup,
    ItemArea,
    ItemFact,
    ItemRole,
    ItemStatus,
    JobRole,
    Prerequisite,
    User,
)

FORMAT = "partnership-workspace-catalogue"
VERSION = 1
INT_MAX = 2_147_483_647  # an INTEGER column's largest value

# --- field parsers: a raw value (a CSV cell, or a JSON value) -> a typed one ---------------

Parser = Callable[[Any], Any]


def _blank(raw) -> bool:
    return raw is None or raw == ""


def _text(max_length: int | None = None, *, required=False, nullable=False,
          strip=False) -> Parser:
    def parse(raw):
        if _blank(raw) or (required and isinstance(raw, str) and not raw.strip()):
            if required:
                raise ValueError("is required")
            return None if nullable else ""
        if not isinstance(raw, str):
            raise ValueError("must be text")
        value = raw.strip() if strip else raw
        if max_length and len(value) > max_length:
            raise ValueError(f"is longer than {max_length} characters")
        problem = (text_rules.one_line_problem(value)
                   if max_length and max_length <= text_rules.ONE_LINE_MAX
                   else text_rules.multi_line_problem(value))
        if problem:
            raise ValueError(problem[0].lower() + problem[1:])
        return value
    return parse


def _url(max_length: int) -> Parser:
    """A web address, http or https (never `javascript:` or `data:`), or blank."""
    as_text = _text(max_length)

    def parse(raw):
        value = as_text(raw)
        problem = text_rules.url_problem(value.strip()) if value else None
        if problem:
            raise ValueError(problem[0].lower() + problem[1:])
        return value
    return parse


def _int(low: int = 0, high: int = INT_MAX, *, default=None, required=False) -> Parser:
    def parse(raw):
        if _blank(raw):
            if required:
                raise ValueError("is required")
            return default
        if isinstance(raw, str) and re.fullmatch(r"\s*-?\d{1,12}\s*", raw):
            raw = int(raw)
        if isinstance(raw, bool) or not isinstance(raw, int) or not low <= raw <= high:
            raise ValueError(f"must be a whole number from {low} to {high}")
        return raw
    return parse


TRUE, FALSE = {"true", "yes", "1"}, {"false", "no", "0"}


def _bool(default: bool) -> Parser:
    def parse(raw):
        if _blank(raw):
            return default
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in TRUE | FALSE:
            return raw.strip().lower() in TRUE
        raise ValueError("must be true or false")
    return parse


def _date(raw):
    if _blank(raw):
        return None
    if isinstance(raw, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw.strip()):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise ValueError("must be a date written YYYY-MM-DD")


def _choice(enum_class: type[enum.Enum], default: enum.Enum) -> Parser:
    """One of an enum's values, written without regard to case."""
    known = {member.value: member for member in enum_class}

    def parse(raw):
        if _blank(raw):
            return default
        if isinstance(raw, str) and raw.strip().lower() in known:
            return known[raw.strip().lower()]
        raise ValueError("must be one of " + ", ".join(known))
    return parse


STABLE_ID = _text(40, required=True, strip=True)
POSITION = _int(default=0)
AMOUNT = _int()

ITEM_SPEC: dict[str, Parser] = {
    "title": _text(300, required=True),
    "is_qualification": _bool(False),
    "is_key": _bool(False),
    "item_type": _text(80),
    "accrediting_body": _text(200),
    "level": _int(0, 8),
    "learning_hours": AMOUNT,
    "unit_code": _text(60, nullable=True),
    "reference_number": _text(40, nullable=True),
    "credits": AMOUNT,
    "guided_learning_hours": AMOUNT,
    "total_qualification_time": AMOUNT,
    "operational_start": _date,
    "operational_end": _date,
    "certification_end": _date,
    "status": _choice(ItemStatus, ItemStatus.CURRENT),
    "notes": _text(),
    "entry_requirements": _text(),
    "progression": _text(),
    "source": _text(),
    "source_url": _url(500),
}

NULLABLE_TEXT = {"unit_code", "reference_number"}

# --- the kinds of record ------------------------------------------------------------------

ITEM_REFS = {"stable_id", "child", "required"}  # fields naming an item: matched without case


def _norm(name: str, value):
    return value.lower() if name in ITEM_REFS and isinstance(value, str) else value


@dataclass(frozen=True)
class Kind:
    record: str  # the CSV `record` value
    plural: str  # the JSON list
    model: type
    fields: dict[str, Parser]  # key fields first
    key: tuple[str, ...]
    refs: tuple[tuple[str, tuple[str, ...], str], ...] = ()  # (column, fields, kind named)
    renamed: tuple[tuple[str, str], ...] = ()  # (field, column) where the names differ
    noun: str = ""

    def key_of(self, values: dict) -> tuple:
        return tuple(_norm(name, values[name]) for name in self.key)

    @cached_property
    def columns(self) -> dict[str, str]:
        """Fields copied as they are into a column (the others are references)."""
        referring = {name for _column, names, _target in self.refs for name in names}
        renamed = dict(self.renamed)
        return {f: renamed.get(f, f) for f in self.fields if f not in referring}


SET_NAME = _text(120, required=True)
CLUSTER_NAME = _text(200, required=True)
ROLE_NAME = _text(300, required=True)
AREA_NUMBER = _int(1, 32767, required=True)
BASIS = _choice(Basis, Basis.EDITORIAL)
OF_ITEM = ("item_id", ("stable_id",), "item")
KINDS = (
    Kind("area", "areas", CommonCoreArea,
         {"area": AREA_NUMBER, "title": _text(200, required=True)}, ("area",),
         renamed=(("area", "number"),), noun="Common Core area"),
    Kind("cluster_set", "cluster_sets", ClusterSet, {"cluster_set": SET_NAME, "source": _text()},
         ("cluster_set",), renamed=(("cluster_set", "name"),), noun="cluster set"),
    Kind("cluster", "clusters", Cluster,
         {"cluster_set": SET_NAME, "cluster": CLUSTER_NAME, "position": POSITION},
         ("cluster_set", "cluster"), (("cluster_set_id", ("cluster_set",), "cluster_set"),),
         renamed=(("cluster", "name"),), noun="cluster"),
    Kind("role", "roles", JobRole,
         {"role": ROLE_NAME, "description": _text(), "sources": _text(),
          "reference_count": AMOUNT}, ("role",),
         # `sources`, not `source`: a CSV written before roles had addresses has a `source`
         # column (the items'), whose empty cells on role lines would otherwise wipe them.
         renamed=(("role", "name"), ("sources", "source")), noun="role"),
    Kind("cluster_role", "cluster_roles", ClusterRole,
         {"cluster_set": SET_NAME, "cluster": CLUSTER_NAME, "role": ROLE_NAME,
          "position": POSITION},
         ("cluster_set", "cluster", "role"),
         (("cluster_id", ("cluster_set", "cluster"), "cluster"),
          ("job_role_id", ("role",), "role"))),
    Kind("item", "items", CatalogueItem, {"stable_id": STABLE_ID, **ITEM_SPEC}, ("stable_id",),
         noun="item"),
    Kind("item_fact", "item_facts", ItemFact,
         {"stable_id": STABLE_ID, "field": _text(40, required=True, strip=True),
          "value": _text(required=True), "sources": _text(), "position": POSITION},
         ("stable_id", "field"), (OF_ITEM,), noun="fact"),
    Kind("group", "groups", ComponentGroup,
         {"stable_id": STABLE_ID, "group": _text(120, required=True), "min_credits": AMOUNT,
          "min_components": AMOUNT, "position": POSITION},
         ("stable_id", "group"), (OF_ITEM,), renamed=(("group", "name"),),
         noun="optional group"),
    Kind("component", "components", Component,
         {"stable_id": STABLE_ID, "child": STABLE_ID, "mandatory": _bool(True),
          "group": _text(120, nullable=True), "position": POSITION},
         ("stable_id", "child"),
         (("parent_id", ("stable_id",), "item"), ("child_id", ("child",), "item"),
          ("group_id", ("stable_id", "group"), "group"))),
    Kind("prerequisite", "prerequisites", Prerequisite,
         {"stable_id": STABLE_ID, "required": STABLE_ID}, ("stable_id", "required"),
         (OF_ITEM, ("required_id", ("required",), "item"))),
    Kind("item_area", "item_areas", ItemArea,
         {"stable_id": STABLE_ID, "area": AREA_NUMBER, "covered": _bool(True), "basis": BASIS,
          "basis_text": _text()},
         ("stable_id", "area"), (OF_ITEM, ("area_id", ("area",), "area"))),
    Kind("item_role", "item_roles", ItemRole,
         {"stable_id": STABLE_ID, "role": ROLE_NAME, "basis": BASIS, "is_key": _bool(False)},
         ("stable_id", "role"), (OF_ITEM, ("job_role_id", ("role",), "role"))),
)
KIND_BY_RECORD = {k.record: k for k in KINDS}
KIND_BY_PLURAL = {k.plural: k for k in KINDS}
CSV_COLUMNS = ("record", "stable_id", *ITEM_SPEC, "area", "covered", "basis", "basis_text",
               "cluster_set", "cluster", "role", "description", "reference_count", "group",
               "min_credits", "min_components", "child", "required", "mandatory", "field",
               "value", "sources", "position")

# --- results and errors -------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    where: str  # "line 12", "items[3]", or "file"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def _error_order(error: RowError) -> tuple[int, int]:
    """File order: file-wide problems first, then by line, or by list and index for JSON."""
    if match := re.fullmatch(r"line (\d+)", error.where):
        return (int(match[1]), 0)
    if (match := re.fullmatch(r"(\w+)\[(\d+)\]", error.where)) and match[1] in KIND_BY_PLURAL:
        return (1 + list(KIND_BY_PLURAL).index(match[1]), int(match[2]))
    return (0, 0)


class ImportRefused(DomainError):
    """The file has problems; nothing was imported. `errors` lists every one, in file order."""

    def __init__(self, errors: list[RowError]):
        count = f"{len(errors)} problem{'s' if len(errors) != 1 else ''}"
        super().__init__(f"Nothing was imported: the file has {count}.")
        self.errors = sorted(errors, key=_error_order)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportResult:
    counts: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))  # by plural

    def total(self, what: str) -> int:
        return sum(getattr(c, what) for c in self.counts.values())

    def describe(self) -> str:
        return ", ".join(f"{self.total(w)} {w}" for w in ("created", "updated", "unchanged"))


# --- export -------------------------------------------------------------------------------


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    return value.value if isinstance(value, enum.Enum) else value


def _sort(rows: list[dict], *names: str) -> list[dict]:
    """Sorted in Python by natural keys: the same order whatever the database's collation."""
    def key(row):
        return [(row[n].lower(), row[n]) if isinstance(row[n], str) else (row[n], "")
                for n in names]
    return sorted(rows, key=key)


def _all(model) -> list:
    return list(db.session.scalars(select(model)))


def _rows(model) -> list:
    """Plain rows, not ORM objects: an export reads every row, and this is much faster."""
    return list(db.session.execute(select(model.__table__)))


def _item_record(item) -> dict:
    record = {"stable_id": item.stable_id}
    for name in ITEM_SPEC:
        value = _plain(getattr(item, name))
        record[name] = (value or None) if name in NULLABLE_TEXT else value
    return record


def _export_records() -> dict[str, list[dict]]:
    """Every record of the catalogue, by kind (in KINDS order), in JSON's terms."""
    area_rows, role_rows, items = _rows(CommonCoreArea), _rows(JobRole), _rows(CatalogueItem)
    areas = {a.id: a.number for a in area_rows}
    roles = {r.id: r.name for r in role_rows}
    sid = {i.id: i.stable_id for i in items}
    groups = {g.id: g for g in _rows(ComponentGroup)}
    records = {**_structure_records(area_rows, role_rows, roles),
               **_item_records(items, sid, groups), **_link_records(sid, groups, areas, roles)}
    return {kind.plural: records[kind.plural] for kind in KINDS}


def _structure_records(area_rows: list, role_rows: list,
                       roles: dict[int, str]) -> dict[str, list[dict]]:
    """Common Core areas, cluster sets, clusters, roles and the roles' places in clusters."""
    cluster_sets = _rows(ClusterSet)
    sets = {s.id: s.name for s in cluster_sets}
    clusters = {c.id: (sets[c.cluster_set_id], c.name, c.position) for c in _rows(Cluster)}
    return {
        "areas": _sort([{"area": a.number, "title": a.title} for a in area_rows], "area"),
        "cluster_sets": _sort([{"cluster_set": s.name, "source": s.source}
                               for s in cluster_sets], "cluster_set"),
        "clusters": _sort([{"cluster_set": s, "cluster": name, "position": position}
                           for s, name, position in clusters.values()],
                          "cluster_set", "position", "cluster"),
        "roles": _sort([{"role": r.name, "description": r.description, "sources": r.source,
                         "reference_count": r.reference_count} for r in role_rows], "role"),
        "cluster_roles": _sort([{
            "cluster_set": clusters[cr.cluster_id][0], "cluster": clusters[cr.cluster_id][1],
            "role": roles[cr.job_role_id], "position": cr.position}
            for cr in _rows(ClusterRole)], "cluster_set", "cluster", "position", "role"),
    }


def _item_records(items: list, sid: dict[int, str], groups: dict) -> dict[str, list[dict]]:
    """Items, their facts and their optional groups."""
    return {
        "items": _sort([_item_record(i) for i in items], "stable_id"),
        "item_facts": _sort([{"stable_id": sid[f.item_id], "field": f.field, "value": f.value,
                              "sources": f.sources, "position": f.position}
                             for f in _rows(ItemFact)], "stable_id", "position", "field"),
        "groups": _sort([{"stable_id": sid[g.item_id], "group": g.name,
                          "min_credits": g.min_credits, "min_components": g.min_components,
                          "position": g.position} for g in groups.values()],
                        "stable_id", "position", "group"),
    }


def _link_records(sid: dict[int, str], groups: dict, areas: dict[int, int],
                  roles: dict[int, str]) -> dict[str, list[dict]]:
    """Items' links: components, pre-requirements, Common Core judgements and roles."""
    return {
        "components": _sort([{
            "stable_id": sid[c.parent_id], "child": sid[c.child_id], "mandatory": c.mandatory,
            "group": groups[c.group_id].name if c.group_id else None, "position": c.position}
            for c in _rows(Component)], "stable_id", "position", "child"),
        "prerequisites": _sort([{"stable_id": sid[p.item_id], "required": sid[p.required_id]}
                                for p in _rows(Prerequisite)], "stable_id", "required"),
        "item_areas": _sort([{
            "stable_id": sid[a.item_id], "area": areas[a.area_id], "covered": a.covered,
            "basis": _plain(a.basis), "basis_text": a.basis_text}
            for a in _rows(ItemArea)], "stable_id", "area"),
        "item_roles": _sort([{"stable_id": sid[r.item_id], "role": roles[r.job_role_id],
                              "basis": _plain(r.basis), "is_key": r.is_key}
                             for r in _rows(ItemRole)],
                            "stable_id", "role"),
    }


EXPORT_CHUNK = 64 * 1024  # characters a streamed export sends at a time


def _chunked(pieces: Iterable[str]) -> Iterator[str]:
    """Small pieces gathered into chunks of about EXPORT_CHUNK characters."""
    buffer, size = [], 0
    for piece in pieces:
        buffer.append(piece)
        size += len(piece)
        if size >= EXPORT_CHUNK:
            yield "".join(buffer)
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer)


def export_json_chunks() -> Iterator[str]:
    """The JSON export, a chunk at a time (a page streams it rather than building it whole)."""
    document = {"format": FORMAT, "version": VERSION, **_export_records()}
    encoder = json.JSONEncoder(ensure_ascii=False, indent=2)
    yield from _chunked([*encoder.iterencode(document), "\n"])


def export_json() -> str:
    return "".join(export_json_chunks())


def _cell(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _csv_lines() -> Iterator[str]:
    out = io.StringIO(newline="")
    writer = csv.writer(out)

    def line(values) -> str:
        out.seek(0)
        out.truncate()
        writer.writerow(values)
        return out.getvalue()

    yield line(CSV_COLUMNS)
    for plural, records in _export_records().items():
        record = KIND_BY_PLURAL[plural].record
        for row in records:
            yield line([record, *(_cell(row.get(c)) for c in CSV_COLUMNS[1:])])


def export_csv_chunks() -> Iterator[str]:
    """The CSV export, a chunk at a time."""
    yield from _chunked(_csv_lines())


def export_csv() -> str:
    return "".join(export_csv_chunks())


# --- reading a file into records ------------------------------------------------------------


@dataclass
class Record:
    where: str
    kind: Kind
    raw: dict[str, Any]  # field -> value as written; a field left out is absent
    values: dict[str, Any] = field(default_factory=dict)  # parsed; absent when left out
    ok: bool = True


def _records_from_json(data) -> tuple[list[Record], list[RowError]]:
    if not isinstance(data, dict):
        return [], [RowError("file", "expected a JSON object with one list per kind")]
    errors, records = _json_header_errors(data), []
    for name, rows in data.items():
        kind = KIND_BY_PLURAL.get(name)
        if name in ("format", "version"):
            continue
        if kind is None:
            errors.append(RowError("file", f"unknown list {name!r} (expected "
                                           f"{', '.join(KIND_BY_PLURAL)})"))
        elif not isinstance(rows, list):
            errors.append(RowError(name, "expected a list"))
        else:
            records += _json_rows(kind, rows, errors)
    return records, errors


def _json_header_errors(data: dict) -> list[RowError]:
    errors = []
    if data.get("format") != FORMAT:
        errors.append(RowError("format", f"expected {FORMAT!r}"))
    version = data.get("version")
    if version != VERSION or isinstance(version, bool):
        errors.append(RowError("version", f"{version!r} is not supported (expected {VERSION})"))
    return errors


def _json_rows(kind: Kind, rows: list, errors: list[RowError]) -> list[Record]:
    records = []
    for n, row in enumerate(rows):
        where = f"{kind.plural}[{n}]"
        if not isinstance(row, dict):
            errors.append(RowError(where, "expected an object"))
            continue
        unknown = sorted(set(row) - set(kind.fields))
        if unknown:
            errors.append(RowError(where, f"unknown field {', '.join(unknown)}"))
        records.append(Record(where, kind, row))
    return records


def _records_from_csv(text: str) -> tuple[list[Record], list[RowError]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records, errors, header, start = [], [], None, 1
    try:
        for cells in reader:
            if header is None:
                header = [c.strip() for c in cells]
                if problems := _header_errors(header):
                    return [], problems
            elif any(cells):
                _csv_row(header, cells, f"line {start}", records, errors)
            start = reader.line_num + 1
    except csv.Error as error:
        errors.append(RowError(f"line {start}", f"not readable as CSV: {error}"))
    if header is None and not errors:
        errors.append(RowError("line 1", "the file is empty"))
    return records, errors


def _header_errors(header: list[str]) -> list[RowError]:
    if "record" not in header:
        return [RowError("line 1", "the first line must name the columns, one of them "
                                   "'record'")]
    unknown = [c for c in header if c not in CSV_COLUMNS]
    doubled = sorted({c for c in header if header.count(c) > 1})
    return ([RowError("line 1", f"unknown column {', '.join(map(repr, unknown))}")]
            if unknown else []) + (
        [RowError("line 1", f"column named twice: {', '.join(doubled)}")] if doubled else [])


def _csv_row(header, cells, where, records, errors) -> None:
    if len(cells) > len(header):
        errors.append(RowError(where, f"{len(cells)} cells, but the first line names "
                                      f"{len(header)} columns"))
        return
    row = {column: cells[n] if n < len(cells) else "" for n, column in enumerate(header)}
    kind = KIND_BY_RECORD.get(row["record"].strip())
    if kind is None:
        errors.append(RowError(where, f"unknown record {row['record']!r} (expected "
                                      f"{', '.join(KIND_BY_RECORD)})"))
        return
    stray = [c for c, v in row.items() if v and c != "record" and c not in kind.fields]
    if stray:
        errors.append(RowError(where, f"{', '.join(stray)} does not apply to {kind.record} "
                                      "records: leave it empty"))
    records.append(Record(where, kind, {f: v for f, v in row.items() if f in kind.fields}))


# --- the catalogue as it stands, keyed by natural keys --------------------------------------


def _item(keys, item_id) -> tuple:
    return keys["item"][item_id]


KEY_OF_ROW: dict[str, Callable[[Any, dict], tuple]] = {
    "area": lambda r, k: (r.number,),
    "cluster_set": lambda r, k: (r.name,),
    "cluster": lambda r, k: (*k["cluster_set"][r.cluster_set_id], r.name),
    "role": lambda r, k: (r.name,),
    "cluster_role": lambda r, k: (*k["cluster"][r.cluster_id], *k["role"][r.job_role_id]),
    "item": lambda r, k: (r.stable_id.lower(),),
    "item_fact": lambda r, k: (*_item(k, r.item_id), r.field),
    "group": lambda r, k: (*_item(k, r.item_id), r.name),
    "component": lambda r, k: (*_item(k, r.parent_id), *_item(k, r.child_id)),
    "prerequisite": lambda r, k: (*_item(k, r.item_id), *_item(k, r.required_id)),
    "item_area": lambda r, k: (*_item(k, r.item_id), *k["area"][r.area_id]),
    "item_role": lambda r, k: (*_item(k, r.item_id), *k["role"][r.job_role_id]),
}


class _Existing:
    """The catalogue's rows of each kind by natural key, and each row's key by id."""

    def __init__(self):
        self.rows: dict[str, dict[tuple, Any]] = {k.record: {} for k in KINDS}
        self.key_by_id: dict[str, dict[int, tuple]] = {k.record: {} for k in KINDS}
        for kind in KINDS:
            for row in _all(kind.model):
                self.add(kind, row)

    def add(self, kind: Kind, row) -> None:
        key = KEY_OF_ROW[kind.record](row, self.key_by_id)
        self.rows[kind.record].setdefault(key, row)
        self.key_by_id[kind.record][row.id] = key

    def find(self, record: Record):
        return self.rows[record.kind.record].get(record.kind.key_of(record.values))

    def id_of(self, kind: str, key: tuple) -> int:
        return self.rows[kind][key].id


# --- checking the records -----------------------------------------------------------------


def _parse(record: Record, existing: _Existing, errors: list[RowError]) -> None:
    """Parse the key, then the other fields: all of them for a new record, else those given."""
    fields = record.kind.fields
    for name in record.kind.key:
        _parse_field(record, name, errors)
    found = existing.find(record) if record.ok else None
    for name in fields:
        if name not in record.kind.key and (found is None or name in record.raw):
            _parse_field(record, name, errors)
    if record.kind.record == "item":
        _check_dates(record, found, errors)


def _parse_field(record: Record, name: str, errors: list[RowError]) -> None:
    try:
        record.values[name] = record.kind.fields[name](record.raw.get(name))
    except ValueError as error:
        record.ok = False
        errors.append(RowError(record.where, f"{name} {error}"))


def _check_dates(record: Record, found, errors: list[RowError]) -> None:
    def value(name):
        return record.values[name] if name in record.values else getattr(found, name, None)

    start, end = value("operational_start"), value("operational_end")
    if start and end and end < start:
        record.ok = False
        errors.append(RowError(record.where, "operational_end is before operational_start"))


def _check(records: list[Record], existing: _Existing) -> list[RowError]:
    errors: list[RowError] = []
    for record in records:
        _parse(record, existing, errors)
    known = {kind: set(rows) for kind, rows in existing.rows.items()}
    errors += _duplicate_errors(records, known)
    for record in records:
        errors += _reference_errors(record, known)
    errors += _cycle_errors(records, existing, "component", "child", "components",
                            "each contains the next")
    errors += _cycle_errors(records, existing, "prerequisite", "required",
                            "pre-requirements", "each needs the next first")
    return errors


def _duplicate_errors(records: list[Record], known: dict[str, set]) -> list[RowError]:
    """Records with the same key as an earlier one; adds every key to `known`."""
    errors, seen = [], {}
    for record in records:
        if not all(name in record.values for name in record.kind.key):
            continue
        key = (record.kind.record, record.kind.key_of(record.values))
        if key in seen:
            record.ok = False
            errors.append(RowError(record.where, f"the same {record.kind.record} as "
                                                 f"{seen[key]}"))
        seen.setdefault(key, record.where)
        known[record.kind.record].add(key[1])
    return errors


def _reference_errors(record: Record, known: dict[str, set]) -> list[RowError]:
    errors = []
    for _column, names, target in record.kind.refs:
        if any(record.values.get(n) is None for n in names):
            continue  # not parsed, or an empty optional reference (a component's group)
        if tuple(_norm(n, record.values[n]) for n in names) not in known[target]:
            shown = " / ".join(str(record.values[n]) for n in names)
            errors.append(RowError(record.where, f"no {KIND_BY_RECORD[target].noun} {shown!r} "
                                                 "in the file or the catalogue"))
            record.ok = False
    return errors


def _cycle_errors(records, existing: _Existing, kind: str, other: str, what: str,
                  reading: str) -> list[RowError]:
    """New links in the file that would close a loop with the file's or the catalogue's."""
    graph: dict[str, set[str]] = defaultdict(set)
    for parent, child in existing.rows[kind]:
        graph[parent].add(child)
    new = [(r, *r.kind.key_of(r.values)) for r in records
           if r.kind.record == kind and r.ok and r.kind.key_of(r.values) not in
           existing.rows[kind]]
    for _record, start, end in new:
        graph[start].add(end)
    loops = [(record, [start, *path]) for record, start, end in new
             if (path := [start] if start == end else _path(graph, end, start))]
    shown = _written_ids(records, existing) if loops else {}
    return [RowError(record.where, f"would make a cycle of {what}: "
                                   f"{' → '.join(shown.get(k, k) for k in loop)} ({reading})")
            for record, loop in loops]


def _written_ids(records, existing: _Existing) -> dict[str, str]:
    """Stable IDs as written, by their lower-case keys: the file's first, else the catalogue's."""
    in_file: dict[str, str] = {}
    for r in records:
        if r.kind.record == "item" and "stable_id" in r.values:
            in_file.setdefault(r.values["stable_id"].lower(), r.values["stable_id"])
    return {**{key[0]: row.stable_id for key, row in existing.rows["item"].items()}, **in_file}


def _path(graph: dict[str, set[str]], start: str, goal: str) -> list[str] | None:
    """A shortest chain of links from start to goal (both included), or None."""
    previous = {start: None}
    queue = [start]
    for node in queue:
        if node == goal:
            path = [node]
            while previous[path[-1]] is not None:
                path.append(previous[path[-1]])
            return path[::-1]
        for following in graph.get(node, ()):
            if following not in previous:
                previous[following] = node
                queue.append(following)
    return None


# --- applying the records -----------------------------------------------------------------


def _attributes(record: Record, existing: _Existing) -> dict:
    """The record's column values, its references turned into ids; fields left out, left out."""
    v, kind = record.values, record.kind
    attrs = {column: v[name] for name, column in kind.columns.items() if name in v}
    for column, names, target in kind.refs:
        if all(n in v for n in names):
            attrs[column] = None if any(v[n] is None for n in names) else existing.id_of(
                target, tuple(_norm(n, v[n]) for n in names))
    return attrs


def _same(old, new) -> bool:
    """Equal, counting an empty text and a missing value as the same (CSV cannot tell)."""
    return (None if old == "" else old) == (None if new == "" else new)


def _describe(value) -> str:
    return "(none)" if value is None or value == "" else str(_plain(value))


def _clip(text: str, limit: int = 2000) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


LINK_NOTES = {"item_fact": "fact {field}", "group": "optional group {group}",
              "component": "component {child}", "prerequisite": "pre-requirement {required}",
              "item_area": "Common Core area {area}", "item_role": "role {role}"}


class _Applier:
    """Writes the checked records kind by kind, noting what changed for each item."""

    def __init__(self, existing: _Existing, actor: User | None):
        self.existing, self.actor = existing, actor
        self.result = ImportResult()
        self.notes: dict[tuple, list[str]] = {}  # item key -> what changed
        self.created_items: set[tuple] = set()

    def apply(self, records: list[Record]) -> Iterator[tuple[Kind, int]]:
        """Write kind by kind (in KINDS order): each kind and how many of its records."""
        for kind in KINDS:
            mine = [r for r in records if r.kind is kind]
            added = [row for r in mine if (row := self._upsert(r))]
            db.session.flush()
            for row in added:
                self.existing.add(kind, row)
            yield kind, len(mine)

    def finish(self) -> ImportResult:
        self._record_changes()
        return self.result

    def _upsert(self, record: Record):
        """Create or update the record's row; returns a row it created."""
        counts = self.result.counts[record.kind.plural]
        attrs = _attributes(record, self.existing)
        row = self.existing.find(record)
        if row is None:
            counts.created += 1
            self._note(record, "added", [])
            db.session.add(row := record.kind.model(**attrs))
            return row
        changed = [(n, getattr(row, n), new) for n, new in attrs.items()
                   if not _same(getattr(row, n), new)]
        for name, _old, new in changed:
            setattr(row, name, new)
        counts.updated += bool(changed)
        counts.unchanged += not changed
        if changed:
            self._note(record, "changed", changed)
        return None

    def _note(self, record: Record, how: str, changed: list) -> None:
        kind, v = record.kind.record, record.values
        if "stable_id" not in record.kind.key:
            return  # areas, clusters and roles: summed up in one entry
        notes = self.notes.setdefault((v["stable_id"].lower(),), [])
        if kind != "item":
            notes.append(f"{LINK_NOTES[kind].format(**v)} {how}")
        elif how == "added":
            self.created_items.add((v["stable_id"].lower(),))
        else:
            notes += [f"{n.replace('_', ' ')}: {_describe(old)} → {_describe(new)}"
                      for n, old, new in changed]

    def _record_changes(self) -> None:
        actor_id = self.actor.id if self.actor else None
        for key, notes in self.notes.items():
            created = key in self.created_items
            summary = "; ".join(notes)
            summary = ("Created by import" + (f": {summary}" if summary else "")) if created \
                else f"Imported: {summary}"
            db.session.add(CatalogueChange(
                item_id=self.existing.id_of("item", key), actor_id=actor_id,
                action="created" if created else "imported", summary=_clip(summary)))
        if others := self._other_changes():
            db.session.add(CatalogueChange(item_id=None, actor_id=actor_id, action="imported",
                                           summary=_clip("Imported: " + "; ".join(others))))

    def _other_changes(self) -> list[str]:
        return [f"{plural.replace('_', ' ')}: {c.created} added, {c.updated} changed"
                for plural, c in self.result.counts.items()
                if "stable_id" not in KIND_BY_PLURAL[plural].key and (c.created or c.updated)]


# --- importing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """How far an import has got, in words, for a page that shows it as it goes."""

    words: str


def _import_steps(records: list[Record], errors: list[RowError],
                  actor: User | None) -> Iterator[Step | ImportResult]:
    """Check everything, then write everything in one transaction, or nothing; a Step after
    each stage, and the ImportResult last. Raises ImportRefused, having written nothing."""
    try:
        yield Step(f"Read {len(records):,} records.")
        existing = _Existing()
        errors = errors + _check(records, existing)
        if errors:
            raise ImportRefused(errors)
        yield Step(f"Checked {len(records):,} records: no problems.")
        applier = _Applier(existing, actor)
        for kind, count in applier.apply(records):
            if count:
                yield Step(f"Wrote {count:,} {kind.plural.replace('_', ' ')}.")
        result = applier.finish()
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ImportRefused([RowError("file", "the catalogue changed while the file was being "
                                              "imported; nothing was imported, try again")]
                            ) from None
    except BaseException:  # a refusal, a fault, or the page that showed it going away
        db.session.rollback()
        raise
    yield result


def _finished(steps: Iterator[Step | ImportResult]) -> ImportResult:
    *_, result = steps
    return result


def _import(records: list[Record], errors: list[RowError], actor: User | None) -> ImportResult:
    return _finished(_import_steps(records, errors, actor))


def import_json(data, actor: User | None) -> ImportResult:
    """Import a parsed JSON document (its shape is in this module's docstring)."""
    return _import(*_records_from_json(data), actor)


def import_csv(text: str, actor: User | None) -> ImportResult:
    return _import(*_records_from_csv(text), actor)


def _records_from_text(text: str, filename: str) -> tuple[list[Record], list[RowError]]:
    """CSV or JSON, told apart by the file name's extension, else by the content."""
    name = filename.lower()
    if name.endswith(".json") or (not name.endswith(".csv") and text.lstrip().startswith("{")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ImportRefused([RowError(f"line {error.lineno}",
                                          f"not valid JSON: {error.msg}")]) from None
        return _records_from_json(data)
    return _records_from_csv(text)


def import_text(text: str, actor: User | None, filename: str = "") -> ImportResult:
    """Import CSV or JSON, told apart by the file name's extension, else by the content."""
    return _import(*_records_from_text(text, filename), actor)


def import_steps(data: bytes, actor: User | None,
                 filename: str = "") -> Iterator[Step | ImportResult]:
    """The import of `import_bytes`, a Step as each stage ends and the ImportResult last, for
    a page that shows a long import's progress; raises ImportRefused as it does."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused([RowError("file", f"not UTF-8 text (at byte {error.start + 1}); "
                                              "save it as UTF-8 and try again")]) from None
    yield from _import_steps(*_records_from_text(text, filename), actor)


def import_bytes(data: bytes, actor: User | None, filename: str = "") -> ImportResult:
    """Import a file as read or uploaded: UTF-8, with or without a byte-order mark."""
    return _finished(import_steps(data, actor, filename))
