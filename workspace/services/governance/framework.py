"""The partnership's terms of reference, its aims with their priorities, and the outcomes
framework: indicators with a baseline, a target and a value for each year.

Each write checks everything first and commits once, so a refusal (a number that is not one,
a year given twice, a name taken) raises a DomainError and changes nothing.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from workspace.exceptions import DomainError
from workspace.extensions import db
from workspace.models import Partnership, User
from workspace.models.governance import (
    Aim,
    AimPriority,
    Indicator,
    IndicatorValue,
    TermsOfReference,
)
from workspace.services.chat import markdown
from workspace.services.governance.years import parse_value, parse_year, show_value, year_order
from workspace.services.partnerships.membership import get_owned

# --- terms of reference --------------------------------------------------------------------


def get_terms(partnership: Partnership) -> TermsOfReference | None:
    return db.session.scalar(select(TermsOfReference).where(
        TermsOfReference.partnership_id == partnership.id))


def save_terms(partnership: Partnership, actor: User, body: str, now: datetime
               ) -> TermsOfReference:
    """Replace the terms of reference, noting who changed them and when."""
    terms = get_terms(partnership) or TermsOfReference(partnership_id=partnership.id)
    terms.body = body.strip()
    terms.updated_at, terms.updated_by_id = now, actor.id
    db.session.add(terms)
    db.session.commit()
    return terms


def as_html(body: str) -> str:
    """Markdown as safe HTML, by the same renderer and allow-list as chat messages."""
    return markdown.render(body)


# --- aims and priorities -------------------------------------------------------------------


def list_aims(partnership: Partnership) -> list[Aim]:
    return list(db.session.scalars(
        select(Aim).options(selectinload(Aim.priorities))
        .where(Aim.partnership_id == partnership.id).order_by(Aim.position, Aim.id)))


def _require_title(title: str | None) -> str:
    if not (title or "").strip():
        raise DomainError("Give the aim a title.", "title")
    return title.strip()


def add_aim(partnership: Partnership, title: str, description: str = "") -> Aim:
    """A new aim, last in the list."""
    last = db.session.scalar(select(func.max(Aim.position)).where(
        Aim.partnership_id == partnership.id))
    aim = Aim(partnership_id=partnership.id, title=_require_title(title),
              description=(description or "").strip(), position=(last or 0) + 1)
    db.session.add(aim)
    db.session.commit()
    return aim


def update_aim(aim: Aim, title: str, description: str = "") -> None:
    aim.title, aim.description = _require_title(title), (description or "").strip()
    db.session.commit()


def move_aim(aim: Aim, step: int) -> None:
    """Swap the aim with its neighbour up (-1) or down (+1); at either end, nothing."""
    aims = list_aims_of(aim.partnership_id)
    at = aims.index(aim)
    other = at + step
    if 0 <= other < len(aims):
        aims[at], aims[other] = aims[other], aims[at]
        for position, each in enumerate(aims, start=1):
            each.position = position
        db.session.commit()


def list_aims_of(partnership_id: int) -> list[Aim]:
    return list(db.session.scalars(select(Aim).where(Aim.partnership_id == partnership_id)
                                   .order_by(Aim.position, Aim.id)))


def remove_aim(aim: Aim) -> None:
    """Remove the aim and its priorities; its indicators stay, linked to no aim."""
    for indicator in db.session.scalars(select(Indicator).where(Indicator.aim_id == aim.id)):
        indicator.aim_id = None
    db.session.delete(aim)
    db.session.commit()


def add_priority(aim: Aim, text: str) -> AimPriority:
    if not (text or "").strip():
        raise DomainError("Write the priority.", "text")
    priority = AimPriority(partnership_id=aim.partnership_id, aim_id=aim.id, text=text.strip())
    db.session.add(priority)
    db.session.commit()
    return priority


def remove_priority(priority: AimPriority) -> None:
    db.session.delete(priority)
    db.session.commit()


# --- the outcomes framework ----------------------------------------------------------------


@dataclass
class IndicatorFields:
    """An indicator as typed: values and years are text, checked by the service."""

    name: str
    unit: str = ""
    measures: str = ""
    aim_id: int | None = None
    baseline_value: str = ""
    baseline_year: str = ""
    target_value: str = ""
    target_year: str = ""


def list_indicators(partnership: Partnership) -> list[Indicator]:
    return list(db.session.scalars(
        select(Indicator).options(selectinload(Indicator.values), selectinload(Indicator.aim))
        .where(Indicator.partnership_id == partnership.id).order_by(Indicator.name)))


def indicator_fields(indicator: Indicator) -> IndicatorFields:
    """The indicator as its form shows it."""
    return IndicatorFields(
        indicator.name, indicator.unit, indicator.measures, indicator.aim_id,
        show_value(indicator.baseline_value), indicator.baseline_year,
        show_value(indicator.target_value), indicator.target_year)


def _point(value: str, year: str, what: str) -> tuple[Decimal | None, str]:
    """A baseline or target: a value with its year, or neither."""
    if not (value or "").strip() and not (year or "").strip():
        return None, ""
    if not (year or "").strip():
        raise DomainError(f"Give the year of the {what}.", f"{what}_year")
    if not (value or "").strip():
        raise DomainError(f"Give the {what} value for that year.", f"{what}_value")
    return parse_value(value, f"{what}_value"), parse_year(year, f"{what}_year")


def _checked(partnership: Partnership, fields: IndicatorFields,
             indicator: Indicator | None) -> dict:
    name = (fields.name or "").strip()
    if not name:
        raise DomainError("Give the indicator a name.", "name")
    taken = db.session.scalar(select(Indicator.id).where(
        Indicator.partnership_id == partnership.id, func.lower(Indicator.name) == name.lower()))
    if taken is not None and (indicator is None or taken != indicator.id):
        raise DomainError("The partnership already has an indicator of that name.", "name")
    if fields.aim_id is not None:
        get_owned(Aim, partnership, fields.aim_id)
    baseline_value, baseline_year = _point(fields.baseline_value, fields.baseline_year,
                                           "baseline")
    target_value, target_year = _point(fields.target_value, fields.target_year, "target")
    return {"name": name, "unit": (fields.unit or "").strip(),
            "measures": (fields.measures or "").strip(), "aim_id": fields.aim_id,
            "baseline_value": baseline_value, "baseline_year": baseline_year,
            "target_value": target_value, "target_year": target_year}


def commit_unique(message: str, field: str) -> None:
    """Commit; a row that another request made at the same moment is refused as a rule."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise DomainError(message, field) from None


def add_indicator(partnership: Partnership, fields: IndicatorFields) -> Indicator:
    indicator = Indicator(partnership_id=partnership.id,
                          **_checked(partnership, fields, None))
    db.session.add(indicator)
    commit_unique("The partnership already has an indicator of that name.", "name")
    return indicator


def update_indicator(partnership: Partnership, indicator: Indicator,
                     fields: IndicatorFields) -> None:
    checked = _checked(partnership, fields, indicator)
    for name, value in checked.items():
        setattr(indicator, name, value)
    commit_unique("The partnership already has an indicator of that name.", "name")


def remove_indicator(indicator: Indicator) -> None:
    db.session.delete(indicator)
    db.session.commit()


def add_value(indicator: Indicator, year: str, value: str, note: str = "") -> IndicatorValue:
    """The indicator's value for a year; a year that has one already is refused."""
    label = parse_year(year, "year")
    number = parse_value(value, "value")
    if any(v.year == label for v in indicator.values):
        raise DomainError(f"{label} has a value already: remove it first to change it.",
                          "year")
    row = IndicatorValue(partnership_id=indicator.partnership_id, indicator_id=indicator.id,
                         year=label, value=number, note=(note or "").strip())
    db.session.add(row)
    commit_unique(f"{label} has a value already: remove it first to change it.", "year")
    db.session.refresh(indicator)
    return row


def values_in_order(indicator: Indicator) -> list[IndicatorValue]:
    return sorted(indicator.values, key=lambda v: year_order(v.year))


def remove_value(value: IndicatorValue) -> None:
    indicator = value.indicator
    db.session.delete(value)
    db.session.commit()
    db.session.refresh(indicator)
