"""The catalogue's seed content: the Common Core, the SSC clusters and roles of SHU Annexe 1
(../shared/seeds/, ../shared/catalogue-facts.md), and the catalogue pack's roles and
qualifications with their sources (`pack`). Loading twice changes nothing.
"""

import json
from importlib import resources

from workspace.extensions import db
from workspace.models import (
    Cluster,
    ClusterRole,
    ClusterSet,
    CommonCoreArea,
    JobRole,
)
from workspace.services.catalogue import pack
from workspace.services.catalogue.pack import get_or_add, seeded

COMMON_CORE = [
    "Effective communication and engagement with children, young people, their families and "
    "carers",
    "Child and young person development",
    "Safeguarding and promoting the welfare of the child",
    "Supporting transitions",
    "Multi-agency working",
    "Sharing information",
]


def _load_common_core() -> dict[int, CommonCoreArea]:
    return {n: get_or_add(CommonCoreArea, {"title": title}, number=n)
            for n, title in enumerate(COMMON_CORE, start=1)}


def _load_clusters() -> None:
    data = json.loads(resources.files("workspace.seed").joinpath("ssc_clusters.json")
                      .read_text(encoding="utf-8"))
    set_name = data["cluster_set"]["name"]
    cluster_set = seeded(f"cluster_set:{set_name}", ClusterSet,
                         {"source": data["cluster_set"]["source"]}, name=set_name)
    if cluster_set is None:  # an editor deleted the set
        return
    counts = data["role_qualification_counts"]["counts"]
    for position, entry in enumerate(data["clusters"]):
        cluster = seeded(f"cluster:{set_name}/{entry['name']}", Cluster, {"position": position},
                         cluster_set_id=cluster_set.id, name=entry["name"])
        for role_position, name in enumerate(entry["roles"]):
            role = seeded(f"job_role:{name}", JobRole, {"reference_count": counts.get(name)},
                          name=name)
            if cluster is not None and role is not None:
                seeded(f"cluster_role:{set_name}/{entry['name']}/{name}", ClusterRole,
                       {"position": role_position}, cluster_id=cluster.id, job_role_id=role.id)


def load_catalogue_seed() -> None:
    """Load the seed content. Loading twice changes nothing; a newer pack updates what it owns
    and editors have not changed (see `pack`); roles, clusters and sets editors renamed or
    deleted stay as they left them (`pack.seeded`)."""
    _load_common_core()
    _load_clusters()
    pack.load_pack()
    db.session.commit()
