"""The shared qualifications catalogue: browse and search, item pages, editing, analysis,
import and export. Each module below adds its routes (and `flask catalogue ...` commands) to bp."""

from workspace.blueprints.catalogue import (  # noqa: F401
    analysis,
    roles,
    structure,
    synthetic,
    transfer,
)
from workspace.blueprints.catalogue.views import bp

__all__ = ["bp"]
