"""Analysis of the shared catalogue: Common Core coverage, gaps, over-provision, counts per
role and cluster (as SHU Annexe 3) and progression maps.

Definitions, shown on the pages too (the three states and how parts combine are the rule of
`catalogue.coverage`):

- *Attached qualifications* of a role: the items attached to it (ItemRole) that are not
  withdrawn; a withdrawn qualification can no longer be taken, so it fills no gap.
  Those of a cluster: the attached qualifications of any of its roles, each counted once, and
  key for the cluster when key for any of those roles.
- *Coverage of a qualification*: each area covered, judged not covered or not yet judged, by
  the item itself and all its components, however deep.
- *Coverage of a role or cluster*: the same, taken over its attached KEY qualifications (SHU
  mapped key qualifications to the Common Core): those marked key for the role, and those
  flagged key for the whole catalogue (`KEY_FOR_ROLE`); the pages can include all attached
  qualifications instead. Each area also shows how many of them cover it.
- *Gap*: an area that every attached key qualification of the role or cluster is judged not
  to cover. An area that none covers but some have not yet been judged on is *not yet
  judged*, never a gap: the pages count those apart. A role or cluster with no key
  qualification has nothing to judge its areas by: it has no gap and is listed apart, for
  editors to mark its key qualifications.
- *Overlapping qualification*: an attached qualification (key or not) that covers at least
  one area and whose coverage is equal to, or contained in, the coverage of another attached
  qualification of the same role or cluster: it adds no area of its own.
  *Over-provision*: at least `threshold` overlapping qualifications (default 5).

Each qualification's coverage with its components is read from the store that
`catalogue.coverage` keeps (ItemCoverage), and a role's or cluster's qualifications are
tallied in SQL by key flag and coverage (two masks take at most 64 x 64 values): a page costs
a fixed number of queries, and the rows they return grow with the roles or clusters shown,
not with the qualifications attached to them.
"""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from sqlalchemy import Select, case, distinct, func, literal, or_, select, union, union_all
from sqlalchemy.orm import joinedload

from workspace.clock import london_today
from workspace.extensions import db
from workspace.models import (
    CatalogueItem,
    Cluster,
    ClusterRole,
    ClusterSet,
    CommonCoreArea,
    ItemCoverage,
    ItemRole,
    ItemStatus,
    JobRole,
    Prerequisite,
)
from workspace.models.catalogue import LEVEL_LABELS
from workspace.services.catalogue import items as catalogue
from workspace.services.catalogue.coverage import (
    ALL,
    AREA_NUMBERS,
    STORED_COVERED,
    STORED_JUDGED,
    AreaState,
    Coverage,
    bit,
    combine,
    coverage_of,
)

PER_PAGE = 50
OVERLAP_THRESHOLD = 5
ROW_KINDS = ("roles", "clusters", "qualifications")
COLUMN_CAP = 60  # a progression column lists this many items, then says how many more


# --- attached qualifications and their coverage -------------------------------------------


# Two rules of a role link (ItemRole), written over the link alone: a page that weighs tens of
# thousands of links reads two short, indexed lists of ids rather than every linked item's row.
# The link's item is not withdrawn.
_CURRENT = ItemRole.item_id.not_in(
    select(CatalogueItem.id).where(CatalogueItem.status == ItemStatus.WITHDRAWN))
# Key for a role: marked key for that role, or key for the whole catalogue (the item's flag).
KEY_FOR_ROLE = or_(ItemRole.is_key.is_(True), ItemRole.item_id.in_(
    select(CatalogueItem.id).where(CatalogueItem.is_key.is_(True))))
_KEY = case((KEY_FOR_ROLE, 1), else_=0)


@dataclass(frozen=True)
class Summary:
    """What a profile's qualifications counted (key only, or all) come to."""

    count: int = 0
    counts: tuple[int, ...] = (0,) * len(AREA_NUMBERS)  # how many cover area 1, 2, ...
    coverage: Coverage = Coverage()


def _summary(entries: list[tuple[int, int, int]]) -> Summary:
    """The summary of (covered, judged, how many) entries."""
    return Summary(sum(n for _, _, n in entries),
                   tuple(sum(n for covered, _, n in entries if covered & area_bit)
                         for area_bit in map(bit, AREA_NUMBERS)),
                   combine(Coverage(covered, judged) for covered, judged, _ in entries))


@dataclass
class Profile:
    """A role's or cluster's attached qualifications, tallied: (is key, covered, judged) ->
    how many qualifications have that key flag and those coverage masks."""

    tally: Counter = field(default_factory=Counter)

    @cached_property
    def _summaries(self) -> dict[bool, Summary]:
        """Key only (True) and all (False), once the tally is complete."""
        entries = [(covered, judged, n) for (_, covered, judged), n in self.tally.items()]
        keys = [(covered, judged, n) for (is_key, covered, judged), n in self.tally.items()
                if is_key]
        return {True: _summary(keys), False: _summary(entries)}

    def coverage(self, key_only: bool = True) -> Coverage:
        return self._summaries[key_only].coverage

    @property
    def total(self) -> int:
        return self._summaries[False].count

    @property
    def key_count(self) -> int:
        return self._summaries[True].count

    def counts(self, numbers: list[int], key_only: bool = True) -> dict[int, int]:
        """How many of the qualifications counted cover each area."""
        return {n: self._summaries[key_only].counts[n - 1] for n in numbers}

    def overlapping(self) -> int:
        masks = Counter()
        for (_, covered, _), n in self.tally.items():
            masks[covered] += n
        return overlapping(masks)


# Each coverage set (a mask) and the larger sets that contain it.
_LARGER = {mask: [other for other in range(ALL + 1) if other != mask and mask & other == mask]
           for mask in range(ALL + 1)}


def overlapping(masks: Counter) -> int:
    """How many non-empty coverage sets are equal to, or contained in, another of them
    (`masks`: each coverage set, as a mask, and how many qualifications have it)."""
    return sum(times for mask, times in masks.items()
               if mask and (times > 1 or any(other in masks for other in _LARGER[mask])))


# The tallies. A role's links to qualifications not withdrawn, each with its key flag and the
# qualification's stored coverage, are grouped by owner (a role, or a cluster of roles, which
# counts a qualification once, key when key for any of its roles), key flag and masks.


def _links(role_ids: list[int] | Select):
    return (select(ItemRole.job_role_id.label("role_id"), ItemRole.item_id,
                   _KEY.label("is_key"), STORED_COVERED.label("covered"),
                   STORED_JUDGED.label("judged"))
            .outerjoin(ItemCoverage, ItemCoverage.item_id == ItemRole.item_id)
            .where(ItemRole.job_role_id.in_(role_ids), _CURRENT)).cte("links")


def _tally(kind: str, owner, rows) -> Select:
    """(kind, owner, is key, covered, judged, how many) of `rows`, grouped by owner, key flag
    and covered mask; `judged` is the AND of the group's judged masks (bit by bit, as the
    least of each bit), which is all that combining them needs."""
    columns = (owner, rows.c.is_key, rows.c.covered)
    judged = sum(func.min(rows.c.judged.op("&")(area_bit)) for area_bit in map(bit, AREA_NUMBERS))
    return select(literal(kind), *columns, judged, func.count()).group_by(*columns)


def _by_role(links) -> Select:
    return _tally("role", links.c.role_id, links)


def _by_cluster(links) -> Select:
    """Every cluster the links' roles sit in: only those whose roles are all among the links'
    roles are whole (callers keep those). A qualification once a cluster; its masks are the
    same on every link (max keeps them)."""
    # Not filtered by cluster here: SQLite would then look each link's role up once per
    # cluster asked for, rather than once.
    once = (select(ClusterRole.cluster_id, func.max(links.c.is_key).label("is_key"),
                   func.max(links.c.covered).label("covered"),
                   func.max(links.c.judged).label("judged"))
            .select_from(ClusterRole).join(links, links.c.role_id == ClusterRole.job_role_id)
            .group_by(ClusterRole.cluster_id, links.c.item_id)).subquery()
    return _tally("cluster", once.c.cluster_id, once)


def _profiles(tallies: Select) -> dict[str, dict[int, Profile]]:
    """Profiles by kind ("role", "cluster") and owner, from one query of tallies."""
    profiles = {"role": defaultdict(Profile), "cluster": defaultdict(Profile)}
    for kind, owner_id, is_key, covered, judged, n in db.session.execute(tallies).all():
        profiles[kind][owner_id].tally[(bool(is_key), covered, judged)] += n
    return {kind: dict(found) for kind, found in profiles.items()}


def role_profiles(role_ids: list[int]) -> dict[int, Profile]:
    """Profiles of these roles (roles with nothing attached are absent)."""
    return _profiles(_by_role(_links(role_ids)))["role"]


def cluster_profiles(cluster_ids: list[int]) -> dict[int, Profile]:
    """Profiles of these clusters: the union over their roles, a qualification once, key when
    key for any of them (clusters with nothing attached are absent)."""
    roles = select(ClusterRole.job_role_id).where(ClusterRole.cluster_id.in_(cluster_ids))
    found = _profiles(_by_cluster(_links(roles)))["cluster"]
    return {i: found[i] for i in cluster_ids if i in found}


# --- the coverage matrix ------------------------------------------------------------------


@dataclass
class Row:
    """One row of an analysis table: a qualification, role or cluster and what it covers."""

    subject: object
    counts: dict[int, int]  # area number -> qualifications covering it (1/0 for an item)
    states: dict[int, AreaState] = field(default_factory=dict)  # of the qualifications counted
    key_count: int = 0
    total: int = 0
    missing: list[CommonCoreArea] = field(default_factory=list)  # gaps (key qualifications)
    not_judged: list[CommonCoreArea] = field(default_factory=list)  # (key qualifications)
    overlapping: int = 0

    @property
    def no_key(self) -> bool:
        return self.key_count == 0


def _row(subject, profile: Profile | None, areas: list[CommonCoreArea],
         key_only: bool = True) -> Row:
    profile = profile or Profile()
    numbers = [a.number for a in areas]
    shown, key = profile.coverage(key_only), profile.coverage(key_only=True)
    key_count = profile.key_count
    return Row(subject=subject, counts=profile.counts(numbers, key_only),
               states={n: shown.state(n) for n in numbers},
               key_count=key_count, total=profile.total,
               missing=[a for a in areas if key_count
                        and key.state(a.number) is AreaState.NOT_COVERED],
               not_judged=[a for a in areas if not key_count
                           or key.state(a.number) is AreaState.NOT_JUDGED],
               overlapping=profile.overlapping())


@dataclass
class Matrix:
    kind: str  # "roles", "clusters" or "qualifications"
    areas: list[CommonCoreArea]
    rows: list[Row]
    page: int
    total: int
    key_only: bool

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / PER_PAGE))


def _page_of(stmt: Select, page: int) -> tuple[list, int, int]:
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    page = max(1, min(page, math.ceil(total / PER_PAGE) or 1))
    rows = db.session.scalars(stmt.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).unique()
    return list(rows), page, total


def _roles_in(cluster_id: int | None = None, cluster_set_id: int | None = None) -> Select:
    stmt = select(JobRole).order_by(JobRole.name, JobRole.id)
    if cluster_id is not None:
        stmt = stmt.where(JobRole.id.in_(
            select(ClusterRole.job_role_id).where(ClusterRole.cluster_id == cluster_id)))
    if cluster_set_id is not None:
        stmt = stmt.where(JobRole.id.in_(
            select(ClusterRole.job_role_id).join(Cluster)
            .where(Cluster.cluster_set_id == cluster_set_id)))
    return stmt


def _clusters_in(cluster_set_id: int | None = None) -> Select:
    stmt = select(Cluster).options(joinedload(Cluster.cluster_set)) \
        .order_by(Cluster.cluster_set_id, Cluster.position, Cluster.id)
    if cluster_set_id is not None:
        stmt = stmt.where(Cluster.cluster_set_id == cluster_set_id)
    return stmt


def role_matrix(areas, *, key_only=True, cluster_id=None, page=1) -> Matrix:
    roles, page, total = _page_of(_roles_in(cluster_id), page)
    profiles = role_profiles([r.id for r in roles])
    return Matrix("roles", areas, [_row(r, profiles.get(r.id), areas, key_only) for r in roles],
                  page, total, key_only)


def cluster_matrix(areas, *, key_only=True, cluster_set_id=None, page=1) -> Matrix:
    clusters, page, total = _page_of(_clusters_in(cluster_set_id), page)
    profiles = cluster_profiles([c.id for c in clusters])
    return Matrix("clusters", areas,
                  [_row(c, profiles.get(c.id), areas, key_only) for c in clusters],
                  page, total, key_only)


def _item_row(item: CatalogueItem, coverage: Coverage, areas: list[CommonCoreArea]) -> Row:
    states = {a.number: coverage.state(a.number) for a in areas}
    return Row(subject=item, counts={n: int(s is AreaState.COVERED) for n, s in states.items()},
               states=states, key_count=int(item.is_key), total=1,
               missing=[a for a in areas if states[a.number] is AreaState.NOT_COVERED],
               not_judged=[a for a in areas if states[a.number] is AreaState.NOT_JUDGED])


def qualification_matrix(areas, *, key_only=True, cluster_id=None, role_id=None, q="",
                         page=1, today: date | None = None) -> Matrix:
    """Qualifications found as the catalogue search finds them, with their coverage."""
    found = catalogue.search_items(catalogue.CatalogueQuery(
        q=q, kind="qualification", key_only=key_only, cluster_id=cluster_id, role_id=role_id,
        page=page, per_page=PER_PAGE), today or london_today())
    coverages = coverage_of(i.id for i in found.items)
    rows = [_item_row(i, coverages[i.id], areas) for i in found.items]
    return Matrix("qualifications", areas, rows, found.page, min(found.total, catalogue.COUNT_CAP),
                  key_only)


# --- gaps and over-provision --------------------------------------------------------------


@dataclass
class GapReport:
    areas: list[CommonCoreArea]
    roles: list[Row]  # every role considered, by name
    clusters: list[Row]  # every cluster considered, by set and position
    threshold: int

    @staticmethod
    def _split(rows: list[Row]):
        return ([r for r in rows if r.no_key], [r for r in rows if r.missing and not r.no_key])

    @property
    def roles_without_key(self) -> list[Row]:
        return self._split(self.roles)[0]

    @property
    def roles_with_gaps(self) -> list[Row]:
        return self._split(self.roles)[1]

    @property
    def clusters_without_key(self) -> list[Row]:
        return self._split(self.clusters)[0]

    @property
    def clusters_with_gaps(self) -> list[Row]:
        return self._split(self.clusters)[1]

    @property
    def roles_not_judged(self) -> int:
        """Role-area pairs not yet judged (roles with key qualifications): not gaps."""
        return sum(len(r.not_judged) for r in self.roles if not r.no_key)

    @property
    def clusters_not_judged(self) -> int:
        return sum(len(r.not_judged) for r in self.clusters if not r.no_key)

    @property
    def roles_over(self) -> list[Row]:
        return [r for r in self.roles if r.overlapping >= self.threshold]

    @property
    def clusters_over(self) -> list[Row]:
        return [r for r in self.clusters if r.overlapping >= self.threshold]


def gap_report(areas, *, cluster_set_id=None, threshold=OVERLAP_THRESHOLD) -> GapReport:
    """Every role and cluster (of one cluster set, when given), with gaps and overlaps."""
    roles = list(db.session.scalars(_roles_in(cluster_set_id=cluster_set_id)))
    clusters = list(db.session.scalars(_clusters_in(cluster_set_id)).unique())
    # One query for both, reading the links once: the clusters' roles are among the roles.
    links = _links([r.id for r in roles])
    found = _profiles(union_all(_by_role(links), _by_cluster(links)))
    return GapReport(areas, [_row(r, found["role"].get(r.id), areas) for r in roles],
                     [_row(c, found["cluster"].get(c.id), areas) for c in clusters],
                     max(1, threshold))


# --- counts as in SHU Annexe 3 ------------------------------------------------------------


@dataclass
class RoleCount:
    role: JobRole
    attached: int
    key: int


@dataclass
class ClusterCount:
    cluster: Cluster | None  # None: roles in no cluster of the set
    roles: list[RoleCount]
    distinct: int  # qualifications attached to any of its roles, each once

    @property
    def attached(self) -> int:
        """Sum over the roles, as Annexe 3's subtotals add up its rows."""
        return sum(r.attached for r in self.roles)

    @property
    def reference(self) -> int | None:
        known = [r.role.reference_count for r in self.roles if r.role.reference_count is not None]
        return sum(known) if known else None


@dataclass
class CountTable:
    cluster_set: ClusterSet | None
    clusters: list[ClusterCount]
    distinct: int  # qualifications attached to any role of the set, each once

    @property
    def attached(self) -> int:
        return sum(c.attached for c in self.clusters)

    @property
    def reference(self) -> int | None:
        known = [c.reference for c in self.clusters if c.reference is not None]
        return sum(known) if known else None


def list_cluster_sets() -> list[ClusterSet]:
    return list(db.session.scalars(select(ClusterSet).order_by(ClusterSet.id)))


def _counts_per_role() -> dict[int, tuple[int, int]]:
    rows = db.session.execute(
        select(ItemRole.job_role_id, func.count(), func.sum(_KEY))
        .where(_CURRENT).group_by(ItemRole.job_role_id))
    return {role_id: (n, int(key or 0)) for role_id, n, key in rows}


def _distinct_per_cluster(cluster_set_id: int) -> dict[int | None, int]:
    attached = (select(ClusterRole.cluster_id, ItemRole.item_id)
                .join(Cluster, Cluster.id == ClusterRole.cluster_id)
                .join(ItemRole, ItemRole.job_role_id == ClusterRole.job_role_id)
                .where(Cluster.cluster_set_id == cluster_set_id, _CURRENT)).subquery()
    per_cluster = dict(db.session.execute(
        select(attached.c.cluster_id, func.count(distinct(attached.c.item_id)))
        .group_by(attached.c.cluster_id)).all())
    per_cluster[None] = db.session.scalar(select(func.count(distinct(attached.c.item_id))))
    return per_cluster


def count_table(cluster_set_id: int | None = None) -> CountTable:
    """Attached qualifications per role and cluster of one set, beside Annexe 3's figures."""
    cluster_set = db.session.get(ClusterSet, cluster_set_id) if cluster_set_id else \
        db.session.scalar(select(ClusterSet).order_by(ClusterSet.id).limit(1))
    if cluster_set is None:
        return CountTable(None, [], 0)
    per_role = _counts_per_role()
    distinct_counts = _distinct_per_cluster(cluster_set.id)
    placements = db.session.execute(
        select(Cluster, JobRole).join(ClusterRole, ClusterRole.cluster_id == Cluster.id)
        .join(JobRole, JobRole.id == ClusterRole.job_role_id)
        .where(Cluster.cluster_set_id == cluster_set.id)
        .order_by(Cluster.position, Cluster.id, ClusterRole.position, JobRole.name)).all()
    clusters: dict[int, ClusterCount] = {}
    for cluster, role in placements:
        entry = clusters.setdefault(cluster.id, ClusterCount(
            cluster, [], distinct_counts.get(cluster.id, 0)))
        entry.roles.append(RoleCount(role, *per_role.get(role.id, (0, 0))))
    return CountTable(cluster_set, list(clusters.values()), distinct_counts[None])


# --- progression map ----------------------------------------------------------------------


def _chain(item_id: int, forward: bool):
    """Ids of the items `item_id` leads to (forward) or needs first (backward), transitively."""
    start, follow = (Prerequisite.item_id, Prerequisite.required_id) if forward else \
        (Prerequisite.required_id, Prerequisite.item_id)
    chain = select(start.label("id")).where(follow == item_id).cte(
        "leads_to" if forward else "needs", recursive=True)
    return chain.union(select(start).join(chain, follow == chain.c.id))


@dataclass
class MapNode:
    item: CatalogueItem
    step: int  # 0 the item; n > 0 n steps on (longest route); n < 0 needed n steps before
    after: list[CatalogueItem] = field(default_factory=list)  # its pre-requirements on the map


@dataclass
class MapColumn:
    label: str
    nodes: list[MapNode]
    hidden: int = 0


@dataclass
class ProgressionMap:
    item: CatalogueItem
    columns: list[MapColumn]
    leads_to: int
    needs: int


def _longest_steps(start: int, edges: dict[int, set[int]]) -> dict[int, int]:
    """Longest number of steps from `start` to each node reachable along `edges` (a DAG)."""
    order, seen = [], set()

    def visit(node: int) -> None:  # depth-first post-order gives a reverse topological order
        stack = [(node, iter(edges.get(node, ())))]
        seen.add(node)
        while stack:
            current, children = stack[-1]
            child = next(children, None)
            if child is None:
                order.append(current)
                stack.pop()
            elif child not in seen:
                seen.add(child)
                stack.append((child, iter(edges.get(child, ()))))

    visit(start)
    steps = {start: 0}
    for node in reversed(order):
        for child in edges.get(node, ()):
            steps[child] = max(steps.get(child, 0), steps[node] + 1)
    return steps


def _step_label(step: int) -> str:
    if step == 0:
        return "This item"
    if step < 0:
        return "Needed just before" if step == -1 else f"Needed {-step} steps before"
    return "Leads on to" if step == 1 else f"{step} steps on"


def _columns(nodes: list[MapNode], by: str) -> list[MapColumn]:
    groups: dict = {}
    key = (lambda n: n.step) if by == "step" else (
        lambda n: n.item.level if n.item.level is not None else 99)
    for node in sorted(nodes, key=lambda n: (key(n), n.item.title.lower(), n.item.id)):
        groups.setdefault(key(node), []).append(node)
    label = _step_label if by == "step" else (lambda k: LEVEL_LABELS.get(k, "Level not recorded"))
    return [MapColumn(label(k), group[:COLUMN_CAP], max(0, len(group) - COLUMN_CAP))
            for k, group in sorted(groups.items())]


def progression_map(item: CatalogueItem, by: str = "step") -> ProgressionMap:
    """What `item` leads to and what it needs, laid out in columns by step or by level."""
    on_map = union(select(_chain(item.id, True).c.id), select(_chain(item.id, False).c.id),
                   select(CatalogueItem.id).where(CatalogueItem.id == item.id)).subquery()
    items = {i.id: i for i in db.session.scalars(
        select(CatalogueItem).where(CatalogueItem.id.in_(select(on_map.c.id))))}
    forward: dict[int, set[int]] = {}
    backward: dict[int, set[int]] = {}
    for needed, then in db.session.execute(
            select(Prerequisite.required_id, Prerequisite.item_id)
            .where(Prerequisite.item_id.in_(select(on_map.c.id)),
                   Prerequisite.required_id.in_(select(on_map.c.id)))):
        forward.setdefault(needed, set()).add(then)
        backward.setdefault(then, set()).add(needed)
    ahead = _longest_steps(item.id, forward)
    behind = _longest_steps(item.id, backward)
    steps = {**{i: -s for i, s in behind.items()}, **ahead}
    nodes = [MapNode(items[i], step, sorted((items[r] for r in backward.get(i, ())),
                                            key=lambda x: x.title.lower()))
             for i, step in steps.items() if i in items]
    return ProgressionMap(item, _columns(nodes, "level" if by == "level" else "step"),
                          leads_to=len(ahead) - 1, needs=len(behind) - 1)
