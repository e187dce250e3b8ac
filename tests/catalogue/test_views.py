import re

import pytest

from tests.conftest import HTMX, count_queries
from tests.seed_copy import load_seed
from workspace.extensions import db
from workspace.models import Basis, CatalogueChange, ItemArea, ItemFact, ItemRole, JobRole
from workspace.services.catalogue import items


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_browse_needs_sign_in(client):
    assert client.get("/catalogue/").status_code == 302


def test_search_as_you_type_finds_the_cme(client, auth, make_user):
    load_seed()
    auth.login(make_user())
    page = _text(client.get("/catalogue/?q=music+educ"))
    assert "<html" in page and "Trinity Level 4 Certificate for Music Educators" in page
    fragment = _text(client.get("/catalogue/?q=music+educ", headers=HTMX))
    assert "<html" not in fragment and fragment.lstrip().startswith('<section id="results"')
    assert "Level 4 Certificate for Music Educators (CME)" in fragment  # ABRSM's too
    assert "Diploma in Dance" not in fragment
    cme = items.find_item("CME")
    item_page = _text(client.get(f"/catalogue/items/{cme.id}"))
    assert "Safeguarding children and young people in music education" in item_page
    assert "Trinity College London" in item_page


def test_bad_filters_are_reported_and_ignored(client, auth, make_user, make_item):
    make_item("Music leader", level=3)
    auth.login(make_user())
    response = client.get("/catalogue/?level=eleven&q=music")
    assert response.status_code == 422
    assert "Some filters were not understood" in _text(response)
    assert "Music leader" in _text(response)
    assert 'value="music"' in _text(response)


def test_withdrawn_item_page_warns(client, auth, make_user):
    load_seed()
    auth.login(make_user())
    diploma = items.find_item("DDTL-CYP")
    page = _text(client.get(f"/catalogue/items/{diploma.id}"))
    assert "This item is withdrawn (certification ended 31 August 2022)" in page
    assert "Edit details" not in page


def test_editing_is_for_catalogue_editors_only(client, auth, make_user, make_item):
    item = make_item("Music leader")
    auth.login(make_user())
    assert client.get("/catalogue/new").status_code == 403
    assert client.post(f"/catalogue/items/{item.id}/edit", data={
        "stable_id": "X", "title": "Hijacked", "status": "current"}).status_code == 403
    assert item.title == "Music leader"


def test_editor_creates_and_edits_an_item(client, auth, editor):
    auth.login(editor)
    response = client.post("/catalogue/new", data={
        "stable_id": "MUS-L3", "title": "Level 3 Award in Music Leadership", "level": "3",
        "is_qualification": "y", "status": "current", "credits": "12",
        "source_url": "https://example.org/spec"})
    assert response.status_code == 302
    item = items.find_item("MUS-L3")
    assert (item.level, item.credits, item.is_qualification) == (3, 12, True)
    response = client.post(f"/catalogue/items/{item.id}/edit", data={
        "stable_id": "MUS-L3", "title": "Level 3 Award in Music Leadership", "level": "4",
        "is_qualification": "y", "status": "current", "credits": "12",
        "source_url": "https://example.org/spec"}, follow_redirects=True)
    assert "level: 3 → 4" in _text(response)
    assert db.session.query(CatalogueChange).filter_by(item_id=item.id).count() == 2


def test_invalid_item_form_keeps_input_and_says_why(client, auth, editor, make_item):
    make_item("Taken", stable_id="TAKEN")
    auth.login(editor)
    response = client.post("/catalogue/new", data={
        "stable_id": "TAKEN", "title": "Half-typed title", "status": "current",
        "credits": "-4", "source_url": "not a url"})
    page = _text(response)
    assert response.status_code == 422
    assert 'value="Half-typed title"' in page
    assert "Enter a whole number from 0." in page
    assert "Enter a web address starting with https://" in page
    response = client.post("/catalogue/new", data={
        "stable_id": "TAKEN", "title": "Half-typed title", "status": "current"})
    assert "Another item already has the ID TAKEN." in _text(response)


def test_editor_attaches_components_and_a_cycle_is_refused(client, auth, editor, make_item):
    qual, unit = make_item("Qual", stable_id="Q"), make_item("Unit", stable_id="U")
    auth.login(editor)
    response = client.post(f"/catalogue/items/{qual.id}/components",
                           data={"child": str(unit.id), "mandatory": "1", "group": ""})
    assert response.status_code == 302
    response = client.post(f"/catalogue/items/{unit.id}/components",
                           data={"child": str(qual.id), "mandatory": "1", "group": ""})
    assert response.status_code == 422
    assert "that would make a cycle" in _text(response)
    assert f'name="child" value="{qual.id}"' in _text(response)  # the pick is kept
    response = client.post(f"/catalogue/items/{qual.id}/components",
                           data={"child-q": "NOPE", "mandatory": "1", "group": ""})
    assert response.status_code == 422
    assert "in the catalogue matches \u201cNOPE\u201d" in _text(response)
    assert items.descendants(qual.id) == {unit.id}


def test_editor_sets_prerequisites_areas_and_roles(client, auth, editor, make_item):
    load_seed()
    l2 = make_item("L2 award", stable_id="L2")
    l3 = make_item("L3 award", stable_id="L3", is_qualification=True)
    auth.login(editor)
    client.post(f"/catalogue/items/{l3.id}/prerequisites", data={"required": str(l2.id)})
    response = client.post(f"/catalogue/items/{l2.id}/prerequisites",
                           data={"required": str(l3.id)})
    assert response.status_code == 422 and "would make a cycle" in _text(response)
    area = items.list_areas()[3]
    role = items.list_roles()[0]
    client.post(f"/catalogue/items/{l3.id}/areas/{area.id}",
                data={f"area{area.number}-state": "covered",
                      f"area{area.number}-basis": "editorial"})
    client.post(f"/catalogue/items/{l3.id}/roles", data={"role": str(role.id),
                                                           "basis": "editorial"})
    details = items.item_details(l3)
    assert [p.required.title for p in details.prerequisites] == ["L2 award"]
    assert details.own_areas == [area] and details.roles == [role]
    page = _text(client.get(f"/catalogue/items/{l2.id}"))
    assert "L3 award" in page  # leads to


def test_suggestions_fragment_for_pickers(client, auth, editor, make_item):
    make_item("Safeguarding in music", stable_id="SAFE-1")
    auth.login(editor)
    fragment = _text(client.get("/catalogue/suggest?field=child&child-q=safeg", headers=HTMX))
    assert 'data-title="Safeguarding in music"' in fragment and "datalist" not in fragment


def test_changes_page_lists_who_and_what(client, auth, editor):
    items.create_item(editor, "NEW", title="A new unit")
    auth.login(editor)
    page = _text(client.get("/catalogue/changes"))
    assert "Edith Editor" in page and "A new unit" in page


# --- the item page: coverage in three states, facts with their sources, roles with a basis ---


def _judge(item, area, covered, basis=Basis.EDITORIAL, words=""):
    db.session.add(ItemArea(item_id=item.id, area_id=area.id, covered=covered, basis=basis,
                            basis_text=words))


@pytest.fixture
def sourced(make_item, areas):
    """A qualification with one unit, some judgements, facts, words and two roles."""
    qual = make_item("Certificate for Music Educators", is_qualification=True,
                     entry_requirements="Regular teaching work & a current DBS check.",
                     progression="")
    unit = make_item("Safeguarding children and young people")
    items.add_component(None, qual, unit)
    _judge(qual, areas[1], True, Basis.SOURCE, "The specification's unit 4 <outcomes>.")
    _judge(unit, areas[3], True, words="Learning outcome 1 reads 'safeguard'.")
    _judge(qual, areas[5], False)
    _judge(unit, areas[5], False)
    qual.facts = [
        ItemFact(field="Available from", value="September 2013 (planned <b>availability</b>)",
                 position=0, sources='https://example.org/cme?a=1&b="2"\njavascript:alert(1)'),
        ItemFact(field="glh", value="442-525", position=1, sources="https://example.org/spec")]
    named, suggested = JobRole(name="Music leader"), JobRole(name="Youth worker")
    db.session.add_all([named, suggested])
    db.session.flush()
    db.session.add_all([ItemRole(item_id=qual.id, job_role_id=named.id, basis=Basis.SOURCE),
                        ItemRole(item_id=qual.id, job_role_id=suggested.id,
                                 basis=Basis.EDITORIAL)])
    db.session.commit()
    return qual, unit


def _area_item(html: str, number: int) -> str:
    start = html.index(f'<span class="area-name">{number}. ')
    return html[start:html.index("</li>\n", start)]


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_item_page_shows_each_area_in_one_of_three_states(client, auth, make_user, sourced,
                                                          headers):
    qual, _ = sourced
    auth.login(make_user())
    response = client.get(f"/catalogue/items/{qual.id}", headers=headers)
    assert response.status_code == 200
    page = _text(response)
    one, three, five, six = (_area_item(page, n) for n in (1, 3, 5, 6))
    assert "Covered" in one and "Stated by a source" in one
    assert "The specification&#39;s unit 4 &lt;outcomes&gt;." in one
    assert "Covered" in three and "Through its components" in three
    assert "Catalogue editors&#39; judgement" in three and "Safeguarding children" in three
    assert "Judged not covered" in five and "Not yet judged" not in five
    assert "Not yet judged" in six and "Covered" not in six
    assert "3 of 6 areas not yet judged" in page  # 2, 4 and 6, and none is a gap


def test_item_page_shows_facts_words_and_roles(client, auth, make_user, sourced):
    qual, _ = sourced
    auth.login(make_user())
    page = _text(client.get(f"/catalogue/items/{qual.id}"))
    facts = page[page.index('id="facts"'):page.index("</section>", page.index('id="facts"'))]
    assert "Available from" in facts and "Guided learning hours" in facts
    assert "September 2013 (planned &lt;b&gt;availability&lt;/b&gt;)" in facts
    assert "442-525" in facts
    link = 'https://example.org/cme?a=1&amp;b=&#34;2&#34;'
    assert f'<a href="{link}" rel="noopener nofollow">{link}</a>' in facts
    assert '<a href="javascript' not in page and "<span>javascript:alert(1)</span>" in facts
    assert '<a href="https://example.org/spec"' in facts
    assert "Regular teaching work &amp; a current DBS check." in page
    assert "<h2>Entry requirements</h2>" in page and "<h2>Progression</h2>" not in page
    roles = page[page.index('class="item-roles"'):]
    roles = roles[:roles.index("</ul>")]
    assert "Music leader</a>\n        <small class=\"basis-tag basis-source\">named by a source" \
        in roles
    assert "Youth worker</a>\n        <small class=\"basis-tag basis-editorial\">editors&#39; " \
        "suggestion" in roles


def test_item_page_with_shared_sources_lists_them_once(client, auth, make_user, make_item):
    item = make_item("Award")
    item.facts = [ItemFact(field=f, value=v, position=n, sources="https://example.org/a")
                  for n, (f, v) in enumerate([("Level", "4 (RQF)"), ("Credits", "32")])]
    db.session.commit()
    auth.login(make_user())
    page = _text(client.get(f"/catalogue/items/{item.id}"))
    assert page.count('<a href="https://example.org/a"') == 1
    assert "Sources of these facts" in page


def test_editors_see_each_areas_own_judgement_in_its_form(client, auth, editor, sourced):
    qual, _ = sourced
    auth.login(editor)
    page = _text(client.get(f"/catalogue/items/{qual.id}"))

    def chosen(number, name):
        select = re.search(rf'<select[^>]* name="area{number}-{name}".*?</select>', page, re.S)
        return re.search(r'<option value="([^"]+)" selected', select.group(0)).group(1)

    assert (chosen(1, "state"), chosen(1, "basis")) == ("covered", "source")
    assert "unit 4 &lt;outcomes&gt;" in page[page.index('name="area1-words"'):][:300]
    assert chosen(5, "state") == "not-covered"
    assert chosen(3, "state") == "not-judged"  # covered only through its unit


def test_item_page_queries_do_not_grow_with_its_rows(client, auth, make_user, sourced,
                                                     make_item, areas):
    qual, unit = sourced
    auth.login(make_user())
    url = f"/catalogue/items/{qual.id}"
    before = count_queries(client, url)
    for n in range(4):
        extra = make_item(f"Extra unit {n}")
        items.add_component(None, unit, extra)
        _judge(extra, areas[1 + n], n % 2 == 0, words=f"Outcome {n}")
        role = JobRole(name=f"Role {n}")
        db.session.add(role)
        db.session.flush()
        db.session.add(ItemRole(item_id=qual.id, job_role_id=role.id))
        db.session.add(ItemFact(item_id=qual.id, field=f"Fact {n}", value="x", position=5 + n,
                                sources="https://example.org/x"))
    db.session.commit()
    assert count_queries(client, url) == before


def test_progression_map_shows_the_sources_own_words(client, auth, make_user, make_item):
    diploma = make_item("Level 3 Diploma in Playwork", is_qualification=True,
                        entry_requirements="Working in a <playwork> setting.",
                        progression="Level 5 Diploma in Advanced Playwork.")
    auth.login(make_user())
    page = _text(client.get(f"/catalogue/items/{diploma.id}/progression"))
    assert "No pre-requirements link this item to others yet" in page
    assert "Progression, as the source states it:</strong> Level 5 Diploma in Advanced " \
        "Playwork." in page
    assert "Working in a &lt;playwork&gt; setting." in page
    fragment = _text(client.get(f"/catalogue/items/{diploma.id}/progression", headers=HTMX))
    assert "Level 5 Diploma in Advanced Playwork." in fragment and "<html" not in fragment
