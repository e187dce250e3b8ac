"""A synthetic catalogue at scale, for tests and benchmarks (`flask catalogue generate`).

Deterministic for a given seed. Every item is marked: its stable ID starts with "SYN-" and its
source says it is synthetic; the awarding bodies are invented. Rows go in with Core
`insert()` in batches, so search_text is filled here (the mapper listener does not run) and
the stored Common Core coverage is computed here (the session hook does not run either), while
the database's own search index (FTS5 triggers, pg_trgm) keeps up by itself.
"""

import bisect
import itertools
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import delete, func, insert, select, text

from workspace.exceptions import DomainError
from workspace.extensions import db
from workspace.models import (
    CatalogueChange,
    CatalogueItem,
    CommonCoreArea,
    Component,
    ComponentGroup,
    ItemArea,
    ItemCoverage,
    ItemRole,
    ItemStatus,
    JobRole,
    Prerequisite,
)
from workspace.models.catalogue import search_text_of
from workspace.services.catalogue import coverage
from workspace.services.catalogue.seed import load_catalogue_seed

PREFIX = "SYN-"
SOURCE = "synthetic catalogue for tests and benchmarks"
NOTES = "Synthetic: made up by `flask catalogue generate`; not a real qualification or unit."
BATCH = 5_000

ART_FORMS = ["Music", "Dance", "Drama", "Theatre", "Visual Arts", "Creative Writing",
             "Digital Media", "Film and Moving Image", "Photography", "Crafts", "Design",
             "Circus Skills", "Spoken Word", "Museum and Heritage", "Literature", "Singing",
             "Instrumental Music", "Combined Arts", "Animation", "Street Arts"]
PHASES = ["Early Years", "Children aged 5 to 11", "Young People", "Children and Young People",
          "Teenagers", "Families", "Primary Schools", "Secondary Schools", "Youth Settings",
          "Special Schools", "Community Settings"]
ACTIVITIES = ["Supporting {a} Learning", "Leading {a} Activities", "Teaching {a}",
              "Facilitating {a} Participation", "{a} Education", "Community {a} Practice",
              "Delivering {a} Workshops", "{a} Leadership", "Creative Practice in {a}",
              "{a} Education and Outreach"]
KINDS = [("Award", "RQF award", 1, 12), ("Certificate", "RQF certificate", 13, 36),
         ("Diploma", "RQF diploma", 37, 90), ("Extended Certificate", "VRQ certificate", 20, 45),
         ("NVQ Certificate", "NVQ", 25, 60), ("Professional Diploma", "Diploma", 60, 120)]
KIND_WEIGHTS = [20, 40, 20, 8, 7, 5]
# Topics for modules; the number is the Common Core area a topic delivers, if any.
CORE_TOPICS = [("Safeguarding Children and Young People", 3),
               ("Promoting the Welfare of the Child", 3), ("Child Protection Procedures", 3),
               ("Effective Communication with {p}", 1), ("Engaging Families and Carers", 1),
               ("Understanding Child and Young Person Development", 2),
               ("Observing and Recording Learning", 2), ("Supporting Transitions for {p}", 4),
               ("Multi-agency Working", 5), ("Working in Partnership with Schools", 5),
               ("Sharing Information Safely", 6), ("Record Keeping and Confidentiality", 6)]
PRACTICE_TOPICS = ["Planning {a} Sessions", "Leading Group {a} Activities",
                   "Inclusive {a} Practice", "Assessing Progress in {a}", "Reflective Practice",
                   "Promoting Positive Behaviour", "Health and Safety in {a} Settings",
                   "Evaluating {a} Projects", "Equality, Diversity and Inclusion",
                   "Supporting Special Educational Needs in {a}", "Improvisation in {a}",
                   "Composition and Devising", "Performance Skills", "Ensemble Leadership",
                   "Using Technology in {a}", "Managing {a} Projects",
                   "Professional Development in {a}", "Play and Creativity",
                   "Working with Volunteers", "Fundraising for {a} Projects",
                   "Copyright and Licensing in {a}", "Mentoring Emerging {a} Practitioners"]
OPENINGS = ["", "", "", "Understanding ", "Principles of ", "Introduction to ",
            "Advanced ", "Practical "]
ENDINGS = ["", "", "", " for {p}", " with {p}", " in {a} Settings"]
BODIES = ["Harbourside Awards", "Meridian Qualifications Board", "Northgate Arts Awards",
          "Kestrel Vocational Awards", "Three Rivers Awarding Body", "Lantern Learning Awards",
          "Oakfield Qualifications", "Cobalt Creative Awards", "Riverside College Awards",
          "Westmoor Awarding Organisation", "Fenland Music Examinations",
          "Brightwater Dance Awards", "Highcross Qualifications", "Saltmarsh Arts Council Awards",
          "Ashdown Performing Arts Board"]
LEVELS = [0, 1, 2, 3, 4, 5, 6, 7]
LEVEL_WEIGHTS = [2, 6, 28, 34, 18, 7, 4, 1]
CODE_LETTERS = "ADFHJKLMRTY"
KEY_FOR_ROLE_SHARE = 1 / 6  # role links marked key for their role (ItemRole.is_key)
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass
class GeneratedCatalogue:
    """What `generate_catalogue` inserted, and how long it took."""

    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def has_synthetic_items() -> bool:
    return db.session.scalar(select(CatalogueItem.id).where(
        CatalogueItem.stable_id.like(f"{PREFIX}%")).limit(1)) is not None


def delete_synthetic_items() -> int:
    """Remove every synthetic item and whatever hangs off it; returns how many items went."""
    ids = select(CatalogueItem.id).where(CatalogueItem.stable_id.like(f"{PREFIX}%"))
    # Items an editor gave a synthetic component lose it: their coverage changes.
    losing = list(db.session.scalars(select(Component.parent_id).where(
        Component.child_id.in_(ids), Component.parent_id.not_in(ids))))
    for table, columns in ((Component, ("parent_id", "child_id")),
                           (Prerequisite, ("item_id", "required_id")),
                           (ItemArea, ("item_id",)), (ItemRole, ("item_id",)),
                           (ComponentGroup, ("item_id",)), (CatalogueChange, ("item_id",)),
                           (ItemCoverage, ("item_id",))):
        for column in columns:
            db.session.execute(delete(table).where(getattr(table, column).in_(ids)))
    removed = db.session.execute(delete(CatalogueItem).where(
        CatalogueItem.stable_id.like(f"{PREFIX}%"))).rowcount
    coverage.refresh(losing)
    db.session.commit()
    return removed


def generate_catalogue(qualifications: int = 20_000, modules: int = 200_000, seed: int = 1,
                       replace: bool = False) -> GeneratedCatalogue:
    """Insert a synthetic catalogue; refuses if one is there already, unless `replace`."""
    started = time.perf_counter()
    if has_synthetic_items():
        if not replace:
            raise DomainError("This database already holds a synthetic catalogue (SYN- items); "
                              "use --replace to delete it and make a new one.")
        delete_synthetic_items()
    if db.session.scalar(select(func.count(JobRole.id))) == 0:
        load_catalogue_seed()
    plan = _Plan(random.Random(seed), qualifications, modules)
    counts = plan.build()
    _insert_all(plan)
    coverage.refresh_all()
    db.session.commit()
    _after_bulk_load()
    return GeneratedCatalogue(counts=counts, seconds=time.perf_counter() - started)


def _first_free_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _insert_all(plan: "_Plan") -> None:
    connection = db.session.connection()
    for model, rows in ((CatalogueItem, plan.items), (ComponentGroup, plan.groups),
                        (Component, plan.components), (Prerequisite, plan.prerequisites),
                        (ItemArea, plan.item_areas), (ItemRole, plan.item_roles)):
        for start in range(0, len(rows), BATCH):
            connection.execute(insert(model.__table__), rows[start:start + BATCH])
        if connection.dialect.name == "postgresql":
            # PostgreSQL planned the foreign-key checks of the next tables when this one held
            # the seed's few rows (a sequential scan); ANALYZE has them planned again.
            connection.execute(text(f"ANALYZE {model.__tablename__}"))


def _after_bulk_load() -> None:
    """Refresh the planner's statistics (and on PostgreSQL move the sequences past our ids).

    Without statistics SQLite takes an equality on any index to be selective, and walks
    the level index, say, rather than the title index that gives a page in order.
    """
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(text("ANALYZE"))
        db.session.commit()
        return
    for model in (CatalogueItem, ComponentGroup, Component, Prerequisite, ItemArea, ItemRole):
        table = model.__tablename__
        connection.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"))
    db.session.commit()
    # VACUUM (outside a transaction) also marks the new pages all-visible, for index-only scans.
    with db.engine.connect() as autocommit:
        autocommit = autocommit.execution_options(isolation_level="AUTOCOMMIT")
        for model in (CatalogueItem, ComponentGroup, Component, Prerequisite, ItemArea,
                      ItemRole, ItemCoverage):
            autocommit.execute(text(f"VACUUM ANALYZE {model.__tablename__}"))


def _zipf_cumulative(n: int, offset: float = 10.0) -> list[float]:
    """Cumulative Zipf-Mandelbrot weights: rank r is drawn in proportion to 1 / (r + offset)."""
    return list(itertools.accumulate(1.0 / (rank + offset) for rank in range(1, n + 1)))


class _Plan:
    """The rows to insert, made in memory from one random generator."""

    def __init__(self, rng: random.Random, qualifications: int, modules: int):
        self.rng, self.n_quals, self.n_modules = rng, qualifications, modules
        self.items: list[dict] = []
        self.groups: list[dict] = []
        self.components: list[dict] = []
        self.prerequisites: list[dict] = []
        self.item_areas: list[dict] = []
        self.item_roles: list[dict] = []

    def build(self) -> dict[str, int]:
        self.first_id = _first_free_id(CatalogueItem)
        self.next_group_id = _first_free_id(ComponentGroup)
        self.area_ids = list(db.session.scalars(
            select(CommonCoreArea.id).order_by(CommonCoreArea.number)))
        self.role_ids = list(db.session.scalars(select(JobRole.id).order_by(JobRole.id)))
        codes = self.rng.sample(range(max(400_000, self.n_modules + self.n_quals)),
                                self.n_modules + self.n_quals)
        self.module_ids = [self._add_module(i, codes[i]) for i in range(self.n_modules)]
        self.quals = [self._add_qualification(i, codes[self.n_modules + i])
                      for i in range(self.n_quals)]
        self._add_components()
        self._add_prerequisites()
        self._add_roles()
        self._renumber()
        return {"qualifications": self.n_quals, "modules": self.n_modules,
                "components": len(self.components), "optional groups": len(self.groups),
                "prerequisites": len(self.prerequisites),
                "item areas": len(self.item_areas), "item roles": len(self.item_roles)}

    def _renumber(self) -> None:
        """Give ids in the order a catalogue grows: shared modules, then each qualification
        after its own new units, so neither kind sits at the end of the table."""
        popular = set(self.module_ids[:self._popular_size()])
        children: dict[int, list[int]] = {}
        for row in self.components:
            children.setdefault(row["parent_id"], []).append(row["child_id"])
        order = dict.fromkeys(self.module_ids[:self._popular_size()])
        for qual in self.quals:
            order.update(dict.fromkeys(c for c in children.get(qual.id, []) if c not in popular))
            order[qual.id] = None
        order.update(dict.fromkeys(self.module_ids))
        new_id = {old: self.first_id + n for n, old in enumerate(order)}
        for row in self.items:
            row["id"] = new_id[row["id"]]
        self.items.sort(key=lambda row: row["id"])
        for rows, keys in ((self.components, ("parent_id", "child_id")),
                           (self.groups, ("item_id",)),
                           (self.prerequisites, ("item_id", "required_id")),
                           (self.item_areas, ("item_id",)), (self.item_roles, ("item_id",))):
            for row in rows:
                for key in keys:
                    row[key] = new_id[row[key]]

    # --- items ------------------------------------------------------------------------------

    def _item_row(self, item_id: int, stable_id: str, title: str, **fields) -> dict:
        rng = self.rng
        start = date(2008, 1, 1) + timedelta(days=rng.randrange(16 * 365))
        status, end, cert_end = ItemStatus.CURRENT, None, None
        roll = rng.random()
        if roll < 0.05:
            status = ItemStatus.WITHDRAWN
            end = start + timedelta(days=rng.randrange(365, 6 * 365))
            cert_end = end + timedelta(days=3 * 365)
        elif roll < 0.10:
            status, end = ItemStatus.CLOSED, start + timedelta(days=rng.randrange(365, 8 * 365))
        elif roll < 0.15:
            end = start + timedelta(days=rng.randrange(365, 8 * 365))  # past: closed by date
        changed = EPOCH + timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
        row = {"id": item_id, "stable_id": stable_id, "title": title, "is_key": False,
               "learning_hours": None, "operational_start": start, "operational_end": end,
               "certification_end": cert_end, "status": status, "notes": NOTES,
               "source": SOURCE, "source_url": "", "created_at": changed, "updated_at": changed,
               **fields}
        row["search_text"] = search_text_of(SimpleNamespace(**row))
        self.items.append(row)
        return item_id

    def _level(self) -> int:
        return self.rng.choices(LEVELS, LEVEL_WEIGHTS)[0]

    def _fill(self, template: str) -> str:
        return template.format(a=self.rng.choice(ART_FORMS), p=self.rng.choice(PHASES))

    def _module_title(self, popular: bool) -> tuple[str, int | None]:
        rng = self.rng
        if rng.random() < (0.6 if popular else 0.2):
            topic, area = rng.choice(CORE_TOPICS)
        else:
            topic, area = rng.choice(PRACTICE_TOPICS), None
        title = rng.choice(OPENINGS) + self._fill(topic)
        if "{" not in topic:
            title += self._fill(rng.choice(ENDINGS))
        return title, area

    def _add_module(self, index: int, code: int) -> int:
        rng = self.rng
        title, area = self._module_title(popular=index < self._popular_size())
        credits = rng.choice([1, 2, 3, 3, 4, 4, 5, 6, 8, 10, 12, 15])
        item_id = self._item_row(
            self.first_id + index, f"{PREFIX}M{index + 1:06d}", title, is_qualification=False,
            item_type="Unit", accrediting_body=rng.choice(BODIES), level=self._level(),
            unit_code=f"{rng.choice(CODE_LETTERS)}/{600 + code // 10_000}/{code % 10_000:04d}",
            reference_number=None, credits=credits, guided_learning_hours=credits * 7,
            total_qualification_time=credits * 10)
        self._add_areas(item_id, area)
        return item_id

    def _add_areas(self, item_id: int, area: int | None) -> None:
        """About 40% of modules deliver Common Core areas: by topic, or judged at random."""
        numbers = {area} if area else set()
        if not numbers and self.rng.random() < 0.22:
            numbers.add(self.rng.randint(1, 6))
        if numbers and self.rng.random() < 0.15:
            numbers.add(self.rng.randint(1, 6))
        for number in sorted(numbers):
            if number <= len(self.area_ids):
                self.item_areas.append({"item_id": item_id,
                                        "area_id": self.area_ids[number - 1]})

    def _qualification_title(self, level: int, kind: str, body: str) -> str:
        """As registers name them: often the awarding body first, sometimes no level."""
        rng = self.rng
        subject = self._fill(rng.choice(ACTIVITIES))
        if rng.random() < 0.6:
            subject += f" for {rng.choice(PHASES)}"
        roll = rng.random()
        if roll < 0.45:
            return f"{body} Level {level} {kind} in {subject}"
        if roll < 0.85:
            return f"Level {level} {kind} in {subject}"
        return f"{kind} in {subject}"

    def _add_qualification(self, index: int, code: int) -> SimpleNamespace:
        rng = self.rng
        level = max(1, self._level())
        kind, item_type, low, high = rng.choices(KINDS, KIND_WEIGHTS)[0]
        body = rng.choice(BODIES)
        credits = rng.randint(low, high)
        item_id = self._item_row(
            self.first_id + self.n_modules + index, f"{PREFIX}Q{index + 1:06d}",
            self._qualification_title(level, kind, body), is_qualification=True,
            is_key=rng.random() < 0.03, item_type=item_type, accrediting_body=body,
            level=level, unit_code=None,
            reference_number=f"{600 + code // 10_000}/{code % 10_000:04d}/{code % 7}",
            credits=credits, guided_learning_hours=credits * 6,
            total_qualification_time=credits * 10)
        return SimpleNamespace(id=item_id, level=level)

    # --- structure --------------------------------------------------------------------------

    def _popular_size(self) -> int:
        return max(1, self.n_modules // 20)

    def _add_components(self) -> None:
        """8-15 components each: ~40% drawn Zipf-like from a popular pool, the rest fresh."""
        rng, popular = self.rng, self._popular_size()
        cumulative = _zipf_cumulative(popular)
        fresh = itertools.cycle(range(popular, self.n_modules) or range(self.n_modules))
        for qual in self.quals:
            wanted = rng.randint(8, 15)
            chosen: dict[int, None] = {}
            for _ in range(wanted * 4 // 10):
                rank = bisect.bisect(cumulative, rng.random() * cumulative[-1])
                chosen[self.module_ids[min(rank, popular - 1)]] = None
            while len(chosen) < min(wanted, self.n_modules):
                chosen[self.module_ids[next(fresh)]] = None
            self._place_components(qual, list(chosen))

    def _place_components(self, qual: SimpleNamespace, children: list[int]) -> None:
        """Mandatory first; a third of qualifications end with one or two optional groups."""
        rng = self.rng
        groups = rng.choice([0, 0, 1, 2]) if len(children) >= 6 else 0
        optional = rng.randint(2 * groups, 3 * groups) if groups else 0
        members = [children[len(children) - optional:][g::groups] for g in range(groups)]
        for position, child in enumerate(children[:len(children) - optional]):
            self.components.append({"parent_id": qual.id, "child_id": child,
                                    "mandatory": True, "group_id": None,
                                    "position": position})
        position = len(children) - optional
        for g, group_children in enumerate(members):
            group_id = self._add_group(qual.id, g)
            for child in group_children:
                self.components.append({"parent_id": qual.id, "child_id": child,
                                        "mandatory": False, "group_id": group_id,
                                        "position": position})
                position += 1

    def _add_group(self, item_id: int, position: int) -> int:
        group_id = self.next_group_id
        self.next_group_id += 1
        rng = self.rng
        self.groups.append({
            "id": group_id, "item_id": item_id, "position": position,
            "name": ["Optional units", "Art form specialism", "Setting specialism"][position % 3]
            if position else "Optional units",
            "min_credits": rng.choice([None, 5, 10, 15, 20]),
            "min_components": rng.choice([None, 1, 2])})
        return group_id

    def _add_prerequisites(self) -> None:
        """Chains of two to four qualifications, each step going up a level: never a cycle."""
        rng = self.rng
        by_level: dict[int, list[int]] = {}
        for qual in self.quals:
            by_level.setdefault(qual.level, []).append(qual.id)
        levels = sorted(by_level)
        pairs: set[tuple[int, int]] = set()
        for _ in range(max(1, self.n_quals // 40)):
            start = rng.randrange(len(levels))
            steps = levels[start:start + rng.randint(2, 4)]
            chain = [rng.choice(by_level[level]) for level in steps]
            pairs.update((higher, lower) for lower, higher in itertools.pairwise(chain))
        self.prerequisites = [{"item_id": higher, "required_id": lower}
                              for higher, lower in sorted(pairs)]

    def _add_roles(self) -> None:
        """One to three roles per qualification, some roles far more common than others; about
        one link in six marks the qualification key for that role."""
        if not self.role_ids:
            return
        rng = self.rng
        cumulative = _zipf_cumulative(len(self.role_ids), offset=5.0)
        order = rng.sample(self.role_ids, len(self.role_ids))
        for qual in self.quals:
            picked = {order[min(bisect.bisect(cumulative, rng.random() * cumulative[-1]),
                                len(order) - 1)] for _ in range(rng.randint(1, 3))}
            self.item_roles.extend({"item_id": qual.id, "job_role_id": role,
                                    "is_key": rng.random() < KEY_FOR_ROLE_SHARE}
                                   for role in sorted(picked))
