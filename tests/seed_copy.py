"""The catalogue seed for tests that need it as their setting, loaded once a run and copied
after that.

Loading the seed takes a second or two of work through the ORM (about 1,500 rows, the stored
coverage worked out on each flush); dozens of tests start from it. The first load on empty
tables runs `load_catalogue_seed` and keeps the rows it made; a later load, on the same
tables all empty again and at the same reading of the (frozen) clock, inserts those rows as
they were, ids and times included, which is what the seed would have made again. Anything
else (a catalogue that already holds rows, a clock that moves) loads the seed for real.
Tests of the seed itself (tests/catalogue/test_seed.py) call `load_catalogue_seed`.
"""

from sqlalchemy import func, insert, select, text

from workspace.clock import utcnow
from workspace.extensions import db
from workspace.services.catalogue.seed import load_catalogue_seed

_made: dict[tuple, list[tuple]] = {}  # (database, clock) -> [(table, rows)] in table order


def load_seed() -> None:
    """The catalogue seed, as `load_catalogue_seed()` leaves it."""
    key = (db.engine.url.render_as_string(hide_password=False), utcnow())
    made = _made.get(key)
    if made is not None and not any(_count(table) for table, _ in made):
        for table, rows in made:
            db.session.execute(insert(table), rows)
        _advance_sequences([table for table, _ in made])
        db.session.commit()
        return
    before = {table: _count(table) for table in db.metadata.sorted_tables}
    load_catalogue_seed()
    grown = [table for table in db.metadata.sorted_tables if _count(table) != before[table]]
    if all(before[table] == 0 for table in grown):
        _made[key] = [(table, [dict(row._mapping) for row in db.session.execute(
            select(table).order_by(*table.primary_key.columns))]) for table in grown]
    db.session.commit()


def _count(table) -> int:
    return db.session.scalar(select(func.count()).select_from(table))


def _advance_sequences(tables) -> None:
    """PostgreSQL's sequences past the ids inserted (SQLite finds the next id itself)."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in tables:
        if "id" in table.c and table.c.id.primary_key:
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                f"(SELECT MAX(id) FROM \"{table.name}\"))"))
