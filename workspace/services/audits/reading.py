"""An audit's needs and provision read as plain rows, for the pages that show or count them
all (gap view, report, lists, CSV): a few queries and no ORM objects per record, which at
thousands of records cost more than every figure worked out from them.

A row has the attributes of its model that those pages read (columns, and the target groups,
job role and qualifications as the shared objects they name); it is not tracked by the
session: edit through the model (services.audits.records)."""

from collections import defaultdict
from dataclasses import dataclass, field, fields

from sqlalchemy import select

from workspace.extensions import db
from workspace.models import CatalogueItem
from workspace.models.audits import (
    AgePhase,
    ArtForm,
    Audit,
    Need,
    NeedSource,
    Priority,
    Provision,
    ProvisionGroup,
    ProvisionQualification,
    TargetGroup,
)
from workspace.models.catalogue import JobRole


@dataclass(slots=True)
class NeedRow:
    id: int
    source: NeedSource
    respondent_name: str
    respondent_organisation: str
    target_group_id: int | None
    phase: AgePhase
    art_form: ArtForm
    ward: str
    setting: str
    priority: Priority
    children: int | None
    job_role_id: int | None
    description: str
    target_group: TargetGroup | None = None
    job_role: JobRole | None = None


@dataclass(slots=True)
class ProvisionRow:
    id: int
    organisation_id: int | None
    provider_name: str
    activity: str
    art_form: ArtForm
    phase: AgePhase
    ward: str
    setting: str
    children_reached: int
    settings_reached: int
    cost_pence: int | None
    funding_source: str
    groups: list[TargetGroup] = field(default_factory=list)
    qualifications: list[CatalogueItem] = field(default_factory=list)


def _columns(row_type, model) -> list:
    table = model.__table__
    return [table.c[f.name] for f in fields(row_type) if f.name in table.c]


def _core(statement) -> list:
    """Rows of plain columns, without the ORM's per-row work (the session's connection, so
    in its transaction)."""
    return db.session.connection().execute(statement).all()


def read_needs(audit: Audit, groups: dict[int, TargetGroup]) -> list[NeedRow]:
    """The audit's needs in ward order; `groups` are the partnership's target groups by id."""
    rows = _core(
        select(*_columns(NeedRow, Need)).where(Need.audit_id == audit.id)
        .order_by(Need.ward, Need.created_at, Need.id))
    roles = {r.id: r for r in db.session.scalars(select(JobRole).where(JobRole.id.in_(
        select(Need.job_role_id).where(Need.audit_id == audit.id))))}
    needs = [NeedRow(*row) for row in rows]
    for need in needs:
        need.target_group = groups.get(need.target_group_id)
        need.job_role = roles.get(need.job_role_id)
    return needs


def read_provision(audit: Audit, groups: dict[int, TargetGroup]) -> list[ProvisionRow]:
    """The audit's provision in ward order, each with its target groups and qualifications."""
    rows = _core(
        select(*_columns(ProvisionRow, Provision)).where(Provision.audit_id == audit.id)
        .order_by(Provision.ward, Provision.provider_name, Provision.id))
    provision = [ProvisionRow(*row) for row in rows]
    in_audit = select(Provision.id).where(Provision.audit_id == audit.id)
    group_ids = defaultdict(list)
    for provision_id, group_id in _core(
            select(ProvisionGroup.provision_id, ProvisionGroup.target_group_id)
            .where(ProvisionGroup.provision_id.in_(in_audit))):
        group = groups.get(group_id) or db.session.get(TargetGroup, group_id)
        group_ids[provision_id].append(group)
    items = defaultdict(list)
    for provision_id, item in db.session.execute(
            select(ProvisionQualification.provision_id, CatalogueItem)
            .join(CatalogueItem, CatalogueItem.id == ProvisionQualification.catalogue_item_id)
            .where(ProvisionQualification.provision_id.in_(in_audit))):
        items[provision_id].append(item)
    for p in provision:
        found = group_ids.get(p.id, [])
        p.groups = sorted(found, key=lambda g: (g.position, g.id)) if len(found) > 1 else found
        p.qualifications = items.get(p.id, [])
    return provision
