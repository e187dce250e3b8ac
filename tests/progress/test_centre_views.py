"""Centre pages: making a centre and naming its staff, registering, the deadline on the
enrolment page, and the assessor's list; a lead who is not the assessor gets 403."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import HTMX
from tests.progress.conftest import TODAY
from workspace.extensions import db
from workspace.models import Centre, CentreStaff
from workspace.models.centres import Confidence, StaffRole
from workspace.models.progress import ClaimState, UnitStatus
from workspace.services.catalogue import items
from workspace.services.partnerships import membership as partnerships
from workspace.services.progress import centres, plans, tracking


def _text(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_a_lead_makes_a_member_organisation_a_centre(client, auth, cme_hub, headers):
    partnership, lead = cme_hub["partnership"], cme_hub["lead"]
    db.session.delete(cme_hub["centre"])
    db.session.commit()
    auth.login(lead)
    url = f"/p/{partnership.id}/centres"
    page = _text(client.get(url, headers=headers))
    assert "No member organisation is a centre yet." in page
    cme = cme_hub["cme"]
    assert f'<option value="{cme.id}">{cme.title} · Trinity College London</option>' in page
    assert f'<option value="{cme_hub["unit"].id}">' not in page  # units are not offered
    form = {"organisation": str(cme_hub["organisation"].id), "item": str(cme.id)}
    response = client.post(url, headers=headers, data={**form, "window_months": "0"})
    assert response.status_code == 422 and "Enter a number of months from 1 to 120." in _text(
        response)
    response = client.post(url, headers=headers, data={**form, "organisation": "0"})
    assert response.status_code == 422 and "Choose an organisation." in _text(response)
    assert db.session.scalars(select(Centre)).all() == []
    response = client.post(url, headers=headers, data={**form, "window_months": ""})
    assert response.status_code == 302
    centre = db.session.scalars(select(Centre)).one()
    assert centre.window_months == 24 and centre.item_id == cme.id
    page = _text(client.get(response.headers["Location"], headers=headers))
    assert "learners complete it within 24 months of registering" in page


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_a_lead_names_assessors_and_mentors_and_changes_the_window(client, auth, cme_hub,
                                                                   headers):
    partnership, centre = cme_hub["partnership"], cme_hub["centre"]
    auth.login(cme_hub["lead"])
    url = f"/p/{partnership.id}/centres/{centre.id}"
    page = _text(client.get(url, headers=headers))
    assert "Asha Assessor" in page and "Name an assessor or mentor" in page
    learner = partnerships.find_membership(partnership.id, cme_hub["learner"])
    response = client.post(f"{url}/staff", headers=headers,
                           data={"membership_id": "0", "role": "mentor"})
    assert response.status_code == 422 and "Choose a member." in _text(response)
    client.post(f"{url}/staff", headers=headers,
                data={"membership_id": str(learner.id), "role": "mentor"})
    mentors = db.session.scalars(select(CentreStaff).where(CentreStaff.role == "mentor")).all()
    assert [m.membership_id for m in mentors] == [learner.id]
    response = client.post(f"{url}/window", headers=headers, data={"window_months": "abc"})
    assert response.status_code == 422 and "Enter a number of months." in _text(response)
    client.post(f"{url}/window", headers=headers, data={"window_months": "18"})
    assert db.session.get(Centre, centre.id).window_months == 18
    client.post(f"{url}/staff/{mentors[0].id}/remove", headers=headers)
    assert db.session.scalars(select(CentreStaff)).all() != [] and db.session.scalar(
        select(CentreStaff.id).where(CentreStaff.role == "mentor")) is None


def test_members_cannot_change_a_centre(client, auth, cme_hub):
    partnership, centre = cme_hub["partnership"], cme_hub["centre"]
    auth.login(cme_hub["learner"])
    url = f"/p/{partnership.id}/centres/{centre.id}"
    assert "Name an assessor or mentor" not in _text(client.get(url))
    assert client.post(f"{url}/window", data={"window_months": "6"}).status_code == 403
    assert client.post(f"/p/{partnership.id}/centres", data={}).status_code == 403
    assert db.session.get(Centre, centre.id).window_months == 24


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_registering_shows_the_deadline_two_years_on(client, auth, cme_hub, clock, headers):
    partnership, centre = cme_hub["partnership"], cme_hub["centre"]
    auth.login(cme_hub["learner"])
    response = client.post(f"/p/{partnership.id}/centres/{centre.id}/register",
                           headers=headers)
    assert response.status_code == 302
    page = _text(client.get(response.headers["Location"], headers=headers))
    assert "Complete by 23 November 2028" in page and "731 days left" in page
    assert "Riverside Music Service</a> on 23 November 2026" in page
    assert "Your deadline is near" not in page
    assert '<option value="achieved"' not in page  # the assessor marks that
    clock.shift(timedelta(days=731 - 90))
    auth.login(cme_hub["learner"])  # the session has long expired
    page = _text(client.get(response.headers["Location"], headers=headers))
    assert "90 days left" in page and "Your deadline is near" in page
    clock.shift(timedelta(days=91))
    auth.login(cme_hub["learner"])
    page = _text(client.get(response.headers["Location"], headers=headers))
    assert "overdue</strong> by 1 day" in page and "The deadline has passed" in page


def test_the_learner_cannot_mark_a_centres_unit_achieved(client, auth, cme_hub):
    enrolment = centres.register(cme_hub["centre"], cme_hub["learner"], TODAY).enrolment
    auth.login(cme_hub["learner"])
    url = f"/me/enrolments/{enrolment.id}/units/{cme_hub['unit'].id}"
    response = client.post(url, headers=HTMX, data={"status": "achieved"})
    assert response.status_code == 422
    assert "Your centre&#39;s assessor marks units achieved." in _text(response)
    response = client.post(url, headers=HTMX, data={"status": "evidence_submitted",
                                                    "evidence_note": "Video of a lesson"})
    assert response.status_code == 200
    assert tracking.enrolment_progress(enrolment).mandatory[0].status == \
        UnitStatus.EVIDENCE_SUBMITTED


def test_a_lead_who_is_not_the_assessor_gets_403(client, auth, cme_hub):
    partnership, centre, unit = cme_hub["partnership"], cme_hub["centre"], cme_hub["unit"]
    enrolment = centres.register(centre, cme_hub["learner"], TODAY).enrolment
    tracking.update_unit(cme_hub["learner"], enrolment.id, unit.id,
                         status=UnitStatus.EVIDENCE_SUBMITTED)
    claim = tracking.claim_prior_learning(cme_hub["learner"], items.find_item("CME-U2"),
                                          "Years of whole-class teaching")
    auth.login(cme_hub["lead"])
    base = f"/p/{partnership.id}/centres/{centre.id}"
    assert client.get(f"{base}/assessing").status_code == 403
    assert client.post(f"{base}/enrolments/{enrolment.id}/units/{unit.id}/achieved"
                       ).status_code == 403
    assert client.post(f"{base}/prior-learning/{claim.id}/verify").status_code == 403
    assert client.post(f"/p/{partnership.id}/prior-learning/{claim.id}/verify"
                       ).status_code == 403
    assert "Years of whole-class teaching" not in _text(
        client.get(f"/p/{partnership.id}/prior-learning"))
    assert tracking.enrolment_progress(enrolment).mandatory_achieved == 0
    assert tracking.list_claims(cme_hub["learner"])[0].state == ClaimState.CLAIMED


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_the_assessor_verifies_and_the_unit_counts(client, auth, cme_hub, headers):
    partnership, centre, unit = cme_hub["partnership"], cme_hub["centre"], cme_hub["unit"]
    enrolment = centres.register(centre, cme_hub["learner"], TODAY).enrolment
    tracking.update_unit(cme_hub["learner"], enrolment.id, unit.id,
                         status=UnitStatus.EVIDENCE_SUBMITTED, evidence_note="Observed lesson")
    claim = tracking.claim_prior_learning(cme_hub["learner"], items.find_item("CME-U2"),
                                          "Years of whole-class teaching")
    auth.login(cme_hub["assessor"])
    base = f"/p/{partnership.id}/centres/{centre.id}"
    assert "Waiting for assessment" in _text(client.get(base, headers=headers))
    page = _text(client.get(f"{base}/assessing", headers=headers))
    assert "Observed lesson" in page and "Years of whole-class teaching" in page
    client.post(f"{base}/enrolments/{enrolment.id}/units/{unit.id}/achieved", headers=headers)
    client.post(f"{base}/prior-learning/{claim.id}/verify", headers=headers)
    progress = tracking.enrolment_progress(enrolment)
    assert progress.mandatory_achieved == 2  # the unit achieved, and the verified claim
    page = _text(client.get(f"{base}/assessing", headers=headers))
    assert "No units are waiting." in page and "No claims are waiting." in page
    auth.login(cme_hub["learner"])
    page = _text(client.get(f"/me/enrolments/{enrolment.id}"))
    assert "2 of 6 mandatory units achieved" in page and "assessed by your centre" in page


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_mentors_follow_learners_deadlines_and_plans(client, auth, cme_hub, clock, make_user,
                                                     add_member, headers):
    partnership, centre, unit = cme_hub["partnership"], cme_hub["centre"], cme_hub["unit"]
    mentor = make_user(name="Milo Mentor")
    centres.add_staff(centre, add_member(partnership, mentor).id, StaffRole.MENTOR)
    registration = centres.register(centre, cme_hub["learner"], TODAY)
    plans.save_unit_plan(registration.enrolment, unit.id, confidence=Confidence.NOT_YET,
                         support="Shadow a whole-class lesson", session_ids=set(), offered=[])
    base = f"/p/{partnership.id}/centres/{centre.id}"
    for outsider in (cme_hub["lead"], cme_hub["learner"]):  # neither assessor nor mentor
        auth.login(outsider)
        assert client.get(f"{base}/learners", headers=headers).status_code == 403
        assert client.get(f"{base}/registrations/{registration.id}/plan",
                          headers=headers).status_code == 403
    auth.login(mentor)
    assert "Learners and their plans" in _text(client.get(base, headers=headers))
    page = _text(client.get(f"{base}/learners", headers=headers))
    assert "Pat Practitioner" in page and "731 days left" in page
    page = _text(client.get(f"{base}/registrations/{registration.id}/plan", headers=headers))
    assert "Not yet" in page and "Shadow a whole-class lesson" in page
    clock.shift(timedelta(days=700))
    auth.login(mentor)
    page = _text(client.get(f"{base}/learners", headers=headers))
    assert 'class="deadline-warning"' in page and "<strong>31 days left</strong>" in page
