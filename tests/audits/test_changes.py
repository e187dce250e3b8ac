"""The change record of an audit (who, when, which field, old and new; a hidden figure only
as changed), read by leads only; the threshold, which only a lead changes and only upwards."""

import html
import re

import pytest

from tests.audits.conftest import add_need, add_provision, group_ids
from tests.conftest import HTMX
from workspace.exceptions import DomainError
from workspace.models.audits import Priority
from workspace.services.audits import changes, records

AUDIT_FORM = {"title": "Music audit 2026", "period_start": "2026-09-01",
              "period_end": "2027-07-31", "area": ""}


def _visible(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))
                    .split())


def _need_fields(need, children, group_id=None, **overrides):
    fields = dict(phase=need.phase, art_form=need.art_form, ward=need.ward,
                  priority=need.priority, children=children,
                  target_group_id=need.target_group_id if group_id is None else group_id,
                  respondent_organisation=need.respondent_organisation)
    return records.NeedFields(**(fields | overrides))


def test_each_changed_field_is_recorded_with_old_and_new(hub, audit, lead, steer):
    need = add_need(hub, audit, {"group": "EAL", "phase": "ks2", "art": "music",
                                 "ward": "Northgate", "priority": "low", "children": 30})
    records.update_need(need, audit, _need_fields(need, 35, priority=Priority.HIGH), steer)
    found = [(c.actor.name, c.record, c.action, c.field, c.old, c.new, c.hidden)
             for c in changes.list_changes(audit) if c.action == "changed"]
    assert sorted(found) == [
        ("Sam Steer", "need", "changed", "Children in the need", "30", "35", False),
        ("Sam Steer", "need", "changed", "Priority", "Low", "High", False)]


def test_a_vulnerable_groups_figure_is_recorded_as_changed_without_values(hub, audit, lead):
    need = add_need(hub, audit, {"group": "SEND", "phase": "ks2", "art": "music",
                                 "ward": "Northgate", "priority": "low", "children": 3})
    records.update_need(need, audit, _need_fields(need, 40), lead)
    provision = add_provision(hub, audit, lead, {"groups": ["EAL"], "phase": "ks2",
                                                 "art": "music", "ward": "Northgate",
                                                 "reach": 2, "provider": "Choir"})
    fields = records.ProvisionFields(provider_name="Choir", activity="Singing",
                                     art_form=provision.art_form, phase=provision.phase,
                                     ward="Northgate", children_reached=60,
                                     group_ids=frozenset(g.id for g in provision.groups))
    records.update_provision(provision, audit, fields, lead)  # 2 was under the threshold
    hidden = [c for c in changes.list_changes(audit) if c.field.startswith("Children")]
    assert len(hidden) == 2 and all(c.hidden and c.old == c.new == "" for c in hidden)


def test_a_hidden_figure_does_not_move_to_a_group_that_is_not_vulnerable(hub, audit, lead):
    need = add_need(hub, audit, {"group": "SEND", "phase": "ks2", "art": "music",
                                 "ward": "Northgate", "priority": "low", "children": 40})
    eal = group_ids(hub)["EAL"]
    with pytest.raises(DomainError, match="enter the number of children again"):
        records.update_need(need, audit, _need_fields(need, records.KEEP, eal), lead)
    assert need.children == 40 and need.target_group.name == "SEND"
    looked_after = group_ids(hub)["Looked-after children"]
    records.update_need(need, audit, _need_fields(need, records.KEEP, looked_after), lead)
    records.update_need(need, audit, _need_fields(need, 12, eal), lead)  # entered again
    assert (need.children, need.target_group.name) == (12, "EAL")


def test_the_threshold_only_goes_up_and_each_change_is_recorded(hub, audit, lead):
    def fields(threshold):
        return records.AuditFields("Music audit 2026", audit.period_start, audit.period_end,
                                   suppression_threshold=threshold)

    records.update_audit(audit, fields(8), minimum_threshold=5, actor=lead)
    with pytest.raises(DomainError, match="can only go up"):
        records.update_audit(audit, fields(6), minimum_threshold=5, actor=lead)
    assert audit.suppression_threshold == 8
    [change] = [c for c in changes.list_changes(audit) if c.field == "Threshold"]
    assert (change.old, change.new, change.actor_id) == ("5", "8", lead.id)


@pytest.mark.parametrize("htmx", [False, True])
def test_the_change_record_page_is_for_leads(client, auth, hub, audit, lead, steer, htmx):
    need = add_need(hub, audit, {"group": "SEND", "phase": "ks2", "art": "music",
                                 "ward": "Northgate", "priority": "low", "children": 3})
    records.update_need(need, audit, _need_fields(need, 4), steer)
    url = f"/p/{hub.id}/audits/{audit.id}/changes"
    auth.login(steer)
    assert client.get(url).status_code == 403
    auth.login(lead)
    response = client.get(url, headers=HTMX if htmx else {})
    text = _visible(response)
    assert response.status_code == 200
    assert "Sam Steer" in text and "Children in the need changed (not shown)" in text
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", response.get_data(as_text=True))
    assert "3" not in cells and "4" not in cells


def test_a_steering_member_cannot_change_the_threshold(client, auth, hub, audit, steer):
    auth.login(steer)
    response = client.post(f"/p/{hub.id}/audits/{audit.id}/edit",
                           data={**AUDIT_FORM, "suppression_threshold": "9"})
    assert response.status_code == 403 and audit.suppression_threshold == 5


def test_the_lead_cannot_lower_the_threshold_through_the_form(client, auth, hub, audit, lead):
    auth.login(lead)
    url = f"/p/{hub.id}/audits/{audit.id}/edit"
    assert client.post(url, data={**AUDIT_FORM, "suppression_threshold": "7"}).status_code == 302
    response = client.post(url, data={**AUDIT_FORM, "suppression_threshold": "6"})
    assert response.status_code == 422 and "can only go up" in _visible(response)
    assert audit.suppression_threshold == 7


def test_the_change_record_filters_by_record_and_person_and_pages(client, auth, hub, audit,
                                                                  lead, steer, monkeypatch):
    monkeypatch.setattr(changes, "PER_PAGE", 3)
    for n in range(4):
        add_need(hub, audit, {"group": "EAL", "phase": "ks2", "art": "music",
                              "ward": f"Ward {n}", "priority": "low", "children": 30})
    need = records.list_needs(audit)[0]
    records.update_need(need, audit, _need_fields(need, 35, priority=Priority.HIGH), steer)
    url = f"/p/{hub.id}/audits/{audit.id}/changes"
    auth.login(lead)
    by_steer = _visible(client.get(f"{url}?record=need&person={steer.id}"))
    assert "2 changes." in by_steer and "Priority" in by_steer
    page_one = _visible(client.get(f"{url}?record=need"))
    assert "page 1 of 2" in page_one and "Older" in page_one
    page_two = _visible(client.get(f"{url}?record=need&page=2"))
    assert "page 2 of 2" in page_two and "Newer" in page_two
    nothing = _visible(client.get(f"{url}?record=audit&person={steer.id}"))
    assert "0 changes." in nothing and "No change recorded yet." in nothing
    assert client.get(f"{url}?record=nonsense&page=-4").status_code == 200  # ignored, clamped
