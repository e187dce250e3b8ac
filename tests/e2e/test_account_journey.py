"""A member looks after her account in the browser: signed in on a laptop and a phone, she
logs out everywhere from the laptop (the phone's session is refused at once), signs in again,
and deletes her account; her address then opens nothing."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD
from workspace.services.accounts import users

pytestmark = pytest.mark.browser

EMAIL = "mo.member@example.org"


def sign_in(page, base):
    page.goto(base + "/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out", exact=True)).to_be_visible()


def test_log_out_everywhere_then_delete_the_account(live_server, new_page, shot):
    users.register_user(EMAIL, "Mo Member", PASSWORD)
    laptop, phone = new_page(), new_page()
    for page in (laptop, phone):
        sign_in(page, live_server)

    laptop.goto(live_server + "/account")
    expect(laptop.get_by_text("You are signed in on 2 browsers or devices.")).to_be_visible()
    shot(laptop, "account-sessions")
    laptop.get_by_role("button", name="Log out everywhere").click()
    expect(laptop.get_by_text("You have logged out everywhere (2 sessions ended).")) \
        .to_be_visible()
    phone.goto(live_server + "/account")
    expect(phone).to_have_url(f"{live_server}/login?next=%2Faccount")  # refused at once

    sign_in(laptop, live_server)
    laptop.goto(live_server + "/account")
    laptop.get_by_role("link", name="Delete your account and your records").click()
    laptop.get_by_label("Your password").fill("not my password")
    laptop.get_by_role("button", name="Delete my account").click()
    expect(laptop.get_by_text("That is not your password.")).to_be_visible()
    laptop.get_by_label("Your password").fill(PASSWORD)
    laptop.get_by_role("button", name="Delete my account").click()
    expect(laptop.get_by_text("Your account is deleted.")).to_be_visible()

    laptop.goto(live_server + "/login")
    laptop.get_by_label("Email").fill(EMAIL)
    laptop.get_by_label("Password").fill(PASSWORD)
    laptop.get_by_role("button", name="Log in").click()
    expect(laptop.get_by_text("That email and password do not match an account.")) \
        .to_be_visible()
