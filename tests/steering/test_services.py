"""Steering rules: meetings, agenda order, papers, working groups, actions and gap cells."""

import io
import os
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import func, select

from tests.conftest import as_member
from tests.steering.conftest import HTML, PDF, make_audit, make_group, stored_files
from workspace.clock import london_today
from workspace.exceptions import DomainError, Forbidden, NotFound
from workspace.extensions import db
from workspace.models import Notification
from workspace.models.audits import AgePhase, ArtForm
from workspace.models.steering import ActionStatus, Paper
from workspace.services.partnerships import membership
from workspace.services.steering import actions, meetings

NOW = datetime(2027, 6, 10, 12, 0, tzinfo=UTC)


def meeting_at(hub, user, day=date(2027, 6, 20), at=time(18, 0), title="Summer steering"):
    return meetings.create_meeting(hub, user, meetings.MeetingFields(
        title, day, at, place="Riverside Music Centre"))


def notifications_of(user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


# --- meetings ------------------------------------------------------------------------------


def test_a_meeting_is_entered_in_london_time_and_stored_in_utc(hub, lead):
    meeting = meeting_at(hub, lead, date(2027, 6, 20), time(18, 0))
    assert meeting.starts_at == datetime(2027, 6, 20, 17, 0, tzinfo=UTC)  # BST
    winter = meeting_at(hub, lead, date(2027, 1, 20), time(18, 0))
    assert winter.starts_at == datetime(2027, 1, 20, 18, 0, tzinfo=UTC)
    assert meetings.meeting_fields(meeting).start == time(18, 0)


def test_meetings_split_into_upcoming_and_past(hub, lead):
    today = meeting_at(hub, lead, date(2027, 6, 10), time(9, 0), "This morning")
    later = meeting_at(hub, lead, date(2027, 7, 1), title="July")
    soon = meeting_at(hub, lead, date(2027, 6, 15), title="June")
    old = meeting_at(hub, lead, date(2027, 3, 1), title="March")
    older = meeting_at(hub, lead, date(2027, 1, 1), title="January")
    listed = meetings.list_meetings(hub, NOW)
    assert listed.upcoming == [today, soon, later]
    assert listed.past == [old, older]


def test_a_meeting_needs_a_title(hub, lead):
    with pytest.raises(DomainError) as error:
        meeting_at(hub, lead, title="  ")
    assert error.value.field == "title"


def test_agenda_items_are_added_moved_and_removed_in_order(hub, lead):
    meeting = meeting_at(hub, lead)
    a, b, c = (meetings.add_agenda_item(meeting, t) for t in ("Apologies", "Audit", "AOB"))
    assert [i.title for i in meeting.agenda] == ["Apologies", "Audit", "AOB"]
    meetings.move_agenda_item(c, -1)
    assert [i.title for i in meeting.agenda] == ["Apologies", "AOB", "Audit"]
    meetings.move_agenda_item(a, -1)  # already first: stays
    meetings.move_agenda_item(b, +1)  # already last: stays
    assert [i.title for i in meeting.agenda] == ["Apologies", "AOB", "Audit"]
    meetings.remove_agenda_item(a)
    assert [(i.title, i.position) for i in meeting.agenda] == [("AOB", 1), ("Audit", 2)]
    with pytest.raises(DomainError):
        meetings.add_agenda_item(meeting, " ")


def test_minutes_and_decisions(hub, lead):
    meeting = meeting_at(hub, lead)
    meetings.save_minutes(meeting, "  Present: all.\nApologies: none.  ")
    assert meeting.minutes == "Present: all.\nApologies: none."
    decision = meetings.add_decision(meeting, " Fund a SEND singing pilot. ")
    assert [d.text for d in meeting.decisions] == ["Fund a SEND singing pilot."]
    with pytest.raises(DomainError):
        meetings.add_decision(meeting, "")
    meetings.remove_decision(decision)
    assert meeting.decisions == []


# --- papers --------------------------------------------------------------------------------


def test_a_paper_is_stored_through_the_shared_uploads_and_removed(hub, lead, uploads):
    meeting = meeting_at(hub, lead)
    paper = meetings.add_paper(meeting, lead, "Budget", "budget 2027.pdf", io.BytesIO(PDF),
                               uploads)
    assert (paper.filename, paper.content_type, paper.size) == (
        "budget_2027.pdf", "application/pdf", len(PDF))
    download = meetings.open_paper(paper, uploads)
    with open(download.path, "rb") as handle:
        assert handle.read() == PDF
    assert os.path.dirname(download.path) == os.path.join(uploads, str(hub.id))
    meetings.remove_paper(paper, uploads)
    assert stored_files(uploads) == []
    assert db.session.scalar(select(func.count(Paper.id))) == 0


def test_a_page_renamed_to_pdf_is_refused_and_nothing_kept(hub, lead, uploads):
    meeting = meeting_at(hub, lead)
    with pytest.raises(DomainError) as error:
        meetings.add_paper(meeting, lead, "Budget", "budget.pdf", io.BytesIO(HTML), uploads)
    assert error.value.field == "file"
    with pytest.raises(DomainError):
        meetings.add_paper(meeting, lead, "Script", "run.html", io.BytesIO(HTML), uploads)
    assert stored_files(uploads) == []
    assert db.session.scalar(select(func.count(Paper.id))) == 0


def test_a_paper_over_the_limit_is_refused(app, hub, lead, uploads):
    app.config["RESOURCE_MAX_BYTES"] = 64
    with pytest.raises(DomainError, match="larger than the 64 bytes limit"):
        meetings.add_paper(meeting_at(hub, lead), lead, "Big", "big.pdf",
                           io.BytesIO(PDF + b" " * 100), uploads)
    assert stored_files(uploads) == []


# --- working groups ------------------------------------------------------------------------


def test_a_working_group_has_members_of_the_partnership(hub, lead, steer, member,
                                                        make_partnership, make_user):
    ids = {m.id for m in hub.memberships if m.user_id in (steer.id, member.id)}
    group = meetings.create_working_group(hub, " SEND music ", "Find SEND gaps", frozenset(ids))
    assert group.name == "SEND music"
    assert [m.membership.user.name for m in meetings.group_members(group)] == [
        "Jan Member", "Tom Steer"]
    with pytest.raises(DomainError) as error:
        meetings.create_working_group(hub, "send MUSIC")
    assert error.value.field == "name"
    other = make_partnership(lead=make_user(), name="Elsewhere")
    with pytest.raises(NotFound):
        meetings.add_group_member(group, other.memberships[0].id)
    lead_membership = membership.find_membership(hub.id, lead)
    meetings.add_group_member(group, lead_membership.id)
    with pytest.raises(DomainError):
        meetings.add_group_member(group, lead_membership.id)
    meetings.remove_group_member(group.members[0])
    assert len(group.members) == 2


def test_a_working_group_can_be_renamed_but_not_to_a_taken_name(hub):
    group = meetings.create_working_group(hub, "Early years")
    meetings.create_working_group(hub, "Singing")
    meetings.update_working_group(group, "Early years and KS1", "Under-sevens")
    assert (group.name, group.purpose) == ("Early years and KS1", "Under-sevens")
    with pytest.raises(DomainError):
        meetings.update_working_group(group, "Singing", "")


# --- actions -------------------------------------------------------------------------------


def test_an_owner_is_told_of_an_action_but_not_when_they_made_it(hub, lead, steer):
    meeting = meeting_at(hub, lead)
    action = actions.create_action(hub, lead, actions.ActionFields(
        "Draft the SEND brief", owner_id=steer.id, due_on=date(2027, 7, 1)), meeting=meeting)
    assert (action.meeting_id, action.owner_id, action.status) == (
        meeting.id, steer.id, ActionStatus.OPEN)
    [note] = notifications_of(steer)
    assert note.kind == "action_assigned" and "Draft the SEND brief" in note.message
    assert note.link == f"/p/{hub.id}/actions/{action.id}"
    actions.create_action(hub, lead, actions.ActionFields("Book a room", owner_id=lead.id))
    assert notifications_of(lead) == []


def test_a_new_owner_is_told_when_an_action_changes_hands(hub, lead, steer, member):
    action = actions.create_action(hub, lead, actions.ActionFields("Book", owner_id=steer.id))
    actions.update_action(action, lead, actions.ActionFields("Book", owner_id=steer.id))
    assert len(notifications_of(steer)) == 1
    actions.update_action(action, lead, actions.ActionFields("Book a hall", owner_id=member.id))
    assert action.title == "Book a hall" and len(notifications_of(member)) == 1


def test_an_action_refuses_owners_and_groups_from_elsewhere(hub, lead, make_partnership,
                                                            make_user):
    outsider = make_user(name="Outsider")
    other = make_partnership(lead=outsider, name="Elsewhere")
    with pytest.raises(DomainError) as error:
        actions.create_action(hub, lead, actions.ActionFields("X", owner_id=outsider.id))
    assert error.value.field == "owner"
    their_group = meetings.create_working_group(other, "Theirs")
    with pytest.raises(NotFound):
        actions.create_action(hub, lead, actions.ActionFields(
            "X", working_group_id=their_group.id))
    with pytest.raises(NotFound):
        actions.create_action(hub, lead, actions.ActionFields("X"),
                              meeting=meeting_at(other, outsider))
    with pytest.raises(DomainError):
        actions.create_action(hub, lead, actions.ActionFields("  "))


def test_a_gap_cell_suggests_a_pilot_project_title(hub, lead):
    audit, send = make_audit(hub, lead), make_group(hub, "SEND")
    cell = actions.gap_cell(hub, audit_id=audit.id, group_id=send.id, phase="ks2",
                            art_form="music_singing", ward="Riverside")
    assert (cell.audit, cell.group, cell.phase, cell.art_form) == (
        audit, send, AgePhase.KS2, ArtForm.SINGING)
    assert cell.suggested_title() == "Pilot project: SEND · Music: singing · KS2 · Riverside ward"
    assert actions.gap_cell(hub, ward="Northgate ward").suggested_title() == (
        "Pilot project: Northgate ward")
    assert actions.gap_cell(hub).is_empty


def test_a_gap_cell_of_another_partnership_or_unknown_value_is_not_found(
        hub, lead, make_partnership, make_user):
    other_lead = make_user()
    other = make_partnership(lead=other_lead, name="Elsewhere")
    for kwargs in ({"audit_id": make_audit(other, other_lead).id},
                   {"group_id": make_group(other, "EAL").id},
                   {"phase": "ks9"}, {"art_form": "juggling"}, {"audit_id": 999_999}):
        with pytest.raises(NotFound):
            actions.gap_cell(hub, **kwargs)


def test_an_action_from_a_gap_cell_keeps_the_cell(hub, lead, steer):
    audit, send = make_audit(hub, lead), make_group(hub)
    cell = actions.gap_cell(hub, audit_id=audit.id, group_id=send.id, phase="ks2",
                            art_form="music_singing", ward="Riverside")
    action = actions.create_action(hub, lead, actions.ActionFields(
        cell.suggested_title(), owner_id=steer.id, is_pilot=True), cell=cell)
    assert (action.audit_id, action.gap_group_id, action.gap_phase, action.gap_art_form,
            action.gap_ward, action.is_pilot) == (audit.id, send.id, AgePhase.KS2,
                                                  ArtForm.SINGING, "Riverside", True)


def test_done_records_when_and_reopening_clears_it(hub, lead, steer, member):
    action = actions.create_action(hub, lead, actions.ActionFields("X", owner_id=member.id))
    actions.set_status(action, as_member(action, member), ActionStatus.DONE, NOW)
    assert (action.status, action.completed_at) == (ActionStatus.DONE, NOW)
    actions.set_status(action, as_member(action, steer), ActionStatus.IN_PROGRESS, NOW)
    assert (action.status, action.completed_at) == (ActionStatus.IN_PROGRESS, None)


def test_only_the_owner_or_steering_may_see_or_change_an_action(hub, lead, steer, member,
                                                                 make_user, add_member):
    someone = make_user()
    add_member(hub, someone)
    action = actions.create_action(hub, lead, actions.ActionFields("X", owner_id=member.id))
    assert actions.may_view(action, as_member(action, member))
    assert actions.may_view(action, as_member(action, steer))
    assert not actions.may_view(action, as_member(action, someone))
    with pytest.raises(Forbidden):
        actions.set_status(action, as_member(action, someone), ActionStatus.DONE, NOW)
    assert action.status == ActionStatus.OPEN


def test_overdue_means_due_before_the_london_date_and_unfinished(hub, lead):
    action = actions.create_action(hub, lead, actions.ActionFields(
        "X", due_on=date(2027, 5, 31)))
    # 23:30 UTC on 31 May is already 1 June in London (BST).
    today = london_today(datetime(2027, 5, 31, 23, 30, tzinfo=UTC))
    assert today == date(2027, 6, 1)
    assert actions.is_overdue(action, today)
    assert not actions.is_overdue(action, date(2027, 5, 31))
    actions.set_status(action, as_member(action, lead), ActionStatus.DROPPED, NOW)
    assert not actions.is_overdue(action, today)
    undated = actions.create_action(hub, lead, actions.ActionFields("Y"))
    assert not actions.is_overdue(undated, today)


def test_lists_by_due_date_and_a_persons_open_actions(hub, lead, steer):
    fields = actions.ActionFields
    late = actions.create_action(hub, lead, fields("Late", owner_id=steer.id,
                                                   due_on=date(2027, 9, 1)))
    undated = actions.create_action(hub, lead, fields("Undated", owner_id=steer.id))
    soon = actions.create_action(hub, lead, fields("Soon", owner_id=steer.id,
                                                   due_on=date(2027, 6, 1)))
    done = actions.create_action(hub, lead, fields("Done", owner_id=steer.id,
                                                   due_on=date(2027, 1, 1)))
    actions.create_action(hub, lead, fields("Someone else's", owner_id=lead.id))
    actions.set_status(done, as_member(done, steer), ActionStatus.DONE, NOW)
    assert actions.open_actions_of(hub, steer) == [soon, late, undated]
    assert [a.title for a in actions.list_actions(hub)][:4] == ["Done", "Soon", "Late",
                                                                "Undated"]
    assert done not in actions.list_actions(hub, open_only=True)
    group = meetings.create_working_group(hub, "SEND music")
    actions.update_action(soon, lead, fields("Soon", owner_id=steer.id,
                                             working_group_id=group.id))
    assert actions.list_actions(hub, working_group=group) == [soon]
