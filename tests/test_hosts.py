"""Links, hosts and client addresses an outsider cannot steer: absolute links come from
BASE_URL whatever Host a request names, TRUSTED_HOSTS refuses other hosts, an invitation
sent to an address admits only that address, and rate limits key on the real client behind
PROXY_COUNT proxies (and on the connection itself when there are none)."""

import re

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD
from workspace import create_app
from workspace.clock import utcnow
from workspace.extensions import db
from workspace.infra import mail
from workspace.models.outbox import OutboxMessage
from workspace.models.partnerships import Role
from workspace.services.partnerships import membership as service

EVIL = "evil.example"


def test_a_reset_link_comes_from_base_url_not_the_host_header(client, make_user, caplog, app):
    app.config["BASE_URL"] = "https://workspace.example.org"
    make_user(email="jan@example.org")
    client.post("/reset", data={"email": "jan@example.org"}, headers={"Host": EVIL})
    mail.send_outbox(utcnow())
    logged = " ".join(r.getMessage() for r in caplog.records if r.name == "workspace.mail")
    assert re.search(r"https://workspace\.example\.org/reset/\S+", logged)
    assert EVIL not in logged


def test_an_emailed_invitation_link_comes_from_base_url(client, make_user,
                                                        make_partnership, caplog, app):
    app.config["BASE_URL"] = "https://workspace.example.org"
    lead = make_user()
    partnership = make_partnership(lead=lead)
    evil = {"Host": EVIL}  # signed in through the forged host, so its cookie goes with it
    client.post("/login", data={"email": lead.email, "password": PASSWORD}, headers=evil)
    response = client.post(f"/p/{partnership.id}/invitations", headers=evil,
                           data={"email": "tom@example.org", "role": "member"})
    assert response.status_code == 302
    mail.send_outbox(utcnow())
    logged = " ".join(r.getMessage() for r in caplog.records if r.name == "workspace.mail")
    assert re.search(r"https://workspace\.example\.org/invite/\S+", logged), logged
    assert EVIL not in logged


def test_trusted_hosts_refuse_any_other_host(database_url, tmp_path):
    from tests.conftest import _config
    app = create_app(_config(database_url, str(tmp_path),
                             TRUSTED_HOSTS=["workspace.example.org"]))
    client = app.test_client()
    assert client.get("/login", headers={"Host": "workspace.example.org"}).status_code == 200
    refused = client.get("/login", headers={"Host": EVIL})
    assert refused.status_code == 400 and b"host" in refused.data


def test_an_invitation_for_one_address_is_refused_to_another_on_the_page(
        client, auth, make_user, make_partnership):
    lead = make_user(name="Priya")
    partnership = make_partnership(lead=lead)
    token = service.create_invitation(partnership, lead, Role.LEAD,
                                      email="jan@example.org").token
    auth.login(make_user(email="mallory@example.org"))
    page = client.get(f"/invite/{token}").get_data(as_text=True)
    assert "This invitation was sent to another email address." in page
    assert "jan@example.org" not in page  # the address is not given away
    response = client.post(f"/invite/{token}")
    assert response.status_code == 403
    assert [m.user.name for m in service.list_members(partnership)] == ["Priya"]


# --- client addresses and rate limits ------------------------------------------------------


@pytest.fixture
def app_config(request):
    return {"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "2 per minute",
            "REGISTER_RATE_LIMIT": "2 per hour",
            "PROXY_COUNT": getattr(request, "param", 0)}


def attempts(client, email, forwarded_for=None, times=3) -> list[int]:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return [client.post("/login", data={"email": email, "password": "guessing!!"},
                        headers=headers).status_code for _ in range(times)]


def test_without_proxies_a_forwarded_header_a_client_sends_changes_nothing(client, make_user):
    email = make_user().email
    assert attempts(client, email, "10.0.0.1") == [422, 422, 429]
    assert attempts(client, email, "10.0.0.2", times=1) == [429]  # still the same client


@pytest.mark.parametrize("app_config", [1], indirect=True)
def test_behind_one_proxy_each_client_has_its_own_limit(client, make_user):
    email = make_user().email
    assert attempts(client, email, "203.0.113.7") == [422, 422, 429]
    assert attempts(client, email, "203.0.113.8", times=1) == [422]  # another client
    # A client prepending its own entry does not escape: the proxy's entry (the last) counts.
    assert attempts(client, email, "198.51.100.1, 203.0.113.7", times=1) == [429]


def test_registration_is_rate_limited(client):
    codes = [client.post("/register", data={"email": f"p{n}@example.org"}).status_code
             for n in range(3)]
    assert codes == [200, 200, 429]  # each 200 emails a link; the third sends nothing
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 2
