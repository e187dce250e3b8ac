"""Hostile input through every form and import: control characters in one-line fields,
overlong text, `javascript:` and `data:` addresses, HTML and htmx attributes. Each is refused
with a clear message naming the field (or stored as plain text and shown escaped), changes
nothing, and never answers 5xx.

- Every form of the app derives from blueprints/form_base.Form: a structural test checks that
  each of its text fields carries the rules (one line or multi-line, a length cap, http(s)
  only for web addresses), so no form can forget them.
- Real forms and both imports are tried with the hostile values, and every POST endpoint of
  the app is sent them in every field, as a lead, without a server error.
"""

import io
import itertools

import pytest
from sqlalchemy import func, select
from wtforms import StringField, URLField
from wtforms.validators import Length

from tests.test_policy import (
    POLICY,
    Kind,
    Restorer,
    _requests,
    signed_in,
    zebra,  # noqa: F401 (the walk's sample data)
)
from workspace.blueprints import form_base
from workspace.extensions import db
from workspace.models import CatalogueItem, CpdSession, Partnership
from workspace.services.audits import records
from workspace.services.catalogue import transfer
from workspace.services.catalogue.transfer import ImportRefused
from workspace.services.cpd import sessions

CONTROL = "Singing day\r\nBcc: everyone@evil.example"
OVERLONG = "A" * 25_000
SCRIPT_URLS = ["javascript:alert(document.cookie)", "data:text/html,<script>alert(1)</script>",
               "JaVaScRiPt:alert(1)", "file:///etc/passwd"]
MARKUP = '<img src=x onerror=alert(1)><div hx-get="/logout" hx-trigger="load">x</div>'
HOSTILE = [CONTROL, OVERLONG, *SCRIPT_URLS, MARKUP]


def all_forms():
    seen, todo = [], list(form_base.Form.__subclasses__())
    while todo:
        form = todo.pop()
        seen.append(form)
        todo.extend(form.__subclasses__())
    return seen


def test_every_text_field_of_every_form_carries_the_rules(app):
    import workspace.blueprints  # noqa: F401 (every form module is imported by the app)
    forms = all_forms()
    checked = 0
    with app.test_request_context():
        for form_class in forms:
            form = form_class(formdata=None)
            for field in form:
                if not isinstance(field, StringField) or field.type == "CSRFTokenField":
                    continue
                rules = [getattr(v, "__name__", "") for v in field.validators]
                wanted = "check"  # the closures of form_base._checked
                assert rules.count(wanted) >= 1, f"{form_class.__name__}.{field.name}"
                assert any(isinstance(v, Length) and v.max and v.max > 0
                           for v in field.validators), f"{form_class.__name__}.{field.name}"
                if isinstance(field, URLField):
                    assert rules.count(wanted) == 2, f"{form_class.__name__}.{field.name}"
                checked += 1
    print(f"input rules: {checked} text fields in {len(forms)} forms carry them")
    assert len(forms) > 40 and checked > 100


@pytest.mark.parametrize("field, value", [
    ("title", CONTROL), ("title", OVERLONG), ("venue", "Hall\x00"), ("facilitator", "A\x1b[2J"),
    *[("online_url", url) for url in SCRIPT_URLS]])
def test_hostile_values_in_a_session_form_are_refused_and_change_nothing(
        client, auth, hub, network, lead, clock, field, value):
    auth.login(lead)
    data = {"title": "Composing with KS2", "day": clock.ahead(60).isoformat(),
            "start": "09:30",
            "end": "15:30", "timezone": "Europe/London", "capacity": "12",
            "learning_hours": "5.5", "venue": "Riverside Music Centre", field: value}
    response = client.post(f"/p/{hub.id}/cpd/networks/{network.id}/sessions/new", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert any(words in page for words in (
        "Use one line of plain text", "Enter a web address starting with https://",
        "Use at most", "characters"))
    assert db.session.scalar(select(func.count(CpdSession.id))) == 0


def test_markup_is_kept_as_text_and_shown_escaped(client, auth, hub, network, lead, clock):
    auth.login(lead)
    response = client.post(f"/p/{hub.id}/cpd/networks/{network.id}/sessions/new", data={
        "title": MARKUP[:150], "day": clock.ahead(60).isoformat(), "start": "09:30",
        "end": "15:30",
        "timezone": "Europe/London", "capacity": "12", "learning_hours": "5.5",
        "venue": "Hall"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<img src=x onerror" not in page and 'hx-trigger="load"' not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


@pytest.fixture
def hub(make_user, make_partnership):
    return make_partnership(lead=make_user(name="Priya Lead"), name="Riverside Music Hub")


@pytest.fixture
def lead(hub):
    return hub.memberships[0].user


@pytest.fixture
def network(hub, lead):
    return sessions.create_network(hub, name="Primary music teachers", coordinator=lead)


@pytest.mark.parametrize("url", SCRIPT_URLS)
def test_an_editor_cannot_give_an_item_a_script_address(client, auth, make_user, url):
    editor = make_user()
    editor.is_catalogue_editor = True
    db.session.commit()
    auth.login(editor)
    response = client.post("/catalogue/new", data={
        "stable_id": "MUS-L3", "title": "Level 3 Award in Music Leadership", "level": "3",
        "status": "current", "source_url": url})
    assert response.status_code == 422
    assert "Enter a web address starting with https://" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(CatalogueItem.id))) == 0


@pytest.mark.parametrize("column, value, words", [
    ("source_url", "javascript:alert(1)", "enter a web address starting with https://"),
    ("source_url", "data:text/html,x", "enter a web address starting with https://"),
    ("title", "Two\rlines", "use one line of plain text"),
    ("title", "B" * 600, "is longer than")])
def test_a_catalogue_import_refuses_hostile_values_and_imports_nothing(app, column, value,
                                                                       words):
    row = {"stable_id": "NEW-1", "title": "A new award", "level": "2", column: value}
    header = ",".join(["record", *row])
    line = ",".join(["item", *(f'"{v}"' for v in row.values())])
    with pytest.raises(ImportRefused) as refused:
        transfer.import_csv(f"{header}\n{line}\n", None)
    assert words in " ".join(str(e) for e in refused.value.errors)
    assert column in " ".join(str(e) for e in refused.value.errors)
    assert db.session.scalar(select(func.count(CatalogueItem.id))) == 0


def test_an_audit_import_refuses_control_characters(client, auth, hub, lead, clock):
    audit = records.create_audit(hub, lead, records.AuditFields(
        title="Music audit", period_start=clock.today, period_end=clock.ahead(300),
        area="Northgate"), minimum_threshold=5)
    auth.login(lead)
    text = ("provider,activity,art_form,phase,ward\n"
            "\"Riverside\x1bMusic\",Ukulele,music,ks2,Northgate\n")
    response = client.post(f"/p/{hub.id}/audits/{audit.id}/import", data={
        "kind": "provision", "file": (io.BytesIO(text.encode()), "data.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "provider: use one line of plain text" in response.get_data(as_text=True)
    assert records.list_provision(audit) == []


# --- every POST endpoint, every field, as a lead ------------------------------------------


def text_field_names(app) -> set[str]:
    """The names of every text field of every form (so each endpoint gets its own)."""
    names = set()
    with app.test_request_context():
        for form_class in all_forms():
            names |= {f.name for f in form_class(formdata=None)
                      if isinstance(f, StringField) and f.type != "CSRFTokenField"}
    return names


def test_every_post_endpoint_answers_hostile_fields_without_a_server_error(
        app, zebra):  # noqa: F811 (the fixture imported above)
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the walk restores the database between requests with SQLite's backup")
    browsers = signed_in(app, zebra)
    restorer = Restorer(app)  # with the lead's login session, as the requests meet it
    fields = text_field_names(app)
    tried, errors = 0, []
    for (endpoint, method, url, data), value in itertools.product(
            [r for r in _requests(app, zebra) if r[1] != "GET"], HOSTILE):
        if Kind.LEAD not in POLICY[endpoint] or endpoint in ("accounts.logout",
                                                              "accounts.logout_everywhere",
                                                              "accounts.delete_account"):
            continue
        client = browsers.client(zebra["email"][Kind.LEAD])
        hostile = {**data, **{k: value for k in fields}}
        response = client.open(url, method=method, data=hostile)
        tried += 1
        if response.status_code >= 500:
            errors.append(f"{method} {endpoint} with {value[:30]!r}: {response.status_code}")
        response.close()
        restorer.restore()
    print(f"hostile inputs: {tried} requests ({len(HOSTILE)} values into every text field "
          f"of every POST endpoint a lead may use), {len(errors)} server errors")
    assert errors == []
    assert db.session.scalar(select(func.count(Partnership.id))) >= 1
