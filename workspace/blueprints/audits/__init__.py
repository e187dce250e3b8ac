"""Provision audits: audits, provision, needs (and the public needs form), the gap view,
imports and the audit report, all on bp."""

from workspace.blueprints.audits import gaps, public, records, transfer  # noqa: F401  (on bp)
from workspace.blueprints.audits.views import bp

__all__ = ["bp"]
