"""Extensions, created unbound and bound to the app in register_extensions."""

import os

from flask import Flask
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
migrate = Migrate(render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
htmx = HTMX()
limiter = Limiter(key_func=get_remote_address)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """Foreign keys on and WAL journal for SQLite; other databases are left alone."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # Several workers share one file: a writer waits its turn rather than failing. A burst of
    # sign-ups for one session queues behind its booking lock; on a busy 2-core machine fifty
    # of them took longer than 5 s to drain, so a request waits up to 20 s before it fails.
    cursor.execute("PRAGMA busy_timeout=20000")
    cursor.close()


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path),
                                                     "migrations"))
    if app.config.get("PROXY_COUNT"):
        # Trust that many proxies' forwarded client address and scheme (not their Host:
        # absolute links come from BASE_URL), so that rate limits key on the real client.
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"
    # "basic": a session seen from another browser or address is no longer fresh, so that
    # sensitive actions ask for the password (access.recent_login_required); sessions end on
    # the server (services/accounts/sessions). "strong" would also forget a session restored
    # from the remember-me cookie one request later, as Flask-Login never marks it.
    login_manager.session_protection = "basic"
