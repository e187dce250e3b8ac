"""Roles side by side (seed 001: Chris, the extended-school head): what each role calls for, its
key qualifications, its Common Core coverage, and what a person moving from one to the other
would need."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from workspace.exceptions import NotFound
from workspace.extensions import db
from workspace.models import (
    Basis,
    CatalogueItem,
    Cluster,
    ClusterSet,
    CommonCoreArea,
    ItemRole,
    JobRole,
)
from workspace.services.catalogue.analysis import KEY_FOR_ROLE
from workspace.services.catalogue.coverage import AreaState, Coverage, combine, coverage_of


@dataclass(frozen=True)
class Called:
    """A qualification a role calls for, and whether a source names it or editors suggest it."""

    item: CatalogueItem
    basis: Basis
    is_key: bool = False  # key for this role (analysis.KEY_FOR_ROLE)


@dataclass
class RoleSide:
    role: JobRole
    called: list[Called]
    coverage: Coverage

    @property
    def key(self) -> list[CatalogueItem]:
        return [c.item for c in self.called if c.is_key]


@dataclass
class AreaRow:
    area: CommonCoreArea
    first: AreaState
    second: AreaState

    @property
    def gained(self) -> bool:
        """The second role's qualifications cover it and the first's do not."""
        return self.second is AreaState.COVERED and self.first is not AreaState.COVERED


@dataclass
class Comparison:
    first: RoleSide
    second: RoleSide
    areas: list[AreaRow]

    @property
    def both(self) -> list[CatalogueItem]:
        mine = {c.item.id for c in self.first.called}
        return [c.item for c in self.second.called if c.item.id in mine]

    @property
    def to_gain(self) -> list[Called]:
        """What the second role calls for that the first does not: a mover's list."""
        mine = {c.item.id for c in self.first.called}
        return [c for c in self.second.called if c.item.id not in mine]

    @property
    def not_judged(self) -> int:
        return sum(AreaState.NOT_JUDGED in (r.first, r.second) for r in self.areas)


def get_role(role_id: int | None) -> JobRole:
    role = db.session.get(JobRole, role_id) if role_id else None
    if role is None:
        raise NotFound()
    return role


def roles_by_set() -> list[tuple[str, list[JobRole]]]:
    """Every role under each cluster set it belongs to (once per set), sets in name order
    with the music and cultural education workforce first."""
    sets = db.session.scalars(select(ClusterSet).options(
        selectinload(ClusterSet.clusters).selectinload(Cluster.roles))).all()
    grouped = []
    for cluster_set in sorted(sets, key=lambda s: (s.name.startswith("SSC"), s.name)):
        roles = {r.id: r for c in cluster_set.clusters for r in c.roles}
        grouped.append((cluster_set.name, sorted(roles.values(), key=lambda r: r.name)))
    return grouped


def _called(roles: list[JobRole]) -> dict[int, list[Called]]:
    rows = db.session.execute(
        select(ItemRole.job_role_id, ItemRole.basis, KEY_FOR_ROLE, CatalogueItem)
        .join(CatalogueItem, CatalogueItem.id == ItemRole.item_id)
        .where(ItemRole.job_role_id.in_([r.id for r in roles]),
               CatalogueItem.is_qualification.is_(True))
        .order_by(KEY_FOR_ROLE.desc(), CatalogueItem.level, CatalogueItem.title))
    called: dict[int, list[Called]] = {r.id: [] for r in roles}
    for role_id, basis, is_key, item in rows:
        called[role_id].append(Called(item, basis, bool(is_key)))
    return called


def _coverage(called: list[Called], coverage: dict[int, Coverage]) -> Coverage:
    """Combined over the role's qualifications; a role that calls for none leaves every area
    not yet judged (nothing says it is not covered)."""
    if not called:
        return Coverage(covered=0, judged=0)
    return combine(coverage[c.item.id] for c in called)


def compare_roles(first: JobRole, second: JobRole, areas: list[CommonCoreArea]) -> Comparison:
    """Both roles' qualifications and coverage, in a fixed number of queries."""
    called = _called([first, second])
    coverage = coverage_of(c.item.id for side in called.values() for c in side)
    sides = [RoleSide(role, called[role.id], _coverage(called[role.id], coverage))
             for role in (first, second)]
    rows = [AreaRow(a, sides[0].coverage.state(a.number), sides[1].coverage.state(a.number))
            for a in areas]
    return Comparison(sides[0], sides[1], rows)
