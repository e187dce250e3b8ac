"""Analysis: coverage, gaps, over-provision and counts against an independent computation on a
hand-made catalogue; the pages as pages and fragments; the progression map; query counts."""

import random
from collections import Counter

import pytest
from sqlalchemy import select, update

from tests.conftest import HTMX, count_queries
from workspace.extensions import db
from workspace.models import (
    CatalogueItem,
    Cluster,
    ClusterRole,
    ClusterSet,
    Component,
    ItemArea,
    ItemRole,
    ItemStatus,
    JobRole,
    Prerequisite,
)
from workspace.models.catalogue import Basis
from workspace.services.catalogue import analysis as analysis
from workspace.services.catalogue import coverage
from workspace.services.catalogue import items as catalogue

# --- the hand-made catalogue --------------------------------------------------------------
# Q1 -> U1 -> M1 nests two levels deep; M3 sits in Q1 and Q2; Q4 is key but withdrawn;
# Q7 is key and covers nothing; Role two sits in A1 (set A) and B1 (set B); Role three has
# only a non-key qualification, Role four nothing, Role five only the withdrawn one.

QUALIFICATIONS = {"Q1": True, "Q2": True, "Q3": False, "Q4": True, "Q5": True, "Q6": False,
                  "Q7": True}  # stable id -> key?
MODULES = ["M1", "M2", "M3", "U1"]
WITHDRAWN = {"Q4"}
PARTS = {"Q1": ["U1", "M3"], "U1": ["M1"], "Q2": ["M3", "M2"], "Q3": ["M2"], "Q5": ["M3"],
         "Q6": ["U1"]}
OWN_AREAS = {"M1": {1}, "M2": {2}, "M3": {3}, "U1": {4}, "Q3": {5}, "Q4": {6}}
# Judged not covered. Every area without a row either way is not yet judged: area 6 is a gap
# of Role one, area 5 of Role two; Role one's area 5 and Role two's 1, 4 and 6 are not yet
# judged (some part has no judgement of them).
JUDGED_NOT = {"Q1": {6}, "U1": {6}, "M1": {6}, "M3": {5, 6}, "Q2": {5, 6}, "M2": {5, 6},
              "Q5": {6}, "Q7": {5}}
ROLES = {"Role one": ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6"], "Role two": ["Q2", "Q7"],
         "Role three": ["Q3"], "Role four": [], "Role five": ["Q4"]}
SETS = {"Set A": {"A1": ["Role one", "Role two"], "A2": ["Role three"]},
        "Set B": {"B1": ["Role two", "Role four"], "B2": ["Role five", "Role one"]}}
REFERENCE = {"Role one": 7, "Role two": 2}  # Annexe 3 figures, made up for the test
NUMBERS = range(1, 7)


# --- the independent computation, in plain Python over the data above ----------------------


def covers(sid: str) -> set[int]:
    found = set(OWN_AREAS.get(sid, set()))
    for child in PARTS.get(sid, []):
        found |= covers(child)
    return found


def attached(role: str) -> list[str]:
    return [q for q in ROLES[role] if q not in WITHDRAWN]


def cluster_attached(cluster: str) -> list[str]:
    roles = next(c[cluster] for c in SETS.values() if cluster in c)
    found = []
    for role in roles:
        found += [q for q in attached(role) if q not in found]
    return found


def is_key(sid: str) -> bool:
    return QUALIFICATIONS.get(sid, False)


def expected_counts(quals: list[str], key_only: bool = True) -> dict[int, int]:
    counted = [q for q in quals if is_key(q) or not key_only]
    return {n: len([q for q in counted if n in covers(q)]) for n in NUMBERS}


def parts_of(sid: str, parts=PARTS) -> set[str]:
    found = {sid}
    for child in parts.get(sid, []):
        found |= parts_of(child, parts)
    return found


def state_by_hand(quals: list[str], n: int, own=OWN_AREAS, judged_not=JUDGED_NOT,
                  parts=PARTS) -> str:
    """An area's state over these qualifications with all their parts, flattened: covered if
    any part covers it, not covered if every part is judged not to, otherwise not judged (so
    with no part at all: a role without key qualifications has nothing to judge by)."""
    every = set().union(*(parts_of(q, parts) for q in quals))
    if not every:
        return "not-judged"
    if any(n in own.get(p, set()) for p in every):
        return "covered"
    if all(n in judged_not.get(p, set()) for p in every):
        return "not-covered"
    return "not-judged"


def expected_missing(quals: list[str], state: str = "not-covered") -> list[int]:
    """Gaps (or, given "not-judged", the areas not yet judged) of these qualifications' keys."""
    keys = [q for q in quals if is_key(q)]
    return [n for n in NUMBERS if state_by_hand(keys, n) == state]


def expected_overlapping(quals: list[str]) -> int:
    return len([q for q in quals if covers(q) and any(
        covers(q) <= covers(p) for p in quals if p != q)])


# --- building it in the database ------------------------------------------------------------


def _build(areas, data, judged_not=JUDGED_NOT) -> dict:
    """Make items, components, areas, roles and clusters; return ids by name."""
    quals, modules, withdrawn, parts, own, roles, sets, key_of = data
    ids = {}
    for sid in [*quals, *modules]:
        item = CatalogueItem(stable_id=sid, title=f"Item {sid}", is_qualification=sid in quals,
                             is_key=bool(key_of(sid)), level=3,
                             status=ItemStatus.WITHDRAWN if sid in withdrawn
                             else ItemStatus.CURRENT)
        db.session.add(item)
        db.session.flush()
        ids[sid] = item.id
    for parent, children in parts.items():
        db.session.add_all(Component(parent_id=ids[parent], child_id=ids[c]) for c in children)
    for sid, numbers in own.items():
        db.session.add_all(ItemArea(item_id=ids[sid], area_id=areas[n].id) for n in numbers)
    for sid, numbers in judged_not.items():
        db.session.add_all(ItemArea(item_id=ids[sid], area_id=areas[n].id, covered=False,
                                    basis=Basis.SOURCE, basis_text="Not in the unit's content")
                           for n in numbers)
    for name, held in roles.items():
        role = JobRole(name=name, reference_count=REFERENCE.get(name))
        db.session.add(role)
        db.session.flush()
        ids[name] = role.id
        db.session.add_all(ItemRole(item_id=ids[q], job_role_id=role.id) for q in held)
    for set_name, clusters in sets.items():
        cluster_set = ClusterSet(name=set_name)
        db.session.add(cluster_set)
        for position, (name, members) in enumerate(clusters.items()):
            cluster = Cluster(cluster_set=cluster_set, name=name, position=position)
            db.session.add(cluster)
            db.session.flush()
            ids[name] = cluster.id
            db.session.add_all(ClusterRole(cluster_id=cluster.id, job_role_id=ids[r],
                                           position=i) for i, r in enumerate(members))
    ids.update({set_name: db.session.scalar(select(ClusterSet.id).where(
        ClusterSet.name == set_name)) for set_name in sets})
    db.session.commit()
    return ids


@pytest.fixture
def made(areas):
    return _build(areas, (QUALIFICATIONS, MODULES, WITHDRAWN, PARTS, OWN_AREAS, ROLES, SETS,
                          is_key))


def _area_list(areas):
    return [areas[n] for n in NUMBERS]


# --- coverage -------------------------------------------------------------------------------


def test_the_hand_made_data_exercises_every_case():
    """Guards the fixture: the cases the brief asks for are really in it."""
    assert covers("Q1") == {1, 3, 4}  # through U1 -> M1, two levels down
    assert sum("M3" in c for c in PARTS.values()) >= 2  # a module shared by qualifications
    assert expected_overlapping(attached("Role one")) == 2
    assert not [q for q in attached("Role three") if is_key(q)]
    assert any("Role two" in c for c in SETS["Set A"].values())
    assert any("Role two" in c for c in SETS["Set B"].values())
    assert expected_missing(attached("Role one")) == [6]  # a gap: every part judged so
    assert expected_missing(attached("Role one"), "not-judged") == [5]  # M3 and Q2 judged only
    assert expected_missing(attached("Role two"), "not-judged") == [1, 4, 6]
    assert not set(OWN_AREAS) & {sid for sid, ns in JUDGED_NOT.items()
                                 if ns & OWN_AREAS.get(sid, set())}


def test_qualification_coverage_matches_the_components_recursively(made, areas):
    matrix = analysis.qualification_matrix(_area_list(areas), key_only=False)
    got = {row.subject.stable_id: {n for n, c in row.counts.items() if c} for row in matrix.rows}
    assert got == {q: covers(q) for q in QUALIFICATIONS}
    found = coverage.coverage_of(made[m] for m in MODULES)
    assert {sid: found[made[sid]].covered for sid in MODULES} == {
        sid: sum(1 << (n - 1) for n in covers(sid)) for sid in MODULES}


def test_qualification_states_match_the_hand_count(made, areas):
    matrix = analysis.qualification_matrix(_area_list(areas), key_only=False)
    got = {row.subject.stable_id: [row.states[n].value for n in NUMBERS] for row in matrix.rows}
    assert got == {q: [state_by_hand([q], n) for n in NUMBERS] for q in QUALIFICATIONS}
    q2 = next(r for r in matrix.rows if r.subject.stable_id == "Q2")
    assert [a.number for a in q2.missing] == [5, 6]  # Q2, M3 and M2 all judged not covered
    assert [a.number for a in q2.not_judged] == [1, 4]


def test_qualification_coverage_agrees_with_the_catalogue_service(made, areas):
    matrix = analysis.qualification_matrix(_area_list(areas), key_only=False)
    for row in matrix.rows:
        numbers = {a.number for a in areas.values() if a.id in catalogue.covered_areas(
            row.subject.id)}
        assert {n for n, c in row.counts.items() if c} == numbers


def test_key_only_lists_key_qualifications(made, areas):
    matrix = analysis.qualification_matrix(_area_list(areas))
    assert {r.subject.stable_id for r in matrix.rows} == {q for q, k in QUALIFICATIONS.items()
                                                         if k}


@pytest.mark.parametrize("key_only", [True, False])
def test_role_coverage_counts_match(made, areas, key_only):
    matrix = analysis.role_matrix(_area_list(areas), key_only=key_only)
    got = {row.subject.name: row.counts for row in matrix.rows}
    assert got == {role: expected_counts(attached(role), key_only) for role in ROLES}
    assert {row.subject.name: (row.key_count, row.total) for row in matrix.rows} == {
        role: (len([q for q in attached(role) if is_key(q)]), len(attached(role)))
        for role in ROLES}


@pytest.mark.parametrize("key_only", [True, False])
def test_cluster_coverage_is_the_union_over_its_roles(made, areas, key_only):
    matrix = analysis.cluster_matrix(_area_list(areas), key_only=key_only)
    got = {row.subject.name: row.counts for row in matrix.rows}
    clusters = [c for s in SETS.values() for c in s]
    assert got == {c: expected_counts(cluster_attached(c), key_only) for c in clusters}


@pytest.mark.parametrize("set_name", ["Set A", "Set B"])
def test_clusters_of_one_set_count_all_their_roles(made, areas, set_name):
    """Role one and Role two sit in clusters of both sets: each set's clusters are whole."""
    matrix = analysis.cluster_matrix(_area_list(areas), key_only=False,
                                     cluster_set_id=made[set_name])
    assert {row.subject.name: (row.counts, row.total) for row in matrix.rows} == {
        c: (expected_counts(cluster_attached(c), False), len(cluster_attached(c)))
        for c in SETS[set_name]}
    report = analysis.gap_report(_area_list(areas), cluster_set_id=made[set_name])
    assert {row.subject.name: [a.number for a in row.missing] for row in report.clusters} == {
        c: expected_missing(cluster_attached(c)) for c in SETS[set_name]}


def test_a_qualification_key_for_one_of_a_clusters_roles_is_key_for_the_cluster(made, areas):
    """Q3 (not key for the whole catalogue) marked key for Role one alone, and attached to
    Role two as well: key for Role one and for both clusters of Role one, not for Role two."""
    db.session.add(ItemRole(item_id=made["Q3"], job_role_id=made["Role two"]))
    db.session.execute(update(ItemRole).where(ItemRole.item_id == made["Q3"],
                                              ItemRole.job_role_id == made["Role one"])
                       .values(is_key=True))
    db.session.commit()
    keys = {name: len([q for q in attached(name) if is_key(q)]) for name in ROLES}
    roles = {r.subject.name: r.key_count for r in analysis.role_matrix(_area_list(areas)).rows}
    assert roles == {**keys, "Role one": keys["Role one"] + 1}
    clusters = {r.subject.name: r for r in analysis.cluster_matrix(_area_list(areas)).rows}
    a1 = cluster_attached("A1")  # Role one and Role two: Q3 through both
    assert clusters["A1"].key_count == len([q for q in a1 if is_key(q)]) + 1
    assert clusters["A1"].total == len(a1)  # Q3 once
    assert clusters["B2"].key_count == len([q for q in cluster_attached("B2") if is_key(q)]) + 1
    assert clusters["B1"].key_count == len([q for q in cluster_attached("B1") if is_key(q)])
    assert clusters["A1"].counts[5] == expected_counts(a1)[5] + 1  # Q3 covers area 5


def test_role_rows_filter_by_cluster(made, areas):
    matrix = analysis.role_matrix(_area_list(areas), cluster_id=made["B1"])
    assert [r.subject.name for r in matrix.rows] == sorted(SETS["Set B"]["B1"])


# --- gaps and over-provision ----------------------------------------------------------------


def test_gaps_match(made, areas):
    report = analysis.gap_report(_area_list(areas))
    roles = {row.subject.name: row for row in report.roles}
    for role in ROLES:
        assert [a.number for a in roles[role].missing] == expected_missing(attached(role))
        assert [a.number for a in roles[role].not_judged] == expected_missing(
            attached(role), "not-judged")
    without_key = {role for role in ROLES if not [q for q in attached(role) if is_key(q)]}
    assert {r.subject.name for r in report.roles_without_key} == without_key
    assert {r.subject.name for r in report.roles_with_gaps} == {
        role for role in ROLES if expected_missing(attached(role)) and role not in without_key}
    clusters = {row.subject.name: ([a.number for a in row.missing],
                                   [a.number for a in row.not_judged]) for row in report.clusters}
    assert clusters == {c: (expected_missing(cluster_attached(c)),
                            expected_missing(cluster_attached(c), "not-judged"))
                        for s in SETS.values() for c in s}


def test_not_yet_judged_is_never_a_gap(made, areas):
    report = analysis.gap_report(_area_list(areas))
    two = next(r for r in report.roles if r.subject.name == "Role two")
    assert [a.number for a in two.missing] == [5] and [a.number for a in two.not_judged] == [
        1, 4, 6]
    a1 = next(r for r in report.clusters if r.subject.name == "A1")
    assert a1.missing == [] and a1 not in report.clusters_with_gaps  # Q7 is unjudged on 6
    with_key = [r for r in ROLES if [q for q in attached(r) if is_key(q)]]
    assert report.roles_not_judged == sum(
        len(expected_missing(attached(r), "not-judged")) for r in with_key) == 4


def test_a_role_without_key_qualifications_has_nothing_judged_and_no_gap(made, areas):
    report = analysis.gap_report(_area_list(areas))
    for row in report.roles_without_key + report.clusters_without_key:
        assert row.missing == [] and len(row.not_judged) == 6
        assert row not in report.roles_with_gaps + report.clusters_with_gaps


def test_withdrawn_key_qualification_fills_no_gap(made, areas):
    report = analysis.gap_report(_area_list(areas))
    assert "Role five" in {r.subject.name for r in report.roles_without_key}
    one = next(r for r in report.roles if r.subject.name == "Role one")
    assert 6 in [a.number for a in one.missing]  # Q4 covers area 6 but is withdrawn


@pytest.mark.parametrize("threshold", [1, 2, 3])
def test_over_provision_matches(made, areas, threshold):
    report = analysis.gap_report(_area_list(areas), threshold=threshold)
    assert {r.subject.name: r.overlapping for r in report.roles} == {
        role: expected_overlapping(attached(role)) for role in ROLES}
    assert {r.subject.name for r in report.roles_over} == {
        role for role in ROLES if expected_overlapping(attached(role)) >= threshold}
    assert {r.subject.name for r in report.clusters_over} == {
        c for s in SETS.values() for c in s
        if expected_overlapping(cluster_attached(c)) >= threshold}


def test_gaps_restricted_to_one_cluster_set(made, areas):
    report = analysis.gap_report(_area_list(areas), cluster_set_id=made["Set B"])
    assert {r.subject.name for r in report.clusters} == set(SETS["Set B"])
    assert {r.subject.name for r in report.roles} == {
        r for members in SETS["Set B"].values() for r in members}


@pytest.mark.parametrize("masks, expected", [
    ([0b011, 0b001, 0b100], 1),  # {1} inside {1,2}
    ([0b011, 0b011], 2),  # equal sets: both add nothing beyond the other
    ([0, 0b001], 0),  # a qualification covering nothing is not judged
    ([0b001, 0b010, 0b100], 0),
])
def test_overlap_rule(masks, expected):
    assert analysis.overlapping(Counter(masks)) == expected


# --- a random catalogue, against the same independent computation -------------------------


def test_random_catalogue_agrees(areas):
    rng = random.Random(20240607)
    names = [f"R{i}" for i in range(40)]
    quals = {n: rng.random() < 0.5 for n in names[:15]}
    parts = {}
    for i, name in enumerate(names[:-1]):  # only later items as parts: no cycles
        later = names[i + 1:]
        parts[name] = rng.sample(later, k=min(len(later), rng.randint(0, 3)))
    own = {n: set(rng.sample(range(1, 7), k=rng.randint(0, 2))) for n in names}
    judged_not = {n: set(rng.sample(range(1, 7), k=rng.randint(0, 6))) - own[n] for n in names}
    roles = {f"Job {j}": rng.sample(list(quals), k=rng.randint(0, 6)) for j in range(6)}
    sets = {"Random": {"C1": ["Job 0", "Job 1", "Job 2"], "C2": ["Job 2", "Job 3"]}}
    ids = _build(areas, (quals, names[15:], set(), parts, own, roles, sets,
                         lambda s: quals.get(s)), judged_not)

    def cover(sid):
        found = set(own[sid])
        for child in parts.get(sid, []):
            found |= cover(child)
        return found

    def counts(held, key_only):
        counted = [q for q in held if quals[q] or not key_only]
        return {n: len([q for q in counted if n in cover(q)]) for n in NUMBERS}

    def overlap(held):
        return len([q for q in held if cover(q) and any(
            cover(q) <= cover(p) for p in held if p != q)])

    area_list = _area_list(areas)
    report = analysis.gap_report(area_list, threshold=1)
    for row in report.roles:
        held = roles[row.subject.name]
        assert row.counts == counts(held, True), row.subject.name
        keys = [q for q in held if quals[q]]
        for state, found in (("not-covered", row.missing), ("not-judged", row.not_judged)):
            assert [a.number for a in found] == [n for n in NUMBERS if state_by_hand(
                keys, n, own, judged_not, parts) == state], row.subject.name
        assert row.overlapping == overlap(held)
    for row in analysis.role_matrix(area_list, key_only=False).rows:
        assert row.counts == counts(roles[row.subject.name], False)
    for row in report.clusters:
        held = sorted({q for r in sets["Random"][row.subject.name] for q in roles[r]})
        assert row.counts == counts(held, True)
    got = analysis.qualification_matrix(area_list, key_only=False).rows
    assert {r.subject.stable_id: {n for n, c in r.counts.items() if c} for r in got} == {
        q: cover(q) for q in quals}
    assert {r.subject.stable_id: [r.states[n].value for n in NUMBERS] for r in got} == {
        q: [state_by_hand([q], n, own, judged_not, parts) for n in NUMBERS] for q in quals}
    # The rule in SQL (item with components) is the rule in Python over the same parts.
    in_sql = coverage.coverage_of(ids[n] for n in names)
    for name in names:
        by_hand = coverage.combine(coverage.own_coverage(
            [(n, True) for n in own[p]] + [(n, False) for n in judged_not[p]])
            for p in parts_of(name, parts))
        assert in_sql[ids[name]] == by_hand, name


# --- counts as in Annexe 3 ------------------------------------------------------------------


def test_counts_per_role_and_cluster(made):
    table = analysis.count_table(made["Set A"])
    assert table.cluster_set.name == "Set A"
    got = {c.cluster.name: [(r.role.name, r.attached, r.key) for r in c.roles]
           for c in table.clusters}
    assert got == {cluster: [(role, len(attached(role)),
                              len([q for q in attached(role) if is_key(q)])) for role in members]
                   for cluster, members in SETS["Set A"].items()}
    subtotals = {c.cluster.name: (c.attached, c.distinct, c.reference) for c in table.clusters}
    assert subtotals == {
        "A1": (len(attached("Role one")) + len(attached("Role two")),
               len(cluster_attached("A1")), 7 + 2),
        "A2": (len(attached("Role three")), len(cluster_attached("A2")), None)}
    assert table.attached == sum(len(attached(r)) for m in SETS["Set A"].values() for r in m)
    assert table.distinct == len(set(cluster_attached("A1")) | set(cluster_attached("A2")))
    assert table.reference == 9


def test_counts_default_to_the_first_set(made):
    assert analysis.count_table().cluster_set.name == "Set A"
    assert analysis.count_table(made["Set B"]).cluster_set.name == "Set B"


# --- progression ------------------------------------------------------------------------------


@pytest.fixture
def chain(make_item):
    """A before B before C; D needs A and C; E needs B; F stands apart. Levels 1..4."""
    items = {name: make_item(title=f"Course {name}", level=level, is_qualification=True)
             for name, level in [("A", 1), ("B", 2), ("C", 3), ("D", 4), ("E", 3), ("F", 2)]}
    for later, before in [("B", "A"), ("C", "B"), ("D", "A"), ("D", "C"), ("E", "B")]:
        db.session.add(Prerequisite(item_id=items[later].id, required_id=items[before].id))
    db.session.commit()
    return items


def _layout(progression):
    return [(col.label, [n.item.title[-1] for n in col.nodes]) for col in progression.columns]


def test_progression_by_step_puts_each_item_after_its_longest_route(chain):
    progression = analysis.progression_map(chain["B"])
    assert _layout(progression) == [("Needed just before", ["A"]), ("This item", ["B"]),
                                    ("Leads on to", ["C", "E"]), ("2 steps on", ["D"])]
    assert (progression.needs, progression.leads_to) == (1, 3)
    d = next(n for c in progression.columns for n in c.nodes if n.item.id == chain["D"].id)
    assert [i.title for i in d.after] == ["Course A", "Course C"]


def test_progression_by_level(chain):
    progression = analysis.progression_map(chain["C"], by="level")
    assert _layout(progression) == [("Level 1", ["A"]), ("Level 2", ["B"]),
                                    ("Level 3", ["C"]), ("Level 4", ["D"])]


def test_progression_of_an_item_without_links(chain):
    progression = analysis.progression_map(chain["F"])
    assert _layout(progression) == [("This item", ["F"])]
    assert (progression.needs, progression.leads_to) == (0, 0)


# --- pages ------------------------------------------------------------------------------------


@pytest.fixture
def signed_in(client, auth, make_user):
    auth.login(make_user())
    return client


PAGES = ["/catalogue/analysis/coverage", "/catalogue/analysis/coverage?rows=clusters",
         "/catalogue/analysis/coverage?rows=qualifications&include=all",
         "/catalogue/analysis/gaps", "/catalogue/analysis/counts"]


def test_pages_need_sign_in(client, made):
    for url in ["/catalogue/analysis", *PAGES]:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


@pytest.mark.parametrize("url", PAGES)
def test_page_and_fragment(signed_in, made, url):
    page = signed_in.get(url)
    assert page.status_code == 200
    assert "<html" in page.text and "<h1>" in page.text
    fragment = signed_in.get(url, headers=HTMX)
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and 'id="analysis-' in fragment.text


def test_index_links_every_analysis(signed_in):
    body = signed_in.get("/catalogue/analysis").text
    for url in ["/catalogue/analysis/coverage", "/catalogue/analysis/gaps",
                "/catalogue/analysis/counts"]:
        assert f'href="{url}"' in body


def _cells(html: str, row_name: str) -> str:
    start = html.index(row_name)
    return html[start:html.index("</tr>", start)]


def test_coverage_page_shows_counts_in_words(signed_in, made):
    body = signed_in.get("/catalogue/analysis/coverage?rows=roles").text
    row = _cells(body, "Role one")
    assert "3<span class=\"an-sr\"> cover area 3</span>" in row
    assert "area 6 not covered" in row
    assert "3 / 5" in row  # key / all attached
    assert "area 5 not covered" not in _cells(
        signed_in.get("/catalogue/analysis/coverage?rows=roles&include=all").text, "Role one")


def test_coverage_page_paginates(signed_in, made, monkeypatch):
    monkeypatch.setattr(analysis, "PER_PAGE", 2)
    first = signed_in.get("/catalogue/analysis/coverage?rows=roles").text
    second = signed_in.get("/catalogue/analysis/coverage?rows=roles&page=2").text
    assert "Page 1 of 3" in first and "Role five" in first and "Role two" not in first
    assert "Page 2 of 3" in second and "Role one" in second and "Role five" not in second


def test_coverage_page_tells_not_covered_from_not_yet_judged(signed_in, made):
    row = _cells(signed_in.get("/catalogue/analysis/coverage?rows=roles").text, "Role two")
    assert "area 5 not covered" in row
    assert all(f"area {n} not yet judged" in row for n in (1, 4, 6))
    assert "area 1 not covered" not in row
    quals = signed_in.get("/catalogue/analysis/coverage?rows=qualifications&include=all").text
    q2 = _cells(quals, "Item Q2")
    assert "area 5 not covered" in q2 and "area 1 not yet judged" in q2
    assert "? not yet judged" in quals


def test_gaps_page_counts_not_yet_judged_apart(signed_in, made):
    body = signed_in.get("/catalogue/analysis/gaps").text
    summary = " ".join(body[body.index('id="not-judged-summary"'):].split("</p>")[0].split())
    assert "4 role–area pairs (in 2 roles)" in summary
    assert "6 cluster–area pairs (in 3 clusters)" in summary  # A1: 5, 6; B1: 1, 4, 6; B2: 5
    assert "not counted as gaps" in summary
    gaps = body[body.index("Roles with gaps"):body.index("Roles with no key")]
    two = _cells(gaps, "Role two")
    assert two.count('class="an-tag"') == 1  # area 5 only: 1, 4 and 6 are not yet judged
    assert two.rstrip().endswith('<td class="an-num">3</td>')


def test_qualifications_of_one_role(signed_in, made):
    body = signed_in.get(f"/catalogue/analysis/coverage?rows=qualifications&include=all"
                         f"&job_role_id={made['Role two']}").text
    assert "Item Q2" in body and "Item Q7" in body and "Item Q1" not in body


def test_gaps_page_lists_missing_areas_and_flags_roles_without_key(signed_in, made):
    body = signed_in.get("/catalogue/analysis/gaps?threshold=2").text
    gaps = body[body.index("Roles with gaps"):body.index("Roles with no key")]
    assert "Role two" in gaps and "Role one" in gaps and "Role three" not in gaps
    without = body[body.index("Roles with no key"):body.index("Clusters with gaps")]
    assert all(name in without for name in ["Role three", "Role four", "Role five"])
    assert "nothing to judge" in without and "every area is a gap" not in body
    over = body[body.index("Over-provision <small"):]
    assert "Role one" in over and "Role two" not in over


def test_counts_page_shows_annexe_3_beside_the_catalogue(signed_in, made):
    body = signed_in.get(f"/catalogue/analysis/counts?cluster_set_id={made['Set A']}").text
    row = _cells(body, "<td>Role one</td>")
    assert f"{len(attached('Role one'))} (3)" in row and ">7<" in row
    assert "Subtotal, A1" in body and "snapshot" in body


def test_progression_page_and_fragment(signed_in, chain):
    url = f"/catalogue/items/{chain['B'].id}/progression"
    page = signed_in.get(url)
    assert page.status_code == 200 and "<html" in page.text
    board = page.text[page.text.index('class="an-map"'):]
    order = [board.index(text) for text in
             ["Needed just before", "Course A", "This item", "Course B", "Leads on to",
              "Course C", "2 steps on", "Course D"]]
    assert order == sorted(order)
    fragment = signed_in.get(url + "?by=level", headers=HTMX)
    assert "<html" not in fragment.text and "Level 4" in fragment.text
    assert signed_in.get("/catalogue/items/999999/progression").status_code == 404


# --- query counts -----------------------------------------------------------------------------


def _grow(areas, ids, n: int) -> None:
    """Add n key qualifications, each with a unit holding two modules, attached to roles."""
    roles = list(db.session.scalars(select(JobRole.id)))
    for i in range(n):
        qual = CatalogueItem(stable_id=f"G{i}", title=f"Grown {i}", is_qualification=True,
                             is_key=True, level=2)
        unit = CatalogueItem(stable_id=f"GU{i}", title=f"Grown unit {i}")
        mods = [CatalogueItem(stable_id=f"GM{i}-{k}", title=f"Grown module {i}.{k}")
                for k in range(2)]
        db.session.add_all([qual, unit, *mods])
        db.session.flush()
        db.session.add_all([Component(parent_id=qual.id, child_id=unit.id),
                            *[Component(parent_id=unit.id, child_id=m.id) for m in mods],
                            ItemArea(item_id=mods[0].id, area_id=areas[1 + i % 6].id),
                            ItemRole(item_id=qual.id, job_role_id=roles[i % len(roles)]),
                            Prerequisite(item_id=qual.id, required_id=ids["Q1"])])
    db.session.commit()


# Each page's own queries, beyond those of the analysis index (the signed-in user and whatever
# the base template asks for), which runs none of its own.
# Role and cluster pages: the areas, the rows counted and paged, the filter's choices, and one
# query tallying the rows' qualifications by key flag and stored coverage; the gap page: the
# areas, the roles, the clusters, the cluster sets, and one query tallying roles and clusters.
QUERY_PAGES = {"/catalogue/analysis/coverage?rows=roles": 6,
               "/catalogue/analysis/coverage?rows=roles&include=all&page=2": 6,
               "/catalogue/analysis/coverage?rows=roles&cluster_id={B1}": 6,
               "/catalogue/analysis/coverage?rows=clusters": 5,
               "/catalogue/analysis/coverage?rows=clusters&include=all": 5,
               "/catalogue/analysis/coverage?rows=clusters&cluster_set_id={Set B}": 5,
               "/catalogue/analysis/coverage?rows=qualifications&include=all": 6,
               "/catalogue/analysis/gaps": 5,
               "/catalogue/analysis/gaps?cluster_set_id={Set A}&threshold=2": 5,
               "/catalogue/analysis/counts": 6}


def test_query_counts_do_not_grow_with_the_catalogue(signed_in, made, areas, monkeypatch):
    monkeypatch.setattr(analysis, "PER_PAGE", 2)  # a role page of two: there are pages
    urls = {url.format(**made): url for url in QUERY_PAGES}
    item = f"/catalogue/items/{made['Q1']}/progression"
    baseline = count_queries(signed_in, "/catalogue/analysis")
    before = {url: count_queries(signed_in, url) - baseline for url in [*urls, item]}
    _grow(areas, made, 30)
    after = {url: count_queries(signed_in, url) - baseline for url in [*urls, item]}
    assert after == before
    assert {urls[url]: before[url] for url in urls} == QUERY_PAGES
    assert before[item] == 3  # the item, the items on the map, the links between them
