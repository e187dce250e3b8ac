"""The gap view: an audit's needs set against its provision by target group, phase, art form
and ward, with small counts of children suppressed, a workforce panel, and CSV export.

A need falls in a cell by its group (none = all children), phase, art form and ward; a
provision record falls in every group cell it targets (none = all children). Counts of
children are published through services.disclosure (small record values, threshold and
secondary suppression, cell key perturbation), as are the workforce panel's counts.
"""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from itertools import product

from sqlalchemy import select

from workspace.extensions import db
from workspace.infra.spreadsheet import safe_cell
from workspace.models import CatalogueItem, CommonCoreArea, ItemRole, Partnership
from workspace.models.audits import AgePhase, ArtForm, Audit, Need, Priority, Provision
from workspace.services import disclosure
from workspace.services.audits import records as audits
from workspace.services.catalogue import items as catalogue
from workspace.services.catalogue.coverage import AreaState, combine, coverage_of
from workspace.services.disclosure import Figure, figure
from workspace.services.progress import workforce

DIMENSIONS = {"group": "Target group", "phase": "Age phase", "art_form": "Art form",
              "ward": "Ward"}
ALL = "all"  # the group key of "All children and young people"

STATES = {
    "unmet": "Unmet need",
    "partly": "Partly met",
    "met": "Met",
    "provision_only": "Provision, no stated need",
    "empty": "Nothing recorded",
}


# --- facts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    key: str
    label: str


@dataclass
class Facts:
    """An audit's needs and provision, with their coordinates, loaded once."""

    audit: Audit
    needs: list[Need]
    provision: list[Provision]
    values: dict[str, list[Value]]
    ward_labels: dict[str, str]
    group_by_key: dict[str, object]

    @property
    def threshold(self) -> int:
        return disclosure.threshold_of(self.audit.suppression_threshold)

    @cached_property
    def need_coords(self) -> dict[int, dict[str, str]]:
        """Each need's coordinates by its id, worked out once."""
        return {n.id: need_coords(n) for n in self.needs}

    @cached_property
    def provision_coords(self) -> dict[int, dict]:
        return {p.id: provision_coords(p) for p in self.provision}

    @cached_property
    def nothing(self) -> Figure:
        """The figure of a cell without records (the same for all: no record, no key)."""
        return figure([], self.threshold)

    @cached_property
    def need_priorities(self) -> dict[int, tuple[int, int]]:
        """Each need's (1 if high priority else 0, priority weight)."""
        return {n.id: (int(n.priority == Priority.HIGH), n.priority.weight) for n in self.needs}

    @cached_property
    def need_entries(self) -> dict[int, disclosure.Entry]:
        """Each need's part in a figure (an HMAC each), drawn once rather than once a cell."""
        return {n.id: need_entry(n, self.threshold) for n in self.needs}

    @cached_property
    def provision_entries(self) -> dict[int, disclosure.Entry]:
        return {p.id: provision_entry(p, self.threshold) for p in self.provision}


def need_entry(need: Need, threshold: int) -> disclosure.Entry:
    return disclosure.entry("need", need.id, need.children, threshold)


def provision_entry(provision: Provision, threshold: int) -> disclosure.Entry:
    return disclosure.entry("provision", provision.id, provision.children_reached, threshold)


def need_coords(need: Need) -> dict[str, str]:
    return {"group": str(need.target_group_id) if need.target_group_id else ALL,
            "phase": need.phase.value, "art_form": need.art_form.value,
            "ward": audits.place_key(need.ward)}


def provision_coords(provision: Provision) -> dict:
    return {"group": {str(g.id) for g in provision.groups} or {ALL},
            "phase": provision.phase.value, "art_form": provision.art_form.value,
            "ward": audits.place_key(provision.ward)}


def _matches(coords: dict, constraints: dict[str, str]) -> bool:
    for dim, key in constraints.items():
        have = coords[dim]
        if (key not in have) if isinstance(have, set) else (have != key):
            return False
    return True


def load_facts(partnership: Partnership, audit: Audit) -> Facts:
    needs, provision = audits.list_needs(audit), audits.list_provision(audit)
    groups = audits.list_target_groups(partnership)
    wards: dict[str, str] = {}
    for record in [*provision, *needs]:
        wards.setdefault(audits.place_key(record.ward), audits.clean_place(record.ward))
    used_phases = {r.phase for r in [*needs, *provision]}
    used_forms = {r.art_form for r in [*needs, *provision]}
    values = {
        "group": [Value(str(g.id), g.name) for g in groups] + [Value(ALL, audits.ALL_CHILDREN)],
        "phase": [Value(p.value, p.label) for p in AgePhase if p in used_phases],
        "art_form": [Value(a.value, a.label) for a in ArtForm if a in used_forms],
        "ward": [Value(k, wards[k]) for k in sorted(wards, key=lambda k: wards[k].casefold())],
    }
    return Facts(audit=audit, needs=needs, provision=provision, values=values, ward_labels=wards,
                 group_by_key={str(g.id): g for g in groups})


def label_of(facts: Facts, dim: str, key: str) -> str:
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
        if self.needs and not self.provision:
            return "unmet"
        if self.needs and self.provision < self.needs:
            return "partly"
        if self.needs:
            return "met"
        return "provision_only" if self.provision else "empty"

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


def _keys(coords: dict, dim: str):
    have = coords[dim]
    return have if isinstance(have, set) else (have,)


def group_records(facts: Facts, dims: tuple[str, ...],
                  constraints: dict[str, str]) -> dict[tuple, Records]:
    """The needs and provision that meet `constraints`, by their keys on `dims`, in one pass
    over the records: a provision record for several groups falls in each group's cell."""
    cells: dict[tuple, Records] = defaultdict(lambda: ([], []))
    for side, records, coords_of in ((0, facts.needs, facts.need_coords),
                                     (1, facts.provision, facts.provision_coords)):
        for record in records:
            coords = coords_of[record.id]
            if _matches(coords, constraints):
                for key in product(*(_keys(coords, d) for d in dims)):
                    cells[key][side].append(record)
    return cells


def make_cell(facts: Facts, coords: dict[str, str], found: Records, parts: tuple = ()) -> Cell:
    """The cell of these records at `coords`; `parts` are the cells a total adds up."""
    needs, provision = found
    priorities = [facts.need_priorities[n.id] for n in needs]
    return Cell(
        coords=dict(coords), needs=len(needs),
        high=sum(high for high, _ in priorities), weight=sum(w for _, w in priorities),
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


@dataclass
class Matrix:
    """The figures of every row and column. `cells` holds the cells with records only (an
    audit with a ward per record has far more empty cells than records); `at` makes the
    empty ones when asked."""

    facts: Facts = field(repr=False)
    rows: str
    cols: str
    filters: dict[str, str]
    row_values: list[Value]
    col_values: list[Value]
    cells: dict[tuple[str, str], Cell]
    row_totals: dict[str, Cell]
    col_totals: dict[str, Cell]
    total: Cell
    page: int = 1

    def at(self, row: Value, col: Value) -> Cell:
        found = self.cells.get((row.key, col.key))
        if found is None:
            coords = {**self.filters, self.rows: row.key, self.cols: col.key}
            found = make_cell(self.facts, coords, ([], []))
        return found

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


def matrix(facts: Facts, rows: str = "ward", cols: str = "group",
           filters: dict[str, str] | None = None, page: int = 1) -> Matrix:
    """Each cell and total from its own records, grouped in one pass a level (cells, rows,
    columns): linear in the records, whatever the number of rows and columns. A total's
    parts are the cells with records; an empty cell is never suppressed, so it would add
    nothing to the secondary suppression of the total."""
    if rows not in DIMENSIONS or cols not in DIMENSIONS or rows == cols:
        rows, cols = "ward", "group"
    filters = {d: k for d, k in (filters or {}).items() if d not in (rows, cols)}
    row_values, col_values = facts.values[rows], facts.values[cols]
    row_keys, col_keys = {v.key for v in row_values}, {v.key for v in col_values}
    cells, row_parts, col_parts = {}, defaultdict(list), defaultdict(list)
    for (r, c), found in group_records(facts, (rows, cols), filters).items():
        if r in row_keys and c in col_keys:
            cells[(r, c)] = made = make_cell(facts, {**filters, rows: r, cols: c}, found)
            row_parts[r].append(made)
            col_parts[c].append(made)
    empty: Records = ([], [])
    by_row = group_records(facts, (rows,), filters)
    by_col = group_records(facts, (cols,), filters)
    row_totals = {r.key: make_cell(facts, {**filters, rows: r.key},
                                   by_row.get((r.key,), empty), tuple(row_parts[r.key]))
                  for r in row_values}
    col_totals = {c.key: make_cell(facts, {**filters, cols: c.key},
                                   by_col.get((c.key,), empty), tuple(col_parts[c.key]))
                  for c in col_values}
    total = cell(facts, filters, (*row_totals.values(), *col_totals.values()))
    m = Matrix(facts=facts, rows=rows, cols=cols, filters=filters, row_values=row_values,
               col_values=col_values, cells=cells, row_totals=row_totals,
               col_totals=col_totals, total=total)
    m.page = max(1, min(page, m.pages))
    return m


def gap_list(facts: Facts, limit: int | None = None) -> list[Cell]:
    """Unmet and partly met needs at full detail (group, phase, art form, ward), worst first."""
    found = group_records(facts, tuple(DIMENSIONS), {})
    gaps = []
    for key in dict.fromkeys(tuple(facts.need_coords[n.id][d] for d in DIMENSIONS)
                             for n in facts.needs):
        coords = dict(zip(DIMENSIONS, key, strict=True))
        gap = make_cell(facts, coords, found[key])
        if gap.state in ("unmet", "partly"):
            gaps.append(gap)
    gaps.sort(key=lambda c: (c.state != "unmet", -c.weight, -c.needs,
                             [label_of(facts, d, c.coords[d]).casefold() for d in DIMENSIONS]))
    return gaps[:limit] if limit else gaps


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
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([safe_cell(v) if isinstance(v, str) else v for v in row])
    return out.getvalue()


def gaps_csv(facts: Facts, m: Matrix) -> str:
    """The matrix's figures, one line per cell, then the totals; suppressed as on the page."""
    filters = "; ".join(f"{DIMENSIONS[d]}: {label_of(facts, d, k)}" for d, k in m.filters.items())
    rows = [[DIMENSIONS[m.rows], DIMENSIONS[m.cols], *GAP_COLUMNS]]
    rows += [[r.label, c.label, *_figures(m.at(r, c))]
             for r in m.row_values for c in m.col_values]
    rows += [[r.label, "Total", *_figures(m.row_totals[r.key])] for r in m.row_values]
    rows += [["Total", c.label, *_figures(m.col_totals[c.key])] for c in m.col_values]
    rows += [["Total", "Total", *_figures(m.total)]]
    if filters:
        rows.append([f"Filtered by {filters}"])
    return _write(rows)


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
