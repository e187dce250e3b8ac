"""The London partnership's audit (provision and the needs its schools stated) and its
steering group: two past meetings with minutes, decisions and actions (some done, some
overdue), and the next meeting with its agenda and a pilot project from the audit's gap."""

from datetime import date, time, timedelta

from workspace.clock import local_to_utc
from workspace.models.audits import AgePhase, ArtForm, AuditStatus, NeedSource
from workspace.models.steering import ActionStatus
from workspace.services.audits import records
from workspace.services.catalogue import items
from workspace.services.demo import terms
from workspace.services.demo.data import LONDON_NEEDS, LONDON_PROVISION, NEED_ROLES
from workspace.services.partnerships import membership
from workspace.services.steering import actions, meetings


def load_audit(partnership, lead, organisations: dict, today: date):
    """This school year's audit, collecting needs."""
    year = today.year if today.month >= 9 else today.year - 1
    audit = records.create_audit(partnership, lead, records.AuditFields(
        title=f"Cultural education provision {year}-{(year + 1) % 100:02d}",
        period_start=date(year, 9, 1), period_end=date(year + 1, 8, 31),
        area="Northgate, Riverside and Southfields wards"), minimum_threshold=5)
    records.change_status(audit, AuditStatus.COLLECTING, local_to_utc(date(year, 9, 1),
                                                                       time(9)))
    groups = {g.name: g.id for g in records.list_target_groups(partnership)}
    for provider, activity, art, phase, ward, group, children in LONDON_PROVISION:
        records.add_provision(audit, lead, records.ProvisionFields(
            provider_name=provider, organisation_id=organisations[provider].id,
            activity=activity, art_form=art, phase=phase, ward=ward,
            group_ids=frozenset({groups[group]} if group else set()),
            children_reached=children, settings_reached=2, funding_source="Partnership grant"))
    roles = {role.name: role.id for role in items.list_roles()}
    for school, ward, phase, art, group, priority, children, description in LONDON_NEEDS:
        records.add_need(audit, records.NeedFields(
            job_role_id=roles.get(NEED_ROLES.get(description, "")),
            phase=phase, art_form=art, ward=ward, priority=priority,
            target_group_id=groups[group] if group else None, children=children,
            description=description, respondent_organisation=school), NeedSource.HAND)
    return audit


def _meeting_day(today: date, weeks: int, weekday: int | None = 1) -> date:
    """A Tuesday in term about `weeks` from today (any school day with `weekday` None)."""
    return terms.school_day_on_or_after(today + timedelta(weeks=weeks), weekday,
                                        within=35) or today + timedelta(weeks=weeks)


def _due(today: date, weeks: int) -> date:
    return _meeting_day(today, weeks, None)


def load_steering(partnership, lead, steer, youth, audit, today: date):
    """Returns the pilot action, which the chat points to."""
    lead_member = membership.find_membership(partnership.id, lead)
    autumn = meetings.create_meeting(partnership, lead, meetings.MeetingFields(
        title="Steering group", day=_meeting_day(today, -12), start=time(16),
        place="Riverside Arts Centre"))
    for title in ("Terms of reference", "The provision audit", "CPD networks this year"):
        meetings.add_agenda_item(autumn, title)
    meetings.save_minutes(autumn, "Agreed the terms of reference. The audit opens to every "
                                  "member school; Tom sends the needs form. The primary, "
                                  "secondary and SEND networks meet about every half term.")
    meetings.add_decision(autumn, "The audit covers all three wards and every phase.")
    _action(partnership, lead, autumn, "Send the needs form to every member school", steer,
            _due(today, -9), done=lead_member)
    _action(partnership, lead, autumn, "Book venues for the network days", lead,
            _due(today, -8), done=lead_member)
    recent = meetings.create_meeting(partnership, lead, meetings.MeetingFields(
        title="Steering group", day=_meeting_day(today, -5), start=time(16),
        place="Riverside Arts Centre"))
    meetings.add_agenda_item(recent, "Audit: first answers from schools")
    meetings.save_minutes(recent, "Five schools have stated needs. SEND singing in Northgate "
                                  "is asked for and nobody offers it; film and digital art at "
                                  "KS3 also stands out.")
    meetings.add_decision(recent, "Plan a SEND singing pilot for the next meeting.")
    _action(partnership, lead, recent, "Share the audit's first findings with headteachers",
            lead, today - timedelta(weeks=1))
    _action(partnership, lead, recent, "Ask the college about film-making tutors", youth,
            today - timedelta(days=3))
    _action(partnership, lead, recent, "Cost supply cover for next year's network days",
            steer, _meeting_day(today, 2))  # for the next meeting
    return _next_meeting(partnership, lead, steer, audit, today)


def _action(partnership, lead, meeting, title: str, owner, due: date, done=None):
    action = actions.create_action(partnership, lead, actions.ActionFields(
        title=title, owner_id=owner.id, due_on=due), meeting=meeting)
    if done is not None:
        actions.set_status(action, done, ActionStatus.DONE, local_to_utc(due, time(12)))
    return action


def _next_meeting(partnership, lead, steer, audit, today: date):
    meeting = meetings.create_meeting(partnership, lead, meetings.MeetingFields(
        title="Steering group", day=_meeting_day(today, 2), start=time(16),
        place="Riverside Arts Centre"))
    for title in ("Audit: what schools told us", "SEND singing pilot", "CPD for next term"):
        meetings.add_agenda_item(meeting, title)
    groups = {g.name: g.id for g in records.list_target_groups(partnership)}
    cell = actions.gap_cell(partnership, audit_id=audit.id, group_id=groups["SEND"],
                            phase=AgePhase.KS2.value, art_form=ArtForm.SINGING.value,
                            ward="Northgate")
    return actions.create_action(partnership, lead, actions.ActionFields(
        title="Pilot project: SEND singing at KS2 in Northgate", is_pilot=True,
        owner_id=steer.id, due_on=_due(today, 6),
        description="Brookside School and Northgate Primary asked for it: find a singing "
                    "leader and cost it for the steering group."), meeting=meeting, cell=cell)
