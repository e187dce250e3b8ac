import io

from workspace.services.audits import importing, records

PROVISION = (
    "provider,activity,art_form,phase,ward,target_groups,children_reached,cost\n"
    "Riverside Music Service,Ukulele,music_whole_class,ks2,Northgate,SEND; EAL,28,1200.50\n"
    "Dance Hub,Street dance,Dance,KS3,riverside,,40,\n")
BAD = (
    "provider,activity,art_form,phase,ward,target_groups,children_reached\n"
    "Riverside Music Service,Ukulele,music,ks2,Northgate,SEND,28\n"
    "Dance Hub,Street dance,ballet,ks3,Riverside,,40\n"
    "Gallery,Drawing,visual_arts,ks9,Hillcrest,Nobody,-3\n")


def _post(client, hub, audit, kind, text, name="data.csv"):
    return client.post(f"/p/{hub.id}/audits/{audit.id}/import", data={
        "kind": kind, "file": (io.BytesIO(text.encode()), name)},
        content_type="multipart/form-data")


def test_import_adds_every_row(client, auth, hub, audit, lead):
    auth.login(lead)
    response = _post(client, hub, audit, "provision", PROVISION)
    assert response.status_code == 302
    rows = records.list_provision(audit)
    assert len(rows) == 2
    ukulele = next(p for p in rows if p.activity == "Ukulele")
    assert {g.name for g in ukulele.groups} == {"SEND", "EAL"} and ukulele.cost_pence == 120050


def test_a_bad_row_imports_nothing_and_names_the_lines(client, auth, hub, audit, lead):
    auth.login(lead)
    response = _post(client, hub, audit, "provision", BAD)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "line 3: art form &#39;ballet&#39; is not one of" in page
    assert "line 4: no target group is called &#39;Nobody&#39;" in page
    assert "line 2:" not in page
    assert records.list_provision(audit) == []


def test_service_reports_each_problem_by_line(hub, audit, lead):
    text = ("phase,art_form,ward,priority,children,target_group,email,colour\n")
    try:
        importing.import_csv(hub, audit, lead, "needs", text)
    except importing.ImportFailed as failure:
        assert failure.errors == ["line 1: unknown column 'colour'"]
    text = ("phase,art_form,ward,priority,children,target_group,email\n"
            "ks2,music,Northgate,high,12,SEND,ann@school.org\n"
            "ks2,music,,high,12,SEND,\n"
            "ks2,music,Northgate,urgent,x,Unknown,not-mail\n")
    try:
        importing.import_csv(hub, audit, lead, "needs", text)
        raise AssertionError("imported")
    except importing.ImportFailed as failure:
        assert failure.errors[0] == "line 3: ward is required"
        assert failure.errors[1].startswith("line 4: ")
        assert len(failure.errors) == 2
    assert records.list_needs(audit) == []
    good = "phase,art_form,ward,priority\nks1,dance,Hillcrest,low\n"
    assert importing.import_csv(hub, audit, lead, "needs", good) == 1


def test_sample_files_match_the_columns(client, auth, hub, audit, lead):
    auth.login(lead)
    for kind in ("provision", "needs"):
        text = client.get(f"/p/{hub.id}/audits/import/{kind}-sample.csv").get_data(
            as_text=True)
        assert text.splitlines()[0].split(",") == [c.name for c in importing.COLUMNS[kind]]
    page = client.get(f"/p/{hub.id}/audits/{audit.id}/import").get_data(as_text=True)
    assert "children_reached" in page and "Download a sample needs file" in page
    response = _post(client, hub, audit, "needs",
                     client.get(f"/p/{hub.id}/audits/import/needs-sample.csv").get_data(
                         as_text=True))
    assert response.status_code == 302 and len(records.list_needs(audit)) == 1
