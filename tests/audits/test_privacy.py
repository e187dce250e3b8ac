"""A single need's or provision record's children figure is a setting-level figure: it is never
shown, in any list, drill-down, export or the report; only cells and totals are, through
services.disclosure. Edit forms leave out a stored figure that is small or about a vulnerable
group, and an empty field keeps it. The report names no school for a need about a vulnerable
group alone; workforce counts are suppressed alike on the page and in the CSV."""

import csv
import html
import io
import re

import pytest

from tests.audits.conftest import add_need, add_provision, group_ids
from tests.conftest import HTMX
from workspace.models.audits import AgePhase, ArtForm, Priority
from workspace.models.partnerships import Sector
from workspace.services.audits import gaps, records
from workspace.services.catalogue import items as catalogue
from workspace.services.partnerships import membership
from workspace.services.progress import tracking

HINT = "A figure was entered; leave blank to keep it, or enter a new one to replace it"


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
    facts = gaps.load_facts(hub, audit)
    found = gaps.cell(facts, {"group": str(send), "ward": "northgate"})
    # 12, and a stand-in of 1 to 4 for the 3, with a noise of up to 2: not suppressed.
    assert not found.need_children.suppressed and 11 <= found.need_children.shown <= 18
    assert f"children in the needs {found.need_children};" in " ".join(detail.split())
    assert "Children are counted only in the totals, by ward or above" in detail


def test_a_cell_of_small_records_shows_the_same_whatever_they_say(client, auth, hub, audit,
                                                                  lead):
    """3 + 1 children or 1 + 1: the small figures enter as their records' stand-ins, so the
    drill-down is the same page."""
    first = _need(hub, audit, 3, "Northgate Primary")
    second = _need(hub, audit, 1, "Oakfield School")
    auth.login(lead)
    send = group_ids(hub)["SEND"]
    url = f"/p/{hub.id}/audits/{audit.id}/gaps/cell?group={send}&ward=Northgate"
    for need, children in ((first, 3), (second, 1)):  # saved as the loop will save them
        records.update_need(need, audit, _need_fields(hub, need, children))
    before = _detail(_text(client.get(url, headers=HTMX)))
    assert "children in the needs" in before
    for need, children in ((first, 1), (second, 4)):
        records.update_need(need, audit, _need_fields(hub, need, children))
        assert _detail(_text(client.get(url, headers=HTMX))) == before


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
    # The totals are still there, within the noise: 37 + 41 + 19 = 97 children in the needs,
    # 23 + 29 = 52 reached.
    total = gaps.matrix(gaps.load_facts(hub, distinct)).total
    assert abs(total.need_children.shown - 97) <= 2 and abs(total.reach.shown - 52) <= 2
    shown = {str(total.need_children), str(total.reach)}
    assert shown <= _numbers(_visible(pages[f"{base}/gaps"]))
    assert str(total.reach) in _numbers(_visible(pages[f"{base}/report"]))
    for url in (f"{base}/provision", f"{base}/needs"):
        assert "Children are counted only in the totals" in pages[url]
    for url in (f"{base}/provision.csv", f"{base}/needs.csv", f"{base}/gaps.csv",
                f"{base}/gaps.csv?rows=group&cols=art_form"):
        text = _text(client.get(url))
        assert not RECORD_FIGURES & set(re.findall(r"(?<![\w.])\d+(?![\w.])", text)), url
    assert str(total.need_children) in _text(client.get(f"{base}/gaps.csv"))


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
    """SEND in Northgate: 12 children need music, a few need dance. The ward-by-group view
    shows their sum, the art-form view music alone; whatever the dance need says from 1 to 4,
    both views read the same, so their difference cannot tell it."""
    add_need(hub, audit, {"group": "SEND", "phase": "ks2", "art": "music", "ward": "Northgate",
                          "priority": "high", "children": 12})
    dance = add_need(hub, audit, {"group": "SEND", "phase": "ks2", "art": "dance",
                                  "ward": "Northgate", "priority": "high", "children": 3})
    auth.login(lead)
    send = group_ids(hub)["SEND"]
    base = f"/p/{hub.id}/audits/{audit.id}/gaps/cell?group={send}&ward=Northgate"

    def views():
        return [_visible(_text(client.get(f"{base}{art}", headers=HTMX)))
                for art in ("", "&art_form=music", "&art_form=dance")]

    records.update_need(dance, audit, _need_fields(hub, dance, 3))  # as the loop will save it
    seen = views()
    assert "<5" in seen[2] and "3" not in _numbers(seen[2])
    for children in (1, 2, 4):
        records.update_need(dance, audit, _need_fields(hub, dance, children))
        assert views() == seen


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


# --- the report names no school for a vulnerable group's need (issue 13, item 3) -----------


def test_the_report_names_no_school_for_a_need_about_a_vulnerable_group_alone(
        client, auth, hub, audit, lead):
    for name in ("St Mary's Primary", "Oakfield School"):
        membership.add_organisation(hub, name=name, sector=Sector.SCHOOL,
                                    school_phase="Primary")
    _need(hub, audit, 12, "St Mary's Primary", group="SEND")  # a vulnerable group alone
    _need(hub, audit, 30, "Oakfield School", group="EAL")
    auth.login(lead)
    page = html.unescape(_text(client.get(f"/p/{hub.id}/audits/{audit.id}/report")))
    assert "St Mary" not in page
    assert "Oakfield School" in page and "stated needs" in page


# --- workforce counts (issue 13, item 3) ----------------------------------------------------


@pytest.fixture
def small_team(hub, lead, make_user, add_member):
    """Six members; one, who does not share their record, holds the only Level 3."""
    level3 = catalogue.create_item(None, "L3-X", title="Level 3 Certificate in Teaching Music",
                                   is_qualification=True, level=3)
    people = [make_user(name=f"Member {n}") for n in range(5)]
    for person in people:
        add_member(hub, person)
    tracking.add_held(people[0], level3, year=2020)
    return people


def _workforce_rows(page: str, label: str) -> list[str]:
    row = re.search(rf"<tr><th scope=\"row\">(?:<a [^>]*>)?{re.escape(label)}<.*?</tr>", page,
                    flags=re.S)
    return [html.unescape(c) for c in re.findall(r'<td class="count[^"]*">([^<]*)</td>',
                                                 row.group(0))]


def test_workforce_counts_under_the_threshold_are_hidden_on_page_and_in_csv(
        client, auth, hub, lead, small_team):
    auth.login(lead)
    page = _text(client.get(f"/p/{hub.id}/workforce"))
    assert _workforce_rows(page, "Level 3") == ["<5"]
    assert _workforce_rows(page, "Level 3 Certificate in Teaching Music")[0] == "<5"
    rows = list(csv.reader(io.StringIO(_text(client.get(f"/p/{hub.id}/workforce.csv")))))
    by_label = {(r[0], r[1]): r[2] for r in rows[1:]}
    assert by_label[("Members by highest level held", "Level 3")] == "<5"
    assert by_label[("Holds qualification", "Level 3 Certificate in Teaching Music")] == "<5"
    # The levels add up to the six members: a single hidden cell would be 6 less the rest,
    # so a second one is hidden too; the page and the CSV hide the same cells.
    levels = [r[2] for r in rows if r[0] == "Members by highest level held"]
    assert levels.count("<5") >= 2 or levels == ["<5"]
    assert _workforce_rows(page, "None recorded") == [
        by_label[("Members by highest level held", "None recorded")]]
    assert "1" not in {c for r in rows[1:] if r[0] != "Members" for c in r[2:3]}
