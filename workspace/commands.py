"""Command-line tasks: `flask seed` loads the demo content into an empty database."""

import click
from flask import Flask

from workspace.services import demo


def register_commands(app: Flask) -> None:
    app.cli.add_command(seed_command)


@click.command("seed")
@click.option("--force", is_flag=True, help="Load the demo partnership even if people exist.")
def seed_command(force: bool) -> None:
    """Load the demo partnership and its logins when the database has no accounts."""
    logins = demo.load_demo(force=force)
    if logins is None:
        click.echo("The database already has accounts: demo content not loaded.")
        return
    click.echo("Demo partnership loaded. Log in as any of:")
    for email, password, what in logins:
        click.echo(f"  {email:32} password: {password:16} ({what})")
