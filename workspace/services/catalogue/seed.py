"""The catalogue's seed content: the Common Core, the SSC clusters and roles of SHU Annexe 1,
and the three qualifications of seed 000, each with its source. Loading twice changes nothing.

Only documented facts (../shared/seeds/, ../shared/catalogue-facts.md); where a detail is not
documented, the item's notes say so.
"""

import json
from datetime import date
from importlib import resources

from sqlalchemy import select

from workspace.extensions import db
from workspace.models import (
    CatalogueItem,
    Cluster,
    ClusterRole,
    ClusterSet,
    CommonCoreArea,
    Component,
    ItemArea,
    ItemStatus,
    JobRole,
)

COMMON_CORE = [
    "Effective communication and engagement with children, young people, their families and "
    "carers",
    "Child and young person development",
    "Safeguarding and promoting the welfare of the child",
    "Supporting transitions",
    "Multi-agency working",
    "Sharing information",
]

ACE_SOURCE = ("Arts Council England, 'New qualifications for creative practitioners working "
              "with children and young people' (seed 000)")
TRINITY_CME = ("Trinity College London, Certificate for Music Educators specification; "
               "Musicians' Union guidance; centre prospectuses")

QUALIFICATIONS = [
    {
        "stable_id": "L3-CCP",
        "title": "Level 3 Certificate for Creative and Cultural Practitioners Working with "
                 "Children and Young People",
        "is_qualification": True, "item_type": "QCF certificate", "level": 3,
        "accrediting_body": "",
        "operational_start": date(2013, 1, 1),
        "notes": "For all creative practitioners working with children and young people. "
                 "Available from January 2013. Developed by Arts Council England with Creative "
                 "& Cultural Skills on the QCF, with two national awarding organisations "
                 "(not named in our sources). Non-mandatory, flexible and vocational; "
                 "allows recognition of prior learning. The final unit list is not documented "
                 "in our sources, so no units are recorded.",
        "source": f"{ACE_SOURCE}; Arts Council England and Creative & Cultural Skills "
                  "announcements (2012-13)",
    },
    {
        "stable_id": "CME",
        "title": "Certificate for Music Educators (CME)",
        "is_qualification": True, "item_type": "Certificate", "level": 4,
        "accrediting_body": "Trinity College London",
        "operational_start": date(2013, 9, 1),
        "notes": "For musicians working with children and young people, in any genre. "
                 "Available from September 2013. Primarily awarded by Trinity College London "
                 "(ABRSM's role not confirmed). Starts with a self-assessment against the six "
                 "units that becomes a personal action plan; assessed by portfolio and observed "
                 "practice; to be completed within two years; recognises prior learning; "
                 "delivered through validated centres (music hubs, music services, "
                 "universities). One centre quotes 'up to 185 hours' in all. Unit titles are "
                 "abbreviated: full titles are not confirmed in our sources.",
        "source": f"{ACE_SOURCE}; {TRINITY_CME}",
    },
    {
        "stable_id": "DDTL-CYP",
        "title": "Diploma in Dance Teaching and Learning (Children and Young People)",
        "is_qualification": True, "item_type": "Diploma", "level": 6,
        "accrediting_body": "Trinity College London",
        "status": ItemStatus.WITHDRAWN,
        "operational_end": date(2019, 8, 31),
        "certification_end": date(2022, 8, 31),
        "notes": "Created with Arts Council investment as a dance-industry initiative for "
                 "artists and practitioners working with children and young people in the "
                 "non-formal sector. Originally 90 credits (about 1,048 hours); revised in 2016 "
                 "into six units (units 1-3 at Level 5, units 4-6 at Level 6), based on the "
                 "National Occupational Standards for Dance Leadership, and a route to QTLS. "
                 "No new candidates after 31 August 2019; withdrawn from the RQF on 31 August "
                 "2022. Unit titles are not documented in our sources, so no units are "
                 "recorded.",
        "source": f"{ACE_SOURCE}; Trinity College London; Ofqual register",
    },
]

# The CME's six units (catalogue-facts.md), titles abbreviated as our sources give them.
CME_UNITS = [
    ("CME-U1", "CME unit 1: Children and young people's musical learning",
     {"guided_learning_hours": 45}),
    ("CME-U2", "CME unit 2: Planning, facilitating and evaluating musical learning",
     {"guided_learning_hours": 45}),
    ("CME-U3", "CME unit 3: Reflective practice and professional development", {}),
    ("CME-U4", "CME unit 4: Promoting positive behaviour", {}),
    ("CME-U5", "CME unit 5: Equality, diversity and inclusion", {}),
    ("CME-U6", "CME unit 6: Safeguarding",
     {"guided_learning_hours": 20, "credits": 3, "level": 3}),
]
SAFEGUARDING_AREA = 3  # CME unit 6's title names the area; the one mapping judged from a title


def _get_or_add(model, defaults: dict | None = None, **keys):
    row = db.session.scalar(select(model).filter_by(**keys))
    if row is None:
        row = model(**keys, **(defaults or {}))
        db.session.add(row)
        db.session.flush()
    return row


def _load_common_core() -> dict[int, CommonCoreArea]:
    return {n: _get_or_add(CommonCoreArea, {"title": title}, number=n)
            for n, title in enumerate(COMMON_CORE, start=1)}


def _load_clusters() -> None:
    data = json.loads(resources.files("workspace.seed").joinpath("ssc_clusters.json")
                      .read_text(encoding="utf-8"))
    cluster_set = _get_or_add(ClusterSet, {"source": data["cluster_set"]["source"]},
                              name=data["cluster_set"]["name"])
    counts = data["role_qualification_counts"]["counts"]
    for position, entry in enumerate(data["clusters"]):
        cluster = _get_or_add(Cluster, {"position": position}, cluster_set_id=cluster_set.id,
                              name=entry["name"])
        for role_position, name in enumerate(entry["roles"]):
            role = _get_or_add(JobRole, {"reference_count": counts.get(name)}, name=name)
            _get_or_add(ClusterRole, {"position": role_position}, cluster_id=cluster.id,
                        job_role_id=role.id)


def _load_item(stable_id: str, fields: dict) -> CatalogueItem:
    item = db.session.scalar(select(CatalogueItem).where(CatalogueItem.stable_id == stable_id))
    if item is None:
        item = CatalogueItem(stable_id=stable_id, **fields)
        db.session.add(item)
        db.session.flush()
    return item


def _load_qualifications(areas: dict[int, CommonCoreArea]) -> None:
    items = {q["stable_id"]: _load_item(q["stable_id"], {k: v for k, v in q.items()
                                                          if k != "stable_id"})
             for q in QUALIFICATIONS}
    cme = items["CME"]
    for position, (stable_id, title, extra) in enumerate(CME_UNITS):
        notes = "Full unit title not confirmed in our sources."
        if stable_id == "CME-U6":
            notes += (" Common Core area 3 (safeguarding) is judged from the unit's title; "
                      "the other units' areas are not yet judged.")
        unit = _load_item(stable_id, {
            "title": title, "is_qualification": False, "item_type": "Unit",
            "accrediting_body": "Trinity College London", "source": TRINITY_CME,
            "notes": notes, **extra})
        _get_or_add(Component, {"mandatory": True, "position": position},
                    parent_id=cme.id, child_id=unit.id)
        if stable_id == "CME-U6":
            _get_or_add(ItemArea, item_id=unit.id, area_id=areas[SAFEGUARDING_AREA].id)


def load_catalogue_seed() -> None:
    """Load the seed content; items, roles and links already there are left as they are."""
    areas = _load_common_core()
    _load_clusters()
    _load_qualifications(areas)
    db.session.commit()
