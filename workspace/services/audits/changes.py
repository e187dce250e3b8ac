"""The change record of an audit: every change to its settings, provision and needs, field by
field, for its leads. A children figure that the edit forms hide (a vulnerable group's, or a
small one) is recorded as changed, never with its values."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from workspace.extensions import db
from workspace.models import User
from workspace.models.audits import Audit, AuditChange, Need, Provision

FIGURES = ("Children in the need", "Children reached")


def _text(value) -> str:
    if value is None:
        return ""
    return getattr(value, "label", None) or str(value)


def audit_snapshot(audit: Audit) -> dict[str, str]:
    return {"Title": audit.title, "Period starts": _text(audit.period_start),
            "Period ends": _text(audit.period_end), "Area": audit.area,
            "Threshold": _text(audit.suppression_threshold), "Status": _text(audit.status)}


def need_snapshot(need: Need) -> dict[str, str]:
    return {"Target group": need.target_group.name if need.target_group else "All children",
            "Age phase": _text(need.phase), "Art form": _text(need.art_form),
            "Ward": need.ward, "Setting": need.setting, "Priority": _text(need.priority),
            "Children in the need": _text(need.children),
            "Role": need.job_role.name if need.job_role else "",
            "Description": need.description,
            "Respondent": need.respondent_name, "Organisation": need.respondent_organisation,
            "Email": need.respondent_email}


def provision_snapshot(provision: Provision) -> dict[str, str]:
    return {"Provider": provision.provider_name, "Activity": provision.activity,
            "Art form": _text(provision.art_form), "Age phase": _text(provision.phase),
            "Target groups": "; ".join(g.name for g in provision.groups) or "All children",
            "Ward": provision.ward, "Setting": provision.setting,
            "Children reached": _text(provision.children_reached),
            "Settings reached": _text(provision.settings_reached),
            "Cost (pence)": _text(provision.cost_pence),
            "Funding source": provision.funding_source, "Notes": provision.notes,
            "Qualifications": "; ".join(q.stable_id for q in provision.qualifications)}


def _add(audit: Audit, actor: User | None, record: str, record_id: int, action: str,
         **values) -> None:
    db.session.add(AuditChange(partnership_id=audit.partnership_id, audit_id=audit.id,
                               actor_id=actor.id if actor else None, record=record,
                               record_id=record_id, action=action, **values))


def log_added(audit: Audit, actor: User | None, record: str, record_id: int) -> None:
    _add(audit, actor, record, record_id, "added")


def log_deleted(audit: Audit, actor: User | None, record: str, record_id: int) -> None:
    _add(audit, actor, record, record_id, "deleted")


def log_changes(audit: Audit, actor: User | None, record: str, record_id: int,
                before: dict[str, str], after: dict[str, str], private: bool = False) -> None:
    """A row per field that differs; the children figure's values withheld when `private`."""
    for name, old in before.items():
        new = after[name]
        if old == new:
            continue
        hidden = private and name in FIGURES
        _add(audit, actor, record, record_id, "changed", field=name, hidden=hidden,
             old="" if hidden else old, new="" if hidden else new)


RECORD_KINDS = {"audit": "Audit settings", "provision": "Provision", "need": "Needs"}
PER_PAGE = 100


@dataclass
class ChangePage:
    changes: list[AuditChange]
    total: int  # changes that match the filters
    page: int
    pages: int
    people: list[User]  # everyone who made a change to the audit, for the filter


def list_changes(audit: Audit, *, record: str | None = None, actor_id: int | None = None,
                 page: int = 1, per_page: int | None = None) -> list[AuditChange]:
    """The audit's changes, newest first: of one kind of record and one person when given,
    one page of `per_page` when given (else all)."""
    query = _filtered(audit, record, actor_id).options(selectinload(AuditChange.actor)) \
        .order_by(AuditChange.at.desc(), AuditChange.id.desc())
    if per_page:
        query = query.offset((max(page, 1) - 1) * per_page).limit(per_page)
    return list(db.session.scalars(query))


def change_page(audit: Audit, *, record: str | None = None, actor_id: int | None = None,
                page: int = 1) -> ChangePage:
    record = record if record in RECORD_KINDS else None
    total = db.session.scalar(select(func.count()).select_from(
        _filtered(audit, record, actor_id).subquery()))
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    people = list(db.session.scalars(
        select(User).where(User.id.in_(select(AuditChange.actor_id).where(
            AuditChange.audit_id == audit.id))).order_by(User.name)))
    return ChangePage(list_changes(audit, record=record, actor_id=actor_id, page=page,
                                   per_page=PER_PAGE), total, page, pages, people)


def _filtered(audit: Audit, record: str | None, actor_id: int | None):
    query = select(AuditChange).where(AuditChange.audit_id == audit.id)
    if record:
        query = query.where(AuditChange.record == record)
    if actor_id:
        query = query.where(AuditChange.actor_id == actor_id)
    return query
