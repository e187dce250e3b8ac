"""Login sessions end on the server: a cookie copied before logging out is refused after it
(the session cookie and the remember-me cookie alike), "log out everywhere" ends every
browser's session, and sensitive actions ask for the password again unless it was just given.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import HTMX, PASSWORD
from workspace.extensions import db
from workspace.models import LoginSession, Membership
from workspace.models.partnerships import Role

SESSION, REMEMBER = "session", "remember_token"


def sign_in(app, user, remember=False):
    browser = app.test_client()
    response = browser.post("/login", data={"email": user.email, "password": PASSWORD,
                                            **({"remember": "y"} if remember else {})})
    assert response.status_code == 302
    return browser


def cookies_of(browser) -> dict[str, str]:
    return {name: browser.get_cookie(name).value for name in (SESSION, REMEMBER)
            if browser.get_cookie(name) is not None}


def replay(app, cookies: dict[str, str]):
    """A new browser holding only the copied cookies asks for the person's account page."""
    thief = app.test_client()
    for name, value in cookies.items():
        thief.set_cookie(name, value)
    return thief.get("/account")


# Each way of holding on to a session: (signed in with remember-me, cookies copied)
REPLAYS = [(False, (SESSION,)), (True, (SESSION,)), (True, (REMEMBER,)),
           (True, (SESSION, REMEMBER))]


def test_cookies_copied_before_logout_are_refused_after_it(app, make_user):
    refused = 0
    for remember, names in REPLAYS:
        user = make_user()
        browser = sign_in(app, user, remember)
        copied = {n: v for n, v in cookies_of(browser).items() if n in names}
        assert set(copied) == set(names)
        assert replay(app, copied).status_code == 200  # the copy works while signed in
        assert browser.post("/logout").status_code == 302
        response = replay(app, copied)
        assert response.status_code == 302 and "/login" in response.location, (remember, names)
        refused += 1
    print(f"replayed cookies after logout refused {refused} of {len(REPLAYS)}")
    assert refused == len(REPLAYS)


def test_the_database_keeps_only_a_hash_of_the_token(app, make_user):
    user = make_user()
    browser = sign_in(app, user, remember=True)
    stored = db.session.scalar(select(LoginSession.token_hash).where(
        LoginSession.user_id == user.id))
    assert all(stored not in value for value in cookies_of(browser).values())


def test_log_out_everywhere_ends_every_browser(app, make_user):
    user, other = make_user(), make_user()
    phone, laptop = sign_in(app, user, remember=True), sign_in(app, user)
    someone_else = sign_in(app, other)
    stolen = cookies_of(phone)
    page = laptop.get("/account").get_data(as_text=True)
    assert "You are signed in on 2 browsers or devices" in page
    response = laptop.post("/logout/everywhere", follow_redirects=True)
    assert "You have logged out everywhere (2 sessions ended)" in response.get_data(as_text=True)
    for browser in (phone, laptop):
        assert browser.get("/account").status_code == 302
    assert replay(app, stolen).status_code == 302
    assert someone_else.get("/account").status_code == 200  # nobody else's session ends


def test_log_out_everywhere_is_a_post_with_csrf(app, make_user):
    app.config["WTF_CSRF_ENABLED"] = True
    browser = sign_in_with_csrf(app, make_user())
    assert browser.get("/logout/everywhere").status_code == 405
    assert browser.post("/logout/everywhere").status_code == 400  # no token: nothing ends
    assert browser.get("/account").status_code == 200


def sign_in_with_csrf(app, user):
    browser = app.test_client()
    page = browser.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    browser.post("/login", data={"email": user.email, "password": PASSWORD,
                                 "csrf_token": token})
    return browser


# --- a fresh login for sensitive actions ------------------------------------------------------


@pytest.fixture
def team(make_user, make_partnership, add_member):
    lead = make_user(name="Lena Lead")
    partnership = make_partnership(lead=lead)
    member = add_member(partnership, make_user(name="Mo Member"))
    return partnership, lead, member


def role_url(partnership, member):
    return f"/p/{partnership.id}/members/{member.id}/role"


def role_of(member) -> Role:
    return db.session.scalar(select(Membership.role).where(Membership.id == member.id))


def test_a_remembered_session_confirms_the_password_before_changing_a_role(app, team):
    partnership, lead, member = team
    remembered = {REMEMBER: cookies_of(sign_in(app, lead, remember=True))[REMEMBER]}
    browser = app.test_client()
    browser.set_cookie(REMEMBER, remembered[REMEMBER])  # the browser restarted: no session
    assert browser.get("/account").status_code == 200  # still signed in
    response = browser.post(role_url(partnership, member), data={"role": "steering"})
    assert response.status_code == 302 and "/account/confirm" in response.location
    assert role_of(member) is Role.MEMBER

    wrong = browser.post(response.location, data={"password": "not the password"})
    assert wrong.status_code == 422 and "That is not your password." in wrong.get_data(
        as_text=True)
    right = browser.post(response.location, data={"password": PASSWORD})
    assert right.status_code == 302
    assert browser.post(role_url(partnership, member), data={"role": "steering"}) \
        .status_code == 302
    assert role_of(member) is Role.STEERING


def test_a_password_given_long_ago_is_asked_again_and_htmx_is_redirected(app, team, clock):
    partnership, lead, member = team
    browser = sign_in(app, lead)
    assert browser.get(f"/p/{partnership.id}/workforce.csv").status_code == 200  # just given
    clock.shift(timedelta(minutes=app.config["FRESH_LOGIN_MINUTES"] + 1))
    response = browser.get(f"/p/{partnership.id}/workforce.csv")
    assert response.status_code == 302 and "/account/confirm" in response.location
    assert "workforce.csv" in response.location  # back to the export once confirmed
    fragment = browser.post(role_url(partnership, member), data={"role": "steering"},
                            headers=HTMX)
    assert fragment.status_code == 204 and "/account/confirm" in fragment.headers["HX-Redirect"]
    assert role_of(member) is Role.MEMBER


def test_a_member_without_the_right_is_refused_before_being_asked_for_a_password(app, team):
    partnership, _, member = team
    browser = sign_in(app, member.user)
    assert browser.post(role_url(partnership, member), data={"role": "lead"}).status_code == 403
