import pytest

from tests.conftest import HTMX
from tests.progress.conftest import TODAY
from workspace.extensions import db
from workspace.models import Cluster, ClusterRole, ClusterSet, ItemArea, JobRole
from workspace.models.partnerships import Role
from workspace.models.progress import UnitStatus
from workspace.services.progress import tracking


def _text(response) -> str:
    return response.get_data(as_text=True)


def _role_sets() -> dict[str, JobRole]:
    """A role in each of the two shipped role sets, and one in none."""
    roles = {}
    for set_name, role_name in (("SSC clusters", "Childminder"),
                                ("Music and cultural education workforce", "Music leader"),
                                (None, "Astronomer")):
        roles[role_name] = role = JobRole(name=role_name)
        db.session.add(role)
        if set_name:
            cluster = Cluster(cluster_set=ClusterSet(name=set_name), name="All")
            db.session.add(cluster)
            db.session.flush()
            db.session.add(ClusterRole(cluster_id=cluster.id, job_role_id=role.id))
    db.session.commit()
    return roles


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_profile_with_a_catalogue_role(client, auth, make_user, shelf, headers):
    roles = _role_sets()
    jan = make_user()
    auth.login(jan)
    page = _text(client.get("/me/profile", headers=headers))
    groups = page.index('<optgroup label="Music and cultural education workforce">'), \
        page.index('<optgroup label="SSC clusters">'), page.index('<optgroup label="Other roles">')
    assert groups == tuple(sorted(groups))  # the workforce set first
    assert f'<option value="{roles["Childminder"].id}">Childminder</option>' in page
    response = client.post("/me/profile", headers=headers, data={
        "job_role": "99999", "organisation": "Home"})
    assert response.status_code == 422
    assert "Choose a role from the list." in _text(response)
    assert 'value="Home"' in _text(response)
    assert tracking.get_profile(jan).job_role is None
    client.post("/me/profile", headers=headers, data={
        "job_role": str(roles["Childminder"].id), "organisation": "Home",
        "share_with_leads": "y"})
    profile = tracking.get_profile(jan)
    assert profile.job_role.name == "Childminder" and profile.share_with_leads
    page = _text(client.get("/me/profile", headers=headers))
    assert f'<option value="{roles["Childminder"].id}" selected>Childminder</option>' in page


def test_dashboard_enrol_and_bad_picks(client, auth, make_user, shelf):
    jan = make_user()
    auth.login(jan)
    assert "You are not enrolled on a qualification." in _text(client.get("/me/progress"))
    response = client.post("/me/enrol", data={"enrol-item": "L3"})  # an ID typed: refused
    assert response.status_code == 422 and ("Search for the qualification by its title and "
                                             "pick it from the list.") in _text(response)
    response = client.post("/me/enrol", data={"enrol-item": ""})
    assert response.status_code == 422 and "Search for the qualification" in _text(response)
    response = client.post("/me/enrol", data={"enrol-item": str(shelf["safeguarding"].id)})
    assert response.status_code == 422
    assert "Safeguarding children is a unit: pick a qualification." in _text(response)
    response = client.post("/me/enrol", data={"enrol-item": [str(shelf["l3"].id),
                                                             str(shelf["l4"].id)]})
    assert response.status_code == 422 and "Pick one qualification." in _text(response)
    assert tracking.list_enrolments(jan) == []
    response = client.post("/me/enrol", data={"enrol-item": str(shelf["l3"].id)})
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
    l3, planning = str(shelf["l3"].id), str(shelf["planning"].id)
    response = client.post("/me/held", data={"held-item": l3, "held-year": "1900"})
    page = _text(response)
    assert response.status_code == 422 and "Enter a year such as 2019." in page
    assert f'<input type="hidden" name="held-item" value="{l3}">' in page  # still picked
    client.post("/me/held", data={"held-item": l3, "held-year": "2019"})
    assert [h.item.stable_id for h in tracking.list_held(jan)] == ["L3"]
    response = client.post("/me/prior-learning", data={"rpl-item": l3, "rpl-evidence": "Club"})
    assert response.status_code == 422
    assert "Level 3 Certificate in Creative Practice is a qualification: pick a unit." in _text(
        response)
    response = client.post("/me/prior-learning", data={"rpl-item": planning, "rpl-evidence": ""})
    assert response.status_code == 422 and "Describe your experience." in _text(response)
    assert tracking.list_claims(jan) == []
    client.post("/me/prior-learning", data={"rpl-item": planning, "rpl-evidence": "Ran a club"})
    assert "claimed" in _text(client.get("/me/progress"))


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_dashboard_pickers_search_by_title(client, auth, make_user, shelf, headers):
    jan = make_user()
    auth.login(jan)
    page = _text(client.get("/me/progress", headers=headers))
    assert "(ID)" not in page and '<datalist id="item-suggestions">' not in page
    for name, kind in (("enrol-item", "qualification"), ("held-item", "any"),
                       ("rpl-item", "unit")):
        assert f'name="{name}-q"' in page
        assert f"/catalogue/suggest?field={name}&amp;kind={kind}" in page
    assert page.count('hx-trigger="input changed delay:250ms"') == 3
    # Without JavaScript: Search sends the form back with the matches to pick from.
    response = client.post("/me/enrol", headers=headers, data={
        "enrol-item-q": "level", "pick-search": "enrol-item"})
    page = _text(response)
    assert response.status_code == 200 and tracking.list_enrolments(jan) == []
    assert "Matches for &ldquo;level&rdquo;: tick one to pick" in page
    for key in ("l3", "l4", "l5", "other"):
        assert f'<input type="radio" name="enrol-item" value="{shelf[key].id}">' in page
    assert f'type="radio" name="enrol-item" value="{shelf["planning"].id}"' not in page
    response = client.post("/me/enrol", headers=headers, data={
        "enrol-item": str(shelf["l4"].id), "enrol-item-q": "diploma"})  # typed, not picked
    page = _text(response)
    assert response.status_code == 422 and tracking.list_enrolments(jan) == []
    assert "You typed \u201cdiploma\u201d but picked nothing: pick from the matches below." \
        in page
    assert f'<input type="radio" name="enrol-item" value="{shelf["l4"].id}" checked>' in page
    assert f'<input type="radio" name="enrol-item" value="{shelf["l5"].id}">' in page


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
    # Once in what she can take next, once at the next level, once with its detail for the role.
    assert page.count("Level 4 Award in Music Education</a>") == 3
    assert page.count('class="role-step"') == 1
