"""Pickers: matches by title of one kind, what a picker shows of each, the checks of what it
sends back, the role lists with the music and cultural education workforce first, and the
suggestion endpoint's picker fragment."""

import re

import pytest
from werkzeug.datastructures import MultiDict

from tests.clock import FROZEN_NOW
from tests.conftest import HTMX
from tests.seed_copy import load_seed
from workspace.blueprints.picking import ItemPicker, PickerForm, role_choices
from workspace.exceptions import DomainError
from workspace.extensions import db
from workspace.models import Cluster, ClusterRole, ClusterSet, ItemStatus, JobRole
from workspace.services.catalogue import items, picking
from workspace.services.catalogue.picking import Kind

TODAY = FROZEN_NOW.date()


def _text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def cme(make_item):
    """A music educators' qualification with two units, and a safeguarding qualification."""
    qual = make_item("Certificate for Music Educators", stable_id="CME-T",
                     is_qualification=True, level=4, accrediting_body="Trinity College London")
    units = [make_item("Understanding musical learning", stable_id="CME-T-U1", level=4),
             make_item("Safeguarding in music education", stable_id="CME-T-U6")]
    for unit in units:
        items.add_component(None, qual, unit)
    other = make_item("Award in Safeguarding", stable_id="SAFE", is_qualification=True,
                      level=2, accrediting_body="Highfield", status=ItemStatus.WITHDRAWN)
    return {"qual": qual, "u1": units[0], "u6": units[1], "other": other}


# --- the service ---------------------------------------------------------------------------


def test_matches_are_of_the_kind_asked_for_and_leave_out_what_is_picked(cme):
    titles = lambda found: [i.title for i in found]  # noqa: E731
    assert titles(picking.suggest("safeguarding", Kind.ANY, TODAY)) == [
        "Award in Safeguarding", "Safeguarding in music education"]
    assert titles(picking.suggest("safeguarding", Kind.UNIT, TODAY)) == [
        "Safeguarding in music education"]
    assert titles(picking.suggest("safeguarding", Kind.QUALIFICATION, TODAY)) == [
        "Award in Safeguarding"]
    assert titles(picking.suggest("music", Kind.UNIT, TODAY, exclude=[cme["u1"].id])) == [
        "Safeguarding in music education"]
    assert picking.suggest("m", Kind.ANY, TODAY) == []  # one letter matches nearly everything
    assert titles(picking.suggest("cme-t-u6", Kind.ANY, TODAY)) == [
        "Safeguarding in music education"]  # codes match too, for those who know them


def test_an_option_says_kind_level_awarding_body_and_what_a_unit_is_part_of(cme):
    by_title = {o.title: o.detail for o in picking.options(
        [cme["qual"], cme["u1"], cme["u6"], cme["other"]], TODAY)}
    assert by_title["Certificate for Music Educators"] == \
        "Qualification · Level 4 · Trinity College London"
    assert by_title["Understanding musical learning"] == (
        "Unit · Level 4 · Trinity College London · in Certificate for Music Educators")
    assert by_title["Safeguarding in music education"] == (
        "Unit · Trinity College London · in Certificate for Music Educators")
    assert by_title["Award in Safeguarding"] == \
        "Qualification · Level 2 · Highfield · Withdrawn"


def test_what_comes_back_must_exist_and_be_of_the_right_kind(cme):
    unit_ids = [cme["u6"].id, cme["u1"].id]
    assert picking.check_picked(unit_ids, Kind.UNIT) == [cme["u6"], cme["u1"]]
    with pytest.raises(DomainError, match="Certificate for Music Educators is a qualification: "
                                          "pick a unit."):
        picking.check_picked([cme["u1"].id, cme["qual"].id], Kind.UNIT, field="modules")
    with pytest.raises(DomainError, match="Understanding musical learning is a unit: "
                                          "pick a qualification."):
        picking.check_picked([cme["u1"].id], Kind.QUALIFICATION)
    with pytest.raises(DomainError, match="not in the catalogue any more") as refused:
        picking.check_picked([cme["u1"].id, 987654], Kind.ANY, field="modules")
    assert refused.value.field == "modules"
    with pytest.raises(DomainError, match="Pick one qualification or unit."):
        picking.check_picked(unit_ids, Kind.ANY, single=True)
    assert picking.check_picked([], Kind.UNIT) == []


def _role_set(name: str, *role_names: str) -> None:
    cluster_set = ClusterSet(name=name)
    cluster = Cluster(cluster_set=cluster_set, name=f"{name} cluster")
    db.session.add_all([cluster_set, cluster])
    for position, role_name in enumerate(role_names):
        role = db.session.query(JobRole).filter_by(name=role_name).one_or_none() or JobRole(
            name=role_name)
        db.session.add(role)
        db.session.flush()
        db.session.add(ClusterRole(cluster_id=cluster.id, job_role_id=role.id,
                                   position=position))
    db.session.commit()


def test_role_lists_put_the_workforce_first_then_the_ssc_clusters_then_the_rest(app):
    _role_set("SSC clusters", "Youth worker", "Childminder")
    _role_set("Music and cultural education workforce", "Music leader", "Instrumental teacher")
    db.session.add(JobRole(name="Astronomer"))
    db.session.commit()
    grouped = [(name, [r.name for r in roles]) for name, roles in picking.roles_by_set()]
    assert grouped == [
        ("Music and cultural education workforce", ["Instrumental teacher", "Music leader"]),
        ("SSC clusters", ["Childminder", "Youth worker"]),
        ("Other roles", ["Astronomer"])]
    choices = role_choices("Not sure / any")
    assert (choices[0].value, choices[0].label, choices[0].optgroup) == (
        "", "Not sure / any", None)
    assert [c.optgroup for c in choices[1:3]] == ["Music and cultural education workforce"] * 2


def test_the_shipped_role_sets_in_order(app):
    load_seed()
    grouped = picking.roles_by_set()
    assert [(name, len(roles)) for name, roles in grouped] == [
        ("Music and cultural education workforce", 26), ("SSC clusters", 124)]


# --- the form field ------------------------------------------------------------------------


class _Form(PickerForm):
    modules = ItemPicker("Units", kind=Kind.UNIT, multiple=True)
    item = ItemPicker("Qualification", kind=Kind.QUALIFICATION, required=True)


def _form(app, **posted) -> _Form:
    data = MultiDict()
    for key, value in posted.items():
        for one in value if isinstance(value, list) else [value]:
            data.add(key.replace("_q", "-q").replace("_remove", "-remove")
                     .replace("pick_search", "pick-search"), str(one))
    with app.test_request_context(method="POST", data=data):
        form = _Form(meta={"csrf": False})
        form.valid = form.validate()
        form.modules.items, form.item.items  # noqa: B018  (loaded inside the request)
        return form


def test_the_field_checks_what_comes_back(app, cme):
    form = _form(app, modules=[cme["u6"].id, cme["u1"].id, cme["u6"].id], item=cme["qual"].id)
    assert form.valid and form.modules.items == [cme["u6"], cme["u1"]]
    assert form.item.item == cme["qual"]
    form = _form(app, modules=[cme["qual"].id], item=cme["u1"].id)
    assert not form.valid
    assert form.modules.errors == ["Certificate for Music Educators is a qualification: "
                                   "pick a unit."]
    assert form.item.errors == ["Understanding musical learning is a unit: pick a qualification."]
    form = _form(app, modules="CME-T-U1")
    assert form.modules.errors == ["Search for the unit by its title and pick it from the list."]
    assert form.item.errors == ["Search for the qualification by its title and pick it from "
                                "the list."]


def test_a_search_or_a_removal_is_not_a_submission(app, cme):
    form = _form(app, modules_q="music", pick_search="modules", modules=[cme["u1"].id])
    assert not form.valid and form.errors == {}  # back to go on picking, not an error
    assert [o.title for o in form.modules.matches] == ["Safeguarding in music education"]
    form = _form(app, modules=[cme["u1"].id, cme["u6"].id], modules_remove=cme["u1"].id,
                 item=cme["qual"].id)
    assert not form.valid and form.errors == {} and form.modules.data == [cme["u6"].id]
    form = _form(app, modules_q="music", item=cme["qual"].id)  # typed, but picked nothing
    assert not form.valid
    assert form.modules.errors == ["You typed \u201cmusic\u201d but picked nothing: pick from "
                                   "the matches below."]
    form = _form(app, modules_q="zither", item=cme["qual"].id)
    assert form.modules.errors == ["No unit in the catalogue matches \u201czither\u201d: try "
                                   "other words from its title."]
    form = _form(app, modules_q="", pick_search="modules", item=cme["qual"].id)
    assert form.valid  # Search with nothing typed (Enter in another field): the form is sent


# --- the suggestion endpoint ---------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_the_picker_fragment_lists_titles_to_pick(client, auth, make_user, cme, headers):
    auth.login(make_user())
    response = client.get("/catalogue/suggest", headers=headers, query_string={
        "field": "modules", "kind": "unit", "modules-q": "music",
        "modules": str(cme["u1"].id)})
    fragment = _text(response)
    assert response.status_code == 200 and "<html" not in fragment
    assert "1 match" in fragment
    assert re.search(rf'<button type="button" class="picker-option" data-pick="{cme["u6"].id}"'
                     r' data-title="Safeguarding in music education"', fragment)
    assert "in Certificate for Music Educators" in fragment
    assert f'data-pick="{cme["u1"].id}"' not in fragment  # picked already
    assert f'data-pick="{cme["qual"].id}"' not in fragment  # not a unit
    assert "CME-T" not in fragment  # nobody needs to see an ID
    fragment = _text(client.get("/catalogue/suggest", headers=headers, query_string={
        "field": "item", "kind": "qualification", "item-q": "zither"}))
    assert "No qualification in the catalogue matches &ldquo;zither&rdquo;." in fragment
    fragment = _text(client.get("/catalogue/suggest", headers=headers, query_string={
        "field": "item", "kind": "qualification", "item-q": "z"}))
    assert fragment.strip() == ""


def test_the_shipped_cme_is_found_by_typing_music_educ(client, auth, make_user):
    load_seed()
    auth.login(make_user())
    fragment = _text(client.get("/catalogue/suggest", headers=HTMX, query_string={
        "field": "enrol-item", "kind": "qualification", "enrol-item-q": "music educ"}))
    assert "Trinity Level 4 Certificate for Music Educators (Trinity CME)" in fragment
    assert "Qualification · Level 4 · Trinity College London" in fragment
    assert "Unit ·" not in fragment
    fragment = _text(client.get("/catalogue/suggest", headers=HTMX, query_string={
        "field": "modules", "kind": "unit", "modules-q": "children and young people's"}))
    assert "Promoting children and young people&#39;s positive behaviour" in fragment
    assert "Qualification ·" not in fragment


def test_suggestions_need_sign_in(client):
    assert client.get("/catalogue/suggest?field=item&item-q=music").status_code == 302
