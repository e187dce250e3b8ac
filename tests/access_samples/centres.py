"""Zebra's centre rows for the access walk: their school a CME centre with an assessor (the
lead unless `people` names one) and a mentor (the steering member unless it names one), and
their member registered with it."""

from datetime import date

from workspace.models.centres import StaffRole
from workspace.services.catalogue import items
from workspace.services.partnerships import membership as partnerships
from workspace.services.progress import centres


def add_sample(people: dict) -> None:
    theirs, lead, member = people["theirs"], people["lead"], people["member"]
    organisation = partnerships.list_organisations(theirs)[0]
    centre = centres.create_centre(theirs, organisation.id, items.find_item("CME"))
    assessor, mentor = people.get("assessor", lead), people.get("mentor", people["steer"])
    centres.add_staff(centre, partnerships.find_membership(theirs.id, assessor).id,
                      StaffRole.ASSESSOR)
    centres.add_staff(centre, partnerships.find_membership(theirs.id, mentor).id,
                      StaffRole.MENTOR)
    centres.register(centre, member, date(2026, 11, 23))
