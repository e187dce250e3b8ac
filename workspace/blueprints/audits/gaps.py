"""The gap view (heatmap, drill-down, workforce panel, CSV) and the printable audit report."""

from flask import current_app, request, url_for

from workspace.blueprints.access import partnership_route
from workspace.blueprints.audits.records import csv_response
from workspace.blueprints.audits.views import bp
from workspace.blueprints.rendering import render
from workspace.clock import utcnow
from workspace.services import permissions
from workspace.services.audits import gaps as audit_gaps
from workspace.services.audits import records
from workspace.services.audits import report as audit_report

ACTION_ENDPOINT = "steering.new_action"


def _view_args() -> tuple[str, str, dict[str, str]]:
    rows = request.args.get("rows", "ward")
    cols = request.args.get("cols", "group")
    if rows not in audit_gaps.DIMENSIONS or cols not in audit_gaps.DIMENSIONS or rows == cols:
        rows, cols = "ward", "group"
    return rows, cols, {d: request.args.get(d, "") for d in audit_gaps.DIMENSIONS}


def _matrix(partnership, audit):
    facts = audit_gaps.load_facts(partnership, audit)
    rows, cols, raw = _view_args()
    filters = audit_gaps.valid_constraints(facts, raw)
    page = request.args.get("page", 1, type=int)
    return facts, audit_gaps.matrix(facts, rows, cols, filters, page)


def action_url(facts, coords) -> str | None:
    """The link that turns a cell into a steering action, once the steering area has it."""
    if ACTION_ENDPOINT not in current_app.view_functions:
        return None
    return url_for(ACTION_ENDPOINT, partnership_id=facts.audit.partnership_id,
                   **audit_gaps.action_args(facts, coords))


@bp.get("/p/<int:partnership_id>/audits/<int:audit_id>/gaps")
@partnership_route(permissions.may_see_audits)
def gaps(partnership, audit_id: int):
    audit = records.get_audit(partnership, audit_id)
    facts, m = _matrix(partnership, audit)
    return render("audits/gaps.html", "audits/_matrix.html", partnership=partnership,
                  audit=audit, facts=facts, m=m, dimensions=audit_gaps.DIMENSIONS,
                  panel=audit_gaps.workforce_panel(
                      partnership, audit_gaps.needs_in(facts, m.filters)),
                  label_of=audit_gaps.label_of, states=audit_gaps.STATES,
                  ward_choices=audit_gaps.WARD_CHOICES)


@bp.get("/p/<int:partnership_id>/audits/<int:audit_id>/gaps.csv")
@partnership_route(permissions.may_see_audits)
def gaps_csv(partnership, audit_id: int):
    audit = records.get_audit(partnership, audit_id)
    facts, m = _matrix(partnership, audit)
    return csv_response(audit_gaps.gaps_csv(facts, m), f"audit-{audit.id}-gaps.csv")


@bp.get("/p/<int:partnership_id>/audits/<int:audit_id>/gaps/cell")
@partnership_route(permissions.may_see_audits)
def gap_cell(partnership, audit_id: int):
    audit = records.get_audit(partnership, audit_id)
    facts = audit_gaps.load_facts(partnership, audit)
    rows, cols, raw = _view_args()
    coords = audit_gaps.valid_constraints(facts, raw)
    found = audit_gaps.cell(facts, coords)
    return render("audits/cell.html", "audits/_cell.html", partnership=partnership,
                  audit=audit, facts=facts, cell=found, rows=rows, cols=cols,
                  title=audit_gaps.describe(facts, coords), action_url=action_url(facts, coords),
                  discuss_key=audit_gaps.discussion_key(facts, coords), audits=records)


@bp.get("/p/<int:partnership_id>/audits/<int:audit_id>/report")
@partnership_route(permissions.may_see_audits)
def report(partnership, audit_id: int):
    audit = records.get_audit(partnership, audit_id)
    return render("audits/report.html", partnership=partnership, audit=audit,
                  report=audit_report.audit_report(partnership, audit, utcnow()),
                  describe=audit_gaps.describe)
