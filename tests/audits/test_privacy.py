"""A single need's or provision record's children figure is a setting-level figure: it is never
shown, in any list, drill-down, export or the report; only cells and totals are, suppressed
under the threshold. Edit forms leave out a stored figure that is small or about a vulnerable
group, and an empty field keeps it."""

import html
import re

import pytest

from tests.audits.conftest import add_need, add_provision, group_ids
from tests.conftest import HTMX
from workspace.models.audits import AgePhase, ArtForm, Priority
from workspace.services.audits import gaps, records

HINT = "A figure is stored and hidden; leave this empty to keep it, or enter a new one"


def _text(response) -> str:
    return response.get_data(as_text=True)


def _visible(page: str) -> str:
    """The text a reader sees: no tags (so no ids in links), no scripts, entities decoded."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _detail(page: str) -> str:
    return _visible(page[page.index('id="cell-detail"'):])


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"(?<![\w.])\d+(?![\w.])", text))


def _input(page: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)


# --- the drill-down -------------------------------------------------------------------------


def _need(hub, audit, children, org, group="SEND", ward="Northgate", art="music"):
    return add_need(hub, audit, {"group": group, "phase": "ks2", "art": art, "ward": ward,
                                 "priority": "high", "children": children, "org": org})


@pytest.mark.parametrize("htmx", [False, True])
def test_drill_down_shows_the_cell_total_but_no_record_figure(client, auth, hub, audit,
                                                              lead, htmx):
    _need(hub, audit, 12, "Northgate Primary")
    _need(hub, audit, 3, "Oakfield School")
    auth.login(lead)
    send = group_ids(hub)["SEND"]
    response = client.get(f"/p/{hub.id}/audits/{audit.id}/gaps/cell?group={send}"
                          "&ward=Northgate", headers=HTMX if htmx else {})
    page = _text(response)
    assert response.status_code == 200 and ("<html" in page) is not htmx
    detail = _detail(page)
    assert detail.count("A school or setting in Northgate") == 2  # SEND: schools unnamed
    assert "Northgate Primary" not in detail and "Oakfield School" not in detail
    assert "children in the needs 15" in " ".join(detail.split())  # 12 + 3: not suppressed
    assert "12" not in _numbers(detail) and "3" not in _numbers(detail)
    assert "&lt;5" not in page[page.index('id="cell-detail"'):]
    assert "Children are counted only in the totals, by ward or above" in detail


def test_drill_down_suppresses_a_small_cell_total(client, auth, hub, audit, lead):
    _need(hub, audit, 3, "Northgate Primary")
    _need(hub, audit, 1, "Oakfield School")
    auth.login(lead)
    send = group_ids(hub)["SEND"]
    page = _text(client.get(f"/p/{hub.id}/audits/{audit.id}/gaps/cell?group={send}"
                            "&ward=Northgate", headers=HTMX))
    detail = _detail(page)
    assert "children in the needs <5" in " ".join(detail.split())
    assert not {"1", "3", "4"} & _numbers(detail)  # 2 needs, 3 + 1 = 4 children: hidden


# --- every view and export ------------------------------------------------------------------

# One cell with three needs and two provision records, each figure unlike any sum of them.
RECORD_FIGURES = {"37", "41", "19", "23", "29"}


@pytest.fixture
def distinct(hub, audit, lead):
    for children, org in ((37, "Northgate Primary"), (41, "Oakfield School"),
                          (19, "St Mary's")):
        _need(hub, audit, children, org, group="EAL")
    for reach, provider in ((23, "Riverside Music Service"), (29, "Community Choir")):
        add_provision(hub, audit, lead, {"groups": ["EAL"], "phase": "ks2", "art": "music",
                                         "ward": "Northgate", "reach": reach,
                                         "provider": provider})
    return audit


def test_no_page_fragment_export_or_report_gives_a_record_figure(client, auth, hub,
                                                                  distinct, lead):
    auth.login(lead)
    base = f"/p/{hub.id}/audits/{distinct.id}"
    eal = group_ids(hub)["EAL"]
    pages = {}
    for url in (f"{base}/provision", f"{base}/needs", f"{base}/gaps",
                f"{base}/gaps?rows=phase&cols=art_form", f"{base}/gaps/cell?group={eal}",
                f"{base}/gaps/cell?group={eal}&ward=Northgate&phase=ks2&art_form=music",
                f"{base}/report"):
        pages[url] = _text(client.get(url))
        pages[url + " (htmx)"] = _text(client.get(url, headers=HTMX))
    for url, page in pages.items():
        numbers = _numbers(_visible(page))
        assert not RECORD_FIGURES & numbers, url
    # The totals are still there, rounded to the nearest 5: 37 + 41 + 19 = 97 children in the
    # needs shows as 95, 23 + 29 = 52 reached as 50.
    assert {"95", "50"} <= _numbers(_visible(pages[f"{base}/gaps"]))
    assert {"95", "50"} <= _numbers(_visible(pages[f"{base}/report"]))
    for url in (f"{base}/provision", f"{base}/needs"):
        assert "Children are counted only in the totals" in pages[url]
    for url in (f"{base}/provision.csv", f"{base}/needs.csv", f"{base}/gaps.csv",
                f"{base}/gaps.csv?rows=group&cols=art_form"):
        text = _text(client.get(url))
        assert not RECORD_FIGURES & set(re.findall(r"(?<![\w.])\d+(?![\w.])", text)), url
    assert "95" in _text(client.get(f"{base}/gaps.csv"))


def test_record_exports_have_no_children_column(hub, distinct):
    facts = gaps.load_facts(hub, distinct)
    for rows in (gaps.provision_rows(facts), gaps.need_rows(facts)):
        assert not any("children" in str(h).casefold() and "all children" not in
                       str(h).casefold() for h in rows[0])
        assert all(len(row) == len(rows[0]) for row in rows)


# --- edit forms -----------------------------------------------------------------------------


def test_which_stored_figures_an_edit_form_hides(audit):
    assert records.hides_stored_figure(audit, 3, vulnerable=False)
    assert records.hides_stored_figure(audit, 40, vulnerable=True)
    assert records.hides_stored_figure(audit, 0, vulnerable=True)
    assert not records.hides_stored_figure(audit, 40, vulnerable=False)
    assert not records.hides_stored_figure(audit, 5, vulnerable=False)  # the threshold is shown
    assert not records.hides_stored_figure(audit, 0, vulnerable=False)
    assert not records.hides_stored_figure(audit, None, vulnerable=True)  # nothing stored


def _need_fields(hub, need, children):
    return records.NeedFields(phase=need.phase, art_form=need.art_form, ward=need.ward,
                             priority=Priority.LOW, target_group_id=need.target_group_id,
                             children=children, respondent_organisation="Oakfield School")


def test_updates_keep_the_stored_figure_only_when_told_to(hub, audit, lead):
    need = _need(hub, audit, 3, "Northgate Primary")
    records.update_need(need, audit, _need_fields(hub, need, records.KEEP))
    assert (need.children, need.priority, need.respondent_organisation) == (
        3, Priority.LOW, "Oakfield School")
    records.update_need(need, audit, _need_fields(hub, need, None))  # None: not known
    assert need.children is None
    provision = add_provision(hub, audit, lead, {"groups": ["SEND"], "phase": "ks2",
                                                 "art": "music", "ward": "Northgate",
                                                 "reach": 28, "provider": "Stage Co"})
    fields = records.ProvisionFields(
        provider_name="Stage Co", activity="Adapted drama", art_form=ArtForm.DRAMA,
        phase=AgePhase.KS2, ward="Northgate", group_ids=frozenset(g.id for g in provision.groups),
        children_reached=records.KEEP)
    records.update_provision(provision, audit, fields)
    assert (provision.children_reached, provision.activity) == (28, "Adapted drama")
    fields.children_reached = 30
    records.update_provision(provision, audit, fields)
    assert provision.children_reached == 30
    new = records.add_provision(audit, lead, records.ProvisionFields(
        provider_name="Dance Hub", activity="Street dance", art_form=ArtForm.DANCE,
        phase=AgePhase.KS3, ward="Riverside", children_reached=records.KEEP))
    assert new.children_reached == 0  # a new record has nothing to keep


NEED_FORM = {"target_group": "", "phase": "ks2", "art_form": "music", "ward": "Northgate",
             "priority": "medium", "setting": "", "job_role": "", "description": "Choir",
             "respondent_name": "", "respondent_organisation": "Northgate Primary",
             "respondent_email": ""}


def test_need_edit_form_hides_a_small_figure_and_empty_keeps_it(client, auth, hub, audit,
                                                                steer):
    need = _need(hub, audit, 3, "Northgate Primary", group="EAL")
    auth.login(steer)
    url = f"/p/{hub.id}/needs/{need.id}/edit"
    page = _text(client.get(url))
    assert 'value="3"' not in _input(page, "children") and HINT in page
    data = {**NEED_FORM, "target_group": str(need.target_group_id), "children": ""}
    response = client.post(url, data=data)
    assert response.status_code == 302
    assert (need.children, need.priority, need.description) == (3, Priority.MEDIUM, "Choir")
    # Bad input elsewhere: 422, the figure stays out of the page and nothing changes.
    response = client.post(url, data={**data, "ward": ""})
    assert response.status_code == 422 and 'value="3"' not in _input(_text(response),
                                                                       "children")
    assert need.ward == "Northgate"
    assert client.post(url, data={**data, "children": "7"}).status_code == 302
    assert need.children == 7
    page = _text(client.get(url))  # 7 is not under the threshold of 5: shown as before
    assert 'value="7"' in _input(page, "children") and HINT not in page


def test_vulnerable_need_hides_even_a_large_figure(client, auth, hub, audit, steer):
    need = _need(hub, audit, 40, "Virtual School", group="Looked-after children")
    auth.login(steer)
    url = f"/p/{hub.id}/needs/{need.id}/edit"
    page = _text(client.get(url))
    assert "40" not in _input(page, "children") and HINT in page
    data = {**NEED_FORM, "target_group": str(need.target_group_id), "children": ""}
    assert client.post(url, data=data).status_code == 302 and need.children == 40


def test_other_needs_show_their_figure_as_before(client, auth, hub, audit, steer):
    need = _need(hub, audit, 40, "Northgate Primary", group="EAL")
    auth.login(steer)
    url = f"/p/{hub.id}/needs/{need.id}/edit"
    page = _text(client.get(url))
    assert 'value="40"' in _input(page, "children") and HINT not in page
    data = {**NEED_FORM, "target_group": str(need.target_group_id), "children": ""}
    assert client.post(url, data=data).status_code == 302
    assert need.children is None  # emptied on purpose: not known


def test_provision_edit_form_hides_a_send_figure_and_empty_keeps_it(client, auth, hub, audit,
                                                                    lead, steer):
    provision = add_provision(hub, audit, lead, {"groups": ["SEND"], "phase": "ks2",
                                                 "art": "music", "ward": "Northgate",
                                                 "reach": 28, "provider": "Stage Co"})
    auth.login(steer)
    url = f"/p/{hub.id}/provision/{provision.id}/edit"
    page = _text(client.get(url))
    field = _input(page, "children_reached")
    assert "28" not in field and "required" not in field and HINT in page
    data = {"provider_name": "Stage Co", "activity": "Adapted ukulele", "art_form": "music",
            "phase": "ks2", "groups": [str(group_ids(hub)["SEND"])], "ward": "Northgate",
            "children_reached": "", "settings_reached": "1"}
    assert client.post(url, data=data).status_code == 302
    assert (provision.children_reached, provision.activity) == (28, "Adapted ukulele")
    response = client.post(url, data={**data, "children_reached": "-2"})
    assert response.status_code == 422 and provision.children_reached == 28
    assert client.post(url, data={**data, "children_reached": "31"}).status_code == 302
    assert provision.children_reached == 31


def test_provision_for_everyone_still_requires_and_shows_its_figure(client, auth, hub, audit,
                                                                    lead, steer):
    provision = add_provision(hub, audit, lead, {"groups": [], "phase": "ks2", "art": "music",
                                                 "ward": "Northgate", "reach": 60,
                                                 "provider": "Riverside Music Service"})
    auth.login(steer)
    url = f"/p/{hub.id}/provision/{provision.id}/edit"
    page = _text(client.get(url))
    assert 'value="60"' in _input(page, "children_reached") and HINT not in page
    data = {"provider_name": "Riverside Music Service", "activity": "Ukulele",
            "art_form": "music", "phase": "ks2", "ward": "Northgate", "children_reached": "",
            "settings_reached": "1"}
    response = client.post(url, data=data)
    assert response.status_code == 422 and provision.children_reached == 60


def test_two_views_cannot_be_subtracted_to_find_a_small_count(client, auth, hub, audit, lead):
    """SEND in Northgate: 12 children need music, 3 need dance. The ward-by-group view shows
    their sum, the art-form view with a SEND filter shows music alone; rounded to the nearest
    5 (15 and 10), the difference no longer gives the 3 away."""
    for art, children in (("music", 12), ("dance", 3)):
        add_need(hub, audit, {"group": "SEND", "phase": "ks2", "art": art, "ward": "Northgate",
                              "priority": "high", "children": children})
    auth.login(lead)
    send = group_ids(hub)["SEND"]
    base = f"/p/{hub.id}/audits/{audit.id}"
    by_group = _text(client.get(f"{base}/gaps/cell?group={send}&ward=Northgate", headers=HTMX))
    music = _text(client.get(
        f"{base}/gaps/cell?group={send}&ward=Northgate&art_form=music", headers=HTMX))
    dance = _text(client.get(
        f"{base}/gaps/cell?group={send}&ward=Northgate&art_form=dance", headers=HTMX))
    assert "children in the needs 15" in _visible(by_group)
    assert "children in the needs 10" in _visible(music)
    assert "12" not in _numbers(_visible(music))
    assert "3" not in _numbers(_visible(dance)) and "<5" in _visible(dance)


@pytest.mark.parametrize(("raw", "shown"), [(0, "0"), (3, "<5"), (5, "5"), (7, "5"),
                                            (8, "10"), (12, "10"), (13, "15"), (97, "95")])
def test_shown_figures_are_suppressed_or_rounded_to_five(raw, shown):
    assert str(gaps.figure(raw, 5)) == shown


def test_a_vulnerable_groups_need_does_not_name_its_school(client, auth, hub, audit, lead):
    """One SEND need in a ward: its cell figure is the ward's, so the school stays unnamed."""
    add_need(hub, audit, {"group": "SEND", "phase": "ks2", "art": "music", "ward": "Northgate",
                          "priority": "high", "children": 12, "org": "St Mary's Primary"})
    add_need(hub, audit, {"group": "EAL", "phase": "ks2", "art": "music", "ward": "Northgate",
                          "priority": "low", "children": 30, "org": "Oakfield School"})
    auth.login(lead)
    base = f"/p/{hub.id}/audits/{audit.id}"
    send = group_ids(hub)["SEND"]
    for url in (f"{base}/needs", f"{base}/needs.csv", f"{base}/gaps/cell?group={send}",
                f"{base}/gaps/cell?group={send}&ward=Northgate"):
        text = html.unescape(_text(client.get(url)))
        assert "St Mary" not in text, url
    assert "Oakfield School" in _text(client.get(f"{base}/needs"))
