"""Import and export of the whole catalogue (CSV and JSON), by page and by CLI."""

from workspace.blueprints.catalogue.views import bp  # noqa: F401
