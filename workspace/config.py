"""Defaults only. Secrets come from instance/config.py or the environment."""

import os
import secrets

SECRET_KEY = None  # from the environment, instance/config.py, or instance/secret_key
SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
# Production behind HTTPS (FLASK_SECURE=1): HSTS, and the session and remember-me cookies are
# sent over HTTPS only (workspace/infra/headers.py). Off by default for the local http server.
SECURE = False
WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
RESOURCE_MAX_BYTES = 20 * 1024 * 1024  # a shared resource file
MAX_CONTENT_LENGTH = RESOURCE_MAX_BYTES + 1024 * 1024  # the largest file plus its form

# Email: with MAIL_SERVER unset, messages are written to the log instead.
MAIL_SERVER = None
MAIL_PORT = 25
MAIL_USE_TLS = False
MAIL_USERNAME = None
MAIL_PASSWORD = None
MAIL_DEFAULT_SENDER = "Partnership Workspace <no-reply@localhost>"

# The address people reach the app at: every absolute link (emails, invitations, share links,
# calendar feeds) is made from it, never from the request's Host header.
BASE_URL = "http://127.0.0.1:5000"
# Host names the app answers to (Flask refuses others with 400); None accepts any, for a
# single machine. In production set TRUSTED_HOSTS=workspace.example.org (comma-separated).
TRUSTED_HOSTS = None
# Proxies in front of the app (a load balancer, nginx): their X-Forwarded-For and -Proto
# entries are trusted, so rate limits key on the real client. 0 trusts none, and a header a
# client sends itself changes nothing.
PROXY_COUNT = 0

# Werkzeug's scrypt: slow and memory-hard on purpose. (The tests use a cheap method for speed.)
PASSWORD_HASH_METHOD = "scrypt"

PASSWORD_RESET_MAX_AGE = 60 * 60  # seconds
SIGN_UP_LINK_MAX_AGE = 24 * 60 * 60  # seconds: the emailed link that finishes a sign-up
EMAIL_CHANGE_MAX_AGE = 24 * 60 * 60  # seconds: the link that confirms a new email address
INVITATION_DAYS = 14
# The RSA private key (PEM) that signs credentials; None: instance/credential_key.pem, made on
# first use. Several machines must share one; losing it makes every credential unverifiable.
CREDENTIAL_SIGNING_KEY = None

# Rate limits (Flask-Limiter): in memory for one process; with REDIS_URL (or
# RATELIMIT_STORAGE_URI) set, in Redis, shared by every worker.
RATELIMIT_STORAGE_URI = "memory://"
RATELIMIT_HEADERS_ENABLED = True
LOGIN_RATE_LIMIT = "10 per minute"
REGISTER_RATE_LIMIT = "5 per hour"  # new accounts, per client address
# Sensitive actions (role changes, exports of people's details) ask for the password again
# when it was last given longer ago than this, or never in this session (remember-me).
FRESH_LOGIN_MINUTES = 15
NEEDS_FORM_RATE_LIMIT = "20 per hour"  # answers to an audit's public needs form, per address
CHAT_POST_RATE_LIMIT = "30 per minute"  # messages, per person

# Provision audits: counts of children under this are shown as "<5" everywhere, so that no
# child can be identified. An audit may raise it, never lower it.
SMALL_COUNT_THRESHOLD = 5

# Chat
CHAT_MESSAGE_MAX_CHARS = 4000
# Live chat streams one person may hold open: across every worker when REDIS_URL is set
# (counted in Redis), else in each worker.
CHAT_STREAMS_PER_PERSON = 8
REDIS_URL = None  # redis://127.0.0.1:6379: rate limits and the stream cap shared by workers
REDIS_KEY_PREFIX = "workspace:"  # one Redis may serve several sites (or test runs)
# Streams a worker holds at most (gunicorn.conf.py sets it a quarter below its threads, so
# that pages always find one free); None: no budget (the development server).
CHAT_STREAMS_PER_WORKER = None
CHAT_STREAM_SECONDS = 55  # a live stream ends after this; the browser reconnects, missing nothing


def database_uri(instance_path: str) -> str:
    """DATABASE_URL when set (PostgreSQL for many users), else SQLite in instance/."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + os.path.join(instance_path, "workspace.sqlite")
    return normalise_database_url(url)


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for postgres:// and postgresql:// URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def apply_environment(cfg) -> None:
    """Plain environment names that hosting platforms set, beside FLASK_* ones."""
    for name in ("SECRET_KEY", "BASE_URL", "MAIL_SERVER", "MAIL_USERNAME", "MAIL_PASSWORD",
                 "MAIL_DEFAULT_SENDER", "RATELIMIT_STORAGE_URI", "REDIS_URL",
                 "REDIS_KEY_PREFIX", "CREDENTIAL_SIGNING_KEY"):
        if os.environ.get(name):
            cfg[name] = os.environ[name]
    if os.environ.get("REDIS_URL") and not os.environ.get("RATELIMIT_STORAGE_URI"):
        cfg["RATELIMIT_STORAGE_URI"] = os.environ["REDIS_URL"]
    if os.environ.get("TRUSTED_HOSTS"):
        cfg["TRUSTED_HOSTS"] = [h.strip() for h in os.environ["TRUSTED_HOSTS"].split(",")
                                if h.strip()]
    if os.environ.get("CHAT_STREAMS_PER_WORKER"):
        cfg["CHAT_STREAMS_PER_WORKER"] = int(os.environ["CHAT_STREAMS_PER_WORKER"])
    if os.environ.get("PROXY_COUNT"):
        cfg["PROXY_COUNT"] = int(os.environ["PROXY_COUNT"])
    if os.environ.get("MAIL_PORT"):
        cfg["MAIL_PORT"] = int(os.environ["MAIL_PORT"])
    if os.environ.get("MAIL_USE_TLS"):
        cfg["MAIL_USE_TLS"] = os.environ["MAIL_USE_TLS"].lower() in ("1", "true", "yes")


def instance_secret_key(instance_path: str) -> str:
    """A key kept in instance/secret_key, made on first use, for a single machine's set-up.

    Several machines behind one address must share SECRET_KEY through the environment instead.
    """
    path = os.path.join(instance_path, "secret_key")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass  # made earlier, or just now by another worker
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    with open(path) as handle:
        return handle.read().strip()
