"""The migrations build, on an empty database, exactly the schema the models describe."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from workspace import create_app
from workspace.extensions import db
from workspace.models.catalogue import SEARCH_OBJECTS


@pytest.fixture
def empty_database_url(database_url, tmp_path):
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    name = f"migrations_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_migrations_match_the_models(empty_database_url, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "TESTING": True})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"include_object": lambda obj, name, *_: name not in SEARCH_OBJECTS})
            diff = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert diff == []
