"""Picking catalogue items and roles by title, never by ID: the matches a picker offers as a
person types, what it shows of each, the checks of what it sends back (items that exist, of
the kind the field asks for), and the role lists with the partnership's own role set first."""

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from workspace.exceptions import DomainError
from workspace.extensions import db
from workspace.models import CatalogueItem, Cluster, ClusterRole, ClusterSet, Component, JobRole
from workspace.services.catalogue.items import CatalogueQuery, build_search
from workspace.services.catalogue.pack import CLUSTER_SET as WORKFORCE_SET

SUGGESTIONS = 10
MIN_QUERY = 2  # one letter matches most of the catalogue
OTHER_ROLES = "Other roles"


class Kind(enum.Enum):
    """What a picker asks for."""

    ANY = "any"
    QUALIFICATION = "qualification"
    UNIT = "unit"

    @classmethod
    def of(cls, value: str | None) -> "Kind":
        """The kind a request names; anything else asks for any item."""
        return next((kind for kind in cls if kind.value == value), cls.ANY)

    @property
    def noun(self) -> str:
        return {"any": "qualification or unit", "qualification": "qualification",
                "unit": "unit"}[self.value]

    @property
    def a_noun(self) -> str:
        return {"any": "a qualification or unit", "qualification": "a qualification",
                "unit": "a unit"}[self.value]

    @property
    def search_kind(self) -> str:
        return {"any": "", "qualification": "qualification", "unit": "module"}[self.value]

    def admits(self, item: CatalogueItem) -> bool:
        return self is Kind.ANY or item.is_qualification == (self is Kind.QUALIFICATION)


def suggest(q: str, kind: Kind, today: date, exclude: Iterable[int] = (),
            limit: int = SUGGESTIONS) -> list[CatalogueItem]:
    """Items of `kind` whose title (or code) holds what was typed, in title order, leaving
    out those already picked."""
    if len(q.strip()) < MIN_QUERY:
        return []
    stmt = build_search(CatalogueQuery(q=q.strip(), kind=kind.search_kind), today)
    exclude = list(exclude)
    if exclude:
        stmt = stmt.where(CatalogueItem.id.not_in(exclude))
    return list(db.session.scalars(stmt.order_by(CatalogueItem.title, CatalogueItem.id)
                                   .limit(limit)))


@dataclass(frozen=True)
class Option:
    """An item as a picker shows it: its title, and a line saying what it is."""

    item: CatalogueItem
    detail: str

    @property
    def id(self) -> int:
        return self.item.id

    @property
    def title(self) -> str:
        return self.item.title


def _parents(units: Sequence[CatalogueItem]) -> dict[int, list[CatalogueItem]]:
    ids = [u.id for u in units if not u.is_qualification]
    found: dict[int, list[CatalogueItem]] = {}
    if ids:
        rows = db.session.execute(
            select(Component.child_id, CatalogueItem)
            .join(CatalogueItem, CatalogueItem.id == Component.parent_id)
            .where(Component.child_id.in_(ids)).order_by(CatalogueItem.title))
        for child_id, parent in rows:
            found.setdefault(child_id, []).append(parent)
    return found


def _detail(item: CatalogueItem, parents: list[CatalogueItem], today: date) -> str:
    body = item.accrediting_body or next(
        (p.accrediting_body for p in parents if p.accrediting_body), "")
    parts = ["Qualification" if item.is_qualification else "Unit"]
    if item.level is not None:
        parts.append(item.level_label)
    if body:
        parts.append(body)
    if parents:
        more = f" and {len(parents) - 1} more" if len(parents) > 1 else ""
        parts.append(f"in {parents[0].title}{more}")
    status = item.effective_status(today)
    if status.value != "current":
        parts.append(status.label)
    return " · ".join(parts)


def options(items: Sequence[CatalogueItem], today: date) -> list[Option]:
    """Each item with its kind, level, awarding body and (for a unit) what it is part of."""
    parents = _parents(items)
    return [Option(item, _detail(item, parents.get(item.id, []), today)) for item in items]


def items_by_id(ids: Sequence[int]) -> list[CatalogueItem]:
    """The items with these ids that exist, in the order given."""
    found = {i.id: i for i in db.session.scalars(
        select(CatalogueItem).where(CatalogueItem.id.in_(list(ids))))} if ids else {}
    return [found[i] for i in dict.fromkeys(ids) if i in found]


def check_picked(ids: Sequence[int], kind: Kind, *, single: bool = False,
                 field: str | None = None) -> list[CatalogueItem]:
    """The items a picker sent back, in that order; refused when one is not in the catalogue
    (any more), is of another kind, or when a field for one item gets several."""
    ids = list(dict.fromkeys(ids))
    if single and len(ids) > 1:
        raise DomainError(f"Pick one {kind.noun}.", field=field)
    found = items_by_id(ids)
    if len(found) != len(ids):
        raise DomainError("Something picked is not in the catalogue any more: search for it "
                          "again and pick it from the list.", field=field)
    for item in found:
        if not kind.admits(item):
            what = "a qualification" if item.is_qualification else "a unit"
            raise DomainError(f"{item.title} is {what}: pick {kind.a_noun}.", field=field)
    return found


# --- roles ---------------------------------------------------------------------------------


def roles_by_set() -> list[tuple[str, list[JobRole]]]:
    """Every role under its role set: the music and cultural education workforce first, the
    other sets by name (the SSC clusters), then roles in no set; roles by name in each."""
    rows = db.session.execute(
        select(ClusterSet.name, JobRole)
        .join(Cluster, Cluster.cluster_set_id == ClusterSet.id)
        .join(ClusterRole, ClusterRole.cluster_id == Cluster.id)
        .join(JobRole, JobRole.id == ClusterRole.job_role_id))
    sets: dict[str, dict[int, JobRole]] = {}
    for set_name, role in rows:
        sets.setdefault(set_name, {})[role.id] = role
    placed = {role_id for roles in sets.values() for role_id in roles}
    unplaced = [r for r in db.session.scalars(select(JobRole)) if r.id not in placed]
    grouped = [(name, sorted(sets[name].values(), key=lambda r: r.name.lower()))
               for name in sorted(sets, key=lambda n: (n != WORKFORCE_SET, n))]
    if unplaced:
        grouped.append((OTHER_ROLES, sorted(unplaced, key=lambda r: r.name.lower())))
    return grouped


def get_role(role_id: int, field: str = "job_role") -> JobRole:
    role = db.session.get(JobRole, role_id)
    if role is None:
        raise DomainError("Choose a role from the list.", field=field)
    return role
