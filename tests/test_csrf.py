"""Every route that changes data refuses a POST without a CSRF token, and changes nothing."""

import pytest
from sqlalchemy import select

from tests.access_samples import add_samples
from tests.conftest import HTMX, PASSWORD, csrf_token_from
from tests.test_access import (
    add_catalogue_sample,
    add_cpd_sample,
    add_progress_sample,
    url_arguments,
)
from workspace.extensions import db
from workspace.models.partnerships import Role, Sector
from workspace.services.partnerships import membership as service


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def everything() -> list:
    return [sorted(tuple(r) for r in db.session.execute(select(t)))
            for t in db.metadata.sorted_tables]


@pytest.fixture
def lead_client(app, client, make_user, make_partnership, add_member):
    lead = make_user(email="lead@example.org")
    partnership = make_partnership(lead=lead)
    member = add_member(partnership, make_user())
    steer = add_member(partnership, make_user(email="steer@example.org"), Role.STEERING)
    org = service.add_organisation(partnership, name="Arts centre", sector=Sector.CULTURAL)
    service.add_representative(partnership, org.id, member.id)
    service.create_invitation(partnership, lead, Role.MEMBER)
    add_catalogue_sample()
    add_cpd_sample(partnership, lead, member.user)
    add_progress_sample(lead)
    add_samples({"theirs": partnership, "lead": lead, "member": member.user,
                 "steer": steer.user})
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": lead.email, "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302
    return client, partnership


def test_every_post_without_a_token_is_refused(app, lead_client):
    client, partnership = lead_client
    before = everything()
    posts = [r for r in app.url_map.iter_rules() if r.methods - {"GET", "HEAD", "OPTIONS"}]
    assert len(posts) >= 10
    for rule in posts:
        with app.test_request_context():
            url = app.url_for(rule.endpoint,
                              **url_arguments(rule, partnership.id, partnership.id))
        for headers in ({}, HTMX):
            response = client.post(url, headers=headers, data={
                "name": "Changed", "role": "lead", "email": "x@example.org",
                "sector": "other", "current_password": PASSWORD})
            assert response.status_code == 400, f"POST {rule.rule} accepted without a token"
        assert everything() == before, f"POST {rule.rule} changed data without a token"


def test_htmx_requests_carry_the_token_in_a_header(app, lead_client):
    client, partnership = lead_client
    page = client.get(f"/p/{partnership.id}/invitations").get_data(as_text=True)
    token = csrf_token_from(page)
    open_before = len(service.list_open_invitations(partnership))
    assert f'hx-headers=\'{{"X-CSRFToken": "{token}"}}\'' in page
    response = client.post(f"/p/{partnership.id}/invitations",
                           headers={**HTMX, "X-CSRFToken": token}, data={"role": "member"})
    assert response.status_code == 200
    assert len(service.list_open_invitations(partnership)) == open_before + 1
