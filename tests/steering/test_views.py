"""Steering pages and their htmx fragments: who may see them, forms, 422s, actions."""

import io
from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import HTMX, as_member
from tests.steering.conftest import HTML, PDF, make_audit, make_group, stored_files
from workspace.clock import london_today, utcnow
from workspace.extensions import db
from workspace.models import Notification
from workspace.models.steering import Action, ActionStatus, Meeting, Paper
from workspace.services.steering import actions, meetings


def _text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def meeting(hub, lead):
    return meetings.create_meeting(hub, lead, meetings.MeetingFields(
        "Spring steering", date(2030, 3, 4), time(17, 30), place="Riverside Music Centre"))


def paper_of(meeting, lead, uploads):
    return meetings.add_paper(meeting, lead, "Budget", "budget.pdf", io.BytesIO(PDF), uploads)


# --- who may see -----------------------------------------------------------------------------


def test_a_non_steering_member_gets_403_on_meetings_and_papers(client, auth, hub, lead, member,
                                                                meeting, uploads):
    paper = paper_of(meeting, lead, uploads)
    auth.login(member)
    base = f"/p/{hub.id}/steering"
    for url in (f"{base}/", f"{base}/meetings/{meeting.id}", f"{base}/papers/{paper.id}/download",
                f"{base}/groups", f"/p/{hub.id}/actions/", f"/p/{hub.id}/actions/new"):
        assert client.get(url).status_code == 403, url
        assert client.get(url, headers=HTMX).status_code == 403, url
    response = client.post(f"{base}/meetings/{meeting.id}/agenda", headers=HTMX,
                           data={"agenda-title": "Sneaked in"})
    assert response.status_code == 403
    assert "Budget" not in _text(client.get(f"{base}/meetings/{meeting.id}"))
    assert meeting.agenda == []


def test_steering_members_see_the_meetings_page(client, auth, hub, steer, meeting, lead):
    meetings.create_meeting(hub, lead, meetings.MeetingFields("Last year", date(2020, 1, 1),
                                                              time(18)))
    auth.login(steer)
    page = _text(client.get(f"/p/{hub.id}/steering/"))
    upcoming, past = page.split("<h2>Past</h2>")
    assert "Spring steering" in upcoming and "Mon 4 Mar 2030, 17:30" in upcoming
    assert "Last year" in past


def test_a_meeting_is_scheduled_and_invalid_input_is_kept(client, auth, hub, steer):
    auth.login(steer)
    url = f"/p/{hub.id}/steering/meetings/new"
    assert client.get(url).status_code == 200
    response = client.post(url, data={"title": "Summer <b>steering</b>", "day": "",
                                      "start": "18:00", "link": "not a link"})
    page = _text(response)
    assert response.status_code == 422
    assert 'value="Summer &lt;b&gt;steering&lt;/b&gt;"' in page
    assert "Enter the date." in page and "Enter a web address starting with https://" in page
    assert db.session.scalar(select(func.count(Meeting.id))) == 0
    response = client.post(url, data={"title": "Summer steering", "day": "2030-06-20",
                                      "start": "18:00", "link": "https://meet.example.org/x"})
    assert response.status_code == 302
    meeting = db.session.scalar(select(Meeting))
    assert response.headers["Location"].endswith(f"/steering/meetings/{meeting.id}")
    edit = _text(client.get(f"/p/{hub.id}/steering/meetings/{meeting.id}/edit"))
    assert 'value="2030-06-20"' in edit and 'value="18:00"' in edit


# --- the meeting page and its sections ---------------------------------------------------------


def test_the_meeting_page_and_an_agenda_fragment(client, auth, hub, steer, meeting):
    auth.login(steer)
    url = f"/p/{hub.id}/steering/meetings/{meeting.id}"
    page = _text(client.get(url))
    assert "Spring steering" in page and "Riverside Music Centre" in page
    assert 'id="agenda"' in page and 'id="papers"' in page and 'id="meeting-actions"' in page
    response = client.post(url + "/agenda", headers=HTMX,
                           data={"agenda-title": "Audit findings", "agenda-notes": "SEND"})
    fragment = _text(response)
    assert response.status_code == 200
    assert fragment.lstrip().startswith('<section id="agenda"') and "<html" not in fragment
    assert "Audit findings" in fragment
    response = client.post(url + "/agenda", headers=HTMX, data={"agenda-title": ""})
    assert response.status_code == 422
    assert "Give the item a title." in _text(response)
    assert [i.title for i in meeting.agenda] == ["Audit findings"]
    response = client.post(url + "/agenda", data={"agenda-title": "AOB"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#agenda")


def test_agenda_items_move_and_go(client, auth, hub, steer, meeting):
    first = meetings.add_agenda_item(meeting, "Apologies")
    last = meetings.add_agenda_item(meeting, "Budget")
    auth.login(steer)
    response = client.post(f"/p/{hub.id}/steering/agenda/{last.id}/move", headers=HTMX,
                           data={"direction": "up"})
    fragment = _text(response)
    assert fragment.index("Budget") < fragment.index("Apologies")
    client.post(f"/p/{hub.id}/steering/agenda/{first.id}/delete", headers=HTMX)
    assert [i.title for i in meeting.agenda] == ["Budget"]


def test_minutes_are_escaped_with_line_breaks_kept(client, auth, hub, steer, meeting):
    auth.login(steer)
    response = client.post(f"/p/{hub.id}/steering/meetings/{meeting.id}/minutes",
                           headers=HTMX,
                           data={"minutes": "Present: all\n<script>alert(1)</script>"})
    fragment = _text(response)
    assert response.status_code == 200
    assert "<script>alert(1)" not in fragment
    assert '<div class="minutes prose">Present: all\n&lt;script&gt;alert(1)&lt;/script&gt;' \
        in fragment
    response = client.post(f"/p/{hub.id}/steering/meetings/{meeting.id}/minutes",
                           headers=HTMX, data={"minutes": "x" * 50_001})
    assert response.status_code == 422
    assert meeting.minutes.startswith("Present: all")


def test_decisions_are_recorded(client, auth, hub, steer, meeting):
    auth.login(steer)
    url = f"/p/{hub.id}/steering/meetings/{meeting.id}/decisions"
    response = client.post(url, headers=HTMX, data={"decision-text": "Fund the pilot."})
    assert response.status_code == 200 and "Fund the pilot." in _text(response)
    response = client.post(url, headers=HTMX, data={"decision-text": " "})
    assert response.status_code == 422 and "Write down what was decided." in _text(response)
    assert [d.text for d in meeting.decisions] == ["Fund the pilot."]
    client.post(f"/p/{hub.id}/steering/decisions/{meeting.decisions[0].id}/delete")
    assert meeting.decisions == []


def test_a_paper_is_uploaded_and_downloaded_with_safe_headers(client, auth, hub, steer, meeting,
                                                              uploads):
    auth.login(steer)
    url = f"/p/{hub.id}/steering/meetings/{meeting.id}/papers"
    response = client.post(url, headers=HTMX, content_type="multipart/form-data", data={
        "paper-title": "Budget 2030", "paper-file": (io.BytesIO(PDF), "budget.pdf")})
    assert response.status_code == 200 and "Budget 2030" in _text(response)
    paper = db.session.scalar(select(Paper))
    download = client.get(f"/p/{hub.id}/steering/papers/{paper.id}/download")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Security-Policy"].startswith("sandbox; ")
    assert "attachment" in download.headers["Content-Disposition"]
    download.close()
    client.post(f"/p/{hub.id}/steering/papers/{paper.id}/delete", headers=HTMX)
    assert stored_files(uploads) == []


def test_a_page_posing_as_a_paper_is_refused_with_422(client, auth, hub, steer, meeting,
                                                      uploads):
    auth.login(steer)
    response = client.post(
        f"/p/{hub.id}/steering/meetings/{meeting.id}/papers", headers=HTMX,
        content_type="multipart/form-data",
        data={"paper-title": "Budget", "paper-file": (io.BytesIO(HTML), "budget.pdf")})
    assert response.status_code == 422
    assert "do not match its type (PDF)" in _text(response)
    assert 'value="Budget"' in _text(response)
    assert stored_files(uploads) == [] and meeting.papers == []


def test_an_action_is_added_inline_from_the_meeting(client, auth, hub, lead, steer, meeting):
    auth.login(lead)
    url = f"/p/{hub.id}/steering/meetings/{meeting.id}/actions"
    response = client.post(url, headers=HTMX, data={
        "action-title": "Write the SEND brief", "action-owner": str(steer.id),
        "action-due_on": "2030-04-01"})
    fragment = _text(response)
    assert response.status_code == 200 and "Write the SEND brief" in fragment
    assert 'id="meeting-actions"' in fragment and "Tom Steer" in fragment
    action = db.session.scalar(select(Action))
    assert (action.meeting_id, action.owner_id) == (meeting.id, steer.id)
    response = client.post(url, headers=HTMX, data={"action-title": "",
                                                    "action-owner": str(steer.id)})
    assert response.status_code == 422 and "Say what is to be done." in _text(response)
    assert db.session.scalar(select(func.count(Action.id))) == 1


# --- actions -------------------------------------------------------------------------------------


def test_the_action_form_is_prefilled_from_a_gap_cell(client, auth, hub, lead, steer):
    audit, send = make_audit(hub, lead), make_group(hub)
    auth.login(steer)
    query = (f"?audit_id={audit.id}&group_id={send.id}&phase=ks2&art_form=music_singing"
             "&ward=Riverside")
    page = _text(client.get(f"/p/{hub.id}/actions/new{query}"))
    assert 'value="Pilot project: SEND · Music: singing · KS2 · Riverside ward"' in page
    assert 'name="action-is_pilot" type="checkbox" value="y"' in page and "checked" in page
    assert f'name="action-audit_id" type="hidden" value="{audit.id}"' in page
    assert "From the gap view" in page and "Spring audit" in page
    response = client.post(f"/p/{hub.id}/actions/new", data={
        "action-title": "Pilot project: SEND singing", "action-owner": str(steer.id),
        "action-is_pilot": "y", "action-audit_id": str(audit.id),
        "action-group_id": str(send.id), "action-phase": "ks2",
        "action-art_form": "music_singing", "action-ward": "Riverside"})
    assert response.status_code == 302
    action = db.session.scalar(select(Action))
    assert (action.audit_id, action.gap_group_id, action.gap_ward, action.is_pilot) == (
        audit.id, send.id, "Riverside", True)


def test_a_gap_cell_of_another_partnership_is_404(client, auth, hub, lead, make_user,
                                                   make_partnership):
    other_lead = make_user()
    other = make_partnership(lead=other_lead, name="Elsewhere")
    their_audit, their_group = make_audit(other, other_lead), make_group(other, "EAL")
    auth.login(lead)
    for query in (f"audit_id={their_audit.id}", f"group_id={their_group.id}", "phase=ks9",
                  "audit_id=abc"):
        assert client.get(f"/p/{hub.id}/actions/new?{query}").status_code == 404, query
    response = client.post(f"/p/{hub.id}/actions/new", data={
        "action-title": "Sneaky", "action-audit_id": str(their_audit.id)})
    assert response.status_code == 404
    assert db.session.scalar(select(func.count(Action.id))) == 0


def test_a_new_action_tells_its_owner_and_invalid_input_is_kept(client, auth, hub, lead,
                                                                 member):
    auth.login(lead)
    response = client.post(f"/p/{hub.id}/actions/new", data={
        "action-title": "Book the hall", "action-owner": "999999", "action-due_on": "soon"})
    page = _text(response)
    assert response.status_code == 422 and 'value="Book the hall"' in page
    assert "Not a valid date value." in page or "Not a valid choice" in page
    assert db.session.scalar(select(func.count(Action.id))) == 0
    response = client.post(f"/p/{hub.id}/actions/new", data={
        "action-title": "Book the hall", "action-owner": str(member.id)})
    assert response.status_code == 302
    note = db.session.scalar(select(Notification).where(Notification.user_id == member.id))
    assert "Book the hall" in note.message


def test_an_action_is_seen_by_steering_and_its_owner_only(client, auth, hub, lead, member,
                                                          meeting, make_user, add_member):
    other = make_user(name="Other Member")
    add_member(hub, other)
    action = actions.create_action(hub, lead, actions.ActionFields(
        "Book the hall", owner_id=member.id), meeting=meeting)
    url = f"/p/{hub.id}/actions/{action.id}"
    auth.login(member)
    page = _text(client.get(url))
    assert "Book the hall" in page and "Spring steering" not in page
    response = client.post(url + "/status", headers=HTMX, data={"status": "done"})
    assert response.status_code == 200
    assert response.get_data(as_text=True).lstrip().startswith('<section id="action-status"')
    assert action.status == ActionStatus.DONE and action.completed_at is not None
    assert client.get(url + "/edit").status_code == 403
    auth.logout()
    auth.login(other)
    assert client.get(url).status_code == 403
    assert client.post(url + "/status", data={"status": "open"}).status_code == 403
    assert action.status == ActionStatus.DONE
    auth.logout()
    auth.login(lead)
    assert "Spring steering" in _text(client.get(url))
    response = client.post(url + "/status", headers=HTMX, data={"status": "sideways"})
    assert response.status_code == 422


def test_overdue_actions_are_marked_in_words_in_the_list_and_on_the_overview(
        client, auth, hub, lead, steer):
    today = london_today(utcnow())
    actions.create_action(hub, lead, actions.ActionFields(
        "Late report", owner_id=steer.id, due_on=today - timedelta(days=2)))
    actions.create_action(hub, lead, actions.ActionFields(
        "Future plan", owner_id=steer.id, due_on=today + timedelta(days=9)))
    auth.login(steer)
    page = _text(client.get(f"/p/{hub.id}/actions/"))
    assert page.count('class="overdue-flag">Overdue') == 1
    assert 'status-open overdue">' in page
    fragment = _text(client.get(f"/p/{hub.id}/actions/?show=all", headers=HTMX))
    assert fragment.lstrip().startswith('<div id="action-table">') and "<html" not in fragment
    overview = _text(client.get(f"/p/{hub.id}/"))
    panel = overview[overview.index('id="your-actions"'):]
    assert "Late report" in panel and "Future plan" in panel
    assert panel.index("Late report") < panel.index("Overdue") < panel.index("Future plan")
    assert f'href="/p/{hub.id}/actions/' in panel


def test_the_overview_panel_shows_only_ones_own_open_actions(client, auth, hub, lead, member):
    mine = actions.create_action(hub, lead, actions.ActionFields("Mine", owner_id=member.id))
    actions.create_action(hub, lead, actions.ActionFields("Theirs", owner_id=lead.id))
    auth.login(member)
    panel = _text(client.get(f"/p/{hub.id}/"))
    assert "Mine" in panel and "Theirs" not in panel and "all actions" not in panel
    actions.set_status(mine, as_member(mine, member), ActionStatus.DONE, utcnow())
    assert "No open actions for you." in _text(client.get(f"/p/{hub.id}/"))


# --- working groups ---------------------------------------------------------------------------


def test_a_working_group_is_set_up_with_members_and_actions(client, auth, hub, lead, steer,
                                                            member):
    auth.login(steer)
    memberships = {m.user_id: m.id for m in hub.memberships}
    url = f"/p/{hub.id}/steering/groups"
    response = client.post(url, data={"name": "SEND music", "purpose": "Close SEND gaps",
                                      "members": [str(memberships[steer.id])]})
    assert response.status_code == 302
    group = meetings.list_working_groups(hub)[0]
    response = client.post(url, data={"name": "send music"})
    assert response.status_code == 422
    assert "There is already a working group called send music." in _text(response)
    actions.create_action(hub, lead, actions.ActionFields(
        "Map SEND schools", owner_id=steer.id, working_group_id=group.id))
    page = _text(client.get(f"{url}/{group.id}"))
    form = _text(client.get(f"/p/{hub.id}/actions/new?working_group_id={group.id}"))
    assert f'<option value="{group.id}" selected>SEND music</option>' in form
    assert "Close SEND gaps" in page and "Tom Steer" in page and "Map SEND schools" in page
    response = client.post(f"{url}/{group.id}/members", headers=HTMX,
                           data={"membership": str(memberships[member.id])})
    fragment = _text(response)
    assert response.status_code == 200 and "Jan Member" in fragment and "<html" not in fragment
    response = client.post(f"{url}/{group.id}/members", headers=HTMX,
                           data={"membership": str(memberships[member.id])})
    assert response.status_code == 422
    added = next(m for m in group.members if m.membership_id == memberships[member.id])
    client.post(f"/p/{hub.id}/steering/group-members/{added.id}/delete", headers=HTMX)
    assert [m.membership_id for m in group.members] == [memberships[steer.id]]
