"""Centres' rules: making one, its staff, registration and the completion window, and who
assesses (the centre's assessors, and nobody else, on a registered enrolment)."""

from datetime import date, timedelta

import pytest

from tests.progress.conftest import TODAY
from workspace.clock import utcnow
from workspace.exceptions import DomainError, Forbidden
from workspace.models.centres import StaffRole
from workspace.models.progress import ClaimState, UnitStatus
from workspace.services.catalogue import items
from workspace.services.partnerships import membership as partnerships
from workspace.services.progress import centres, tracking


def test_add_months_keeps_the_day_or_the_months_last():
    assert centres.add_months(date(2026, 11, 23), 24) == date(2028, 11, 23)
    assert centres.add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert centres.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)


def test_a_cme_centre_takes_the_two_years_the_pack_states(cme_hub):
    assert cme_hub["centre"].window_months == 24
    assert [u.name for u in centres.staff(cme_hub["centre"], StaffRole.ASSESSOR)] == [
        "Asha Assessor"]
    centres.update_window(cme_hub["centre"], 18)
    assert cme_hub["centre"].window_months == 18


def test_centre_rules(cme_hub, make_partnership, make_user):
    partnership, organisation = cme_hub["partnership"], cme_hub["organisation"]
    with pytest.raises(DomainError, match="already a centre for"):
        centres.create_centre(partnership, organisation.id, cme_hub["cme"])
    with pytest.raises(DomainError, match="is a unit"):
        centres.create_centre(partnership, organisation.id, cme_hub["unit"])
    other = items.find_item("L3-CCP")
    with pytest.raises(DomainError, match="Enter how many months") as error:
        centres.create_centre(partnership, organisation.id, other)
    assert error.value.field == "window_months"
    with pytest.raises(DomainError, match="from 1 to 120"):
        centres.create_centre(partnership, organisation.id, other, 0)
    assert centres.create_centre(partnership, organisation.id, other, 12).window_months == 12
    elsewhere = make_partnership(lead=make_user())
    with pytest.raises(DomainError, match="member of the partnership"):
        centres.add_staff(cme_hub["centre"], elsewhere.memberships[0].id, StaffRole.MENTOR)
    with pytest.raises(DomainError, match="already assessor"):
        membership = partnerships.find_membership(partnership.id, cme_hub["assessor"])
        centres.add_staff(cme_hub["centre"], membership.id, StaffRole.ASSESSOR)


def test_registration_sets_the_deadline_two_years_on(cme_hub):
    registration = centres.register(cme_hub["centre"], cme_hub["learner"], TODAY)
    assert registration.registered_on == TODAY == date(2026, 11, 23)
    assert registration.complete_by == date(2028, 11, 23)
    assert registration.enrolment.item_id == cme_hub["cme"].id
    with pytest.raises(DomainError, match="already registered"):
        centres.register(cme_hub["centre"], cme_hub["learner"], TODAY)


def test_registration_links_an_existing_enrolment(cme_hub):
    enrolment = tracking.enrol(cme_hub["learner"], cme_hub["cme"], TODAY - timedelta(days=40))
    registration = centres.register(cme_hub["centre"], cme_hub["learner"], TODAY)
    assert registration.enrolment_id == enrolment.id
    assert tracking.list_enrolments(cme_hub["learner"]) == [enrolment]


def test_deadline_warns_from_90_days_and_is_overdue_after(cme_hub):
    registration = centres.register(cme_hub["centre"], cme_hub["learner"], TODAY)
    end = registration.complete_by
    assert not centres.deadline(registration, TODAY).warning
    assert centres.deadline(registration, TODAY).days_left == (end - TODAY).days == 731
    assert not centres.deadline(registration, end - timedelta(days=91)).warning
    assert centres.deadline(registration, end - timedelta(days=90)).warning
    assert centres.deadline(registration, end).warning
    late = centres.deadline(registration, end + timedelta(days=1))
    assert late.overdue and not late.warning and late.days_left == -1


def test_only_the_centres_assessor_marks_units_achieved(cme_hub):
    learner, unit = cme_hub["learner"], cme_hub["unit"]
    enrolment = centres.register(cme_hub["centre"], learner, TODAY).enrolment
    tracking.update_unit(learner, enrolment.id, unit.id, status=UnitStatus.EVIDENCE_SUBMITTED,
                         evidence_note="Portfolio")
    with pytest.raises(DomainError, match="assessor marks units achieved"):
        tracking.update_unit(learner, enrolment.id, unit.id, status=UnitStatus.ACHIEVED)
    assert not centres.may_assess(cme_hub["lead"], enrolment)
    assert not centres.may_assess(learner, enrolment)
    assert centres.may_assess(cme_hub["assessor"], enrolment)
    with pytest.raises(Forbidden):
        centres.mark_achieved(cme_hub["centre"], cme_hub["lead"], enrolment.id, unit.id, TODAY)
    waiting = centres.awaiting(cme_hub["centre"])
    assert [(r.enrolment.user.name, i.title) for r, _, i in waiting.units] == [
        ("Pat Practitioner", unit.title)]
    centres.mark_achieved(cme_hub["centre"], cme_hub["assessor"], enrolment.id, unit.id, TODAY)
    assert tracking.enrolment_progress(enrolment).mandatory_achieved == 1
    assert centres.awaiting(cme_hub["centre"]).units == []
    with pytest.raises(DomainError, match="assessor marks units achieved"):  # nor undo it
        tracking.update_unit(learner, enrolment.id, unit.id, status=UnitStatus.IN_PROGRESS)


def test_an_enrolment_without_a_centre_stays_the_learners_own(cme_hub):
    enrolment = tracking.enrol(cme_hub["learner"], items.find_item("L3-CCP"), TODAY)
    assert centres.may_assess(cme_hub["learner"], enrolment)
    assert not centres.may_assess(cme_hub["assessor"], enrolment)


def test_a_claimant_is_told_who_decides_their_claim(cme_hub, make_user):
    learner = cme_hub["learner"]
    claim = tracking.claim_prior_learning(learner, cme_hub["unit"], "Ten years of teaching")
    assert tracking.who_decides(claim) == \
        "a lead of Riverside Music Education Hub can now verify it"
    centres.register(cme_hub["centre"], learner, TODAY)
    assert tracking.who_decides(claim) == "the assessors of Riverside Music Service decide it"
    loner = make_user(name="Jan Newcomer")
    alone = tracking.claim_prior_learning(loner, cme_hub["unit"], "A playgroup")
    assert tracking.who_decides(alone).startswith("nobody can verify it until you join")


def test_prior_learning_on_a_centres_unit_is_for_its_assessor(cme_hub):
    partnership, learner = cme_hub["partnership"], cme_hub["learner"]
    centres.register(cme_hub["centre"], learner, TODAY)
    claim = tracking.claim_prior_learning(learner, cme_hub["unit"], "Ten years of teaching")
    assert tracking.claims_to_verify(partnership.id) == []  # not the leads' to decide
    with pytest.raises(Forbidden):
        tracking.decide_claim(partnership.id, claim.id, cme_hub["lead"], True, utcnow())
    with pytest.raises(Forbidden):
        centres.decide_claim(cme_hub["centre"], cme_hub["lead"], claim.id, True, utcnow())
    assert [c.id for c in centres.awaiting(cme_hub["centre"]).claims] == [claim.id]
    centres.decide_claim(cme_hub["centre"], cme_hub["assessor"], claim.id, True, utcnow())
    assert claim.state == ClaimState.VERIFIED
    assert centres.awaiting(cme_hub["centre"]).claims == []


def test_leads_still_verify_claims_without_a_centre(cme_hub):
    claim = tracking.claim_prior_learning(cme_hub["learner"], cme_hub["unit"], "Ran a club")
    assert [c.id for c in tracking.claims_to_verify(cme_hub["partnership"].id)] == [claim.id]
    tracking.decide_claim(cme_hub["partnership"].id, claim.id, cme_hub["lead"], True, utcnow())
    assert claim.state == ClaimState.VERIFIED


def test_staff_follow_the_centres_learners_nearest_deadline_first(cme_hub, make_user,
                                                                   add_member):
    centre, partnership = cme_hub["centre"], cme_hub["partnership"]
    assert centres.is_staff(cme_hub["assessor"], centre)
    assert not centres.is_staff(cme_hub["lead"], centre)
    later = make_user(name="Lee Later")
    add_member(partnership, later)
    centres.register(centre, later, TODAY + timedelta(days=3))
    centres.register(centre, cme_hub["learner"], TODAY)
    assert [r.enrolment.user.name for r in centres.list_registrations(centre)] == [
        "Pat Practitioner", "Lee Later"]
