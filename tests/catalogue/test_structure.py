"""Editors keep the catalogue's structure on screen: cluster sets, clusters, roles and their
places, qualifications attached to roles (key for the role or not), and Common Core judgements
with their basis; every change is in the change record, and a refusal changes nothing."""

import pytest
from sqlalchemy import func, select

from workspace.exceptions import DomainError
from workspace.extensions import db
from workspace.models import (
    Basis,
    CatalogueChange,
    Cluster,
    ClusterSet,
    ItemArea,
    ItemRole,
    JobRole,
)
from workspace.services.catalogue import analysis, items, structure
from workspace.services.catalogue.coverage import AreaState
from workspace.services.progress import tracking


def _changes() -> list[tuple[str, str]]:
    return [(c.action, c.summary) for c in db.session.scalars(
        select(CatalogueChange).order_by(CatalogueChange.id))]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def workforce_set(editor):
    music = structure.create_cluster_set(editor, "Music education workforce", "Our pack")
    teaching = structure.create_cluster(editor, music, "Teaching")
    teacher = structure.create_role(editor, "Instrumental teacher", "Teaches an instrument.",
                                    "https://example.org/a\n\n https://example.org/b ")
    structure.place_role(editor, teacher, teaching)
    return music, teaching, teacher


# --- services -----------------------------------------------------------------------------


def test_names_are_unique_where_people_pick_by_name(editor, workforce_set):
    music, teaching, teacher = workforce_set
    before = (_count(ClusterSet), _count(Cluster), _count(JobRole), len(_changes()))
    with pytest.raises(DomainError, match="already a cluster set called"):
        structure.create_cluster_set(editor, "  music EDUCATION   workforce ")
    with pytest.raises(DomainError, match="already has a cluster called teaching"):
        structure.create_cluster(editor, music, "teaching")
    with pytest.raises(DomainError, match="already a role called"):
        structure.create_role(editor, "INSTRUMENTAL teacher")
    with pytest.raises(DomainError, match="Give the role a name"):
        structure.create_role(editor, "   ")
    with pytest.raises(DomainError, match="at most 300 characters"):
        structure.create_role(editor, "x" * 301)
    with pytest.raises(DomainError, match="already in Teaching"):
        structure.place_role(editor, teacher, teaching)
    assert (_count(ClusterSet), _count(Cluster), _count(JobRole), len(_changes())) == before
    other = structure.create_cluster_set(editor, "Another set")
    assert structure.create_cluster(editor, other, "Teaching").name == "Teaching"  # per set
    assert teacher.source == "https://example.org/a\nhttps://example.org/b"


def test_every_structure_change_is_recorded_with_before_and_after(editor, workforce_set):
    music, teaching, teacher = workforce_set
    structure.update_role(editor, teacher, "Instrumental and vocal teacher",
                          "Teaches an instrument.", teacher.source)
    structure.rename_cluster(editor, teaching, "Teaching and tutoring")
    structure.update_cluster_set(editor, music, "Music workforce", "Our pack")
    assert _changes() == [
        ("cluster set added", "Music education workforce"),
        ("cluster added", "Teaching in Music education workforce"),
        ("role added", "Instrumental teacher"),
        ("role placed", "Instrumental teacher in Teaching (Music education workforce)"),
        ("role edited", "Instrumental teacher: name: Instrumental teacher → "
                        "Instrumental and vocal teacher"),
        ("cluster renamed", "Music education workforce: name: Teaching → "
                            "Teaching and tutoring"),
        ("cluster set edited", "Music education workforce: name: Music education workforce "
                               "→ Music workforce"),
    ]
    assert all(c.actor_id == editor.id for c in db.session.scalars(select(CatalogueChange)))
    assert structure.update_role(editor, teacher, teacher.name, teacher.description,
                                 teacher.source) == []
    assert len(_changes()) == 7  # saving without a change records nothing


def test_deleting_keeps_what_others_rely_on(editor, workforce_set, make_user):
    music, teaching, teacher = workforce_set
    with pytest.raises(DomainError, match="still holds 1 cluster"):
        structure.delete_cluster_set(editor, music)
    structure.delete_cluster(editor, teaching)
    assert db.session.get(JobRole, teacher.id) is not None  # the role stays, unplaced
    assert structure.unplaced_roles() == [teacher]
    structure.delete_cluster_set(editor, music)
    person = make_user()
    tracking.update_profile(person, job_role=teacher, organisation="", share_with_leads=False)
    with pytest.raises(DomainError, match="1 person gives it as their role"):
        structure.delete_role(editor, teacher)
    tracking.update_profile(person, job_role=None, organisation="", share_with_leads=False)
    structure.delete_role(editor, teacher)
    assert _count(JobRole) == 0
    assert _changes()[-3:] == [("cluster deleted",
                                "Teaching in Music education workforce (1 role no longer "
                                "placed in it)"),
                               ("cluster set deleted", "Music education workforce"),
                               ("role deleted", "Instrumental teacher")]


def test_only_qualifications_attach_and_each_once(editor, workforce_set, make_item):
    *_, teacher = workforce_set
    unit = make_item("Understanding children's development")
    with pytest.raises(DomainError, match="is a unit, not a qualification"):
        structure.attach(editor, unit, teacher, basis=Basis.EDITORIAL)
    cme = make_item("Certificate for Music Educators", is_qualification=True)
    link = structure.attach(editor, cme, teacher, basis=Basis.SOURCE)
    with pytest.raises(DomainError, match="already attached"):
        structure.attach(editor, cme, teacher, basis=Basis.EDITORIAL)
    assert structure.update_link(editor, link, basis=Basis.SOURCE, is_key=True) is True
    assert structure.update_link(editor, link, basis=Basis.SOURCE, is_key=True) is False
    assert _changes()[-2:] == [
        ("attached to role", "Instrumental teacher (named by a source)"),
        ("role link changed", "Instrumental teacher: named by a source → key, named by a "
                              "source")]
    structure.detach(editor, link)
    assert _count(ItemRole) == 0
    assert _changes()[-1] == ("detached from role", "Instrumental teacher (key, named by a "
                                                    "source)")


def test_a_qualification_key_for_one_role_judges_that_roles_gaps_only(
        editor, workforce_set, make_item, areas):
    *_, teacher = workforce_set
    leader = structure.create_role(editor, "Music leader")
    cme = make_item("Certificate for Music Educators", is_qualification=True)
    structure.judge(editor, cme, areas[2], AreaState.NOT_COVERED, Basis.EDITORIAL,
                    "No unit addresses child development.")
    structure.attach(editor, cme, teacher, basis=Basis.SOURCE, is_key=True)
    structure.attach(editor, cme, leader, basis=Basis.SOURCE, is_key=False)
    report = analysis.gap_report(items.list_areas())
    rows = {r.subject.name: r for r in report.roles}
    assert [a.number for a in rows["Instrumental teacher"].missing] == [2]
    assert rows["Music leader"].no_key and not rows["Music leader"].missing


def test_judgements_keep_their_basis_and_words(editor, make_item, areas):
    cme = make_item("Certificate for Music Educators", is_qualification=True)
    area = areas[3]
    with pytest.raises(DomainError, match="Quote the source's words"):
        structure.judge(editor, cme, area, AreaState.COVERED, Basis.SOURCE, "  ")
    with pytest.raises(DomainError, match="Say why"):
        structure.judge(editor, cme, area, AreaState.NOT_COVERED, Basis.EDITORIAL, "")
    assert _count(ItemArea) == 0 and _changes() == [("created", "Created Certificate for "
                                                                "Music Educators")]
    structure.judge(editor, cme, area, AreaState.COVERED, Basis.SOURCE, "Unit 3: safeguarding")
    structure.judge(editor, cme, area, AreaState.NOT_COVERED, Basis.EDITORIAL,
                    "Unit 3 is about  ensembles.")
    assert structure.judge(editor, cme, area, AreaState.NOT_COVERED, Basis.EDITORIAL,
                           "Unit 3 is about ensembles.") is False
    judgement = db.session.scalar(select(ItemArea))
    assert (judgement.covered, judgement.basis, judgement.basis_text) == (
        False, Basis.EDITORIAL, "Unit 3 is about ensembles.")
    structure.judge(editor, cme, area, AreaState.NOT_JUDGED)
    assert _count(ItemArea) == 0
    title = f"{area.number}. {area.title}"
    assert [s for _, s in _changes()[1:]] == [
        f"{title}: not yet judged → covered (stated by a source: “Unit 3: safeguarding”)",
        f"{title}: covered (stated by a source: “Unit 3: safeguarding”) → judged not covered "
        f"(catalogue editors' judgement: “Unit 3 is about ensembles.”)",
        f"{title}: judged not covered (catalogue editors' judgement: “Unit 3 is about "
        f"ensembles.”) → not yet judged"]


# --- pages --------------------------------------------------------------------------------


def test_members_read_roles_and_structure_but_only_editors_change_them(
        client, auth, make_user, editor, workforce_set):
    *_, teacher = workforce_set
    auth.login(make_user())
    page = client.get("/catalogue/structure").get_data(as_text=True)
    assert "Music education workforce" in page and "Instrumental teacher" in page
    assert "Add a role" not in page
    role_page = client.get(f"/catalogue/roles/{teacher.id}").get_data(as_text=True)
    assert "Teaches an instrument." in role_page and "Attach a qualification" not in role_page
    assert client.post("/catalogue/roles", data={"name": "Sneaky role"}).status_code == 403
    assert client.post(f"/catalogue/roles/{teacher.id}/delete").status_code == 403
    assert _count(JobRole) == 1
    assert client.get("/catalogue/roles/999999").status_code == 404


def test_editor_adds_a_role_and_a_clear_refusal_changes_nothing(client, auth, editor,
                                                                workforce_set):
    music, teaching, teacher = workforce_set
    auth.login(editor)
    response = client.post("/catalogue/roles", data={
        "new-role-name": "Youth music worker", "new-role-description": "Runs youth sessions.",
        "new-role-source": ""})
    created = db.session.scalar(select(JobRole).where(JobRole.name == "Youth music worker"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/catalogue/roles/{created.id}")
    response = client.post("/catalogue/roles", data={"new-role-name": "instrumental TEACHER"})
    assert response.status_code == 422
    assert "There is already a role called instrumental TEACHER." in \
        response.get_data(as_text=True)
    response = client.post(f"/catalogue/cluster-sets/{music.id}/clusters",
                           data={"name": " teaching "})
    assert response.status_code == 422
    assert "already has a cluster called teaching" in response.get_data(as_text=True)
    assert _count(JobRole) == 2 and _count(Cluster) == 1
    client.post(f"/catalogue/roles/{created.id}/clusters", data={"cluster": str(teaching.id)})
    assert [r.name for r in teaching.roles] == ["Instrumental teacher", "Youth music worker"]
    response = client.post(f"/catalogue/roles/{created.id}/clusters", data={"cluster": "999"})
    assert response.status_code == 422 and "Choose a cluster from the list." in \
        response.get_data(as_text=True)


def test_editor_attaches_a_qualification_by_picking_it_and_marks_it_key(
        client, auth, editor, workforce_set, make_item):
    *_, teacher = workforce_set
    cme = make_item("Certificate for Music Educators", is_qualification=True)
    auth.login(editor)
    url = f"/catalogue/roles/{teacher.id}/qualifications"
    response = client.post(url, data={"item": str(cme.id), "basis": "source", "is_key": "y"})
    assert response.status_code == 302
    link = db.session.scalar(select(ItemRole))
    assert (link.item_id, link.basis, link.is_key) == (cme.id, Basis.SOURCE, True)
    page = client.get(f"/catalogue/roles/{teacher.id}").get_data(as_text=True)
    assert "key for this role" in page and "named by a source" in page
    client.post(f"{url}/{link.id}", data={"basis": "editorial"})  # unticked: not key
    db.session.refresh(link)
    assert (link.basis, link.is_key) == (Basis.EDITORIAL, False)
    response = client.post(url, data={"item-q": "music educators", "basis": "source"})
    assert response.status_code == 422  # typed, not picked: the matches are offered
    assert "picked nothing" in response.get_data(as_text=True)
    other = structure.create_role(editor, "Other role")
    assert client.post(f"/catalogue/roles/{other.id}/qualifications/{link.id}",
                       data={"basis": "source"}).status_code == 404
    assert _count(ItemRole) == 1


def test_editor_judges_an_area_on_the_item_page(client, auth, editor, make_item, areas):
    cme = make_item("Certificate for Music Educators", is_qualification=True)
    area = areas[2]
    auth.login(editor)
    url = f"/catalogue/items/{cme.id}/areas/{area.id}"
    response = client.post(url, data={"area2-state": "not-covered", "area2-basis": "editorial",
                                      "area2-words": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Say why the item does not cover this area" in page
    assert _count(ItemArea) == 0
    response = client.post(url, data={"area2-state": "not-covered",
                                      "area2-basis": "editorial",
                                      "area2-words": "No unit addresses <b>development</b>."})
    assert response.status_code == 302 and response.headers["Location"].endswith("#judge-2")
    page = client.get(f"/catalogue/items/{cme.id}").get_data(as_text=True)
    assert "No unit addresses &lt;b&gt;development&lt;/b&gt;." in page
    assert "<b>development</b>" not in page
    assert client.post(url, data={"area2-state": "sideways",
                                  "area2-basis": "editorial"}).status_code == 422
    assert client.post(f"/catalogue/items/{cme.id}/areas/999",
                       data={"area2-state": "covered"}).status_code == 404


def test_editor_attaches_a_role_from_the_item_page(client, auth, editor, workforce_set,
                                                   make_item):
    *_, teacher = workforce_set
    cme = make_item("Certificate for Music Educators", is_qualification=True)
    auth.login(editor)
    response = client.post(f"/catalogue/items/{cme.id}/roles",
                           data={"role": str(teacher.id), "basis": "source", "is_key": "y"})
    assert response.status_code == 302
    link = db.session.scalar(select(ItemRole))
    page = client.get(f"/catalogue/items/{cme.id}").get_data(as_text=True)
    assert f"/catalogue/roles/{teacher.id}" in page and "key for this role" in page
    response = client.post(f"/catalogue/items/{cme.id}/roles",
                           data={"role": str(teacher.id), "basis": "source"})
    assert response.status_code == 422 and "already attached" in response.get_data(as_text=True)
    client.post(f"/catalogue/items/{cme.id}/roles/{link.id}/remove")
    assert _count(ItemRole) == 0
