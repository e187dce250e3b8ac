"""Governance pages and their htmx fragments: who may see and change what, forms and their
422s, downloads, and CSRF on every change."""

import pytest
from sqlalchemy import func, select

from tests.clock import FROZEN_NOW
from tests.conftest import HTMX, PASSWORD, csrf_token_from
from workspace.extensions import db
from workspace.models.governance import Aim, AnnualReview, Indicator, IndicatorValue
from workspace.services.governance import framework, review


def _text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def base(hub):
    return f"/p/{hub.id}/governance"


@pytest.fixture
def indicator(hub):
    aim = framework.add_aim(hub, "Every child sings")
    framework.add_priority(aim, "Whole-class singing in KS2")
    found = framework.add_indicator(hub, framework.IndicatorFields(
        "Schools with a choir", unit="schools", aim_id=aim.id, baseline_value="4",
        baseline_year="2024/25", target_value="20", target_year="2027/28"))
    framework.add_value(found, "2025/26", "9")
    return found


@pytest.fixture
def draft(hub, lead, indicator):
    framework.save_terms(hub, lead, "We meet **termly**.", FROZEN_NOW)
    return review.draft_review(hub, 2025, lead, FROZEN_NOW)


# --- reading -----------------------------------------------------------------------------------


def test_every_member_reads_terms_and_aims_as_page_and_fragment(client, auth, member, base,
                                                                 draft):
    auth.login(member)
    page = _text(client.get(f"{base}/"))
    assert "<strong>termly</strong>" in page and "Every child sings" in page
    assert "Whole-class singing in KS2" in page and 'href="' + base + '/"' in page  # nav link
    assert "Edit the terms of reference" not in page and "Add an aim" not in page
    assert "Annual review 2025/26" not in page  # a draft is not theirs to see
    assert client.get(f"{base}/", headers=HTMX).status_code == 200  # a page: no fragment


def test_a_plain_member_cannot_see_the_framework_or_a_draft(client, auth, member, base, draft):
    auth.login(member)
    for url in (f"{base}/outcomes", f"{base}/indicators/new"):
        assert client.get(url).status_code == 403, url
        assert client.get(url, headers=HTMX).status_code == 403, url
    for url in (f"{base}/reviews/2025", f"{base}/reviews/2025.pdf", f"{base}/reviews/2025.md"):
        assert client.get(url).status_code == 404, url


def test_a_published_review_is_every_member_s(client, auth, hub, lead, member, base, draft):
    review.set_published(draft, True, lead, FROZEN_NOW)
    auth.login(member)
    assert "Annual review 2025/26" in _text(client.get(f"{base}/"))
    page = _text(client.get(f"{base}/reviews/2025"))
    assert "CPD sessions and reach" in page and "Edit “" not in page
    pdf = client.get(f"{base}/reviews/2025.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Disposition"] == 'attachment; filename="annual-review-2025-26.pdf"'
    markdown = client.get(f"{base}/reviews/2025.md")
    assert _text(markdown).startswith("# Riverside Music Hub: annual review 2025/26")


def test_steering_members_see_the_framework_and_drafts_but_change_nothing(
        client, auth, hub, steer, base, draft, indicator):
    auth.login(steer)
    page = _text(client.get(f"{base}/outcomes"))
    assert "Schools with a choir" in page and "9 schools" in page and "2025/26" in page
    assert "Record a value" not in page
    fragment = client.get(f"{base}/outcomes", headers=HTMX)
    assert 'id="framework"' in _text(fragment) and "<html" not in _text(fragment)
    assert client.get(f"{base}/reviews/2025").status_code == 200
    assert client.get(f"{base}/reviews/2025", headers=HTMX).status_code == 200
    section = draft.sections[0]
    assert client.post(f"{base}/sections/{section.id}", headers=HTMX,
                       data={f"section-{section.id}-body": "Changed"}).status_code == 403
    assert client.post(f"{base}/reviews/2025/publish").status_code == 403
    assert client.post(f"{base}/values", data={"value-indicator": str(indicator.id),
                                               "value-year": "2026/27",
                                               "value-value": "3"}).status_code == 403
    assert client.post(f"{base}/terms", data={"body": "Changed"}).status_code == 403
    assert framework.get_terms(hub).body == "We meet **termly**."


def test_another_partnership_s_members_get_404(client, auth, make_user, make_partnership, base,
                                               draft):
    outsider = make_user(email="out@example.org")
    make_partnership(lead=outsider, name="Elsewhere")
    auth.login(outsider)
    for url in (f"{base}/", f"{base}/outcomes", f"{base}/reviews/2025"):
        assert client.get(url).status_code == 404


# --- leads write -------------------------------------------------------------------------------


def test_a_lead_writes_the_terms_as_a_fragment(client, auth, lead, hub, base):
    auth.login(lead)
    response = client.post(f"{base}/terms", headers=HTMX,
                           data={"body": "# Purpose\n<script>x()</script>"})
    body = _text(response)
    assert response.status_code == 200 and body.lstrip().startswith("<section id=\"terms\"")
    assert "<h1>Purpose</h1>" in body and "<script>x()" not in body
    assert f"by {lead.name}" in body
    plain = client.post(f"{base}/terms", data={"body": "Again"})
    assert plain.status_code == 302 and plain.headers["Location"].endswith("#terms")


def test_aims_and_priorities_by_fragment(client, auth, lead, base, hub):
    auth.login(lead)
    first = _text(client.post(f"{base}/aims", headers=HTMX, data={"aim-title": "Sing"}))
    assert first.lstrip().startswith('<section id="aims"') and "Sing" in first
    client.post(f"{base}/aims", headers=HTMX, data={"aim-title": "Play"})
    play = db.session.scalar(select(Aim).where(Aim.title == "Play"))
    client.post(f"{base}/aims/{play.id}/move", headers=HTMX, data={"direction": "up"})
    assert [a.title for a in framework.list_aims(hub)] == ["Play", "Sing"]
    bad = client.post(f"{base}/aims/{play.id}/priorities", headers=HTMX,
                      data={"priority-text": ""})
    assert bad.status_code == 422 and "Write the priority." in _text(bad)
    good = client.post(f"{base}/aims/{play.id}/priorities", headers=HTMX,
                       data={"priority-text": "Ensembles in every ward"})
    assert "Ensembles in every ward" in _text(good)
    empty = client.post(f"{base}/aims", headers=HTMX, data={"aim-title": ""})
    assert empty.status_code == 422 and "Give the aim a title." in _text(empty)
    edit = client.get(f"{base}/aims/{play.id}/edit", headers=HTMX)
    assert _text(edit).lstrip().startswith('<form id="aim-form"')
    assert client.get(f"{base}/aims/{play.id}/edit").status_code == 200
    saved = client.post(f"{base}/aims/{play.id}/edit",
                        data={"aim-title": "Play together", "aim-description": ""})
    assert saved.status_code == 302 and db.session.get(Aim, play.id).title == "Play together"
    client.post(f"{base}/aims/{play.id}/delete", headers=HTMX)
    assert [a.title for a in framework.list_aims(hub)] == ["Sing"]


def test_an_indicator_with_bad_numbers_is_refused_with_a_message(client, auth, lead, base):
    auth.login(lead)
    form = {"name": "Choirs", "unit": "", "measures": "", "aim": "", "baseline_value": "lots",
            "baseline_year": "2024", "target_value": "", "target_year": ""}
    refused = client.post(f"{base}/indicators/new", data=form)
    assert refused.status_code == 422
    assert "Enter a number" in _text(refused) and 'value="lots"' in _text(refused)
    as_fragment = client.post(f"{base}/indicators/new", data=form, headers=HTMX)
    assert as_fragment.status_code == 422
    assert _text(as_fragment).lstrip().startswith('<form id="indicator-form"')
    assert db.session.scalar(select(func.count(Indicator.id))) == 0
    form["baseline_value"] = "12"
    assert client.post(f"{base}/indicators/new", data=form).status_code == 302
    indicator = db.session.scalar(select(Indicator))
    assert client.get(f"{base}/indicators/{indicator.id}/edit").status_code == 200
    form.update(target_value="30", target_year="2027/2028")
    assert client.post(f"{base}/indicators/{indicator.id}/edit", data=form).status_code == 302
    assert db.session.get(Indicator, indicator.id).target_year == "2027/28"


def test_values_by_fragment_and_a_duplicate_year_changes_nothing(client, auth, lead, base,
                                                                indicator):
    auth.login(lead)
    data = {"value-indicator": str(indicator.id), "value-year": "2025-26", "value-value": "11"}
    duplicate = client.post(f"{base}/values", headers=HTMX, data=data)
    assert duplicate.status_code == 422 and "2025/26 has a value already" in _text(duplicate)
    data.update({"value-year": "2026/27", "value-value": "n/a"})
    not_a_number = client.post(f"{base}/values", headers=HTMX, data=data)
    assert not_a_number.status_code == 422 and "Enter a number" in _text(not_a_number)
    assert [v.value for v in db.session.scalars(select(IndicatorValue))] == [9]
    data["value-value"] = "12.5"
    added = client.post(f"{base}/values", headers=HTMX, data=data)
    assert added.status_code == 200 and "12.5 schools" in _text(added)
    assert _text(added).lstrip().startswith('<section id="framework"')
    value = db.session.scalar(select(IndicatorValue).where(IndicatorValue.year == "2026/27"))
    value_id = value.id
    client.post(f"{base}/values/{value_id}/delete", headers=HTMX)
    db.session.expire_all()
    assert db.session.get(IndicatorValue, value_id) is None
    assert client.post(f"{base}/indicators/{indicator.id}/delete").status_code == 302
    assert db.session.scalar(select(func.count(Indicator.id))) == 0


def test_a_lead_drafts_edits_publishes_and_redrafts_a_review(client, auth, lead, base, hub):
    auth.login(lead)
    drafted = client.post(f"{base}/reviews", data={"year": "2025"})
    assert drafted.status_code == 302 and drafted.headers["Location"].endswith("/reviews/2025")
    page = _text(client.get(f"{base}/reviews/2025"))
    assert "No CPD sessions were held in 2025/26." in page and "Draft" in page
    again = client.post(f"{base}/reviews", data={"year": "2025"})
    assert again.status_code == 422 and "There is a review of 2025/26 already." in _text(again)
    future = client.post(f"{base}/reviews", data={"year": "2030"}, headers=HTMX)
    assert future.status_code == 422 and "a year that has begun" in _text(future)
    section = next(s for s in review.get_review(hub, 2025).sections if s.key == "cpd")
    saved = client.post(f"{base}/sections/{section.id}", headers=HTMX,
                        data={f"section-{section.id}-body": "Our *own* words."})
    assert saved.status_code == 200 and "<em>own</em>" in _text(saved)
    assert _text(saved).lstrip().startswith('<section id="section-cpd"')
    client.post(f"{base}/reviews/2025/publish")
    assert db.session.scalar(select(AnnualReview.published)) is True
    client.post(f"{base}/reviews/2025/redraft")
    db.session.refresh(section)
    assert section.body == "No CPD sessions were held in 2025/26."
    assert client.post(f"{base}/reviews/2024/redraft").status_code == 404


class TestCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_posts_need_the_token(self, client, lead, base, hub):
        token = csrf_token_from(_text(client.get("/login")))
        assert client.post("/login", data={"email": lead.email, "password": PASSWORD,
                                           "csrf_token": token}).status_code == 302
        assert client.post(f"{base}/aims", data={"aim-title": "Sneaked"}).status_code == 400
        assert framework.list_aims(hub) == []
        token = csrf_token_from(_text(client.get(f"{base}/")))
        added = client.post(f"{base}/aims", headers={**HTMX, "X-CSRFToken": token},
                            data={"aim-title": "Sing"})
        assert added.status_code == 200 and [a.title for a in framework.list_aims(hub)] == [
            "Sing"]
