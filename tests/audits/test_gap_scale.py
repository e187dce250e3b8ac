"""The gap view, its CSV and the report do work in proportion to the records, not to records x
cells: the same number of queries however many records, each record's coordinates worked out
once, and each record passed to a few figures (its cell, its row, its column, the total)."""

import pytest
from sqlalchemy import event, insert

from tests.audits.conftest import NOW
from tests.conftest import HTMX
from workspace.extensions import db
from workspace.models.audits import (
    AgePhase,
    ArtForm,
    Need,
    NeedSource,
    Priority,
    Provision,
    ProvisionGroup,
)
from workspace.services.audits import gaps as audit_gaps
from workspace.services.audits import records
from workspace.services.audits import report as audit_report

CHILDREN = [3, None, 12, 1, 40, 0, 7]


def _add(hub, audit, lead, start: int, n: int) -> None:
    """n needs and n provision records, each pair in a ward of its own, half the provision
    for one or two target groups (bulk inserted: what is timed is reading them)."""
    groups = records.list_target_groups(hub)
    phases, forms = list(AgePhase), list(ArtForm)
    db.session.execute(insert(Need), [
        {"partnership_id": hub.id, "audit_id": audit.id, "source": NeedSource.IMPORT,
         "target_group_id": groups[i % len(groups)].id if i % 3 else None,
         "phase": phases[i % 7], "art_form": forms[i % 5], "ward": f"Ward {i:04d}",
         "priority": list(Priority)[i % 3], "children": CHILDREN[i % 7], "created_at": NOW}
        for i in range(start, start + n)])
    new = db.session.scalars(insert(Provision).returning(Provision.id), [
        {"partnership_id": hub.id, "audit_id": audit.id, "provider_name": f"Provider {i}",
         "activity": "Workshops", "art_form": forms[(i + 1) % 5], "phase": phases[i % 7],
         "ward": f"Ward {i:04d}", "children_reached": CHILDREN[(i + 2) % 7],
         "created_by_id": lead.id, "created_at": NOW}
        for i in range(start, start + n)]).all()
    db.session.execute(insert(ProvisionGroup), [
        {"provision_id": pid, "target_group_id": groups[(i + k) % len(groups)].id}
        for i, pid in enumerate(new) if i % 2 for k in range(1 + i % 4 // 3)])
    db.session.commit()


def _urls(hub, audit) -> list[tuple[str, dict]]:
    base = f"/p/{hub.id}/audits/{audit.id}"
    return [(f"{base}/gaps", {}), (f"{base}/gaps", HTMX), (f"{base}/gaps?rows=group&cols=ward", {}),
            (f"{base}/gaps.csv", {}), (f"{base}/report", {})]


def _queries(client, url: str, headers: dict) -> int:
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url, headers=headers).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_the_gap_pages_run_as_many_queries_for_600_records_as_for_10(
        client, auth, hub, audit, lead):
    """600 records: past the 500 a selectinload asks for at a time."""
    auth.login(lead)
    _add(hub, audit, lead, 0, 10)
    few = [_queries(client, url, headers) for url, headers in _urls(hub, audit)]
    _add(hub, audit, lead, 10, 590)
    many = [_queries(client, url, headers) for url, headers in _urls(hub, audit)]
    assert many == few


@pytest.fixture
def visits(monkeypatch):
    """Counts, across requests: records whose coordinates are worked out, records tested
    against a cell's coordinates, and record entries passed to disclosure.figure."""
    counted = {"coords": 0, "matches": 0, "entries": 0}

    def counting(name, original, measure):
        def wrapper(*args, **kwargs):
            counted[name] += measure(*args)
            return original(*args, **kwargs)
        return wrapper

    for name in ("need_coords", "provision_coords"):
        monkeypatch.setattr(audit_gaps, name,
                            counting("coords", getattr(audit_gaps, name), lambda *a: 1))
    monkeypatch.setattr(audit_gaps, "_matches",
                        counting("matches", audit_gaps._matches, lambda *a: 1))
    for module in (audit_gaps, audit_report):
        monkeypatch.setattr(module, "figure", counting(
            "entries", module.figure, lambda entries, *a: len(entries)))
    return counted


def _visits_per_record(client, hub, audit, visits, n: int) -> dict[str, float]:
    for key in visits:
        visits[key] = 0
    for url, headers in _urls(hub, audit):
        assert client.get(url, headers=headers).status_code == 200
    return {key: value / (2 * n * len(_urls(hub, audit))) for key, value in visits.items()}


def test_the_work_a_request_does_is_proportional_to_the_records(
        client, auth, hub, audit, lead, visits):
    auth.login(lead)
    _add(hub, audit, lead, 0, 10)
    few = _visits_per_record(client, hub, audit, visits, 10)
    _add(hub, audit, lead, 10, 190)
    many = _visits_per_record(client, hub, audit, visits, 200)
    # Scanning every record for each cell would visit each record once a cell: 1,000 cells
    # (200 wards by 5 groups) at 200 wards. Here a record is visited a few times a request.
    assert many["coords"] <= 1
    assert many["matches"] <= 5
    assert many["entries"] <= 8
    for key in visits:
        assert many[key] <= few[key] * 1.5 + 0.5, key
