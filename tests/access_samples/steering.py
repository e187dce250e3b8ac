"""Zebra's steering rows for the access walk: a meeting with an agenda item, a decision and
a paper; a working group with a member; an action from the meeting."""

import io
import os
from datetime import date, time

from flask import current_app

from workspace.services.partnerships import membership as partnerships
from workspace.services.steering import actions, meetings

PDF = b"%PDF-1.4\n% Zebra budget\n%%EOF\n"


def add_sample(people: dict) -> None:
    theirs, lead, steer = people["theirs"], people["lead"], people["steer"]
    meeting = meetings.create_meeting(theirs, lead, meetings.MeetingFields(
        "Zebra steering", date(2030, 5, 5), time(18), place="Zebra hall"))
    meetings.add_agenda_item(meeting, "Zebra agenda", "Zebra notes")
    meetings.add_decision(meeting, "Zebra decision")
    meetings.save_minutes(meeting, "Zebra minutes")
    meetings.add_paper(meeting, lead, "Zebra paper", "zebra.pdf", io.BytesIO(PDF),
                       os.path.join(current_app.instance_path, "uploads"))
    membership = partnerships.find_membership(theirs.id, steer)
    group = meetings.create_working_group(theirs, "Zebra group", "Zebra purpose",
                                          frozenset({membership.id}))
    actions.create_action(theirs, lead, actions.ActionFields(
        "Zebra action", "Zebra details", owner_id=steer.id, due_on=date(2030, 6, 1),
        working_group_id=group.id), meeting=meeting)
