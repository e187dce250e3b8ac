"""`flask steering ...` commands, for a scheduler (cron, a systemd timer) to run."""

import click

from workspace.blueprints.steering.views import bp
from workspace.clock import london_today
from workspace.services.steering import actions


@bp.cli.command("send-reminders")
def send_reminders() -> None:
    """Remind owners of overdue actions, at most once a day each (run it daily or hourly)."""
    sent = actions.send_overdue_reminders(london_today())
    click.echo(f"{sent} reminder{'' if sent == 1 else 's'} sent.")
