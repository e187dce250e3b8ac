"""The shared qualifications catalogue: one list of items (qualifications and modules),
their components, pre-requirements, roles and clusters, and the six Common Core areas."""

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workspace.clock import utcnow
from workspace.extensions import db
from workspace.models.accounts import User
from workspace.models.base import UTCDateTime, value_enum

LEVEL_LABELS = {0: "Entry", **{n: f"Level {n}" for n in range(1, 9)}}


class ItemStatus(enum.Enum):
    CURRENT = "current"
    CLOSED = "closed"  # closed to new learners
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {"current": "Current", "closed": "Closed to new learners",
                "withdrawn": "Withdrawn"}[self.value]


class CatalogueItem(db.Model):
    """A qualification or a module: both live in one list (SHU Table 5.1)."""

    __tablename__ = "catalogue_item"
    __table_args__ = (
        CheckConstraint("level IS NULL OR (level >= 0 AND level <= 8)", name="level_range"),
        Index("ix_catalogue_item_title", "title"),
        Index("ix_catalogue_item_level_title", "level", "title"),
        # A filter's matches in title order, for a page of many.
        Index("ix_catalogue_item_is_qualification_title", "is_qualification", "title"),
        Index("ix_catalogue_item_item_type_title", "item_type", "title"),
        Index("ix_catalogue_item_accrediting_body_title", "accrediting_body", "title"),
        # The editor's dashboard counts qualifications by level and status from this alone.
        Index("ix_catalogue_item_is_qualification_level_status", "is_qualification", "level",
              "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stable_id: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    # Lower-case title and codes, kept in step by the listener below; the full-text index
    # (FTS5 trigram on SQLite, pg_trgm on PostgreSQL, made by the migrations) searches it.
    search_text: Mapped[str] = mapped_column(String(420), default="")
    is_qualification: Mapped[bool] = mapped_column(Boolean, default=False)
    is_key: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    item_type: Mapped[str] = mapped_column(String(80), default="")
    accrediting_body: Mapped[str] = mapped_column(String(200), default="")
    level: Mapped[int | None] = mapped_column(SmallInteger, index=True)
    learning_hours: Mapped[int | None] = mapped_column(Integer)
    unit_code: Mapped[str | None] = mapped_column(String(60), index=True)
    reference_number: Mapped[str | None] = mapped_column(String(40), index=True)
    credits: Mapped[int | None] = mapped_column(Integer)
    guided_learning_hours: Mapped[int | None] = mapped_column(Integer)
    total_qualification_time: Mapped[int | None] = mapped_column(Integer)
    operational_start: Mapped[date | None] = mapped_column(Date)
    operational_end: Mapped[date | None] = mapped_column(Date)
    certification_end: Mapped[date | None] = mapped_column(Date)
    status: Mapped[ItemStatus] = mapped_column(
        value_enum(ItemStatus, "item_status"),
        default=ItemStatus.CURRENT, index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    entry_requirements: Mapped[str] = mapped_column(Text, default="", server_default="")
    progression: Mapped[str] = mapped_column(Text, default="", server_default="")
    source: Mapped[str] = mapped_column(Text, default="")
    source_url: Mapped[str] = mapped_column(String(500), default="")
    # For items the seed content owns: the values as last loaded (JSON), so that a newer pack
    # updates what editors left alone and keeps what they changed.
    seed_values: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow,
                                                 index=True)

    components: Mapped[list["Component"]] = relationship(
        foreign_keys="Component.parent_id", back_populates="parent",
        cascade="all, delete-orphan", order_by="Component.position")
    groups: Mapped[list["ComponentGroup"]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="ComponentGroup.position")
    facts: Mapped[list["ItemFact"]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="ItemFact.position")

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.level, "Level not recorded") if self.level is not None \
            else "Level not recorded"

    def effective_status(self, today: date) -> ItemStatus:
        """Current items whose operational end date has passed are closed to new learners."""
        if self.status == ItemStatus.CURRENT and self.operational_end and \
                self.operational_end < today:
            return ItemStatus.CLOSED
        return self.status


def search_text_of(item: CatalogueItem) -> str:
    parts = [item.title, item.unit_code or "", item.reference_number or "", item.stable_id]
    return " ".join(p for p in parts if p).lower()[:420]


@event.listens_for(CatalogueItem, "before_insert")
@event.listens_for(CatalogueItem, "before_update")
def _keep_search_text(_mapper, _connection, item: CatalogueItem) -> None:
    item.search_text = search_text_of(item)


# Search objects that the migrations create outside the models; `flask db check` skips them.
SEARCH_OBJECTS = {"catalogue_item_fts", "catalogue_item_fts_data", "catalogue_item_fts_idx",
                  "catalogue_item_fts_content", "catalogue_item_fts_docsize",
                  "catalogue_item_fts_config", "ix_catalogue_item_search_trgm"}


class ItemFact(db.Model):
    """A fact about an item in its source's own words (a month, a range of hours, a level with
    its framework), with the addresses it came from, one per line."""

    __tablename__ = "item_fact"
    __table_args__ = (UniqueConstraint("item_id", "field"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("catalogue_item.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(Text)
    sources: Mapped[str] = mapped_column(Text, default="", server_default="")
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    item: Mapped[CatalogueItem] = relationship(back_populates="facts")

    @property
    def source_list(self) -> list[str]:
        return [line for line in self.sources.splitlines() if line.strip()]


class ComponentGroup(db.Model):
    """An optional group in a qualification's rules of combination."""

    __tablename__ = "component_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("catalogue_item.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    min_credits: Mapped[int | None] = mapped_column(Integer)
    min_components: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)

    item: Mapped[CatalogueItem] = relationship(back_populates="groups")


class Component(db.Model):
    """An item that forms part of another: mandatory, or optional within a group."""

    __tablename__ = "component"
    __table_args__ = (UniqueConstraint("parent_id", "child_id"),
                      CheckConstraint("parent_id <> child_id", name="not_self"))

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(
        ForeignKey("catalogue_item.id", ondelete="CASCADE"), index=True)
    child_id: Mapped[int] = mapped_column(
        ForeignKey("catalogue_item.id", ondelete="CASCADE"), index=True)
    mandatory: Mapped[bool] = mapped_column(Boolean, default=True)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("component_group.id", ondelete="SET NULL"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    parent: Mapped[CatalogueItem] = relationship(foreign_keys=[parent_id],
                                                 back_populates="components")
    child: Mapped[CatalogueItem] = relationship(foreign_keys=[child_id])
    group: Mapped[ComponentGroup | None] = relationship()


class Prerequisite(db.Model):
    """`required` must be held before `item` is taken."""

    __tablename__ = "prerequisite"
    __table_args__ = (UniqueConstraint("item_id", "required_id"),
                      CheckConstraint("item_id <> required_id", name="not_self"))

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("catalogue_item.id", ondelete="CASCADE"), index=True)
    required_id: Mapped[int] = mapped_column(
        ForeignKey("catalogue_item.id", ondelete="CASCADE"), index=True)

    item: Mapped[CatalogueItem] = relationship(foreign_keys=[item_id])
    required: Mapped[CatalogueItem] = relationship(foreign_keys=[required_id])


class CommonCoreArea(db.Model):
    """One of the six areas of the Common Core of Skills and Knowledge."""

    __tablename__ = "common_core_area"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(SmallInteger, unique=True)
    title: Mapped[str] = mapped_column(String(200))


class Basis(enum.Enum):
    """What a mapping rests on: a source that says so, or the catalogue editors' judgement."""

    SOURCE = "source"
    EDITORIAL = "editorial"

    @property
    def label(self) -> str:
        return {"source": "Stated by a source",
                "editorial": "Catalogue editors' judgement"}[self.value]


class ItemArea(db.Model):
    """A judgement of one Common Core area for an item: covered, or judged not covered.

    No row means the area is not yet judged for the item, which is never a gap."""

    __tablename__ = "item_area"
    __table_args__ = (UniqueConstraint("item_id", "area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("catalogue_item.id", ondelete="CASCADE"), index=True)
    area_id: Mapped[int] = mapped_column(
        ForeignKey("common_core_area.id", ondelete="CASCADE"), index=True)
    covered: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    basis: Mapped[Basis] = mapped_column(value_enum(Basis, "mapping_basis"),
                                         default=Basis.EDITORIAL,
                                         server_default=Basis.EDITORIAL.value)
    basis_text: Mapped[str] = mapped_column(Text, default="", server_default="")


class ClusterSet(db.Model):
    """A way of grouping roles into clusters (e.g. the SSC clusters of SHU Annexe 1)."""

    __tablename__ = "cluster_set"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    source: Mapped[str] = mapped_column(Text, default="")

    clusters: Mapped[list["Cluster"]] = relationship(
        back_populates="cluster_set", cascade="all, delete-orphan", order_by="Cluster.position")


class Cluster(db.Model):
    __tablename__ = "cluster"
    __table_args__ = (UniqueConstraint("cluster_set_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_set_id: Mapped[int] = mapped_column(
        ForeignKey("cluster_set.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)

    cluster_set: Mapped[ClusterSet] = relationship(back_populates="clusters")
    roles: Mapped[list["JobRole"]] = relationship(
        secondary="cluster_role", back_populates="clusters", order_by="JobRole.name")


class JobRole(db.Model):
    """A job role in the children and young people's workforce."""

    __tablename__ = "job_role"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    source: Mapped[str] = mapped_column(Text, default="", server_default="")  # a URL a line
    # Qualifications counted for the role by SHU Annexe 3, for comparison with the catalogue.
    reference_count: Mapped[int | None] = mapped_column(Integer)

    clusters: Mapped[list[Cluster]] = relationship(
        secondary="cluster_role", back_populates="roles")


class ClusterRole(db.Model):
    __tablename__ = "cluster_role"
    __table_args__ = (UniqueConstraint("cluster_id", "job_role_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_id: Mapped[int] = mapped_column(
        ForeignKey("cluster.id", ondelete="CASCADE"), index=True)
    job_role_id: Mapped[int] = mapped_column(
        ForeignKey("job_role.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ItemRole(db.Model):
    """A qualification attached to a job role: named for it by a source, or suggested by the
    catalogue editors."""

    __tablename__ = "item_role"
    __table_args__ = (UniqueConstraint("item_id", "job_role_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("catalogue_item.id", ondelete="CASCADE"), index=True)
    job_role_id: Mapped[int] = mapped_column(
        ForeignKey("job_role.id", ondelete="CASCADE"), index=True)
    basis: Mapped[Basis] = mapped_column(value_enum(Basis, "role_basis"),
                                         default=Basis.EDITORIAL,
                                         server_default=Basis.EDITORIAL.value)
    # A key qualification of this role: its Common Core coverage is what the role's gaps are
    # judged by. An item flagged key for the whole catalogue (CatalogueItem.is_key) is key for
    # every role it is attached to; this flag makes it key for this role alone.
    is_key: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())

    item: Mapped["CatalogueItem"] = relationship()
    job_role: Mapped["JobRole"] = relationship()


class CatalogueChange(db.Model):
    """Who changed what in the catalogue, and when."""

    __tablename__ = "catalogue_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("catalogue_item.id", ondelete="SET NULL"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    actor: Mapped[User | None] = relationship()
    item: Mapped[CatalogueItem | None] = relationship()


class ItemCoverage(db.Model):
    """An item's Common Core coverage with all its components, however deep: the two masks of
    `services.catalogue.coverage` (areas covered, areas judged by every part), stored so that
    analysis reads them rather than walking the components. That module keeps the rows in
    step on every flush and computes them afresh with `refresh_all`. An item without a row
    has nothing judged in it or in its components (both masks 0)."""

    __tablename__ = "item_coverage"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("catalogue_item.id", ondelete="CASCADE"), primary_key=True)
    covered: Mapped[int] = mapped_column(SmallInteger)
    judged: Mapped[int] = mapped_column(SmallInteger)
