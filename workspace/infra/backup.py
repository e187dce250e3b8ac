"""Backing up and restoring the database, for `flask backup` and `flask restore`.

SQLite is copied with sqlite3's online backup API inside one read transaction, so the copy is
the database at one moment while the app goes on writing (WAL lets writers past a reader). A
PostgreSQL database is dumped by `pg_dump --format=custom` from a snapshot exported by a
REPEATABLE READ transaction, and put back by `pg_restore --clean --if-exists --no-owner` in one
transaction. Either way the row counts reported for a backup are read in the same snapshot as the
copy, so they are the backup's own.

Nothing is changed by a restore until the backup has been checked: SQLite's
`PRAGMA integrity_check`, or `pg_restore --list` and then one transaction that a damaged archive
rolls back. The password of a PostgreSQL URL reaches pg_dump and pg_restore through PGPASSWORD,
never their command line, and no message shows it.
"""

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import datetime
from pathlib import Path

import psycopg
from psycopg import IsolationLevel
from psycopg.conninfo import make_conninfo
from sqlalchemy.engine import make_url

from workspace.exceptions import DomainError

STEP_PAGES = 256  # SQLite pages copied per step; the read transaction holds across the steps

_TABLES = {
    "sqlite": "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' "
              "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    "postgresql": "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                  "ORDER BY tablename",
}


def backup_database(url: str, path: str | Path,
                    during: Callable[[], None] | None = None) -> dict[str, int]:
    """Write a backup of the database at `url` to `path` (a new file); the rows per table in it.

    `during` is called once while the copy is under way (the drill writes then)."""
    dialect, path = _dialect(url), Path(path)
    if path.exists():
        raise DomainError(f"{path} already exists; a backup never overwrites a file.")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    try:
        if dialect == "sqlite":
            counts = _backup_sqlite(_sqlite_file(url), partial, during)
        else:
            counts = _backup_postgresql(url, partial, during)
        os.replace(partial, path)
    except (sqlite3.Error, psycopg.Error) as error:
        raise DomainError(f"The backup failed: {error}") from None
    finally:
        partial.unlink(missing_ok=True)
    return counts


def restore_database(url: str, path: str | Path) -> dict[str, int]:
    """Replace the contents of the database at `url` with the backup at `path`, once the
    backup is found sound; the rows per table afterwards."""
    path = Path(path)
    if not path.is_file():
        raise DomainError(f"There is no backup file at {path}.")
    try:
        if _dialect(url) == "sqlite":
            _restore_sqlite(_sqlite_file(url, must_exist=False), path)
        else:
            _restore_postgresql(url, path)
        return row_counts(url)
    except psycopg.Error as error:
        raise DomainError(f"The restore failed: {error}") from None


def count_rows(connection) -> dict[str, int]:
    """Rows in each table, by name, as a DB-API connection (sqlite3 or psycopg) sees them."""
    return {name: connection.execute(f"SELECT count(*) FROM {_quote(name)}").fetchone()[0]
            for name in _table_names(connection)}


def row_counts(url: str) -> dict[str, int]:
    """Rows in each table of the database at `url` (a SQLite backup file's URL will do)."""
    with connect(url) as connection:
        return count_rows(connection)


@contextmanager
def connect(url: str) -> Iterator:
    """A DB-API connection to the database at `url`, closed afterwards."""
    if _dialect(url) == "sqlite":
        connection = sqlite3.connect(_sqlite_file(url), timeout=20)
    else:
        conninfo, password = _libpq(url)
        connection = psycopg.connect(conninfo, password=password)
    with closing(connection):
        yield connection


def default_backup_path(instance_path: str, url: str, now: datetime) -> Path:
    """instance/backups/workspace-<UTC time>.sqlite (or .dump for PostgreSQL)."""
    suffix = ".sqlite" if _dialect(url) == "sqlite" else ".dump"
    return Path(instance_path) / "backups" / f"workspace-{now:%Y%m%dT%H%M%SZ}{suffix}"


def safe_url(url: str) -> str:
    """The URL to show people: its password hidden."""
    return make_url(url).render_as_string(hide_password=True)


# SQLite

def _backup_sqlite(source_path: str, target_path: Path, during) -> dict[str, int]:
    with closing(sqlite3.connect(source_path, timeout=20, isolation_level=None)) as source, \
            closing(sqlite3.connect(target_path)) as target:
        source.execute("BEGIN")  # the counts and every step of the copy read one snapshot
        counts = count_rows(source)
        source.backup(target, pages=STEP_PAGES, progress=_once(during))
        source.execute("COMMIT")
        # The copy carries the source's WAL flag; one self-contained file is easier to keep.
        target.execute("PRAGMA journal_mode=DELETE")
    return counts


def _restore_sqlite(target_path: str, backup: Path) -> None:
    check_sqlite_backup(backup)
    if Path(target_path).exists() and Path(target_path).samefile(backup):
        raise DomainError(f"{backup} is the database itself.")
    try:
        with closing(_read_only(backup)) as source, \
                closing(sqlite3.connect(target_path, timeout=20)) as target:
            source.backup(target)
    except sqlite3.Error as error:
        raise DomainError(f"The restore failed and changed nothing: {error}.") from None


def check_sqlite_backup(path: Path) -> None:
    """Refuse a file that is not a sound SQLite database holding the app's tables."""
    try:
        with closing(_read_only(path)) as connection:
            result = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            tables = _table_names(connection)
    except sqlite3.DatabaseError as error:
        raise DomainError(f"{path} is not a readable SQLite database ({error}); "
                          "nothing was changed.") from None
    if result != ["ok"]:
        first = result[0].splitlines()[:3]
        raise DomainError(f"{path} fails SQLite's integrity check ({'; '.join(first)}); "
                          "nothing was changed.")
    if "alembic_version" not in tables:
        raise DomainError(f"{path} is a SQLite database but not a Partnership Workspace backup "
                          "(it has no alembic_version table); nothing was changed.")


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)


def _sqlite_file(url: str, must_exist: bool = True) -> str:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise DomainError("Only a SQLite database in a file can be backed up or restored.")
    if must_exist and not Path(database).is_file():
        raise DomainError(f"There is no SQLite database at {database}.")
    return database


# PostgreSQL

def _backup_postgresql(url: str, target_path: Path, during) -> dict[str, int]:
    pg_dump = _client("pg_dump")
    conninfo, password = _libpq(url)
    with closing(psycopg.connect(conninfo, password=password)) as connection:
        connection.isolation_level = IsolationLevel.REPEATABLE_READ
        connection.read_only = True
        server = connection.execute("SHOW server_version_num").fetchone()[0]
        check_dump_version(_client_major(pg_dump), int(server) // 10000)
        snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
        counts = count_rows(connection)
        # pg_dump reads the snapshot this transaction holds open until the dump ends.
        _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target_path}",
              f"--dbname={conninfo}"], password, "pg_dump", during)
        connection.rollback()
    return counts


def _restore_postgresql(url: str, backup: Path) -> None:
    pg_restore = _client("pg_restore")
    conninfo, password = _libpq(url)
    try:
        _run([pg_restore, "--list", str(backup)], password, "pg_restore --list")
    except DomainError as error:
        raise DomainError(f"{backup} is not a pg_dump archive pg_restore can read "
                          f"({error.message}); nothing was changed.") from None
    # One transaction: an archive damaged past its table of contents rolls back whole.
    try:
        _run([pg_restore, "--clean", "--if-exists", "--no-owner", "--single-transaction",
              "--exit-on-error", f"--dbname={conninfo}", str(backup)], password, "pg_restore")
    except DomainError as error:
        raise DomainError(f"{error.message}\nThe restore ran as one transaction, rolled back: "
                          "nothing was changed.") from None


def check_dump_version(client_major: int, server_major: int) -> None:
    """pg_dump refuses a server newer than itself; say so before it is run."""
    if client_major < server_major:
        raise DomainError(f"pg_dump is version {client_major} but the server is PostgreSQL "
                          f"{server_major}: pg_dump must be version {server_major} or newer "
                          f"(install postgresql-client-{server_major}, or put its bin folder "
                          "first on PATH).")


def _client(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise DomainError(f"{name} was not found on PATH: install the PostgreSQL client tools "
                          "(postgresql-client on Debian) or add their folder, such as "
                          "/usr/lib/postgresql/<version>/bin, to PATH.")
    return found


def _client_major(binary: str) -> int:
    output = subprocess.run([binary, "--version"], capture_output=True, text=True,
                            check=True).stdout
    match = re.search(r"PostgreSQL\)\s+(\d+)", output)
    if match is None:
        raise DomainError(f"Cannot tell the version of {binary} from {output.strip()!r}.")
    return int(match.group(1))


def _run(command: list[str], password: str | None, what: str, during=None) -> None:
    """Run a PostgreSQL client with the password in its environment; its errors as ours."""
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = password
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    if during is not None:
        during()
    _, errors = process.communicate()
    if process.returncode != 0:
        raise DomainError(f"{what} failed: {errors.strip() or 'exit ' + str(process.returncode)}")


def _libpq(url: str) -> tuple[str, str | None]:
    """A libpq connection string without the password, and the password apart."""
    parsed = make_url(url)
    args = parsed.translate_connect_args(username="user", database="dbname")
    password = args.pop("password", None)
    return make_conninfo(**{**args, **parsed.query}), password


# Both

def _dialect(url: str) -> str:
    backend = make_url(url).get_backend_name()
    if backend not in _TABLES:
        raise DomainError(f"Backups cover SQLite and PostgreSQL, not {backend}.")
    return backend


def _table_names(connection) -> list[str]:
    dialect = "sqlite" if isinstance(connection, sqlite3.Connection) else "postgresql"
    return [row[0] for row in connection.execute(_TABLES[dialect]).fetchall()]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _once(during: Callable[[], None] | None):
    """A progress callback for sqlite3's backup that calls `during` after the first step."""
    calls = []

    def progress(_status, _remaining, _total):
        if during is not None and not calls:
            calls.append(True)
            during()

    return progress
