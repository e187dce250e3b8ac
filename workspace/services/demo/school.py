"""Chris's extended school (seed 001): she and her staff are linked to it; a playworker holds
a playwork diploma, one teaching assistant a Level 2 certificate, one works towards a Level 3
diploma, one (who does not share their record) has nothing recorded; and the partnership runs
a safeguarding session for after-school club staff, and a CME study day."""

from datetime import date, time, timedelta
from decimal import Decimal

from workspace.clock import utcnow
from workspace.models.partnerships import Role
from workspace.models.progress import UnitStatus
from workspace.services.catalogue import items
from workspace.services.cpd import sessions
from workspace.services.demo import terms
from workspace.services.demo.data import EXTENDED_SCHOOL
from workspace.services.demo.people import person
from workspace.services.partnerships import membership
from workspace.services.progress import tracking

# Chris's staff (fictional people): a playworker leads the after-school club and teaching
# assistants work there too. (email, name, role in the shipped catalogue, shares their record)
TEACHING_ASSISTANT = "Teaching assistant and other school learning support roles"
SCHOOL_STAFF = [
    ("playworker@example.org", "Dee Walsh", "Playworker", True),
    ("ta.amir@example.org", "Amir Hussain", TEACHING_ASSISTANT, True),
    ("ta.beth@example.org", "Beth Lowe", TEACHING_ASSISTANT, True),
    ("ta.carl@example.org", "Carl Jennings", TEACHING_ASSISTANT, True),
    ("ta.erin@example.org", "Erin Shaw", TEACHING_ASSISTANT, False),
]
# Real qualifications and units of the shipped catalogue (workspace/seed/catalogue_pack.json).
PLAYWORK_DIPLOMA = "NCFE-CACHE-LEVEL-3-DIPLOMA-321272"  # NCFE CACHE L3 Diploma in Playwork
TA_CERTIFICATE = "NCFE-LEVEL-2-CERTIFICATE-IN-9F925D"  # NCFE L2 Cert. Supporting Teaching...
TA_DIPLOMA = "NCFE-CACHE-LEVEL-3-DIPLOMA-198947"  # NCFE CACHE L3 Diploma in Specialist Support
TA_DIPLOMA_SAFEGUARDING = "NCFE-CACHE-LEVEL-3-DIPLOMA-198947-U8"
PLAY_SPACES_SAFEGUARDING = "LEVEL-3-CERTIFICATE-IN-PLAY-AE3834-U1"  # a playwork unit


def load_extended_school(hub, lead, head, school, provider_id: int, today: date) -> None:
    roles = {role.name: role for role in items.list_roles()}
    found = {sid: items.find_item(sid) for sid in (
        PLAYWORK_DIPLOMA, TA_CERTIFICATE, TA_DIPLOMA, TA_DIPLOMA_SAFEGUARDING,
        PLAY_SPACES_SAFEGUARDING)}
    if None in found.values() or not {"Headteacher", "Playworker", TEACHING_ASSISTANT} <= set(
            roles):
        return  # the catalogue seed is not loaded
    staff = [(head, "Headteacher", True)] + [
        (person(email, name), role, shares) for email, name, role, shares in SCHOOL_STAFF]
    for user, role, shares in staff:
        member = membership.find_membership(hub.id, user) or membership.accept_invitation(
            membership.create_invitation(hub, lead, Role.MEMBER).token, user)
        membership.add_representative(hub, school.id, member.id)
        tracking.update_profile(user, job_role=roles[role], organisation=EXTENDED_SCHOOL,
                                share_with_leads=shares, share_with_organisation=shares)
    dee, amir, beth = (user for user, _, _ in staff[1:4])
    tracking.add_held(dee, found[PLAYWORK_DIPLOMA], year=2017)
    tracking.add_held(amir, found[TA_CERTIFICATE], year=2021)
    enrolment = tracking.enrol(beth, found[TA_DIPLOMA], today - timedelta(weeks=20))
    tracking.update_unit(beth, enrolment.id, found[TA_DIPLOMA_SAFEGUARDING].id,
                         status=UnitStatus.ACHIEVED, achieved_on=today - timedelta(weeks=6))
    play_day = _load_play_day(hub, lead, provider_id, found[PLAY_SPACES_SAFEGUARDING], today)
    if play_day is not None:  # the assistants who help in the after-school club sign up
        for assistant in (amir, staff[4][0]):
            sessions.sign_up(play_day, assistant, utcnow() - timedelta(days=2))


def _load_play_day(hub, lead, provider_id: int, unit, today: date):
    """A session for after-school club staff that delivers a playwork unit on safeguarding
    (Common Core area 3), after school on a school day."""
    network = sessions.create_network(
        hub, name="Extended schools", coordinator=lead,
        description="Staff of the borough's after-school clubs and holiday provision.")
    day = terms.school_day_on_or_after(today + timedelta(weeks=3), within=60)
    if day is None:
        return None  # beyond the term table
    safeguarding = next(a for a in items.list_areas() if a.number == 3)
    return sessions.schedule_session(hub, network, sessions.SessionFields(
        title="Safeguarding in play spaces: after-school club staff",
        day=day, start=time(16), end=time(18), capacity=20, venue=EXTENDED_SCHOOL,
        focus="Keeping children safe in play spaces, for teaching assistants and playworkers "
              "who lead after-school provision",
        provider_organisation_id=provider_id, learning_hours=Decimal("2"),
        module_ids=frozenset({unit.id}), area_ids=frozenset({safeguarding.id})))


def load_cme_day(hub, network, provider_id: int, today: date):
    """A study day that delivers the CME's first two units, for teachers working towards it."""
    units = [items.find_item(f"CME-U{n}") for n in (1, 2)]
    day = terms.school_day_on_or_after(today + timedelta(weeks=2), 4, within=60)
    if None in units or day is None:
        return None  # the catalogue seed is not loaded, or today is beyond the term table
    return sessions.schedule_session(hub, network, sessions.SessionFields(
        title="CME study day: children's musical learning", day=day, start=time(9, 30),
        end=time(15, 30), capacity=16, venue="Riverside Music Centre",
        focus="Units 1 and 2 of the Certificate for Music Educators",
        provider_organisation_id=provider_id, learning_hours=Decimal("5"),
        module_ids=frozenset(u.id for u in units)))
