"""Provision audits: audits and their status, target groups, provision, needs, and the token
behind the needs form that schools answer without an account."""

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload, subqueryload

from workspace.exceptions import DomainError, NotFound
from workspace.extensions import db
from workspace.models import CatalogueItem, Organisation, Partnership, User
from workspace.models.audits import (
    AgePhase,
    ArtForm,
    Audit,
    AuditStatus,
    Need,
    NeedSource,
    Priority,
    Provision,
    TargetGroup,
    new_audit_token,
)
from workspace.models.catalogue import JobRole
from workspace.services import disclosure
from workspace.services.audits import changes
from workspace.services.partnerships.membership import get_owned

DEFAULT_GROUPS = [("SEND", True), ("Looked-after children", True), ("EAL", False),
                  ("Disadvantaged", False)]
ALL_CHILDREN = "All children and young people"
TOKEN_DAYS = 30
MAX_CHILDREN = 1_000_000

# Status changes a lead may make: draft -> collecting -> closed, and reopening a closed audit.
TRANSITIONS = {
    AuditStatus.DRAFT: {AuditStatus.COLLECTING},
    AuditStatus.COLLECTING: {AuditStatus.CLOSED},
    AuditStatus.CLOSED: {AuditStatus.COLLECTING},
}


class Keep(enum.Enum):
    """On update, a children figure of KEEP leaves the stored figure as it is: the edit forms
    do not show a stored figure that is small or about a vulnerable group."""

    KEEP = "keep"


KEEP = Keep.KEEP


def hides_stored_figure(audit: Audit, value: int | None, vulnerable: bool) -> bool:
    """Whether a record's stored children figure stays hidden once entered (out of its edit
    form's field, and out of the change record): a vulnerable group's, or one under the
    audit's threshold."""
    if value is None:
        return False
    return vulnerable or disclosure.small(
        value, disclosure.threshold_of(audit.suppression_threshold))


def _check_kept_figure(kept: bool, was_vulnerable: bool, vulnerable: bool, field: str) -> None:
    """A hidden figure of a vulnerable group is not carried to a group that is not: it would
    show on the next edit form. The record moves only with a figure entered again."""
    if kept and was_vulnerable and not vulnerable:
        raise DomainError("A vulnerable group's figure does not move to another group: enter "
                          "the number of children again, or 0 if none.", field=field)


# --- places ---------------------------------------------------------------------------------


def clean_place(text: str) -> str:
    """Whitespace collapsed, as stored."""
    return " ".join((text or "").split())  # str.split's whitespace is the regex's \s


def place_key(text: str) -> str:
    """The key two spellings of one ward share: whitespace and case do not count."""
    return clean_place(text).casefold()


def list_wards(audit: Audit) -> list[str]:
    """The wards already used in the audit (provision and needs), one spelling each."""
    names = list(db.session.scalars(select(Provision.ward).where(Provision.audit_id == audit.id)))
    names += db.session.scalars(select(Need.ward).where(Need.audit_id == audit.id))
    wards: dict[str, str] = {}
    for name in names:
        wards.setdefault(place_key(name), clean_place(name))
    return sorted(wards.values(), key=str.casefold)


def _canonical_ward(audit: Audit, ward: str) -> str:
    """The audit's existing spelling of the ward, so that names match; else the cleaned text."""
    ward = clean_place(ward)
    if not ward:
        raise DomainError("Enter the ward.", field="ward")
    for known in list_wards(audit):
        if place_key(known) == place_key(ward):
            return known
    return ward


# --- target groups --------------------------------------------------------------------------


def list_target_groups(partnership: Partnership) -> list[TargetGroup]:
    return list(db.session.scalars(select(TargetGroup).where(
        TargetGroup.partnership_id == partnership.id).order_by(TargetGroup.position,
                                                                TargetGroup.id)))


def ensure_target_groups(partnership: Partnership) -> None:
    """Give the partnership the default groups it lacks (flushes; the caller commits)."""
    known = {g.name.casefold() for g in list_target_groups(partnership)}
    for position, (name, vulnerable) in enumerate(DEFAULT_GROUPS):
        if name.casefold() not in known:
            db.session.add(TargetGroup(partnership_id=partnership.id, name=name,
                                       vulnerable=vulnerable, position=position))
    db.session.flush()


def add_target_group(partnership: Partnership, name: str, vulnerable: bool) -> TargetGroup:
    name = clean_place(name)
    if not name:
        raise DomainError("Enter the group's name.", field="name")
    ensure_target_groups(partnership)
    groups = list_target_groups(partnership)
    if name.casefold() in {g.name.casefold() for g in groups} or \
            name.casefold() == ALL_CHILDREN.casefold():
        raise DomainError(f"There is already a group called {name}.", field="name")
    group = TargetGroup(partnership_id=partnership.id, name=name, vulnerable=vulnerable,
                        position=max((g.position for g in groups), default=0) + 1)
    db.session.add(group)
    db.session.commit()
    return group


def find_target_group(partnership: Partnership, name: str) -> TargetGroup | None:
    key = clean_place(name).casefold()
    return next((g for g in list_target_groups(partnership) if g.name.casefold() == key), None)


# --- audits ---------------------------------------------------------------------------------


@dataclass
class AuditFields:
    title: str
    period_start: date
    period_end: date
    area: str = ""
    suppression_threshold: int = 5


def _check_audit(fields: AuditFields, minimum_threshold: int) -> None:
    if not fields.title.strip():
        raise DomainError("Enter a title.", field="title")
    if fields.period_end < fields.period_start:
        raise DomainError("The period must end on or after its start.", field="period_end")
    floor = max(minimum_threshold, disclosure.MINIMUM_THRESHOLD)
    if fields.suppression_threshold < floor:
        raise DomainError(f"The threshold cannot be lower than {floor}.",
                          field="suppression_threshold")


def create_audit(partnership: Partnership, creator: User, fields: AuditFields, *,
                 minimum_threshold: int) -> Audit:
    _check_audit(fields, minimum_threshold)
    ensure_target_groups(partnership)
    audit = Audit(partnership_id=partnership.id, title=fields.title.strip(),
                  period_start=fields.period_start, period_end=fields.period_end,
                  area=fields.area.strip(), suppression_threshold=fields.suppression_threshold,
                  status=AuditStatus.DRAFT, created_by_id=creator.id)
    db.session.add(audit)
    db.session.flush()
    changes.log_added(audit, creator, "audit", audit.id)
    db.session.commit()
    return audit


def update_audit(audit: Audit, fields: AuditFields, *, minimum_threshold: int,
                 actor: User | None = None) -> None:
    """Save the audit's settings. The threshold only goes up: lowering it would publish
    figures that were hidden, and moving it to and fro would be a way of probing them."""
    _check_audit(fields, minimum_threshold)
    if fields.suppression_threshold < audit.suppression_threshold:
        raise DomainError(f"The threshold can only go up (it is {audit.suppression_threshold}"
                          "): lowering it would show figures that were hidden.",
                          field="suppression_threshold")
    before = changes.audit_snapshot(audit)
    audit.title = fields.title.strip()
    audit.period_start, audit.period_end = fields.period_start, fields.period_end
    audit.area = fields.area.strip()
    audit.suppression_threshold = fields.suppression_threshold
    changes.log_changes(audit, actor, "audit", audit.id, before, changes.audit_snapshot(audit))
    db.session.commit()


def list_audits(partnership: Partnership) -> list[Audit]:
    return list(db.session.scalars(select(Audit).where(
        Audit.partnership_id == partnership.id).order_by(Audit.period_start.desc(),
                                                          Audit.id.desc())))


def get_audit(partnership: Partnership, audit_id: int) -> Audit:
    return get_owned(Audit, partnership, audit_id)


def delete_audit(audit: Audit) -> None:
    db.session.delete(audit)
    db.session.commit()


def audit_counts(audit: Audit) -> dict[str, int]:
    return {"provision": db.session.scalar(select(func.count(Provision.id)).where(
                Provision.audit_id == audit.id)) or 0,
            "needs": db.session.scalar(select(func.count(Need.id)).where(
                Need.audit_id == audit.id)) or 0}


def change_status(audit: Audit, status: AuditStatus, now: datetime,
                  days: int = TOKEN_DAYS, actor: User | None = None) -> None:
    """Move the audit on; opening collection gives the link `days` more days if it has run out."""
    if status not in TRANSITIONS[audit.status]:
        raise DomainError(f"A {audit.status.label.lower()} audit cannot become "
                          f"{status.label.lower()}.", field="status")
    before = changes.audit_snapshot(audit)
    audit.status = status
    changes.log_changes(audit, actor, "audit", audit.id, before, changes.audit_snapshot(audit))
    if status == AuditStatus.COLLECTING and (
            audit.needs_token_expires_at is None or audit.needs_token_expires_at <= now):
        audit.needs_token_expires_at = now + timedelta(days=days)
    db.session.commit()


def set_token_expiry(audit: Audit, expires_at: datetime, now: datetime) -> None:
    if expires_at <= now:
        raise DomainError("Choose a date in the future.", field="expires_on")
    audit.needs_token_expires_at = expires_at
    db.session.commit()


def renew_token(audit: Audit, now: datetime, days: int = TOKEN_DAYS) -> None:
    """A new link for the needs form; the old one stops working at once."""
    audit.needs_token = new_audit_token()
    audit.needs_token_expires_at = now + timedelta(days=days)
    db.session.commit()


def link_state(audit: Audit, now: datetime) -> str:
    """'open' while the needs form takes answers; else 'expired', 'closed', 'draft' or
    'suspended' (its partnership suspended by the site's administrators)."""
    if db.session.get(Partnership, audit.partnership_id).is_suspended:
        return "suspended"
    if audit.status == AuditStatus.CLOSED:
        return "closed"
    if audit.status == AuditStatus.DRAFT:
        return "draft"
    if audit.needs_token_expires_at is None or audit.needs_token_expires_at <= now:
        return "expired"
    return "open"


def audit_by_token(token: str) -> Audit:
    """The audit whose needs form the token opens; NotFound for a token nobody was given."""
    audit = db.session.scalar(select(Audit).where(Audit.needs_token == token)) \
        if token and len(token) <= 64 else None
    if audit is None:
        raise NotFound()
    return audit


# --- provision ------------------------------------------------------------------------------


@dataclass
class ProvisionFields:
    provider_name: str
    activity: str
    art_form: ArtForm
    phase: AgePhase
    ward: str
    organisation_id: int | None = None
    setting: str = ""
    group_ids: frozenset[int] = frozenset()
    children_reached: int | Keep = 0  # KEEP: leave the stored figure (updates only)
    settings_reached: int = 0
    cost_pence: int | None = None
    funding_source: str = ""
    notes: str = ""
    qualification_ids: frozenset[int] = frozenset()


def _groups(partnership_id: int, ids) -> list[TargetGroup]:
    groups = list(db.session.scalars(select(TargetGroup).where(
        TargetGroup.id.in_(list(ids)), TargetGroup.partnership_id == partnership_id)))
    if len(groups) != len(set(ids)):
        raise DomainError("Choose groups of this partnership.", field="groups")
    return groups


def _check_count(value: int | None, name: str, label: str) -> None:
    if value is not None and not 0 <= value <= MAX_CHILDREN:
        raise DomainError(f"Enter {label} from 0 to {MAX_CHILDREN:,}.", field=name)


def _apply_provision(audit: Audit, provision: Provision, fields: ProvisionFields) -> None:
    provider = clean_place(fields.provider_name)
    organisation = None
    if fields.organisation_id is not None:
        organisation = db.session.get(Organisation, fields.organisation_id)
        if organisation is None or organisation.partnership_id != audit.partnership_id:
            raise DomainError("Choose an organisation of this partnership.",
                              field="organisation")
        provider = provider or organisation.name
    if not provider:
        raise DomainError("Name the provider, or choose a member organisation.",
                          field="provider_name")
    if not fields.activity.strip():
        raise DomainError("Describe the activity.", field="activity")
    if fields.children_reached is not KEEP:
        _check_count(fields.children_reached, "children_reached", "the children reached")
    _check_count(fields.settings_reached, "settings_reached", "the settings reached")
    if fields.cost_pence is not None and fields.cost_pence < 0:
        raise DomainError("The cost cannot be negative.", field="cost")
    items = list(db.session.scalars(select(CatalogueItem).where(
        CatalogueItem.id.in_(list(fields.qualification_ids)))))
    if len(items) != len(fields.qualification_ids):
        raise DomainError("Choose qualifications from the catalogue.", field="qualifications")
    provision.organisation_id = organisation.id if organisation else None
    provision.provider_name = provider
    provision.activity = fields.activity.strip()
    provision.art_form, provision.phase = fields.art_form, fields.phase
    groups = _groups(audit.partnership_id, fields.group_ids)
    _check_kept_figure(fields.children_reached is KEEP, is_vulnerable_provision(provision),
                       any(g.vulnerable for g in groups), "children_reached")
    provision.ward = _canonical_ward(audit, fields.ward)
    provision.setting = clean_place(fields.setting)
    provision.groups = groups
    if fields.children_reached is not KEEP:
        provision.children_reached = fields.children_reached or 0
    elif provision.children_reached is None:  # a new record has nothing to keep
        provision.children_reached = 0
    provision.settings_reached = fields.settings_reached or 0
    provision.cost_pence = fields.cost_pence
    provision.funding_source = fields.funding_source.strip()
    provision.notes = fields.notes.strip()
    provision.qualifications = items


def build_provision(audit: Audit, actor: User | None, fields: ProvisionFields) -> Provision:
    """A provision record checked and added to the session, not committed (imports use it)."""
    provision = Provision(partnership_id=audit.partnership_id, audit_id=audit.id,
                          created_by_id=actor.id if actor else None, groups=[])
    _apply_provision(audit, provision, fields)
    db.session.add(provision)
    db.session.flush()
    changes.log_added(audit, actor, "provision", provision.id)
    return provision


def add_provision(audit: Audit, actor: User | None, fields: ProvisionFields) -> Provision:
    try:
        provision = build_provision(audit, actor, fields)
    except DomainError:
        db.session.rollback()
        raise
    db.session.commit()
    return provision


def update_provision(provision: Provision, audit: Audit, fields: ProvisionFields,
                     actor: User | None = None) -> None:
    before = changes.provision_snapshot(provision)
    private = _private_provision(audit, provision)
    try:
        _apply_provision(audit, provision, fields)
    except DomainError:
        db.session.rollback()
        raise
    changes.log_changes(audit, actor, "provision", provision.id, before,
                        changes.provision_snapshot(provision),
                        private or _private_provision(audit, provision))
    db.session.commit()


def _private_provision(audit: Audit, provision: Provision) -> bool:
    return hides_stored_figure(audit, provision.children_reached,
                               is_vulnerable_provision(provision))


def delete_provision(provision: Provision, audit: Audit, actor: User | None = None) -> None:
    changes.log_deleted(audit, actor, "provision", provision.id)
    db.session.delete(provision)
    db.session.commit()


def get_provision(partnership: Partnership, provision_id: int) -> Provision:
    return get_owned(Provision, partnership, provision_id)


def list_provision(audit: Audit) -> list[Provision]:
    # subqueryload: one query a collection however many records (selectinload asks again for
    # every 500), so the gap view's query count does not grow with the audit.
    return list(db.session.scalars(
        select(Provision).options(subqueryload(Provision.groups),
                                  subqueryload(Provision.qualifications))
        .where(Provision.audit_id == audit.id)
        .order_by(Provision.ward, Provision.provider_name, Provision.id)))


def is_vulnerable_provision(provision: Provision) -> bool:
    return any(g.vulnerable for g in provision.groups)


# --- needs ----------------------------------------------------------------------------------


@dataclass
class NeedFields:
    phase: AgePhase
    art_form: ArtForm
    ward: str
    priority: Priority
    target_group_id: int | None = None
    setting: str = ""
    children: int | None | Keep = None  # None: not known; KEEP: leave the stored figure
    job_role_id: int | None = None
    description: str = ""
    respondent_name: str = ""
    respondent_organisation: str = ""
    respondent_email: str = ""


def _apply_need(audit: Audit, need: Need, fields: NeedFields) -> None:
    if fields.target_group_id is not None:
        _groups(audit.partnership_id, [fields.target_group_id])
    role = db.session.get(JobRole, fields.job_role_id) if fields.job_role_id else None
    if fields.job_role_id is not None and role is None:
        raise DomainError("Choose a role from the catalogue.", field="job_role")
    if fields.children is not KEEP:
        _check_count(fields.children, "children", "how many children")
    group = db.session.get(TargetGroup, fields.target_group_id) \
        if fields.target_group_id is not None else None
    _check_kept_figure(fields.children is KEEP, is_vulnerable_need(need),
                       bool(group and group.vulnerable), "children")
    need.target_group_id = fields.target_group_id
    need.target_group = group
    need.phase, need.art_form, need.priority = fields.phase, fields.art_form, fields.priority
    need.ward = _canonical_ward(audit, fields.ward)
    need.setting = clean_place(fields.setting)
    if fields.children is not KEEP:
        need.children = fields.children
    need.job_role_id, need.job_role = fields.job_role_id, role
    need.description = fields.description.strip()
    need.respondent_name = clean_place(fields.respondent_name)
    need.respondent_organisation = clean_place(fields.respondent_organisation)
    need.respondent_email = fields.respondent_email.strip()


def build_need(audit: Audit, fields: NeedFields, source: NeedSource,
               actor: User | None = None) -> Need:
    """A need checked and added to the session, not committed (imports use it)."""
    need = Need(partnership_id=audit.partnership_id, audit_id=audit.id, source=source)
    _apply_need(audit, need, fields)
    db.session.add(need)
    db.session.flush()
    changes.log_added(audit, actor, "need", need.id)
    return need


def add_need(audit: Audit, fields: NeedFields, source: NeedSource = NeedSource.HAND,
             actor: User | None = None) -> Need:
    try:
        need = build_need(audit, fields, source, actor)
    except DomainError:
        db.session.rollback()
        raise
    db.session.commit()
    return need


def submit_need(token: str, fields: NeedFields, now: datetime) -> Need:
    """An answer to the shared needs form: only while the audit collects and the link is live."""
    audit = audit_by_token(token)
    if link_state(audit, now) != "open":
        raise DomainError("This link no longer takes answers.")
    if not fields.respondent_name.strip() or not fields.respondent_organisation.strip():
        raise DomainError("Give your name and your school or organisation.",
                          field="respondent_name")
    return add_need(audit, fields, NeedSource.FORM)


def update_need(need: Need, audit: Audit, fields: NeedFields,
                actor: User | None = None) -> None:
    before = changes.need_snapshot(need)
    private = _private_need(audit, need)
    try:
        _apply_need(audit, need, fields)
    except DomainError:
        db.session.rollback()
        raise
    changes.log_changes(audit, actor, "need", need.id, before, changes.need_snapshot(need),
                        private or _private_need(audit, need))
    db.session.commit()


def _private_need(audit: Audit, need: Need) -> bool:
    return hides_stored_figure(audit, need.children, is_vulnerable_need(need))


def delete_need(need: Need, audit: Audit, actor: User | None = None) -> None:
    changes.log_deleted(audit, actor, "need", need.id)
    db.session.delete(need)
    db.session.commit()


def get_need(partnership: Partnership, need_id: int) -> Need:
    return get_owned(Need, partnership, need_id)


def list_needs(audit: Audit) -> list[Need]:
    return list(db.session.scalars(
        select(Need).options(selectinload(Need.target_group), selectinload(Need.job_role))
        .where(Need.audit_id == audit.id)
        .order_by(Need.ward, Need.created_at, Need.id)))


def is_vulnerable_need(need: Need) -> bool:
    return bool(need.target_group and need.target_group.vulnerable)
