import pytest

from tests.conftest import HTMX
from tests.cpd.conftest import NOW
from workspace.models.cpd import Attendance, BookingStatus
from workspace.models.partnerships import Role
from workspace.services.catalogue import items
from workspace.services.cpd import sessions


def _text(response) -> str:
    return response.get_data(as_text=True)


def _schedule_data(**overrides) -> dict:
    data = {"title": "Composing with KS2", "day": "2030-02-05", "start": "09:30",
            "end": "15:30", "timezone": "Europe/London", "capacity": "12",
            "learning_hours": "5.5", "venue": "Riverside Music Centre"}
    data.update(overrides)
    return data


def test_cpd_index_and_network_pages(client, auth, hub, network, teacher, make_session):
    make_session(title="Singing in the primary classroom", day=__import__("datetime").date(
        2030, 1, 10))
    auth.login(teacher("Ann"))
    page = _text(client.get(f"/p/{hub.id}/cpd/"))
    assert "Primary music teachers" in page and "Singing in the primary classroom" in page
    page = _text(client.get(f"/p/{hub.id}/cpd/networks/{network.id}"))
    assert "Join the network" in page and "Schedule sessions" not in page


def test_lead_schedules_a_series_in_one_step(client, auth, hub, network, lead):
    auth.login(lead)
    response = client.post(f"/p/{hub.id}/cpd/networks/{network.id}/sessions/new",
                           data=_schedule_data(more_dates="2030-05-06\n2030-09-17"))
    assert response.status_code == 302
    titles = [r.session.title for r in sessions.list_sessions(hub)]
    assert titles == [f"Composing with KS2 ({n} of 3)" for n in (1, 2, 3)]


def test_invalid_session_form_keeps_input_and_says_why(client, auth, hub, network, lead):
    auth.login(lead)
    response = client.post(f"/p/{hub.id}/cpd/networks/{network.id}/sessions/new",
                           data=_schedule_data(capacity="0", end="08:00",
                                               more_dates="2030-05-06\nnext tuesday",
                                               modules="NOT-AN-ID"))
    page = _text(response)
    assert response.status_code == 422
    assert 'value="Composing with KS2"' in page
    assert "Enter a number of places from 1." in page
    response = client.post(f"/p/{hub.id}/cpd/networks/{network.id}/sessions/new",
                           data=_schedule_data(more_dates="2030-05-06\nnext tuesday"))
    assert "Line 2 is not a date like 2027-03-10." in _text(response)
    response = client.post(f"/p/{hub.id}/cpd/networks/{network.id}/sessions/new",
                           data=_schedule_data(end="08:00"))
    assert "The session must end after it starts." in _text(response)
    response = client.post(f"/p/{hub.id}/cpd/networks/{network.id}/sessions/new",
                           data=_schedule_data(modules="NOT-AN-ID"))
    assert response.status_code == 422
    assert "Search for the unit by its title and pick it from the list." in _text(response)
    assert sessions.list_sessions(hub) == []


# --- catalogue units are picked by title, never typed as IDs ---------------------------------


@pytest.fixture
def cme_units(app):
    qual = items.create_item(None, "CME-T", title="Certificate for Music Educators",
                             is_qualification=True, level=4,
                             accrediting_body="Trinity College London")
    units = [items.create_item(None, f"CME-T-U{n}", title=title, level=4) for n, title in (
        (2, "Planning musical learning"), (3, "Reflective practice in music education"),
        (6, "Safeguarding in music education"))]
    for unit in units:
        items.add_component(None, qual, unit)
    return qual, units


def _new_session_url(hub, network) -> str:
    return f"/p/{hub.id}/cpd/networks/{network.id}/sessions/new"


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_session_form_picks_units_by_title(client, auth, hub, network, lead, cme_units, headers):
    _, (planning, reflective, _) = cme_units
    auth.login(lead)
    page = _text(client.get(_new_session_url(hub, network), headers=headers))
    assert "stable ID" not in page and "comma-separated" not in page
    assert 'name="modules-q"' in page and 'hx-trigger="input changed delay:250ms"' in page
    assert "/catalogue/suggest?field=modules&amp;kind=unit" in page
    assert "picker.js" in page and "<script>" not in page and " onclick=" not in page
    response = client.post(_new_session_url(hub, network), headers=headers, data=_schedule_data(
        modules=[str(reflective.id), str(planning.id)]))
    assert response.status_code == 302
    (row,) = sessions.list_sessions(hub)
    modules, _ = sessions.session_links(row.session)
    assert {m.id for m in modules} == {planning.id, reflective.id}
    edit = _text(client.get(f"/p/{hub.id}/cpd/sessions/{row.session.id}/edit", headers=headers))
    for unit in (planning, reflective):  # chips, each holding the unit's id
        assert f'<input type="hidden" name="modules" value="{unit.id}"><span><span ' \
               f'class="picker-chip-title">{unit.title}</span>' in edit
        assert f'aria-label="Remove {unit.title}"' in edit


def test_session_form_refuses_a_qualification_or_an_unknown_id(client, auth, hub, network, lead,
                                                               cme_units):
    qual, (planning, _, _) = cme_units
    auth.login(lead)
    response = client.post(_new_session_url(hub, network), data=_schedule_data(
        modules=[str(planning.id), str(qual.id)]))
    page = _text(response)
    assert response.status_code == 422
    assert "Certificate for Music Educators is a qualification: pick a unit." in page
    assert 'value="Composing with KS2"' in page and 'aria-invalid="true"' in page
    assert f'name="modules" value="{planning.id}"' in page  # what was picked stays picked
    response = client.post(_new_session_url(hub, network), data=_schedule_data(modules="99999"))
    assert response.status_code == 422 and "not in the catalogue any more" in _text(response)
    assert sessions.list_sessions(hub) == []


def test_session_form_without_javascript_searches_and_removes(client, auth, hub, network, lead,
                                                             cme_units):
    _, (planning, reflective, safeguarding) = cme_units
    auth.login(lead)
    url = _new_session_url(hub, network)
    response = client.post(url, data=_schedule_data(**{
        "modules": str(planning.id), "modules-q": "music educ", "pick-search": "modules"}))
    page = _text(response)
    assert response.status_code == 200  # a search, not a submission: nothing to correct
    assert "Matches for &ldquo;music educ&rdquo;" in page
    for unit in (reflective, safeguarding):
        assert f'<input type="checkbox" name="modules" value="{unit.id}"> <span>{unit.title} ' \
            in page
    assert f'type="checkbox" name="modules" value="{planning.id}"' not in page  # a chip already
    assert 'value="Composing with KS2"' in page and sessions.list_sessions(hub) == []
    response = client.post(url, data=_schedule_data(**{
        "modules": [str(planning.id), str(safeguarding.id)], "modules-remove": str(planning.id)}))
    page = _text(response)
    assert response.status_code == 200 and sessions.list_sessions(hub) == []
    assert f'name="modules" value="{safeguarding.id}"' in page
    assert f'name="modules" value="{planning.id}"' not in page
    response = client.post(url, data=_schedule_data(**{
        "modules": str(safeguarding.id), "modules-q": "reflective"}))  # typed, not picked
    page = _text(response)
    assert response.status_code == 422 and sessions.list_sessions(hub) == []
    assert "You typed \u201creflective\u201d but picked nothing" in page
    assert f'name="modules" value="{reflective.id}"' in page
    response = client.post(url, data=_schedule_data(**{
        "modules": [str(safeguarding.id), str(reflective.id)], "modules-q": "",
        "pick-search": "modules"}))  # Enter in another field presses Search first
    assert response.status_code == 302


def test_members_cannot_schedule_or_take_registers(client, auth, hub, network, teacher,
                                                   make_session):
    session = make_session()
    auth.login(teacher("Ann"))
    assert client.get(f"/p/{hub.id}/cpd/networks/{network.id}/sessions/new").status_code == 403
    assert client.get(f"/p/{hub.id}/cpd/sessions/{session.id}/register").status_code == 403
    assert client.post(f"/p/{hub.id}/cpd/sessions/{session.id}/cancel").status_code == 403


def test_one_click_sign_up_returns_the_card(client, auth, hub, make_session, teacher):
    session = make_session(capacity=1)
    sessions.sign_up(session, teacher("Ann"), NOW)
    ben = teacher("Ben")
    auth.login(ben)
    page = _text(client.get(f"/p/{hub.id}/cpd/sessions/{session.id}"))
    assert "<html" in page and "Join the waiting list" in page
    fragment = _text(client.get(f"/p/{hub.id}/cpd/sessions/{session.id}", headers=HTMX))
    assert fragment.lstrip().startswith('<article id="signup"')
    response = client.post(f"/p/{hub.id}/cpd/sessions/{session.id}/signup", headers=HTMX)
    assert response.status_code == 200
    assert "You are number 1 on the waiting list." in _text(response)
    assert sessions.booking_of(session, ben).status == BookingStatus.WAITING


def test_sign_up_after_the_deadline_says_so(client, auth, hub, make_session, teacher):
    from datetime import date

    session = make_session(day=date(2026, 1, 5))  # in the past
    auth.login(teacher("Ann"))
    response = client.post(f"/p/{hub.id}/cpd/sessions/{session.id}/signup", headers=HTMX)
    assert response.status_code == 422
    assert "Sign-up for this session has closed." in _text(response)


def test_register_marks_attendance_by_htmx(client, auth, hub, lead, make_session, teacher,
                                           clock):
    session = make_session()
    ann = teacher("Ann")
    booking = sessions.sign_up(session, ann, NOW)
    clock.shift(session.starts_at - NOW)  # the session has begun
    auth.login(lead)
    page = _text(client.get(f"/p/{hub.id}/cpd/sessions/{session.id}/register"))
    assert "Ann" in page and "Not marked" in page
    response = client.post(f"/p/{hub.id}/cpd/sessions/{session.id}/register/{booking.id}",
                           headers=HTMX, data={"attendance": "attended"})
    assert _text(response).lstrip().startswith(f'<li id="booking-{booking.id}"')
    assert booking.attendance == Attendance.ATTENDED
    assert sessions.cpd_hours(ann) == session.learning_hours


def test_network_coordinator_runs_their_network(client, auth, hub, teacher, make_session):
    coordinator = teacher("Cora")
    network = sessions.create_network(hub, name="SEND network", coordinator=coordinator)
    auth.login(coordinator)
    assert client.get(f"/p/{hub.id}/cpd/networks/{network.id}/sessions/new").status_code == 200
    other = make_session()  # in the primary network, not hers
    assert client.get(f"/p/{hub.id}/cpd/sessions/{other.id}/register").status_code == 403


def test_my_cpd_and_notifications_pages(client, auth, hub, lead, make_session, teacher,
                                        clock):
    session = make_session()
    ann = teacher("Ann")
    booking = sessions.sign_up(session, ann, NOW)
    clock.shift(session.ends_at - NOW)  # the session is over: the lead marks the register
    sessions.mark_attendance(session, booking.id, Attendance.ATTENDED, lead)
    auth.login(ann)
    page = _text(client.get("/cpd/mine"))
    assert 'id="cpd-hours">5.5<' in page and session.title in page
    page = _text(client.get("/"))
    assert 'id="unread-count">1<' in page
    assert "is booked" in _text(client.get("/notifications"))
    client.post("/notifications/read")
    assert 'id="unread-count"' not in _text(client.get("/"))


def test_other_roles_see_cpd_too(client, auth, hub, teacher, add_member, make_user):
    steering = make_user(name="Steve")
    add_member(hub, steering, Role.STEERING)
    auth.login(steering)
    assert client.get(f"/p/{hub.id}/cpd/").status_code == 200
