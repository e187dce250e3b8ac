"""Practitioners part-way through a qualification of the shipped catalogue: Leah through the
CME (units CME-U1 to CME-U6), Kofi enrolled on the Level 3 Certificate for Creative and
Cultural Practitioners (L3-CCP), whose units no source documents, so the catalogue lists none."""

from datetime import date, timedelta

from workspace.models.progress import UnitStatus
from workspace.services.catalogue import items
from workspace.services.progress import tracking

CME = "CME"
LEVEL_3_CERTIFICATE = "L3-CCP"
# Leah's CME units: (unit's stable id, status, weeks ago started, weeks ago achieved)
LEAH_UNITS = [
    ("CME-U1", UnitStatus.ACHIEVED, 30, 20),
    ("CME-U2", UnitStatus.ACHIEVED, 22, 8),
    ("CME-U3", UnitStatus.EVIDENCE_SUBMITTED, 10, None),
    ("CME-U4", UnitStatus.IN_PROGRESS, 4, None),
]


def load_roles(people: dict, organisation_of: dict[str, str], roles_by_email: dict) -> None:
    """Members' job roles on their profiles (when the catalogue holds the role)."""
    roles = {role.name: role for role in items.list_roles()}
    for email, role in roles_by_email.items():
        if role in roles:
            tracking.update_profile(people[email], job_role=roles[role],
                                    organisation=organisation_of[email], share_with_leads=True,
                                    share_with_organisation=True)


def load_progress(leah, kofi, music_service: str, arts_centre: str, today: date) -> None:
    cme, certificate = items.find_item(CME), items.find_item(LEVEL_3_CERTIFICATE)
    if cme is None or certificate is None:
        return  # the catalogue seed is not loaded
    roles = {role.name: role for role in items.list_roles()}
    tracking.update_profile(leah, job_role=roles.get("Instrumental and vocal teacher"),
                            organisation=music_service, share_with_leads=True,
                            share_with_organisation=True)
    enrolment = tracking.enrol(leah, cme, today - timedelta(weeks=32))
    for stable_id, status, started, achieved in LEAH_UNITS:
        tracking.update_unit(
            leah, enrolment.id, items.find_item(stable_id).id, status=status,
            started_on=today - timedelta(weeks=started),
            achieved_on=today - timedelta(weeks=achieved) if achieved else None,
            evidence_note="Lesson plans and a recorded workshop" if status != UnitStatus.
            IN_PROGRESS else "")
    tracking.update_profile(
        kofi, job_role=roles.get("Creative and cultural practitioner working with children and "
                                 "young people"),
        organisation=arts_centre, share_with_leads=True, share_with_organisation=True)
    tracking.enrol(kofi, certificate, today - timedelta(weeks=6))
