"""The steering group: meetings, papers, actions and working groups, all on bp."""

from workspace.blueprints.steering.views import bp

__all__ = ["bp"]
