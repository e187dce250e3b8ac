"""The CPD log (attended sessions and own entries, totals per year) and the record export."""

import json
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.conftest import HTMX
from workspace.exceptions import DomainError, NotFound
from workspace.extensions import db
from workspace.models import CpdLogEntry
from workspace.models.cpd import Attendance
from workspace.models.progress import UnitStatus
from workspace.services.catalogue import items
from workspace.services.cpd import logbook, sessions
from workspace.services.progress import record, tracking

TODAY = date(2026, 3, 1)


@pytest.fixture
def hub(make_user, make_partnership):
    return make_partnership(lead=make_user(name="Priya Lead"), name="Riverside Music Hub")


@pytest.fixture
def lead(hub):
    return hub.memberships[0].user


@pytest.fixture
def person(hub, make_user, add_member):
    user = make_user(name="Tess Teacher", email="tess@example.org")
    add_member(hub, user)
    return user


@pytest.fixture
def attend(hub, lead):
    """Put `user` on a session on `day` with `hours`, and mark them as attended."""
    network = sessions.create_network(hub, name="Primary music teachers", coordinator=lead)

    def attend(user, day: date, hours: str, title="Singing in the classroom"):
        session = sessions.schedule_session(hub, network, sessions.SessionFields(
            title=title, day=day, start=time(9, 30), end=time(15, 30), capacity=10,
            venue="Music Centre", learning_hours=Decimal(hours)))
        booking = sessions.sign_up(session, user, datetime.combine(day, time(0), UTC)
                              - timedelta(days=7))
        sessions.mark_attendance(session, booking.id, Attendance.ATTENDED, lead)
        return session

    return attend


def _count_entries() -> int:
    return db.session.scalar(select(func.count(CpdLogEntry.id)))


# --- service rules -------------------------------------------------------------------------


@pytest.mark.parametrize("day, activity, hours, reflection, field", [
    (date(2026, 3, 2), "Reading", "1", "", "day"),
    (None, "Reading", "1", "", "day"),
    (TODAY, "   ", "1", "", "activity"),
    (TODAY, "x" * 301, "1", "", "activity"),
    (TODAY, "Reading", "0", "", "hours"),
    (TODAY, "Reading", "-1", "", "hours"),
    (TODAY, "Reading", "24.01", "", "hours"),
    (TODAY, "Reading", "1.005", "", "hours"),
    (TODAY, "Reading", "lots", "", "hours"),
    (TODAY, "Reading", None, "", "hours"),
    (TODAY, "Reading", "1", "x" * 5001, "reflection"),
])
def test_bad_entries_are_refused_and_nothing_is_stored(person, day, activity, hours,
                                                       reflection, field):
    with pytest.raises(DomainError) as refused:
        logbook.add_entry(person, day, activity, hours, reflection, today=TODAY)
    assert refused.value.field == field
    assert _count_entries() == 0


def test_an_entry_at_the_limits_is_kept_tidied(person):
    entry = logbook.add_entry(person, TODAY, "  " + "x" * 300 + " ", Decimal("24"),
                              " " + "r" * 5000, today=TODAY)
    assert (entry.day, len(entry.activity), entry.hours, len(entry.reflection)) == (
        TODAY, 300, Decimal("24.00"), 5000)


def test_attended_sessions_join_own_entries_newest_first_with_totals_per_year(person, attend):
    attend(person, date(2025, 6, 10), "5.5", title="Singing in the classroom")
    attend(person, date(2026, 1, 20), "3", title="Assessment in music")
    logbook.add_entry(person, date(2025, 11, 2), "Read Music in schools", "1.25",
                      "Useful on singing.", today=TODAY)
    logbook.add_entry(person, date(2026, 2, 1), "Observed a colleague", "0.5", today=TODAY)

    log = logbook.cpd_log(person)
    assert [(r.day, r.activity, r.hours, r.source) for r in log] == [
        (date(2026, 2, 1), "Observed a colleague", Decimal("0.5"), "Own entry"),
        (date(2026, 1, 20), "Assessment in music", Decimal("3"), "CPD session"),
        (date(2025, 11, 2), "Read Music in schools", Decimal("1.25"), "Own entry"),
        (date(2025, 6, 10), "Singing in the classroom", Decimal("5.5"), "CPD session"),
    ]
    assert [r.editable for r in log] == [True, False, True, False]
    totals = logbook.totals_by_year(log)
    assert totals.by_year == {2026: Decimal("3.5"), 2025: Decimal("6.75")}
    assert list(totals.by_year) == [2026, 2025]
    assert totals.total == Decimal("10.25")


def test_a_no_show_or_someone_elses_cpd_is_not_on_the_log(person, attend, make_user, hub,
                                                          add_member):
    other = make_user(name="Other")
    add_member(hub, other)
    attend(other, date(2025, 6, 10), "5.5")
    logbook.add_entry(other, TODAY, "Their reading", "2", today=TODAY)
    assert logbook.cpd_log(person) == []
    assert logbook.totals_by_year([]) == ({}, Decimal("0"))


def test_only_the_owner_deletes_an_entry(person, make_user):
    entry = logbook.add_entry(person, TODAY, "Reading", "1", today=TODAY)
    with pytest.raises(NotFound):
        logbook.delete_entry(make_user(), entry.id)
    with pytest.raises(NotFound):
        logbook.delete_entry(person, entry.id + 100)
    logbook.delete_entry(person, entry.id)
    assert _count_entries() == 0


# --- the record ----------------------------------------------------------------------------


@pytest.fixture
def full_record(person, attend, make_user):
    """A held qualification, a prior learning claim, an enrolment with units, CPD."""
    held = items.create_item(None, "Q100", title="Level 2 Award in Music", level=2,
                                 is_qualification=True)
    tracking.add_held(person, held, year=2019, evidence_note="Certificate 123")
    qual = items.create_item(None, "Q300", title="Level 3 Certificate for Music Educators",
                                 level=3, is_qualification=True, credits=10)
    unit_a = items.create_item(None, "U1", title="Understanding children's musical "
                                                     "development", level=3, credits=5)
    unit_b = items.create_item(None, "U2", title="Planning music sessions", level=3,
                                   credits=5)
    items.add_component(None, qual, unit_a)
    items.add_component(None, qual, unit_b)
    enrolment = tracking.enrol(person, qual, TODAY)
    tracking.update_unit(person, enrolment.id, unit_a.id, status=UnitStatus.ACHIEVED,
                         started_on=date(2026, 1, 5), achieved_on=date(2026, 2, 20),
                         evidence_note="Portfolio signed off")
    tracking.claim_prior_learning(person, unit_b, "Ten years planning sessions.")
    attend(person, date(2025, 6, 10), "5.5")
    logbook.add_entry(person, date(2026, 2, 1), "Observed a colleague", "2", "Good ideas",
                      today=TODAY)
    # Someone else's record, which must never show in the person's.
    stranger = make_user(name="Sam Stranger")
    tracking.add_held(stranger, items.create_item(None, "Q999", title="Stranger's Diploma",
                                                      is_qualification=True))
    logbook.add_entry(stranger, TODAY, "Stranger's reading", "7", today=TODAY)
    return person


def test_record_of_holds_qualifications_units_and_the_log(full_record):
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    data = json.loads(json.dumps(record.record_of(full_record, now)))
    assert data["format_version"] == record.FORMAT_VERSION
    assert data["exported_at"] == "2026-03-01T12:00:00+00:00"
    assert data["profile"]["name"] == "Tess Teacher"
    assert data["qualifications_held"] == [{"title": "Level 2 Award in Music",
                                            "stable_id": "Q100", "level": 2, "year": 2019,
                                            "evidence_note": "Certificate 123"}]
    assert [(c["unit"]["stable_id"], c["state"]) for c in data["prior_learning_claims"]] == [
        ("U2", "claimed")]
    [enrolment] = data["enrolments"]
    assert enrolment["qualification"]["stable_id"] == "Q300"
    assert enrolment["started_on"] == "2026-03-01"
    units = {u["stable_id"]: u for u in enrolment["units"]}
    assert units["U1"]["status"] == "achieved"
    assert (units["U1"]["started_on"], units["U1"]["achieved_on"]) == ("2026-01-05",
                                                                       "2026-02-20")
    assert units["U1"]["evidence_note"] == "Portfolio signed off"
    assert units["U2"]["status"] == "not_started" and units["U2"]["achieved_on"] is None
    cpd_part = data["cpd_log"]
    assert [(e["date"], e["hours"], e["source"]) for e in cpd_part["entries"]] == [
        ("2026-02-01", "2", "Own entry"), ("2025-06-10", "5.5", "CPD session")]
    assert cpd_part["totals_by_year"] == {"2026": "2", "2025": "5.5"}
    assert cpd_part["total_hours"] == "7.5"
    assert "Stranger" not in json.dumps(data)


def test_hours_text_drops_trailing_zeros():
    assert [record.hours_text(Decimal(v)) for v in ("5.50", "6.00", "100.00", "0.25")] == [
        "5.5", "6", "100", "0.25"]


# --- views ---------------------------------------------------------------------------------


def test_pages_need_sign_in(client):
    for url in ("/me/cpd-log", "/me/record", "/me/record.json"):
        assert client.get(url).status_code == 302


def test_cpd_log_page_and_fragment(client, auth, person, attend):
    attend(person, date(2025, 6, 10), "5.5", title="Singing in the classroom")
    auth.login(person)
    page = client.get("/me/cpd-log")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<html" in html and "Singing in the classroom" in html and 'id="cpd-log-form"' in html
    assert 'id="cpd-year-2025"' in html and "5.5" in html
    fragment = client.get("/me/cpd-log", headers=HTMX).get_data(as_text=True)
    assert "<html" not in fragment and 'id="cpd-log"' in fragment
    assert "Singing in the classroom" in fragment


def test_adding_an_entry_by_htmx_returns_a_blank_form_and_the_new_log(client, auth, person):
    auth.login(person)
    response = client.post("/me/cpd-log", headers=HTMX, data={
        "day": "2025-12-01", "activity": "Conference on inclusion", "hours": "6.5",
        "reflection": "Adaptive instruments."})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="cpd-log-form"' in html and 'hx-swap-oob="true"' in html
    assert "Conference on inclusion" in html and 'id="cpd-year-2025"' in html
    assert "<html" not in html
    [entry] = db.session.scalars(select(CpdLogEntry)).all()
    assert (entry.user_id, entry.hours) == (person.id, Decimal("6.50"))


def test_adding_without_htmx_redirects_to_the_log(client, auth, person):
    auth.login(person)
    response = client.post("/me/cpd-log", data={"day": "2025-12-01", "activity": "Reading",
                                                "hours": "1"})
    assert response.status_code == 302 and response.location.endswith("/me/cpd-log")
    assert "Reading" in client.get("/me/cpd-log").get_data(as_text=True)


@pytest.mark.parametrize("data, message", [
    ({"day": "2099-01-01", "activity": "Reading", "hours": "1"}, "in the future"),
    ({"day": "2025-12-01", "activity": "Reading", "hours": "25"}, "at most 24 hours"),
    ({"day": "2025-12-01", "activity": "", "hours": "1"}, "Describe the activity"),
    ({"day": "", "activity": "Reading", "hours": "1"}, "Enter the date"),
])
def test_an_invalid_entry_comes_back_422_with_input_kept(client, auth, person, data,
                                                         message):
    auth.login(person)
    fragment = client.post("/me/cpd-log", headers=HTMX, data=data)
    assert fragment.status_code == 422
    html = fragment.get_data(as_text=True)
    assert message in html and 'id="cpd-log-form"' in html and "<html" not in html
    if data["activity"]:
        assert 'value="Reading"' in html
    page = client.post("/me/cpd-log", data=data)
    assert page.status_code == 422 and "<html" in page.get_data(as_text=True)
    assert _count_entries() == 0


def test_deleting_own_entry_by_htmx_returns_the_log(client, auth, person):
    entry = logbook.add_entry(person, TODAY, "Reading", "1", today=TODAY)
    auth.login(person)
    response = client.post(f"/me/cpd-log/{entry.id}/delete", headers=HTMX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="cpd-log"' in html and "Reading" not in html.split("</div>", 1)[-1]
    assert _count_entries() == 0


def test_someone_elses_entry_cannot_be_deleted(client, auth, person, make_user):
    entry = logbook.add_entry(person, TODAY, "Reading", "1", today=TODAY)
    auth.login(make_user())
    assert client.post(f"/me/cpd-log/{entry.id}/delete").status_code == 404
    assert client.post(f"/me/cpd-log/{entry.id}/delete", headers=HTMX).status_code == 404
    assert _count_entries() == 1


def test_sessions_have_no_delete_button(client, auth, person, attend):
    attend(person, date(2025, 6, 10), "5.5")
    auth.login(person)
    assert "/delete" not in client.get("/me/cpd-log", headers=HTMX).get_data(as_text=True)


def test_printable_record_shows_the_record_and_not_others(client, auth, full_record):
    auth.login(full_record)
    response = client.get("/me/record")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for text in ("Level 2 Award in Music", "Level 3 Certificate for Music Educators",
                 "Understanding children", "Portfolio signed off", "Observed a colleague",
                 "Singing in the classroom", "progress-record.css", "Print", "7.5"):
        assert text in html, text
    assert "Stranger" not in html
    assert "@media print" in client.get("/static/progress-record.css").get_data(as_text=True)


def test_json_download_round_trips(client, auth, full_record):
    auth.login(full_record)
    response = client.get("/me/record.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert 'filename="record-' in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["qualifications_held"][0]["stable_id"] == "Q100"
    assert {u["stable_id"] for u in data["enrolments"][0]["units"]} == {"U1", "U2"}
    assert data["cpd_log"]["total_hours"] == "7.5"
    assert "Stranger" not in response.get_data(as_text=True)


def test_someone_elses_record_never_appears(client, auth, full_record, make_user):
    auth.login(make_user(name="Nosy Neighbour"))
    data = client.get("/me/record.json").get_json()
    assert data["qualifications_held"] == [] and data["enrolments"] == []
    assert data["cpd_log"]["entries"] == []
    html = client.get("/me/record").get_data(as_text=True)
    assert "Level 2 Award" not in html and "Tess Teacher" not in html
    assert "Observed a colleague" not in client.get("/me/cpd-log").get_data(as_text=True)
