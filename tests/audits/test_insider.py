"""An insider (a steering member, then a lead) tries every route the pages offer to learn how
many children a vulnerable group's cell holds when that is 1 to 4.

The same world is built four times, identical except for the hidden figure (1, 2, 3 or 4
children of a SEND need and of a SEND provision record that a school and a provider entered),
and the insider plays the same moves in each: adding, editing and moving records in the cell
and its neighbours, re-opening edit forms, changing groups and the threshold, removing
records, and reading every view, filter, drill-down, fragment, CSV, the report and the change
record after each move. Everything the insider is shown is kept. If the four transcripts are
the same, no reasoning over them, however clever, can tell 1 from 2, 3 or 4."""

import html
import re
from datetime import date

from tests.conftest import HTMX, PASSWORD, _empty_tables
from workspace.extensions import db
from workspace.models.audits import AgePhase, ArtForm, Priority
from workspace.models.partnerships import PartnershipKind, Role
from workspace.services.accounts import users
from workspace.services.audits import records
from workspace.services.partnerships import membership


def _visible(response) -> str:
    page = response.get_data(as_text=True)
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    # Hidden inputs and selected options carry what a reader's browser would show or send.
    inputs = " ".join(re.findall(r"<(?:input|option|textarea)[^>]*>", page))
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    return f"{response.status_code} {text} {inputs}"


class Insider:
    """The pages and forms a signed-in person can use, and a transcript of what they saw."""

    def __init__(self, client, hub, audit):
        self.client, self.hub, self.audit = client, hub, audit
        self.seen: list[str] = []
        self.base = f"/p/{hub.id}/audits/{audit.id}"

    def login(self, user):
        self.client.post("/logout")
        response = self.client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302

    def see(self, url: str, htmx: bool = False):
        response = self.client.get(url, headers=HTMX if htmx else {})
        self.seen.append(f"GET {url} {_visible(response)}")
        return response

    def send(self, url: str, data: dict):
        response = self.client.post(url, data=data)
        self.seen.append(f"POST {url} {_visible(response)}")
        return response

    def group(self, name: str) -> str:
        return str(records.find_target_group(self.hub, name).id)

    def look(self, cell: dict[str, str]):
        """Every view of the audit's figures, and the cell and its neighbours drilled into."""
        send, b = self.group("SEND"), self.base
        for url in (f"{b}/gaps", f"{b}/gaps?rows=phase&cols=art_form",
                    f"{b}/gaps?rows=ward&cols=art_form&group={send}",
                    f"{b}/gaps?rows=group&cols=phase&ward=Northgate&art_form=music",
                    f"{b}/gaps.csv", f"{b}/gaps.csv?rows=group&cols=ward&phase=ks2",
                    f"{b}/needs", f"{b}/provision", f"{b}/needs.csv", f"{b}/provision.csv",
                    f"{b}/report"):
            self.see(url)
        for coords in (cell, {"group": cell["group"]}, {"ward": "Northgate"},
                       {"group": cell["group"], "ward": "Northgate"},
                       {"group": cell["group"], "art_form": "music"}):
            query = "&".join(f"{k}={v}" for k, v in coords.items())
            self.see(f"{b}/gaps/cell?{query}")
            self.see(f"{b}/gaps/cell?{query}", htmx=True)
        self.see(f"{b}/gaps?rows=ward&cols=group", htmx=True)


def _need_form(group: str, children, ward="Northgate", art="music", **extra) -> dict:
    return {"target_group": group, "phase": "ks2", "art_form": art, "ward": ward,
            "priority": "high", "setting": "", "job_role": "", "description": "Sensory music",
            "respondent_name": "", "respondent_organisation": "Insider School",
            "respondent_email": "", "children": "" if children is None else str(children),
            **extra}


def _provision_form(groups: list[str], reach, ward="Northgate") -> dict:
    return {"provider_name": "Insider Arts", "activity": "Adapted music", "art_form": "music",
            "phase": "ks2", "groups": groups, "ward": ward,
            "children_reached": "" if reach is None else str(reach), "settings_reached": "1"}


def _world(x: int):
    """The partnership, its lead and a steering member; a SEND need of x children (from St
    Mary's, by the needs form) and a SEND provision record reaching x, beside other records."""
    lead = users.register_user(email="lena@example.org", name="Lena Lead", password=PASSWORD)
    steer = users.register_user(email="sam@example.org", name="Sam Steer", password=PASSWORD)
    hub = membership.create_partnership(lead, name="Riverside Music Hub",
                                        kind=PartnershipKind.HUB, place="Riverside",
                                        lead_organisation="Riverside Council", description="")
    invitation = membership.create_invitation(hub, lead, Role.STEERING)
    membership.accept_invitation(invitation.token, steer)
    audit = records.create_audit(hub, lead, records.AuditFields(
        title="Music audit", period_start=date(2026, 9, 1), period_end=date(2027, 7, 31)),
        minimum_threshold=5)
    ids = {g.name: g.id for g in records.list_target_groups(hub)}
    records.add_need(audit, records.NeedFields(
        phase=AgePhase.KS2, art_form=ArtForm.MUSIC, ward="Northgate", priority=Priority.HIGH,
        target_group_id=ids["SEND"], children=x, respondent_organisation="St Mary's Primary",
        setting="Room 4"))
    records.add_need(audit, records.NeedFields(
        phase=AgePhase.KS2, art_form=ArtForm.MUSIC, ward="Northgate", priority=Priority.LOW,
        target_group_id=ids["EAL"], children=12, respondent_organisation="Oakfield School"))
    records.add_need(audit, records.NeedFields(
        phase=AgePhase.KS3, art_form=ArtForm.DANCE, ward="Riverside", priority=Priority.HIGH,
        children=40, respondent_organisation="Riverside Academy"))
    for group, reach, ward in (("SEND", x, "Northgate"), ("EAL", 30, "Northgate"),
                               (None, 200, "Riverside")):
        records.add_provision(audit, lead, records.ProvisionFields(
            provider_name="Stage Co", activity="Workshops", art_form=ArtForm.MUSIC,
            phase=AgePhase.KS2, ward=ward, children_reached=reach,
            group_ids=frozenset([ids[group]] if group else [])))
    db.session.commit()
    return hub, audit, lead, steer


def _play(client, x: int) -> list[str]:
    hub, audit, lead, steer = _world(x)
    target_need = next(n.id for n in records.list_needs(audit) if records.is_vulnerable_need(n))
    target_provision = next(p.id for p in records.list_provision(audit)
                            if records.is_vulnerable_provision(p))
    me = Insider(client, hub, audit)
    send, eal, looked_after = me.group("SEND"), me.group("EAL"), me.group(
        "Looked-after children")
    cell = {"group": send, "phase": "ks2", "art_form": "music", "ward": "Northgate"}
    need_url = f"/p/{hub.id}/needs/{target_need}/edit"
    provision_url = f"/p/{hub.id}/provision/{target_provision}/edit"

    # --- as a steering member ---------------------------------------------------------------
    me.login(steer)
    me.look(cell)
    me.see(need_url)
    me.see(provision_url)
    # A record of my own in the cell, its figure walked up through the rounding boundaries.
    me.send(f"{me.base}/needs/new", _need_form(send, 1))
    mine = max(n.id for n in records.list_needs(audit))
    for k in range(1, 13):
        me.send(f"/p/{hub.id}/needs/{mine}/edit", _need_form(send, k))
        me.look(cell)
        me.see(f"/p/{hub.id}/needs/{mine}/edit")
    me.send(f"{me.base}/provision/new", _provision_form([send], 5))
    mine_p = max(p.id for p in records.list_provision(audit))
    for k in range(1, 13):
        me.send(f"/p/{hub.id}/provision/{mine_p}/edit", _provision_form([send], k))
        me.look(cell)
    # Many records of a known figure, each with a fresh key, to average any noise away.
    for _ in range(12):
        me.send(f"{me.base}/needs/new", _need_form(send, 5))
        me.see(f"{me.base}/gaps/cell?group={send}&ward=Northgate", htmx=True)
        me.see(f"{me.base}/gaps.csv")
    # Neighbours: the same group elsewhere, other groups here.
    me.send(f"{me.base}/needs/new", _need_form(eal, 3))
    me.send(f"{me.base}/needs/new", _need_form(send, 2, ward="Riverside"))
    me.send(f"{me.base}/needs/new", _need_form(send, 4, art="dance"))
    me.look(cell)
    # The target itself: re-open its forms, save them untouched, move it, change its group.
    me.see(need_url)
    me.send(need_url, _need_form(send, None))
    me.see(need_url)
    me.send(need_url, _need_form(eal, None))  # to a group that is not vulnerable
    me.see(need_url)
    me.send(need_url, _need_form(looked_after, None))
    me.see(need_url)
    me.look({**cell, "group": looked_after})
    me.send(need_url, _need_form(send, None, ward="Riverside"))
    me.look({**cell, "ward": "Riverside"})
    me.send(need_url, _need_form(send, None))
    me.see(provision_url)
    me.send(provision_url, _provision_form([send], None))
    me.send(provision_url, _provision_form([], None))  # to all children
    me.see(provision_url)
    me.send(provision_url, _provision_form([send, eal], None))
    me.see(provision_url)
    me.look(cell)
    me.send(f"{me.base}/edit", {"title": "Music audit", "period_start": "2026-09-01",
                                "period_end": "2027-07-31", "area": "",
                                "suppression_threshold": "1"})

    # --- as the lead --------------------------------------------------------------------------
    me.login(lead)
    me.look(cell)
    for threshold in ("1", "2", "4", "6", "10", "5"):
        me.send(f"{me.base}/edit", {"title": "Music audit", "period_start": "2026-09-01",
                                    "period_end": "2027-07-31", "area": "",
                                    "suppression_threshold": threshold})
        me.look(cell)
        me.see(need_url)
        me.see(provision_url)
    me.send(f"/p/{hub.id}/audits/groups", {"name": "Choir", "vulnerable": ""})
    choir = me.group("Choir")
    me.send(need_url, _need_form(choir, None))
    me.see(need_url)
    me.look({**cell, "group": choir})
    me.see(f"{me.base}/changes")
    # Remove my records one by one, looking each time, until only the target is left.
    for need in sorted((n.id for n in records.list_needs(audit) if n.id != target_need),
                       reverse=True):
        me.send(f"/p/{hub.id}/needs/{need}/delete", {})
        me.see(f"{me.base}/gaps/cell?group={send}&ward=Northgate", htmx=True)
        me.see(f"{me.base}/gaps.csv")
        me.see(f"{me.base}/report")
    for provision in sorted(p.id for p in records.list_provision(audit)
                            if p.id != target_provision):
        me.send(f"/p/{hub.id}/provision/{provision}/delete", {})
        me.look(cell)
    me.see(f"{me.base}/changes")
    return me.seen


def _reset():
    db.session.remove()
    _empty_tables()


def test_no_sequence_of_moves_tells_a_hidden_count_of_one_to_four(app, client):
    transcripts = {}
    for x in (1, 2, 3, 4):
        _reset()
        transcripts[x] = _play(client, x)
    assert len(transcripts[1]) > 300
    for x in (2, 3, 4):
        for step, (one, other) in enumerate(zip(transcripts[1], transcripts[x], strict=True)):
            assert one == other, f"step {step}: {one[:120]} — the page differs for 1 and {x}"


def test_the_edit_forms_never_give_back_a_vulnerable_groups_figure(app, client):
    hub, audit, lead, steer = _world(3)
    need = records.list_needs(audit)[0]
    me = Insider(client, hub, audit)
    me.login(steer)
    page = me.see(f"/p/{hub.id}/needs/{need.id}/edit").get_data(as_text=True)
    field = re.search(r'<input[^>]*name="children"[^>]*>', page).group(0)
    assert "value=" not in field or 'value=""' in field
    assert "entered; leave blank to keep it" in page
