"""Downloads of records about people are recorded for the leads: who, what, how many rows,
never the data itself."""

from sqlalchemy import select

from workspace.extensions import db
from workspace.models import ExportRecord


def test_a_workforce_download_is_recorded_without_its_data(client, auth, make_user,
                                                           make_partnership, add_member):
    lead = make_user(name="Lena Lead")
    partnership = make_partnership(lead=lead)
    for name in ("Amir Hussain", "Beth Lowe"):
        add_member(partnership, make_user(name=name))
    auth.login(lead)
    csv = client.get(f"/p/{partnership.id}/workforce.csv")
    assert csv.status_code == 200
    [record] = db.session.scalars(select(ExportRecord)).all()
    assert (record.user_id, record.what) == (lead.id, "Workforce (CSV)")
    assert record.rows == csv.get_data(as_text=True).count("\n") - 1
    page = client.get(f"/p/{partnership.id}/log").get_data(as_text=True)
    log = page.split('id="export-log"')[1]
    assert "Lena Lead" in log and "Workforce (CSV)" in log
    assert "Amir Hussain" not in log  # the download's contents are not kept


def test_a_member_sees_no_export_record(client, auth, make_user, make_partnership,
                                        add_member):
    partnership = make_partnership()
    member = make_user()
    add_member(partnership, member)
    auth.login(member)
    assert client.get(f"/p/{partnership.id}/log").status_code == 403
