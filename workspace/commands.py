"""Command-line tasks: `flask seed` loads the demo content into an empty database."""

import click
from flask import Flask

from workspace.exceptions import DomainError
from workspace.extensions import db
from workspace.services import demo
from workspace.services.accounts import users
from workspace.services.catalogue import coverage, seed


def register_commands(app: Flask) -> None:
    app.cli.add_command(seed_command)
    app.cli.add_command(editor_command)
    app.cli.add_command(refresh_coverage_command)


@click.command("catalogue-editor")
@click.argument("email")
@click.option("--revoke", is_flag=True, help="Take the role away instead.")
def editor_command(email: str, revoke: bool) -> None:
    """Make the account with EMAIL a catalogue editor (or, with --revoke, no longer one)."""
    try:
        user = users.set_catalogue_editor(email, not revoke)
    except DomainError as error:
        raise click.ClickException(error.message) from None
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
