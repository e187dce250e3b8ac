"""Fixtures: an app per test on a clean database, a client, login and factory helpers.

The database is SQLite in a temporary folder unless TEST_DATABASE_URL points at PostgreSQL
(as .ci/run does). The schema is made once per run; each test starts from empty tables.
"""

import contextvars
import hashlib
import os
import re
import threading
import uuid

import pytest
import time_machine
from aiosmtpd.controller import Controller
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from jinja2 import BytecodeCache
from sqlalchemy import event, inspect, select, text
from werkzeug.serving import make_server

from tests.clock import FROZEN_NOW, REAL_CLOCK_FIXTURES, Clock
from tests.smtp import Inbox, free_port
from workspace import create_app
from workspace.clock import utcnow
from workspace.config import normalise_database_url
from workspace.extensions import db
from workspace.models import CommonCoreArea, LoginSession
from workspace.models.outbox import OutboxMessage
from workspace.models.partnerships import PartnershipKind, Role
from workspace.services.accounts import users
from workspace.services.catalogue.seed import COMMON_CORE
from workspace.services.partnerships import membership

PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return normalise_database_url(url)
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")


def _config(database_url: str, instance_path: str, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
        "MAIL_SERVER": None,
        # Hashing stays real but cheap, so that hundreds of log-ins take seconds, not minutes.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # Live chat streams end after this long (browsers reconnect), so a test reading one ends.
        "CHAT_STREAM_SECONDS": 1,
    }
    config.update(overrides)
    return config


class Client(FlaskClient):
    """A test client whose requests run as in production: each in an app context, and so a
    database session, of its own, never the test's.

    Before a request the test's session commits what the test made (the request reads it from
    the database, as it would from a browser); afterwards it forgets what it had loaded, so that
    the test reads what the request committed, and a change a view forgot to commit is gone.
    """

    def open(self, *args, **kwargs):
        if not has_app_context():  # a redirect followed from inside the request's context
            return super().open(*args, **kwargs)
        db.session.commit()
        # The whole answer is read inside the request's own context (streams included, which
        # end after CHAT_STREAM_SECONDS), as a server would before the context goes.
        kwargs["buffered"] = True
        try:
            # An empty context: no app context of the test's for the request to reuse.
            return contextvars.Context().run(super().open, *args, **kwargs)
        finally:
            db.session.expire_all()


@pytest.fixture(autouse=True)
def clock(request):
    """Frozen at FROZEN_NOW for tests inside this process; real for live servers and browsers."""
    if REAL_CLOCK_FIXTURES & set(request.fixturenames) or request.node.get_closest_marker(
            "browser"):
        yield Clock(utcnow())
        return
    with time_machine.travel(FROZEN_NOW, tick=False) as traveller:
        yield Clock(FROZEN_NOW, traveller)


@pytest.fixture(scope="session")
def _schema(database_url, tmp_path_factory):
    """The schema as the migrations build it (search indexes included), once per run."""
    app = create_app(_config(database_url, str(tmp_path_factory.mktemp("instance"))))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return True


def _empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        quoted = ", ".join(f'"{name}"' for name in tables)
        db.session.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
    else:
        for name in tables:
            db.session.execute(text(f'DELETE FROM "{name}"'))
        if inspect(db.engine).has_table("sqlite_sequence"):
            db.session.execute(text("DELETE FROM sqlite_sequence"))
    db.session.commit()


@pytest.fixture
def app_config():
    """Overrides for one test's app (e.g. CSRF on); tests override this fixture."""
    return {}


class SharedBytecode(BytecodeCache):
    """Compiled templates kept for the whole run, so that each test's new app loads a template
    compiled by an earlier test instead of parsing and compiling it again (Jinja keys each by
    the template's name and checks its source's checksum: a changed template is compiled)."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATES_COMPILED = SharedBytecode()


def _unsynced(dbapi_connection, _record):
    """The test database's commits are not flushed to the disk (PRAGMA synchronous=OFF): a
    commit is as atomic and isolated as in production, and is only lost if the machine
    itself stops, which no test needs to survive. Each fsync costs milliseconds, many times
    in most tests."""
    if type(dbapi_connection).__module__ == "sqlite3":
        dbapi_connection.execute("PRAGMA synchronous=OFF")


@pytest.fixture
def app(_schema, database_url, tmp_path, app_config):
    app = create_app(_config(database_url, str(tmp_path), **app_config))
    app.instance_path = str(tmp_path)  # uploads and other local files stay in the test's folder
    app.test_client_class = Client
    app.jinja_env.bytecode_cache = TEMPLATES_COMPILED
    with app.app_context():
        event.listen(db.engine, "connect", _unsynced)
        yield app
        db.session.remove()
        _empty_tables()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def live_server(app):
    """The app served over HTTP by a threaded server, on a free port of this machine (its
    BASE_URL, from which every absolute link is made)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app.config["BASE_URL"]
    server.shutdown()
    thread.join()


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on this machine that the app sends to; yields what it received."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield inbox
    controller.stop()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    counter = iter(range(1, 10_000))

    def make(**overrides):
        n = next(counter)
        fields = {"email": f"person{n}@example.org", "name": f"Person {n}",
                  "password": PASSWORD}
        fields.update(overrides)
        return users.register_user(**fields)

    return make


@pytest.fixture
def make_partnership(make_user):
    def make(lead=None, **overrides):
        lead = lead or make_user()
        fields = {"name": "Riverside Cultural Education Partnership",
                  "kind": PartnershipKind.CEP, "place": "Riverside borough",
                  "lead_organisation": "Riverside Council", "description": ""}
        fields.update(overrides)
        return membership.create_partnership(lead, **fields)

    return make


@pytest.fixture
def add_member():
    """Put a person into a partnership with a role, as an accepted invitation does."""

    def add(partnership, user, role=Role.MEMBER):
        lead = next(m.user for m in partnership.memberships if m.role == Role.LEAD)
        invitation = membership.create_invitation(partnership, lead, role)
        return membership.accept_invitation(invitation.token, user)

    return add


def as_member(obj, user):
    """The person's membership of the partnership `obj` (an action, a poll ...) belongs to."""
    return membership.find_membership(obj.partnership_id, user)


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, user, password: str = PASSWORD):
        response = self.client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, "login failed"
        return response

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return Auth(client)


class Browsers:
    """Signed-in clients for walks of many requests, without a log-in before each one.

    Each person logs in once (a real POST /login, which opens a login session); every client
    handed out afterwards is a new one carrying that log-in's session cookie, as a new tab of
    the same browser would, so no request sees another's cookies. Before a client is handed
    out, its login session is checked to be still open in the database: if a request ended it
    (logging out, a password change, a restored database without it), the person logs in again.
    """

    def __init__(self, app):
        self.app = app
        self.cookie_name = app.config["SESSION_COOKIE_NAME"]
        self.cookies: dict[str, str] = {}

    def client(self, email: str | None = None, password: str = PASSWORD) -> FlaskClient:
        """A new client, signed in as `email` (anonymous when None)."""
        client = self.app.test_client()
        if email is None:
            return client
        cookie = self.cookies.get(email)
        if cookie is None or not self._still_open(cookie):
            response = client.post("/login", data={"email": email, "password": password})
            assert response.status_code == 302, f"{email} could not sign in"
            self.cookies[email] = client.get_cookie(self.cookie_name).value
            return client
        client.set_cookie(self.cookie_name, cookie)
        return client

    def _still_open(self, cookie: str) -> bool:
        serializer = self.app.session_interface.get_signing_serializer(self.app)
        token = serializer.loads(cookie).get("_user_id", "")
        digest = hashlib.sha256(token.encode()).hexdigest()  # as services/accounts/sessions
        with db.engine.connect() as connection:  # not the test's session, nor its transaction
            return connection.scalar(select(LoginSession.id).where(
                LoginSession.token_hash == digest, LoginSession.ended_at.is_(None))) is not None


HTMX = {"HX-Request": "true"}


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def emailed_link(to: str, path: str) -> str:
    """The path (host left off) of the link starting with `path` in the last email queued
    to `to`, as a person would open it from their inbox."""
    db.session.rollback()  # see what the server (another thread, maybe) has committed
    body = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.to == to)
                             .order_by(OutboxMessage.id.desc()))
    assert body is not None, f"no email to {to}"
    match = re.search(rf"https?://[^/\s]+({re.escape(path)}\S*)", body)
    assert match, f"no {path} link in the last email to {to}"
    return match.group(1)


def count_queries(client, url: str) -> int:
    """How many SQL statements a GET of `url` runs (it must answer 200)."""
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_prefix():
    """A key prefix of the test's own in the machine's Redis (as several workers share it);
    its keys are deleted afterwards."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        if os.environ.get("REQUIRE_REDIS"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL} (TEST_REDIS_URL): shared counts untested")
    prefix = f"workspace-test-{uuid.uuid4().hex}:"
    yield prefix
    for key in client.scan_iter(f"*{prefix}*"):  # rate limits put theirs after "LIMITS:"
        client.delete(key)


@pytest.fixture
def areas(app):
    """The six Common Core areas, by number."""
    rows = {n: CommonCoreArea(number=n, title=title) for n, title in enumerate(COMMON_CORE, 1)}
    db.session.add_all(rows.values())
    db.session.commit()
    return rows
