"""Networks of partnerships: forming, inviting, the channel, meetings, working groups and
resources (views.py)."""

from workspace.blueprints.networks.views import bp

__all__ = ["bp"]
