from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.clock import FROZEN_NOW
from tests.conftest import PASSWORD
from workspace.exceptions import DomainError
from workspace.extensions import db
from workspace.models import OutboxMessage
from workspace.services.accounts import sessions, users


def test_register_normalises_email_and_hashes_password_slowly(make_user):
    user = make_user(email="  Jan.Morris@Example.ORG ")
    assert user.email == "jan.morris@example.org"
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith("pbkdf2:sha256:1000$")  # as the tests configure


def test_the_default_hash_is_scrypt(app):
    from workspace import config

    assert config.PASSWORD_HASH_METHOD == "scrypt"


def test_register_refuses_a_taken_email_whatever_its_case(make_user):
    make_user(email="jan@example.org")
    with pytest.raises(DomainError) as error:
        make_user(email="JAN@example.org")
    assert error.value.field == "email"


def test_register_refuses_a_short_password(app):
    with pytest.raises(DomainError) as error:
        users.register_user("a@example.org", "A", "short")
    assert error.value.field == "password"
    assert users.count_users() == 0


def test_authenticate_gives_nothing_away(make_user):
    user = make_user(email="jan@example.org")
    assert users.authenticate("JAN@example.org", PASSWORD) == user
    assert users.authenticate("jan@example.org", "wrong password") is None
    assert users.authenticate("nobody@example.org", PASSWORD) is None


def test_change_password_needs_the_current_one_and_ends_other_sessions(make_user, clock):
    user = make_user()
    elsewhere = sessions.start_session(user, clock.now)
    here = sessions.start_session(user, clock.now)  # user.login_token: the session changing it
    with pytest.raises(DomainError):
        users.change_password(user, "not my password", "a new long password", clock.now)
    assert sessions.count_open_sessions(user) == 2  # a refusal ends nothing
    users.change_password(user, PASSWORD, "a new long password", clock.now)
    assert sessions.user_for_token(elsewhere) is None
    assert sessions.user_for_token(here) == user
    assert users.authenticate(user.email, "a new long password") == user


def _link(to: str) -> str:
    return "https://x/" + to


def test_email_change_needs_the_current_password_and_waits_for_the_link(make_user):
    user = make_user(name="Jan", email="jan@example.org")
    with pytest.raises(DomainError) as error:
        users.update_profile(user, "Jan M", "new@example.org", "", "secret", _link)
    assert error.value.field == "current_password"
    assert user.name == "Jan"  # a refusal changes nothing
    assert users.update_profile(user, "Jan Morris", "new@example.org", PASSWORD, "secret",
                                _link) is True
    assert (user.name, user.email) == ("Jan Morris", "jan@example.org")  # not yet
    token = users.make_email_change_token(user, "new@example.org", "secret")
    assert users.confirm_email_change(user, token, "secret", 3600) == "new@example.org"
    assert user.email == "new@example.org"
    with pytest.raises(DomainError, match="already been used"):
        users.confirm_email_change(user, token, "secret", 3600)


def test_an_email_change_link_moves_only_its_own_account_to_a_free_address(make_user):
    jan = make_user(email="jan@example.org")
    kim = make_user(email="kim@example.org")
    token = users.make_email_change_token(jan, "new@example.org", "secret")
    with pytest.raises(DomainError, match="for another account"):
        users.confirm_email_change(kim, token, "secret", 3600)
    make_user(email="new@example.org")  # someone signed up with it meanwhile
    with pytest.raises(DomainError, match="Another account uses that address now"):
        users.confirm_email_change(jan, token, "secret", 3600)
    assert (jan.email, kim.email) == ("jan@example.org", "kim@example.org")


def test_reset_token_works_once(make_user):
    user = make_user()
    token = users.make_reset_token(user, "secret")
    assert users.user_for_reset_token(token, "secret", 3600) == user
    users.set_password(user, "another long password", FROZEN_NOW)
    with pytest.raises(DomainError, match="already been used"):
        users.user_for_reset_token(token, "secret", 3600)


def test_reset_token_expires_and_resists_tampering(make_user, clock):
    user = make_user()
    token = users.make_reset_token(user, "secret")
    clock.shift(timedelta(hours=2))
    with pytest.raises(DomainError, match="expired"):
        users.user_for_reset_token(token, "secret", 3600)
    with pytest.raises(DomainError, match="not valid"):
        users.user_for_reset_token(token + "x", "secret", 3600)


def test_the_forms_cannot_flood_one_inbox(make_user):
    """Sign-ups and email changes typed in for one address send it at most a few messages an
    hour, whoever types them."""
    for _ in range(5):
        users.email_sign_up_link("kim@example.org", "/", "secret", _link, "login", "reset")
    jan = make_user(email="jan@example.org")
    users.update_profile(jan, "Jan", "kim@example.org", PASSWORD, "secret", _link)
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.to == "kim@example.org")) == users.UNASKED_MAIL_PER_HOUR


def test_confirming_a_new_email_signs_out_elsewhere_and_retires_reset_links(make_user,
                                                                          clock):
    user = make_user(email="jan@example.org")
    elsewhere = sessions.start_session(user, clock.now)
    here = sessions.start_session(user, clock.now)  # the one this request is signed in with
    reset = users.make_reset_token(user, "secret")
    users.confirm_email_change(user, users.make_email_change_token(
        user, "new@example.org", "secret"), "secret", 3600)
    assert sessions.user_for_token(elsewhere) is None
    assert sessions.user_for_token(here) == user
    with pytest.raises(DomainError, match="already been used"):
        users.user_for_reset_token(reset, "secret", 3600)
