"""Evidence of a qualification held: a certificate or transcript only its holder can fetch."""

import io
import os
import zipfile

import pytest

from tests.conftest import HTMX
from workspace.exceptions import DomainError, NotFound
from workspace.extensions import db
from workspace.models import HeldQualification
from workspace.services.progress import tracking

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!doctype html><script>alert(document.cookie)</script>"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def app_config(request):
    """Overrides given by `@pytest.mark.parametrize("app_config", [...], indirect=True)`."""
    return getattr(request, "param", {})


@pytest.fixture
def folder(app):
    return os.path.join(app.instance_path, "uploads")


def stored_files(folder: str) -> list[str]:
    return sorted(os.path.join(d, f) for d, _, files in os.walk(folder) for f in files)


@pytest.fixture
def holder(make_user):
    return make_user(name="Jan Holder", email="jan@example.org")


@pytest.fixture
def held(holder, shelf):
    return tracking.add_held(holder, shelf["l3"], year=2019)


def attach(holder, held, filename: str, data: bytes, folder: str):
    return tracking.attach_evidence(holder, held.id, filename, io.BytesIO(data), folder)


def fresh(held) -> HeldQualification:
    db.session.expire_all()
    return db.session.get(HeldQualification, held.id)


def _text(response) -> str:
    return response.get_data(as_text=True)


# --- the service ---------------------------------------------------------------------------


def test_evidence_is_kept_in_the_holders_own_folder(holder, held, folder):
    attach(holder, held, "My certificate.pdf", PDF, folder)
    row = fresh(held)
    assert row.evidence_filename == "My_certificate.pdf"
    assert row.evidence_content_type == "application/pdf" and row.evidence_size == len(PDF)
    path = os.path.join(folder, "people", str(holder.id), row.evidence_stored_name)
    assert stored_files(folder) == [path]
    download = tracking.evidence_download(holder, held.id, folder)
    assert download.path == path and download.download_name == "My_certificate.pdf"


def test_a_new_file_replaces_the_old_one_on_disk(holder, held, folder):
    attach(holder, held, "first.pdf", PDF, folder)
    first = os.path.join(folder, "people", str(holder.id), fresh(held).evidence_stored_name)
    attach(holder, held, "transcript.docx", docx(), folder)
    row = fresh(held)
    assert row.evidence_filename == "transcript.docx"
    assert not os.path.exists(first)
    assert stored_files(folder) == [
        os.path.join(folder, "people", str(holder.id), row.evidence_stored_name)]


def test_a_refused_replacement_keeps_the_old_file(holder, held, folder):
    attach(holder, held, "first.pdf", PDF, folder)
    before = stored_files(folder)
    with pytest.raises(DomainError) as refused:
        attach(holder, held, "page.pdf", HTML, folder)
    assert refused.value.field == "file" and "do not match its type" in refused.value.message
    assert stored_files(folder) == before and fresh(held).evidence_filename == "first.pdf"


@pytest.mark.parametrize("filename, data, message", [
    ("page.pdf", HTML, "do not match its type"),
    ("page.html", HTML, "That kind of file cannot be shared"),
    ("empty.png", b"", "The file is empty."),
])
def test_a_refused_file_leaves_nothing(holder, held, folder, filename, data, message):
    with pytest.raises(DomainError, match=message):
        attach(holder, held, filename, data, folder)
    assert stored_files(folder) == []
    row = fresh(held)
    assert row.evidence_stored_name is None and row.evidence_filename is None


def test_removing_evidence_or_the_qualification_removes_the_file(holder, held, folder, shelf):
    attach(holder, held, "cert.png", PNG, folder)
    tracking.remove_evidence(holder, held.id, folder)
    row = fresh(held)
    assert stored_files(folder) == [] and row.evidence_stored_name is None
    assert row.evidence_size is None and row.evidence_content_type is None
    with pytest.raises(NotFound):
        tracking.evidence_download(holder, held.id, folder)
    attach(holder, held, "cert.png", PNG, folder)
    tracking.remove_held(holder, held.id, folder)
    assert stored_files(folder) == [] and fresh(held) is None


def test_only_the_holder_reaches_the_evidence(holder, held, folder, make_user,
                                              make_partnership, add_member):
    attach(holder, held, "cert.pdf", PDF, folder)
    lead = make_user(name="Lead", email="lead@example.org")
    add_member(make_partnership(lead=lead), holder)
    for other in (lead, make_user(name="Stranger", email="stranger@example.org")):
        with pytest.raises(NotFound):
            tracking.evidence_download(other, held.id, folder)
        with pytest.raises(NotFound):
            attach(other, held, "mine.pdf", PDF, folder)
        with pytest.raises(NotFound):
            tracking.remove_evidence(other, held.id, folder)
        with pytest.raises(NotFound):
            tracking.remove_held(other, held.id, folder)
    assert fresh(held).evidence_filename == "cert.pdf" and len(stored_files(folder)) == 1


# --- the pages -----------------------------------------------------------------------------


def test_upload_then_download_the_same_bytes(client, auth, holder, held, folder):
    auth.login(holder)
    page = _text(client.get("/me/progress"))
    assert f'action="/me/held/{held.id}/evidence"' in page and 'type="file"' in page
    response = client.post(f"/me/held/{held.id}/evidence",
                           data={"file": (io.BytesIO(PDF), "certificate.pdf")})
    assert response.status_code == 302
    page = _text(client.get(response.headers["Location"]))
    assert "Evidence for Level 3 Certificate in Creative Practice is saved." in page
    assert "certificate.pdf" in page and f"/me/held/{held.id}/evidence/remove" in page
    download = client.get(f"/me/held/{held.id}/evidence")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "certificate.pdf" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Security-Policy"].startswith("sandbox; ")
    assert download.mimetype == "application/pdf"
    download.close()


def test_htmx_upload_and_remove_answer_the_held_list(client, auth, holder, held, folder):
    auth.login(holder)
    response = client.post(f"/me/held/{held.id}/evidence", headers=HTMX,
                           data={"file": (io.BytesIO(docx()), "transcript.docx")})
    fragment = _text(response)
    assert response.status_code == 200
    assert fragment.lstrip().startswith('<section id="held">')
    assert "transcript.docx" in fragment and "Word document" in fragment
    assert "<html" not in fragment and "Working towards" not in fragment
    assert len(stored_files(folder)) == 1
    response = client.post(f"/me/held/{held.id}/evidence/remove", headers=HTMX)
    fragment = _text(response)
    assert response.status_code == 200 and fragment.lstrip().startswith('<section id="held">')
    assert "transcript.docx" not in fragment and 'type="file"' in fragment
    assert stored_files(folder) == [] and fresh(held).evidence_stored_name is None


@pytest.mark.parametrize("headers", [{}, HTMX])
@pytest.mark.parametrize("filename, message", [
    ("certificate.pdf",
     "The contents of certificate.pdf do not match its type (PDF), so it was not saved."),
    ("certificate.html", "That kind of file cannot be shared"),
    (None, "Choose a file to upload."),
])
def test_a_refused_upload_says_why_at_the_field(client, auth, holder, held, folder, headers,
                                                filename, message):
    auth.login(holder)
    data = {"file": (io.BytesIO(HTML), filename)} if filename else {}
    response = client.post(f"/me/held/{held.id}/evidence", headers=headers, data=data)
    body = _text(response)
    assert response.status_code == 422
    assert f'<small id="evidence-file-{held.id}-help" class="field-error" role="alert">' in body
    assert message in body
    assert body.lstrip().startswith('<section id="held">') == bool(headers)
    assert stored_files(folder) == [] and fresh(held).evidence_stored_name is None


@pytest.mark.parametrize("app_config", [{"RESOURCE_MAX_BYTES": 64}], indirect=True)
def test_a_file_over_the_limit_is_refused(client, auth, holder, held, folder):
    auth.login(holder)
    assert "up to 64 bytes" in _text(client.get("/me/progress"))
    response = client.post(f"/me/held/{held.id}/evidence", headers=HTMX,
                           data={"file": (io.BytesIO(PDF), "certificate.pdf")})
    assert response.status_code == 422
    assert "The file is larger than the 64 bytes limit." in _text(response)
    assert stored_files(folder) == [] and fresh(held).evidence_stored_name is None


@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": 1024}], indirect=True)
def test_a_body_over_the_request_limit_gets_the_form_back(client, auth, holder, held, folder,
                                                         make_user):
    auth.login(holder)
    big = {"file": (io.BytesIO(PDF + b"0" * 4096), "certificate.pdf")}
    response = client.post(f"/me/held/{held.id}/evidence", headers=HTMX, data=big)
    assert response.status_code == 422 and "The file is larger than" in _text(response)
    assert _text(response).lstrip().startswith('<section id="held">')
    assert stored_files(folder) == []
    auth.logout()
    auth.login(make_user(email="other@example.org"))
    big = {"file": (io.BytesIO(PDF + b"0" * 4096), "certificate.pdf")}
    assert client.post(f"/me/held/{held.id}/evidence", data=big).status_code == 404


def test_someone_elses_evidence_is_not_found(client, auth, holder, held, folder, make_user,
                                             make_partnership, add_member):
    attach(holder, held, "cert.pdf", PDF, folder)
    lead = make_user(name="Lead", email="lead@example.org")
    add_member(make_partnership(lead=lead), holder)
    auth.login(lead)
    url = f"/me/held/{held.id}/evidence"
    assert client.get(url).status_code == 404
    response = client.post(url, data={"file": (io.BytesIO(PNG), "mine.png")})
    assert response.status_code == 404
    assert client.post(url, headers=HTMX,
                       data={"file": (io.BytesIO(PNG), "mine.png")}).status_code == 404
    assert client.post(url + "/remove").status_code == 404
    assert client.post(f"/me/held/{held.id}/remove").status_code == 404
    row = fresh(held)
    assert row is not None and row.evidence_filename == "cert.pdf"
    assert len(stored_files(folder)) == 1


def test_anonymous_visitors_are_sent_to_login(client, held):
    for response in (client.get(f"/me/held/{held.id}/evidence"),
                     client.post(f"/me/held/{held.id}/evidence"),
                     client.post(f"/me/held/{held.id}/evidence/remove")):
        assert response.status_code == 302 and "/login" in response.headers["Location"]
