"""The gap view: an audit's needs set against its provision by target group, phase, art form
and ward, with small counts of children suppressed, a workforce panel, and CSV export.

A need falls in a cell by its group (none = all children), phase, art form and ward; a
provision record falls in every group cell it targets (none = all children). Counts of
children are published through services.disclosure (small record values, threshold and
secondary suppression, cell key perturbation), as are the workforce panel's counts.
"""

import csv
import heapq
import io
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from itertools import product
from typing import NamedTuple

from sqlalchemy import select

from workspace.extensions import db
from workspace.infra.spreadsheet import safe_cell
from workspace.models import CatalogueItem, CommonCoreArea, ItemRole, Partnership
from workspace.models.audits import AgePhase, ArtForm, Audit, Need, Priority, Provision
from workspace.services import disclosure
from workspace.services.audits import reading
from workspace.services.audits import records as audits
from workspace.services.catalogue import items as catalogue
from workspace.services.catalogue.coverage import AreaState, combine, coverage_of
from workspace.services.disclosure import Figure, figure
from workspace.services.progress import workforce

DIMENSIONS = {"group": "Target group", "phase": "Age phase", "art_form": "Art form",
              "ward": "Ward"}
AT = {dim: i for i, dim in enumerate(DIMENSIONS)}  # a dimension's place in a record's keys
ALL = "all"  # the group key of "All children and young people"
WARD_CHOICES = 200  # past this many wards, the ward filter is a search field suggesting these

STATES = {
    "unmet": "Unmet need",
    "partly": "Partly met",
    "met": "Met",
    "provision_only": "Provision, no stated need",
    "empty": "Nothing recorded",
}


# --- facts ----------------------------------------------------------------------------------


class Value(NamedTuple):
    """A value of a dimension (a ward, a group...): a page of the gap view makes thousands."""

    key: str
    label: str


Keys = tuple[tuple[str, ...], ...]  # a record's keys on each dimension, in DIMENSIONS order


@dataclass
class Facts:
    """An audit's needs and provision, with their coordinates, loaded once."""

    audit: Audit
    needs: list[Need]
    provision: list[Provision]
    values: dict[str, list[Value]]
    ward_labels: dict[str, str]
    group_by_key: dict[str, object]
    ward_keys: dict[str, str] = field(default_factory=dict)  # each ward as typed: its key

    @cached_property
    def threshold(self) -> int:
        return disclosure.threshold_of(self.audit.suppression_threshold)

    @cached_property
    def labels(self) -> dict[str, dict[str, str]]:
        """Each dimension's labels by key, for the values the audit uses."""
        return {dim: {v.key: v.label for v in values} for dim, values in self.values.items()}

    @cached_property
    def need_keys(self) -> list[tuple[Need, Keys, tuple[int, int, int, int]]]:
        """Each need with its keys (need_coords) and its part in a tally (need_part), worked
        out once. Equal keys are one tuple (kept alive for the request, thousands of
        copies would only make the garbage collector's passes longer)."""
        entries, same = self.need_entries, {}.setdefault
        return [(n, need_coords(n, self._ward_key(n.ward), same), need_part(n, entries[n.id]))
                for n in self.needs]

    @cached_property
    def provision_keys(self) -> list[tuple[Provision, Keys, tuple[int, int]]]:
        entries, same = self.provision_entries, {}.setdefault
        return [(p, provision_coords(p, self._ward_key(p.ward), same),
                 provision_part(entries[p.id])) for p in self.provision]

    def _ward_key(self, ward: str) -> str:
        key = self.ward_keys.get(ward)
        return audits.place_key(ward) if key is None else key

    @cached_property
    def nothing(self) -> Figure:
        """The figure of a cell without records (the same for all: no record, no key)."""
        return figure([], self.threshold)

    @cached_property
    def need_entries(self) -> dict[int, disclosure.Entry]:
        """Each need's part in a figure (an HMAC each), drawn once rather than once a cell."""
        return disclosure.entries("need", {n.id: n.children for n in self.needs},
                                  self.threshold)

    @cached_property
    def provision_entries(self) -> dict[int, disclosure.Entry]:
        return disclosure.entries(
            "provision", {p.id: p.children_reached for p in self.provision}, self.threshold)


def need_part(need: Need, entry: disclosure.Entry) -> tuple[int, int, int, int]:
    """A need's part in a tally: high (0 or 1), priority weight, and its entry's value and
    key (0 when the value is)."""
    return (int(need.priority is Priority.HIGH), need.priority.weight, entry.value,
            entry.key if entry.value else 0)


def provision_part(entry: disclosure.Entry) -> tuple[int, int]:
    return entry.value, entry.key if entry.value else 0


def need_coords(need: Need, ward: str, same=lambda key, _: key) -> Keys:
    """A need's coordinates: its key on each dimension (one each), in DIMENSIONS order;
    `ward` is the key of its ward (audits.place_key). `same(key, key)` gives an equal key
    made before, when there is one (a dict's setdefault)."""
    keys = ((str(need.target_group_id) if need.target_group_id else ALL,),
            (need.phase.value,), (need.art_form.value,), (ward,))
    return tuple(map(same, keys, keys))


def provision_coords(provision: Provision, ward: str, same=lambda key, _: key) -> Keys:
    """A provision record's: each group it targets (none = all children)."""
    keys = (tuple(dict.fromkeys(str(g.id) for g in provision.groups)) or (ALL,),
            (provision.phase.value,), (provision.art_form.value,), (ward,))
    return tuple(map(same, keys, keys))


def _checks(constraints: dict[str, str]) -> list[tuple[int, str]]:
    return [(AT[dim], key) for dim, key in constraints.items()]


def _matches(keys: Keys, checks: list[tuple[int, str]]) -> bool:
    """Whether a record with these keys meets these checks (_checks of constraints)."""
    return all(key in keys[at] for at, key in checks)


def needs_in(facts: "Facts", constraints: dict[str, str]) -> list[Need]:
    """The needs that meet these constraints."""
    checks = _checks(constraints)
    return [n for n, keys, _ in facts.need_keys if not checks or _matches(keys, checks)]


def load_facts(partnership: Partnership, audit: Audit) -> Facts:
    groups = audits.list_target_groups(partnership)
    by_id = {g.id: g for g in groups}
    needs, provision = reading.read_needs(audit, by_id), reading.read_provision(audit, by_id)
    wards: dict[str, str] = {}  # key: label
    ward_keys: dict[str, str] = {}  # as typed: key
    for ward in dict.fromkeys(r.ward for r in [*provision, *needs]):
        ward_keys[ward] = key = audits.place_key(ward)
        wards.setdefault(key, audits.clean_place(ward))
    used_phases = {r.phase for r in [*needs, *provision]}
    used_forms = {r.art_form for r in [*needs, *provision]}
    values = {
        "group": [Value(str(g.id), g.name) for g in groups] + [Value(ALL, audits.ALL_CHILDREN)],
        "phase": [Value(p.value, p.label) for p in AgePhase if p in used_phases],
        "art_form": [Value(a.value, a.label) for a in ArtForm if a in used_forms],
        "ward": [Value(k, wards[k]) for k in sorted(wards, key=lambda k: wards[k].casefold())],
    }
    return Facts(audit=audit, needs=needs, provision=provision, values=values, ward_labels=wards,
                 group_by_key={str(g.id): g for g in groups}, ward_keys=ward_keys)


def label_of(facts: Facts, dim: str, key: str) -> str:
    known = facts.labels[dim].get(key)
    return known if known is not None else _label_of(facts, dim, key)


def _label_of(facts: Facts, dim: str, key: str) -> str:
    if dim == "group":
        group = facts.group_by_key.get(key)
        return group.name if group else audits.ALL_CHILDREN
    if dim == "phase":
        return AgePhase(key).label
    if dim == "art_form":
        return ArtForm(key).label
    return facts.ward_labels.get(key, key)


def valid_constraints(facts: Facts, raw: dict[str, str | None]) -> dict[str, str]:
    """The dimension filters that name a known value; anything else is ignored."""
    known = {dim: {v.key for v in facts.values[dim]} for dim in DIMENSIONS}
    out = {}
    for dim in DIMENSIONS:
        key = raw.get(dim)
        if dim == "ward" and key:
            key = audits.place_key(key)
        if key and (key in known[dim] or (dim != "group" and _is_enum(dim, key))):
            out[dim] = key
    return out


def _is_enum(dim: str, key: str) -> bool:
    enum = {"phase": AgePhase, "art_form": ArtForm}.get(dim)
    return enum is not None and key in {m.value for m in enum}


# --- cells ----------------------------------------------------------------------------------


def state_of(needs: int, provision: int) -> str:
    if needs and not provision:
        return "unmet"
    if needs and provision < needs:
        return "partly"
    if needs:
        return "met"
    return "provision_only" if provision else "empty"


@dataclass
class Cell:
    coords: dict[str, str]
    needs: int
    high: int
    weight: int
    need_children: Figure
    provision: int
    reach: Figure
    matching_needs: list[Need] = field(default_factory=list, repr=False)
    matching_provision: list[Provision] = field(default_factory=list, repr=False)

    @property
    def state(self) -> str:
        return state_of(self.needs, self.provision)

    @property
    def state_label(self) -> str:
        return STATES[self.state]

    @property
    def heat(self) -> int:
        """1-3 by the priority weight of its needs, for unmet and partly met cells."""
        if self.state not in ("unmet", "partly"):
            return 0
        return 1 if self.weight <= 2 else 2 if self.weight <= 5 else 3


Records = tuple[list[Need], list[Provision]]


def group_records(facts: Facts, dims: tuple[str, ...],
                  constraints: dict[str, str]) -> dict[tuple, Records]:
    """The needs and provision that meet `constraints`, by their keys on `dims`, in one pass
    over the records: a provision record for several groups falls in each group's cell."""
    cells: dict[tuple, Records] = defaultdict(lambda: ([], []))
    checks, at = _checks(constraints), [AT[d] for d in dims]
    for side, records in ((0, facts.need_keys), (1, facts.provision_keys)):
        for record, keys, _ in records:
            if not checks or _matches(keys, checks):
                for key in product(*(keys[i] for i in at)):
                    cells[key][side].append(record)
    return cells


def make_cell(facts: Facts, coords: dict[str, str], found: Records, parts: tuple = ()) -> Cell:
    """The cell of these records at `coords`; `parts` are the cells a total adds up."""
    needs, provision = found
    priorities = [need_part(n, facts.need_entries[n.id]) for n in needs]
    return Cell(
        coords=dict(coords), needs=len(needs),
        high=sum(p[0] for p in priorities), weight=sum(p[1] for p in priorities),
        need_children=_figure(facts, [facts.need_entries[n.id] for n in needs],
                              [c.need_children for c in parts]),
        provision=len(provision),
        reach=_figure(facts, [facts.provision_entries[p.id] for p in provision],
                      [c.reach for c in parts]),
        matching_needs=needs, matching_provision=provision)


def _figure(facts: Facts, entries: list[disclosure.Entry], parts: list[Figure]) -> Figure:
    """disclosure.figure, drawn once for the many cells with no records and no parts."""
    if entries or parts:
        return figure(entries, facts.threshold, parts)
    return facts.nothing


def cell(facts: Facts, constraints: dict[str, str], parts: tuple = ()) -> Cell:
    """Needs and provision at these coordinates; `parts` are the cells a total adds up."""
    found = group_records(facts, (), constraints).get((), ([], []))
    return make_cell(facts, constraints, found, parts)


ROWS_PER_PAGE = 100  # rows of the heatmap a page shows; totals and the CSV cover them all


@dataclass(slots=True)
class Tally:
    """What a cell's figures are made of, summed as its records are met: counts, and the
    values and keys (of the entries over zero) of their disclosure entries."""

    needs: int = 0
    high: int = 0
    weight: int = 0
    need_raw: int = 0
    need_keys: int = 0
    provision: int = 0
    reach_raw: int = 0
    reach_keys: int = 0

    def add_need(self, part: tuple[int, int, int, int]) -> None:
        high, weight, value, key = part
        self.needs += 1
        self.high += high
        self.weight += weight
        self.need_raw += value
        self.need_keys += key

    def add_provision(self, part: tuple[int, int]) -> None:
        value, key = part
        self.provision += 1
        self.reach_raw += value
        self.reach_keys += key


EMPTY = Tally()


def cell_of(facts: Facts, coords: dict[str, str], tally: Tally,
            hidden: tuple[int, int] = (0, 0)) -> Cell:
    """The cell of these sums; `hidden` are the raw sums (children in needs, reached) of the
    suppressed cells a total adds up (secondary suppression)."""
    t = facts.threshold
    return Cell(coords=coords, needs=tally.needs, high=tally.high, weight=tally.weight,
                need_children=disclosure.figure_of_sums(
                    tally.need_raw, tally.need_keys, t, hidden[0]),
                provision=tally.provision,
                reach=disclosure.figure_of_sums(tally.reach_raw, tally.reach_keys, t, hidden[1]))


def _suppressed(cells, threshold: int) -> tuple[int, int]:
    """The raw sums of these cells' suppressed figures: a cell without parts is suppressed
    when its own sum is small."""
    needs = reach = 0
    for c in cells:
        if 0 < c.need_raw < threshold:
            needs += c.need_raw
        if 0 < c.reach_raw < threshold:
            reach += c.reach_raw
    return needs, reach


@dataclass
class Matrix:
    """The figures of every row and column, kept as sums: a cell or total is made when
    asked for (`at`, `row_total`), since a page shows 100 rows of thousands. An audit with a
    ward per record has far more empty cells than records; they share one empty tally."""

    facts: Facts = field(repr=False)
    rows: str
    cols: str
    filters: dict[str, str]
    row_values: list[Value]
    col_values: list[Value]
    tallies: dict[tuple[str, str], Tally] = field(repr=False)
    row_tallies: dict[str, Tally] = field(repr=False)
    col_tallies: dict[str, Tally] = field(repr=False)
    row_hidden: dict[str, tuple[int, int]] = field(repr=False)
    col_hidden: dict[str, tuple[int, int]] = field(repr=False)
    total: Cell
    page: int = 1

    def _coords(self, **keys: str) -> dict[str, str]:
        return {**self.filters, **keys}

    def at(self, row: Value, col: Value) -> Cell:
        return cell_of(self.facts, self._coords(**{self.rows: row.key, self.cols: col.key}),
                       self.tallies.get((row.key, col.key), EMPTY))

    def row_total(self, key: str) -> Cell:
        return cell_of(self.facts, self._coords(**{self.rows: key}),
                       self.row_tallies.get(key, EMPTY), self.row_hidden.get(key, (0, 0)))

    def col_total(self, key: str) -> Cell:
        return cell_of(self.facts, self._coords(**{self.cols: key}),
                       self.col_tallies.get(key, EMPTY), self.col_hidden.get(key, (0, 0)))

    @cached_property
    def cells(self) -> dict[tuple[str, str], Cell]:
        """The cells with records."""
        return {(r, c): cell_of(self.facts, self._coords(**{self.rows: r, self.cols: c}), t)
                for (r, c), t in self.tallies.items()}

    @cached_property
    def row_totals(self) -> dict[str, Cell]:
        return {v.key: self.row_total(v.key) for v in self.row_values}

    @cached_property
    def col_totals(self) -> dict[str, Cell]:
        return {v.key: self.col_total(v.key) for v in self.col_values}

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.row_values) // ROWS_PER_PAGE))

    @property
    def first_shown(self) -> int:
        """The position (from 1) of the first row this page shows."""
        return (self.page - 1) * ROWS_PER_PAGE + 1

    @property
    def shown_rows(self) -> list[Value]:
        """The rows of this page of the heatmap."""
        return self.row_values[self.first_shown - 1:self.first_shown - 1 + ROWS_PER_PAGE]


def _tally(facts: Facts, rows: str, cols: str, filters: dict[str, str]):
    """One pass over the records that meet `filters`: the sums of each cell, row, column and
    of them all. A provision record for several groups counts once in each group's cells
    and column, and once in its row and the total."""
    cells, by_row, by_col = defaultdict(Tally), defaultdict(Tally), defaultdict(Tally)
    total = Tally()
    checks, row_at, col_at = _checks(filters), AT[rows], AT[cols]
    for records, add in ((facts.need_keys, Tally.add_need),
                         (facts.provision_keys, Tally.add_provision)):
        for _, keys, part in records:
            if checks and not _matches(keys, checks):
                continue
            row_keys, col_keys = keys[row_at], keys[col_at]
            for r in row_keys:
                add(by_row[r], part)
                for c in col_keys:
                    add(cells[(r, c)], part)
            for c in col_keys:
                add(by_col[c], part)
            add(total, part)
    return cells, by_row, by_col, total


def matrix(facts: Facts, rows: str = "ward", cols: str = "group",
           filters: dict[str, str] | None = None, page: int = 1) -> Matrix:
    """Each cell and total from its own records, tallied in one pass: linear in the records,
    whatever the number of rows and columns. A total's parts are the cells with records; an
    empty cell is never suppressed, so it would add nothing to the secondary suppression of
    the total."""
    if rows not in DIMENSIONS or cols not in DIMENSIONS or rows == cols:
        rows, cols = "ward", "group"
    filters = {d: k for d, k in (filters or {}).items() if d not in (rows, cols)}
    row_values, col_values = facts.values[rows], facts.values[cols]
    row_keys, col_keys = {v.key for v in row_values}, {v.key for v in col_values}
    tallies, by_row, by_col, total = _tally(facts, rows, cols, filters)
    tallies = {k: t for k, t in tallies.items() if k[0] in row_keys and k[1] in col_keys}
    row_parts, col_parts = defaultdict(list), defaultdict(list)
    for (r, c), t in tallies.items():
        row_parts[r].append(t)
        col_parts[c].append(t)
    th = facts.threshold
    row_hidden = {r: _suppressed(ts, th) for r, ts in row_parts.items()}
    col_hidden = {c: _suppressed(ts, th) for c, ts in col_parts.items()}
    m = Matrix(facts=facts, rows=rows, cols=cols, filters=filters, row_values=row_values,
               col_values=col_values, tallies=tallies, row_tallies=by_row,
               col_tallies=by_col, row_hidden=row_hidden, col_hidden=col_hidden,
               total=Cell({}, 0, 0, 0, facts.nothing, 0, facts.nothing))
    m.total = cell_of(facts, dict(filters), total, _totals_hidden(m))
    m.page = max(1, min(page, m.pages))
    return m


def _totals_hidden(m: Matrix) -> tuple[int, int]:
    """The raw sums of the suppressed row and column totals: the overall total's parts
    (from their sums: no figure is made for the thousands of rows a page does not show)."""
    t = m.facts.threshold
    needs = reach = 0
    for tallies, hidden, values in ((m.row_tallies, m.row_hidden, m.row_values),
                                    (m.col_tallies, m.col_hidden, m.col_values)):
        for v in values:
            tally, (need_hidden, reach_hidden) = tallies.get(v.key, EMPTY), \
                hidden.get(v.key, (0, 0))
            if disclosure.suppressed(tally.need_raw, t, need_hidden):
                needs += tally.need_raw
            if disclosure.suppressed(tally.reach_raw, t, reach_hidden):
                reach += tally.reach_raw
    return needs, reach


def tally_by(facts: Facts, dims: tuple[str, ...], constraints: dict[str, str],
             needs: bool = True) -> dict[tuple, Tally]:
    """The sums of the records that meet `constraints`, by their keys on `dims`, in one pass
    (a provision record for several groups counts in each group's); `needs=False` for the
    provision's alone."""
    tallies: dict[tuple, Tally] = defaultdict(Tally)
    sides = [(facts.provision_keys, Tally.add_provision)]
    if needs:
        sides.insert(0, (facts.need_keys, Tally.add_need))
    checks, at = _checks(constraints), [AT[d] for d in dims]
    for records, add in sides:
        for _, keys, part in records:
            if not checks or _matches(keys, checks):
                for key in product(*(keys[i] for i in at)):
                    add(tallies[key], part)
    return tallies


def gap_list(facts: Facts, limit: int | None = None) -> list[Cell]:
    """Unmet and partly met needs at full detail (group, phase, art form, ward), worst first.
    Only where there are needs: the provision is tallied at those places alone."""
    found: dict[tuple, Tally] = defaultdict(Tally)
    for _, ((group,), (phase,), (art_form,), (ward,)), part in facts.need_keys:
        found[group, phase, art_form, ward].add_need(part)
    for _, keys, part in facts.provision_keys:
        for key in product(*keys):
            if (tally := found.get(key)) is not None:
                tally.add_provision(part)
    folded: dict[tuple[str, str], str] = {}

    def order(label: tuple[str, str]) -> str:
        if (known := folded.get(label)) is None:
            known = folded[label] = label_of(facts, *label).casefold()
        return known

    def worst(gap: tuple[tuple, Tally]):
        key, t = gap
        return (t.provision > 0, -t.weight, -t.needs,
                [order(label) for label in zip(DIMENSIONS, key, strict=True)])

    gaps = [(key, t) for key, t in found.items() if t.provision < t.needs]
    gaps = heapq.nsmallest(limit, gaps, key=worst) if limit else sorted(gaps, key=worst)
    return [cell_of(facts, dict(zip(DIMENSIONS, key, strict=True)), tally)
            for key, tally in gaps]


def describe(facts: Facts, coords: dict[str, str]) -> str:
    return ", ".join(label_of(facts, d, coords[d]) for d in DIMENSIONS if d in coords) or \
        "The whole audit"


def action_args(facts: Facts, coords: dict[str, str]) -> dict[str, str | int]:
    """Query arguments for steering.new_action that carry a cell's coordinates."""
    args: dict[str, str | int] = {"audit_id": facts.audit.id}
    if coords.get("group") and coords["group"] != ALL:
        args["group_id"] = int(coords["group"])
    for dim in ("phase", "art_form"):
        if coords.get(dim):
            args[dim] = coords[dim]
    if coords.get("ward"):
        args["ward"] = label_of(facts, "ward", coords["ward"])
    return args


def discussion_key(facts: Facts, coords: dict[str, str]) -> str:
    """The key of a cell's discussion thread in chat: audit, group, phase, art form, ward."""
    args = action_args(facts, coords)
    return ":".join(str(args.get(name, "")) for name in
                    ("audit_id", "group_id", "phase", "art_form", "ward"))


# --- workforce panel ------------------------------------------------------------------------


@dataclass
class RoleRow:
    name: str
    needs: int
    qualifications: list[CatalogueItem]
    members_holding: Figure


@dataclass
class AreaRow:
    area: CommonCoreArea
    members: Figure


@dataclass
class WorkforcePanel:
    members: int
    roles: list[RoleRow]
    areas: list[AreaRow]


def workforce_panel(partnership: Partnership, needs: list[Need]) -> WorkforcePanel:
    """The roles the needs call for, how many members hold a qualification mapped to each,
    and the Common Core areas those qualifications cover against the members covering them.
    Counts only, published as the workforce page's are: no member is named."""
    records = workforce.member_records(partnership)
    wanted: dict[int, list[Need]] = {}
    for need in needs:
        if need.job_role is not None:
            wanted.setdefault(need.job_role_id, []).append(need)
    roles, item_ids = [], set()
    for role_id, role_needs in wanted.items():
        items = list(db.session.scalars(
            select(CatalogueItem).join(ItemRole, ItemRole.item_id == CatalogueItem.id)
            .where(ItemRole.job_role_id == role_id).order_by(CatalogueItem.title)))
        ids = {i.id for i in items}
        holding = workforce.count_of([r for r in records if ids & {i.id for i in r.held}])
        roles.append(RoleRow(role_needs[0].job_role.name, len(role_needs), items, holding))
        item_ids |= ids
    roles.sort(key=lambda r: (-r.needs, r.name.casefold()))
    covered = combine(coverage_of(item_ids).values())  # judged covered by any of them
    areas = [AreaRow(a, workforce.count_of([r for r in records if a.id in r.areas]))
             for a in catalogue.list_areas() if covered.state(a.number) is AreaState.COVERED]
    return WorkforcePanel(members=len(records), roles=roles, areas=areas)


# --- CSV ------------------------------------------------------------------------------------

GAP_COLUMNS = ["State", "Needs", "High priority needs", "Children in needs",
               "Provision records", "Children reached"]


def _figures(c: Cell) -> list:
    return [c.state_label, c.needs, c.high, str(c.need_children), c.provision, str(c.reach)]


def _write(rows: list[list]) -> str:
    out = io.StringIO(newline="")
    csv.writer(out).writerows([[safe_cell(v) if isinstance(v, str) else v for v in row]
                               for row in rows])
    return out.getvalue()


def _figure_texts(threshold: int):
    """str(disclosure.figure_of_sums(...)), kept by what it depends on (the raw sum, the cell
    key, the hidden sum): the CSV's tens of thousands of figures repeat a few hundred."""
    made: dict[tuple[int, int, int], str] = {}

    def text(raw: int, keys: int, hidden: int = 0) -> str:
        at = (raw, keys % disclosure.BASE, hidden)
        found = made.get(at)
        if found is None:
            found = made[at] = str(disclosure.figure_of_sums(raw, keys, threshold, hidden))
        return found
    return text


def _tally_figures(text, tally: Tally, hidden: tuple[int, int] = (0, 0)) -> list:
    """_figures of a cell or total straight from its sums (`text`: _figure_texts). The text
    is a state label or a figure ("<5" or a number not under 0): nothing a spreadsheet
    would run."""
    return [STATES[state_of(tally.needs, tally.provision)], tally.needs, tally.high,
            text(tally.need_raw, tally.need_keys, hidden[0]),
            tally.provision, text(tally.reach_raw, tally.reach_keys, hidden[1])]


def _csv_parts():
    """A function giving fields as csv.writer writes them within a line (each quoted when it
    needs to be), without the line's end: lines made of such parts are what writing their
    fields gives, and a part made once serves every line that has it."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)

    def part(fields) -> str:
        out.seek(0)
        out.truncate()
        writer.writerow([*fields, 0])  # never a lone field: a lone empty one is written ""
        return out.getvalue()[:-4]  # less ",0\r\n"
    return part


def gaps_csv(facts: Facts, m: Matrix) -> str:
    """The matrix's figures, one line per cell, then the totals; suppressed as on the page.
    A line is made of parts made once each: its row's label, its column's, its figures (the
    many empty cells, and most others, share theirs)."""
    text, part, made = _figure_texts(facts.threshold), _csv_parts(), {}

    def figures(tally: Tally, hidden: tuple[int, int] = (0, 0)) -> str:
        found = tuple(_tally_figures(text, tally, hidden))
        known = made.get(found)
        if known is None:
            known = made[found] = part(found)
        return known

    rows = {r.key: part([safe_cell(r.label)]) for r in m.row_values}
    cols = {c.key: part([safe_cell(c.label)]) for c in m.col_values}
    total, empty = part(["Total"]), figures(EMPTY)
    lines = [part([DIMENSIONS[m.rows], DIMENSIONS[m.cols], *GAP_COLUMNS])]
    for r in m.row_values:
        row = rows[r.key]
        for c in m.col_values:
            found = m.tallies.get((r.key, c.key))
            lines.append(f"{row},{cols[c.key]},{empty if found is None else figures(found)}")
    lines += [f"{rows[r.key]},{total},"
              f"{figures(m.row_tallies.get(r.key, EMPTY), m.row_hidden.get(r.key, (0, 0)))}"
              for r in m.row_values]
    lines += [f"{total},{cols[c.key]},"
              f"{figures(m.col_tallies.get(c.key, EMPTY), m.col_hidden.get(c.key, (0, 0)))}"
              for c in m.col_values]
    lines.append(f"{total},{total},{part(_figures(m.total))}")
    filters = "; ".join(f"{DIMENSIONS[d]}: {label_of(facts, d, k)}" for d, k in m.filters.items())
    if filters:
        lines.append(part([safe_cell(f"Filtered by {filters}")]))
    lines.append("")
    return "\r\n".join(lines)


def provision_rows(facts: Facts) -> list[list]:
    """One line per provision record, without its children figure: a single record's count is
    a setting-level figure, so children are only given in the totals (gaps_csv)."""
    rows = [["Provider", "Activity", "Art form", "Age phase", "Target groups", "Ward",
             "Setting", "Settings reached", "Cost (£)", "Funding source",
             "Staff qualifications"]]
    for p in facts.provision:
        vulnerable = audits.is_vulnerable_provision(p)
        rows.append([p.provider_name, p.activity, p.art_form.label, p.phase.label,
                     "; ".join(g.name for g in p.groups) or audits.ALL_CHILDREN, p.ward,
                     "" if vulnerable else p.setting, p.settings_reached,
                     "" if p.cost_pence is None else f"{p.cost_pence / 100:.2f}",
                     p.funding_source, "; ".join(q.stable_id for q in p.qualifications)])
    return rows


def need_rows(facts: Facts) -> list[list]:
    """One line per need, without its children figure (see provision_rows); a vulnerable
    group's need without its school or setting either (ward level or above only)."""
    rows = [["Organisation", "Target group", "Age phase", "Art form", "Ward", "Setting",
             "Priority", "Job role", "Description", "Source"]]
    for n in facts.needs:
        vulnerable = audits.is_vulnerable_need(n)
        rows.append(["" if vulnerable else n.respondent_organisation,
                     n.target_group.name if n.target_group else audits.ALL_CHILDREN,
                     n.phase.label, n.art_form.label, n.ward, "" if vulnerable else n.setting,
                     n.priority.label, n.job_role.name if n.job_role else "", n.description,
                     n.source.value])
    return rows


def provision_csv(facts: Facts) -> str:
    return _write(provision_rows(facts))


def needs_csv(facts: Facts) -> str:
    return _write(need_rows(facts))
