"""Importing an audit's provision or needs from CSV, with sample files to start from."""

from flask import flash, redirect
from flask_login import current_user

from workspace.blueprints.access import partnership_route
from workspace.blueprints.audits.forms import ImportForm
from workspace.blueprints.audits.records import csv_response
from workspace.blueprints.audits.views import audit_url, bp
from workspace.blueprints.rendering import INVALID, render_form
from workspace.services import permissions
from workspace.services.audits import importing, records


def _page(partnership, audit, form, errors=(), code=None):
    response = render_form("audits/import.html", form, fragment="audits/_import.html",
                           partnership=partnership, audit=audit, errors=list(errors),
                           columns=importing.COLUMNS)
    return (response[0], code) if code else response


@bp.route("/p/<int:partnership_id>/audits/<int:audit_id>/import", methods=["GET", "POST"])
@partnership_route(permissions.may_manage_audits)
def import_data(partnership, audit_id: int):
    audit = records.get_audit(partnership, audit_id)
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(partnership, audit, form)
    raw = form.file.data.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _page(partnership, audit, form, ["line 1: the file is not UTF-8 text; save it "
                                                "as CSV UTF-8"], INVALID)
    try:
        count = importing.import_csv(partnership, audit, current_user,
                                        form.kind.data, text)
    except importing.ImportFailed as failure:
        return _page(partnership, audit, form, failure.errors, INVALID)
    flash(f"{count} {form.kind.data} rows imported.", "success")
    endpoint = "audits.provision_list" if form.kind.data == "provision" else "audits.need_list"
    return redirect(audit_url(audit, endpoint))


@bp.get("/p/<int:partnership_id>/audits/import/provision-sample.csv")
@partnership_route(permissions.may_see_audits)
def provision_sample(partnership):
    return csv_response(importing.sample_csv("provision"), "provision-sample.csv")


@bp.get("/p/<int:partnership_id>/audits/import/needs-sample.csv")
@partnership_route(permissions.may_see_audits)
def needs_sample(partnership):
    return csv_response(importing.sample_csv("needs"), "needs-sample.csv")
