"""The policy table (workspace/blueprints/policy.py) covers every endpoint, and says the truth:
walked as each kind of person, every endpoint answers the kinds it names (anything but 403,
404 or a redirect to sign in, and no server error) and refuses everyone else.

One partnership ("Zebra") holds the sample rows of tests/access_samples; URL arguments
follow the convention of tests/test_access.py (`<table>_id` is the partnership's newest row
of that table), except where OBJECTS names the row an endpoint is about, and tokens are real
ones. Each kind of person is one account that is that kind and nothing more. A request that
may have changed data (any but GET) is followed by restoring the database, so that every
request meets the same sample.
"""

import io
import os
import re
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import select

import workspace
from tests.access_samples import add_samples
from tests.clock import FROZEN_NOW
from tests.conftest import Browsers
from tests.test_access import (
    add_catalogue_sample,
    add_cpd_sample,
    add_progress_sample,
    form_data,
    url_arguments,
)
from workspace.blueprints.access import can
from workspace.blueprints.policy import POLICY, Kind
from workspace.extensions import db
from workspace.models import (
    Audit,
    Booking,
    CentreStaff,
    Component,
    CpdSession,
    Enrolment,
    ItemRole,
    Network,
    PartnershipNetwork,
    Prerequisite,
    PriorLearningClaim,
)
from workspace.models.centres import StaffRole
from workspace.models.cpd import Attendance
from workspace.models.partnerships import Role, Sector
from workspace.services import credentials, permissions
from workspace.services.accounts import users
from workspace.services.catalogue import items
from workspace.services.chat import messages, polls
from workspace.services.cpd import ical, resources
from workspace.services.networks import partners as networks
from workspace.services.partnerships import directory
from workspace.services.partnerships import membership as service
from workspace.services.partnerships.membership import find_membership
from workspace.services.progress import tracking
from workspace.services.steering import actions


def test_every_endpoint_has_an_entry_and_every_entry_an_endpoint(app):
    endpoints = set(app.view_functions)
    assert sorted(endpoints - set(POLICY)) == [], "endpoints missing from the policy table"
    assert sorted(set(POLICY) - endpoints) == [], "policy entries for no endpoint"


def test_partnership_routes_guard_by_a_permission_rule_and_no_page_compares_roles(app):
    """Rules live in services/permissions alone: every guarded partnership route names one of
    its predicates (or none: any member), and no template or view compares role strings."""
    for endpoint, view in app.view_functions.items():
        if hasattr(view, "partnership_rule") and view.partnership_rule is not None:
            assert view.partnership_rule.__module__ == permissions.__name__, endpoint
    root = Path(workspace.__file__).parent
    role_test = re.compile(
        r"role(\.value)?\s*==\s*['\"](lead|steering|member)\b|Role\.(LEAD|STEERING)")
    offenders = [str(path.relative_to(root))
                 for pattern in ("templates/**/*.html", "blueprints/**/*.py")
                 for path in root.glob(pattern)
                 if path.name != "forms.py" and role_test.search(path.read_text())]
    assert offenders == []


@pytest.fixture
def zebra(make_user, make_partnership, add_member):
    """The partnership, its people (one per kind), and the rows and tokens the walk uses."""
    lead = make_user(name="Zebra Lead", email="lead@example.org")
    theirs = make_partnership(lead=lead, name="Zebra Hub")
    person = {Kind.LEAD: lead}
    for kind, role in ((Kind.OWNER, Role.MEMBER), (Kind.MEMBER, Role.MEMBER),
                       (Kind.STEERING, Role.STEERING), (Kind.COORDINATOR, Role.MEMBER),
                       (Kind.ASSESSOR, Role.MEMBER), (Kind.MENTOR, Role.MEMBER)):
        user = make_user(name=f"Zebra {kind.value}", email=f"{kind.value}@example.org")
        person[kind] = add_member(theirs, user, role).user
    person[Kind.EDITOR] = make_user(name="Editor", email="editor@example.org")
    users.set_catalogue_editor("editor@example.org", True)
    person[Kind.ADMIN] = make_user(name="Admin", email="admin@example.org")
    person[Kind.ADMIN].is_site_admin = True
    owner = person[Kind.OWNER]
    org = service.add_organisation(theirs, name="Zebra School", sector=Sector.SCHOOL,
                                   school_phase="Primary")
    service.add_representative(theirs, org.id, find_membership(theirs.id, owner).id)
    add_catalogue_sample()
    add_cpd_sample(theirs, lead, owner, coordinator=person[Kind.COORDINATOR])
    add_progress_sample(owner)
    add_samples({"theirs": theirs, "lead": lead, "member": owner,
                 "steer": person[Kind.STEERING], "assessor": person[Kind.ASSESSOR],
                 "mentor": person[Kind.MENTOR]})
    owned = add_owned_objects(theirs, lead, owner, person[Kind.COORDINATOR])
    centre_claim = db.session.scalar(select(PriorLearningClaim.id).where(
        PriorLearningClaim.user_id == owner.id))
    unit = items.create_item(None, "ZEBRA-U", title="Zebra unit outside any centre")
    leads_claim = tracking.claim_prior_learning(owner, unit, "Zebra club").id
    invitation = service.create_invitation(theirs, lead, Role.MEMBER)
    directory.set_listing(theirs, True, "Zebra offer")  # people outside may ask to join
    attended = db.session.scalar(select(Booking.id).where(
        Booking.user_id == owner.id, Booking.attendance == Attendance.ATTENDED))
    credential = credentials.attendance_credential(owner, attended)
    tokens = {
        "credentials.show": credential.token,
        "accounts.confirm_email": users.make_email_change_token(
            owner, "zebra.new@example.org", current_app.config["SECRET_KEY"]),
        "accounts.finish_registration": users.make_sign_up_token(
            "newcomer@example.org", "/", current_app.config["SECRET_KEY"]),
        "accounts.reset_password": users.make_reset_token(
            owner, current_app.config["SECRET_KEY"]),
        "partnerships.invitation": invitation.token,
        "networks.join": networks.create_invite(
            db.session.scalar(select(PartnershipNetwork)), lead, "", FROZEN_NOW)[1],
        "partnerships.accept_invitation": invitation.token,
        "cpd.calendar_feed": ical.feed_for(owner).token,
        "audits.needs_form": db.session.scalar(select(Audit.needs_token).where(
            Audit.partnership_id == theirs.id)),
    }
    objects = {  # the centre's assessors decide the claim on a centre's unit, leads others
        **{endpoint: {"booking_id": attended} for endpoint in (
            "progress.certificate", "progress.certificate_pdf", "progress.credential_download")},
        "progress.verify_claim": {"prior_learning_claim_id": leads_claim},
        "progress.reject_claim": {"prior_learning_claim_id": leads_claim},
        "progress.assessor_verify_claim": {"prior_learning_claim_id": centre_claim},
        "progress.assessor_reject_claim": {"prior_learning_claim_id": centre_claim},
        "admin.revoke_assessor": {"centre_staff_id": db.session.scalar(
            select(CentreStaff.id).where(CentreStaff.role == StaffRole.ASSESSOR))},
        "progress.mark_achieved": {"enrolment_id": owned["cme_enrolment"],
                                   "catalogue_item_id": items.find_item("CME-U1").id},
        **catalogue_links(),
        **{f"chat.card_{name}": {"ref": ref} for name, ref in (
            ("sign_up", owned["session_ref"]), ("withdraw", owned["session_ref"]),
            ("enrol", "qual-CME"), ("done", owned["action_ref"]),
            ("vote", owned["poll_ref"]), ("close_poll", owned["poll_ref"]))},
    }
    db.session.commit()
    return {"partnership_id": theirs.id, "email": {k: u.email for k, u in person.items()},
            "tokens": tokens, "objects": objects, "channel_id": owned["channel_id"]}


def add_owned_objects(theirs, lead, owner, coordinator) -> dict:
    """The newest rows of their tables, so that the routes about one person's object are
    about the owner's: a channel for everyone with the owner's message and poll in it, the
    owner's action, a file shared in the network; and the refs of chat cards."""
    lead_membership = find_membership(theirs.id, lead)
    channel = messages.create_channel(theirs, lead_membership, name="Zebra projects")
    poll = polls.create_poll(channel, owner, "Zebra day?", ["Yes", "No"])
    messages.post_message(channel, owner, f"Zebra poll #poll-{poll.id}")
    action = actions.create_action(theirs, lead, actions.ActionFields(
        "Zebra owner's action", owner_id=owner.id, due_on=date(2030, 6, 1)))
    network = db.session.scalar(select(Network).where(Network.partnership_id == theirs.id))
    resources.add_file(network, coordinator, "Zebra file", "", "zebra.pdf",
                       io.BytesIO(b"%PDF-1.4 Zebra file"),
                       os.path.join(current_app.instance_path, "uploads"))
    cpd_session = db.session.scalar(select(CpdSession).where(
        CpdSession.partnership_id == theirs.id))
    enrolment = db.session.scalar(select(Enrolment.id).where(
        Enrolment.user_id == owner.id, Enrolment.item_id == items.find_item("CME").id))
    return {"channel_id": channel.id, "poll_ref": f"poll-{poll.id}",
            "action_ref": f"action-{action.id}", "session_ref": f"cpd-{cpd_session.id}",
            "cme_enrolment": enrolment}


def catalogue_links() -> dict:
    """The catalogue routes about a link between two rows: the newest link, its own item."""
    component = db.session.scalar(select(Component).order_by(Component.id.desc()))
    prerequisite = db.session.scalar(select(Prerequisite).order_by(Prerequisite.id.desc()))
    item_role = db.session.scalar(select(ItemRole).order_by(ItemRole.id.desc()))
    by_item = {"catalogue_item_id": item_role.item_id, "item_role_id": item_role.id}
    by_role = {"job_role_id": item_role.job_role_id, "item_role_id": item_role.id}
    return {
        "catalogue.remove_component": {"catalogue_item_id": component.parent_id,
                                       "component_id": component.id},
        "catalogue.remove_prerequisite": {"catalogue_item_id": prerequisite.item_id,
                                          "prerequisite_id": prerequisite.id},
        "catalogue.update_item_link": by_item, "catalogue.detach_role": by_item,
        "catalogue.update_role_link": by_role, "catalogue.detach_qualification": by_role,
    }


class Restorer:
    """The database as it was when made, put back after each request that changed it
    (SQLite's backup API, which copes with the WAL journal); uploaded files likewise.

    Whether a request changed the database, `PRAGMA data_version` on a connection of the
    Restorer's own says (it moves whenever another connection commits a change); whether it
    changed the files, their names, sizes and times. A request that changed neither leaves
    what the next one meets as it was, so nothing is copied back."""

    def __init__(self, app):
        db.session.commit()
        self.path = db.engine.url.database
        self.saved = sqlite3.connect(":memory:")
        with sqlite3.connect(self.path) as source:
            source.backup(self.saved)
        self.uploads = Path(app.instance_path) / "uploads"
        self.files = Path(app.instance_path) / "uploads-saved"
        if self.uploads.exists():
            shutil.copytree(self.uploads, self.files)
        self.watch = sqlite3.connect(self.path)
        self.seen = self._state()

    def _state(self) -> tuple:
        version = self.watch.execute("PRAGMA data_version").fetchone()[0]
        files = sorted((str(path), path.stat().st_size, path.stat().st_mtime_ns)
                       for path in self.uploads.rglob("*"))
        return version, files

    def restore(self):
        if self._state() == self.seen:
            return
        db.session.remove()
        db.engine.dispose()
        target = sqlite3.connect(self.path)
        self.saved.backup(target)
        target.close()
        if self.files.exists():
            shutil.rmtree(self.uploads, ignore_errors=True)
            shutil.copytree(self.files, self.uploads)
        self.seen = self._state()


def _refused(kind: Kind, response) -> bool:
    """403, 404, or (signing in being required) a redirect to the sign-in page."""
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and "/login?next=" in response.headers.get("Location", "")


def _requests(app, zebra):
    """Every endpoint with every method: (endpoint, method, url, data)."""
    partnership_id = zebra["partnership_id"]
    for rule in app.url_map.iter_rules():
        values = url_arguments(rule, partnership_id, partnership_id)
        values.update(zebra["objects"].get(rule.endpoint, {}))
        if "token" in values:
            values["token"] = zebra["tokens"][rule.endpoint]
        with app.test_request_context():
            url = app.url_for(rule.endpoint, **values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url, {**form_data(partnership_id),
                                               "channel_id": str(zebra["channel_id"])}


def signed_in(app, zebra) -> Browsers:
    """Every kind of person logged in once, each client a new tab of their browser."""
    browsers = Browsers(app)
    for email in zebra["email"].values():
        browsers.client(email)
    return browsers


def test_each_kind_of_person_gets_what_the_table_says(app, zebra):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the walk restores the database between requests with SQLite's backup")
    browsers = signed_in(app, zebra)
    restorer = Restorer(app)  # with everyone's login session, as the requests meet them
    wrong = []
    for endpoint, method, url, data in list(_requests(app, zebra)):
        for kind in Kind:
            client = browsers.client(zebra["email"].get(kind))
            response = client.open(url, method=method, data=None if method == "GET" else data)
            allowed = kind in POLICY[endpoint]
            status = response.status_code
            if status >= 500 or allowed == _refused(kind, response):
                wrong.append(f"{method} {endpoint} as {kind.value}: {status} "
                             f"({'allowed' if allowed else 'refused'} by the table)")
            response.close()
            if method != "GET":
                restorer.restore()
    assert not wrong, "\n".join(wrong)


def test_can_asks_the_named_rule_and_refuses_unknown_names(app):
    with app.test_request_context():
        assert can("edit_catalogue") is False  # nobody signed in
        assert can("manage_partnership") is False  # in no partnership
        with pytest.raises(KeyError):
            can("no_such_rule")
