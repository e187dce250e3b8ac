import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD, emailed_link
from workspace.clock import utcnow
from workspace.extensions import db
from workspace.infra.mail import send_outbox
from workspace.models.outbox import OutboxMessage
from workspace.services.accounts import users


def sign_up_link(client, email: str, next_path: str = "") -> str:
    """Ask for an account at `email`; the path of the link emailed to finish it."""
    response = client.post(f"/register{next_path and '?next=' + next_path}",
                           data={"email": email})
    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)
    return emailed_link(email.lower(), "/register/")


def test_sign_up_by_emailed_link_signs_in_and_returns_to_the_invitation(client):
    link = sign_up_link(client, "Jan@Example.org", "/invite/abc")
    assert users.count_users() == 0  # nothing is made until the link is used
    page = client.get(link).get_data(as_text=True)
    assert "jan@example.org" in page
    response = client.post(link, data={"name": "Jan Morris", "password": PASSWORD,
                                       "confirm": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/invite/abc"
    assert "Jan Morris" in client.get("/").get_data(as_text=True)
    assert users.get_user_by_email("jan@example.org").name == "Jan Morris"


def test_a_used_or_altered_sign_up_link_is_refused(client):
    link = sign_up_link(client, "jan@example.org")
    client.post(link, data={"name": "Jan", "password": PASSWORD, "confirm": PASSWORD})
    client.post("/logout")
    again = client.post(link, data={"name": "Mallory", "password": PASSWORD,
                                    "confirm": PASSWORD}, follow_redirects=True)
    assert "This sign-up link has already been used" in again.get_data(as_text=True)
    assert users.get_user_by_email("jan@example.org").name == "Jan"
    altered = client.get(link[:-1] + ("A" if link[-1] != "A" else "B"), follow_redirects=True)
    assert "This sign-up link is not valid. Ask for a new one." in altered.get_data(as_text=True)


def test_a_sign_up_link_expires_after_a_day(client, clock):
    link = sign_up_link(client, "jan@example.org")
    clock.shift(timedelta(hours=25))
    response = client.post(link, data={"name": "Jan", "password": PASSWORD,
                                       "confirm": PASSWORD}, follow_redirects=True)
    assert "This sign-up link has expired. Ask for a new one." in response.get_data(
        as_text=True)
    assert users.count_users() == 0


def test_sign_up_never_redirects_off_site(client):
    link = sign_up_link(client, "jan@example.org", "//evil.example/x")
    response = client.post(link, data={"name": "Jan", "password": PASSWORD,
                                       "confirm": PASSWORD})
    assert response.headers["Location"] == "/"


def test_sign_up_says_the_same_whether_or_not_the_address_has_an_account(client, make_user):
    make_user(name="Jan", email="jan@example.org")
    taken = client.post("/register", data={"email": "jan@example.org"})
    free = client.post("/register", data={"email": "kim@example.org"})
    assert taken.status_code == free.status_code == 200
    strip = lambda r, email: re.sub(r'value="[^"]+"', "", r.get_data(as_text=True)  # noqa: E731
                                    .replace(email, "EMAIL"))
    assert strip(taken, "jan@example.org") == strip(free, "kim@example.org")
    # The address's owner, and only they, learn that it has an account already.
    reminder = emailed_link("jan@example.org", "/login")
    assert reminder == "/login"
    assert "/register/" not in db.session.scalar(select(OutboxMessage.body).where(
        OutboxMessage.to == "jan@example.org"))
    assert users.count_users() == 1


def test_invalid_sign_up_keeps_input_and_says_what_is_wrong(client):
    response = client.post("/register", data={"email": "not-an-email"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="not-an-email"' in page
    assert "Enter an email address like name@example.org." in page
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    link = sign_up_link(client, "jan@example.org")
    response = client.post(link, data={"name": "Jan Morris", "password": "short",
                                       "confirm": "other"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="Jan Morris"' in page
    assert "Use at least 10 characters." in page
    assert "The two passwords differ." in page
    assert users.count_users() == 0


@pytest.mark.parametrize("email, password", [("jan@example.org", "wrong password!"),
                                             ("nobody@example.org", PASSWORD)])
def test_login_errors_say_nothing_about_which_part_was_wrong(client, make_user, email,
                                                             password):
    make_user(email="jan@example.org")
    response = client.post("/login", data={"email": email, "password": password})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "That email and password do not match an account." in page
    assert f'value="{email}"' in page
    assert "no account" not in page.lower() and "wrong password" not in page.lower()


def test_logout_is_a_post(client, auth, make_user):
    auth.login(make_user())
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/account").status_code == 302


def test_changing_password_signs_out_other_devices(app, make_user):
    user = make_user()
    phone, laptop = app.test_client(), app.test_client()
    for device in (phone, laptop):
        device.post("/login", data={"email": user.email, "password": PASSWORD})
    response = laptop.post("/account/password", data={
        "current_password": PASSWORD, "password": "a brand new password",
        "confirm": "a brand new password"})
    assert response.status_code == 302
    assert laptop.get("/account").status_code == 200
    assert phone.get("/account").status_code == 302


def test_profile_page_and_invalid_profile_keeps_input(client, auth, make_user):
    auth.login(make_user(name="Jan"))
    assert 'value="Jan"' in client.get("/account").get_data(as_text=True)
    response = client.post("/account", data={"name": "Jan M", "email": "new@example.org",
                                             "current_password": ""})
    assert response.status_code == 422
    assert "Enter your current password to change your email." in response.get_data(
        as_text=True)
    assert 'value="Jan M"' in response.get_data(as_text=True)


def test_a_new_email_is_used_once_its_owner_confirms_it(client, auth, make_user):
    jan = make_user(name="Jan", email="jan@example.org")
    auth.login(jan)
    response = client.post("/account", data={"name": "Jan", "email": "new@example.org",
                                             "current_password": PASSWORD},
                           follow_redirects=True)
    assert "We have sent a link to new@example.org" in response.get_data(as_text=True)
    assert users.get_user_by_email("jan@example.org") is not None  # not changed yet
    link = emailed_link("new@example.org", "/account/email/")
    assert "new@example.org" in client.get(link).get_data(as_text=True)
    assert client.post(link).status_code == 302
    assert users.get_user_by_email("new@example.org").id == jan.id
    told = list(db.session.scalars(select(OutboxMessage.body).where(
        OutboxMessage.to == "jan@example.org").order_by(OutboxMessage.id)))
    assert "asked to move it to new@example.org" in told[0]  # as soon as it was asked
    assert "now uses new@example.org" in told[-1]
    again = client.post(link, follow_redirects=True)
    assert "This confirmation link has already been used." in again.get_data(as_text=True)


def test_the_profile_says_the_same_when_the_new_email_has_an_account(client, auth,
                                                                     make_user):
    make_user(name="Kim", email="kim@example.org")
    auth.login(make_user(name="Jan", email="jan@example.org"))
    answers = [client.post("/account", data={"name": "Jan", "email": email,
                                              "current_password": PASSWORD},
                           follow_redirects=True).get_data(as_text=True).replace(email, "X")
               for email in ("kim@example.org", "free@example.org")]
    assert answers[0] == answers[1]
    assert "/account/email/" not in db.session.scalar(
        select(OutboxMessage.body).where(OutboxMessage.to == "kim@example.org"))
    assert users.get_user_by_email("jan@example.org") is not None


def test_reset_request_is_logged_without_smtp_and_says_the_same_for_unknown_emails(
        client, make_user, caplog):
    make_user(email="jan@example.org")
    for email in ("jan@example.org", "nobody@example.org"):
        response = client.post("/reset", data={"email": email}, follow_redirects=True)
        assert "If an account uses that email, a reset link is on its way." in \
            response.get_data(as_text=True)
    assert send_outbox(utcnow()).sent == 1
    logged = [r.getMessage() for r in caplog.records if r.name == "workspace.mail"]
    assert len(logged) == 1 and "To: jan@example.org" in logged[0]
    link = re.search(r"http://127\.0\.0\.1:5000(/reset/\S+)", logged[0]).group(1)  # BASE_URL
    response = client.post(link, data={"password": "my new password!",
                                       "confirm": "my new password!"})
    assert response.status_code == 302
    assert client.post("/login", data={"email": "jan@example.org",
                                       "password": "my new password!"}).status_code == 302
    assert client.get(link).status_code == 302  # a used link sends back to ask again


def test_reset_email_goes_out_through_smtp_when_configured(client, make_user, smtp_server):
    make_user(email="jan@example.org")
    client.post("/reset", data={"email": "jan@example.org"})
    assert smtp_server.envelopes == []  # queued with the request, sent afterwards
    assert send_outbox(utcnow()).sent == 1
    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ["jan@example.org"]
    assert b"/reset/" in envelope.content
