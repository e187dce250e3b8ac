"""Accounts, partnerships, members and organisations of the demo."""

from workspace.models.partnerships import PartnershipKind
from workspace.services.accounts import users as accounts
from workspace.services.demo.data import DEMO_PASSWORD
from workspace.services.partnerships import membership


def person(email: str, name: str):
    return accounts.get_user_by_email(email) or accounts.register_user(email, name,
                                                                       DEMO_PASSWORD)


def found_partnership(details: dict, kind: PartnershipKind, organisations: list,
                      members: list) -> tuple:
    """A partnership founded by its lead, with its organisations and members, each member
    representing their organisation. Returns (partnership, lead, {email: user})."""
    people = {email: person(email, name) for email, name, _, _ in members}
    lead = people[members[0][0]]
    partnership = membership.create_partnership(lead, kind=kind, **details)
    found = {row[0]: membership.add_organisation(partnership, name=row[0], sector=row[1],
                                                 school_phase=row[2])
             for row in organisations}
    for email, _, role, organisation in members:
        joined = membership.find_membership(partnership.id, people[email])
        if joined is None:
            joined = membership.accept_invitation(
                membership.create_invitation(partnership, lead, role).token, people[email])
        membership.add_representative(partnership, found[organisation].id, joined.id)
    return partnership, lead, people


def member_of(partnership, user):
    return membership.find_membership(partnership.id, user)



