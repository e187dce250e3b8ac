"""`flask admin create`: the first administrator (or another one), from the command line."""

import click

from workspace.blueprints.admin.views import bp
from workspace.clock import utcnow
from workspace.exceptions import DomainError
from workspace.services.accounts import users
from workspace.services.admin import accounts


@bp.cli.command("create")
@click.option("--email", required=True, help="The administrator's email address.")
@click.option("--name", help="Their name, when the account is made now.")
@click.option("--password", help="Their password, when the account is made now (asked for "
                                 "if not given; better than leaving it in the shell history).")
def create_admin(email: str, name: str | None, password: str | None) -> None:
    """Make the account with EMAIL a site administrator, making the account first if none
    uses that address. Recorded in the log of administrators' actions."""
    if "@" not in email:
        raise click.ClickException("Give an email address like name@example.org.")
    if users.get_user_by_email(email) is None:
        name = name or click.prompt("Name")
        password = password or click.prompt("Password", hide_input=True,
                                            confirmation_prompt=True)
    try:
        account, created = accounts.create_admin(email, utcnow(), name=name, password=password)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    made = "Account made for" if created else "Existing account of"
    click.echo(f"{made} {account.name} <{account.email}>: a site administrator.")
