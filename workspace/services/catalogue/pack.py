"""The catalogue pack: sourced facts about the music and cultural education workforce's roles
and the qualifications they hold or work towards (`workspace/seed/catalogue_pack.json`, a copy
of ../shared/catalogue-pack/pack.json; its README says how to read it).

What the loader presents as fact is only what the pack gives, with the pack's addresses:
- every qualification and unit becomes a catalogue item; a field the pack leaves empty stays
  empty; a number is stored as a number only when the source gives a plain one ("442-525"
  hours stays words), and every value is also kept as the source words it, as an ItemFact with
  its addresses (a month stays a month);
- roles become the "Music and cultural education workforce" cluster set; a qualification is
  attached to the roles a source names for it (basis: source) and to those a researcher
  suggested (basis: editorial, shown as the catalogue editors' judgement);
- a unit's Common Core mapping is the pack's editorial one, with the words it rests on; an
  area the pack does not map stays "not yet judged";
- units whose being required is not stated sit in a group that says so, without a minimum.

Loading is an upsert by stable ID. Each owned item keeps the values last loaded
(`seed_values`): a newer pack changes a field only where nobody has changed it since, and adds
links (roles, areas, components) that are new in the pack, never re-adding one an editor took
away. Loading the same pack twice writes nothing.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from importlib import resources

from sqlalchemy import select

from workspace.extensions import db
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
    SeedMark,
)

PACK_FILE = "catalogue_pack.json"
CLUSTER_SET = "Music and cultural education workforce"
CLUSTER_SET_SOURCE = ("Catalogue pack (../shared/catalogue-pack): roles named by the public pages "
                      "each role cites")
UNSTATED_GROUP = "Units a source lists (whether each is required is not stated)"

# The qualifications of seed 000 keep the stable IDs they have had since the first catalogue.
KNOWN_IDS = {
    "Trinity Level 4 Certificate for Music Educators (Trinity CME)": "CME",
    "Level 3 Certificate for Creative and Cultural Practitioners Working with Children and Young "
    "People": "L3-CCP",
}
KNOWN_PREFIXES = {"Diploma in Dance Teaching and Learning (Children and Young People)":
                  "DDTL-CYP"}
# Precise days that ../shared/catalogue-facts.md gives (the pack gives them in words); other
# dates stay words, as the sources give them (a month, a year).
FACTS_MD_DATES = {"DDTL-CYP": {"operational_end": date(2019, 8, 31),
                               "certification_end": date(2022, 8, 31)}}
SEED_000 = ("Arts Council England, 'New qualifications for creative practitioners working with "
            "children and young people' (seed 000); ../shared/catalogue-facts.md")

# Pack field -> the label its fact is shown under.
QUALIFICATION_FACTS = {
    "awarding_body": "Awarding body", "level": "Level",
    "qualification_number": "Qualification number", "type": "Type",
    "glh": "Guided learning hours", "tqt": "Total qualification time", "credits": "Credits",
    "status": "Status", "start_date": "Available from", "end_date": "End dates",
}
UNIT_FACTS = {"level": "Level", "glh": "Guided learning hours", "credits": "Credits"}
OFQUAL_NUMBER = re.compile(r"\b\d{3}/\d{4}/[\dX]\b")
PLAIN_LEVEL = re.compile(r"(\d)(?:\s*\(.*\))?")  # "4", "4 (RQF)"; not "Entry 3" or "6+"


def read_pack() -> dict:
    return json.loads(resources.files("workspace.seed").joinpath(PACK_FILE)
                      .read_text(encoding="utf-8"))


# --- what the pack says, as catalogue fields ------------------------------------------------


def _whole(value) -> int | None:
    """A plain whole number; a range, an approximation or words stay out of number fields."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _level(value) -> int | None:
    match = PLAIN_LEVEL.fullmatch(value.strip()) if isinstance(value, str) else None
    return int(match.group(1)) if match else _whole(value)


def _status(text: str | None) -> ItemStatus:
    """Withdrawn or closed when the source says so; otherwise current, the catalogue's default
    (the source's own words are shown beside it)."""
    words = (text or "").strip().lower()
    if words.startswith("withdrawn"):
        return ItemStatus.WITHDRAWN
    if words.startswith("closed"):
        return ItemStatus.CLOSED
    return ItemStatus.CURRENT


def _stable_id(title: str) -> str:
    if title in KNOWN_IDS:
        return KNOWN_IDS[title]
    for prefix, stable_id in KNOWN_PREFIXES.items():
        if title.startswith(prefix):
            return stable_id
    slug = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").upper()[:27].rstrip("-")
    return f"{slug}-{hashlib.sha1(title.encode()).hexdigest()[:6].upper()}"


def _as_text(value) -> str:
    return str(value).strip() if value is not None else ""


def _sources(urls) -> str:
    return "\n".join(u.strip() for u in urls or [] if u and u.strip())


@dataclass
class Planned:
    """One catalogue item as the pack describes it."""

    stable_id: str
    fields: dict
    facts: list[tuple[str, str]]  # (label, words)
    sources: str
    areas: dict[int, str] = field(default_factory=dict)  # area number -> basis words
    roles: dict[str, Basis] = field(default_factory=dict)
    units: list[tuple["Planned", bool | None]] = field(default_factory=list)


def _facts(record: dict, labels: dict[str, str]) -> list[tuple[str, str]]:
    return [(label, _as_text(record[key])) for key, label in labels.items()
            if _as_text(record.get(key))]


def _plan_unit(parent_id: str, number: int, unit: dict, parent_sources: str) -> Planned:
    sources = _sources(unit.get("sources")) or parent_sources
    return Planned(
        stable_id=f"{parent_id}-U{number}", sources=sources,
        fields={"title": unit["title"], "is_qualification": False, "item_type": "Unit",
                "level": _level(unit.get("level")), "credits": _whole(unit.get("credits")),
                "guided_learning_hours": _whole(unit.get("glh")),
                "notes": _as_text(unit.get("notes"))},
        facts=_facts(unit, UNIT_FACTS),
        areas={n: unit.get("common_core_basis") or "" for n in unit.get("common_core") or []})


def _plan(record: dict) -> Planned:
    stable_id = _stable_id(record["title"])
    sources = _sources(record["sources"])
    if stable_id in (*KNOWN_IDS.values(), *KNOWN_PREFIXES.values()):
        sources += "\n" + SEED_000
    number = OFQUAL_NUMBER.search(_as_text(record.get("qualification_number")))
    fields = {
        "title": record["title"], "is_qualification": True,
        "accrediting_body": _as_text(record.get("awarding_body"))[:200],
        "item_type": _as_text(record.get("type"))[:80], "level": _level(record.get("level")),
        "reference_number": number.group(0) if number else None,
        "guided_learning_hours": _whole(record.get("glh")),
        "total_qualification_time": _whole(record.get("tqt")),
        "credits": _whole(record.get("credits")), "status": _status(record.get("status")),
        "entry_requirements": _as_text(record.get("entry_requirements")),
        "progression": _as_text(record.get("progression")),
        "notes": _as_text(record.get("notes")),
        "operational_start": None, "operational_end": None, "certification_end": None,
        **FACTS_MD_DATES.get(stable_id, {}),
    }
    roles = {name: Basis.EDITORIAL for name in record.get("for_roles_editorial") or []}
    roles.update({name: Basis.SOURCE for name in record.get("for_roles") or []})
    planned = Planned(stable_id=stable_id, fields=fields, sources=sources, roles=roles,
                      facts=_facts(record, QUALIFICATION_FACTS))
    listed = [u for u in record.get("units") or [] if "not found" not in u["title"].lower()]
    planned.units = [(_plan_unit(stable_id, n, unit, sources), unit.get("mandatory"))
                     for n, unit in enumerate(listed, start=1)]
    return planned


# --- writing it, keeping editors' changes ---------------------------------------------------


def _stored(value):
    """A field's value as JSON keeps it."""
    if isinstance(value, ItemStatus):
        return value.value
    return value.isoformat() if isinstance(value, date) else value


def _wanted(planned: Planned) -> dict:
    return {**planned.fields, "source": planned.sources,
            "source_url": planned.sources.split("\n", 1)[0][:500]}


class Loader:
    """One load of the pack into the catalogue (the caller commits)."""

    def __init__(self, pack: dict) -> None:
        self.pack = pack
        self.plans = [_plan(record) for record in pack["qualifications"]]
        ids = [p.stable_id for p in self.plans] + [
            u.stable_id for p in self.plans for u, _ in p.units]
        self.areas = {a.number: a for a in db.session.scalars(select(CommonCoreArea))}
        self.roles: dict[str, JobRole] = {}
        self.items = {i.stable_id: i for i in db.session.scalars(
            select(CatalogueItem).where(CatalogueItem.stable_id.in_(ids)))}
        self.changed: list[tuple[CatalogueItem, str]] = []

    def run(self) -> int:
        self._load_roles()
        for planned in self.plans:
            item = self._item(planned)
            self._links(item, planned)
        for item, action in self.changed:
            db.session.add(CatalogueChange(item_id=item.id, actor_id=None, action=action,
                                           summary="From the catalogue pack of "
                                                   f"{self.pack['generated']}."))
        return len(self.changed)

    def _load_roles(self) -> None:
        """The pack's roles in their cluster set. What editors renamed keeps its new name, and
        what they deleted or took out of the cluster stays so (`seeded`)."""
        cluster_set = seeded(f"cluster_set:{CLUSTER_SET}", ClusterSet,
                             {"source": CLUSTER_SET_SOURCE}, name=CLUSTER_SET)
        cluster = cluster_set and seeded(f"cluster:{CLUSTER_SET}/{CLUSTER_SET}", Cluster,
                                         {"position": 0}, cluster_set_id=cluster_set.id,
                                         name=CLUSTER_SET)
        for position, entry in enumerate(self.pack["roles"]):
            name = entry["name"]
            role = seeded(f"job_role:{name}", JobRole, {}, name=name)
            if role is None:
                continue
            for column, value in (("description", entry.get("description") or ""),
                                  ("source", _sources(entry.get("sources")))):
                if not getattr(role, column):
                    setattr(role, column, value)
            if cluster is not None:
                seeded(f"cluster_role:{CLUSTER_SET}/{CLUSTER_SET}/{name}", ClusterRole,
                       {"position": position}, cluster_id=cluster.id, job_role_id=role.id)
            self.roles[name] = role  # by the pack's name: an editor may have renamed it

    def _item(self, planned: Planned) -> CatalogueItem:
        wanted = _wanted(planned)
        item = self.items.get(planned.stable_id)
        if item is None:
            item = CatalogueItem(stable_id=planned.stable_id, **wanted)
            db.session.add(item)
            db.session.flush()
            self.items[item.stable_id] = item
            self.changed.append((item, "created"))
        else:
            last = json.loads(item.seed_values or "{}").get("fields", {})
            edited = {f for f in wanted if f in last and _stored(getattr(item, f)) != last[f]}
            updates = {f: v for f, v in wanted.items()
                       if f not in edited and getattr(item, f) != v}
            for name, value in updates.items():
                setattr(item, name, value)
            if updates:
                self.changed.append((item, "updated"))
        self._facts(item, planned)
        return item

    def _facts(self, item: CatalogueItem, planned: Planned) -> None:
        """The facts as the pack words them now (editors do not edit facts: they are quotes)."""
        have = {f.field: f for f in item.facts}
        for position, (label, words) in enumerate(planned.facts):
            fact = have.pop(label, None)
            if fact is None:
                fact = ItemFact(field=label)
                item.facts.append(fact)
            for name, value in (("value", words), ("sources", planned.sources),
                                ("position", position)):
                if getattr(fact, name) != value:
                    setattr(fact, name, value)
        for gone in have.values():
            item.facts.remove(gone)

    def _links(self, item: CatalogueItem, planned: Planned) -> None:
        seed = json.loads(item.seed_values or "{}")
        before = {k: set(map(str, v)) for k, v in seed.get("links", {}).items()}
        links = {"roles": sorted(planned.roles), "areas": sorted(planned.areas),
                 "units": [u.stable_id for u, _ in planned.units]}
        fresh = {k: {str(v) for v in values} - before.get(k, set())
                 for k, values in links.items()}
        for name, basis in planned.roles.items():
            if name in fresh["roles"] and name in self.roles:
                get_or_add(ItemRole, {"basis": basis}, item_id=item.id,
                           job_role_id=self.roles[name].id)
        for number, words in planned.areas.items():
            if str(number) in fresh["areas"]:
                judged = get_or_add(ItemArea, {"covered": True, "basis": Basis.EDITORIAL,
                                               "basis_text": words},
                                    item_id=item.id, area_id=self.areas[number].id)
                judged.basis_text = judged.basis_text or words  # an earlier seed's, unworded
        for position, (unit_plan, mandatory) in enumerate(planned.units):
            unit = self._item(unit_plan)
            self._links(unit, unit_plan)
            if unit.stable_id in fresh["units"]:
                self._component(item, unit, mandatory, position)
        values = {"fields": {f: _stored(v) for f, v in _wanted(planned).items()},
                  "links": links}
        text = json.dumps(values, sort_keys=True)
        if item.seed_values != text:
            item.seed_values = text

    def _component(self, item: CatalogueItem, unit: CatalogueItem, mandatory: bool | None,
                   position: int) -> None:
        group = None
        if mandatory is None:
            group = get_or_add(ComponentGroup, {"position": 0}, item_id=item.id,
                               name=UNSTATED_GROUP)
        get_or_add(Component, {"mandatory": bool(mandatory), "position": position,
                               "group_id": group.id if group else None},
                   parent_id=item.id, child_id=unit.id)


def get_or_add(model, defaults: dict | None = None, **keys):
    """The row with these keys, added with `defaults` when there is none."""
    row = db.session.scalar(select(model).filter_by(**keys))
    if row is None:
        row = model(**keys, **(defaults or {}))
        db.session.add(row)
        db.session.flush()
    return row


def seeded(key: str, model, defaults: dict | None = None, **keys):
    """The row the seed content made under `key`, found by its id whatever editors renamed it
    since; None when an editor has deleted it (a reload does not bring it back). The first
    time, the row with these keys (added with `defaults` when there is none), marked."""
    mark = db.session.scalar(select(SeedMark).where(SeedMark.key == key))
    if mark is not None:
        return db.session.get(model, mark.row_id)
    row = get_or_add(model, defaults, **keys)
    db.session.add(SeedMark(key=key, row_id=row.id))
    return row


def load_pack(pack: dict | None = None) -> int:
    """Load (or update from) the pack; returns how many items were created or changed."""
    return Loader(pack or read_pack()).run()
