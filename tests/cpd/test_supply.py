"""Supply-cover contributions: claims, decisions, totals, the CSV export and the pages."""

import csv
import io
import logging
from collections import defaultdict
from datetime import date, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from flask import render_template
from sqlalchemy import func, select

from tests.conftest import HTMX
from tests.cpd.conftest import NOW, session_fields
from workspace.blueprints.cpd.views import card_urls
from workspace.clock import utcnow
from workspace.exceptions import DomainError, Forbidden, NotFound
from workspace.extensions import db
from workspace.infra.mail import send_outbox
from workspace.infra.spreadsheet import safe_cell
from workspace.models import Notification, SupplyClaim
from workspace.models.cpd import Attendance, ClaimKind, ClaimStatus
from workspace.models.partnerships import Role
from workspace.services.cpd import sessions as cpd
from workspace.services.cpd import supply

DECIDED = NOW + timedelta(days=43, hours=3)  # after the sessions, in the spring term
DAY, HALF = 11000, 6000


def _text(response) -> str:
    return response.get_data(as_text=True)


def attend(cpd_session, user, lead):
    """Book before the session; the lead marks the register when it has ended."""
    booking = cpd.sign_up(cpd_session, user, NOW)
    return cpd.mark_attendance(cpd_session, booking.id, Attendance.ATTENDED, lead,
                               cpd_session.ends_at)


@pytest.fixture
def rates(hub, lead):
    return supply.set_rates(hub, lead, day_pence=DAY, half_day_pence=HALF)


@pytest.fixture
def attended(make_session, teacher, lead, rates):
    """A session, and Ann who attended it."""
    cpd_session = make_session()
    ann = teacher("Ann")
    attend(cpd_session, ann, lead)
    return cpd_session, ann


def _claim_count() -> int:
    return db.session.scalar(select(func.count(SupplyClaim.id)))


def _kinds(user) -> list[str]:
    return list(db.session.scalars(select(Notification.kind).where(
        Notification.user_id == user.id, Notification.kind.like("supply%"))))


# --- rates ---------------------------------------------------------------------------------


def test_rates_start_at_nothing_and_are_saved_in_pence(hub, lead):
    assert supply.get_rates(hub).id is None
    assert (supply.get_rates(hub).day_pence, supply.get_rates(hub).half_day_pence) \
        == (0, 0)
    supply.set_rates(hub, lead, day_pence=DAY, half_day_pence=HALF)
    supply.set_rates(hub, lead, day_pence=12000, half_day_pence=HALF)
    saved = supply.get_rates(hub)
    assert (saved.day_pence, saved.half_day_pence) == (12000, HALF)


@pytest.mark.parametrize("day, half, field", [(-1, 0, "day"), (0, -100, "half_day"),
                                              (10_000_01, 0, "day"), (Decimal("1.5"), 0, "day"),
                                              (True, 0, "day")])
def test_bad_rates_are_refused_and_change_nothing(hub, lead, rates, day, half, field):
    with pytest.raises(DomainError) as error:
        supply.set_rates(hub, lead, day_pence=day, half_day_pence=half)
    assert error.value.field == field
    db.session.rollback()
    saved = supply.get_rates(hub)
    assert (saved.day_pence, saved.half_day_pence) == (DAY, HALF)


def test_only_a_lead_sets_rates(hub, teacher):
    with pytest.raises(Forbidden):
        supply.set_rates(hub, teacher("Ann"), day_pence=1, half_day_pence=1)
    assert supply.get_rates(hub).id is None


# --- claims --------------------------------------------------------------------------------


def test_only_people_marked_attended_can_claim(make_session, teacher, lead, rates):
    cpd_session = make_session(capacity=2)
    booked, absent, waiting, stranger = (teacher("Booked"), teacher("Absent"),
                                         teacher("Waiting"), teacher("Stranger"))
    cpd.sign_up(cpd_session, booked, NOW)
    no_show = cpd.sign_up(cpd_session, absent, NOW)
    cpd.mark_attendance(cpd_session, no_show.id, Attendance.NO_SHOW, lead, cpd_session.ends_at)
    cpd.sign_up(cpd_session, waiting, NOW)
    for person in (booked, absent, waiting, stranger):
        with pytest.raises(DomainError, match="Only people marked as attending"):
            supply.claim_supply(cpd_session, person, kind=ClaimKind.DAY)
    assert _claim_count() == 0


def test_an_attendee_claims_once_at_the_rate_for_the_kind(attended, hub, lead):
    cpd_session, ann = attended
    claim = supply.claim_supply(cpd_session, ann, kind=ClaimKind.HALF_DAY,
                                    note="  Cover by Riverside Supply  ")
    assert (claim.amount_pence, claim.kind, claim.status) == (HALF, ClaimKind.HALF_DAY,
                                                              ClaimStatus.PENDING)
    assert claim.note == "Cover by Riverside Supply" and claim.partnership_id == hub.id
    assert supply.claim_for(cpd.booking_of(cpd_session, ann)) == claim
    with pytest.raises(DomainError, match="already claimed"):
        supply.claim_supply(cpd_session, ann, kind=ClaimKind.DAY)
    assert _claim_count() == 1


def test_the_amount_is_fixed_when_claiming(attended, make_session, hub, lead, teacher):
    cpd_session, ann = attended
    first = supply.claim_supply(cpd_session, ann, kind=ClaimKind.DAY)
    supply.set_rates(hub, lead, day_pence=15000, half_day_pence=HALF)
    ben = teacher("Ben")
    attend(cpd_session, ben, lead)
    second = supply.claim_supply(cpd_session, ben, kind=ClaimKind.DAY)
    db.session.expire_all()
    assert (first.amount_pence, second.amount_pence) == (DAY, 15000)


def test_no_claim_without_a_rate_for_the_kind(attended, hub, lead):
    cpd_session, ann = attended
    supply.set_rates(hub, lead, day_pence=DAY, half_day_pence=0)
    with pytest.raises(DomainError) as error:
        supply.claim_supply(cpd_session, ann, kind=ClaimKind.HALF_DAY)
    assert error.value.field == "kind" and "half day" in error.value.message
    assert _claim_count() == 0


def test_a_long_note_is_refused(attended):
    cpd_session, ann = attended
    with pytest.raises(DomainError) as error:
        supply.claim_supply(cpd_session, ann, kind=ClaimKind.DAY, note="x" * 501)
    assert error.value.field == "note"
    assert _claim_count() == 0


# --- decisions -----------------------------------------------------------------------------


def test_a_lead_approves_or_declines_once_and_the_claimant_is_told(
        attended, hub, lead, teacher, caplog):
    cpd_session, ann = attended
    ben = teacher("Ben")
    attend(cpd_session, ben, lead)
    ann_claim = supply.claim_supply(cpd_session, ann, kind=ClaimKind.DAY)
    ben_claim = supply.claim_supply(cpd_session, ben, kind=ClaimKind.HALF_DAY)
    approved = supply.approve_claim(hub, ann_claim.id, lead, DECIDED)
    with caplog.at_level(logging.WARNING, logger="workspace.mail"):
        send_outbox(utcnow())
    assert (approved.status, approved.decided_by, approved.decided_at) == (
        ClaimStatus.APPROVED, lead, DECIDED)
    assert f"Supply cover approved: {cpd_session.title}" in caplog.text
    declined = supply.decline_claim(hub, ben_claim.id, lead, DECIDED)
    assert declined.status == ClaimStatus.DECLINED
    assert _kinds(ann) == ["supply_claim_approved"]
    assert _kinds(ben) == ["supply_claim_declined"]
    message = db.session.scalar(select(Notification.message).where(
        Notification.user_id == ann.id, Notification.kind == "supply_claim_approved"))
    assert "£110.00" in message
    with pytest.raises(DomainError, match="already been approved"):
        supply.decline_claim(hub, ann_claim.id, lead, DECIDED)
    with pytest.raises(DomainError, match="already been declined"):
        supply.approve_claim(hub, ben_claim.id, lead, DECIDED)
    db.session.expire_all()
    assert supply.get_claim(hub, ann_claim.id).status == ClaimStatus.APPROVED
    assert _kinds(ann) == ["supply_claim_approved"]


def test_members_cannot_decide_and_other_partnerships_cannot_see_claims(
        attended, hub, make_partnership, teacher):
    cpd_session, ann = attended
    claim = supply.claim_supply(cpd_session, ann, kind=ClaimKind.DAY)
    with pytest.raises(Forbidden):
        supply.approve_claim(hub, claim.id, ann, DECIDED)
    other_lead = make_partnership(name="Elsewhere").memberships[0].user
    elsewhere = make_partnership(lead=other_lead, name="Elsewhere 2")
    with pytest.raises(NotFound):
        supply.approve_claim(elsewhere, claim.id, other_lead, DECIDED)
    assert claim.status == ClaimStatus.PENDING


def test_claims_are_listed_by_status(attended, hub, lead, teacher):
    cpd_session, ann = attended
    ben = teacher("Ben")
    attend(cpd_session, ben, lead)
    first = supply.claim_supply(cpd_session, ann, kind=ClaimKind.DAY)
    second = supply.claim_supply(cpd_session, ben, kind=ClaimKind.DAY)
    supply.approve_claim(hub, second.id, lead, DECIDED)
    assert supply.list_claims(hub) == [first, second]
    assert supply.list_claims(hub, ClaimStatus.PENDING) == [first]
    assert supply.list_claims(hub, ClaimStatus.APPROVED) == [second]
    assert supply.list_claims(hub, ClaimStatus.DECLINED) == []
    assert supply.pending_count(hub) == 1


# --- terms and totals ----------------------------------------------------------------------


@pytest.mark.parametrize("day, name", [
    (date(2026, 9, 1), "Autumn 2026"), (date(2026, 12, 31), "Autumn 2026"),
    (date(2027, 1, 1), "Spring 2027"), (date(2027, 3, 31), "Spring 2027"),
    (date(2027, 4, 1), "Summer 2027"), (date(2027, 8, 31), "Summer 2027")])
def test_terms_follow_the_school_year(day, name):
    assert supply.term_of_day(day).name == name


def test_a_session_belongs_to_the_term_of_its_local_start_date(make_session):
    auckland = make_session(day=date(2027, 1, 1), start=time(9), end=time(10),
                            timezone="Pacific/Auckland")
    assert auckland.starts_at.date() == date(2026, 12, 31)  # still Autumn in UTC
    assert supply.term_of(auckland).name == "Spring 2027"
    london = make_session(day=date(2026, 12, 31), start=time(23), end=time(23, 30))
    assert supply.term_of(london).name == "Autumn 2026"


@pytest.fixture
def year(hub, lead, network, make_session, teacher, make_partnership, make_user, add_member):
    """A year of sessions in two networks and three terms, with claims in every state, and
    another partnership's approved claim that must not be counted."""
    secondary = cpd.create_network(hub, name="Secondary music teachers")
    sessions = [
        make_session(title="Singing", day=date(2026, 12, 10)),
        make_session(title="Composing", day=date(2027, 2, 11)),
        cpd.schedule_session(hub, secondary, session_fields(title="Music technology",
                                                            day=date(2026, 12, 3))),
        cpd.schedule_session(hub, secondary, session_fields(title="Ensembles",
                                                            day=date(2027, 5, 13))),
    ]
    people = [teacher(n) for n in ("Ann", "Ben", "Cat", "Dev")]
    plan = [  # (session, person, kind, day rate at the time, decision)
        (0, 0, ClaimKind.DAY, 11000, "approve"), (0, 1, ClaimKind.HALF_DAY, 11000, "approve"),
        (0, 2, ClaimKind.DAY, 11000, "decline"), (1, 0, ClaimKind.DAY, 12500, "approve"),
        (1, 3, ClaimKind.DAY, 12500, None), (2, 1, ClaimKind.DAY, 12500, "approve"),
        (2, 2, ClaimKind.HALF_DAY, 9999, "approve"), (3, 3, ClaimKind.DAY, 13000, "approve"),
        (3, 0, ClaimKind.HALF_DAY, 13000, "decline")]
    for s, p, kind, day_rate, decision in plan:
        supply.set_rates(hub, lead, day_pence=day_rate, half_day_pence=6050)
        attend(sessions[s], people[p], lead)
        claim = supply.claim_supply(sessions[s], people[p], kind=kind)
        if decision == "approve":
            supply.approve_claim(hub, claim.id, lead, DECIDED)
        elif decision == "decline":
            supply.decline_claim(hub, claim.id, lead, DECIDED)
    _other_partnership_claim(make_partnership, make_user, add_member)
    return sessions


def _other_partnership_claim(make_partnership, make_user, add_member) -> None:
    boss = make_user(name="Other Lead")
    other = make_partnership(lead=boss, name="Other Hub")
    elsewhere = add_member(other, make_user(name="Other Teacher")).user
    net = cpd.create_network(other, name="Primary music teachers")
    cpd_session = cpd.schedule_session(other, net, session_fields(title="Elsewhere"))
    supply.set_rates(other, boss, day_pence=99900, half_day_pence=1)
    attend(cpd_session, elsewhere, boss)
    claim = supply.claim_supply(cpd_session, elsewhere, kind=ClaimKind.DAY)
    supply.approve_claim(other, claim.id, boss, DECIDED)


def _expected_term(cpd_session) -> str:
    local = cpd_session.starts_at.astimezone(ZoneInfo(cpd_session.timezone)).date()
    season = "Spring" if local.month <= 3 else "Summer" if local.month <= 8 else "Autumn"
    return f"{season} {local.year}"


def _approved_sums(hub) -> dict[str, dict]:
    """Approved claims summed straight from the table, independently of the service."""
    sums: dict[str, dict] = {"session": defaultdict(int), "network": defaultdict(int),
                             "term": defaultdict(int), "all": defaultdict(int)}
    claims = db.session.scalars(select(SupplyClaim).where(SupplyClaim.partnership_id == hub.id))
    for claim in claims:
        if claim.status != ClaimStatus.APPROVED:
            continue
        s = claim.booking.session
        for scope, key in (("session", s.title), ("network", s.network.name),
                           ("term", _expected_term(s)), ("all", "all")):
            sums[scope][key] += claim.amount_pence
    return sums


def test_totals_sum_approved_claims_per_session_network_and_term(year, hub):
    expected = _approved_sums(hub)
    summary = supply.totals(hub)
    assert {t.label: t.pence for t in summary.sessions} == expected["session"]
    assert {t.label: t.pence for t in summary.networks} == expected["network"]
    assert {t.label: t.pence for t in summary.terms} == expected["term"]
    assert summary.overall.pence == expected["all"]["all"] == \
        11000 + 6050 + 12500 + 12500 + 6050 + 13000
    assert [t.label for t in summary.terms] == ["Autumn 2026", "Spring 2027", "Summer 2027"]
    assert summary.overall.claims == 6
    assert {t.label: t.claims for t in summary.networks} == {
        "Primary music teachers": 3, "Secondary music teachers": 3}


# --- CSV -----------------------------------------------------------------------------------


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _amount(row) -> Decimal:
    return Decimal(row["Amount (GBP)"])


def test_csv_totals_equal_the_sum_of_approved_claims(year, hub):
    rows = _rows(supply.export_csv(hub))
    claims = [r for r in rows if r["Row"] == "Claim"]
    approved = db.session.scalar(select(func.sum(SupplyClaim.amount_pence)).where(
        SupplyClaim.partnership_id == hub.id, SupplyClaim.status == ClaimStatus.APPROVED))
    (grand,) = [r for r in rows if r["Row"] == "Grand total"]
    assert _amount(grand) == sum(map(_amount, claims)) == Decimal(approved) / 100
    assert grand["Claims"] == str(len(claims)) == "6"
    expected = _approved_sums(hub)
    for scope, column in (("session", "Session"), ("network", "Network"), ("term", "Term")):
        totals = [r for r in rows if r["Row"] == f"{scope.capitalize()} total"]
        assert {r[column]: _amount(r) * 100 for r in totals} == expected[scope]
        for total in totals:  # each total row sums the claim rows it names
            assert _amount(total) == sum(_amount(c) for c in claims
                                         if c[column] == total[column])
    assert all(r["Amount (GBP)"].count(".") == 1 and len(r["Amount (GBP)"].split(".")[1]) == 2
               for r in rows)
    assert {r["Kind"] for r in claims} == {"Full day", "Half day"}
    assert "Elsewhere" not in {r["Session"] for r in rows}


def test_csv_cells_cannot_start_a_formula(hub, lead, make_session, teacher, rates):
    cpd_session = make_session(title="+Plus session")
    sneaky = teacher('=HYPERLINK("http://evil.example","x")')
    attend(cpd_session, sneaky, lead)
    claim = supply.claim_supply(cpd_session, sneaky, kind=ClaimKind.DAY,
                                    note="@SUM(A1:A9)")
    supply.approve_claim(hub, claim.id, lead, DECIDED)
    (row,) = [r for r in _rows(supply.export_csv(hub)) if r["Row"] == "Claim"]
    assert row["Claimant"] == '\'=HYPERLINK("http://evil.example","x")'
    assert row["Session"] == "'+Plus session" and row["Note"] == "'@SUM(A1:A9)"
    assert row["Network"] == "Primary music teachers"
    assert [safe_cell(v) for v in ("-2+3", "\t=1", "Ann", "")] == [
        "'-2+3", "'\t=1", "Ann", ""]


# --- the lead's page -----------------------------------------------------------------------


def test_supply_page_and_its_claims_fragment(client, auth, attended, hub, lead):
    cpd_session, ann = attended
    supply.claim_supply(cpd_session, ann, kind=ClaimKind.DAY, note="Agency invoice 42")
    auth.login(lead)
    page = _text(client.get(f"/p/{hub.id}/cpd/supply"))
    assert "<html" in page and 'name="day"' in page and 'value="110.00"' in page
    assert "Ann" in page and "Agency invoice 42" in page and "£110.00" in page
    assert "1 to decide" in page and 'id="supply-totals"' in page
    fragment = _text(client.get(f"/p/{hub.id}/cpd/supply?status=approved", headers=HTMX))
    assert "<html" not in fragment
    assert fragment.lstrip().startswith('<section id="supply-claims-section"')
    assert "No claims to show." in fragment and "Agency invoice 42" not in fragment


def test_approving_in_place_returns_the_row_and_fresh_totals(client, auth, attended, hub,
                                                             lead):
    cpd_session, ann = attended
    claim = supply.claim_supply(cpd_session, ann, kind=ClaimKind.DAY)
    auth.login(lead)
    response = client.post(f"/p/{hub.id}/cpd/supply/{claim.id}/approve", headers=HTMX)
    fragment = _text(response)
    assert response.status_code == 200 and "<html" not in fragment
    assert fragment.lstrip().startswith(f'<li id="supply-claim-{claim.id}"')
    assert "Approved by Priya Lead" in fragment
    assert 'hx-swap-oob="true"' in fragment and "£110.00</strong> in 1 approved claim" \
        in fragment
    again = client.post(f"/p/{hub.id}/cpd/supply/{claim.id}/decline", headers=HTMX)
    assert again.status_code == 422 and "already been approved" in _text(again)
    db.session.expire_all()
    assert claim.status == ClaimStatus.APPROVED


def test_declining_without_htmx_redirects_with_a_message(client, auth, attended, hub, lead):
    cpd_session, ann = attended
    claim = supply.claim_supply(cpd_session, ann, kind=ClaimKind.DAY)
    auth.login(lead)
    response = client.post(f"/p/{hub.id}/cpd/supply/{claim.id}/decline")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/p/{hub.id}/cpd/supply")
    page = _text(client.get(response.headers["Location"]))
    assert "Ann&#39;s claim is declined" in page
    db.session.expire_all()
    assert claim.status == ClaimStatus.DECLINED and _kinds(ann) == ["supply_claim_declined"]


def test_rates_form_saves_as_page_and_fragment(client, auth, hub, lead):
    auth.login(lead)
    response = client.post(f"/p/{hub.id}/cpd/supply/rates",
                           data={"day": "110", "half_day": "60.50"})
    assert response.status_code == 302
    assert "supply-cover rates are saved" in _text(client.get(response.headers["Location"]))
    fragment = client.post(f"/p/{hub.id}/cpd/supply/rates", headers=HTMX,
                           data={"day": "120.00", "half_day": "60.50"})
    assert fragment.status_code == 200 and "<html" not in _text(fragment)
    assert _text(fragment).lstrip().startswith('<form id="supply-rates"')
    assert "Saved." in _text(fragment)
    rates = supply.get_rates(hub)
    assert (rates.day_pence, rates.half_day_pence) == (12000, 6050)


@pytest.mark.parametrize("data, message", [
    ({"day": "-5", "half_day": "60"}, "Enter an amount from £0 to £10,000."),
    ({"day": "110.005", "half_day": "60"}, "Enter pounds and pence, like 110.00."),
    ({"day": "", "half_day": "60"}, "Enter an amount in pounds, or 0 for no contribution."),
    ({"day": "lots", "half_day": "60"}, "Not a valid decimal value.")])
@pytest.mark.parametrize("headers", [{}, HTMX])
def test_invalid_rates_are_refused_with_a_message(client, auth, hub, lead, rates, data,
                                                  message, headers):
    auth.login(lead)
    response = client.post(f"/p/{hub.id}/cpd/supply/rates", data=data, headers=headers)
    assert response.status_code == 422
    page = _text(response)
    assert message in page and f'value="{data["day"]}"' in page
    assert ("<html" in page) is (not headers)
    db.session.expire_all()
    saved = supply.get_rates(hub)
    assert (saved.day_pence, saved.half_day_pence) == (DAY, HALF)


def test_csv_download(client, auth, year, hub, lead):
    auth.login(lead)
    response = client.get(f"/p/{hub.id}/cpd/supply.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="supply-cover-')
    rows = _rows(_text(response))
    (grand,) = [r for r in rows if r["Row"] == "Grand total"]
    assert _amount(grand) == sum(_amount(r) for r in rows if r["Row"] == "Claim")


@pytest.mark.parametrize("role", [Role.MEMBER, Role.STEERING])
def test_lead_pages_are_forbidden_to_other_roles(client, auth, attended, hub, lead,
                                                 make_user, add_member, role):
    cpd_session, ann = attended
    claim = supply.claim_supply(cpd_session, ann, kind=ClaimKind.DAY)
    someone = make_user(name="Someone")
    add_member(hub, someone, role)
    auth.login(someone)
    base = f"/p/{hub.id}/cpd/supply"
    assert client.get(base).status_code == 403
    assert client.get(f"{base}.csv").status_code == 403
    assert client.post(f"{base}/rates", data={"day": "0", "half_day": "0"}).status_code == 403
    for verb in ("approve", "decline"):
        assert client.post(f"{base}/{claim.id}/{verb}", headers=HTMX).status_code == 403
    db.session.expire_all()
    assert claim.status == ClaimStatus.PENDING and supply.get_rates(hub).day_pence == DAY


# --- the attendee's claim ------------------------------------------------------------------


def test_an_attendee_claims_from_the_session_card(client, auth, attended, hub):
    cpd_session, ann = attended
    auth.login(ann)
    page = _text(client.get(cpd.session_path(cpd_session)))
    assert 'id="supply-claim"' in page and "Full day" in page
    url = f"{cpd.session_path(cpd_session)}/claim"
    response = client.post(url, headers=HTMX, data={"kind": "half_day", "note": "Agency"})
    fragment = _text(response)
    assert response.status_code == 200 and "<html" not in fragment
    assert fragment.lstrip().startswith('<article id="supply-claim"')
    assert "You claimed £60.00 (half day)" in fragment
    (claim,) = supply.list_claims(hub)
    assert (claim.kind, claim.note, claim.amount_pence) == (ClaimKind.HALF_DAY, "Agency", HALF)
    again = client.post(url, data={"kind": "day"})
    assert again.status_code == 302
    assert "already claimed" in _text(client.get(again.headers["Location"]))
    assert _claim_count() == 1


@pytest.mark.parametrize("data, message", [
    ({"kind": "week"}, "Choose a full day or a half day."),
    ({"kind": "day", "note": "x" * 501}, "Keep the note to 500 characters.")])
def test_invalid_claims_are_refused_with_a_message(client, auth, attended, data, message):
    cpd_session, ann = attended
    auth.login(ann)
    response = client.post(f"{cpd.session_path(cpd_session)}/claim", headers=HTMX, data=data)
    assert response.status_code == 422 and message in _text(response)
    assert "Full day (£110.00)" in _text(response)
    assert _claim_count() == 0


def test_people_who_did_not_attend_cannot_claim(client, auth, make_session, teacher, rates):
    cpd_session = make_session()
    ben = teacher("Ben")
    cpd.sign_up(cpd_session, ben, NOW)
    auth.login(ben)
    page = _text(client.get(cpd.session_path(cpd_session)))
    assert "Once the register marks you as attending" in page and "Claim</button>" not in page
    response = client.post(f"{cpd.session_path(cpd_session)}/claim", headers=HTMX,
                           data={"kind": "day"})
    assert response.status_code == 422
    assert "Only people marked as attending" in _text(response)
    auth.login(teacher("Stranger"))
    response = client.post(f"{cpd.session_path(cpd_session)}/claim", headers=HTMX,
                           data={"kind": "day"})
    assert response.status_code == 422
    assert "Only people marked as attending" in _text(response)
    assert _claim_count() == 0


def test_claim_card_shows_the_claim_state(app, attended, hub, lead):
    cpd_session, ann = attended
    booking = cpd.booking_of(cpd_session, ann)
    claim = supply.claim_supply(cpd_session, ann, kind=ClaimKind.DAY)
    supply.approve_claim(hub, claim.id, lead, DECIDED)

    def card(**context):
        with app.test_request_context():
            return render_template("cpd/_supply_claim.html", urls=card_urls(cpd_session),
                                   cpd_session=cpd_session, **context)

    assert "Your claim of £110.00 (full day) is approved." in card(
        booking=booking, claim=supply.claim_for(booking))
    assert card(booking=None, claim=None).strip() == ""
    assert "Claim</button>" in card(booking=booking, claim=None,
                                    supply_rates=supply.get_rates(hub))
