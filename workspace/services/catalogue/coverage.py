"""Common Core coverage in three states: covered, judged not covered, not yet judged.

The rule, in one place:

- An item's own judgements are its ItemArea rows: an area is covered, or judged not covered;
  an area without a row is not yet judged.
- Parts taken together (a qualification with its components, however deep; the qualifications
  of a role or cluster; what a person's record holds) cover an area when any part covers it,
  and judge it not covered only when every part judges it not covered; otherwise it is not
  yet judged. `combine` applies this to parts in hand; `closure_coverage` applies it in SQL
  to an item and everything inside it, one query for many items.
- Not yet judged is never a gap: only judged not covered is.

A Coverage holds two bit masks (area n is bit n-1): the areas covered, and the areas that every
part has a judgement for. Taken together, `covered` is an OR and `judged` an AND, so nothing
is counted twice and the order of parts does not matter.

Each item's coverage with its components is also stored (ItemCoverage), so that a page reads
thousands of items' masks without walking their components. This module keeps the store in
step: a hook on every session flush (`_note_old_owners`, `_keep_stored`) recomputes with
`closure_coverage` the items whose judgements or components the flush changed, and every
item that contains them, however deep; whoever writes through the ORM (editors, import, the
seed and the pack) has nothing to call. Writes that bypass the ORM (the synthetic catalogue's
bulk inserts, SQL by hand) call `refresh` or `refresh_all` themselves, as `flask
refresh-coverage` does.
"""

import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import (
    Connection,
    Select,
    case,
    delete,
    event,
    func,
    insert,
    inspect,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import Session

from workspace.extensions import db
from workspace.models import CatalogueItem, CommonCoreArea, Component, ItemArea, ItemCoverage

AREA_NUMBERS = range(1, 7)
ALL = (1 << len(AREA_NUMBERS)) - 1


def bit(number: int) -> int:
    """The mask bit of Common Core area `number` (1..6)."""
    return 1 << (number - 1)


class AreaState(enum.Enum):
    COVERED = "covered"
    NOT_COVERED = "not-covered"
    NOT_JUDGED = "not-judged"

    @property
    def label(self) -> str:
        return {"covered": "Covered", "not-covered": "Judged not covered",
                "not-judged": "Not yet judged"}[self.value]


@dataclass(frozen=True)
class Coverage:
    """What some parts say about the six areas; the default is no part at all (nothing is
    covered and nothing is left to judge), which changes nothing when combined."""

    covered: int = 0
    judged: int = ALL  # areas every part has a judgement for

    def state(self, number: int) -> AreaState:
        if self.covered & bit(number):
            return AreaState.COVERED
        if self.judged & bit(number):
            return AreaState.NOT_COVERED
        return AreaState.NOT_JUDGED

    def numbers(self, state: AreaState) -> list[int]:
        return [n for n in AREA_NUMBERS if self.state(n) is state]

    @property
    def not_judged(self) -> int:
        return len(self.numbers(AreaState.NOT_JUDGED))


def combine(parts: Iterable[Coverage]) -> Coverage:
    """Covered if any part covers; judged not covered only if every part judges so."""
    covered, judged = 0, ALL
    for part in parts:
        covered |= part.covered
        judged &= part.judged
    return Coverage(covered, judged)


def own_coverage(judgements: Iterable[tuple[int, bool]]) -> Coverage:
    """One item's own judgements, as (area number, covered) pairs; unlisted areas unjudged."""
    covered = judged = 0
    for number, is_covered in judgements:
        judged |= bit(number)
        covered |= bit(number) if is_covered else 0
    return Coverage(covered, judged)


def covering(numbers: Iterable[int]) -> Coverage:
    """A part that covers these areas and leaves the rest to the other parts (a CPD session
    attended: it covers its areas and says nothing of the others)."""
    return Coverage(covered=sum(bit(n) for n in set(numbers)))


def ids_in_state(coverage: Coverage, areas: list[CommonCoreArea], state: AreaState) -> set[int]:
    """The ids of the areas in the given state."""
    return {a.id for a in areas if coverage.state(a.number) is state}


# --- the same rule in SQL, for an item and everything inside it ---------------------------


def _closure(roots: Select):
    """(root_id, item_id): each root with itself and every component inside it, once."""
    anchor = roots.subquery("roots")
    closure = select(anchor.c.id.label("root_id"), anchor.c.id.label("item_id")) \
        .cte("closure", recursive=True)
    return closure.union(select(closure.c.root_id, Component.child_id)
                         .join(closure, Component.parent_id == closure.c.item_id))


def _mask(condition, area_bit):
    """The sum of the area bits of the rows meeting `condition` (each area once per root)."""
    return func.coalesce(func.sum(case((condition, area_bit), else_=0)), 0)


def closure_coverage(roots: Select):
    """A subquery of (item_id, covered, judged): `combine` over each root item and all its
    components, however deep, as masks. `roots` selects one column named `id`.

    Per root and area: covered when any part has a covering row; judged when as many parts
    have a row for it as the root has parts (a part reached along two paths counts once).
    """
    closure = _closure(roots)
    area_bit = literal_column("1").op("<<")(CommonCoreArea.number - 1)
    per_area = (select(closure.c.root_id, area_bit.label("bit"),
                       func.count().label("judged"),
                       func.max(case((ItemArea.covered.is_(True), 1), else_=0)).label("covered"))
                .join(ItemArea, ItemArea.item_id == closure.c.item_id)
                .join(CommonCoreArea, CommonCoreArea.id == ItemArea.area_id)
                .group_by(closure.c.root_id, CommonCoreArea.number)).subquery("per_area")
    parts = select(closure.c.root_id, func.count().label("parts")) \
        .group_by(closure.c.root_id).subquery("parts")
    return (select(parts.c.root_id.label("item_id"),
                   _mask(per_area.c.covered == 1, per_area.c.bit).label("covered"),
                   _mask(per_area.c.judged == parts.c.parts, per_area.c.bit).label("judged"))
            .select_from(parts)
            .outerjoin(per_area, per_area.c.root_id == parts.c.root_id)
            .group_by(parts.c.root_id)).subquery("coverage")


# --- the stored coverage ------------------------------------------------------------------

# An item's stored masks, for a query that outer-joins ItemCoverage on the item's id.
STORED_COVERED = func.coalesce(ItemCoverage.covered, 0)
STORED_JUDGED = func.coalesce(ItemCoverage.judged, 0)
CHUNK = 5_000  # ids a statement lists, well under the databases' limits on parameters


def coverage_of(item_ids: Iterable[int]) -> dict[int, Coverage]:
    """Each item's coverage with its components, as stored, in one query."""
    ids = list(set(item_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(CatalogueItem.id, STORED_COVERED, STORED_JUDGED)
        .outerjoin(ItemCoverage, ItemCoverage.item_id == CatalogueItem.id)
        .where(CatalogueItem.id.in_(ids)))
    return {item_id: Coverage(int(covered), int(judged)) for item_id, covered, judged in rows}


def _chunks(ids: Iterable[int | None]) -> Iterator[list[int]]:
    ids = sorted({i for i in ids if i is not None})
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _store(roots: Select, connection: Connection) -> None:
    """Compute afresh the stored coverage of the items `roots` selects (a column `id`)."""
    connection.execute(delete(ItemCoverage).where(ItemCoverage.item_id.in_(roots)))
    found = closure_coverage(roots)
    connection.execute(insert(ItemCoverage).from_select(
        ["item_id", "covered", "judged"],
        select(found).where(or_(found.c.covered != 0, found.c.judged != 0))))


def _containing(ids: list[int], connection: Connection) -> set[int]:
    """These items and every item that contains one of them, however deep."""
    up = select(Component.parent_id.label("id")).where(Component.child_id.in_(ids)) \
        .cte("containing", recursive=True)
    up = up.union(select(Component.parent_id).join(up, Component.child_id == up.c.id))
    return set(ids) | set(connection.scalars(select(up.c.id)))


def refresh(item_ids: Iterable[int], connection: Connection | None = None) -> None:
    """Recompute the stored coverage of these items and of every item containing them."""
    connection = connection or db.session.connection()
    for chunk in _chunks(item_ids):
        for affected in _chunks(_containing(chunk, connection)):
            _store(select(CatalogueItem.id).where(CatalogueItem.id.in_(affected)), connection)


def refresh_all(connection: Connection | None = None) -> None:
    """Recompute every item's stored coverage (after bulk writes that bypass the ORM)."""
    _store(select(CatalogueItem.id), connection or db.session.connection())


# The hook. Before a flush, from the database: the items that deleted or changed judgements
# and components belonged to, and the parents of deleted items (the database's cascade takes
# their component rows away during the flush). After it, from the objects as flushed: the
# items that new or changed ones belong to. Then those items are recomputed.

_PENDING = "catalogue_coverage_pending"
_OWNER = {ItemArea: "item_id", Component: "parent_id"}  # the item whose coverage a row is in


def _ids(objects, model) -> list[int]:
    return [inspect(o).identity[0] for o in objects
            if isinstance(o, model) and inspect(o).identity is not None]


@event.listens_for(Session, "before_flush")
def _note_old_owners(session: Session, _context, _instances) -> None:
    changed = [*session.deleted, *session.dirty]
    owners = set()
    for model, column in _OWNER.items():
        for ids in _chunks(_ids(changed, model)):
            owners.update(session.scalars(select(getattr(model, column))
                                          .where(model.id.in_(ids))))
    for gone in _chunks(_ids(session.deleted, CatalogueItem)):
        owners.update(session.scalars(select(Component.parent_id)
                                      .where(Component.child_id.in_(gone))))
    if owners:
        session.info.setdefault(_PENDING, set()).update(owners)


@event.listens_for(Session, "after_flush")
def _keep_stored(session: Session, _context) -> None:
    owners = session.info.pop(_PENDING, set())
    # What the flush wrote, read without loading (a value never loaded is unchanged: noted).
    owners.update(inspect(o).dict.get(_OWNER[type(o)]) for o in [*session.new, *session.dirty]
                  if type(o) in _OWNER)
    if owners:
        refresh(owners, session.connection())
