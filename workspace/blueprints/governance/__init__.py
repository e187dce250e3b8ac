"""Governance and evaluation: terms of reference, aims, the outcomes framework and annual
reviews, all on bp (views.py)."""

from workspace.blueprints.governance.views import bp

__all__ = ["bp"]
