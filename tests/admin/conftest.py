import pytest

from workspace.extensions import db


@pytest.fixture
def admin(make_user):
    user = make_user(name="Ada Admin", email="ada@example.org")
    user.is_site_admin = True
    db.session.commit()
    return user
