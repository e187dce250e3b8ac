"""Catalogue fixtures: an item factory, editors, the Common Core areas."""

import pytest

from workspace.extensions import db
from workspace.services.catalogue import items


@pytest.fixture
def make_item(app):
    counter = iter(range(1, 100_000))

    def make(title=None, stable_id=None, **fields):
        n = next(counter)
        return items.create_item(None, stable_id or f"T{n}", title=title or f"Item {n}",
                                     **fields)

    return make


@pytest.fixture
def editor(make_user):
    user = make_user(name="Edith Editor", email="editor@example.org")
    user.is_catalogue_editor = True
    db.session.commit()
    return user
