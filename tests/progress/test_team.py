"""The team development plan (Chris's extended school): who holds what, with consent; what the
team's roles call for and what the team lacks, in three states; the units and sessions of the
partnership that fill it; a move to another role; who may see it.

The school's team, as `school` sets it up (every figure below is counted from this):

    name           role       shares with   holds / works towards
    Chris (viewer) Head       organisation  -
    Amir           TA         organisation  holds TA-L2
    Beth           TA         both          works towards TA-L2, unit U-SAFE achieved
    Carl           TA         organisation  -
    Dee            Playworker both          holds PW-L3
    Eve Private    TA         nobody        -

Everyone but Eve is named to Chris; Eve, the one person not named to her, is left out of her
figures (fewer than five not named would be described by them), so every figure below is of
the first five.

The catalogue (J: judged not covered, C: covered, blank: not yet judged), each item's own rows:

    item                    1  2  3  4  5  6
    TA-L2 (TA, source)      C  J     J  J  J    unit U-SAFE:  J  J  C  J  J  J
                                                unit U-COMM:  C  J  J  J  J  J
    TA-L3 (TA, key)                             unit U-MULTI: .  .  .  .  C  C
    PW-L3 (PW, source)      J  J  J  C  J       unit U-PLAY:  J  C  J  J  J
    PW-CERT (PW, editorial) no rows, no units; PW-OLD (PW) withdrawn

So the roles call for: TA 1, 3, 5, 6; Playworker 2, 4. The records: Amir covers 1, 3 and is
judged not to cover 2, 4, 5, 6; Beth (U-SAFE) covers 3 and is judged not to cover the rest; Dee
covers 2, 4, is judged not to cover 1, 3, 5 and is not yet judged on 6; Chris and Carl hold
nothing (an empty record covers nothing). The team: 1-4 covered; 5 a gap (every record judged
not to cover it); 6 not yet judged (Dee), so not a gap.
"""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from tests.clock import FROZEN_NOW
from tests.conftest import HTMX
from workspace.exceptions import Forbidden, NotFound
from workspace.extensions import db
from workspace.models import (
    Basis,
    ItemArea,
    ItemRole,
    JobRole,
    PractitionerProfile,
)
from workspace.models.catalogue import ItemStatus
from workspace.models.partnerships import Role, Sector
from workspace.models.progress import UnitStatus
from workspace.services import permissions
from workspace.services.catalogue import items as catalogue
from workspace.services.catalogue.coverage import AreaState
from workspace.services.cpd import sessions
from workspace.services.partnerships import membership
from workspace.services.progress import team, tracking

PRIVATE = "Private"  # in the name of the one person who shares their record with nobody
TODAY = FROZEN_NOW.date()


def judge(item, areas, covered=(), not_covered=()):
    """The item's own judgements: covered, and judged not covered (others not yet judged)."""
    for numbers, is_covered in ((covered, True), (not_covered, False)):
        db.session.add_all(ItemArea(item_id=item.id, area_id=areas[n].id, covered=is_covered)
                           for n in numbers)
    db.session.commit()


def attach(item, role, basis=Basis.SOURCE):
    db.session.add(ItemRole(item_id=item.id, job_role_id=role.id, basis=basis))
    db.session.commit()


@pytest.fixture
def shelf(app, areas):
    make = lambda sid, title, **kw: catalogue.create_item(None, sid, title=title, **kw)  # noqa
    roles = {name: JobRole(name=name) for name in ("Head", "Playworker", "Teaching assistant")}
    db.session.add_all(roles.values())
    db.session.commit()
    found = {
        "ta_l2": make("TA-L2", "Level 2 Certificate in Supporting Teaching", level=2,
                      is_qualification=True),
        "ta_l3": make("TA-L3", "Level 3 Diploma in Supporting Teaching", level=3,
                      is_qualification=True, is_key=True),
        "pw_l3": make("PW-L3", "Level 3 Diploma in Playwork", level=3, is_qualification=True),
        "pw_cert": make("PW-CERT", "Level 3 Certificate in Understanding Playwork", level=3,
                        is_qualification=True),
        "pw_old": make("PW-OLD", "Level 2 Award in Playwork (old)", level=2,
                       is_qualification=True),
        "u_safe": make("U-SAFE", "Safeguarding children in school", level=2),
        "u_comm": make("U-COMM", "Communicating with children", level=2),
        "u_multi": make("U-MULTI", "Working with other agencies", level=3),
        "u_play": make("U-PLAY", "Children's play and development", level=3)}
    for parent, child in (("ta_l2", "u_safe"), ("ta_l2", "u_comm"), ("ta_l3", "u_multi"),
                          ("pw_l3", "u_play")):
        catalogue.add_component(None, found[parent], found[child])
    judge(found["ta_l2"], areas, covered=[1], not_covered=[2, 4, 5, 6])
    judge(found["u_safe"], areas, covered=[3], not_covered=[1, 2, 4, 5, 6])
    judge(found["u_comm"], areas, covered=[1], not_covered=[2, 3, 4, 5, 6])
    judge(found["u_multi"], areas, covered=[5, 6])
    judge(found["pw_l3"], areas, covered=[4], not_covered=[1, 2, 3, 5])
    judge(found["u_play"], areas, covered=[2], not_covered=[1, 3, 4, 5])
    for key in ("ta_l2", "ta_l3"):
        attach(found[key], roles["Teaching assistant"])
    attach(found["pw_l3"], roles["Playworker"])
    attach(found["pw_cert"], roles["Playworker"], Basis.EDITORIAL)
    attach(found["pw_old"], roles["Playworker"])
    catalogue.withdraw_item(None, found["pw_old"], TODAY - timedelta(days=400))
    return found | {"roles": roles, "areas": areas}


@pytest.fixture
def school(shelf, make_user, make_partnership, add_member):
    """The partnership, its extended school and team, a steering member and a member of
    another organisation; another partnership with a school of its own."""
    lead = make_user(name="Lena Lead")
    partnership = make_partnership(lead=lead, name="Riverside CEP")
    people = {key: make_user(name=name) for key, name in (
        ("chris", "Chris Head"), ("amir", "Amir"), ("beth", "Beth"), ("carl", "Carl"),
        ("dee", "Dee"), ("eve", f"Eve {PRIVATE}"), ("steer", "Sol Steering"),
        ("other", "Olu Other"))}
    memberships = {key: add_member(partnership, user) for key, user in people.items()
                   if key != "steer"}
    memberships["steer"] = add_member(partnership, people["steer"], Role.STEERING)
    org = membership.add_organisation(partnership, name="Southfields Extended School",
                                      sector=Sector.SCHOOL, school_phase="Primary")
    elsewhere = membership.add_organisation(partnership, name="Riverside Arts Centre",
                                            sector=Sector.CULTURAL)
    for key in ("chris", "amir", "beth", "carl", "dee", "eve"):
        membership.add_representative(partnership, org.id, memberships[key].id)
    membership.add_representative(partnership, elsewhere.id, memberships["other"].id)
    roles = shelf["roles"]
    for key, role, leads, organisation in (
            ("chris", "Head", False, True), ("amir", "Teaching assistant", False, True),
            ("beth", "Teaching assistant", True, True),
            ("carl", "Teaching assistant", False, True), ("dee", "Playworker", True, True),
            ("eve", "Teaching assistant", False, False)):
        tracking.update_profile(people[key], job_role=roles[role], organisation="",
                                share_with_leads=leads, share_with_organisation=organisation)
    tracking.add_held(people["amir"], shelf["ta_l2"], year=2021)
    enrolment = tracking.enrol(people["beth"], shelf["ta_l2"], TODAY)
    tracking.update_unit(people["beth"], enrolment.id, shelf["u_safe"].id,
                         status=UnitStatus.ACHIEVED)
    tracking.add_held(people["dee"], shelf["pw_l3"], year=2017)
    return {"partnership": partnership, "org": org, "elsewhere": elsewhere, "lead": lead,
            "people": people, "memberships": memberships,
            "lead_membership": membership.find_membership(partnership.id, lead)}


@pytest.fixture
def network(school):
    return sessions.create_network(school["partnership"], name="Extended schools",
                                   coordinator=school["lead"])


def schedule(partnership, network, title, day, units=(), areas=()):
    return sessions.schedule_session(partnership, network, sessions.SessionFields(
        title=title, day=day, start=time(16), end=time(18), capacity=10,
        module_ids=frozenset(u.id for u in units), area_ids=frozenset(a.id for a in areas)))


@pytest.fixture
def other_partnership(shelf, make_user, make_partnership, add_member):
    """Zebra's partnership: a teaching assistant who shares everything, and sessions that
    deliver the very units our school lacks."""
    zebra_lead = make_user(name="Zebra Lead")
    theirs = make_partnership(lead=zebra_lead, name="Zebra Hub")
    ta = make_user(name="Zebra Assistant")
    member = add_member(theirs, ta)
    org = membership.add_organisation(theirs, name="Zebra School", sector=Sector.SCHOOL,
                                      school_phase="Primary")
    membership.add_representative(theirs, org.id, member.id)
    tracking.update_profile(ta, job_role=shelf["roles"]["Teaching assistant"], organisation="",
                            share_with_leads=True, share_with_organisation=True)
    tracking.add_held(ta, shelf["ta_l3"])
    network = sessions.create_network(theirs, name="Zebra network", coordinator=zebra_lead)
    schedule(theirs, network, "Zebra multi-agency day", TODAY + timedelta(days=10),
             units=[shelf["u_multi"]], areas=[shelf["areas"][5]])
    return {"partnership": theirs, "org": org}


def plan_for(school, viewer="chris"):
    viewer = (school["lead_membership"] if viewer == "lead"
              else school["memberships"][viewer])
    return team.team_plan(school["org"], viewer, FROZEN_NOW)


def names(members) -> list[str]:
    return [m.record.user.name for m in members]


# --- who may see it -------------------------------------------------------------------------


def test_leads_and_the_organisations_people_may_see_the_plan(school):
    org, ms = school["org"], school["memberships"]
    assert permissions.may_see_team(school["lead_membership"], org)
    assert all(permissions.may_see_team(ms[k], org) for k in ("chris", "amir", "carl"))
    assert not permissions.may_see_team(ms["steer"], org)  # steering, but not one of the school's
    assert not permissions.may_see_team(ms["other"], org)  # a member of another organisation


def test_the_organisation_is_found_only_in_its_own_partnership(school, other_partnership):
    partnership, chris = school["partnership"], school["memberships"]["chris"]
    assert team.get_team_organisation(partnership, school["org"].id, chris) == school["org"]
    with pytest.raises(NotFound):
        team.get_team_organisation(partnership, other_partnership["org"].id, chris)
    with pytest.raises(NotFound):
        team.get_team_organisation(partnership, 999_999, chris)
    with pytest.raises(Forbidden):
        team.get_team_organisation(partnership, school["org"].id, school["memberships"]["other"])


# --- who holds what, with consent ------------------------------------------------------------


def test_the_team_is_the_people_linked_to_the_organisation(school, other_partnership):
    plan = plan_for(school)
    assert sorted(names(plan.members)) == sorted(
        ["Chris Head", "Amir", "Beth", "Carl", "Dee", f"Eve {PRIVATE}"])


def test_the_organisations_people_see_the_names_of_those_who_share_with_it(school):
    plan = plan_for(school)  # Chris: herself, and those sharing with their organisation
    assert names(plan.named) == ["Amir", "Beth", "Carl", "Chris Head", "Dee"]
    assert (plan.hidden, plan.left_out) == (0, 1)  # Eve shares with nobody


def test_leads_see_the_names_of_those_who_share_with_leads(school):
    plan = plan_for(school, "lead")
    assert names(plan.named) == ["Beth", "Dee"]
    assert (plan.hidden, plan.left_out) == (0, 4)  # Amir, Carl, Chris, Eve: fewer than five


def test_nobody_sees_the_name_of_someone_who_shares_with_nobody(school):
    for viewer in ("lead", "chris", "amir", "beth", "carl", "dee"):
        plan = plan_for(school, viewer)
        assert f"Eve {PRIVATE}" not in names(plan.named)
    assert f"Eve {PRIVATE}" in names(plan_for(school, "eve").named)  # her own record


def test_the_figures_count_the_named_and_leave_out_fewer_than_five_others(school):
    plan = plan_for(school)
    by_role = {r.role.name: len(r.people) for r in plan.roles}
    assert by_role == {"Teaching assistant": 3, "Head": 1, "Playworker": 1}  # Eve left out
    assert [r.role.name for r in plan.roles][0] == "Teaching assistant"  # most people first
    assert plan.without_role == 0
    lead_plan = plan_for(school, "lead")  # four not named: the figures would describe them
    assert names(lead_plan.counted) == ["Beth", "Dee"]
    assert {r.role.name: len(r.people) for r in lead_plan.roles} == {
        "Teaching assistant": 1, "Playworker": 1}


def test_five_or_more_not_named_count_in_the_figures(school, make_user, add_member):
    for n in range(4):
        person = make_user(name=f"Fay {n} {PRIVATE}")
        joined = add_member(school["partnership"], person)
        membership.add_representative(school["partnership"], school["org"].id, joined.id)
        tracking.update_profile(person, job_role=None, organisation="",
                                share_with_leads=False, share_with_organisation=False)
    plan = plan_for(school)  # Eve and the four: five not named
    assert (plan.hidden, plan.left_out, len(plan.counted)) == (5, 0, 10)
    assert PRIVATE not in " ".join(names(plan.named))
    assert {r.role.name: len(r.people) for r in plan.roles}["Teaching assistant"] == 4  # Eve
    assert plan.without_role == 4  # the four chose no role


# --- what the roles call for and what the team lacks ----------------------------------------


def test_each_role_lists_what_it_calls_for_with_the_teams_counts(school):
    plan = plan_for(school)
    assistant = next(r for r in plan.roles if r.role.name == "Teaching assistant")
    assert [(q.item.stable_id, q.is_key, q.holds, q.working_towards)
            for q in assistant.qualifications] == [("TA-L3", True, 0, 0), ("TA-L2", False, 1, 1)]
    assert names(assistant.holding) == ["Amir"]
    assert names(assistant.working) == ["Beth"]
    assert names(assistant.lacking) == ["Carl"]
    playworker = next(r for r in plan.roles if r.role.name == "Playworker")
    assert [(q.item.stable_id, q.reason) for q in playworker.qualifications] == [
        ("PW-OLD", "named by a source"), ("PW-CERT", "editors' suggestion"),
        ("PW-L3", "named by a source")]
    assert names(playworker.holding) == ["Dee"] and not playworker.lacking
    head = next(r for r in plan.roles if r.role.name == "Head")
    assert head.qualifications == [] and head.lacking == [head.people[0]]


def test_gaps_in_three_states(school):
    areas = {a.area.number: a for a in plan_for(school).areas}
    assert {n: [r.name for r in a.called_by] for n, a in areas.items()} == {
        1: ["Teaching assistant"], 2: ["Playworker"], 3: ["Teaching assistant"],
        4: ["Playworker"], 5: ["Teaching assistant"], 6: ["Teaching assistant"]}
    assert {n: a.team for n, a in areas.items()} == {
        1: AreaState.COVERED, 2: AreaState.COVERED, 3: AreaState.COVERED,
        4: AreaState.COVERED, 5: AreaState.NOT_COVERED, 6: AreaState.NOT_JUDGED}
    assert {n: (a.covering, a.not_judged) for n, a in areas.items()} == {
        1: (1, 0), 2: (1, 0), 3: (2, 0), 4: (1, 0), 5: (0, 0), 6: (0, 1)}
    plan = plan_for(school)
    assert [a.area.number for a in plan.gaps] == [5]
    assert [a.area.number for a in plan.not_judged] == [6]


def test_not_yet_judged_is_never_a_gap_until_someone_judges_it(school, shelf):
    """Area 6: Dee's diploma is not yet judged on it, so nobody lacking it is a gap; once the
    editors judge that her diploma does not cover it, it is."""
    assert 6 not in [a.area.number for a in plan_for(school).gaps]
    judge(shelf["pw_l3"], shelf["areas"], not_covered=[6])
    judge(shelf["u_play"], shelf["areas"], not_covered=[6])
    assert [a.area.number for a in plan_for(school).gaps] == [5, 6]


def test_an_area_no_role_calls_for_is_not_a_gap(school, shelf):
    db.session.execute(ItemRole.__table__.delete().where(
        ItemRole.item_id == shelf["ta_l3"].id))  # nothing calls for 5 any more
    db.session.commit()
    plan = plan_for(school)
    assert plan.gaps == []
    assert {a.area.number: a.team for a in plan.areas}[5] is AreaState.NOT_COVERED


def test_units_and_upcoming_sessions_of_the_partnership_fill_the_gap(
        school, shelf, network, other_partnership):
    partnership = school["partnership"]
    by_unit = schedule(partnership, network, "Multi-agency working day",
                       TODAY + timedelta(days=14), units=[shelf["u_multi"]])
    by_area = schedule(partnership, network, "Working together evening",
                       TODAY + timedelta(days=21), areas=[shelf["areas"][5]])
    schedule(partnership, network, "Last year's multi-agency day", TODAY - timedelta(days=30),
             units=[shelf["u_multi"]])
    schedule(partnership, network, "Phonics refresher", TODAY + timedelta(days=7))
    [gap] = plan_for(school).gaps
    assert [(o.unit.stable_id, o.within.stable_id) for o in gap.units] == [("U-MULTI", "TA-L3")]
    assert [o.session.id for o in gap.sessions] == [by_unit.id, by_area.id]
    assert [u.stable_id for u in gap.sessions[0].units] == ["U-MULTI"]
    assert [a.number for a in gap.sessions[1].areas] == [5]


def test_each_roles_sessions_deliver_its_qualifications_units(school, shelf, network):
    partnership = school["partnership"]
    play = schedule(partnership, network, "Play day", TODAY + timedelta(days=5),
                    units=[shelf["u_play"]])
    safe = schedule(partnership, network, "Safeguarding day", TODAY + timedelta(days=6),
                    units=[shelf["u_safe"]])
    roles = {r.role.name: r for r in plan_for(school).roles}
    assert [o.session.id for o in roles["Playworker"].sessions] == [play.id]
    assert [o.session.id for o in roles["Teaching assistant"].sessions] == [safe.id]


def test_other_partnerships_never_appear(school, shelf, other_partnership):
    plan = plan_for(school)
    assert "Zebra Assistant" not in names(plan.members)
    assert all(not gap.sessions for gap in plan.gaps)  # Zebra's multi-agency day is theirs
    assistant = next(r for r in plan.roles if r.role.name == "Teaching assistant")
    assert [q.holds for q in assistant.qualifications] == [0, 1]  # Zebra's TA-L3 not counted
    move = team.team_move(plan, None, shelf["roles"]["Teaching assistant"], FROZEN_NOW)
    assert move.sessions == []


def test_an_empty_team_has_no_gap(school):
    empty = membership.add_organisation(school["partnership"], name="New setting",
                                        sector=Sector.EARLY_YEARS)
    plan = team.team_plan(empty, school["lead_membership"], FROZEN_NOW)
    assert (plan.members, plan.roles, plan.gaps) == ([], [], [])


# --- moving to another role -----------------------------------------------------------------


def test_assistants_moving_to_playwork(school, shelf, network):
    play = schedule(school["partnership"], network, "Play day", TODAY + timedelta(days=5),
                    units=[shelf["u_play"]])
    roles = shelf["roles"]
    move = team.team_move(plan_for(school), roles["Teaching assistant"], roles["Playworker"],
                          FROZEN_NOW)
    assert (move.source, move.target) == (roles["Teaching assistant"], roles["Playworker"])
    assert [c.item.stable_id for c in move.comparison.to_gain] == ["PW-OLD", "PW-CERT", "PW-L3"]
    assert [c.item.stable_id for c in move.options] == ["PW-CERT", "PW-L3"]  # not withdrawn
    assert (move.holding, move.working, move.needing) == (0, 0, 3)
    assert [p.member.record.user.name for p in move.named] == ["Amir", "Beth", "Carl"]
    assert move.hidden == 0  # Eve is left out of Chris's figures
    amir = move.named[0]
    assert ([a.number for a in amir.missing], amir.not_judged) == ([2, 4], [])
    assert [(a.area.number, a.missing, a.not_judged) for a in move.areas] == [
        (2, 3, 0), (4, 3, 0)]  # each assistant's record is judged not to cover them
    assert [o.unit.stable_id for o in move.units] == ["U-PLAY"]  # covers 2
    assert [o.session.id for o in move.sessions] == [play.id]


def test_everyone_in_the_team_moving(school, shelf):
    move = team.team_move(plan_for(school), None, shelf["roles"]["Playworker"], FROZEN_NOW)
    assert move.everyone and move.source is None
    assert len(move.people) == 5
    assert (move.holding, move.working, move.needing) == (1, 0, 4)  # Dee holds PW-L3
    dee = next(p for p in move.people if p.member.record.user.name == "Dee")
    assert [i.stable_id for i in dee.holds] == ["PW-L3"] and dee.missing == []


def test_a_role_nobody_holds_a_qualification_for(school, shelf):
    move = team.team_move(plan_for(school), shelf["roles"]["Head"],
                          shelf["roles"]["Teaching assistant"], FROZEN_NOW)
    [chris] = move.people
    assert chris.needs_qualification
    assert [a.number for a in chris.missing] == [1, 3, 5, 6]  # an empty record: judged not


# --- the page and its fragment ---------------------------------------------------------------


def url(school, organisation=None, **args):
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return (f"/p/{school['partnership'].id}/organisations/"
            f"{organisation or school['org'].id}/team" + (f"?{query}" if query else ""))


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_page_shows_who_holds_what_and_what_the_team_lacks(client, auth, school):
    auth.login(school["people"]["chris"])
    response = client.get(url(school))
    assert response.status_code == 200
    page = text(response)
    assert "Team development plan" in page and "<html" in page
    assert "Level 2 Certificate in Supporting Teaching" in page
    assert "Amir" in page and PRIVATE not in page
    assert ("1 more person has not shared their record with you: fewer than 5, so they are "
            "left out of the figures below") in page
    assert "1 area the team's roles call for is a gap" in page
    assert "1 is not yet judged for the team (6)" in page
    assert 'id="team-fill-5"' in page and "Working with other agencies" in page
    assert "Choose the role they would move to." in page


def test_the_move_comes_as_a_fragment_for_htmx(client, auth, school, shelf):
    auth.login(school["people"]["chris"])
    roles = shelf["roles"]
    args = {"from_role": roles["Teaching assistant"].id, "to_role": roles["Playworker"].id}
    fragment = text(client.get(url(school, **args), headers=HTMX))
    assert fragment.lstrip().startswith('<div id="team-move"') and "<html" not in fragment
    assert "Teaching assistant → Playworker" in fragment
    assert "Of 3 people:" in fragment and PRIVATE not in fragment
    page = text(client.get(url(school, **args)))
    assert "<html" in page and "Teaching assistant → Playworker" in page


def test_a_lead_sees_the_plan(client, auth, school):
    auth.login(school["lead"])
    page = text(client.get(url(school)))
    assert "Beth" in page and PRIVATE not in page


@pytest.mark.parametrize("who, status", [("steer", 403), ("other", 403)])
def test_members_who_are_neither_leads_nor_the_schools_people_get_403(
        client, auth, school, who, status):
    auth.login(school["people"][who])
    for headers in ({}, HTMX):
        response = client.get(url(school), headers=headers)
        assert response.status_code == status
        assert "Amir" not in text(response)


def test_non_members_get_404_and_visitors_are_sent_to_log_in(client, auth, school,
                                                             other_partnership, make_user):
    assert "/login" in client.get(url(school)).headers["Location"]
    auth.login(make_user(name="Stranger"))
    assert client.get(url(school)).status_code == 404


def test_unknown_or_foreign_organisations_are_not_found(client, auth, school,
                                                        other_partnership):
    auth.login(school["lead"])
    assert client.get(url(school, organisation=999_999)).status_code == 404
    response = client.get(url(school, organisation=other_partnership["org"].id))
    assert response.status_code == 404 and "Zebra" not in text(response)


@pytest.mark.parametrize("args", [{"to_role": 999_999}, {"to_role": "abc"},
                                  {"from_role": 999_999, "to_role": "{playworker}"},
                                  {"from_role": "{head_of_nobody}", "to_role": "{playworker}"}])
def test_unknown_roles_are_a_bad_request_and_change_nothing(client, auth, school, shelf, args):
    roles = shelf["roles"]
    spare = JobRole(name="Nobody in the team has this role")
    db.session.add(spare)
    db.session.commit()
    values = {"playworker": roles["Playworker"].id, "head_of_nobody": spare.id}
    args = {k: str(v).format(**values) for k, v in args.items()}
    auth.login(school["people"]["chris"])
    before = db.session.scalar(select(func.count(PractitionerProfile.id)))
    response = client.get(url(school, **args))
    assert response.status_code == 400
    assert ("Choose a role from the catalogue&#39;s list." in text(response)
            or "Choose one of the team&#39;s roles." in text(response))
    assert db.session.scalar(select(func.count(PractitionerProfile.id))) == before


def test_the_organisation_page_and_the_workforce_link_to_the_plan(client, auth, school):
    org_page = f"/p/{school['partnership'].id}/organisations/{school['org'].id}"
    auth.login(school["people"]["chris"])
    assert url(school) in text(client.get(org_page))
    auth.logout()
    auth.login(school["people"]["other"])
    assert url(school) not in text(client.get(org_page))
    auth.logout()
    auth.login(school["lead"])
    assert url(school) in text(client.get(org_page))
    assert url(school) in text(client.get(f"/p/{school['partnership'].id}/workforce"))


def test_people_choose_on_their_profile_to_share_with_their_organisation(client, auth,
                                                                         make_user):
    person = make_user()
    auth.login(person)
    response = client.post("/me/profile", data={"job_role": "", "organisation": "A school",
                                                "share_with_organisation": "y"})
    assert response.status_code == 302
    profile = tracking.get_profile(person)
    assert profile.share_with_organisation and not profile.share_with_leads


def test_items_withdrawn_are_still_held(school, shelf):
    """Someone holding a qualification since withdrawn still holds it for the role."""
    tracking.add_held(school["people"]["carl"], shelf["pw_old"])
    assert shelf["pw_old"].effective_status(date(2030, 1, 1)) is ItemStatus.WITHDRAWN
    playworker = next(r for r in plan_for(school).roles if r.role.name == "Playworker")
    assert [q.holds for q in playworker.qualifications if q.item.stable_id == "PW-OLD"] == [1]
