"""The catalogue's structure, kept by its editors on screen: cluster sets, their clusters, job
roles and where each sits, the qualifications attached to each role (key for it or not, named
by a source or suggested by the editors), and each item's Common Core judgements with what they
rest on. Every change is written to the catalogue's change record (`items.record_change`):
who, when, and what it was before and after.

Rules an editor meets here:
- names are unique where people pick by name: a cluster set, a role, a cluster within its set;
- a cluster set is deleted only once it holds no cluster; a cluster's deletion takes its role
  placements with it, never the roles; a role is deleted only when no person's profile and no
  audit need names it (its placements and attached qualifications go with it);
- only qualifications attach to roles (a unit serves a role through its qualification);
- a judgement that rests on a source quotes the source's words, and a judgement that an item
  does not cover an area says why: an unexplained "not covered" would read as a gap.
"""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from workspace.exceptions import DomainError, NotFound
from workspace.extensions import db
from workspace.models import (
    Basis,
    CatalogueItem,
    Cluster,
    ClusterRole,
    ClusterSet,
    CommonCoreArea,
    ItemArea,
    ItemRole,
    JobRole,
    Need,
    PractitionerProfile,
)
from workspace.models.accounts import User
from workspace.services.catalogue.coverage import AreaState
from workspace.services.catalogue.items import record_change

NAME_MAX = {"cluster set": 120, "cluster": 200, "role": 300}
WORDS_MAX = 5000


def _name(value: str, what: str, field: str = "name") -> str:
    name = " ".join((value or "").split())
    if not name:
        raise DomainError(f"Give the {what} a name.", field=field)
    if len(name) > NAME_MAX[what]:
        raise DomainError(f"A {what} name has at most {NAME_MAX[what]} characters.",
                          field=field)
    return name


def _taken(model, name: str, other, **scope) -> bool:
    stmt = select(model.id).where(func.lower(model.name) == name.lower(),
                                  *(getattr(model, k) == v for k, v in scope.items()))
    if other is not None:
        stmt = stmt.where(model.id != other.id)
    return db.session.scalar(stmt.limit(1)) is not None


def _changes(obj, wanted: dict) -> list[str]:
    """Apply the fields that differ; describe each as 'field: old → new'."""
    changed = []
    for name, value in wanted.items():
        old = getattr(obj, name)
        if old != value:
            changed.append(f"{name}: {old or '(none)'} → {value or '(none)'}")
            setattr(obj, name, value)
    return changed


def _get(model, object_id: int | None):
    found = db.session.get(model, object_id) if object_id else None
    if found is None:
        raise NotFound()
    return found


def get_cluster_set(cluster_set_id: int) -> ClusterSet:
    return _get(ClusterSet, cluster_set_id)


def get_cluster(cluster_id: int) -> Cluster:
    return _get(Cluster, cluster_id)


def get_link(item_role_id: int, *, role: JobRole | None = None,
             item: CatalogueItem | None = None) -> ItemRole:
    """A role link, as long as it is the given role's or item's (else 404)."""
    link = _get(ItemRole, item_role_id)
    if (role and link.job_role_id != role.id) or (item and link.item_id != item.id):
        raise NotFound()
    return link


# --- cluster sets and clusters ------------------------------------------------------------


def create_cluster_set(actor: User | None, name: str, source: str = "") -> ClusterSet:
    name = _name(name, "cluster set")
    if _taken(ClusterSet, name, None):
        raise DomainError(f"There is already a cluster set called {name}.", field="name")
    cluster_set = ClusterSet(name=name, source=source.strip())
    db.session.add(cluster_set)
    record_change(actor, None, "cluster set added", name)
    db.session.commit()
    return cluster_set


def update_cluster_set(actor: User | None, cluster_set: ClusterSet, name: str,
                       source: str) -> list[str]:
    name = _name(name, "cluster set")
    if _taken(ClusterSet, name, cluster_set):
        raise DomainError(f"There is already a cluster set called {name}.", field="name")
    before = cluster_set.name
    changed = _changes(cluster_set, {"name": name, "source": source.strip()})
    if changed:
        record_change(actor, None, "cluster set edited", f"{before}: " + "; ".join(changed))
    db.session.commit()
    return changed


def delete_cluster_set(actor: User | None, cluster_set: ClusterSet) -> None:
    if cluster_set.clusters:
        count = len(cluster_set.clusters)
        raise DomainError(f"{cluster_set.name} still holds {count} "
                          f"{'cluster' if count == 1 else 'clusters'}: delete them first.")
    record_change(actor, None, "cluster set deleted", cluster_set.name)
    db.session.delete(cluster_set)
    db.session.commit()


def create_cluster(actor: User | None, cluster_set: ClusterSet, name: str) -> Cluster:
    name = _name(name, "cluster")
    if _taken(Cluster, name, None, cluster_set_id=cluster_set.id):
        raise DomainError(f"{cluster_set.name} already has a cluster called {name}.",
                          field="name")
    position = 1 + max((c.position for c in cluster_set.clusters), default=-1)
    cluster = Cluster(cluster_set_id=cluster_set.id, name=name, position=position)
    db.session.add(cluster)
    record_change(actor, None, "cluster added", f"{name} in {cluster_set.name}")
    db.session.commit()
    return cluster


def rename_cluster(actor: User | None, cluster: Cluster, name: str) -> list[str]:
    name = _name(name, "cluster")
    if _taken(Cluster, name, cluster, cluster_set_id=cluster.cluster_set_id):
        raise DomainError(f"{cluster.cluster_set.name} already has a cluster called {name}.",
                          field="name")
    changed = _changes(cluster, {"name": name})
    if changed:
        record_change(actor, None, "cluster renamed",
                      f"{cluster.cluster_set.name}: " + "; ".join(changed))
    db.session.commit()
    return changed


def delete_cluster(actor: User | None, cluster: Cluster) -> None:
    roles = len(cluster.roles)
    record_change(actor, None, "cluster deleted",
                  f"{cluster.name} in {cluster.cluster_set.name}"
                  + (f" ({roles} {'role' if roles == 1 else 'roles'} no longer placed in it)"
                     if roles else ""))
    db.session.delete(cluster)
    db.session.commit()


# --- roles --------------------------------------------------------------------------------


def _sources(text: str) -> str:
    """One web address a line, as the pack gives them; blank lines dropped."""
    return "\n".join(line.strip() for line in (text or "").splitlines() if line.strip())


def create_role(actor: User | None, name: str, description: str = "",
                source: str = "") -> JobRole:
    name = _name(name, "role")
    if _taken(JobRole, name, None):
        raise DomainError(f"There is already a role called {name}.", field="name")
    role = JobRole(name=name, description=description.strip(), source=_sources(source))
    db.session.add(role)
    record_change(actor, None, "role added", name)
    db.session.commit()
    return role


def update_role(actor: User | None, role: JobRole, name: str, description: str,
                source: str) -> list[str]:
    name = _name(name, "role")
    if _taken(JobRole, name, role):
        raise DomainError(f"There is already a role called {name}.", field="name")
    before = role.name
    changed = _changes(role, {"name": name, "description": description.strip(),
                              "source": _sources(source)})
    if changed:
        record_change(actor, None, "role edited", f"{before}: " + "; ".join(changed))
    db.session.commit()
    return changed


def role_in_use(role: JobRole) -> list[str]:
    """What outside the catalogue names the role, in words (empty: it may be deleted)."""
    people = db.session.scalar(select(func.count()).select_from(PractitionerProfile)
                               .where(PractitionerProfile.job_role_id == role.id))
    needs = db.session.scalar(select(func.count()).select_from(Need)
                              .where(Need.job_role_id == role.id))
    said = [(people, f"{people} {'person gives' if people == 1 else 'people give'} it as "
                     f"their role"),
            (needs, f"{needs} audit {'need names' if needs == 1 else 'needs name'} it")]
    return [text for n, text in said if n]


def delete_role(actor: User | None, role: JobRole) -> None:
    uses = role_in_use(role)
    if uses:
        raise DomainError(f"{role.name} cannot be deleted: {' and '.join(uses)}. "
                          f"Rename it instead, or leave it.")
    record_change(actor, None, "role deleted", role.name)
    db.session.delete(role)
    db.session.commit()


def place_role(actor: User | None, role: JobRole, cluster: Cluster) -> ClusterRole:
    if db.session.scalar(select(ClusterRole.id).where(ClusterRole.cluster_id == cluster.id,
                                                      ClusterRole.job_role_id == role.id)):
        raise DomainError(f"{role.name} is already in {cluster.name}.", field="cluster")
    position = db.session.scalar(select(func.count()).select_from(ClusterRole)
                                 .where(ClusterRole.cluster_id == cluster.id))
    placement = ClusterRole(cluster_id=cluster.id, job_role_id=role.id, position=position)
    db.session.add(placement)
    record_change(actor, None, "role placed",
                  f"{role.name} in {cluster.name} ({cluster.cluster_set.name})")
    db.session.commit()
    return placement


def unplace_role(actor: User | None, role: JobRole, cluster_role_id: int) -> None:
    placement = _get(ClusterRole, cluster_role_id)
    if placement.job_role_id != role.id:
        raise NotFound()
    cluster = get_cluster(placement.cluster_id)
    record_change(actor, None, "role taken out of cluster",
                  f"{role.name} from {cluster.name} ({cluster.cluster_set.name})")
    db.session.delete(placement)
    db.session.commit()


@dataclass
class RolePage:
    role: JobRole
    placements: list[tuple[ClusterRole, Cluster]]
    links: list[ItemRole]  # qualifications attached, key ones first
    in_use: list[str]


def role_page(role: JobRole) -> RolePage:
    placements = db.session.execute(
        select(ClusterRole, Cluster).join(Cluster, Cluster.id == ClusterRole.cluster_id)
        .options(selectinload(Cluster.cluster_set))
        .where(ClusterRole.job_role_id == role.id)
        .order_by(Cluster.cluster_set_id, Cluster.position)).all()
    links = list(db.session.scalars(
        select(ItemRole).join(CatalogueItem, CatalogueItem.id == ItemRole.item_id)
        .options(selectinload(ItemRole.item))
        .where(ItemRole.job_role_id == role.id)
        .order_by(ItemRole.is_key.desc(), CatalogueItem.is_key.desc(), CatalogueItem.level,
                  CatalogueItem.title)))
    return RolePage(role, [tuple(p) for p in placements], links, role_in_use(role))


def structure() -> list[ClusterSet]:
    """Every cluster set with its clusters and their roles, in three queries."""
    return list(db.session.scalars(
        select(ClusterSet).options(selectinload(ClusterSet.clusters).selectinload(Cluster.roles))
        .order_by(ClusterSet.name.startswith("SSC"), ClusterSet.name)))


def unplaced_roles() -> list[JobRole]:
    return list(db.session.scalars(
        select(JobRole).where(~JobRole.id.in_(select(ClusterRole.job_role_id)))
        .order_by(JobRole.name)))


# --- qualifications attached to roles -----------------------------------------------------


def _describe_link(basis: Basis, is_key: bool) -> str:
    return ("key, " if is_key else "") + ("named by a source" if basis is Basis.SOURCE
                                          else "editors' suggestion")


def attach(actor: User | None, item: CatalogueItem, role: JobRole, *, basis: Basis,
           is_key: bool = False) -> ItemRole:
    if not item.is_qualification:
        raise DomainError(f"{item.title} is a unit, not a qualification: attach the "
                          f"qualification it belongs to.", field="item")
    if db.session.scalar(select(ItemRole.id).where(ItemRole.item_id == item.id,
                                                   ItemRole.job_role_id == role.id)):
        raise DomainError(f"{item.title} is already attached to {role.name}.", field="item")
    link = ItemRole(item_id=item.id, job_role_id=role.id, basis=basis, is_key=is_key)
    db.session.add(link)
    record_change(actor, item, "attached to role",
                  f"{role.name} ({_describe_link(basis, is_key)})")
    db.session.commit()
    return link


def update_link(actor: User | None, link: ItemRole, *, basis: Basis, is_key: bool) -> bool:
    before = _describe_link(link.basis, link.is_key)
    after = _describe_link(basis, is_key)
    if before == after:
        return False
    link.basis, link.is_key = basis, is_key
    record_change(actor, link.item, "role link changed",
                  f"{link.job_role.name}: {before} → {after}")
    db.session.commit()
    return True


def detach(actor: User | None, link: ItemRole) -> None:
    record_change(actor, link.item, "detached from role",
                  f"{link.job_role.name} ({_describe_link(link.basis, link.is_key)})")
    db.session.delete(link)
    db.session.commit()


# --- Common Core judgements ---------------------------------------------------------------


def _describe_judgement(judgement: ItemArea | None) -> str:
    if judgement is None:
        return "not yet judged"
    state = "covered" if judgement.covered else "judged not covered"
    words = f": “{judgement.basis_text}”" if judgement.basis_text else ""
    return f"{state} ({judgement.basis.label.lower()}{words})"


def judge(actor: User | None, item: CatalogueItem, area: CommonCoreArea, state: AreaState,
          basis: Basis = Basis.EDITORIAL, words: str = "") -> bool:
    """Set the item's own judgement of one area; returns whether anything changed.

    Not yet judged takes the judgement away. Covered or judged not covered keeps what it rests
    on: a source (its words quoted) or the editors' judgement (words optional for covered,
    required for not covered)."""
    words = " ".join((words or "").split())
    if len(words) > WORDS_MAX:
        raise DomainError(f"Keep the words to {WORDS_MAX} characters.", field="words")
    if state is not AreaState.NOT_JUDGED and basis is Basis.SOURCE and not words:
        raise DomainError("Quote the source's words this judgement rests on.", field="words")
    if state is AreaState.NOT_COVERED and not words:
        raise DomainError("Say why the item does not cover this area: without a reason a "
                          "“not covered” reads as a gap.", field="words")
    current = db.session.scalar(select(ItemArea).where(ItemArea.item_id == item.id,
                                                       ItemArea.area_id == area.id))
    before = _describe_judgement(current)
    if state is AreaState.NOT_JUDGED:
        if current is None:
            return False
        db.session.delete(current)
        after = "not yet judged"
    else:
        judgement = current or ItemArea(item_id=item.id, area_id=area.id)
        judgement.covered = state is AreaState.COVERED
        judgement.basis, judgement.basis_text = basis, words
        after = _describe_judgement(judgement)
        if after == before:
            return False
        db.session.add(judgement)
    record_change(actor, item, "Common Core judgement",
                  f"{area.number}. {area.title}: {before} → {after}")
    db.session.commit()
    return True
