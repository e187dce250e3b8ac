from datetime import timedelta

import pytest

from workspace.exceptions import DomainError, Forbidden, NotFound
from workspace.models.partnerships import LogEvent, Role, Sector
from workspace.services import permissions
from workspace.services.partnerships import membership as service


def _events(partnership):
    return [(e.event, e.subject.name, e.actor.name, e.old_role, e.new_role)
            for e in reversed(service.member_log(partnership))]


def test_founder_becomes_lead_and_the_log_says_so(make_user, make_partnership):
    founder = make_user(name="Priya")
    partnership = make_partnership(lead=founder)
    assert [(m.user.name, m.role) for m in service.list_members(partnership)] == [
        ("Priya", Role.LEAD)]
    assert _events(partnership) == [(LogEvent.JOINED, "Priya", "Priya", None, Role.LEAD)]


def test_authorise_hides_partnerships_from_outsiders_and_checks_roles(
        make_user, make_partnership, add_member):
    partnership = make_partnership()
    member, outsider = make_user(), make_user()
    add_member(partnership, member, Role.MEMBER)
    with pytest.raises(NotFound):
        service.authorise(outsider, partnership.id)
    with pytest.raises(NotFound):
        service.authorise(member, partnership.id + 1000)
    assert service.authorise(member, partnership.id).role == Role.MEMBER
    with pytest.raises(Forbidden):
        service.authorise(member, partnership.id, permissions.is_steering)


def test_link_invitation_serves_several_people_until_revoked(make_user, make_partnership):
    partnership = make_partnership()
    lead = partnership.memberships[0].user
    invitation = service.create_invitation(partnership, lead, Role.STEERING)
    first, second, third = make_user(), make_user(), make_user()
    assert service.accept_invitation(invitation.token, first).role == Role.STEERING
    assert service.accept_invitation(invitation.token, second).role == Role.STEERING
    service.revoke_invitation(partnership, invitation.id)
    with pytest.raises(NotFound):
        service.accept_invitation(invitation.token, third)
    assert service.find_membership(partnership.id, third) is None


def test_email_invitation_works_once(make_user, make_partnership):
    partnership = make_partnership()
    lead = partnership.memberships[0].user
    invitation = service.create_invitation(partnership, lead, Role.MEMBER,
                                           email="Jan@Example.org")
    assert invitation.email == "jan@example.org"
    service.accept_invitation(invitation.token, make_user(email="jan@example.org"))
    with pytest.raises(DomainError, match="already been used"):
        service.accept_invitation(invitation.token, make_user())
    assert service.list_open_invitations(partnership) == []


def test_an_invitation_sent_to_an_address_admits_only_that_address(make_user, make_partnership):
    partnership = make_partnership()
    lead = partnership.memberships[0].user
    invitation = service.create_invitation(partnership, lead, Role.STEERING,
                                           email="jan@example.org")
    forwarded_to = make_user(email="someone.else@example.org")
    with pytest.raises(Forbidden, match="sent to another email address"):
        service.accept_invitation(invitation.token, forwarded_to)
    assert service.find_membership(partnership.id, forwarded_to) is None
    assert service.list_open_invitations(partnership) == [invitation]  # still Jan's to use
    jan = make_user(email="Jan@Example.org")
    assert service.accept_invitation(invitation.token, jan).role is Role.STEERING


def test_expired_invitation_is_refused(make_user, make_partnership, clock):
    partnership = make_partnership()
    invitation = service.create_invitation(partnership, partnership.memberships[0].user,
                                           Role.MEMBER, days=14)
    clock.shift(timedelta(days=15))
    with pytest.raises(DomainError, match="expired"):
        service.accept_invitation(invitation.token, make_user())


def test_accepting_twice_keeps_the_existing_role(make_user, make_partnership, add_member):
    partnership = make_partnership()
    person = make_user()
    add_member(partnership, person, Role.STEERING)
    again = service.create_invitation(partnership, partnership.memberships[0].user, Role.MEMBER)
    assert service.accept_invitation(again.token, person).role == Role.STEERING
    assert len(service.list_members(partnership)) == 2


def test_role_changes_removals_and_leaving_are_logged(make_user, make_partnership, add_member):
    lead = make_user(name="Priya")
    partnership = make_partnership(lead=lead)
    tom = add_member(partnership, make_user(name="Tom"))
    jan = add_member(partnership, make_user(name="Jan"))
    service.change_role(partnership, tom.id, Role.STEERING, lead)
    service.remove_member(partnership, jan.id, lead)
    service.leave_partnership(partnership, service.find_membership(partnership.id, tom.user))
    assert _events(partnership)[3:] == [
        (LogEvent.ROLE_CHANGED, "Tom", "Priya", Role.MEMBER, Role.STEERING),
        (LogEvent.REMOVED, "Jan", "Priya", Role.MEMBER, None),
        (LogEvent.LEFT, "Tom", "Tom", Role.STEERING, None),
    ]
    assert [m.user.name for m in service.list_members(partnership)] == ["Priya"]


def test_a_partnership_always_keeps_a_lead(make_user, make_partnership, add_member):
    lead = make_user()
    partnership = make_partnership(lead=lead)
    lead_membership = partnership.memberships[0]
    with pytest.raises(DomainError, match="at least one lead"):
        service.change_role(partnership, lead_membership.id, Role.MEMBER, lead)
    with pytest.raises(DomainError, match="only lead"):
        service.leave_partnership(partnership, lead_membership)
    other = add_member(partnership, make_user(), Role.LEAD)
    service.change_role(partnership, lead_membership.id, Role.MEMBER, lead)
    assert other.role == Role.LEAD and lead_membership.role == Role.MEMBER


def test_objects_of_another_partnership_are_not_found(make_user, make_partnership):
    ours, theirs = make_partnership(), make_partnership(name="Elsewhere")
    their_org = service.add_organisation(theirs, name="Their school", sector=Sector.SCHOOL,
                                         school_phase="Primary")
    with pytest.raises(NotFound):
        service.update_organisation(ours, their_org.id, name="Hijacked", sector=Sector.OTHER)
    with pytest.raises(NotFound):
        service.remove_member(ours, theirs.memberships[0].id, ours.memberships[0].user)
    assert their_org.name == "Their school"


def test_schools_need_a_phase_and_others_drop_it(make_partnership):
    partnership = make_partnership()
    with pytest.raises(DomainError) as error:
        service.add_organisation(partnership, name="Northgate", sector=Sector.SCHOOL)
    assert error.value.field == "school_phase"
    org = service.add_organisation(partnership, name="Arts centre", sector=Sector.CULTURAL,
                                   school_phase="Primary")
    assert org.school_phase is None


def test_representatives_are_members_and_not_doubled(make_user, make_partnership, add_member):
    partnership = make_partnership()
    rep = add_member(partnership, make_user(name="Tom"))
    org = service.add_organisation(partnership, name="Arts centre", sector=Sector.CULTURAL)
    service.add_representative(partnership, org.id, rep.id)
    with pytest.raises(DomainError, match="already represents"):
        service.add_representative(partnership, org.id, rep.id)
    outsider = make_partnership(name="Other").memberships[0]
    with pytest.raises(NotFound):
        service.add_representative(partnership, org.id, outsider.id)
    assert [r.membership.user.name for r in service.list_organisations(partnership)[0]
            .representatives] == ["Tom"]


def test_a_person_can_belong_to_several_partnerships(make_user, make_partnership, add_member):
    person = make_user()
    first = make_partnership(name="B partnership")
    second = make_partnership(name="A partnership")
    add_member(first, person)
    add_member(second, person, Role.STEERING)
    assert [(m.partnership.name, m.role) for m in service.list_memberships_of(person)] == [
        ("A partnership", Role.STEERING), ("B partnership", Role.MEMBER)]
