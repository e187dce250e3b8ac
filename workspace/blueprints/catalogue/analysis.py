"""Analysis pages: Common Core coverage, gaps and over-provision, counts, progression map."""

from workspace.blueprints.catalogue.views import bp  # noqa: F401
