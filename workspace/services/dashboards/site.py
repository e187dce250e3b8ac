"""The cards of the site's own duties: a catalogue editor's view of the shared catalogue, and
a site administrator's view of accounts and partnerships. Each is a few grouped counts."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, false, func, select, true

from workspace.extensions import db
from workspace.infra.charts import Bar, Chart, Segment, figure_text
from workspace.models import AdminAction, CatalogueChange, CatalogueItem, Partnership, User
from workspace.models.catalogue import ItemStatus
from workspace.models.partnerships import PartnershipKind

RECENT = timedelta(days=30)


@dataclass
class EditorCard:
    qualifications: int
    units: int
    changes: int  # changes to the catalogue in the last 30 days
    chart: Chart


def _level_name(level: int | None) -> str:
    return "Level not given" if level is None else ("Entry level" if level == 0
                                                    else f"Level {level}")


def editor_card(now: datetime) -> EditorCard:
    """Qualifications by level, current and closed or withdrawn."""
    current = func.sum(case((CatalogueItem.status == ItemStatus.CURRENT, 1), else_=0))
    rows = db.session.execute(
        select(CatalogueItem.level, current, func.count())
        .where(CatalogueItem.is_qualification == true())  # "= true" walks the index; "IS" not
        .group_by(CatalogueItem.level).order_by(CatalogueItem.level)).all()
    ordered = [r for r in rows if r[0] is not None] + [r for r in rows if r[0] is None]
    bars = tuple(Bar(_level_name(level), (Segment(now_on, figure_text(now_on)),
                                          Segment(all_ - now_on, figure_text(all_ - now_on))),
                     note=figure_text(all_)) for level, now_on, all_ in ordered)
    units = db.session.scalar(select(func.count()).select_from(CatalogueItem).where(
        CatalogueItem.is_qualification == false()))
    changes = db.session.scalar(select(func.count(CatalogueChange.id)).where(
        CatalogueChange.created_at >= now - RECENT))
    total = sum(r[2] for r in rows)
    chart = Chart("catalogue-levels", "Qualifications in the catalogue by level",
                  ("Current", "Closed or withdrawn"), bars,
                  summary=f"{total:,} qualifications and {units:,} units.")
    return EditorCard(total, units, changes, chart)


@dataclass
class AdminCard:
    accounts: int
    suspended_accounts: int
    actions: int  # administrators' actions in the last 30 days
    chart: Chart


def admin_card(now: datetime) -> AdminCard:
    """Partnerships by kind, in use and suspended; accounts in use and suspended."""
    suspended = func.sum(case((Partnership.suspended_at.is_not(None), 1), else_=0))
    rows = dict((kind, (total, off)) for kind, total, off in db.session.execute(
        select(Partnership.kind, func.count(Partnership.id), suspended)
        .group_by(Partnership.kind)))
    bars = tuple(Bar(kind.label, (Segment(rows[kind][0] - rows[kind][1],
                                          figure_text(rows[kind][0] - rows[kind][1])),
                                  Segment(rows[kind][1], figure_text(rows[kind][1]))),
                     note=figure_text(rows[kind][0]))
                 for kind in PartnershipKind if kind in rows)
    accounts, off = db.session.execute(select(
        func.count(User.id), func.sum(case((User.suspended_at.is_not(None), 1), else_=0)))
    ).one()
    actions = db.session.scalar(select(func.count(AdminAction.id)).where(
        AdminAction.at >= now - RECENT))
    chart = Chart("site-partnerships", "Partnerships on the site", ("In use", "Suspended"),
                  bars, summary=f"{accounts:,} accounts, {off or 0:,} suspended.")
    return AdminCard(accounts, off or 0, actions, chart)
