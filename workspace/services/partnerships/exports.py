"""A record of downloads of a partnership's records about people (member, workforce, supply
cover, audit records): who, which partnership, what and how many rows, never the data. Leads
read it beside the member log."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from workspace.extensions import db
from workspace.models import ExportRecord, Partnership, User


def record_export(partnership: Partnership, user: User, what: str, rows: int,
                  now: datetime) -> None:
    db.session.add(ExportRecord(partnership_id=partnership.id, user_id=user.id, what=what,
                                rows=rows, created_at=now))
    db.session.commit()


def list_exports(partnership: Partnership, limit: int = 200) -> list[ExportRecord]:
    return list(db.session.scalars(
        select(ExportRecord).options(joinedload(ExportRecord.user))
        .where(ExportRecord.partnership_id == partnership.id)
        .order_by(ExportRecord.created_at.desc(), ExportRecord.id.desc()).limit(limit)))
