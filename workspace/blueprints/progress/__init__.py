"""Practitioner progress: profile, held qualifications and prior learning, enrolments and
units, progression (views.py); the workforce view for leads (workforce.py); the person's
CPD log and record export (record.py); certificates, statements and credentials
(certificates.py); centres, registration and assessing (centres.py);
the self-assessment and personal action plan (plans.py); an organisation's team development
plan (team.py).
All on bp."""

from workspace.blueprints.progress import (  # noqa: F401  (routes on bp)
    centres,
    certificates,
    plans,
    record,
    team,
    workforce,
)
from workspace.blueprints.progress.views import bp

__all__ = ["bp"]
