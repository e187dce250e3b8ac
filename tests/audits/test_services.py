import hashlib
import hmac
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import permutations

import pytest

from tests.audits.conftest import NEEDS, NOW, PROVISION, add_need, add_provision, group_ids
from workspace.exceptions import DomainError, NotFound
from workspace.models.audits import AgePhase, ArtForm, AuditStatus, NeedSource, Priority
from workspace.models.cpd import Attendance
from workspace.services.audits import gaps as audit_gaps
from workspace.services.audits import records
from workspace.services.audits import report as audit_report
from workspace.services.cpd import sessions

THRESHOLD = 5
WEIGHT = {"high": 3, "medium": 2, "low": 1}
DIMS = ["group", "phase", "art_form", "ward"]


# --- the oracle: plain loops over the hand-made dicts, nothing from the services -----------


def _need_values(n: dict) -> dict:
    return {"group": n["group"] or "ALL", "phase": n["phase"], "art_form": n["art"],
            "ward": n["ward"]}


def stand_in(kind: str, record_id: int, value: int | None) -> int:
    """A record's value in the sums: its own, or under the threshold 1 to 4 drawn from its key
    (an HMAC of kind and id under the tests' SECRET_KEY). Records are numbered from 1 in the
    order the fixture adds them."""
    if not value or value >= THRESHOLD:
        return value or 0
    digest = hmac.new(b"test-secret", f"{kind}:{record_id}".encode(), hashlib.sha256).digest()
    return 1 + digest[1] % (THRESHOLD - 1)


def oracle(constraints: dict) -> dict:
    out = {"needs": 0, "high": 0, "weight": 0, "children": 0, "provision": 0, "reach": 0}
    for number, n in enumerate(NEEDS, start=1):
        values = _need_values(n)
        if all(values[d] == v for d, v in constraints.items()):
            out["needs"] += 1
            out["high"] += n["priority"] == "high"
            out["weight"] += WEIGHT[n["priority"]]
            out["children"] += stand_in("need", number, n["children"])
    for number, p in enumerate(PROVISION, start=1):
        hit = False
        for group in p["groups"] or ["ALL"]:
            values = {"group": group, "phase": p["phase"], "art_form": p["art"],
                      "ward": p["ward"]}
            hit = hit or all(values[d] == v for d, v in constraints.items())
        if hit:
            out["provision"] += 1
            out["reach"] += stand_in("provision", number, p["reach"])
    if out["needs"] == 0:
        out["state"] = "provision_only" if out["provision"] else "empty"
    elif out["provision"] == 0:
        out["state"] = "unmet"
    elif out["provision"] < out["needs"]:
        out["state"] = "partly"
    else:
        out["state"] = "met"
    return out


def _plain(facts, dim: str, key: str) -> str:
    if dim == "group":
        return "ALL" if key == audit_gaps.ALL else facts.group_by_key[key].name
    if dim == "ward":
        return facts.ward_labels[key]
    return key


def _check(cell, expected: dict, hidden_parts: int | None = None):
    assert cell.needs == expected["needs"]
    assert cell.high == expected["high"]
    assert cell.weight == expected["weight"]
    assert cell.need_children.raw == expected["children"]
    assert cell.provision == expected["provision"]
    assert cell.reach.raw == expected["reach"]
    assert cell.state == expected["state"]
    for fig, raw in ((cell.need_children, expected["children"]), (cell.reach, expected["reach"])):
        assert fig.suppressed == (0 < raw < THRESHOLD) or fig.suppressed and hidden_parts
        if 0 < raw < THRESHOLD:
            assert str(fig) == "<5" and fig.words == "fewer than 5"


@pytest.mark.parametrize("rows,cols", list(permutations(DIMS, 2)))
def test_every_cell_and_total_matches_an_independent_count(hub, filled, rows, cols):
    facts = audit_gaps.load_facts(hub, filled)
    m = audit_gaps.matrix(facts, rows, cols)
    assert (m.rows, m.cols) == (rows, cols)
    for r in m.row_values:
        for c in m.col_values:
            constraints = {rows: _plain(facts, rows, r.key), cols: _plain(facts, cols, c.key)}
            _check(m.at(r, c), oracle(constraints))
    for r in m.row_values:
        assert m.row_totals[r.key].needs == oracle({rows: _plain(facts, rows, r.key)})["needs"]
        assert m.row_totals[r.key].reach.raw == oracle({rows: _plain(facts, rows, r.key)})[
            "reach"]
    for c in m.col_values:
        expected = oracle({cols: _plain(facts, cols, c.key)})
        assert m.col_totals[c.key].provision == expected["provision"]
        assert m.col_totals[c.key].need_children.raw == expected["children"]
    whole = oracle({})
    assert (m.total.needs, m.total.provision, m.total.reach.raw) == (
        whole["needs"], whole["provision"], whole["reach"])
    # Every value in the data has its row or column (group: every group, plus "all").
    wards = {n["ward"] for n in NEEDS} | {p["ward"] for p in PROVISION}
    if rows == "ward":
        assert [v.label for v in m.row_values] == sorted(wards)


@pytest.mark.parametrize("filters", [
    {"phase": "ks2"}, {"art_form": "music", "phase": "ks2"}, {"group": "EAL"},
    {"group": "SEND", "ward": "Northgate"}, {"group": "ALL"}])
def test_filters_match_an_independent_count(hub, filled, filters):
    facts = audit_gaps.load_facts(hub, filled)
    ids = {g.name: str(g.id) for g in records.list_target_groups(hub)} | {"ALL": "all"}
    keyed = {d: (ids[v] if d == "group" else records.place_key(v) if d == "ward" else v)
             for d, v in filters.items()}
    for rows, cols in (("ward", "art_form"), ("phase", "ward")):
        if rows in filters or cols in filters:
            continue
        m = audit_gaps.matrix(facts, rows, cols, keyed)
        assert m.filters == keyed
        for r in m.row_values:
            for c in m.col_values:
                constraints = {**filters, rows: _plain(facts, rows, r.key),
                               cols: _plain(facts, cols, c.key)}
                _check(m.at(r, c), oracle(constraints))


def test_the_send_gap_in_northgate(hub, filled):
    facts = audit_gaps.load_facts(hub, filled)
    m = audit_gaps.matrix(facts)  # wards by groups
    send = str(group_ids(hub)["SEND"])
    cell = m.cells[(records.place_key("Northgate"), send)]
    assert (cell.needs, cell.high, cell.weight, cell.provision) == (2, 1, 4, 0)
    assert cell.state == "unmet" and cell.heat == 2
    assert cell.need_children.suppressed and str(cell.need_children) == "<5"
    # EAL in Riverside: one need, two provision records (met); reach 22 is shown.
    eal = m.cells[(records.place_key("Riverside"), str(group_ids(hub)["EAL"]))]
    assert (eal.state, eal.reach.raw, eal.reach.suppressed) == ("met", 22, False)
    # A provision record for two groups counts once in the ward's total.
    northgate = m.row_totals[records.place_key("Northgate")]
    assert northgate.provision == 1 and northgate.reach.raw == 90


def test_matrix_totals_apply_the_rule(hub, filled):
    facts = audit_gaps.load_facts(hub, filled)
    m = audit_gaps.matrix(facts, "ward", "group")
    riverside = m.row_totals[records.place_key("Riverside")]
    # Riverside's children in needs: 120 (all) + 2 (looked-after: in the sums as its stand-in,
    # hidden) + 11 (EAL); only one hidden part, so the total would give it away.
    assert riverside.need_children.raw == 131 + stand_in("need", 5, 2)
    assert riverside.need_children.suppressed
    hillcrest = m.row_totals[records.place_key("Hillcrest")]
    assert hillcrest.need_children.raw == 85 and not hillcrest.need_children.suppressed


def test_gap_list_is_worst_first(hub, filled):
    facts = audit_gaps.load_facts(hub, filled)
    gaps = audit_gaps.gap_list(facts)
    described = [audit_gaps.describe(facts, g.coords) for g in gaps]
    assert described[0] == "SEND, KS2, Music (general), Northgate"
    assert all(g.state in ("unmet", "partly") for g in gaps)
    assert [g.state for g in gaps] == sorted((g.state for g in gaps),
                                             key=lambda s: s != "unmet")
    # Oracle: needs (full coordinates) with no provision anywhere at those coordinates.
    unmet = {(n["group"] or "ALL", n["phase"], n["art"], n["ward"]) for n in NEEDS
             if oracle(_need_values(n))["state"] == "unmet"}
    assert len([g for g in gaps if g.state == "unmet"]) == len(unmet)


def test_action_args_carry_the_cell(hub, filled):
    facts = audit_gaps.load_facts(hub, filled)
    send = group_ids(hub)["SEND"]
    args = audit_gaps.action_args(facts, {"group": str(send), "ward": "northgate",
                                          "phase": "ks2"})
    assert args == {"audit_id": filled.id, "group_id": send, "phase": "ks2",
                    "ward": "Northgate"}


def test_csv_export_suppresses_and_defuses_formulas(hub, audit, lead):
    add_provision(hub, audit, lead, {"groups": ["SEND"], "phase": "ks2", "art": "music",
                                     "ward": "Northgate", "reach": 3,
                                     "provider": "=HYPERLINK(\"x\")", "setting": "Secret Sch"})
    facts = audit_gaps.load_facts(hub, audit)
    text = audit_gaps.gaps_csv(facts, audit_gaps.matrix(facts))
    assert ",<5" in text and ",3\r" not in text and ",3," not in text
    listing = audit_gaps.provision_csv(facts)
    assert "'=HYPERLINK" in listing and "Secret Sch" not in listing
    assert "Children" not in listing and "<5" not in listing and ",3," not in listing


# --- audits, status, the link --------------------------------------------------------------


def test_first_audit_adds_default_groups_once(hub, lead, audit):
    names = [(g.name, g.vulnerable) for g in records.list_target_groups(hub)]
    assert names == records.DEFAULT_GROUPS
    records.create_audit(hub, lead, records.AuditFields("Second", date(2027, 1, 1),
                                                      date(2027, 2, 1)), minimum_threshold=5)
    records.add_target_group(hub, "Young carers", vulnerable=True)
    assert len(records.list_target_groups(hub)) == 5
    with pytest.raises(DomainError):
        records.add_target_group(hub, " young  CARERS ", vulnerable=False)


def test_threshold_and_period_rules(hub, lead, audit):
    with pytest.raises(DomainError) as error:
        records.update_audit(audit, records.AuditFields("X", date(2026, 1, 1), date(2026, 2, 1),
                                                      suppression_threshold=3),
                            minimum_threshold=5)
    assert error.value.field == "suppression_threshold"
    with pytest.raises(DomainError):
        records.update_audit(audit, records.AuditFields("X", date(2026, 3, 1), date(2026, 2, 1)),
                            minimum_threshold=5)
    records.update_audit(audit, records.AuditFields("X", date(2026, 1, 1), date(2026, 2, 1),
                                                  suppression_threshold=10),
                        minimum_threshold=5)
    assert audit.suppression_threshold == 10


def _answer(ward="Northgate"):
    return records.NeedFields(phase=AgePhase.KS2, art_form=ArtForm.MUSIC, ward=ward,
                             priority=Priority.HIGH, respondent_name="Ann",
                             respondent_organisation="Northgate Primary")


def test_needs_form_only_while_collecting_and_live(hub, audit):
    token = audit.needs_token
    assert records.link_state(audit, NOW) == "draft"
    with pytest.raises(DomainError):
        records.submit_need(token, _answer(), NOW)
    records.change_status(audit, AuditStatus.COLLECTING, NOW)
    assert audit.needs_token_expires_at == NOW + timedelta(days=30)
    need = records.submit_need(token, _answer(), NOW)
    assert need.source == NeedSource.FORM
    later = NOW + timedelta(days=31)
    assert records.link_state(audit, later) == "expired"
    with pytest.raises(DomainError):
        records.submit_need(token, _answer(), later)
    with pytest.raises(NotFound):
        records.submit_need("not-the-token", _answer(), NOW)
    records.renew_token(audit, NOW)
    assert audit.needs_token != token
    with pytest.raises(NotFound):
        records.submit_need(token, _answer(), NOW)
    records.change_status(audit, AuditStatus.CLOSED, NOW)
    with pytest.raises(DomainError):
        records.submit_need(audit.needs_token, _answer(), NOW)
    with pytest.raises(DomainError):
        records.change_status(audit, AuditStatus.DRAFT, NOW)
    assert len(records.list_needs(audit)) == 1


def test_token_expiry_must_be_in_the_future(audit):
    with pytest.raises(DomainError):
        records.set_token_expiry(audit, NOW - timedelta(days=1), NOW)
    records.set_token_expiry(audit, NOW + timedelta(days=3), NOW)
    assert audit.needs_token_expires_at == NOW + timedelta(days=3)


def test_wards_match_whatever_the_spacing_and_case(hub, audit, lead):
    add_need(hub, audit, {**NEEDS[0], "ward": "North  Gate"})
    add_need(hub, audit, {**NEEDS[1], "ward": " north gate "})
    add_provision(hub, audit, lead, {**PROVISION[0], "ward": "NORTH GATE"})
    assert records.list_wards(audit) == ["North Gate"]
    assert {n.ward for n in records.list_needs(audit)} == {"North Gate"}


def test_records_refuse_other_partnerships_groups(hub, audit, make_partnership, lead):
    other = make_partnership(name="Other")
    records.ensure_target_groups(other)
    foreign = records.list_target_groups(other)[0]
    with pytest.raises(DomainError):
        records.add_need(audit, records.NeedFields(
            phase=AgePhase.KS1, art_form=ArtForm.DANCE, ward="X", priority=Priority.LOW,
            target_group_id=foreign.id))
    with pytest.raises(DomainError):
        add_provision(hub, audit, lead, {**PROVISION[0], "reach": -1})
    assert records.audit_counts(audit) == {"provision": 0, "needs": 0}


def test_the_report_counts_cpd_held_in_the_period_so_far_not_sessions_still_to_come(
        hub, audit, lead, member):
    network = sessions.create_network(hub, name="Primary", coordinator=lead)
    days = [date(2026, 9, 20), date(2026, 12, 1), date(2027, 9, 1)]  # held, to come, after
    sessions.schedule_series(hub, network, "Network days", days, sessions.SessionFields(
        title="Network day", day=days[0], start=time(9), end=time(15), capacity=5,
        learning_hours=Decimal("5")))
    held = sessions.list_sessions(hub)[0].session
    booking = sessions.sign_up(held, member, datetime(2026, 9, 1, tzinfo=UTC))
    sessions.mark_attendance(held, booking.id, Attendance.ATTENDED, lead)

    report = audit_report.audit_report(hub, audit, datetime(2026, 11, 1, tzinfo=UTC))

    assert [row.session.id for row in report.sessions] == [held.id]
    assert report.attendances == 1
