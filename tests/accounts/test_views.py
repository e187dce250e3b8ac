import re

import pytest

from tests.conftest import PASSWORD
from workspace.clock import utcnow
from workspace.infra.mail import send_outbox
from workspace.services.accounts import users


def test_register_signs_in_and_returns_to_the_invitation(client):
    response = client.post("/register?next=/invite/abc", data={
        "name": "Jan Morris", "email": "jan@example.org", "password": PASSWORD,
        "confirm": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/invite/abc"
    assert "Jan Morris" in client.get("/").get_data(as_text=True)


def test_register_never_redirects_off_site(client):
    response = client.post("/register?next=//evil.example/x", data={
        "name": "Jan", "email": "jan@example.org", "password": PASSWORD, "confirm": PASSWORD})
    assert response.headers["Location"] == "/"


def test_invalid_registration_keeps_input_and_says_what_is_wrong(client):
    response = client.post("/register", data={
        "name": "Jan Morris", "email": "not-an-email", "password": "short", "confirm": "other"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="Jan Morris"' in page and 'value="not-an-email"' in page
    assert "Enter an email address like name@example.org." in page
    assert "Use at least 10 characters." in page
    assert "The two passwords differ." in page
    assert users.count_users() == 0


def test_taken_email_is_reported_next_to_the_field(client, make_user):
    make_user(email="jan@example.org")
    response = client.post("/register", data={
        "name": "Jan", "email": "jan@example.org", "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 422
    assert re.search(r'aria-invalid="true"[^>]*name="email"|name="email"[^>]*aria-invalid',
                     response.get_data(as_text=True))


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
