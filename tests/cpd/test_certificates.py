"""Certificates of attendance, yearly CPD statements and the signed credentials people carry:
issued only for their own attended sessions, checked by anyone, revoked when the register
changes, refused when altered by one character."""

from decimal import Decimal

import jwt
import pytest
from sqlalchemy import func, select

from tests.conftest import HTMX
from tests.cpd.conftest import NOW
from workspace.exceptions import DomainError, NotFound
from workspace.extensions import db
from workspace.models import Credential
from workspace.models.cpd import Attendance
from workspace.services import credentials
from workspace.services.cpd import certificates, logbook
from workspace.services.cpd import sessions as cpd


@pytest.fixture
def ann_attended(make_session, teacher, lead):
    """Ann's place on a session the register marks her attending."""
    cpd_session = make_session()
    ann = teacher("Ann Attendee", email="ann@example.org")
    booking = cpd.sign_up(cpd_session, ann, NOW)
    cpd.mark_attendance(cpd_session, booking.id, Attendance.ATTENDED, lead, cpd_session.ends_at)
    return ann, booking, cpd_session


def _credential_count() -> int:
    return db.session.scalar(select(func.count(Credential.id)))


def test_a_credential_is_issued_once_and_checks_out(ann_attended):
    ann, booking, cpd_session = ann_attended
    credential = credentials.attendance_credential(ann, booking.id)
    assert credentials.attendance_credential(ann, booking.id).id == credential.id
    assert _credential_count() == 1
    verdict = credentials.verify(credentials.signed(credential))
    assert verdict.genuine, verdict.message
    assert verdict.message.startswith("Issued by Riverside Music Hub to Ann Attendee")
    header = jwt.get_unverified_header(credentials.signed(credential))
    assert header["alg"] == "RS256" and header["kid"] == credentials.public_jwk()["kid"]
    document = jwt.api_jws.decode(credentials.signed(credential),
                                  credentials._key().private.public_key(),
                                  algorithms=["RS256"])
    assert b'"type":"Assertion"' in document and b"ann@example.org" not in document


def test_a_credential_altered_by_one_character_fails(ann_attended):
    ann, booking, _ = ann_attended
    text = credentials.signed(credentials.attendance_credential(ann, booking.id))
    header, payload, signature = text.split(".")
    for at in (len(header) + 5, len(header) + 1 + len(payload) // 2, len(text) - 3):
        changed = text[:at] + ("A" if text[at] != "A" else "B") + text[at + 1:]
        verdict = credentials.verify(changed)
        assert not verdict.genuine, f"altered at {at} and still accepted"
    assert not credentials.verify("").genuine
    assert not credentials.verify("not.a.credential").genuine


def test_a_credential_signed_with_another_key_is_refused(ann_attended):
    from cryptography.hazmat.primitives.asymmetric import rsa

    ann, booking, _ = ann_attended
    credential = credentials.attendance_credential(ann, booking.id)
    forged = jwt.api_jws.encode(credential.document.encode(),
                                rsa.generate_private_key(public_exponent=65537, key_size=2048),
                                algorithm="RS256")
    assert not credentials.verify(forged).genuine


def test_correcting_the_register_revokes_and_re_marking_restores(ann_attended, lead):
    ann, booking, cpd_session = ann_attended
    credential = credentials.attendance_credential(ann, booking.id)
    text = credentials.signed(credential)
    cpd.mark_attendance(cpd_session, booking.id, Attendance.NO_SHOW, lead, cpd_session.ends_at)
    verdict = credentials.verify(text)
    assert not verdict.genuine and "Revoked on" in verdict.message
    assert credentials.NOT_ATTENDED in verdict.message
    with pytest.raises(DomainError, match="once the register marks you"):
        certificates.attendance_certificate(ann, booking.id)
    cpd.mark_attendance(cpd_session, booking.id, Attendance.ATTENDED, lead, cpd_session.ends_at)
    assert credentials.verify(text).genuine  # holds again, before anyone opens it
    assert credentials.attendance_credential(ann, booking.id).id == credential.id


def test_a_suspended_partnerships_credentials_are_on_hold(ann_attended, hub):
    ann, booking, _ = ann_attended
    text = credentials.signed(credentials.attendance_credential(ann, booking.id))
    hub.suspended_at = NOW
    db.session.commit()
    verdict = credentials.verify(text)
    assert not verdict.genuine and verdict.message == credentials.ON_HOLD
    with pytest.raises(DomainError, match="on hold"):
        credentials.attendance_credential(ann, booking.id)


def test_only_ones_own_attended_place_has_a_certificate(ann_attended, make_session, teacher):
    ann, booking, _ = ann_attended
    bob = teacher("Bob", email="bob@example.org")
    with pytest.raises(NotFound):
        certificates.attendance_certificate(bob, booking.id)
    unmarked = cpd.sign_up(make_session(title="Not yet held"), bob, NOW)
    with pytest.raises(DomainError):
        certificates.attendance_certificate(bob, unmarked.id)
    assert _credential_count() == 0


def test_the_statement_adds_up_the_years_log(ann_attended):
    ann, booking, cpd_session = ann_attended
    year = cpd_session.day.year
    logbook.add_entry(ann, cpd_session.day, "Reading on music pedagogy", "2.25",
                      today=cpd_session.day)
    statement = certificates.yearly_statement(ann, year)
    assert [row.activity for row in statement.rows] == [cpd_session.title,
                                                       "Reading on music pedagogy"]
    assert statement.total == Decimal("7.75") and statement.from_registers == Decimal("5.5")
    assert certificates.yearly_statement(ann, year - 1).rows == []
    with pytest.raises(NotFound):
        certificates.yearly_statement(ann, 1)


# --- pages --------------------------------------------------------------------------------


def test_the_certificate_page_pdf_and_credential_download(client, auth, ann_attended):
    ann, booking, cpd_session = ann_attended
    auth.login(ann)
    log = client.get("/me/cpd-log").get_data(as_text=True)
    assert f"/me/cpd/certificates/{booking.id}" in log
    assert f"/me/cpd/statements/{cpd_session.day.year}" in log
    page = client.get(f"/me/cpd/certificates/{booking.id}").get_data(as_text=True)
    assert "Ann Attendee" in page and "5.5 hours" in page and cpd_session.title in page
    token = db.session.scalar(select(Credential.token))
    assert f"/credentials/{token}" in page
    pdf = client.get(f"/me/cpd/certificates/{booking.id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF-") and "no-store" in pdf.headers["Cache-Control"]
    download = client.get(f"/me/cpd/credentials/{booking.id}.jws")
    assert download.status_code == 200
    assert credentials.verify(download.get_data(as_text=True)).genuine


def test_someone_else_gets_404_for_the_certificate(client, auth, ann_attended, teacher):
    _, booking, _ = ann_attended
    auth.login(teacher("Bob", email="bob@example.org"))
    for path in ("", ".pdf"):
        assert client.get(f"/me/cpd/certificates/{booking.id}{path}").status_code == 404
    assert client.get(f"/me/cpd/credentials/{booking.id}.jws").status_code == 404


def test_the_statement_page_and_pdf(client, auth, ann_attended):
    ann, _, cpd_session = ann_attended
    auth.login(ann)
    page = client.get(f"/me/cpd/statements/{cpd_session.day.year}").get_data(as_text=True)
    assert 'id="statement-total">5.5 hours' in page
    pdf = client.get(f"/me/cpd/statements/{cpd_session.day.year}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")


def test_anyone_checks_a_credential_by_its_address_or_its_text(client, ann_attended, lead):
    ann, booking, cpd_session = ann_attended
    credential = credentials.attendance_credential(ann, booking.id)
    text = credentials.signed(credential)
    page = client.get(f"/credentials/{credential.token}").get_data(as_text=True)
    assert "Genuine." in page and "Ann Attendee" in page
    checked = client.post("/credentials/verify", data={"credential": text})
    assert checked.status_code == 200 and "Genuine." in checked.get_data(as_text=True)
    altered = text[:-3] + ("A" if text[-3] != "A" else "B") + text[-2:]
    refused = client.post("/credentials/verify", data={"credential": altered})
    assert "Not valid." in refused.get_data(as_text=True)
    assert "Ann Attendee" not in refused.get_data(as_text=True)
    empty = client.post("/credentials/verify", data={"credential": ""})
    assert empty.status_code == 422 and "Paste the credential." in empty.get_data(as_text=True)
    cpd.mark_attendance(cpd_session, booking.id, Attendance.NO_SHOW, lead, cpd_session.ends_at)
    page = client.get(f"/credentials/{credential.token}", headers=HTMX).get_data(as_text=True)
    assert "Not valid." in page and "Revoked on" in page
    assert client.get("/credentials/no-such-credential").status_code == 404
    key = client.get("/credentials/key.json").get_json()
    assert key["keys"][0]["kty"] == "RSA" and "d" not in key["keys"][0]  # the public half only
