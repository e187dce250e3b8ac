"""`flask cpd ...` commands, for a scheduler (cron, a systemd timer) to run."""

from datetime import timedelta

import click

from workspace.blueprints.cpd.views import bp
from workspace.clock import utcnow
from workspace.services.cpd import sessions


@bp.cli.command("send-reminders")
@click.option("--hours", default=48, show_default=True,
              help="Remind people booked on sessions starting within this many hours.")
def send_reminders(hours: int) -> None:
    """Remind people of their sessions, once each (run it every hour or so)."""
    sent = sessions.send_reminders(utcnow(), timedelta(hours=hours))
    click.echo(f"{sent} reminder{'' if sent == 1 else 's'} sent.")
