"""A national-scale data set for the load benchmark (bench/run), on SQLite or PostgreSQL.

At --scale 1: 200 partnerships; 50,000 people; 20,000 qualifications and 200,000 modules (the
synthetic catalogue of `flask catalogue generate`); 2,000 CPD networks with 10,000 sessions and
150,000 bookings; 2,000 audits with 200,000 provision and need records; 1,000,000 chat
messages. Every count scales with --scale, except that a partnership keeps the same size (250
people, 10 networks, 10 audits, 5,000 messages): more scale means more partnerships, so a page
about one partnership should not slow down with it.

    python bench/scale_data.py --scale 0.1 --database-url sqlite:////tmp/bench_0.1.sqlite
    python bench/scale_data.py --scale 1 --database-url postgresql://postgres@127.0.0.1/bench

Rows go in with SQLAlchemy Core bulk inserts after `flask db upgrade`, with enums as the
models store them and every foreign key pointing at a row made before. Everyone's password is
PASSWORD, hashed once (a cheap pbkdf2, so that logging in a pool of people is quick). Emails
say what each person is, in partnership n (1-based):

    lead1.p{n}@bench.example.org, lead2...      leads
    steering1.p{n}@... to steering8             steering group members
    editor.p{n}@...                             a member and catalogue editor
    practitioner1.p{n}@... to practitioner50    members enrolled on qualifications
    teacher1.p{n}@... onwards                   members in CPD networks, with bookings
"""

import argparse
import os
import random
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from html import escape

from catalogue_bench import migrate, start_afresh
from flask import Flask
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url
from werkzeug.security import generate_password_hash

from workspace import create_app
from workspace.clock import utcnow
from workspace.config import normalise_database_url
from workspace.extensions import db
from workspace.models import (
    Audit,
    Booking,
    CatalogueItem,
    Channel,
    ChannelRead,
    Component,
    CpdLogEntry,
    CpdSession,
    Enrolment,
    HeldQualification,
    JobRole,
    Membership,
    Message,
    Need,
    Network,
    NetworkMember,
    Organisation,
    Partnership,
    PractitionerProfile,
    Provision,
    ProvisionGroup,
    Representative,
    TargetGroup,
    UnitProgress,
    User,
)
from workspace.models.audits import AgePhase, ArtForm, AuditStatus, NeedSource, Priority
from workspace.models.chat import ChannelKind
from workspace.models.cpd import Attendance, BookingStatus
from workspace.models.partnerships import PartnershipKind, Role, Sector
from workspace.models.progress import UnitStatus
from workspace.services.audits.records import DEFAULT_GROUPS
from workspace.services.catalogue import synthetic
from workspace.services.catalogue.seed import load_catalogue_seed
from workspace.services.chat.messages import GENERAL_NAME, STEERING_NAME

PASSWORD = "benchmark password 2026"
DOMAIN = "bench.example.org"
BATCH = 5_000
AT_SCALE_1 = {"partnerships": 200, "people": 50_000, "qualifications": 20_000,
              "modules": 200_000, "networks": 2_000, "sessions": 10_000, "bookings": 150_000,
              "audits": 2_000, "audit_records": 200_000, "messages": 1_000_000}
LEADS, STEERING, PRACTITIONERS, ORGANISATIONS, WARDS = 2, 8, 50, 12, 20
TOWNS = ["Ashford", "Barnsley", "Carlisle", "Derby", "Exeter", "Frome", "Gateshead", "Hull",
         "Ipswich", "Kendal", "Leeds", "Margate", "Norwich", "Oldham", "Preston", "Reading",
         "Salford", "Truro", "Wigan", "York"]
WORDS = ("rehearsal ensemble singing assessment schools timetable funding workshop report "
         "session venue children primary secondary SEND progress plan the a for with next "
         "week term we can share notes draft agreed thanks please review").split()


@dataclass
class Sizes:
    partnerships: int
    people: int
    qualifications: int
    modules: int
    networks: int
    sessions: int
    bookings: int
    audits: int
    audit_records: int
    messages: int

    @classmethod
    def at(cls, scale: float) -> "Sizes":
        """The counts at `scale`, rounded to whole partnerships (at least 2)."""
        partnerships = max(2, round(AT_SCALE_1["partnerships"] * scale))
        ratio = partnerships / AT_SCALE_1["partnerships"]
        counts = {name: max(1, round(n * ratio)) for name, n in AT_SCALE_1.items()}
        counts["qualifications"] = max(20, round(AT_SCALE_1["qualifications"] * scale))
        counts["modules"] = max(200, round(AT_SCALE_1["modules"] * scale))
        return cls(**counts)

    def per_partnership(self, name: str) -> int:
        return max(1, getattr(self, name) // self.partnerships)


# --- the database -------------------------------------------------------------------------


def make_app(url: str) -> Flask:
    return create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(url),
                       "SECRET_KEY": "benchmark", "RATELIMIT_ENABLED": False,
                       "MAIL_SERVER": None})


def holds_scale(url: str, sizes: Sizes) -> bool:
    """Whether the database already holds this data set (its people and messages counted)."""
    engine = create_engine(normalise_database_url(url))
    try:
        with engine.connect() as connection:
            people = connection.scalar(select(func.count()).select_from(User.__table__)
                                       .where(User.email.like(f"%@{DOMAIN}")))
            messages = connection.scalar(select(func.count()).select_from(Message.__table__))
            items = connection.scalar(select(func.count()).select_from(CatalogueItem.__table__)
                                      .where(CatalogueItem.stable_id.like("SYN-%")))
    except Exception:  # noqa: BLE001 - no database, or no schema: build it
        return False
    finally:
        engine.dispose()
    expected = sizes.per_partnership("people") * sizes.partnerships
    return (people, items) == (expected, sizes.qualifications + sizes.modules) and \
        messages >= sizes.per_partnership("messages") * sizes.partnerships


def build(url: str, scale: float, seed: int = 1, say=print) -> dict[str, float]:
    """A fresh database at `url` holding the data set at `scale`; returns seconds per step."""
    sizes = Sizes.at(scale)
    start_afresh(url)
    steps: dict[str, float] = {}
    app = make_app(url)
    with app.app_context():
        started = time.perf_counter()
        migrate()
        steps["migrations"] = time.perf_counter() - started
        started = time.perf_counter()
        load_catalogue_seed()
        synthetic.generate_catalogue(sizes.qualifications, sizes.modules, seed=seed)
        steps["catalogue"] = time.perf_counter() - started
        say(f"  catalogue: {sizes.qualifications:,} qualifications, {sizes.modules:,} modules "
            f"in {steps['catalogue']:.0f} s")
        started = time.perf_counter()
        Generator(sizes, random.Random(seed), say).run()
        steps["partnerships"] = time.perf_counter() - started
        db.session.remove()
        db.engine.dispose()
    return steps


def ensure(url: str, scale: float, rebuild: bool = False, say=print) -> dict[str, float]:
    """Reuse the database when it holds this scale's data (migrated to the latest), else
    build it."""
    if not rebuild and holds_scale(url, Sizes.at(scale)):
        say(f"  reusing {safe_url(url)} (scale {scale})")
        app = make_app(url)
        with app.app_context():
            migrate()
            db.engine.dispose()
        return {}
    return build(url, scale, say=say)


def safe_url(url: str) -> str:
    return make_url(normalise_database_url(url)).render_as_string(hide_password=True)


# --- the rows -----------------------------------------------------------------------------


class Generator:
    """Every partnership's people, networks, sessions, audits and chat, one partnership at a
    time, inserted in batches."""

    def __init__(self, sizes: Sizes, rng: random.Random, say=print):
        self.sizes, self.rng, self.say = sizes, rng, say
        self.now = utcnow()
        self.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        self.ids: dict[str, int] = {}
        self.roles = list(db.session.scalars(select(JobRole.id)))
        self.qualifications = list(db.session.scalars(select(CatalogueItem.id).where(
            CatalogueItem.is_qualification.is_(True), CatalogueItem.stable_id.like("SYN-%"))))
        self.units: dict[int, list[int]] = {}
        self.counts: dict[str, int] = {}

    def run(self) -> None:
        started = time.perf_counter()
        for index in range(self.sizes.partnerships):
            self.partnership(index)
            if (index + 1) % max(1, self.sizes.partnerships // 10) == 0:
                self.say(f"  partnerships: {index + 1:,} of {self.sizes.partnerships:,} "
                         f"({time.perf_counter() - started:.0f} s)")
        db.session.commit()
        after_bulk_load(db.engine.dialect.name)
        self.say("  rows: " + ", ".join(f"{n:,} {name}" for name, n in self.counts.items()))

    def next_id(self, model) -> int:
        """Ids are given here, so that rows can point at rows of the same batch."""
        table = model.__tablename__
        if table not in self.ids:
            self.ids[table] = db.session.scalar(select(func.max(model.id))) or 0
        self.ids[table] += 1
        return self.ids[table]

    def insert(self, model, rows: list[dict]) -> None:
        for start in range(0, len(rows), BATCH):
            db.session.execute(insert(model.__table__), rows[start:start + BATCH])
        self.counts[model.__tablename__] = self.counts.get(model.__tablename__, 0) + len(rows)

    def partnership(self, index: int) -> None:
        number = index + 1
        town = f"{TOWNS[index % len(TOWNS)]} {number}"
        kind = PartnershipKind.HUB if index % 2 else PartnershipKind.CEP
        pid = self.next_id(Partnership)
        self.insert(Partnership, [dict(
            id=pid, name=f"{town} {'Music Hub' if index % 2 else 'Cultural Partnership'}",
            kind=kind, place=town, lead_organisation=f"{town} Council",
            description="Synthetic partnership for the load benchmark.")])
        people = self.people(pid, number)
        organisations = self.organisations(pid, town, people)
        networks = self.networks(pid, town, people)
        self.sessions(pid, networks, organisations)
        self.audits(pid, town, people, organisations)
        self.chat(pid, people, networks)
        self.progress(people)
        db.session.commit()

    # --- people and organisations ---------------------------------------------------------

    def people(self, pid: int, number: int) -> list[tuple[int, Role]]:
        """The partnership's people (user id and role), leads first."""
        users, memberships, people = [], [], []
        for j in range(self.sizes.per_partnership("people")):
            role, label = person_kind(j)
            uid = self.next_id(User)
            users.append(dict(id=uid, email=f"{label}.p{number}@{DOMAIN}",
                              name=f"{label.rstrip('0123456789').title()} {j + 1} of {number}",
                              password_hash=self.password_hash,
                              created_at=self.now - timedelta(days=400 - j % 300),
                              is_catalogue_editor=label == "editor"))
            memberships.append(dict(id=self.next_id(Membership), partnership_id=pid,
                                    user_id=uid, role=role,
                                    joined_at=self.now - timedelta(days=365 - j % 300)))
            people.append((uid, role))
        self.insert(User, users)
        self.insert(Membership, memberships)
        return people

    def organisations(self, pid: int, town: str, people) -> list[int]:
        sectors = list(Sector)
        rows, representatives = [], []
        for k in range(ORGANISATIONS):
            oid = self.next_id(Organisation)
            sector = sectors[k % len(sectors)]
            rows.append(dict(id=oid, partnership_id=pid, name=f"{town} {sector.label} {k + 1}",
                             sector=sector,
                             school_phase="Primary" if sector == Sector.SCHOOL else None))
        self.insert(Organisation, rows)
        membership_ids = self.ids["membership"] - len(people) + 1
        for k, org in enumerate(row["id"] for row in rows):
            representatives.append(dict(id=self.next_id(Representative), partnership_id=pid,
                                        organisation_id=org, membership_id=membership_ids + k))
        self.insert(Representative, representatives)
        return [row["id"] for row in rows]

    # --- CPD ------------------------------------------------------------------------------

    def networks(self, pid: int, town: str, people) -> dict[int, list[int]]:
        """The partnership's networks, each with its members' user ids."""
        count = self.sizes.per_partnership("networks")
        steering = [uid for uid, role in people if role != Role.MEMBER]
        networks: dict[int, list[int]] = {}
        for k in range(count):
            nid = self.next_id(Network)
            self.insert(Network, [dict(
                id=nid, partnership_id=pid, name=f"{town} network {k + 1}",
                description="Teachers and practitioners meeting each term.",
                coordinator_id=steering[k % len(steering)])])
            networks[nid] = []
        ids = list(networks)
        rows = []
        for j, (uid, _) in enumerate(people):
            for nid in {ids[j % count], ids[(j * 7 + 3) % count]}:
                networks[nid].append(uid)
                rows.append(dict(id=self.next_id(NetworkMember), partnership_id=pid,
                                 network_id=nid, user_id=uid))
        self.insert(NetworkMember, rows)
        return networks

    def sessions(self, pid: int, networks: dict[int, list[int]], organisations) -> None:
        per_network = max(1, self.sizes.sessions // self.sizes.networks)
        per_session = max(1, self.sizes.bookings // self.sizes.sessions)
        sessions, bookings = [], []
        for n, (nid, members) in enumerate(networks.items()):
            for k in range(per_network):
                # From five months ago to five months ahead: half past, half to come.
                starts = self.now + timedelta(days=-150 + 300 * k // max(1, per_network - 1),
                                              hours=n % 5)
                capacity = 10 if k % 3 == 0 else 30
                sid = self.next_id(CpdSession)
                sessions.append(dict(
                    id=sid, partnership_id=pid, network_id=nid,
                    title=f"Network {n + 1} session {k + 1}: {self.rng.choice(WORDS)} practice",
                    focus="Practical strategies to take back to the classroom.",
                    starts_at=starts, ends_at=starts + timedelta(hours=3), venue="Town hall",
                    capacity=capacity, facilitator="A visiting practitioner",
                    provider_organisation_id=organisations[k % len(organisations)],
                    learning_hours=Decimal("3")))
                bookings += self.bookings(pid, sid, starts, capacity,
                                          self.rng.sample(members, min(per_session, len(members))))
        self.insert(CpdSession, sessions)
        self.insert(Booking, bookings)

    def bookings(self, pid: int, sid: int, starts, capacity: int, people: list[int]) -> list:
        past = starts < self.now
        rows = []
        for place, uid in enumerate(people):
            status = BookingStatus.BOOKED if place < capacity else BookingStatus.WAITING
            attended = past and status == BookingStatus.BOOKED
            rows.append(dict(id=self.next_id(Booking), partnership_id=pid, session_id=sid,
                             user_id=uid, status=status,
                             requested_at=starts - timedelta(days=30, minutes=place),
                             attendance=Attendance.ATTENDED if attended else None))
        return rows

    # --- audits ---------------------------------------------------------------------------

    def audits(self, pid: int, town: str, people, organisations) -> None:
        groups = []
        for position, (name, vulnerable) in enumerate(DEFAULT_GROUPS):
            groups.append(dict(id=self.next_id(TargetGroup), partnership_id=pid, name=name,
                               vulnerable=vulnerable, position=position))
        self.insert(TargetGroup, groups)
        group_ids = [g["id"] for g in groups]
        per_audit = max(2, self.sizes.audit_records // self.sizes.audits)
        audits, provision, links, needs = [], [], [], []
        for k in range(self.sizes.per_partnership("audits")):
            aid = self.next_id(Audit)
            year = 2026 - k
            audits.append(dict(id=aid, partnership_id=pid, title=f"{town} provision {year}",
                               period_start=date(year - 1, 9, 1), period_end=date(year, 8, 31),
                               area=f"Wards of {town}", status=AuditStatus.COLLECTING,
                               created_by_id=people[0][0]))
            for r in range(per_audit // 2):
                provision.append(self.provision_row(pid, aid, town, organisations))
                if r % 2 == 0:
                    links.append(dict(provision_id=provision[-1]["id"],
                                      target_group_id=group_ids[r % len(group_ids)]))
                needs.append(self.need_row(pid, aid, town, group_ids))
        self.insert(Audit, audits)
        self.insert(Provision, provision)
        self.insert(ProvisionGroup, links)
        self.insert(Need, needs)

    def provision_row(self, pid: int, aid: int, town: str, organisations) -> dict:
        rng = self.rng
        return dict(id=self.next_id(Provision), partnership_id=pid, audit_id=aid,
                    organisation_id=rng.choice(organisations), provider_name=f"{town} provider",
                    activity=f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} programme",
                    art_form=rng.choice(list(ArtForm)), phase=rng.choice(list(AgePhase)),
                    ward=f"{town} ward {rng.randrange(WARDS) + 1}",
                    children_reached=rng.choice([2, 3, 12, 25, 40, 80, 150]),
                    settings_reached=rng.randrange(1, 6), cost_pence=rng.randrange(0, 500_000))

    def need_row(self, pid: int, aid: int, town: str, group_ids: list[int]) -> dict:
        rng = self.rng
        return dict(id=self.next_id(Need), partnership_id=pid, audit_id=aid,
                    source=NeedSource.HAND, respondent_organisation=f"{town} school",
                    target_group_id=rng.choice(group_ids + [None]),
                    phase=rng.choice(list(AgePhase)), art_form=rng.choice(list(ArtForm)),
                    ward=f"{town} ward {rng.randrange(WARDS) + 1}",
                    priority=rng.choice(list(Priority)),
                    children=rng.choice([None, 1, 4, 15, 30, 60]),
                    description="More of this, please.")

    # --- chat -----------------------------------------------------------------------------

    def chat(self, pid: int, people, networks: dict[int, list[int]]) -> None:
        channels = self.channels(pid, networks)
        steering = [uid for uid, role in people if role != Role.MEMBER]
        everyone = [uid for uid, _ in people]
        authors = {cid: steering if kind == ChannelKind.STEERING else members or everyone
                   for cid, kind, members in channels}
        weights = [4 if kind == ChannelKind.GENERAL else 1 if kind == ChannelKind.STEERING
                   else 5 / max(1, len(networks)) for _, kind, _ in channels]
        count = self.sizes.per_partnership("messages")
        chosen = self.rng.choices([cid for cid, _, _ in channels], weights, k=count)
        self.insert(Message, self.messages(pid, chosen, authors, count))
        general = channels[0][0]
        reads = [dict(channel_id=general, user_id=uid,
                      last_read_message_id=self.ids["message"] - count // 10)
                 for uid in everyone]
        self.insert(ChannelRead, reads)

    def channels(self, pid: int, networks: dict[int, list[int]]) -> list[tuple]:
        # Every row with the same keys: an executemany takes its columns from the first.
        rows = [dict(id=self.next_id(Channel), partnership_id=pid, name=GENERAL_NAME,
                     kind=ChannelKind.GENERAL, network_id=None,
                     topic="Everyone in the partnership"),
                dict(id=self.next_id(Channel), partnership_id=pid, name=STEERING_NAME,
                     kind=ChannelKind.STEERING, network_id=None,
                     topic="The steering group and leads")]
        for k, nid in enumerate(networks):
            rows.append(dict(id=self.next_id(Channel), partnership_id=pid,
                             name=f"Network {k + 1}", kind=ChannelKind.NETWORK, network_id=nid,
                             topic="Members of the network"))
        self.insert(Channel, rows)
        members = [[], []] + list(networks.values())
        return [(row["id"], row["kind"], who) for row, who in zip(rows, members, strict=True)]

    def messages(self, pid: int, chosen: list[int], authors, count: int) -> list[dict]:
        """`count` messages over the last year, oldest first; one in ten a reply in the
        thread of the channel's latest message before it."""
        rows, latest = [], {}
        for n, cid in enumerate(chosen):
            body = " ".join(self.rng.choices(WORDS, k=self.rng.randrange(4, 30))).capitalize()
            at = self.now - timedelta(minutes=(count - n) * 525_600 // count)
            parent = latest.get(cid) if n % 10 == 9 else None
            row = dict(id=self.next_id(Message), partnership_id=pid, channel_id=cid,
                       author_id=self.rng.choice(authors[cid]),
                       parent_id=parent["id"] if parent else None, body=body,
                       body_html=f"<p>{escape(body)}</p>", created_at=at, reply_count=0,
                       last_reply_at=None)
            if parent:
                parent["reply_count"] += 1
                parent["last_reply_at"] = at
            else:
                latest[cid] = row
            rows.append(row)
        return rows

    # --- progress -------------------------------------------------------------------------

    def progress(self, people) -> None:
        profiles, held, logs = [], [], []
        for j, (uid, _) in enumerate(people):
            profiles.append(dict(id=self.next_id(PractitionerProfile), user_id=uid,
                                 job_role_id=self.rng.choice(self.roles),
                                 organisation="A member organisation",
                                 share_with_leads=j % 2 == 0))
            for item in set(self.rng.sample(self.qualifications, j % 3)):
                held.append(dict(id=self.next_id(HeldQualification), user_id=uid, item_id=item,
                                 year=2015 + j % 10))
        self.insert(PractitionerProfile, profiles)
        self.insert(HeldQualification, held)
        practitioners = [uid for j, (uid, _) in enumerate(people) if is_practitioner(j)]
        self.enrolments(practitioners)
        for uid in practitioners:
            for k in range(3):
                logs.append(dict(id=self.next_id(CpdLogEntry), user_id=uid,
                                 day=self.now.date() - timedelta(days=40 * k + 5),
                                 activity="Reading and reflection", hours=Decimal("1.5")))
        self.insert(CpdLogEntry, logs)

    def enrolments(self, practitioners: list[int]) -> None:
        enrolments, units = [], []
        for n, uid in enumerate(practitioners):
            for item in set(self.rng.sample(self.qualifications, 1 + n % 2)):
                eid = self.next_id(Enrolment)
                enrolments.append(dict(id=eid, user_id=uid, item_id=item,
                                       started_on=self.now.date() - timedelta(days=200)))
                for k, unit in enumerate(self.units_of(item)[:6]):
                    status = [UnitStatus.ACHIEVED, UnitStatus.IN_PROGRESS,
                              UnitStatus.EVIDENCE_SUBMITTED][k % 3]
                    units.append(dict(id=self.next_id(UnitProgress), enrolment_id=eid,
                                      item_id=unit, status=status))
        self.insert(Enrolment, enrolments)
        self.insert(UnitProgress, units)

    def units_of(self, item: int) -> list[int]:
        if item not in self.units:
            self.units[item] = list(db.session.scalars(select(Component.child_id).where(
                Component.parent_id == item).order_by(Component.id)))
        return self.units[item]


def person_kind(j: int) -> tuple[Role, str]:
    """The role and email label of a partnership's j-th person (from 0)."""
    if j < LEADS:
        return Role.LEAD, f"lead{j + 1}"
    if j < LEADS + STEERING:
        return Role.STEERING, f"steering{j - LEADS + 1}"
    if j == LEADS + STEERING:
        return Role.MEMBER, "editor"
    if is_practitioner(j):
        return Role.MEMBER, f"practitioner{j - LEADS - STEERING}"
    return Role.MEMBER, f"teacher{j - LEADS - STEERING - PRACTITIONERS}"


def is_practitioner(j: int) -> bool:
    return LEADS + STEERING < j <= LEADS + STEERING + PRACTITIONERS


FILLED = (Partnership, User, Membership, Organisation, Representative, Network, NetworkMember,
          CpdSession, Booking, TargetGroup, Audit, Provision, Need, Channel, Message,
          PractitionerProfile, HeldQualification, Enrolment, UnitProgress, CpdLogEntry)


def after_bulk_load(dialect: str) -> None:
    """Planner statistics; on PostgreSQL, sequences moved past the ids given here."""
    connection = db.session.connection()
    if dialect != "postgresql":
        connection.execute(text("ANALYZE"))
        db.session.commit()
        return
    for model in FILLED:
        table = model.__tablename__
        connection.execute(text(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f"(SELECT coalesce(max(id), 0) + 1 FROM \"{table}\"), false)"))
    db.session.commit()
    with db.engine.connect() as autocommit:
        autocommit = autocommit.execution_options(isolation_level="AUTOCOMMIT")
        autocommit.execute(text("VACUUM ANALYZE"))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        help="SQLite or PostgreSQL (default: DATABASE_URL); made afresh")
    parser.add_argument("--reuse", action="store_true",
                        help="keep a database that already holds this scale's data")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("give --database-url or set DATABASE_URL")
    started = time.perf_counter()
    print(f"scale {args.scale}: {Sizes.at(args.scale)}")
    if args.reuse:
        ensure(args.database_url, args.scale)
    else:
        build(args.database_url, args.scale, args.seed)
    print(f"done in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
