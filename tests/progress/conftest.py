"""Progress fixtures: a hand-made catalogue with a shared unit and pre-requirements."""


import pytest

from tests.clock import FROZEN_NOW
from tests.seed_copy import load_seed
from workspace.models.centres import StaffRole
from workspace.models.partnerships import Sector
from workspace.services.catalogue import items
from workspace.services.partnerships import membership as partnerships
from workspace.services.progress import centres

TODAY = FROZEN_NOW.date()


@pytest.fixture
def shelf(app, areas):
    """Two qualifications sharing a safeguarding unit; a Level 4 award needing the Level 3."""
    make = lambda sid, title, **kw: items.create_item(None, sid, title=title, **kw)  # noqa
    l3 = make("L3", "Level 3 Certificate in Creative Practice", is_qualification=True, level=3)
    l4 = make("L4", "Level 4 Award in Music Education", is_qualification=True, level=4)
    l5 = make("L5", "Level 5 Diploma in Arts Leadership", is_qualification=True, level=5)
    other = make("OTHER", "Level 3 Award in Youth Arts", is_qualification=True, level=3)
    safeguarding = make("U-SAFE", "Safeguarding children", level=3, credits=3)
    practice = make("U-PRAC", "Reflective practice", level=3, credits=6)
    planning = make("U-PLAN", "Planning music sessions", level=4, credits=10)
    youth = make("U-YOUTH", "Working with young people", level=3, credits=5)
    for unit in (safeguarding, practice):
        items.add_component(None, l3, unit)
    items.add_component(None, l4, planning)
    items.add_component(None, l4, safeguarding)
    group = items.add_group(None, other, "Options", min_components=1)
    items.add_component(None, other, safeguarding)
    items.add_component(None, other, youth, mandatory=False, group=group)
    items.add_prerequisite(None, l4, l3)
    items.add_prerequisite(None, l5, l4)
    items.set_areas(None, safeguarding, {areas[3].id})
    items.set_areas(None, practice, {areas[1].id})
    return {"l3": l3, "l4": l4, "l5": l5, "other": other, "safeguarding": safeguarding,
            "practice": practice, "planning": planning, "youth": youth}



@pytest.fixture
def cme_hub(app, make_user, make_partnership, add_member):
    """A hub whose member organisation is a CME centre with an assessor; a practitioner."""
    load_seed()
    lead = make_user(name="Lena Lead")
    partnership = make_partnership(lead=lead, name="Riverside Music Education Hub")
    assessor = make_user(name="Asha Assessor")
    learner = make_user(name="Pat Practitioner")
    assessor_membership = add_member(partnership, assessor)
    add_member(partnership, learner)
    organisation = partnerships.add_organisation(partnership, name="Riverside Music Service",
                                                 sector=Sector.MUSIC_HUB)
    cme = items.find_item("CME")
    centre = centres.create_centre(partnership, organisation.id, cme)
    centres.add_staff(centre, assessor_membership.id, StaffRole.ASSESSOR)
    return {"partnership": partnership, "lead": lead, "assessor": assessor,
            "learner": learner, "centre": centre, "cme": cme, "organisation": organisation,
            "unit": items.find_item("CME-U1")}
