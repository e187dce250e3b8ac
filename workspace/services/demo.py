"""Demo content for a first run: a music education hub with a lead, a steering member, a teacher."""

from datetime import date, time, timedelta
from decimal import Decimal

from workspace.models.partnerships import PartnershipKind, Role, Sector
from workspace.services import accounts, cpd, cpd_supply, partnerships

DEMO_PASSWORD = "workspace-demo"
DEMO_PEOPLE = [
    ("lead@example.org", "Priya Shah", Role.LEAD, "partnership lead"),
    ("steering@example.org", "Tom Okafor", Role.STEERING, "steering group member"),
    ("teacher@example.org", "Jan Morris", Role.MEMBER, "primary music teacher"),
    ("editor@example.org", "Sam Patel", Role.MEMBER, "catalogue editor"),
]
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
    hub = partnerships.create_partnership(
        lead, name="Riverside Music Education Hub", kind=PartnershipKind.HUB,
        place="Riverside borough: Northgate, Riverside and Southfields wards",
        lead_organisation="Riverside Music Service",
        description="Primary and secondary CPD networks, SEND provision and a steering group "
                    "that audits provision across the borough.")
    for user, (_, _, role, _) in zip(users[1:], DEMO_PEOPLE[1:], strict=True):
        invitation = partnerships.create_invitation(hub, lead, role)
        partnerships.accept_invitation(invitation.token, user)
    service = partnerships.add_organisation(hub, name="Riverside Music Service",
                                            sector=Sector.MUSIC_HUB)
    partnerships.add_organisation(hub, name="Northgate Primary School", sector=Sector.SCHOOL,
                                  school_phase="Primary")
    partnerships.add_organisation(hub, name="Riverside Arts Centre", sector=Sector.CULTURAL)
    lead_membership = partnerships.find_membership(hub.id, lead)
    partnerships.add_representative(hub, service.id, lead_membership.id)
    _load_cpd(hub, lead, service.id)
    return True


def _load_cpd(hub, lead, provider_id: int) -> None:
    """Primary and secondary networks, each with three full days, about a term apart."""
    cpd_supply.set_rates(hub, lead, day_pence=11000, half_day_pence=5500)
    first = date.today() + timedelta(weeks=4)
    days = [first + timedelta(weeks=16 * n) for n in range(3)]
    for name, focus in (("Primary music teachers", "Singing and composing at KS1 and KS2"),
                        ("Secondary music teachers", "Music technology and GCSE composing")):
        network = cpd.create_network(hub, name=name, coordinator=lead,
                                     description=f"Three full-day sessions a year: {focus}.")
        cpd.schedule_series(hub, network, f"{name}: network days", days,
                            cpd.SessionFields(title=f"{name} network day", day=days[0],
                                              start=time(9, 30), end=time(15, 30),
                                              capacity=20, focus=focus,
                                              venue="Riverside Music Centre",
                                              provider_organisation_id=provider_id,
                                              learning_hours=Decimal("5")))
