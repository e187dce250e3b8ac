"""Demo content for a first run: a music education hub with a lead, a steering member, a
teacher, and an extended school whose head plans her team's development (seed 001's Chris)."""

from datetime import date, time, timedelta
from decimal import Decimal

from workspace.clock import london_today, utcnow
from workspace.models.audits import AgePhase, ArtForm, AuditStatus, NeedSource, Priority
from workspace.models.partnerships import PartnershipKind, Role, Sector
from workspace.models.progress import UnitStatus
from workspace.services.accounts import users as accounts
from workspace.services.audits import records
from workspace.services.catalogue import items
from workspace.services.chat import messages
from workspace.services.cpd import sessions, supply
from workspace.services.partnerships import membership
from workspace.services.progress import tracking
from workspace.services.steering import actions, meetings

DEMO_PASSWORD = "workspace-demo"
DEMO_PEOPLE = [
    ("lead@example.org", "Priya Shah", Role.LEAD, "partnership lead"),
    ("steering@example.org", "Tom Okafor", Role.STEERING, "steering group member"),
    ("teacher@example.org", "Jan Morris", Role.MEMBER, "primary music teacher"),
    ("editor@example.org", "Sam Patel", Role.MEMBER, "catalogue editor"),
    ("head@example.org", "Chris Adeyemi", Role.MEMBER, "head of an extended school"),
]
EXTENDED_SCHOOL = "Southfields Extended Primary School"
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
CATALOGUE_EDITORS = {"editor@example.org"}


def demo_logins() -> list[tuple[str, str, str]]:
    """The demo logins that still work (an account whose password was changed is left out)."""
    return [(email, DEMO_PASSWORD, what) for email, _, _, what in DEMO_PEOPLE
            if accounts.authenticate(email, DEMO_PASSWORD) is not None]


def load_demo(force: bool = False) -> bool:
    """Create the demo hub when no account exists yet (or when forced); True if it did."""
    if accounts.count_users() and not force:
        return False
    users = [accounts.get_user_by_email(email)
             or accounts.register_user(email, name, DEMO_PASSWORD)
             for email, name, _, _ in DEMO_PEOPLE]
    lead = users[0]
    for user in users:
        user.is_catalogue_editor = user.email in CATALOGUE_EDITORS
    hub = membership.create_partnership(
        lead, name="Riverside Music Education Hub", kind=PartnershipKind.HUB,
        place="Riverside borough: Northgate, Riverside and Southfields wards",
        lead_organisation="Riverside Music Service",
        description="Primary and secondary CPD networks, SEND provision and a steering group "
                    "that audits provision across the borough.")
    for user, (_, _, role, _) in zip(users[1:], DEMO_PEOPLE[1:], strict=True):
        invitation = membership.create_invitation(hub, lead, role)
        membership.accept_invitation(invitation.token, user)
    service = membership.add_organisation(hub, name="Riverside Music Service",
                                            sector=Sector.MUSIC_HUB)
    membership.add_organisation(hub, name="Northgate Primary School", sector=Sector.SCHOOL,
                                  school_phase="Primary")
    membership.add_organisation(hub, name="Riverside Arts Centre", sector=Sector.CULTURAL)
    lead_membership = membership.find_membership(hub.id, lead)
    membership.add_representative(hub, service.id, lead_membership.id)
    _load_cpd(hub, lead, service.id)
    audit = _load_audit(hub, lead, service.id)
    action = _load_steering(hub, lead, users[1], audit)
    _load_chat(hub, lead, users[1], users[2], action)
    _load_extended_school(hub, lead, users[4], service.id)
    return True


def _load_extended_school(hub, lead, head, provider_id: int) -> None:
    """Chris's extended school: she and her staff are linked to it; a playworker holds a
    playwork diploma, one teaching assistant a Level 2 certificate, one works towards a Level 3
    diploma, one (who does not share their record) has nothing recorded; and the hub runs a
    safeguarding day for after-school club staff."""
    roles = {role.name: role for role in items.list_roles()}
    found = {sid: items.find_item(sid) for sid in (
        PLAYWORK_DIPLOMA, TA_CERTIFICATE, TA_DIPLOMA, TA_DIPLOMA_SAFEGUARDING,
        PLAY_SPACES_SAFEGUARDING)}
    if None in found.values() or not {"Headteacher", "Playworker", TEACHING_ASSISTANT} <= set(
            roles):
        return  # the catalogue seed is not loaded
    school = membership.add_organisation(hub, name=EXTENDED_SCHOOL, sector=Sector.SCHOOL,
                                         school_phase="Primary")
    staff = [(head, "Headteacher", True)] + [
        (accounts.get_user_by_email(email) or accounts.register_user(email, name, DEMO_PASSWORD),
         role, shares) for email, name, role, shares in SCHOOL_STAFF]
    for user, role, shares in staff:
        member = membership.find_membership(hub.id, user) or membership.accept_invitation(
            membership.create_invitation(hub, lead, Role.MEMBER).token, user)
        membership.add_representative(hub, school.id, member.id)
        tracking.update_profile(user, job_role=roles[role], organisation=EXTENDED_SCHOOL,
                                share_with_leads=shares, share_with_organisation=shares)
    dee, amir, beth = (user for user, _, _ in staff[1:4])
    tracking.add_held(dee, found[PLAYWORK_DIPLOMA], year=2017)
    tracking.add_held(amir, found[TA_CERTIFICATE], year=2021)
    enrolment = tracking.enrol(beth, found[TA_DIPLOMA], london_today())
    tracking.update_unit(beth, enrolment.id, found[TA_DIPLOMA_SAFEGUARDING].id,
                         status=UnitStatus.ACHIEVED)
    _load_play_day(hub, lead, provider_id, found[PLAY_SPACES_SAFEGUARDING])


def _load_play_day(hub, lead, provider_id: int, unit) -> None:
    """A session for after-school club staff that delivers a playwork unit on safeguarding
    (Common Core area 3)."""
    network = sessions.create_network(
        hub, name="Extended schools", coordinator=lead,
        description="Staff of the borough's after-school clubs and holiday provision.")
    safeguarding = next(a for a in items.list_areas() if a.number == 3)
    sessions.schedule_session(hub, network, sessions.SessionFields(
        title="Safeguarding in play spaces: after-school club staff",
        day=london_today() + timedelta(weeks=3), start=time(16), end=time(18), capacity=20,
        venue=EXTENDED_SCHOOL,
        focus="Keeping children safe in play spaces, for teaching assistants and playworkers "
              "who lead after-school provision",
        provider_organisation_id=provider_id, learning_hours=Decimal("2"),
        module_ids=frozenset({unit.id}), area_ids=frozenset({safeguarding.id})))


def _load_cpd(hub, lead, provider_id: int) -> None:
    """Primary and secondary networks, each with three full days, about a term apart."""
    supply.set_rates(hub, lead, day_pence=11000, half_day_pence=5500)
    first = london_today() + timedelta(weeks=4)
    days = [first + timedelta(weeks=16 * n) for n in range(3)]
    networks = []
    for name, focus in (("Primary music teachers", "Singing and composing at KS1 and KS2"),
                        ("Secondary music teachers", "Music technology and GCSE composing")):
        network = sessions.create_network(hub, name=name, coordinator=lead,
                                          description=f"Three full-day sessions a year: {focus}.")
        networks.append(network)
        sessions.schedule_series(hub, network, f"{name}: network days", days,
                            sessions.SessionFields(title=f"{name} network day", day=days[0],
                                              start=time(9, 30), end=time(15, 30),
                                              capacity=20, focus=focus,
                                              venue="Riverside Music Centre",
                                              provider_organisation_id=provider_id,
                                              learning_hours=Decimal("5")))
    _load_cme_day(hub, networks[0], provider_id, first + timedelta(weeks=2))


def _load_cme_day(hub, network, provider_id: int, day: date) -> None:
    """A study day that delivers the CME's first two units, for teachers working towards it."""
    units = [items.find_item(f"CME-U{n}") for n in (1, 2)]
    if None in units:
        return  # the catalogue seed is not loaded
    sessions.schedule_session(hub, network, sessions.SessionFields(
        title="CME study day: children's musical learning", day=day, start=time(9, 30),
        end=time(15, 30), capacity=16, venue="Riverside Music Centre",
        focus="Units 1 and 2 of the Certificate for Music Educators",
        provider_organisation_id=provider_id, learning_hours=Decimal("5"),
        module_ids=frozenset(u.id for u in units)))


def _load_audit(hub, lead, provider_id: int):
    """This year's audit, collecting needs: SEND singing in Northgate is asked for, not offered."""
    today = london_today()
    audit = records.create_audit(hub, lead, records.AuditFields(
        title=f"Music provision {today.year}-{(today.year + 1) % 100:02d}",
        period_start=date(today.year, 9, 1) if today.month >= 9 else date(today.year - 1, 9, 1),
        period_end=date(today.year + 1, 8, 31) if today.month >= 9 else date(today.year, 8, 31),
        area="Northgate, Riverside and Southfields wards"), minimum_threshold=5)
    records.change_status(audit, AuditStatus.COLLECTING, utcnow())
    groups = {g.name: g.id for g in records.list_target_groups(hub)}
    for activity, art, phase, ward, group, children in (
            ("Whole-class ukulele", ArtForm.WHOLE_CLASS, AgePhase.KS2, "Riverside", None, 240),
            ("Youth choir", ArtForm.SINGING, AgePhase.KS3, "Riverside", None, 45),
            ("Sensory music sessions", ArtForm.MUSIC, AgePhase.KS1, "Southfields", "SEND", 18),
            ("Steel pan ensemble", ArtForm.ENSEMBLES, AgePhase.KS3, "Northgate",
             "Disadvantaged", 30)):
        records.add_provision(audit, lead, records.ProvisionFields(
            provider_name="Riverside Music Service", organisation_id=provider_id,
            activity=activity, art_form=art, phase=phase, ward=ward,
            group_ids=frozenset({groups[group]} if group else set()),
            children_reached=children, settings_reached=2, funding_source="Hub grant"))
    roles = {role.name: role.id for role in items.list_roles()}
    teacher = roles.get("Primary/Early Years Teacher with QTS")
    assistant = roles.get("Teaching Assistant Level 3")
    for organisation, art, phase, ward, group, priority, children, role in (
            ("Northgate Primary School", ArtForm.SINGING, AgePhase.KS2, "Northgate", "SEND",
             Priority.HIGH, 12, teacher),
            ("Northgate Academy", ArtForm.SINGING, AgePhase.KS2, "Northgate", "SEND",
             Priority.MEDIUM, 3, assistant),
            ("Southfields Infants", ArtForm.MUSIC, AgePhase.KS1, "Southfields", "SEND",
             Priority.MEDIUM, 20, assistant),
            ("Riverside Primary", ArtForm.WHOLE_CLASS, AgePhase.KS2, "Riverside", None,
             Priority.LOW, 60, None)):
        records.add_need(audit, records.NeedFields(
            phase=phase, art_form=art, ward=ward, priority=priority,
            target_group_id=groups[group] if group else None, children=children,
            respondent_organisation=organisation, job_role_id=role), NeedSource.HAND)
    return audit


def _load_steering(hub, lead, steer, audit):
    """The next steering meeting, with an agenda, and a pilot project from the SEND gap."""
    meeting = meetings.create_meeting(hub, lead, meetings.MeetingFields(
        title="Steering group", day=london_today() + timedelta(weeks=2), start=time(16),
        place="Riverside Music Centre"))
    for title in ("Audit: what schools told us", "SEND singing pilot", "CPD for next term"):
        meetings.add_agenda_item(meeting, title)
    groups = {g.name: g.id for g in records.list_target_groups(hub)}
    cell = actions.gap_cell(hub, audit_id=audit.id, group_id=groups["SEND"],
                            phase=AgePhase.KS2.value, art_form=ArtForm.SINGING.value,
                            ward="Northgate")
    return actions.create_action(hub, lead, actions.ActionFields(
        title="Pilot project: SEND singing at KS2 in Northgate", is_pilot=True,
        owner_id=steer.id, due_on=london_today() + timedelta(weeks=6),
        description="Find a partner special school and a singing leader; cost it for the "
                    "steering group."), meeting=meeting, cell=cell)


def _load_chat(hub, lead, steer, teacher, action):
    """A few messages, so the channels show how cards and threads look."""
    general = messages.general_channel(hub)
    session = sessions.list_sessions(hub)[0].session
    welcome = messages.post_message(
        general, lead, "Welcome to the hub's workspace. The first **primary network day** is "
                       f"open for sign-up: #cpd-{session.id}")
    messages.post_message(general, teacher, "Signed up, thank you! Is it OK to bring a TA?",
                      parent=welcome)
    messages.post_message(general, lead, "Teachers working towards the CME can see their units "
                                     "and what counts already: #qual-CME")
    steering_channel = next(c for c in messages.readable_channels(
        hub, membership.find_membership(hub.id, lead)) if c.kind.value == "steering")
    messages.post_message(steering_channel, lead, f"@{steer.name}, here is the SEND singing "
                                              f"pilot we agreed: #action-{action.id}")
