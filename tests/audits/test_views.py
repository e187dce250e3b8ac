import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.audits.conftest import add_need, add_provision, group_ids
from tests.conftest import HTMX
from workspace.clock import utcnow
from workspace.extensions import db
from workspace.models import Cluster, ClusterRole, ClusterSet, JobRole
from workspace.models.audits import AuditStatus
from workspace.services.audits import gaps as audit_gaps
from workspace.services.audits import records
from workspace.services.catalogue import items


def _text(response) -> str:
    return response.get_data(as_text=True)


def _collecting(audit):
    records.change_status(audit, AuditStatus.COLLECTING, utcnow())
    return audit.needs_token


ANSWER = {"respondent_name": "Ann Teacher", "respondent_organisation": "Northgate Primary",
          "respondent_email": "ann@northgate.sch.uk", "target_group": "", "phase": "ks2",
          "art_form": "music", "ward": "Northgate", "priority": "high", "children": "12",
          "description": "Instruments for a new class", "setting": "", "job_role": ""}


def test_pages_need_steering_and_leads_edit(client, auth, hub, audit, member, steer):
    auth.login(member)
    assert client.get(f"/p/{hub.id}/audits/").status_code == 403
    assert client.get(f"/p/{hub.id}/audits/{audit.id}/gaps").status_code == 403
    auth.logout()
    auth.login(steer)
    page = _text(client.get(f"/p/{hub.id}/audits/{audit.id}"))
    assert "Music audit 2026" in page and "Start collecting needs" not in page
    assert client.post(f"/p/{hub.id}/audits/{audit.id}/status",
                       data={"status": "collecting"}).status_code == 403
    response = client.post(f"/p/{hub.id}/audits/{audit.id}/needs/new", data=ANSWER)
    assert response.status_code == 302  # steering members add needs by hand
    need = records.list_needs(audit)[0]
    assert client.post(f"/p/{hub.id}/needs/{need.id}/delete").status_code == 403


def test_lead_creates_an_audit_and_bad_input_is_kept(client, auth, hub, lead):
    auth.login(lead)
    response = client.post(f"/p/{hub.id}/audits/", data={
        "title": "Dance audit", "period_start": "2026-09-01", "period_end": "2026-08-01",
        "suppression_threshold": "2"})
    page = _text(response)
    assert response.status_code == 422
    assert 'value="Dance audit"' in page
    assert "The period must end on or after its start." in page or \
        "cannot be lower than 5" in page
    assert records.list_audits(hub) == []
    response = client.post(f"/p/{hub.id}/audits/", data={
        "title": "Dance audit", "period_start": "2026-09-01", "period_end": "2027-08-01",
        "suppression_threshold": "3"})
    assert response.status_code == 422 and "cannot be lower than 5" in _text(response)
    response = client.post(f"/p/{hub.id}/audits/", data={
        "title": "Dance audit", "period_start": "2026-09-01", "period_end": "2027-08-01",
        "suppression_threshold": "8"})
    assert response.status_code == 302
    assert records.list_audits(hub)[0].suppression_threshold == 8


def test_status_link_and_renewal(client, auth, hub, audit, lead):
    auth.login(lead)
    page = _text(client.get(f"/p/{hub.id}/audits/{audit.id}"))
    assert "Start collecting needs" in page and f"/needs/{audit.needs_token}" not in page
    client.post(f"/p/{hub.id}/audits/{audit.id}/status", data={"status": "collecting"})
    page = _text(client.get(f"/p/{hub.id}/audits/{audit.id}"))
    old = audit.needs_token
    assert f"/needs/{old}" in page
    response = client.post(f"/p/{hub.id}/audits/{audit.id}/status", data={"status": "draft"})
    assert response.status_code == 422
    client.post(f"/p/{hub.id}/audits/{audit.id}/link/renew")
    assert audit.needs_token != old
    assert client.get(f"/needs/{old}").status_code == 404
    assert client.get(f"/needs/{audit.needs_token}").status_code == 200
    response = client.post(f"/p/{hub.id}/audits/{audit.id}/link/expiry",
                           data={"expires_on": "2001-01-01"})
    assert response.status_code == 422 and "Choose a date in the future." in _text(response)


def test_public_form_takes_one_need_then_thanks(client, hub, audit):
    token = _collecting(audit)
    page = _text(client.get(f"/needs/{token}"))
    assert "Tell us what is needed" in page and "Log out" not in page
    response = client.post(f"/needs/{token}", data=ANSWER)
    assert response.status_code == 302
    page = _text(client.get(response.headers["Location"]))
    assert "Thank you" in page and "Add another need" in page
    need = records.list_needs(audit)[0]
    assert (need.respondent_organisation, need.children, need.source.value) == (
        "Northgate Primary", 12, "form")


@pytest.mark.parametrize("changes,message", [
    ({"respondent_name": "x" * 121}, "Field cannot be longer than 120 characters."),
    ({"respondent_organisation": ""}, "Enter your school or organisation."),
    ({"respondent_email": "not an email"}, "Enter an email address like"),
    ({"children": "-4"}, "Enter a whole number from 0"),
    ({"children": "lots"}, "Not a valid integer value."),
    ({"phase": "ks9"}, "Not a valid choice."),
    ({"ward": ""}, "Enter the ward."),
    ({"description": "y" * 2001}, "Field cannot be longer than 2000 characters."),
])
def test_public_form_refuses_bad_input_at_the_field(client, hub, audit, changes, message):
    token = _collecting(audit)
    response = client.post(f"/needs/{token}", data={**ANSWER, **changes})
    assert response.status_code == 422
    page = _text(response)
    assert message in page and 'class="field-error"' in page
    assert 'value="Northgate"' in page or changes.get("ward") == ""
    assert records.list_needs(audit) == []


def test_wrong_expired_and_closed_links_store_nothing(client, hub, audit):
    response = client.post("/needs/no-such-token", data=ANSWER)
    assert response.status_code == 404 and "This link no longer works" in _text(response)
    response = client.post(f"/needs/{audit.needs_token}", data=ANSWER)  # still a draft
    assert response.status_code == 410
    token = _collecting(audit)
    records.set_token_expiry(audit, utcnow() + timedelta(seconds=1), utcnow())
    audit.needs_token_expires_at = utcnow() - timedelta(minutes=1)
    from workspace.extensions import db
    db.session.commit()
    response = client.post(f"/needs/{token}", data=ANSWER)
    assert response.status_code == 410 and "run out" in _text(response)
    records.change_status(audit, AuditStatus.CLOSED, utcnow())
    response = client.get(f"/needs/{token}")
    assert response.status_code == 410 and "has closed" in _text(response)
    assert records.list_needs(audit) == []


class TestRateLimit:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True, "NEEDS_FORM_RATE_LIMIT": "2 per minute"}

    def test_the_form_is_rate_limited(self, client, hub, audit):
        token = _collecting(audit)
        for _ in range(2):
            assert client.post(f"/needs/{token}", data=ANSWER).status_code == 302
        assert client.post(f"/needs/{token}", data=ANSWER).status_code == 429
        assert len(records.list_needs(audit)) == 2
        assert client.get(f"/needs/{token}").status_code == 200


def test_provision_form_and_422(client, auth, hub, audit, steer):
    auth.login(steer)
    send = group_ids(hub)["SEND"]
    data = {"provider_name": "Riverside Music Service", "activity": "Adapted ukulele",
            "art_form": "music", "phase": "ks2", "groups": [str(send)], "ward": "Northgate",
            "children_reached": "-1", "settings_reached": "1", "qualifications": "NOPE"}
    response = client.post(f"/p/{hub.id}/audits/{audit.id}/provision/new", data=data)
    assert response.status_code == 422 and 'value="Adapted ukulele"' in _text(response)
    assert records.list_provision(audit) == []
    response = client.post(f"/p/{hub.id}/audits/{audit.id}/provision/new",
                           data={**data, "children_reached": "12"})
    assert response.status_code == 422
    assert "Search for the qualification by its title and pick it from the list." in _text(
        response)
    response = client.post(f"/p/{hub.id}/audits/{audit.id}/provision/new",
                           data={**data, "children_reached": "12", "qualifications": ""})
    assert response.status_code == 302
    provision = records.list_provision(audit)[0]
    page = _text(client.get(f"/p/{hub.id}/provision/{provision.id}/edit"))
    assert 'value="Adapted ukulele"' in page and f'value="{send}" checked' in page


# --- staff qualifications and roles are picked, never typed as IDs --------------------------


@pytest.fixture
def qualifications(app):
    make = lambda sid, title, **kw: items.create_item(None, sid, title=title, **kw)  # noqa
    cme = make("CME-T", "Certificate for Music Educators", is_qualification=True, level=4,
               accrediting_body="Trinity College London")
    ccp = make("L3-CCP", "Level 3 Certificate for Creative and Cultural Practitioners",
               is_qualification=True, level=3)
    unit = make("CME-T-U6", "Safeguarding in music education")
    items.add_component(None, cme, unit)
    return {"cme": cme, "ccp": ccp, "unit": unit}


PROVISION_DATA = {"provider_name": "Riverside Music Service", "activity": "Adapted ukulele",
                  "art_form": "music", "phase": "ks2", "ward": "Northgate",
                  "children_reached": "12", "settings_reached": "1"}


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_provision_staff_qualifications_are_picked(client, auth, hub, audit, steer,
                                                   qualifications, headers):
    cme, ccp, unit = qualifications["cme"], qualifications["ccp"], qualifications["unit"]
    auth.login(steer)
    url = f"/p/{hub.id}/audits/{audit.id}/provision/new"
    page = _text(client.get(url, headers=headers))
    assert "comma-separated" not in page and 'name="qualifications-q"' in page
    assert "/catalogue/suggest?field=qualifications&amp;kind=qualification" in page
    response = client.post(url, headers=headers, data={**PROVISION_DATA, "qualifications": [
        str(cme.id), str(unit.id)]})
    page = _text(response)
    assert response.status_code == 422 and records.list_provision(audit) == []
    assert "Safeguarding in music education is a unit: pick a qualification." in page
    assert 'value="Adapted ukulele"' in page
    response = client.post(url, headers=headers, data={**PROVISION_DATA, **{
        "qualifications": str(cme.id), "qualifications-q": "certificate",
        "pick-search": "qualifications"}})  # without JavaScript: Search
    page = _text(response)
    assert response.status_code == 200 and records.list_provision(audit) == []
    assert f'<input type="checkbox" name="qualifications" value="{ccp.id}"> <span>{ccp.title} ' \
        in page
    response = client.post(url, headers=headers, data={**PROVISION_DATA, "qualifications": [
        str(cme.id), str(ccp.id)]})
    assert response.status_code == 302
    provision = records.list_provision(audit)[0]
    assert {q.id for q in provision.qualifications} == {cme.id, ccp.id}
    page = _text(client.get(f"/p/{hub.id}/provision/{provision.id}/edit", headers=headers))
    assert f'<input type="hidden" name="qualifications" value="{cme.id}">' in page
    assert "Qualification · Level 4 · Trinity College London" in page
    response = client.post(f"/p/{hub.id}/provision/{provision.id}/edit", headers=headers,
                           data={**PROVISION_DATA, "qualifications": str(ccp.id)})
    assert response.status_code == 302
    assert [q.id for q in records.get_provision(hub, provision.id).qualifications] == [ccp.id]


def _roles(*sets) -> None:
    for set_name, role_names in sets:
        cluster = Cluster(cluster_set=ClusterSet(name=set_name), name="All")
        db.session.add(cluster)
        for role_name in role_names:
            role = JobRole(name=role_name)
            db.session.add(role)
            db.session.flush()
            db.session.add(ClusterRole(cluster_id=cluster.id, job_role_id=role.id))
    db.session.commit()


def _optgroups(page: str) -> list[str]:
    select = page[page.index('<select id="job_role"'):]
    return re.findall(r'<optgroup label="([^"]+)">', select[:select.index("</select>")])


def test_need_roles_offer_the_workforce_set_first(client, auth, hub, audit, steer):
    _roles(("SSC clusters", ["Youth worker"]),
           ("Music and cultural education workforce", ["Music leader"]))
    leader = db.session.scalar(select(JobRole).where(JobRole.name == "Music leader"))
    token = _collecting(audit)
    page = _text(client.get(f"/needs/{token}"))  # the public form, answered without an account
    assert _optgroups(page) == ["Music and cultural education workforce", "SSC clusters"]
    auth.login(steer)
    url = f"/p/{hub.id}/audits/{audit.id}/needs/new"
    for headers in ({}, HTMX):
        assert _optgroups(_text(client.get(url, headers=headers))) == [
            "Music and cultural education workforce", "SSC clusters"]
    response = client.post(url, data={**ANSWER, "job_role": "99999"})
    assert response.status_code == 422 and "Choose a role from the list." in _text(response)
    response = client.post(url, data={**ANSWER, "job_role": str(leader.id)})
    assert response.status_code == 302
    need = records.list_needs(audit)[0]
    assert need.job_role_id == leader.id
    page = _text(client.get(f"/p/{hub.id}/needs/{need.id}/edit"))
    assert f'<option value="{leader.id}" selected>Music leader</option>' in page


def _three_send_children(hub, audit, lead):
    """3 SEND children in Hollyfield: a need and a provision record, and nothing else that
    could print a 3."""
    add_need(hub, audit, {"group": "SEND", "phase": "ks2", "art": "music",
                          "ward": "Hollyfield", "priority": "high", "children": 3,
                          "org": "Hollyfield Special School", "setting": "Room Q"})
    add_provision(hub, audit, lead, {"groups": ["SEND"], "phase": "ks2", "art": "drama",
                                     "ward": "Hollyfield", "reach": 3, "provider": "Stage Co",
                                     "setting": "Hollyfield Special School annexe"})
    add_need(hub, audit, {"group": "EAL", "phase": "ks2", "art": "music",
                          "ward": "Hollyfield", "priority": "low", "children": 50,
                          "org": "Hollyfield Primary"})


def _cells_in_row(page: str, row: str) -> list[str]:
    cells = re.findall(r'<td class="cell[^"]*" data-row="([^"]*)" data-col="([^"]*)">(.*?)</td>',
                       page, re.S)
    return [body for r, c, body in cells if r == row and c == "SEND"]


def test_three_send_children_appear_nowhere(client, auth, hub, audit, lead):
    _three_send_children(hub, audit, lead)
    auth.login(lead)
    base = f"/p/{hub.id}/audits/{audit.id}"
    pages = [client.get(f"{base}/gaps"), client.get(f"{base}/gaps", headers=HTMX)]
    for response in pages:
        page = _text(response)
        (cell,) = _cells_in_row(page, "Hollyfield")
        assert "&lt;5" in cell and not re.search(r"\b3\b", cell)
    send = group_ids(hub)["SEND"]
    for response in (client.get(f"{base}/gaps/cell?group={send}&ward=Hollyfield"),
                     client.get(f"{base}/gaps/cell?group={send}&ward=hollyfield", headers=HTMX)):
        detail = _text(response)
        body = detail[detail.index('id="cell-detail"'):]
        assert "&lt;5" in body and not re.search(r">\s*3\s*<", body)
        assert "Room Q" not in body and "annexe" not in body
    report = _text(client.get(f"{base}/report"))
    assert "&lt;5" in report and not re.search(r">\s*3\s*<", report)
    for url in (f"{base}/provision", f"{base}/needs", f"{base}/report"):
        page = _text(client.get(url))
        assert not re.search(r">\s*3\s*<", page), url
        assert "Room Q" not in page and "annexe" not in page
    for url in (f"{base}/provision", f"{base}/needs"):  # single records: no figure at all
        assert "Children are counted only in the totals" in _text(client.get(url))
    for url in (f"{base}/gaps.csv", f"{base}/gaps.csv?rows=group&cols=phase"):
        text = _text(client.get(url))
        assert "<5" in text and not re.search(r"(^|,)3(,|\r)", text, re.M), url
        assert "Room Q" not in text and "annexe" not in text
    for url in (f"{base}/provision.csv", f"{base}/needs.csv"):
        text = _text(client.get(url))
        assert "Children" not in text.splitlines()[0] and not re.search(
            r"(^|,)(3|<5)(,|\r)", text, re.M), url
        assert "Room Q" not in text and "annexe" not in text


def test_gap_view_controls_and_fragment(client, auth, hub, filled, lead):
    auth.login(lead)
    base = f"/p/{hub.id}/audits/{filled.id}"
    page = _text(client.get(f"{base}/gaps"))
    assert "<html" in page and 'class="heatmap"' in page and "Unmet need" in page
    fragment = _text(client.get(f"{base}/gaps?rows=phase&cols=art_form&ward=Riverside",
                                headers=HTMX))
    assert "<html" not in fragment and 'id="matrix"' in fragment
    assert "ward: Riverside" in fragment and "Dance" in fragment
    assert "Hillcrest" not in fragment.split('class="heatmap"')[1].split("</table>")[0]
    # Nonsense choices fall back to the default view instead of failing.
    assert client.get(f"{base}/gaps?rows=x&cols=x&group=zz").status_code == 200
    csv_text = _text(client.get(f"{base}/gaps.csv?rows=phase&cols=art_form"))
    assert csv_text.startswith("Age phase,Art form,State")


def test_many_wards_are_searched_not_listed(client, auth, hub, filled, lead, monkeypatch):
    """Past WARD_CHOICES wards the ward filter is a search field suggesting that many; a
    ward typed there filters as a chosen one does."""
    monkeypatch.setattr(audit_gaps, "WARD_CHOICES", 1)
    auth.login(lead)
    base = f"/p/{hub.id}/audits/{filled.id}"
    page = _text(client.get(f"{base}/gaps"))
    assert '<input type="search" name="ward" list="ward-choices"' in page
    assert page.split('<datalist id="ward-choices">')[1].split("</datalist>")[0].count(
        "<option") == 1
    page = _text(client.get(f"{base}/gaps?rows=phase&cols=art_form&ward=riverside"))
    assert "ward: Riverside" in page and 'value="Riverside"' in page


def test_cell_page_and_fragment(client, auth, hub, filled, lead):
    auth.login(lead)
    send = group_ids(hub)["SEND"]
    url = f"/p/{hub.id}/audits/{filled.id}/gaps/cell?group={send}&ward=Northgate"
    page = _text(client.get(url))
    assert "<html" in page and "SEND, Northgate" in page
    assert "A school or setting in Northgate" in page and "Oakfield School" not in page
    fragment = _text(client.get(url, headers=HTMX))
    assert "<html" not in fragment and "Unmet need" in fragment


def test_report_lists_coverage_gaps_and_schools(client, auth, hub, filled, lead):
    from workspace.models.partnerships import Sector
    from workspace.services.partnerships import membership
    membership.add_organisation(hub, name="Northgate Primary", sector=Sector.SCHOOL,
                                  school_phase="Primary")
    membership.add_organisation(hub, name="Quiet School", sector=Sector.SCHOOL,
                                  school_phase="Primary")
    auth.login(lead)
    page = _text(client.get(f"/p/{hub.id}/audits/{filled.id}/report"))
    assert "Coverage" in page and "SEND, KS2, Music (general), Northgate" in page
    assert "Northgate Primary" in page and "stated needs" in page
    assert "Quiet School" not in page
    assert "@media print" not in page  # print rules live in audits.css


def test_target_groups_page_and_fragment(client, auth, hub, audit, lead):
    auth.login(lead)
    page = _text(client.get(f"/p/{hub.id}/audits/groups"))
    assert "Looked-after children" in page
    response = client.post(f"/p/{hub.id}/audits/groups", data={"name": "SEND"}, headers=HTMX)
    assert response.status_code == 422 and "There is already a group called SEND." in _text(
        response)
    response = client.post(f"/p/{hub.id}/audits/groups",
                           data={"name": "Young carers", "vulnerable": "y"}, headers=HTMX)
    assert response.status_code == 200 and "Young carers" in _text(response)
    assert "<html" not in _text(response)
