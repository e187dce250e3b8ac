"""The steering group: meetings and papers (views.py), actions (actions.py), working groups
(groups.py) and the reminder command (cli.py), all on bp."""

from workspace.blueprints.steering import actions, cli, groups  # noqa: F401  (on bp)
from workspace.blueprints.steering.views import bp

__all__ = ["bp"]
