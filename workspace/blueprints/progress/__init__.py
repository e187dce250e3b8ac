"""Practitioner progress: profile, held qualifications and prior learning, enrolments and
units, progression (views.py); the workforce view for leads (workforce.py); the person's
CPD log and record export (record.py). All on bp."""

from workspace.blueprints.progress import record, workforce  # noqa: F401  (routes on bp)
from workspace.blueprints.progress.views import bp

__all__ = ["bp"]
