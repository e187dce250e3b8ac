"""CPD networks and sessions: networks, scheduling, sign-up, attendance (views.py), supply
cover (supply.py), calendars (calendar.py) and shared resources (resources.py), all on bp."""

from workspace.blueprints.cpd import calendar, cli, open_cpd, resources, supply  # noqa: F401
from workspace.blueprints.cpd.views import bp

__all__ = ["bp"]
