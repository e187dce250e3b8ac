from datetime import date, time

import pytest

from tests.clock import FROZEN_NOW
from tests.progress.conftest import TODAY
from workspace.exceptions import DomainError, NotFound
from workspace.extensions import db
from workspace.models import ItemArea
from workspace.models.progress import UnitStatus
from workspace.services.cpd import sessions
from workspace.services.progress import tracking

NOW = FROZEN_NOW


def _status(prog, stable_id):
    row = next(r for r in prog.mandatory + [r for g in prog.optional for r in g.rows]
               if r.unit.stable_id == stable_id)
    return row.achieved, row.credited


def test_a_unit_achieved_in_one_qualification_counts_in_another(make_user, shelf):
    jan = make_user()
    l3 = tracking.enrol(jan, shelf["l3"], TODAY)
    other = tracking.enrol(jan, shelf["other"], TODAY)
    tracking.update_unit(jan, l3.id, shelf["safeguarding"].id, status=UnitStatus.ACHIEVED)
    assert _status(tracking.enrolment_progress(other), "U-SAFE") == (
        True, "achieved on Level 3 Certificate in Creative Practice")
    assert _status(tracking.enrolment_progress(l3), "U-SAFE") == (True, None)
    other_progress = tracking.enrolment_progress(other)
    assert other_progress.mandatory_achieved == 1 and not other_progress.complete
    tracking.update_unit(jan, other.id, shelf["youth"].id, status=UnitStatus.ACHIEVED)
    assert tracking.enrolment_progress(other).complete


def test_held_qualifications_and_verified_prior_learning_count_and_say_why(
        make_user, make_partnership, add_member, shelf):
    jan, assessor = make_user(name="Jan"), make_user(name="Ana")
    hub = make_partnership(lead=assessor)
    add_member(hub, jan)
    tracking.add_held(jan, shelf["l3"], year=2019)
    claim = tracking.claim_prior_learning(jan, shelf["planning"], "Ran a music club for 5 years")
    l4 = tracking.enrol(jan, shelf["l4"], TODAY)
    prog = tracking.enrolment_progress(l4)
    assert _status(prog, "U-SAFE") == (
        True, "part of Level 3 Certificate in Creative Practice, which you hold")
    assert _status(prog, "U-PLAN") == (False, None)  # claimed, not yet verified
    with pytest.raises(DomainError, match="Someone else"):
        tracking.decide_claim(hub.id, claim.id, jan, True, NOW)
    tracking.decide_claim(hub.id, claim.id, assessor, True, NOW)
    assert _status(tracking.enrolment_progress(l4), "U-PLAN") == (True, "verified prior learning")
    assert tracking.enrolment_progress(l4).complete


def test_claims_are_verified_only_by_leads_of_a_partnership_of_the_person(
        make_user, make_partnership, shelf):
    jan = make_user()
    claim = tracking.claim_prior_learning(jan, shelf["planning"], "Experience")
    stranger_hub = make_partnership()
    with pytest.raises(NotFound):
        tracking.decide_claim(stranger_hub.id, claim.id, stranger_hub.memberships[0].user,
                              True, NOW)


def test_progression_respects_pre_requirements(make_user, shelf):
    jan = make_user()
    assert [i.stable_id for i in tracking.progression(jan, TODAY, NOW).next_steps] == []
    tracking.add_held(jan, shelf["l3"], year=2020)
    steps = tracking.progression(jan, TODAY, NOW).next_steps
    assert [i.stable_id for i in steps] == ["L4"]  # L5 needs L4 first
    l4 = tracking.enrol(jan, shelf["l4"], TODAY)
    assert tracking.progression(jan, TODAY, NOW).next_steps == []  # working on it now
    tracking.update_unit(jan, l4.id, shelf["planning"].id, status=UnitStatus.ACHIEVED)
    assert [i.stable_id for i in tracking.progression(jan, TODAY, NOW).next_steps] == ["L5"]


def test_role_and_next_level_and_missing_areas(make_user, shelf, areas):
    from workspace.extensions import db
    from workspace.models import JobRole
    from workspace.services.catalogue import items

    role = JobRole(name="Music leader")
    db.session.add(role)
    db.session.commit()
    for key in ("l3", "l4", "l5"):
        items.set_roles(None, shelf[key], {role.id})
    jan = make_user()
    tracking.update_profile(jan, job_role=role, organisation="Riverside", share_with_leads=False)
    plan = tracking.progression(jan, TODAY, NOW)
    assert [i.stable_id for i in plan.for_role] == ["L3"]  # the others need L3 or L4 first
    tracking.add_held(jan, shelf["l3"])
    plan = tracking.progression(jan, TODAY, NOW)
    assert plan.highest_level == 3 and [i.stable_id for i in plan.next_level] == ["L4"]
    # Nothing in the shelf is judged not to cover an area: the rest is not yet judged, no gap.
    assert [a.number for a in plan.areas_missing] == []
    assert [a.number for a in plan.areas_not_judged] == [2, 4, 5, 6]


def test_enrolment_rules(make_user, shelf, make_item_closed):
    jan = make_user()
    with pytest.raises(DomainError, match="is a unit"):
        tracking.enrol(jan, shelf["safeguarding"], TODAY)
    tracking.enrol(jan, shelf["l3"], TODAY)
    with pytest.raises(DomainError, match="already enrolled"):
        tracking.enrol(jan, shelf["l3"], TODAY)
    with pytest.raises(DomainError, match="closed to new learners"):
        tracking.enrol(jan, make_item_closed, TODAY)


def test_others_records_are_not_found(make_user, shelf):
    jan, tom = make_user(), make_user()
    enrolment = tracking.enrol(jan, shelf["l3"], TODAY)
    with pytest.raises(NotFound):
        tracking.update_unit(tom, enrolment.id, shelf["safeguarding"].id,
                             status=UnitStatus.ACHIEVED)
    with pytest.raises(NotFound):
        tracking.update_unit(jan, enrolment.id, shelf["planning"].id,
                             status=UnitStatus.ACHIEVED)  # not a unit of this qualification


@pytest.fixture
def make_item_closed(app):
    from datetime import date

    from workspace.services.catalogue import items

    return items.create_item(None, "OLD", title="Old certificate", is_qualification=True,
                                 operational_end=date(2020, 1, 1))


# --- Common Core areas in the record: covered, not covered, not yet judged -------------------


def _judge_not_covered(items_, area):
    db.session.add_all(ItemArea(item_id=i.id, area_id=area.id, covered=False) for i in items_)
    db.session.commit()


def _numbers(areas_):
    return [a.number for a in areas_]


def test_an_empty_record_covers_nothing_and_leaves_nothing_unjudged(make_user, shelf):
    plan = tracking.progression(make_user(), TODAY, NOW)
    assert _numbers(plan.areas_missing) == [1, 2, 3, 4, 5, 6] and plan.areas_not_judged == []


def test_an_area_is_a_gap_only_when_everything_held_is_judged_not_to_cover_it(
        make_user, shelf, areas):
    jan = make_user()
    tracking.add_held(jan, shelf["l3"])  # with its units: safeguarding (3), practice (1)
    _judge_not_covered([shelf["l3"], shelf["safeguarding"]], areas[2])
    plan = tracking.progression(jan, TODAY, NOW)
    assert _numbers(plan.areas_not_judged) == [2, 4, 5, 6]  # practice is unjudged on 2
    _judge_not_covered([shelf["practice"]], areas[2])
    plan = tracking.progression(jan, TODAY, NOW)
    assert _numbers(plan.areas_missing) == [2] and _numbers(plan.areas_not_judged) == [4, 5, 6]
    assert tracking.record_areas(jan) == {areas[1].id, areas[3].id}


def test_sessions_are_suggested_for_gaps_not_for_areas_not_yet_judged(
        make_user, make_partnership, add_member, shelf, areas):
    jan, lead = make_user(), make_user()
    hub = make_partnership(lead=lead)
    add_member(hub, jan)
    network = sessions.create_network(hub, name="Network", coordinator=lead)
    for title, number in (("On area 2", 2), ("On area 4", 4)):
        sessions.schedule_session(hub, network, sessions.SessionFields(
            title=title, day=date(2030, 3, 3), start=time(9), end=time(12), capacity=5,
            area_ids=frozenset({areas[number].id})))
    tracking.add_held(jan, shelf["l3"])
    _judge_not_covered([shelf["l3"], shelf["safeguarding"], shelf["practice"]], areas[2])
    plan = tracking.progression(jan, TODAY, NOW)
    assert [s.title for s in plan.sessions] == ["On area 2"]  # area 4 is not yet judged
