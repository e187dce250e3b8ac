"""Command-line tasks: `flask seed` loads the demo content into an empty database; `flask
send-mail` sends the outbox; `flask backup` and `flask restore` copy the database to a file
and back."""

import signal
import threading

import click
from flask import Flask, current_app

from workspace.clock import utcnow
from workspace.exceptions import DomainError
from workspace.extensions import db
from workspace.infra import backup, mail
from workspace.services import demo
from workspace.services.accounts import users
from workspace.services.admin import accounts as admin_accounts
from workspace.services.catalogue import coverage, seed


def register_commands(app: Flask) -> None:
    app.cli.add_command(seed_command)
    app.cli.add_command(editor_command)
    app.cli.add_command(refresh_coverage_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(send_mail_command)


@click.command("catalogue-editor")
@click.argument("email")
@click.option("--revoke", is_flag=True, help="Take the role away instead.")
def editor_command(email: str, revoke: bool) -> None:
    """Make the account with EMAIL a catalogue editor (or, with --revoke, no longer one);
    recorded in the log of administrators' actions."""
    user = users.get_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account uses {email}.")
    admin_accounts.set_role(None, user, "catalogue_editor", not revoke, utcnow())
    click.echo(f"{user.name} is {'no longer ' if revoke else ''}a catalogue editor.")


@click.command("seed")
@click.option("--force", is_flag=True, help="Load the demo partnership even if people exist.")
def seed_command(force: bool) -> None:
    """Load the catalogue seed, and the demo partnership when the database has no accounts."""
    seed.load_catalogue_seed()
    click.echo("Catalogue seed loaded (Common Core, SSC clusters and roles, the catalogue pack's "
               "workforce roles and sourced qualifications).")
    if demo.load_demo(force=force):
        click.echo("Demo partnership loaded.")
    logins = demo.demo_logins()
    if not logins:
        click.echo("No demo logins in this database.")
        return
    click.echo("Demo logins (open http://127.0.0.1:5000):")
    for email, password, what in logins:
        click.echo(f"  {email:24} password: {password}   ({what})")


@click.command("refresh-coverage")
def refresh_coverage_command() -> None:
    """Recompute every catalogue item's stored Common Core coverage (after the catalogue's
    tables were changed by hand, outside the app)."""
    coverage.refresh_all()
    db.session.commit()
    click.echo("Stored Common Core coverage recomputed for every catalogue item.")


@click.command("backup")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
def backup_command(path: str | None) -> None:
    """Copy the database to PATH (a new file; by default instance/backups/workspace-<time>),
    while the app goes on running."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    path = path or backup.default_backup_path(current_app.instance_path, url, utcnow())
    try:
        counts = backup.backup_database(url, path)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Backup of {backup.safe_url(url)} written to {path}:")
    _echo_row_counts(counts)


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Confirm: replace everything in the database.")
def restore_command(path: str, yes: bool) -> None:
    """Replace the database's contents with the backup at PATH, once it is found sound.
    Stop the app first: the restore waits for every other connection's locks."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    if not yes:
        raise click.ClickException(f"Restoring replaces everything in {backup.safe_url(url)}. "
                                   "Nothing was changed; run again with --yes to go ahead.")
    # This process's own connections let go first, so that they hold nothing the restore
    # waits for and are not reused on the tables it replaces.
    db.session.remove()
    db.engine.dispose()
    try:
        counts = backup.restore_database(url, path)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"{backup.safe_url(url)} restored from {path}:")
    _echo_row_counts(counts)


def _echo_row_counts(counts: dict[str, int]) -> None:
    width = max((len(name) for name in counts), default=0)
    for name, rows in counts.items():
        click.echo(f"  {name:{width}}  {rows:>9}")
    click.echo(f"{sum(counts.values())} rows in {len(counts)} tables.")


@click.command("send-mail")
@click.option("--watch", is_flag=True,
              help="Keep sending as mail falls due, until stopped (SIGTERM or Ctrl-C).")
@click.option("--interval", default=5.0, show_default=True,
              help="With --watch, seconds between looks at the outbox.")
@click.option("--limit", default=100, show_default=True,
              help="Send at most this many messages per run (per look, with --watch).")
def send_mail_command(watch: bool, interval: float, limit: int) -> None:
    """Send the email that is due from the outbox, and say how many went, failed and are left.

    Run it from a scheduler every minute or so, or keep one running with --watch.
    """
    if not watch:
        _echo_run(mail.send_outbox(utcnow(), limit=limit))
        return
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    click.echo(f"Sending mail as it falls due, looking every {interval:g} s; stop with SIGTERM "
               "or Ctrl-C.")
    while not stop.is_set():
        try:
            run = mail.send_outbox(utcnow(), limit=limit)
        except Exception:  # the database away for a moment: try again at the next look
            db.session.rollback()
            mail.log.exception("Sending the outbox failed")
            stop.wait(interval)
            continue
        if run.sent or run.failed:
            _echo_run(run)
        stop.wait(interval if run.sent + run.failed < limit else 0)
    click.echo("Stopped.")


def _echo_run(run: mail.OutboxRun) -> None:
    given_up = f" ({run.given_up} given up)" if run.given_up else ""
    click.echo(f"{run.sent} sent, {run.failed} failed{given_up}, {run.left} left.")
