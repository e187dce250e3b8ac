"""Site administration (/admin): accounts, partnerships, centres' assessors and the log of
administrators' actions (views.py); `flask admin create` (cli.py)."""

from workspace.blueprints.admin import cli  # noqa: F401  (on bp)
from workspace.blueprints.admin.views import bp

__all__ = ["bp"]
