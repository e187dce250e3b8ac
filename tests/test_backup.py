"""Backups: a drill that backs up while the app writes and restores into a fresh database,
refusals that change nothing, and the two commands. On the suite's database (SQLite, or
PostgreSQL when TEST_DATABASE_URL says so)."""

import secrets
import subprocess
import threading
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlalchemy.engine import make_url

from tests.conftest import PASSWORD
from workspace.exceptions import DomainError
from workspace.extensions import db
from workspace.infra import backup
from workspace.models.accounts import User
from workspace.services.accounts import users


def _dialect(url: str) -> str:
    return make_url(url).get_backend_name()


@pytest.fixture
def fresh_database_url(database_url, tmp_path):
    """An empty database of the suite's kind: a new SQLite file, or a scratch PostgreSQL
    database, dropped afterwards."""
    if _dialect(database_url) == "sqlite":
        yield "sqlite:///" + str(tmp_path / "restored.sqlite")
        return
    name = f"workspace_restore_{secrets.token_hex(4)}"
    server = make_url(database_url).set(database="postgres").render_as_string(
        hide_password=False)
    with backup.connect(server) as admin:
        admin.autocommit = True
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield make_url(database_url).set(database=name).render_as_string(
                hide_password=False)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Writer(threading.Thread):
    """Signs people up, one committed row after another, in an app context of its own, until
    told to stop; an email is in `committed` once its commit has returned."""

    def __init__(self, app):
        super().__init__(daemon=True)
        self.app = app
        self.committed: list[str] = []
        self.errors: list[BaseException] = []
        self.warmed_up = threading.Event()
        self.backup_running = threading.Event()
        self.wrote_during_backup = threading.Event()
        self.stop = threading.Event()

    def run(self):
        try:
            with self.app.app_context():
                while not self.stop.is_set():
                    self._write_one()
        except BaseException as error:  # handed to the test, which fails on it
            self.errors.append(error)
        finally:
            self.warmed_up.set()
            self.wrote_during_backup.set()

    def _write_one(self):
        during = self.backup_running.is_set()  # seen before the row is begun
        n = len(self.committed) + 1
        user = users.register_user(f"writer{n}@example.org", f"Writer {n}", PASSWORD)
        self.committed.append(user.email)
        if n >= 5:
            self.warmed_up.set()
        if during:
            self.wrote_during_backup.set()

    def during_backup(self):
        """The backup's hook, called mid-copy: wait for a row committed after it began."""
        self.backup_running.set()
        assert self.wrote_during_backup.wait(timeout=120), "the writer wrote nothing"


def _emails(url: str) -> set[str]:
    with backup.connect(url) as connection:
        return {row[0] for row in connection.execute('SELECT email FROM "user"').fetchall()}


def _integrity(url: str) -> list[str]:
    with backup.connect(url) as connection:
        return [row[0] for row in connection.execute("PRAGMA integrity_check").fetchall()]


def test_backup_drill_while_the_app_writes(app, database_url, fresh_database_url, tmp_path,
                                           make_partnership, monkeypatch):
    make_partnership()
    db.session.execute(insert(User), [
        {"email": f"earlier{n}@example.org", "name": f"Earlier {n}", "password_hash": "x"}
        for n in range(2000)])
    db.session.commit()
    # Small steps, so that the copy of the test's small database takes many of them and the
    # writer's rows land while it is under way.
    monkeypatch.setattr(backup, "STEP_PAGES", 8)
    writer = Writer(app)
    writer.start()
    try:
        assert writer.warmed_up.wait(timeout=120)
        before = list(writer.committed)
        path = tmp_path / "drill.backup"
        counts = backup.backup_database(database_url, path, during=writer.during_backup)
    finally:
        writer.stop.set()
        writer.join()
    assert not writer.errors, writer.errors

    restored = backup.restore_database(fresh_database_url, path)

    dialect = _dialect(database_url)
    if dialect == "sqlite":
        assert backup.row_counts(f"sqlite:///{path}") == counts  # the file's own rows
        assert _integrity(fresh_database_url) == ["ok"]
    left_out = len(writer.committed) - len(_emails(fresh_database_url) & set(writer.committed))
    figures = (f"backup drill ({dialect}): {sum(counts.values())} rows in {len(counts)} "
               f"tables, equal after restore; {len(before)} rows committed before it began "
               f"all present, {left_out} written after its snapshot left out")
    print(f"\n{figures}")
    assert restored == counts, figures
    assert set(before) <= _emails(fresh_database_url), figures
    assert left_out >= 1, figures  # the writer did write while the backup ran


def test_a_file_that_is_no_backup_is_refused_and_changes_nothing(app, database_url, make_user,
                                                                  tmp_path):
    make_user(email="kept@example.org")
    before = backup.row_counts(database_url)
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a database at all " * 1000)
    with pytest.raises(DomainError, match="nothing was changed"):
        backup.restore_database(database_url, junk)
    assert backup.row_counts(database_url) == before
    assert "kept@example.org" in _emails(database_url)


def test_a_damaged_backup_is_refused_and_changes_nothing(app, database_url, make_user,
                                                          make_partnership, tmp_path):
    make_partnership()
    path = tmp_path / "damaged.backup"
    backup.backup_database(database_url, path)
    make_user(email="later@example.org")
    before = backup.row_counts(database_url)
    data = bytearray(path.read_bytes())
    if _dialect(database_url) == "sqlite":
        with backup.connect(f"sqlite:///{path}") as connection:
            root = connection.execute(
                "SELECT rootpage FROM sqlite_master WHERE name = 'user'").fetchone()[0]
        end = root * 4096  # the user table's page, whose rows sit at its end, spoilt
        data[end - 1000:end] = b"\xff" * 1000
        message = "fails SQLite.s integrity check"
    else:
        data = data[:len(data) * 9 // 10]  # its table of contents whole, its data cut short
        message = "nothing was changed"
    path.write_bytes(bytes(data))
    with pytest.raises(DomainError, match=message):
        backup.restore_database(database_url, path)
    assert backup.row_counts(database_url) == before
    assert "later@example.org" in _emails(database_url)


def test_backup_and_restore_commands(runner, app, make_user, tmp_path):
    make_user(email="before@example.org")
    path = tmp_path / "cli.backup"
    made = runner.invoke(args=["backup", str(path)])
    assert made.exit_code == 0, made.output
    assert f"written to {path}:" in made.output
    make_user(email="after@example.org")

    refused = runner.invoke(args=["restore", str(path)])
    assert refused.exit_code != 0 and "run again with --yes" in refused.output
    assert users.get_user_by_email("after@example.org") is not None

    restored = runner.invoke(args=["restore", str(path), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert f"restored from {path}:" in restored.output
    # The same counts, printed the same way: the database is the backup again.
    assert restored.output.splitlines()[1:] == made.output.splitlines()[1:]
    assert users.get_user_by_email("after@example.org") is None
    assert users.get_user_by_email("before@example.org") is not None


def test_backup_command_writes_under_instance_backups_and_never_overwrites(runner, app):
    first = runner.invoke(args=["backup"])
    assert first.exit_code == 0, first.output
    written = list((Path(app.instance_path) / "backups").iterdir())
    assert len(written) == 1 and written[0].name.startswith("workspace-")
    again = runner.invoke(args=["backup"])  # the same second: the same name
    assert again.exit_code != 0 and "never overwrites" in again.output


def test_restore_command_refuses_junk_with_a_clear_message(runner, tmp_path):
    junk = tmp_path / "junk.backup"
    junk.write_text("hello")
    result = runner.invoke(args=["restore", str(junk), "--yes"])
    assert result.exit_code != 0 and "nothing was changed" in result.output


def test_missing_postgresql_clients_are_named(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    url = "postgresql://postgres@127.0.0.1:5432/workspace"
    with pytest.raises(DomainError, match="pg_dump was not found on PATH"):
        backup.backup_database(url, tmp_path / "a.dump")
    archive = tmp_path / "b.dump"
    archive.write_bytes(b"PGDMP")
    with pytest.raises(DomainError, match="pg_restore was not found on PATH"):
        backup.restore_database(url, archive)


def test_pg_dump_older_than_the_server_is_refused_with_the_versions():
    backup.check_dump_version(15, 15)
    backup.check_dump_version(16, 15)
    with pytest.raises(DomainError, match="pg_dump is version 14 but the server is "
                                          "PostgreSQL 15: pg_dump must be version 15 or newer"):
        backup.check_dump_version(14, 15)


def test_a_password_goes_to_pg_dump_through_its_environment_only(database_url, tmp_path,
                                                                 monkeypatch):
    if _dialect(database_url) != "postgresql":
        pytest.skip("pg_dump runs only for PostgreSQL")
    url = make_url(database_url).set(password="s3cret-pw").render_as_string(
        hide_password=False)  # the test server trusts its clients, so any password will do
    launched = []
    real_popen = subprocess.Popen

    def popen(command, **kwargs):
        launched.append((command, kwargs.get("env", {}).get("PGPASSWORD")))
        return real_popen(command, **kwargs)

    monkeypatch.setattr(backup.subprocess, "Popen", popen)
    backup.backup_database(url, tmp_path / "a.dump")
    dumps = [password for command, password in launched if "--format=custom" in command]
    assert dumps == ["s3cret-pw"]
    assert not any("s3cret-pw" in part for command, _ in launched for part in command)
    assert "s3cret-pw" not in backup.safe_url(url)
