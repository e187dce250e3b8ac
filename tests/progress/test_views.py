import pytest

from tests.conftest import HTMX
from tests.progress.conftest import TODAY
from workspace.extensions import db
from workspace.models import ItemArea
from workspace.models.partnerships import Role
from workspace.models.progress import UnitStatus
from workspace.services.progress import tracking


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_profile_with_a_catalogue_role(client, auth, make_user, shelf):
    from workspace.extensions import db
    from workspace.models import JobRole

    db.session.add(JobRole(name="Childminder"))
    db.session.commit()
    jan = make_user()
    auth.login(jan)
    assert "Childminder" in _text(client.get("/me/profile"))
    response = client.post("/me/profile", data={"job_role": "Astronaut",
                                                "organisation": "Home"})
    assert response.status_code == 422
    assert "Choose a role from the catalogue&#39;s list." in _text(response)
    assert 'value="Astronaut"' in _text(response)
    client.post("/me/profile", data={"job_role": "childminder", "organisation": "Home",
                                     "share_with_leads": "y"})
    profile = tracking.get_profile(jan)
    assert profile.job_role.name == "Childminder" and profile.share_with_leads


def test_dashboard_enrol_and_bad_ids(client, auth, make_user, shelf):
    auth.login(make_user())
    assert "You are not enrolled on a qualification." in _text(client.get("/me/progress"))
    response = client.post("/me/enrol", data={"enrol-item": "NOPE"})
    assert response.status_code == 422 and "No catalogue item has the ID NOPE." in _text(
        response)
    response = client.post("/me/enrol", data={"enrol-item": "U-SAFE"})
    assert "is a unit" in _text(response)
    response = client.post("/me/enrol", data={"enrol-item": "l3"})
    assert response.status_code == 302
    page = _text(client.get(response.headers["Location"]))
    assert "0 of 2 mandatory units achieved" in page and "Safeguarding children" in page


def test_unit_status_by_htmx(client, auth, make_user, shelf):
    jan = make_user()
    enrolment = tracking.enrol(jan, shelf["l3"], TODAY)
    auth.login(jan)
    url = f"/me/enrolments/{enrolment.id}/units/{shelf['practice'].id}"
    response = client.post(url, headers=HTMX, data={"status": "achieved",
                                                    "evidence_note": "Portfolio p. 4"})
    fragment = _text(response)
    assert response.status_code == 200 and fragment.lstrip().startswith('<section id="units">')
    assert "1 of 2 mandatory units achieved" in fragment
    response = client.post(url, headers=HTMX, data={"status": "finished"})
    assert response.status_code == 422 and "Not a valid choice" in _text(response)


def test_someone_elses_enrolment_is_not_found(client, auth, make_user, shelf):
    jan, tom = make_user(), make_user()
    enrolment = tracking.enrol(jan, shelf["l3"], TODAY)
    auth.login(tom)
    assert client.get(f"/me/enrolments/{enrolment.id}").status_code == 404
    url = f"/me/enrolments/{enrolment.id}/units/{shelf['practice'].id}"
    assert client.post(url, data={"status": "achieved"}).status_code == 404
    assert tracking.enrolment_progress(enrolment).mandatory_achieved == 0


def test_held_and_prior_learning_forms(client, auth, make_user, shelf):
    jan = make_user()
    auth.login(jan)
    response = client.post("/me/held", data={"held-item": "L3", "held-year": "1900"})
    assert response.status_code == 422 and "Enter a year such as 2019." in _text(response)
    client.post("/me/held", data={"held-item": "L3", "held-year": "2019"})
    assert [h.item.stable_id for h in tracking.list_held(jan)] == ["L3"]
    response = client.post("/me/prior-learning", data={"rpl-item": "U-PLAN", "rpl-evidence": ""})
    assert response.status_code == 422 and "Describe your experience." in _text(response)
    client.post("/me/prior-learning", data={"rpl-item": "U-PLAN", "rpl-evidence": "Ran a club"})
    assert "claimed" in _text(client.get("/me/progress"))


def test_next_steps_page(client, auth, make_user, shelf):
    jan = make_user()
    tracking.add_held(jan, shelf["l3"])
    auth.login(jan)
    page = _text(client.get("/me/next-steps"))
    assert "Level 4 Award in Music Education" in page
    assert "Level 5 Diploma" not in page


def _section(html: str, list_id: str) -> str:
    start = html.index(f'id="{list_id}"')
    return html[start:html.index("</ul>", start)]


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_next_steps_tell_gaps_from_areas_not_yet_judged(client, auth, make_user, shelf, areas,
                                                        headers):
    jan = make_user()
    tracking.add_held(jan, shelf["l3"])  # its units cover areas 1 and 3
    db.session.add_all(ItemArea(item_id=shelf[k].id, area_id=areas[2].id, covered=False)
                       for k in ("l3", "safeguarding", "practice"))
    db.session.commit()
    auth.login(jan)
    response = client.get("/me/next-steps", headers=headers)
    assert response.status_code == 200
    page = _text(response)
    assert "2. " in _section(page, "areas-missing") and "4. " not in _section(
        page, "areas-missing")
    not_judged = _section(page, "areas-not-judged")
    assert all(f"{n}. " in not_judged for n in (4, 5, 6)) and "2. " not in not_judged
    assert "Not yet judged" in page and "(3 of 6)" in page
    assert "not counted as gaps" in page


def test_next_steps_with_nothing_judged_not_covered(client, auth, make_user, shelf):
    jan = make_user()
    tracking.add_held(jan, shelf["l3"])
    auth.login(jan)
    page = _text(client.get("/me/next-steps"))
    assert "No area is judged not covered by your record." in _section(page, "areas-missing")
    assert "(4 of 6)" in page


def test_leads_verify_their_members_claims(client, auth, make_user, make_partnership,
                                           add_member, shelf):
    lead, jan = make_user(name="Lola"), make_user(name="Jan")
    hub = make_partnership(lead=lead)
    add_member(hub, jan)
    claim = tracking.claim_prior_learning(jan, shelf["planning"], "Years of music clubs")
    auth.login(lead)
    assert "Years of music clubs" in _text(client.get(f"/p/{hub.id}/prior-learning"))
    client.post(f"/p/{hub.id}/prior-learning/{claim.id}/verify")
    assert claim.state.value == "verified"
    auth.logout()
    member = make_user()
    add_member(hub, member, Role.MEMBER)
    auth.login(member)
    assert client.get(f"/p/{hub.id}/prior-learning").status_code == 403


def test_unit_statuses_are_all_offered(client, auth, make_user, shelf):
    jan = make_user()
    enrolment = tracking.enrol(jan, shelf["l3"], TODAY)
    auth.login(jan)
    page = _text(client.get(f"/me/enrolments/{enrolment.id}"))
    for status in UnitStatus:
        assert status.label in page


def test_next_level_items_are_not_listed_twice(client, auth, make_user, shelf):
    from workspace.extensions import db
    from workspace.models import JobRole
    from workspace.services.catalogue import items

    role = JobRole(name="Music leader")
    db.session.add(role)
    db.session.commit()
    items.set_roles(None, shelf["l4"], {role.id})
    jan = make_user()
    tracking.add_held(jan, shelf["l3"])
    tracking.update_profile(jan, job_role=role, organisation="", share_with_leads=False)
    auth.login(jan)
    page = _text(client.get("/me/next-steps"))
    assert "At the next level" in page
    assert page.count("Level 4 Award in Music Education</a>") == 2  # next steps, next level
