"""What the seed loaders made, so that loading again respects what editors changed since."""

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from workspace.extensions import db


class SeedMark(db.Model):
    """A row the seed content made, under a key naming it in the seed's terms (e.g.
    "job_role:Playworker"). With the mark, a reload finds the row by its id (an editor may
    have renamed it) and, when the row is gone, knows an editor deleted it and leaves it so."""

    __tablename__ = "seed_mark"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(400), unique=True)
    row_id: Mapped[int] = mapped_column(Integer)
