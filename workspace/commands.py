"""Command-line tasks: `flask seed` loads the demo content into an empty database."""

import click
from flask import Flask

from workspace.services import catalogue_seed, demo


def register_commands(app: Flask) -> None:
    app.cli.add_command(seed_command)


@click.command("seed")
@click.option("--force", is_flag=True, help="Load the demo partnership even if people exist.")
def seed_command(force: bool) -> None:
    """Load the catalogue seed, and the demo partnership when the database has no accounts."""
    catalogue_seed.load_catalogue_seed()
    click.echo("Catalogue seed loaded (Common Core, SSC clusters and roles, seed qualifications).")
    if demo.load_demo(force=force):
        click.echo("Demo partnership loaded.")
    logins = demo.demo_logins()
    if not logins:
        click.echo("No demo logins in this database.")
        return
    click.echo("Demo logins (open http://127.0.0.1:5000):")
    for email, password, what in logins:
        click.echo(f"  {email:24} password: {password}   ({what})")
