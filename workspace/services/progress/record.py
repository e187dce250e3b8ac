"""The person's whole record, as plain data for the printable page and the JSON download.

Dates are ISO strings and hours are decimal strings ("5.5"), so the export reads the same in
any language; FORMAT_VERSION changes when a key is renamed or removed.
"""

from datetime import date, datetime
from decimal import Decimal

from workspace.clock import utcnow
from workspace.models import CatalogueItem, User
from workspace.services.cpd import logbook
from workspace.services.progress import tracking

FORMAT_VERSION = 1


def hours_text(value: Decimal) -> str:
    """Hours without trailing zeros: 5.50 → "5.5", 6.00 → "6"."""
    number = Decimal(value).normalize()
    if number == number.to_integral():
        number = number.quantize(Decimal(1))  # 1E+2 → 100
    return f"{number:f}"


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _item(item: CatalogueItem) -> dict:
    return {"title": item.title, "stable_id": item.stable_id, "level": item.level}


def _profile(user: User) -> dict:
    profile = tracking.get_profile(user)
    return {"name": user.name, "email": user.email,
            "role": profile.job_role.name if profile.job_role else None,
            "organisation": profile.organisation or ""}


def _held(user: User) -> list[dict]:
    return [{**_item(h.item), "year": h.year, "evidence_note": h.evidence_note}
            for h in tracking.list_held(user)]


def _claims(user: User) -> list[dict]:
    return [{"unit": _item(c.item), "state": c.state.value, "claimed_at": _iso(c.created_at),
             "decided_at": _iso(c.decided_at)} for c in tracking.list_claims(user)]


def _unit(row: tracking.UnitRow, group: str | None) -> dict:
    p = row.progress
    return {**_item(row.unit), "mandatory": row.component.mandatory, "group": group,
            "credits": row.unit.credits, "status": row.status.value,
            "status_label": row.status.label, "achieved": row.achieved,
            "started_on": _iso(p.started_on if p else None),
            "achieved_on": _iso(p.achieved_on if p else None),
            "evidence_note": p.evidence_note if p else "", "credited": row.credited,
            "evidence_sessions": [{"title": s.title, "date": _iso(s.day)}
                                  for s in row.evidence_sessions]}


def _enrolment(enrolment) -> dict:
    p = tracking.enrolment_progress(enrolment)
    units = [_unit(r, None) for r in p.mandatory]
    units += [_unit(r, g.group.name if g.group else None) for g in p.optional for r in g.rows]
    return {"qualification": _item(enrolment.item), "started_on": _iso(enrolment.started_on),
            "complete": p.complete, "credits": p.credits, "credits_needed": p.credits_needed,
            "mandatory_achieved": p.mandatory_achieved, "mandatory_total": len(p.mandatory),
            "units": units}


def _cpd(user: User) -> dict:
    log = logbook.cpd_log(user)
    totals = logbook.totals_by_year(log)
    return {"entries": [{"date": _iso(r.day), "activity": r.activity,
                         "hours": hours_text(r.hours), "source": r.source,
                         "reflection": r.reflection} for r in log],
            "totals_by_year": {str(y): hours_text(h) for y, h in totals.by_year.items()},
            "total_hours": hours_text(totals.total)}


def record_of(user: User, now: datetime | None = None) -> dict:
    """Everything on the person's record, JSON-ready."""
    return {"format": "partnership-workspace/practitioner-record",
            "format_version": FORMAT_VERSION,
            "exported_at": _iso(now or utcnow()),
            "profile": _profile(user),
            "qualifications_held": _held(user),
            "prior_learning_claims": _claims(user),
            "enrolments": [_enrolment(e) for e in tracking.list_enrolments(user)],
            "cpd_log": _cpd(user)}
