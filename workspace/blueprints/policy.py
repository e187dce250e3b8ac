"""Who may use each endpoint: the policy table.

Every endpoint of the app has an entry naming the kinds of person who may use it; everyone
else gets 403 or 404 (a non-member is not told the partnership exists), and an anonymous
visitor is sent to sign in. tests/test_policy.py fails for an endpoint without an entry and
walks every endpoint as each kind of person, on the sample data of tests/access_samples.

The guards themselves are the predicates of services/permissions: `partnership_route(rule)`
asks one about the person's membership, `editor_required` asks `may_edit_catalogue`, and
views ask the rules about one object (who runs a network, who assesses at a centre, whose
record it is). Where an entry depends on the object, its comment
says whose object the walk uses.

Site administrators (`permissions.is_site_admin`, through `admin_required`) use the /admin
endpoints, which answer 404 to everyone else; anywhere else the walk's administrator, who is
in no partnership, is allowed exactly where any signed-in person is.
"""

import enum


class Kind(enum.Enum):
    """A kind of person, as the walk plays them (each is that and nothing more)."""

    ANONYMOUS = "anonymous"
    MEMBER = "member"  # a plain member of the partnership
    OWNER = "owner"  # a plain member whose own record, booking, claim or message it is
    STEERING = "steering"  # a steering group member
    LEAD = "lead"  # a lead (who created the partnership)
    COORDINATOR = "coordinator"  # a plain member who coordinates the network
    ASSESSOR = "assessor"  # a plain member who assesses at the centre
    MENTOR = "mentor"  # a plain member who mentors at the centre
    EDITOR = "editor"  # a catalogue editor, in no partnership
    ADMIN = "admin"  # a site administrator, in no partnership


ANYONE = frozenset(Kind)
SIGNED_IN = ANYONE - {Kind.ANONYMOUS}
MEMBERS = frozenset({Kind.MEMBER, Kind.OWNER, Kind.STEERING, Kind.LEAD, Kind.COORDINATOR,
                     Kind.ASSESSOR, Kind.MENTOR})
STEERING_UP = frozenset({Kind.STEERING, Kind.LEAD})
LEADS = frozenset({Kind.LEAD})
RUNNERS = frozenset({Kind.LEAD, Kind.COORDINATOR})  # permissions.may_run_network
ASSESSORS = frozenset({Kind.ASSESSOR})  # centres.may_assess
CENTRE_STAFF = frozenset({Kind.ASSESSOR, Kind.MENTOR})  # centres.is_staff
EDITORS = frozenset({Kind.EDITOR})  # permissions.may_edit_catalogue
ADMINS = frozenset({Kind.ADMIN})  # permissions.is_site_admin
OWNERS = frozenset({Kind.OWNER})  # the person's own records (/me/...): nobody else's

POLICY: dict[str, frozenset[Kind]] = {
    # --- accounts ---
    "accounts.change_password": SIGNED_IN,
    "accounts.confirm_email": SIGNED_IN,  # their own account, from the link to the address
    "accounts.delete_account": SIGNED_IN,  # their own account, after a fresh login
    "accounts.finish_registration": ANYONE,  # from the emailed sign-up link
    "accounts.login": ANYONE,
    "accounts.logout": SIGNED_IN,
    "accounts.logout_everywhere": SIGNED_IN,
    "accounts.profile": SIGNED_IN,
    "accounts.reauthenticate": SIGNED_IN,
    "accounts.register": ANYONE,
    "accounts.reset_password": ANYONE,
    "accounts.reset_request": ANYONE,
    # --- site administration (the walk's centre staff row: their centre's assessor) ---
    "admin.account": ADMINS,
    "admin.accounts": ADMINS,
    "admin.action_log": ADMINS,
    "admin.centre": ADMINS,
    "admin.centres": ADMINS,
    "admin.grant_assessor": ADMINS,
    "admin.partnership": ADMINS,
    "admin.partnerships": ADMINS,
    "admin.restore_account": ADMINS,
    "admin.restore_partnership": ADMINS,
    "admin.revoke_assessor": ADMINS,
    "admin.set_role": ADMINS,
    "admin.suspend_account": ADMINS,
    "admin.suspend_partnership": ADMINS,
    # --- audits ---
    "audits.add_target_group": LEADS,
    "audits.audit": STEERING_UP,
    "audits.audit_changes": LEADS,
    "audits.change_status": LEADS,
    "audits.create_audit": LEADS,
    "audits.delete_audit": LEADS,
    "audits.delete_need": LEADS,
    "audits.delete_provision": LEADS,
    "audits.edit_audit": LEADS,
    "audits.edit_need": STEERING_UP,
    "audits.edit_provision": STEERING_UP,
    "audits.gap_cell": STEERING_UP,
    "audits.gaps": STEERING_UP,
    "audits.gaps_csv": STEERING_UP,
    "audits.import_data": LEADS,
    "audits.index": STEERING_UP,
    "audits.need_list": STEERING_UP,
    "audits.needs_csv": STEERING_UP,
    "audits.needs_form": ANYONE,
    "audits.needs_sample": STEERING_UP,
    "audits.new_need": STEERING_UP,
    "audits.new_provision": STEERING_UP,
    "audits.provision_csv": STEERING_UP,
    "audits.provision_list": STEERING_UP,
    "audits.provision_sample": STEERING_UP,
    "audits.renew_link": LEADS,
    "audits.report": STEERING_UP,
    "audits.set_link_expiry": LEADS,
    "audits.target_groups": STEERING_UP,
    # --- catalogue ---
    "catalogue.add_cluster": EDITORS,
    "catalogue.add_cluster_set": EDITORS,
    "catalogue.add_component": EDITORS,
    "catalogue.add_group": EDITORS,
    "catalogue.add_prerequisite": EDITORS,
    "catalogue.add_role": EDITORS,
    "catalogue.analysis_counts": SIGNED_IN,
    "catalogue.analysis_coverage": SIGNED_IN,
    "catalogue.analysis_gaps": SIGNED_IN,
    "catalogue.analysis_index": SIGNED_IN,
    "catalogue.attach_qualification": EDITORS,
    "catalogue.attach_role": EDITORS,
    "catalogue.browse": SIGNED_IN,
    "catalogue.changes": EDITORS,
    "catalogue.compare_roles": SIGNED_IN,
    "catalogue.delete_cluster": EDITORS,
    "catalogue.delete_cluster_set": EDITORS,
    "catalogue.delete_role": EDITORS,
    "catalogue.detach_qualification": EDITORS,
    "catalogue.detach_role": EDITORS,
    "catalogue.edit_cluster_set": EDITORS,
    "catalogue.edit_item": EDITORS,
    "catalogue.edit_role": EDITORS,
    "catalogue.export_csv": EDITORS,
    "catalogue.export_json": EDITORS,
    "catalogue.import_file": EDITORS,
    "catalogue.item": SIGNED_IN,
    "catalogue.judge_area": EDITORS,
    "catalogue.new_item": EDITORS,
    "catalogue.place_role": EDITORS,
    "catalogue.progression": SIGNED_IN,
    "catalogue.remove_component": EDITORS,
    "catalogue.remove_prerequisite": EDITORS,
    "catalogue.rename_cluster": EDITORS,
    "catalogue.role": SIGNED_IN,
    "catalogue.structure_page": SIGNED_IN,
    "catalogue.suggest": SIGNED_IN,
    "catalogue.transfer": EDITORS,
    "catalogue.unplace_role": EDITORS,
    "catalogue.update_item_link": EDITORS,
    "catalogue.update_role_link": EDITORS,
    "catalogue.withdraw_item": EDITORS,
    # --- chat ---
    "chat.archive": LEADS,
    "chat.card": MEMBERS,
    "chat.card_close_poll": OWNERS | LEADS,  # permissions.may_close_poll: the author's poll
    "chat.card_done": STEERING_UP | OWNERS,  # the owner's action
    "chat.card_enrol": MEMBERS,
    "chat.card_sign_up": MEMBERS,
    "chat.card_vote": MEMBERS,
    "chat.card_withdraw": MEMBERS,
    "chat.channel": MEMBERS,
    "chat.command_action": MEMBERS,
    "chat.command_cpd": MEMBERS,
    "chat.command_cpd_share": MEMBERS,
    "chat.command_poll": MEMBERS,
    "chat.delete": OWNERS,  # the author's message
    "chat.discuss": MEMBERS,
    "chat.edit": OWNERS,  # the author's message
    "chat.history": LEADS,
    "chat.index": MEMBERS,
    "chat.mark_read": MEMBERS,
    "chat.message_link": MEMBERS,
    "chat.new_channel": LEADS,
    "chat.post": MEMBERS,
    "chat.reply": MEMBERS,
    "chat.search": MEMBERS,
    "chat.show": MEMBERS,
    "chat.stream": MEMBERS,
    "chat.thread": MEMBERS,
    # --- credentials (public: whether a credential holds, and the key that checks it) ---
    "credentials.public_key": ANYONE,
    "credentials.show": ANYONE,
    "credentials.verify": ANYONE,
    # --- cpd ---
    "cpd.add_resource_file": MEMBERS,
    "cpd.add_resource_link": MEMBERS,
    "cpd.approve_supply_claim": LEADS,
    "cpd.calendar_feed": ANYONE,
    "cpd.cancel_session": RUNNERS,
    "cpd.claim_supply": MEMBERS,
    "cpd.create_network": LEADS,
    "cpd.decline_supply_claim": LEADS,
    "cpd.delete_resource": LEADS | {Kind.COORDINATOR},  # may_delete_resource: the sharer's
    "cpd.download_resource": MEMBERS,
    "cpd.edit_session": RUNNERS,
    "cpd.index": MEMBERS,
    "cpd.join_network": MEMBERS,
    "cpd.leave_network": MEMBERS,
    "cpd.mark": RUNNERS,
    "cpd.mine": SIGNED_IN,
    "cpd.network": MEMBERS,
    "cpd.new_session": RUNNERS,
    "cpd.register": RUNNERS,
    "cpd.reset_calendar_feed": SIGNED_IN,
    "cpd.resources": MEMBERS,
    "cpd.session": MEMBERS,
    "cpd.session_ics": MEMBERS,
    "cpd.sign_up": MEMBERS,
    "cpd.sign_up_series": MEMBERS,
    "cpd.supply": LEADS,
    "cpd.supply_csv": LEADS,
    "cpd.supply_rates": LEADS,
    "cpd.withdraw": MEMBERS,
    # --- CPD opened beyond the partnership (the walk's session is open to Zebra's network
    # of partnerships: its own members book it there too; guests are walked in
    # tests/networks/test_access.py) ---
    "cpd.open_claim_supply": MEMBERS,
    "cpd.open_session": MEMBERS,
    "cpd.open_session_ics": MEMBERS,
    "cpd.open_sessions": SIGNED_IN,
    "cpd.open_sign_up": MEMBERS,
    "cpd.open_withdraw": MEMBERS,
    # --- networks of partnerships (Zebra convenes the walk's network: its leads convene,
    # the owner wrote its message and shared its resource) ---
    "networks.channel": MEMBERS,
    "networks.create_group": LEADS,  # may_run_network_business
    "networks.edit": LEADS,  # may_convene_network
    "networks.edit_meeting": LEADS,
    "networks.groups": MEMBERS,
    "networks.index": SIGNED_IN,
    "networks.invites": LEADS,
    "networks.join": SIGNED_IN,  # a lead brings a partnership they lead in by the link
    "networks.join_group": MEMBERS,
    "networks.leave_group": MEMBERS,
    "networks.meeting": MEMBERS,
    "networks.meetings": MEMBERS,
    "networks.network": MEMBERS,
    "networks.new_meeting": LEADS,
    "networks.remove_partner": LEADS,  # why_not_remove_partner: its own leads, convenors
    "networks.remove_post": OWNERS | LEADS,  # may_remove_network_item: author, convenors
    "networks.remove_resource": OWNERS | LEADS,
    "networks.resources": MEMBERS,
    "networks.revoke_invite": LEADS,
    # --- main ---
    "main.healthz": ANYONE,
    "main.index": ANYONE,
    "main.notification_list": SIGNED_IN,
    "main.notifications_read": SIGNED_IN,
    # --- partnerships ---
    "partnerships.accept_invitation": SIGNED_IN,
    "partnerships.accept_join_request": LEADS,
    "partnerships.add_organisation": STEERING_UP,
    "partnerships.add_representative": STEERING_UP,
    "partnerships.change_role": LEADS,
    "partnerships.create": SIGNED_IN,
    "partnerships.decline_join_request": LEADS,
    "partnerships.delete_organisation": STEERING_UP,
    "partnerships.directory_entry": SIGNED_IN,  # a listed partnership, to ask to join
    "partnerships.directory_index": ANYONE,
    "partnerships.edit": LEADS,
    "partnerships.edit_organisation": STEERING_UP,
    "partnerships.invitation": ANYONE,
    "partnerships.invitations": LEADS,
    "partnerships.join_requests": LEADS,
    "partnerships.leave": MEMBERS,
    "partnerships.listing": LEADS,
    "partnerships.log": LEADS,
    "partnerships.members": MEMBERS,
    "partnerships.organisation": MEMBERS,
    "partnerships.organisations": MEMBERS,
    "partnerships.overview": MEMBERS,
    "partnerships.remove_member": LEADS,
    "partnerships.remove_representative": STEERING_UP,
    "partnerships.revoke_invitation": LEADS,
    # --- progress ---
    "progress.add_cpd_log_entry": SIGNED_IN,
    "progress.add_held": SIGNED_IN,
    "progress.add_staff": LEADS,
    "progress.assessing": ASSESSORS,
    "progress.assessor_reject_claim": ASSESSORS,
    "progress.assessor_verify_claim": ASSESSORS,
    "progress.centre": MEMBERS,
    "progress.centres": MEMBERS,
    "progress.certificate": OWNERS,  # their own attended session's (and its credential)
    "progress.certificate_pdf": OWNERS,
    "progress.claim_prior_learning": SIGNED_IN,
    "progress.claims": LEADS,
    "progress.cpd_log": SIGNED_IN,
    "progress.create_centre": LEADS,
    "progress.credential_download": OWNERS,
    "progress.dashboard": SIGNED_IN,
    "progress.delete_cpd_log_entry": OWNERS,
    "progress.download_evidence": OWNERS,
    "progress.enrol": SIGNED_IN,
    "progress.enrolment": OWNERS,
    "progress.learner_plan": CENTRE_STAFF,
    "progress.learners": CENTRE_STAFF,
    "progress.mark_achieved": ASSESSORS,
    "progress.next_steps": SIGNED_IN,
    "progress.plan": OWNERS,
    "progress.profile": SIGNED_IN,
    "progress.record": SIGNED_IN,
    "progress.record_json": SIGNED_IN,
    "progress.register": MEMBERS,
    "progress.reject_claim": LEADS,
    "progress.remove_evidence": OWNERS,
    "progress.remove_held": OWNERS,
    "progress.remove_staff": LEADS,
    "progress.save_unit_plan": OWNERS,
    "progress.statement": SIGNED_IN,  # their own CPD of a year
    "progress.statement_pdf": SIGNED_IN,
    "progress.team_plan": LEADS | OWNERS,  # team.may_see_team: the owner represents the school
    "progress.update_unit": OWNERS,
    "progress.update_window": LEADS,
    "progress.upload_evidence": OWNERS,
    "progress.verify_claim": LEADS,
    "progress.workforce": LEADS,
    "progress.workforce_csv": LEADS,
    # --- static ---
    "static": ANYONE,
    # --- governance (the walk's annual review is published: a draft is STEERING_UP's) ---
    "governance.add_aim": LEADS,
    "governance.add_priority": LEADS,
    "governance.add_value": LEADS,
    "governance.draft_review": LEADS,
    "governance.edit_aim": LEADS,
    "governance.edit_indicator": LEADS,
    "governance.index": MEMBERS,
    "governance.move_aim": LEADS,
    "governance.new_indicator": LEADS,
    "governance.outcomes": STEERING_UP,
    "governance.publish_review": LEADS,
    "governance.redraft_review": LEADS,
    "governance.remove_aim": LEADS,
    "governance.remove_indicator": LEADS,
    "governance.remove_priority": LEADS,
    "governance.remove_value": LEADS,
    "governance.review": MEMBERS,  # permissions.may_read_review
    "governance.review_markdown": MEMBERS,  # permissions.may_read_review
    "governance.review_pdf": MEMBERS,  # permissions.may_read_review
    "governance.save_section": LEADS,
    "governance.save_terms": LEADS,
    # --- steering ---
    "steering.action": STEERING_UP | OWNERS,  # permissions.may_view_action: the owner's action
    "steering.actions": STEERING_UP,
    "steering.add_agenda_item": STEERING_UP,
    "steering.add_decision": STEERING_UP,
    "steering.add_group_member": STEERING_UP,
    "steering.add_meeting_action": STEERING_UP,
    "steering.add_paper": STEERING_UP,
    "steering.create_working_group": STEERING_UP,
    "steering.download_paper": STEERING_UP,
    "steering.edit_action": STEERING_UP,
    "steering.edit_meeting": STEERING_UP,
    "steering.edit_working_group": STEERING_UP,
    "steering.meeting": STEERING_UP,
    "steering.meetings": STEERING_UP,
    "steering.move_agenda_item": STEERING_UP,
    "steering.new_action": STEERING_UP,
    "steering.new_meeting": STEERING_UP,
    "steering.remove_agenda_item": STEERING_UP,
    "steering.remove_decision": STEERING_UP,
    "steering.remove_group_member": STEERING_UP,
    "steering.remove_paper": STEERING_UP,
    "steering.save_minutes": STEERING_UP,
    "steering.set_action_status": STEERING_UP | OWNERS,  # the owner's action
    "steering.working_group": STEERING_UP,
    "steering.working_groups": STEERING_UP,
}
