"""Shared resources of a network: links, and uploads checked by name and contents."""

import io
import os
import struct
import zipfile
import zlib

import pytest
from sqlalchemy import func, select

from tests.conftest import HTMX, csrf_token_from
from workspace.exceptions import DomainError, Forbidden
from workspace.extensions import db
from workspace.models import Resource
from workspace.services.cpd import resources as resources
from workspace.services.cpd import sessions
from workspace.services.partnerships.membership import find_membership

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!doctype html><script>alert(document.cookie)</script>"


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT = zipped({"mimetype": b"application/vnd.oasis.opendocument.text",
              "content.xml": b"<office:document-content/>"})


@pytest.fixture(autouse=True)
def instance(app, tmp_path):
    """Uploads go to this test's own instance folder."""
    app.instance_path = str(tmp_path / "instance")
    return app.instance_path


@pytest.fixture
def uploads(instance):
    return os.path.join(instance, "uploads")


def stored_files(uploads: str) -> list[str]:
    return [os.path.join(d, f) for d, _, files in os.walk(uploads) for f in files]


def resource_count() -> int:
    return db.session.scalar(select(func.count(Resource.id)))


def add(network, user, filename, data, uploads, title="Singing games"):
    return resources.add_file(network, user, title, "For KS1", filename, io.BytesIO(data),
                              uploads)


# --- services ------------------------------------------------------------------------------


def test_a_link_is_shared_with_the_network(network, lead):
    link = resources.add_link(network, lead, " Sing Up ", " Song bank ",
                              " https://www.singup.org/ ")
    assert (link.title, link.description, link.url) == ("Sing Up", "Song bank",
                                                        "https://www.singup.org/")
    assert link.stored_name is None
    assert resources.list_resources(network) == [link]


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JavaScript:alert(1)",
                                 "data:text/html,<b>hi</b>", "ftp://example.org/x",
                                 "http://", "https:/example.org", "www.example.org",
                                 "https://exa mple.org", "http://[::1"])
def test_only_http_links_to_a_host_are_accepted(network, lead, url):
    with pytest.raises(DomainError) as error:
        resources.add_link(network, lead, "Bad", "", url)
    assert error.value.field == "url"
    assert resource_count() == 0


@pytest.mark.parametrize("filename, data, content_type", [
    ("plan.pdf", PDF, "application/pdf"),
    ("score.PNG", png(), "image/png"),
    ("notes.docx", DOCX, "application/vnd.openxmlformats-officedocument."
                         "wordprocessingml.document"),
    ("notes.odt", ODT, "application/vnd.oasis.opendocument.text"),
    ("register.csv", "Name,School\nAïsha,St Mary’s\n".encode("cp1252", "replace"), "text/csv"),
    ("photo.jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
    ("song.mp3", b"ID3\x04\x00\x00\x00\x00\x00\x00", "audio/mpeg"),
    ("clip.mp4", b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00", "video/mp4"),
])
def test_an_allowed_file_is_stored_under_a_random_name(network, lead, uploads, filename, data,
                                                       content_type, app):
    resource = add(network, lead, filename, data, uploads)
    path = os.path.join(uploads, str(network.partnership_id), resource.stored_name)
    assert stored_files(uploads) == [path]
    with open(path, "rb") as handle:
        assert handle.read() == data
    assert resource.stored_name not in filename and len(resource.stored_name) == 32
    assert (resource.filename, resource.content_type, resource.size) == (
        filename, content_type, len(data))
    assert not path.startswith(app.static_folder)


@pytest.mark.parametrize("filename, data", [
    ("page.html", HTML), ("logo.svg", b"<svg onload='alert(1)'/>"), ("setup.exe", b"MZ\x90\x00"),
    ("app.js", b"alert(1)"), ("no-extension", PDF),
    ("plan.pdf", HTML), ("score.png", PDF), ("notes.docx", zipped({"a.txt": b"hi"})),
    ("notes.docx", PDF), ("notes.odt", DOCX), ("notes.txt", b"MZ\x90\x00\x03\x00\x00\x00"),
    ("photo.jpg", png()),
])
def test_a_file_of_the_wrong_type_is_refused_and_nothing_kept(network, lead, uploads, filename,
                                                              data):
    with pytest.raises(DomainError) as error:
        add(network, lead, filename, data, uploads)
    assert error.value.field == "file"
    assert resource_count() == 0
    assert stored_files(uploads) == []


def test_a_file_over_the_limit_or_empty_is_refused(app, network, lead, uploads):
    app.config["RESOURCE_MAX_BYTES"] = 1024
    with pytest.raises(DomainError, match="larger than the 1 KB limit"):
        add(network, lead, "big.pdf", PDF + b"0" * 1024, uploads)
    with pytest.raises(DomainError, match="empty"):
        add(network, lead, "empty.pdf", b"", uploads)
    assert resource_count() == 0
    assert stored_files(uploads) == []
    assert add(network, lead, "small.pdf", PDF, uploads).size == len(PDF)


def test_the_limit_defaults_to_20_mb(app):
    app.config.pop("RESOURCE_MAX_BYTES", None)
    assert resources.max_upload_bytes() == 20 * 1024 * 1024
    assert resources.too_large_message(20 * 1024 * 1024) == (
        "The file is larger than the 20 MB limit.")


@pytest.mark.parametrize("filename, title, expected", [
    ("../../etc/plan.pdf", "Plan", "etc_plan.pdf"),
    ("My scheme of work.docx", "Scheme", "My_scheme_of_work.docx"),
    ("音楽.pdf", "Singing games", "Singing_games.pdf"),
    ("音楽.pdf", "音楽", "resource.pdf"),
])
def test_the_download_name_is_sanitised(filename, title, expected):
    assert resources.download_name(filename, title) == expected


def test_only_network_members_may_add(network, teacher, uploads):
    outsider = teacher("Not joined")
    with pytest.raises(DomainError, match="Join Primary music teachers first"):
        resources.add_link(network, outsider, "Sing Up", "", "https://www.singup.org/")
    with pytest.raises(DomainError, match="Join"):
        add(network, outsider, "plan.pdf", PDF, uploads)
    assert resource_count() == 0 and stored_files(uploads) == []
    sessions.join_network(network, outsider)
    assert add(network, outsider, "plan.pdf", PDF, uploads).added_by_id == outsider.id


def test_the_sharer_or_a_lead_may_delete_and_the_file_goes(network, lead, teacher, uploads):
    sharer, other = teacher("Sharer"), teacher("Other")
    for person in (sharer, other):
        sessions.join_network(network, person)
    first = add(network, sharer, "a.pdf", PDF, uploads)
    second = add(network, sharer, "b.pdf", PDF, uploads)
    with pytest.raises(Forbidden):
        resources.delete_resource(first, find_membership(first.partnership_id, other), uploads)
    resources.delete_resource(first, find_membership(first.partnership_id, sharer), uploads)
    resources.delete_resource(second, find_membership(second.partnership_id, lead), uploads)
    assert resource_count() == 0
    assert stored_files(uploads) == []


# --- views ---------------------------------------------------------------------------------


def page_url(network) -> str:
    return f"/p/{network.partnership_id}/cpd/networks/{network.id}/resources"


def upload(client, network, filename, data, title="Singing games", headers=None):
    return client.post(page_url(network) + "/file", headers=headers or {}, data={
        "file-title": title, "file-description": "For KS1",
        "file-file": (io.BytesIO(data), filename)})


def the_resource() -> Resource:
    return db.session.scalars(select(Resource)).one()


def test_the_page_and_its_fragment(client, auth, network, lead):
    resources.add_link(network, lead, "Sing Up", "Song bank", "https://www.singup.org/")
    auth.login(lead)
    page = client.get(page_url(network))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in html
    assert 'href="https://www.singup.org/" target="_blank" rel="noopener nofollow"' in html
    assert 'id="resource-link-form"' in html and 'id="resource-file-form"' in html
    assert 'enctype="multipart/form-data"' in html and 'accept=".pdf,' in html
    fragment = client.get(page_url(network), headers=HTMX).get_data(as_text=True)
    assert "<html" not in fragment
    assert 'id="resource-list"' in fragment and "Sing Up" in fragment


def test_a_partnership_member_outside_the_network_sees_but_cannot_add(client, auth, network,
                                                                     lead, teacher, uploads):
    resources.add_link(network, lead, "Sing Up", "", "https://www.singup.org/")
    auth.login(teacher("Not joined"))
    html = client.get(page_url(network)).get_data(as_text=True)
    assert "Sing Up" in html and "Join Primary music teachers to share" in html
    assert 'id="resource-file-form"' not in html
    response = client.post(page_url(network) + "/link", data={
        "link-title": "Mine", "link-url": "https://example.org/"})
    assert response.status_code == 422 and "Join Primary music teachers first" in response.text
    response = upload(client, network, "plan.pdf", PDF, headers=HTMX)
    assert response.status_code == 422 and "Join Primary music teachers first" in response.text
    assert resource_count() == 1 and stored_files(uploads) == []


def test_upload_then_download_the_same_bytes_with_safe_headers(client, auth, network, lead,
                                                               teacher, app, uploads):
    auth.login(lead)
    response = upload(client, network, "../Plan <b>.pdf", PDF)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(page_url(network))
    resource = the_resource()
    path = os.path.join(uploads, str(network.partnership_id), resource.stored_name)
    assert stored_files(uploads) == [path]
    assert path.startswith(os.path.join(app.instance_path, "uploads") + os.sep)
    assert not os.path.exists(os.path.join(app.static_folder, resource.stored_name))
    assert "Plan" not in os.path.basename(path)

    auth.logout()
    auth.login(teacher("Reader"))  # any partnership member may read
    html = client.get(page_url(network)).get_data(as_text=True)
    download = f"/p/{network.partnership_id}/cpd/resources/{resource.id}/download"
    assert download in html and "PDF · " in html
    with client.get(download) as response:
        assert response.status_code == 200
        assert response.get_data() == PDF
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.headers["Content-Disposition"] == "attachment; filename=Plan_b.pdf"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Security-Policy"].startswith("sandbox; ")
        assert "private" in response.headers["Cache-Control"]


def test_upload_a_png_with_htmx(client, auth, network, lead):
    auth.login(lead)
    response = upload(client, network, "score.png", png(), title="Score", headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert 'id="resource-file-form"' in html and 'value="Score"' not in html  # a blank form
    assert '<div id="resource-list" hx-swap-oob="true">' in html and "PNG image" in html
    assert "is shared with Primary music teachers" in html
    with client.get(f"/p/{network.partnership_id}/cpd/resources/{the_resource().id}"
                    "/download") as download:
        assert download.get_data() == png() and download.mimetype == "image/png"


def test_a_link_is_added_with_htmx_and_a_javascript_link_is_refused(client, auth, network,
                                                                     lead):
    auth.login(lead)
    response = client.post(page_url(network) + "/link", headers=HTMX, data={
        "link-title": "Bad", "link-url": "javascript:alert(1)", "link-description": "x"})
    assert response.status_code == 422
    assert "Enter a web address starting with https:// or http://." in response.text
    assert 'value="Bad"' in response.text and resource_count() == 0
    response = client.post(page_url(network) + "/link", headers=HTMX, data={
        "link-title": "Sing Up", "link-url": "https://www.singup.org/"})
    assert response.status_code == 200 and 'rel="noopener nofollow"' in response.text
    assert the_resource().url == "https://www.singup.org/"


def test_a_file_too_large_is_refused_with_422_and_nothing_kept(client, auth, app, network,
                                                               lead, uploads):
    app.config["RESOURCE_MAX_BYTES"] = 1024
    auth.login(lead)
    for headers in ({}, HTMX):
        response = upload(client, network, "big.pdf", PDF + b"0" * 2048, headers=headers)
        assert response.status_code == 422
        assert "The file is larger than the 1 KB limit." in response.text
        assert 'value="Singing games"' in response.text  # what was typed is kept
    assert resource_count() == 0 and stored_files(uploads) == []


def test_a_body_over_max_content_length_gets_the_form_back(client, auth, app, network, lead,
                                                           uploads):
    """Refused before any view runs, CSRF check included: still the form and a 422."""
    auth.login(lead)
    app.config.update(MAX_CONTENT_LENGTH=4096, RESOURCE_MAX_BYTES=2048,
                      WTF_CSRF_ENABLED=True)
    token = csrf_token_from(client.get(page_url(network)).get_data(as_text=True))
    response = client.post(page_url(network) + "/file", headers={**HTMX, "X-CSRFToken": token},
                           data={"file-title": "Big", "csrf_token": token,
                                 "file-file": (io.BytesIO(PDF + b"0" * 8192), "big.pdf")})
    assert response.status_code == 422
    assert 'id="resource-file-form"' in response.text and "<html" not in response.text
    assert "The file is larger than the 2 KB limit." in response.text
    assert resource_count() == 0 and stored_files(uploads) == []


@pytest.mark.parametrize("filename, data", [("page.html", HTML), ("plan.pdf", HTML),
                                            ("logo.svg", b"<svg/>")])
def test_a_file_of_the_wrong_type_is_refused_in_the_form(client, auth, network, lead, uploads,
                                                         filename, data):
    auth.login(lead)
    response = upload(client, network, filename, data, headers=HTMX)
    assert response.status_code == 422
    assert "cannot be shared" in response.text or "do not match its type (PDF)" in response.text
    assert resource_count() == 0 and stored_files(uploads) == []


def test_delete_removes_the_file_and_answers_with_the_list(client, auth, network, lead,
                                                           teacher, uploads):
    sharer, other = teacher("Sharer"), teacher("Other")
    sessions.join_network(network, sharer)
    resource = add(network, sharer, "plan.pdf", PDF, uploads)
    delete = f"/p/{network.partnership_id}/cpd/resources/{resource.id}/delete"
    auth.login(other)
    assert "Remove" not in client.get(page_url(network)).get_data(as_text=True)
    assert client.post(delete, headers=HTMX).status_code == 403
    assert resource_count() == 1
    auth.logout()
    auth.login(sharer)
    assert ">Remove</button>" in client.get(page_url(network)).get_data(as_text=True)
    response = client.post(delete, headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<div id="resource-list"')
    assert "Nothing has been shared yet." in html and "is removed" in html
    assert resource_count() == 0 and stored_files(uploads) == []


def test_a_lead_may_delete_without_htmx(client, auth, network, lead, teacher, uploads):
    sharer = teacher("Sharer")
    sessions.join_network(network, sharer)
    resource = add(network, sharer, "plan.pdf", PDF, uploads)
    auth.login(lead)
    response = client.post(f"/p/{network.partnership_id}/cpd/resources/{resource.id}/delete")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        page_url(network))
    assert resource_count() == 0 and stored_files(uploads) == []


def test_another_partnerships_member_gets_404(client, auth, network, lead, make_user,
                                             make_partnership, uploads):
    resource = add(network, lead, "plan.pdf", PDF, uploads)
    outsider = make_user(name="Outsider")
    make_partnership(lead=outsider, name="Other hub")
    auth.login(outsider)
    base = f"/p/{network.partnership_id}/cpd"
    assert client.get(page_url(network)).status_code == 404
    assert client.get(f"{base}/resources/{resource.id}/download").status_code == 404
    assert client.post(f"{base}/resources/{resource.id}/delete").status_code == 404
    assert client.post(page_url(network) + "/link", data={
        "link-title": "x", "link-url": "https://example.org/"}).status_code == 404
    assert resource_count() == 1 and len(stored_files(uploads)) == 1


def test_an_object_of_another_partnership_is_404_in_ones_own(client, auth, network, lead,
                                                            make_user, make_partnership,
                                                            uploads):
    """The URL names the outsider's own partnership but our network and resource."""
    resource = add(network, lead, "plan.pdf", PDF, uploads)
    outsider = make_user(name="Outsider")
    theirs = make_partnership(lead=outsider, name="Other hub")
    auth.login(outsider)
    base = f"/p/{theirs.id}/cpd"
    assert client.get(f"{base}/networks/{network.id}/resources").status_code == 404
    assert client.get(f"{base}/resources/{resource.id}/download").status_code == 404
    assert client.post(f"{base}/resources/{resource.id}/delete").status_code == 404
    assert resource_count() == 1


def test_a_link_has_nothing_to_download(client, auth, network, lead):
    link = resources.add_link(network, lead, "Sing Up", "", "https://www.singup.org/")
    auth.login(lead)
    url = f"/p/{network.partnership_id}/cpd/resources/{link.id}/download"
    assert client.get(url).status_code == 404
