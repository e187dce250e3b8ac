"""A teacher the register marks attending opens her certificate, downloads it as PDF and her
signed credential, and anyone checks the credential on the public verification page."""

from datetime import time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, log_in
from workspace.clock import utcnow
from workspace.models.cpd import Attendance
from workspace.models.partnerships import Role
from workspace.services.cpd import sessions

pytestmark = pytest.mark.browser


def test_a_teacher_carries_her_certificate_and_credential(live_server, new_page, make_user,
                                                         make_partnership, add_member, shot):
    lead = make_user(name="Priya Shah", email="priya@example.org")
    hub = make_partnership(lead=lead, name="Riverside Music Hub")
    ann = make_user(name="Ann Ólafsdóttir", email="ann@example.org", password=PASSWORD)
    add_member(hub, ann, Role.MEMBER)
    network = sessions.create_network(hub, name="Primary music teachers", coordinator=lead)
    yesterday = (utcnow() - timedelta(days=1)).date()
    held = sessions.schedule_session(hub, network, sessions.SessionFields(
        title="Singing in the primary classroom", day=yesterday, start=time(9, 30),
        end=time(15, 30), capacity=10, venue="Riverside Music Centre",
        learning_hours=Decimal("5.5")))
    booking = sessions.sign_up(held, ann, utcnow() - timedelta(days=20))
    sessions.mark_attendance(held, booking.id, Attendance.ATTENDED, lead, utcnow())

    page = new_page()
    log_in(page, live_server, "ann@example.org")
    page.goto(live_server + "/me/cpd-log")
    page.get_by_role("link", name="Certificate for Singing in the primary classroom").click()
    expect(page.get_by_role("heading", name="Ann Ólafsdóttir")).to_be_visible()
    expect(page.get_by_text("5.5 hours")).to_be_visible()
    shot(page, "certificate")
    with page.expect_download() as pdf:
        page.get_by_role("button", name="Download PDF").click()
    assert pdf.value.suggested_filename == f"certificate-{booking.id}.pdf"
    with page.expect_download() as credential:
        page.get_by_role("button", name="Download credential").click()
    text = Path(credential.value.path()).read_text()

    checker = new_page()  # anyone, signed in or not
    checker.goto(live_server + "/credentials/verify")
    checker.get_by_label("The credential (the text of its .jws file)").fill(text)
    checker.get_by_role("button", name="Check").click()
    expect(checker.get_by_role("status")).to_contain_text(
        "Genuine. Issued by Riverside Music Hub to Ann Ólafsdóttir")
    shot(checker, "credential-genuine")
    checker.get_by_label("The credential (the text of its .jws file)").fill(text[:-5] + "xxxxx")
    checker.get_by_role("button", name="Check").click()
    expect(checker.get_by_role("status")).to_contain_text("Not valid.")
