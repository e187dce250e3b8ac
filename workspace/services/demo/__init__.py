"""Demo content for a first run, built relative to today so that it looks alive on any day:
a London borough cultural education partnership (members of every sector, primary, secondary
and SEND networks with a year of sessions on school days, an audit, a steering group,
practitioners part-way through qualifications, supply cover and chat that matches all this),
and a North East music hub in a SEND network of hubs. One login per persona."""

from datetime import timedelta

from workspace.clock import london_today, utcnow
from workspace.models.partnerships import PartnershipKind, Sector
from workspace.services.accounts import users as accounts
from workspace.services.cpd import sessions, supply
from workspace.services.demo import chat, cpd, northeast, progress, records, school
from workspace.services.demo.data import (
    CATALOGUE_EDITORS,
    DEMO_PASSWORD,
    EXTENDED_SCHOOL,
    LONDON,
    LONDON_MEMBERS,
    LONDON_NETWORKS,
    LONDON_ORGANISATIONS,
    MEMBER_ROLES,
    MUSIC_SERVICE,
    PERSONAS,
    SITE_ADMINS,
)
from workspace.services.demo.people import found_partnership, person
from workspace.services.demo.school import SCHOOL_STAFF
from workspace.services.partnerships import membership

__all__ = ["DEMO_PASSWORD", "EXTENDED_SCHOOL", "LONDON_MEMBERS", "PERSONAS", "SCHOOL_STAFF",
           "demo_logins", "load_demo"]


def demo_logins() -> list[tuple[str, str, str]]:
    """The demo logins that still work (an account whose password was changed is left out)."""
    return [(email, DEMO_PASSWORD, what) for email, _, what in PERSONAS
            if accounts.authenticate(email, DEMO_PASSWORD) is not None]


def load_demo(force: bool = False) -> bool:
    """Create the demo when no account exists yet (or when forced); True if it did."""
    if accounts.count_users() and not force:
        return False
    today = london_today()
    for email, name, _ in PERSONAS:
        user = person(email, name)
        user.is_catalogue_editor = email in CATALOGUE_EDITORS
        user.is_site_admin = email in SITE_ADMINS
    _load_london(today)
    northeast.load_north_east(today)
    return True


def _load_london(today) -> None:
    rows = [row[:3] for row in LONDON_ORGANISATIONS]
    cep, lead, people = found_partnership(LONDON, PartnershipKind.CEP, rows, LONDON_MEMBERS)
    organisations = {o.name: o for o in membership.list_organisations(cep)}
    service = organisations[MUSIC_SERVICE].id
    supply.set_rates(cep, lead, day_pence=11000, half_day_pence=5500)
    stories = [cpd.load_network(cep, lead, plan, people, today, provider_id=service)
               for plan in LONDON_NETWORKS]
    schools = {o.name for o in organisations.values() if o.sector == Sector.SCHOOL}
    cpd.load_supply_claims(cep, lead, stories, LONDON_NETWORKS, {
        people[email].id for email, _, _, organisation in LONDON_MEMBERS
        if organisation in schools})
    cme_day = school.load_cme_day(cep, stories[0].network, service, today)
    if cme_day is not None:  # two primary teachers curious about the CME book its study day
        for email in ("o.price@example.org", "g.lin@example.org"):
            sessions.sign_up(cme_day, people[email], utcnow() - timedelta(days=4))
    school.load_extended_school(cep, lead, person("head@example.org", "Chris Adeyemi"),
                                organisations[EXTENDED_SCHOOL], service, today)
    progress.load_roles(people, {email: org for email, _, _, org in LONDON_MEMBERS},
                        MEMBER_ROLES)
    progress.load_progress(people["practitioner@example.org"], people["arts@example.org"],
                           MUSIC_SERVICE, "Riverside Arts Centre", today)
    audit = records.load_audit(cep, lead, organisations, today)
    action = records.load_steering(cep, lead, people["steering@example.org"],
                                   people["youth@example.org"], audit, today)
    primary_teachers = [people[email] for email in LONDON_NETWORKS[0].teachers]
    chat.load_general(cep, lead, stories[0], primary_teachers)
    for story in stories:
        chat.load_network_thanks(cep, lead, story)
    chat.load_steering(cep, lead, people["steering@example.org"], action)
