"""The shared qualifications catalogue: search, item pages, editing with a change record."""

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import urlsplit

from sqlalchemy import (
    ARRAY,
    Column,
    Integer,
    Select,
    any_,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
    true,
)
from sqlalchemy.orm import selectinload
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.elements import BinaryExpression

from workspace.clock import london_today
from workspace.exceptions import DomainError, NotFound
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
    ItemRole,
    ItemStatus,
    JobRole,
    Prerequisite,
    User,
)
from workspace.services.catalogue.coverage import (
    AreaState,
    Coverage,
    combine,
    coverage_of,
    ids_in_state,
    own_coverage,
)

# --- reading ------------------------------------------------------------------------------


def get_item(item_id: int) -> CatalogueItem:
    item = db.session.get(CatalogueItem, item_id)
    if item is None:
        raise NotFound()
    return item


def find_item(stable_id: str) -> CatalogueItem | None:
    """The item of this stable ID, in any letter case: exactly as typed through the unique
    index first, then by a case-blind scan (which reads the whole table)."""
    wanted = stable_id.strip()
    return db.session.scalar(select(CatalogueItem).where(
        CatalogueItem.stable_id == wanted)) or db.session.scalar(select(CatalogueItem).where(
            func.lower(CatalogueItem.stable_id) == wanted.lower()))


def list_areas() -> list[CommonCoreArea]:
    return list(db.session.scalars(select(CommonCoreArea).order_by(CommonCoreArea.number)))


def list_roles() -> list[JobRole]:
    return list(db.session.scalars(select(JobRole).order_by(JobRole.name)))


def role_names() -> list[tuple[int, str]]:
    """(id, name) of every job role, by name: the filter lists' choices, without loading
    each role."""
    return [tuple(row) for row in db.session.execute(
        select(JobRole.id, JobRole.name).order_by(JobRole.name))]


def cluster_names() -> list[tuple[int, str]]:
    """(id, "name (its set)") of every cluster, in list_clusters' order."""
    return [(cid, f"{name} ({set_name})") for cid, name, set_name in db.session.execute(
        select(Cluster.id, Cluster.name, ClusterSet.name)
        .join(ClusterSet, ClusterSet.id == Cluster.cluster_set_id)
        .order_by(Cluster.cluster_set_id, Cluster.position))]


def list_clusters() -> list[Cluster]:
    return list(db.session.scalars(
        select(Cluster).options(selectinload(Cluster.cluster_set))
        .order_by(Cluster.cluster_set_id, Cluster.position)))


def distinct_values(column) -> list[str]:
    """The values in use for a text column (types, accrediting bodies), for filter lists.

    Read as a loose index scan, one index lookup per value: DISTINCT would read every row,
    which at 200,000 items costs more than the rest of a search.
    """
    values = select(func.min(column).label("value")).where(column > "").cte(
        "distinct_values", recursive=True)
    following = select(select(func.min(column)).where(column > values.c.value)
                       .scalar_subquery()).where(values.c.value.is_not(None))
    values = values.union_all(following)
    return [v for v in db.session.scalars(select(values.c.value)) if v is not None]


# --- search -------------------------------------------------------------------------------

SORTS = {
    "title": (CatalogueItem.title, CatalogueItem.id),
    "level": (CatalogueItem.level, CatalogueItem.title, CatalogueItem.id),
    "level_desc": (CatalogueItem.level.desc(), CatalogueItem.title, CatalogueItem.id),
    "updated": (CatalogueItem.updated_at.desc(), CatalogueItem.id),
}
COUNT_CAP = 1000  # beyond this a search says "more than 1,000"; counting further costs time
LEAD_ROWS = 2000  # where a page of many matches is looked for first (see _page_of_many)


@dataclass
class CatalogueQuery:
    q: str = ""
    kind: str = ""  # "qualification", "module" or "" for both
    level: int | None = None
    item_type: str = ""
    accrediting_body: str = ""
    role_id: int | None = None
    cluster_id: int | None = None
    area_id: int | None = None
    key_only: bool = False
    status: str = ""
    sort: str = "title"
    page: int = 1
    per_page: int = 25


@dataclass
class SearchPage:
    items: list[CatalogueItem]
    page: int
    per_page: int
    total: int  # capped at COUNT_CAP + 1
    query: CatalogueQuery = field(repr=False)

    @property
    def total_is_capped(self) -> bool:
        return self.total > COUNT_CAP

    @property
    def pages(self) -> int:
        return max(1, math.ceil(min(self.total, COUNT_CAP) / self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.total


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _needle(q: str) -> str:
    return " ".join(q.lower().split())


def _uses_fts(needle: str) -> bool:
    """SQLite's FTS5 trigram index answers needles of three characters or more."""
    return len(needle) >= 3 and db.session.get_bind().dialect.name == "sqlite"


def _fts_match(needle: str):
    # A quoted trigram phrase matches the needle as a substring. (LIKE ... ESCAPE on the FTS
    # table would read every row: FTS5 uses its index only for two-argument LIKE.)
    phrase = '"' + needle.replace('"', '""') + '"'
    return text("catalogue_item_fts MATCH :phrase").bindparams(phrase=phrase)


def _like_condition(needle: str, indexed: bool = True):
    """LIKE on search_text; with indexed=False written so that PostgreSQL cannot use the
    trigram index for it, and checks the rows another plan reads."""
    text_ = CatalogueItem.search_text if indexed else func.coalesce(
        CatalogueItem.search_text, CatalogueItem.search_text)
    return text_.like(f"%{_escape_like(needle)}%", escape="\\")


def _trigram_words(needle: str) -> bool:
    """Whether pg_trgm can narrow the search: it takes trigrams from runs of letters and
    digits, and runs shorter than three ("a/6", "l 3") give padded trigrams in every row."""
    return any(len(word) >= 3 for word in re.findall(r"[^\W_]+", needle))


def _text_condition(q: str):
    """Substring match on title and codes, through the database's own trigram index."""
    needle = _needle(q)
    if _uses_fts(needle):
        fts = select(literal_column("rowid")).select_from(text("catalogue_item_fts")).where(
            _fts_match(needle))
        return CatalogueItem.id.in_(fts)
    return _like_condition(needle, indexed=_trigram_words(needle))


def _status_condition(status: str, today: date):
    ended = (CatalogueItem.operational_end.is_not(None)) & (CatalogueItem.operational_end < today)
    if status == ItemStatus.CURRENT.value:
        return (CatalogueItem.status == ItemStatus.CURRENT) & ~ended
    if status == ItemStatus.CLOSED.value:
        return (CatalogueItem.status == ItemStatus.CLOSED) | (
            (CatalogueItem.status == ItemStatus.CURRENT) & ended)
    return CatalogueItem.status == ItemStatus(status)


def build_search(query: CatalogueQuery, today: date) -> Select:
    stmt = select(CatalogueItem)
    if query.q.strip():
        stmt = stmt.where(_text_condition(query.q))
    if query.kind == "qualification":
        stmt = stmt.where(CatalogueItem.is_qualification.is_(True))
    elif query.kind == "module":
        stmt = stmt.where(CatalogueItem.is_qualification.is_(False))
    if query.level is not None:
        stmt = stmt.where(CatalogueItem.level == query.level)
    if query.item_type:
        stmt = stmt.where(CatalogueItem.item_type == query.item_type)
    if query.accrediting_body:
        stmt = stmt.where(CatalogueItem.accrediting_body == query.accrediting_body)
    if query.key_only:
        stmt = stmt.where(CatalogueItem.is_key.is_(True))
    if query.status:
        stmt = stmt.where(_status_condition(query.status, today))
    if query.role_id is not None:
        stmt = stmt.where(CatalogueItem.id.in_(
            select(ItemRole.item_id).where(ItemRole.job_role_id == query.role_id)))
    if query.cluster_id is not None:
        roles = select(ClusterRole.job_role_id).where(ClusterRole.cluster_id == query.cluster_id)
        stmt = stmt.where(CatalogueItem.id.in_(
            select(ItemRole.item_id).where(ItemRole.job_role_id.in_(roles))))
    if query.area_id is not None:
        stmt = stmt.where(CatalogueItem.id.in_(
            select(ItemArea.item_id).where(ItemArea.area_id == query.area_id,
                                           ItemArea.covered.is_(True))))
    return stmt


def _split(term) -> tuple:
    """(column, descending) of one ORDER BY term."""
    if getattr(term, "modifier", None) is operators.desc_op:
        return term.element, True
    return term, False


def _first_matches(query: CatalogueQuery, today: date, key) -> list[tuple]:
    """(id, sort key) of up to COUNT_CAP + 1 matching items, in no order: enough to count."""
    needle = _needle(query.q)
    if not _uses_fts(needle):
        stmt = build_search(query, today)
    else:
        # Joined, the FTS matches stream and the limit stops them early; IN (subquery)
        # would gather every match first. "rowid + 0" keeps the FTS table first in the
        # join: probed row by row, it would run the whole MATCH for each row (seconds).
        fts = table("catalogue_item_fts", column("rowid"))
        stmt = build_search(replace(query, q=""), today).join(
            fts, fts.c.rowid + 0 == CatalogueItem.id).where(_fts_match(needle))
    return list(db.session.execute(
        stmt.with_only_columns(CatalogueItem.id, key).limit(COUNT_CAP + 1)))


def _probe(element):
    """`id IN (subquery)` as `id + 0 IN (subquery)`; None for anything else."""
    item_id = CatalogueItem.__table__.c.id
    if isinstance(element, BinaryExpression) and element.operator is operators.in_op \
            and isinstance(element.left, Column) and element.left.shares_lineage(item_id):
        return BinaryExpression(element.left + 0, element.right, operators.in_op)
    return None


def _as_probes(stmt: Select) -> Select:
    """The search with `id IN (subquery)` written `id + 0 IN (subquery)`.

    Given `id IN`, SQLite fetches every match by id and sorts them all (30 ms for 17,000
    matches); unable to, it walks the sort order's index, checks each entry's id against
    the subquery's rows, read once, and stops at a page (3-10 ms).
    """
    return visitors.replacement_traverse(stmt, {}, _probe)


def _id_among(ids: list[int]):
    """`id IN (ids)`; on PostgreSQL `id = ANY(array)`, one parameter rather than a thousand."""
    if db.session.get_bind().dialect.name == "postgresql":
        return CatalogueItem.id == any_(literal(ids, ARRAY(Integer)))
    return CatalogueItem.id.in_(ids)


def _matches_by_like(query: CatalogueQuery, today: date) -> Select:
    """The search with the text checked row by row, on rows an index walk reaches."""
    stmt = build_search(replace(query, q=""), today)
    needle = _needle(query.q)
    return stmt.where(_like_condition(needle, indexed=False)) if needle else stmt


def _unindexed(order: tuple) -> list:
    """The same order, in terms no index provides: the database must gather, then sort."""
    terms = []
    for term in order:
        column_, descending = _split(term)
        same = func.coalesce(column_, column_)
        terms.append(same.desc() if descending else same)
    return terms


def _in_lead(order: tuple, sample: list[tuple]):
    """The first LEAD_ROWS items in this order, as a range of its first column (with the
    NULLs, which PostgreSQL sorts first when descending).

    None when no sampled match falls in that range: walking it would likely find nothing.
    (A sample read through the sort column's own index comes in ascending order, so it
    says nothing about a descending sort: those always walk.)
    """
    column_, descending = _split(order[0])
    bound = db.session.scalar(select(column_).order_by(order[0]).offset(LEAD_ROWS - 1).limit(1))
    if bound is None:
        return None
    if not descending and not any(key is not None and key <= bound for _, key in sample):
        return None
    return or_(column_ >= bound if descending else column_ <= bound, column_.is_(None))


def _holding_first(order: tuple, sample: list[tuple], count: int):
    """A range of the sort's first column sure to hold the first `count` matches: up to
    where the sample's `count`-th lies. It lets PostgreSQL AND a title range with the
    other indexes instead of sorting every match."""
    column_, descending = _split(order[0])
    value = db.session.scalar(
        select(column_).where(_id_among([i for i, _ in sample]))
        .order_by(*_unindexed(order)).offset(count - 1).limit(1))
    if value is None:
        return true()
    return or_(column_ >= value if descending else column_ <= value, column_.is_(None))


def _page_of_many(query: CatalogueQuery, today: date, sample: list[tuple], offset: int
                  ) -> list[CatalogueItem]:
    """A page when more than COUNT_CAP items match (see _as_probes for SQLite).

    On PostgreSQL, walking the sort order's index finds a page soon when matches are spread
    out, but takes long when they cluster late (titles starting "Level", say). So walk only
    the first LEAD_ROWS items, and only if the sample of matches has some there; failing
    that, gather the matches in the range the sample says holds the page, and sort.
    """
    order = SORTS.get(query.sort, SORTS["title"])
    if db.session.get_bind().dialect.name == "sqlite":
        return list(db.session.scalars(_as_probes(build_search(query, today))
                                       .order_by(*order).limit(query.per_page).offset(offset)))
    lead = _in_lead(order, sample)
    if lead is not None:
        items = db.session.scalars(
            _matches_by_like(query, today).where(lead).order_by(*order)
            .limit(query.per_page).offset(offset)).all()
        if len(items) == query.per_page:
            return list(items)
    return list(db.session.scalars(
        build_search(query, today).where(_holding_first(order, sample, offset + query.per_page))
        .order_by(*_unindexed(order)).limit(query.per_page).offset(offset)))


def search_items(query: CatalogueQuery, today: date) -> SearchPage:
    order = SORTS.get(query.sort, SORTS["title"])
    sample = _first_matches(query, today, _split(order[0])[0])
    total = len(sample)
    page = max(1, min(query.page, math.ceil(min(total, COUNT_CAP) / query.per_page) or 1))
    offset = (page - 1) * query.per_page
    if total > COUNT_CAP:
        items = _page_of_many(query, today, sample, offset)
    elif sample:  # few: fetch just these by primary key, and sort them
        items = list(db.session.scalars(
            select(CatalogueItem).where(_id_among([i for i, _ in sample]))
            .order_by(*_unindexed(order)).limit(query.per_page).offset(offset)))
    else:
        items = []
    return SearchPage(items=items, page=page, per_page=query.per_page, total=total,
                      query=query)


# --- structure: components, pre-requirements, coverage ------------------------------------


def descendants(item_id: int) -> set[int]:
    """Every item inside this one, however deep (components of components)."""
    tree = select(Component.child_id.label("id")).where(Component.parent_id == item_id) \
        .cte("tree", recursive=True)
    tree = tree.union(select(Component.child_id).join(tree, Component.parent_id == tree.c.id))
    return set(db.session.scalars(select(tree.c.id)))


@dataclass(frozen=True)
class Part:
    """A component as lists of units read it (progress, next steps, team plans): which unit,
    mandatory or in which optional group. Read as rows, with the units and groups loaded by
    id: a partnership's enrolments hold hundreds of components, and Component objects with
    their relationships cost several times more to load."""

    child: CatalogueItem
    mandatory: bool
    group_id: int | None
    group: ComponentGroup | None

    @property
    def child_id(self) -> int:
        return self.child.id


def parts_of(item_ids: Iterable[int]) -> dict[int, list[Part]]:
    """Each item's components in their order (an empty list for an item without), in three
    queries however many items."""
    parts: dict[int, list[Part]] = {item_id: [] for item_id in item_ids}
    rows = db.session.execute(
        select(Component.parent_id, Component.child_id, Component.mandatory,
               Component.group_id).where(Component.parent_id.in_(list(parts)))
        .order_by(Component.position, Component.id)).all() if parts else []
    if not rows:
        return parts
    units = {i.id: i for i in db.session.scalars(select(CatalogueItem).where(
        CatalogueItem.id.in_({r.child_id for r in rows})))}
    group_ids = {r.group_id for r in rows if r.group_id is not None}
    groups = {g.id: g for g in db.session.scalars(
        select(ComponentGroup).where(ComponentGroup.id.in_(group_ids)))} if group_ids else {}
    for r in rows:
        parts[r.parent_id].append(
            Part(units[r.child_id], r.mandatory, r.group_id, groups.get(r.group_id)))
    return parts


def descendants_of(item_ids: Iterable[int], among: set[int] | None = None
                   ) -> dict[int, set[int]]:
    """`descendants` of many items at once: item -> every item inside it (only those `among`
    these ids, if given)."""
    roots = list(item_ids)
    tree = select(Component.parent_id.label("root"), Component.child_id.label("id")).where(
        Component.parent_id.in_(roots)).cte("tree", recursive=True)
    tree = tree.union(select(tree.c.root, Component.child_id)
                      .join(tree, Component.parent_id == tree.c.id))
    found: dict[int, set[int]] = {root: set() for root in roots}
    stmt = select(tree.c.root, tree.c.id)
    if among is not None:
        stmt = stmt.where(tree.c.id.in_(among))
    for root, child in db.session.execute(stmt):
        found[root].add(child)
    return found


def required_before(item_id: int) -> set[int]:
    """Every item that must be held before this one, directly or through others."""
    chain = select(Prerequisite.required_id.label("id")).where(
        Prerequisite.item_id == item_id).cte("chain", recursive=True)
    chain = chain.union(select(Prerequisite.required_id)
                        .join(chain, Prerequisite.item_id == chain.c.id))
    return set(db.session.scalars(select(chain.c.id)))


def covered_areas(item_id: int) -> set[int]:
    """Ids of the Common Core areas an item covers, itself or through its components
    (judged covered: an area not yet judged is not among them)."""
    coverage = coverage_of([item_id]).get(item_id, Coverage(judged=0))
    return ids_in_state(coverage, list_areas(), AreaState.COVERED)


@dataclass(frozen=True)
class ItemRef:
    id: int
    title: str


@dataclass(frozen=True)
class Use:
    """An item that another is part of, and whether mandatory there."""

    parent: ItemRef
    mandatory: bool

    @property
    def parent_id(self) -> int:
        return self.parent.id


@dataclass
class AreaLine:
    """One Common Core area on an item's page: its state and what the state rests on."""

    area: CommonCoreArea
    state: AreaState
    own: ItemArea | None  # the item's own judgement of the area, if any
    through: list[tuple[ItemRef, ItemArea]]  # components judged to cover it
    components: int  # how many components the item has, however deep
    unjudged_components: int  # of those, how many have no judgement of the area


@dataclass(frozen=True)
class SourceLink:
    address: str
    is_link: bool  # an http(s) address, safe to link to


@dataclass
class FactLine:
    label: str
    value: str
    sources: list[SourceLink]


@dataclass
class ItemDetails:
    item: CatalogueItem
    mandatory: list[Component]
    optional: list[tuple[ComponentGroup | None, list[Component]]]
    used_in: list[Use]
    prerequisites: list[Prerequisite]
    leads_to: list[CatalogueItem]
    links: list[ItemRole]  # the roles it serves, each with its basis and key flag
    areas: list[AreaLine]
    facts: list[FactLine]
    changes: list[CatalogueChange]

    @property
    def roles(self) -> list[JobRole]:
        return [link.job_role for link in self.links]

    @property
    def own_areas(self) -> list[CommonCoreArea]:
        """Areas the item itself is judged to cover (what editors tick)."""
        return [line.area for line in self.areas if line.own and line.own.covered]

    @property
    def not_judged(self) -> int:
        return sum(line.state is AreaState.NOT_JUDGED for line in self.areas)

    @property
    def shared_sources(self) -> list[SourceLink] | None:
        """The facts' sources when every fact has the same ones (shown once), else None."""
        first = self.facts[0].sources if self.facts else None
        return first if all(f.sources == first for f in self.facts) else None

    @property
    def source_link(self) -> SourceLink:
        return source_link(self.item.source_url)


# Labels for facts stored under a field name rather than a label.
FACT_LABELS = {"awarding_body": "Awarding body", "qualification_number": "Qualification number",
               "glh": "Guided learning hours", "tqt": "Total qualification time",
               "start_date": "Available from", "end_date": "End dates"}


def fact_label(field_name: str) -> str:
    if field_name in FACT_LABELS:
        return FACT_LABELS[field_name]
    return field_name.replace("_", " ").capitalize() if "_" in field_name else field_name


def source_link(address: str) -> SourceLink:
    parts = urlsplit(address.strip())
    return SourceLink(address.strip(), parts.scheme.lower() in ("http", "https")
                      and bool(parts.netloc))


def _fact_lines(item: CatalogueItem) -> list[FactLine]:
    return [FactLine(fact_label(f.field), f.value, [source_link(a) for a in f.source_list])
            for f in item.facts]


def _judgements(item_ids: set[int]) -> list[tuple[ItemArea, str]]:
    """The Common Core judgements of these items, with each item's title."""
    return list(db.session.execute(
        select(ItemArea, CatalogueItem.title).join(CatalogueItem,
                                                   CatalogueItem.id == ItemArea.item_id)
        .where(ItemArea.item_id.in_(item_ids)).order_by(CatalogueItem.title, ItemArea.id)))


def _area_lines(item: CatalogueItem, areas: list[CommonCoreArea]) -> list[AreaLine]:
    """Each area's state for the item with its components (by `combine`), with its basis."""
    parts = descendants(item.id) | {item.id}
    rows = _judgements(parts)
    number = {a.id: a.number for a in areas}
    own: dict[int, list[tuple[int, bool]]] = {}
    for judgement, _ in rows:
        own.setdefault(judgement.item_id, []).append((number[judgement.area_id],
                                                      judgement.covered))
    coverage = combine(own_coverage(own.get(p, [])) for p in parts)
    return [_area_line(area, coverage.state(area.number), item.id, len(parts) - 1,
                       [(j, t) for j, t in rows if j.area_id == area.id]) for area in areas]


def _area_line(area, state, item_id: int, components: int, rows) -> AreaLine:
    own = next((j for j, _ in rows if j.item_id == item_id), None)
    through = [(ItemRef(j.item_id, title), j) for j, title in rows
               if j.item_id != item_id and j.covered]
    judged_components = sum(1 for j, _ in rows if j.item_id != item_id)
    return AreaLine(area, state, own, through, components, components - judged_components)


def item_details(item: CatalogueItem) -> ItemDetails:
    components = db.session.scalars(
        select(Component).options(selectinload(Component.child), selectinload(Component.group))
        .where(Component.parent_id == item.id).order_by(Component.position, Component.id)).all()
    mandatory = [c for c in components if c.mandatory]
    groups: dict[int | None, list[Component]] = {}
    for c in components:
        if not c.mandatory:
            groups.setdefault(c.group_id, []).append(c)
    group_rows = {g.id: g for g in item.groups}
    optional = [(group_rows.get(gid), members) for gid, members in groups.items()]
    optional += [(g, []) for g in item.groups if g.id not in groups]
    # A shared unit can sit in a thousand qualifications: read plain rows, not ORM objects
    # (whose reference cycles pile up for the garbage collector).
    used_in = [Use(ItemRef(parent_id, title), mandatory) for parent_id, title, mandatory in
               db.session.execute(
                   select(Component.parent_id, CatalogueItem.title, Component.mandatory)
                   .join(CatalogueItem, CatalogueItem.id == Component.parent_id)
                   .where(Component.child_id == item.id)
                   .order_by(CatalogueItem.title, Component.id))]
    prerequisites = db.session.scalars(
        select(Prerequisite).join(Prerequisite.required)
        .options(selectinload(Prerequisite.required))
        .where(Prerequisite.item_id == item.id).order_by(CatalogueItem.title)).all()
    leads_to = db.session.scalars(
        select(CatalogueItem).join(Prerequisite, Prerequisite.item_id == CatalogueItem.id)
        .where(Prerequisite.required_id == item.id).order_by(CatalogueItem.title)).all()
    links = db.session.scalars(
        select(ItemRole).join(JobRole, JobRole.id == ItemRole.job_role_id)
        .options(selectinload(ItemRole.job_role))
        .where(ItemRole.item_id == item.id).order_by(JobRole.name)).all()
    changes = db.session.scalars(
        select(CatalogueChange).options(selectinload(CatalogueChange.actor))
        .where(CatalogueChange.item_id == item.id)
        .order_by(CatalogueChange.created_at.desc(), CatalogueChange.id.desc()).limit(20)).all()
    return ItemDetails(item=item, mandatory=mandatory, optional=optional, used_in=used_in,
                       prerequisites=list(prerequisites), leads_to=list(leads_to),
                       links=list(links),
                       areas=_area_lines(item, list_areas()), facts=_fact_lines(item),
                       changes=list(changes))


# --- editing ------------------------------------------------------------------------------

ITEM_FIELDS = ("title", "is_qualification", "is_key", "item_type", "accrediting_body", "level",
               "learning_hours", "unit_code", "reference_number", "credits",
               "guided_learning_hours", "total_qualification_time", "operational_start",
               "operational_end", "certification_end", "status", "notes", "entry_requirements",
               "progression", "source", "source_url")


def record_change(actor: User | None, item: CatalogueItem | None, action: str,
                  summary: str) -> None:
    """One entry of the catalogue's change record (item None: a change to its structure)."""
    db.session.add(CatalogueChange(item_id=item.id if item else None,
                                   actor_id=actor.id if actor else None,
                                   action=action, summary=summary))


def _check_stable_id(stable_id: str, item: CatalogueItem | None = None) -> str:
    stable_id = stable_id.strip()
    if not stable_id:
        raise DomainError("Give the item a stable ID.", field="stable_id")
    other = find_item(stable_id)
    if other is not None and other is not item:
        raise DomainError(f"Another item already has the ID {stable_id}.", field="stable_id")
    return stable_id


def _check_dates(fields: dict) -> None:
    start, end = fields.get("operational_start"), fields.get("operational_end")
    if start and end and end < start:
        raise DomainError("The operational end date is before the start date.",
                          field="operational_end")


def create_item(actor: User | None, stable_id: str, **fields) -> CatalogueItem:
    _check_dates(fields)
    item = CatalogueItem(stable_id=_check_stable_id(stable_id),
                         **{k: v for k, v in fields.items() if k in ITEM_FIELDS})
    db.session.add(item)
    db.session.flush()
    record_change(actor, item, "created", f"Created {item.title}")
    db.session.commit()
    return item


def _describe(value) -> str:
    if value is None or value == "":
        return "(none)"
    return value.label if isinstance(value, ItemStatus) else str(value)


def update_item(actor: User | None, item: CatalogueItem, stable_id: str | None = None,
                **fields) -> list[str]:
    """Apply the changed fields; returns what changed, as recorded."""
    _check_dates({**{f: getattr(item, f) for f in ITEM_FIELDS}, **fields})
    changed = []
    if stable_id is not None and stable_id.strip() != item.stable_id:
        new_id = _check_stable_id(stable_id, item)
        changed.append(f"stable ID: {item.stable_id} → {new_id}")
        item.stable_id = new_id
    for name, value in fields.items():
        if name in ITEM_FIELDS and getattr(item, name) != value:
            changed.append(f"{name.replace('_', ' ')}: {_describe(getattr(item, name))} → "
                           f"{_describe(value)}")
            setattr(item, name, value)
    if changed:
        record_change(actor, item, "edited", "; ".join(changed))
    db.session.commit()
    return changed


def withdraw_item(actor: User | None, item: CatalogueItem, on: date) -> None:
    if item.status == ItemStatus.WITHDRAWN:
        raise DomainError(f"{item.title} is already withdrawn.")
    item.status = ItemStatus.WITHDRAWN
    item.certification_end = item.certification_end or on
    record_change(actor, item, "withdrawn", f"Withdrawn on {on.isoformat()}")
    db.session.commit()


def add_component(actor: User | None, parent: CatalogueItem, child: CatalogueItem, *,
                  mandatory: bool = True, group: ComponentGroup | None = None) -> Component:
    if child.id == parent.id or parent.id in descendants(child.id):
        raise DomainError(f"{child.title} contains {parent.title}, so it cannot also be "
                          f"a component of it: that would make a cycle.", field="child")
    if db.session.scalar(select(Component).where(Component.parent_id == parent.id,
                                                 Component.child_id == child.id)):
        raise DomainError(f"{child.title} is already a component of {parent.title}.",
                          field="child")
    if group is not None and group.item_id != parent.id:
        raise DomainError("That optional group belongs to another qualification.",
                          field="group")
    position = len(parent.components)
    component = Component(parent_id=parent.id, child_id=child.id, mandatory=mandatory,
                          group_id=group.id if group else None, position=position)
    db.session.add(component)
    how = "mandatory" if mandatory else f"optional{f' ({group.name})' if group else ''}"
    record_change(actor, parent, "component added", f"{child.title} ({child.stable_id}), {how}")
    db.session.commit()
    return component


def remove_component(actor: User | None, parent: CatalogueItem, component_id: int) -> None:
    component = db.session.get(Component, component_id)
    if component is None or component.parent_id != parent.id:
        raise NotFound()
    record_change(actor, parent, "component removed",
            f"{component.child.title} ({component.child.stable_id})")
    db.session.delete(component)
    db.session.commit()


def add_group(actor: User | None, item: CatalogueItem, name: str, *,
              min_credits: int | None = None, min_components: int | None = None
              ) -> ComponentGroup:
    if not name.strip():
        raise DomainError("Name the optional group.", field="name")
    if any(g.name.lower() == name.strip().lower() for g in item.groups):
        raise DomainError(f"{item.title} already has a group called {name.strip()}.",
                          field="name")
    group = ComponentGroup(item_id=item.id, name=name.strip(), min_credits=min_credits,
                           min_components=min_components, position=len(item.groups))
    db.session.add(group)
    rule = ", ".join(filter(None, [min_credits and f"at least {min_credits} credits",
                                   min_components and f"at least {min_components} units"]))
    record_change(actor, item, "group added", f"{group.name}{f' ({rule})' if rule else ''}")
    db.session.commit()
    return group


def add_prerequisite(actor: User | None, item: CatalogueItem,
                     required: CatalogueItem) -> Prerequisite:
    if required.id == item.id or item.id in required_before(required.id):
        raise DomainError(f"{required.title} itself needs {item.title} first, so it cannot "
                          f"be a pre-requirement of it: that would make a cycle.",
                          field="required")
    if db.session.scalar(select(Prerequisite).where(Prerequisite.item_id == item.id,
                                                    Prerequisite.required_id == required.id)):
        raise DomainError(f"{required.title} is already a pre-requirement.", field="required")
    link = Prerequisite(item_id=item.id, required_id=required.id)
    db.session.add(link)
    record_change(actor, item, "pre-requirement added", f"{required.title} ({required.stable_id})")
    db.session.commit()
    return link


def remove_prerequisite(actor: User | None, item: CatalogueItem, prerequisite_id: int) -> None:
    link = db.session.get(Prerequisite, prerequisite_id)
    if link is None or link.item_id != item.id:
        raise NotFound()
    record_change(actor, item, "pre-requirement removed",
            f"{link.required.title} ({link.required.stable_id})")
    db.session.delete(link)
    db.session.commit()


def _set_links(actor, item, model, column, wanted: set[int], names: dict[int, str],
               action: str) -> None:
    current = {getattr(r, column): r for r in db.session.scalars(
        select(model).where(model.item_id == item.id))}
    added, removed = wanted - current.keys(), current.keys() - wanted
    for key in removed:
        db.session.delete(current[key])
    for key in added:
        db.session.add(model(item_id=item.id, **{column: key}))
    if added or removed:
        parts = [f"+ {names[k]}" for k in sorted(added)] + [f"− {names[k]}"
                                                             for k in sorted(removed)]
        record_change(actor, item, action, "; ".join(parts))
    db.session.commit()


def set_roles(actor: User | None, item: CatalogueItem, role_ids: set[int]) -> None:
    names = dict(role_names())
    unknown = role_ids - names.keys()
    if unknown:
        raise DomainError("Choose roles from the catalogue's list.", field="roles")
    _set_links(actor, item, ItemRole, "job_role_id", role_ids, names, "roles changed")


def set_areas(actor: User | None, item: CatalogueItem, area_ids: set[int]) -> None:
    """The areas the item itself covers, in the editors' judgement. An area ticked becomes
    covered (basis: editorial); one unticked loses its judgement (not yet judged again);
    an area judged not covered stays so unless ticked."""
    names = {a.id: f"{a.number}. {a.title}" for a in list_areas()}
    if area_ids - names.keys():
        raise DomainError("Choose Common Core areas from the list.", field="areas")
    current = {j.area_id: j for j in db.session.scalars(
        select(ItemArea).where(ItemArea.item_id == item.id))}
    covered = {area_id for area_id, j in current.items() if j.covered}
    added, removed = area_ids - covered, covered - area_ids
    for area_id in removed:
        db.session.delete(current[area_id])
    for area_id in added:
        judgement = current.get(area_id) or ItemArea(item_id=item.id, area_id=area_id)
        judgement.covered, judgement.basis, judgement.basis_text = True, Basis.EDITORIAL, ""
        db.session.add(judgement)
    if added or removed:
        record_change(actor, item, "Common Core areas changed", "; ".join(
            [f"+ {names[k]}" for k in sorted(added)] + [f"− {names[k]}" for k in sorted(removed)]))
    db.session.commit()


def recent_changes(limit: int = 50) -> list[CatalogueChange]:
    return list(db.session.scalars(
        select(CatalogueChange).options(selectinload(CatalogueChange.actor),
                                        selectinload(CatalogueChange.item))
        .order_by(CatalogueChange.created_at.desc(), CatalogueChange.id.desc()).limit(limit)))


def items_by_ids(ids) -> list[CatalogueItem]:
    return list(db.session.scalars(select(CatalogueItem).where(CatalogueItem.id.in_(ids))
                                   .order_by(CatalogueItem.title)))


def suggest_items(q: str, limit: int = 10, exclude: int | None = None) -> list[CatalogueItem]:
    """A few items matching what an editor types, for pickers."""
    stmt = build_search(CatalogueQuery(q=q), london_today()).order_by(CatalogueItem.title)
    if exclude is not None:
        stmt = stmt.where(CatalogueItem.id != exclude)
    return list(db.session.scalars(stmt.limit(limit)))

