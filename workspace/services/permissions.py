"""One predicate per permission rule, in one place: views, chat commands, services and
templates (through `can(...)`) all ask these, so a rule changes here or nowhere.

Partnership rules take the person's `Membership` (None for a non-member: always False);
site rules take the `User`. Rules that separate duties come in pairs: `why_not_...` says,
in words fit to show, why the person may not (None when they may), and the service raises
it as a DomainError that changes nothing; `may_...` is its negation, for pages.
"""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from workspace.extensions import db
from workspace.models import (
    AnnualReview,
    Booking,
    CpdSession,
    MemberLogEntry,
    Membership,
    Network,
    NetworkPartner,
    Organisation,
    Partnership,
    SupplyClaim,
    User,
)
from workspace.models.cpd import BookingStatus, SessionAudience
from workspace.models.partnerships import LogEvent, Role

if TYPE_CHECKING:
    from workspace.services.networks.partners import Standing
    from workspace.services.progress.workforce import MemberRecord

# --- roles in a partnership ---------------------------------------------------------------


def is_lead(membership: Membership | None) -> bool:
    """Leads manage members, invitations, the partnership's details, rates and centres."""
    return membership is not None and membership.role == Role.LEAD


def is_steering(membership: Membership | None) -> bool:
    """Steering members and leads see steering papers, meetings, actions and audits, and
    keep the member organisations."""
    return membership is not None and membership.role.at_least(Role.STEERING)


def may_manage_partnership(membership: Membership | None) -> bool:
    """Leads edit the partnership's details, its members' roles, invitations, the member log."""
    return is_lead(membership)


def may_keep_organisations(membership: Membership | None) -> bool:
    """Steering members and leads log member organisations and their representatives."""
    return is_steering(membership)


def may_see_steering_papers(membership: Membership | None) -> bool:
    """Steering members and leads: meetings, papers, working groups, all actions, audits."""
    return is_steering(membership)


def may_manage_actions(membership: Membership | None) -> bool:
    """Steering members and leads create and edit actions (in pages and by chat command)."""
    return is_steering(membership)


def is_member(membership: Membership | None) -> bool:
    """Every member of a partnership sees its overview, members, chat, CPD and their own
    records (the rule of a plain partnership route)."""
    return membership is not None


def may_see_audits(membership: Membership | None) -> bool:
    """Steering members and leads see audits, their gaps and report, and add and edit
    provision and needs."""
    return is_steering(membership)


def may_manage_audits(membership: Membership | None) -> bool:
    """Leads create, configure and delete audits and their records, import, keep the
    answer link and target groups, set the threshold and read the change record."""
    return is_lead(membership)


def may_see_workforce(membership: Membership | None) -> bool:
    """Leads see the workforce figures (suppressed as services/disclosure says)."""
    return is_lead(membership)


def represents(membership: Membership | None, organisation: Organisation) -> bool:
    """Whether the member is one of the organisation's people (its representatives)."""
    return membership is not None and any(
        r.membership_id == membership.id for r in organisation.representatives)


def may_see_team(membership: Membership | None, organisation: Organisation) -> bool:
    """The partnership's leads and the organisation's own people see its team plan."""
    if membership is None or membership.partnership_id != organisation.partnership_id:
        return False
    return is_lead(membership) or represents(membership, organisation)


def may_see_team_member(viewer: Membership | None, organisation: Organisation,
                        record: "MemberRecord") -> bool:
    """Whether the team plan names this person to the viewer (else they are only counted):
    to themselves, to leads when they share their record with leads, to their
    organisation's people when they share it with their organisation."""
    return viewer is not None and (
        record.user.id == viewer.user_id
        or (is_lead(viewer) and record.shared)
        or (represents(viewer, organisation) and record.shared_with_organisation))


def may_manage_centres(membership: Membership | None) -> bool:
    """Leads make centres, set their windows and name their assessors and mentors."""
    return is_lead(membership)


def may_verify_claims_here(membership: Membership | None) -> bool:
    """Leads see their members' prior-learning claims without a centre; each one is theirs
    to decide only if independent of the claimant (`why_not_verify_for`)."""
    return is_lead(membership)


def may_manage_channels(membership: Membership | None) -> bool:
    """Leads add and archive chat channels."""
    return is_lead(membership)


def may_see_message_history(membership: Membership | None) -> bool:
    """Leads see what an edited message said before."""
    return is_lead(membership)


def may_see_governance(membership: Membership | None) -> bool:
    """Every member reads the terms of reference, the aims and priorities, and the annual
    reviews the leads have published (and downloads them)."""
    return is_member(membership)


def may_see_outcomes(membership: Membership | None) -> bool:
    """Steering members and leads see the outcomes framework and annual reviews in draft."""
    return is_steering(membership)


def may_edit_governance(membership: Membership | None) -> bool:
    """Leads write the terms of reference, the aims and priorities and the indicators and
    their values, and draft, edit, re-draft and publish annual reviews."""
    return is_lead(membership)


def may_read_review(membership: Membership | None, review: AnnualReview) -> bool:
    """A published review is every member's to read; a draft, steering members' and leads'."""
    return may_see_outcomes(membership) or (review.published and is_member(membership))


def why_not_accept_invitation(user: User, invitation_email: str | None) -> str | None:
    """An invitation sent to an address is for the person of that address alone (a link
    forwarded, or seen over a shoulder, lets nobody else in); a link invitation is for
    whoever holds it."""
    if invitation_email and user.email.strip().lower() != invitation_email:
        return ("This invitation was sent to another email address. Sign in with the "
                "account of the address it was sent to, or ask the lead for an invitation "
                "of your own.")
    return None


# --- CPD ----------------------------------------------------------------------------------


def may_create_network(membership: Membership | None) -> bool:
    return is_lead(membership)


def may_run_network(membership: Membership | None, network: Network) -> bool:
    """Leads run every network's sessions; a network's coordinator runs its own."""
    return membership is not None and (
        is_lead(membership) or network.coordinator_id == membership.user_id)


def may_run_supply(membership: Membership | None) -> bool:
    """Leads set the supply-cover rates and decide claims (not their own)."""
    return is_lead(membership)


def why_not_mark_attendance(membership: Membership | None, cpd_session: CpdSession,
                            booking: Booking | None, now: datetime) -> str | None:
    """Who runs the network marks attendance, once the session has started, and never
    their own: a register nobody checks is not evidence of anything."""
    if not may_run_network(membership, cpd_session.network):
        return "Only a lead or the network's coordinator marks attendance."
    if now < cpd_session.starts_at:
        return "Attendance can be marked once the session has started."
    if booking is not None and booking.user_id == membership.user_id:
        return "Someone else who runs the network must mark your own attendance."
    return None


def may_mark_attendance(membership: Membership | None, cpd_session: CpdSession,
                        booking: Booking | None, now: datetime) -> bool:
    return why_not_mark_attendance(membership, cpd_session, booking, now) is None


def why_not_decide_supply_claim(membership: Membership | None,
                                claim: SupplyClaim) -> str | None:
    """A lead decides supply-cover claims, never their own nor one on their own attendance."""
    if not may_run_supply(membership):
        return "Only a lead decides supply-cover claims."
    if claim.booking.user_id == membership.user_id:
        return "Another lead must decide a claim on your own attendance."
    return None


def may_decide_supply_claim(membership: Membership | None, claim: SupplyClaim) -> bool:
    return why_not_decide_supply_claim(membership, claim) is None


def may_delete_resource(membership: Membership | None, added_by_id: int | None) -> bool:
    """The person who shared a resource, or a lead, removes it."""
    return membership is not None and (
        added_by_id == membership.user_id or is_lead(membership))


# --- CPD opened beyond the partnership ----------------------------------------------------


def may_book_session(user: User, cpd_session: CpdSession) -> bool:
    """The host partnership's members book its sessions; a session opened to a network
    also the members of the network's partners (while not suspended), one opened to
    everyone anyone with an account."""
    if db.session.scalar(select(Membership.id).where(
            Membership.partnership_id == cpd_session.partnership_id,
            Membership.user_id == user.id)) is not None:
        return True
    if cpd_session.audience == SessionAudience.EVERYONE:
        return True
    if cpd_session.audience != SessionAudience.NETWORK or cpd_session.audience_network_id is None:
        return False
    return db.session.scalar(
        select(Membership.id).join(NetworkPartner,
                                   NetworkPartner.partnership_id == Membership.partnership_id)
        .join(Partnership, Partnership.id == Membership.partnership_id)
        .where(NetworkPartner.network_id == cpd_session.audience_network_id,
               Membership.user_id == user.id, Partnership.in_use()).limit(1)) is not None


def may_see_open_session(user: User, cpd_session: CpdSession) -> bool:
    """A session opened beyond its partnership is seen by whoever may book it; a guest's
    place keeps it seen by them after it closes to their partnership (a member who left
    the host does not keep it). Never while its partnership is suspended."""
    host = db.session.get(Partnership, cpd_session.partnership_id)
    if host.is_suspended:
        return False
    if cpd_session.audience.is_open and may_book_session(user, cpd_session):
        return True
    return db.session.scalar(select(Booking.id).where(
        Booking.session_id == cpd_session.id, Booking.user_id == user.id,
        Booking.booked_as_guest.is_(True),
        Booking.status != BookingStatus.CANCELLED)) is not None


# --- networks of partnerships -------------------------------------------------------------


def takes_part_in_network(standing: "Standing | None") -> bool:
    """The people of every partner partnership read and post in the network's channel,
    read its meetings, join its working groups and share resources."""
    return standing is not None and bool(standing.partners)


def may_run_network_business(standing: "Standing | None") -> bool:
    """The leads of any partner schedule the network's meetings, keep their agenda and
    notes, and start working groups."""
    return standing is not None and bool(standing.leads)


def may_convene_network(standing: "Standing | None") -> bool:
    """The leads of a convening partner edit the network and invite partnerships."""
    return standing is not None and bool(standing.convenes)


def why_not_remove_partner(standing: "Standing", partner: NetworkPartner) -> str | None:
    """A partner's own leads take it out of the network; a convenor removes any partner
    that does not convene it too."""
    if partner.partnership_id in standing.leads:
        return None
    if not standing.convenes:
        return "Only the partnership's leads, or the network's convenors, take it out."
    if partner.convenor:
        return "A convening partnership leaves the network by its own leads."
    return None


def may_remove_partner(standing: "Standing | None", partner: NetworkPartner) -> bool:
    return standing is not None and why_not_remove_partner(standing, partner) is None


def may_remove_network_item(standing: "Standing | None", added_by_id: int) -> bool:
    """Whoever put a message or a resource into the network removes it, or a convenor."""
    return standing is not None and (added_by_id == standing.user_id
                                     or bool(standing.convenes))


# --- prior learning -----------------------------------------------------------------------


def partnerships_controlled_by(user_id: int):
    """Ids (a select) of the partnerships the person leads or created: their leads, and
    the assessors those leads appoint, are not independent of the person."""
    led = select(Membership.partnership_id).where(Membership.user_id == user_id,
                                                  Membership.role == Role.LEAD)
    # The founder's joining is the one a person logs for themself (invitations log the inviter).
    created = select(MemberLogEntry.partnership_id).where(
        MemberLogEntry.event == LogEvent.JOINED, MemberLogEntry.subject_id == user_id,
        MemberLogEntry.actor_id == user_id)
    return led.union(created)


def why_not_verify_for(verifier: User, claimant_id: int) -> str | None:
    """Independence: prior learning is verified by someone other than the claimant who is
    not a lead of a partnership the claimant created or leads (a second account made lead
    of one's own partnership verifies nothing)."""
    if verifier.id == claimant_id:
        return "Someone else must verify your own prior learning."
    if db.session.scalar(select(Membership.id).where(
            Membership.user_id == verifier.id, Membership.role == Role.LEAD,
            Membership.partnership_id.in_(partnerships_controlled_by(claimant_id))).limit(1)):
        return ("You lead a partnership this person created or leads, so you are not "
                "independent of them: a centre's assessor or a lead of another "
                "partnership must verify it.")
    return None


def may_verify_for(verifier: User, claimant_id: int) -> bool:
    return why_not_verify_for(verifier, claimant_id) is None


def why_not_assess_for(assessor: User, centre_partnership_id: int,
                       learner_id: int) -> str | None:
    """Independence of a centre's assessor from a learner: the rule of `why_not_verify_for`,
    and not at a centre of a partnership the learner leads or created (its leads appoint
    the assessors)."""
    independence = why_not_verify_for(assessor, learner_id)
    if independence:
        return independence
    if centre_partnership_id in db.session.scalars(partnerships_controlled_by(learner_id)):
        return ("This learner leads or created the centre's partnership, and so chose its "
                "assessors: an assessor of an independent centre must decide.")
    return None


def may_assess_for(assessor: User, centre_partnership_id: int, learner_id: int) -> bool:
    return why_not_assess_for(assessor, centre_partnership_id, learner_id) is None


# --- chat, steering, catalogue ------------------------------------------------------------


def may_close_poll(membership: Membership | None, created_by_id: int | None) -> bool:
    """The poll's author or a lead closes it."""
    return membership is not None and (
        created_by_id == membership.user_id or is_lead(membership))


def may_view_action(membership: Membership | None, owner_id: int | None) -> bool:
    """Steering members and leads see every action; anyone else only the ones they own."""
    return membership is not None and (is_steering(membership) or owner_id == membership.user_id)


def may_edit_catalogue(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_catalogue_editor


# --- site administration ------------------------------------------------------------------


def is_site_admin(user: User | None) -> bool:
    """Site administrators suspend and restore accounts and partnerships, grant catalogue
    editors, centre assessors and administrators, and read the log of what they did."""
    return (user is not None and user.is_authenticated and user.is_site_admin
            and not user.is_suspended)


def why_not_sign_in(user: User) -> str | None:
    """A suspended account signs in nowhere until an administrator restores it."""
    if user.is_suspended:
        return ("This account is suspended by the site's administrators, so it cannot sign "
                "in. Ask them to restore it.")
    return None


def why_not_use_partnership(partnership: Partnership) -> str | None:
    """A suspended partnership is closed to all its members, leads included; its data is
    kept as it was."""
    if partnership.is_suspended:
        return (f"{partnership.name} is suspended by the site's administrators: its pages are "
                "closed to everyone, leads included, and its records are kept as they were "
                "until it is restored.")
    return None


def _other_active_admins(account: User) -> int:
    """Administrators other than `account` who are not suspended. Every active
    administrator's row, `account`'s included, is locked on PostgreSQL, always in the same
    order: two administrators removing each other at once wait for one another (the second
    then finds one fewer) instead of deadlocking."""
    ids = db.session.scalars(select(User.id).where(
        User.is_site_admin.is_(True), User.suspended_at.is_(None))
        .order_by(User.id).with_for_update()).all()
    return sum(1 for admin_id in ids if admin_id != account.id)


def why_not_suspend_account(actor: User | None, account: User) -> str | None:
    """Administrators suspend others, never themselves, and never the last administrator."""
    if actor is not None and actor.id == account.id:
        return "You cannot suspend your own account."
    if account.is_site_admin and not account.is_suspended and not _other_active_admins(account):
        return "This is the last administrator: make someone else administrator first."
    return None


def why_not_revoke_admin(actor: User | None, account: User) -> str | None:
    """Another administrator takes the role away, and the site keeps one administrator."""
    if actor is not None and actor.id == account.id:
        return "Another administrator must take away your own administrator role."
    if not _other_active_admins(account):
        return "This is the last administrator: make someone else administrator first."
    return None


# `can(name, ...)` in templates: partnership rules get the viewer's membership first, site
# rules the viewer.
PARTNERSHIP_RULES = {
    "manage_partnership": may_manage_partnership,
    "keep_organisations": may_keep_organisations,
    "see_steering_papers": may_see_steering_papers,
    "manage_actions": may_manage_actions,
    "view_action": may_view_action,
    "see_audits": may_see_audits,
    "manage_audits": may_manage_audits,
    "see_workforce": may_see_workforce,
    "see_team": may_see_team,
    "manage_centres": may_manage_centres,
    "verify_claims_here": may_verify_claims_here,
    "create_network": may_create_network,
    "run_network": may_run_network,
    "mark_attendance": may_mark_attendance,
    "run_supply": may_run_supply,
    "decide_supply_claim": may_decide_supply_claim,
    "delete_resource": may_delete_resource,
    "manage_channels": may_manage_channels,
    "see_message_history": may_see_message_history,
    "close_poll": may_close_poll,
    "see_governance": may_see_governance,
    "see_outcomes": may_see_outcomes,
    "edit_governance": may_edit_governance,
}
NETWORK_RULES = {
    "run_network_business": may_run_network_business,
    "convene_network": may_convene_network,
    "remove_partner": may_remove_partner,
    "remove_network_item": may_remove_network_item,
}
SITE_RULES = {
    "edit_catalogue": may_edit_catalogue,
    "administer_site": is_site_admin,
    "verify_prior_learning": may_verify_for,
    "assess_learner": may_assess_for,
}
