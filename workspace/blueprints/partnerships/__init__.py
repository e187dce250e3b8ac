from workspace.blueprints.partnerships import directory  # noqa: F401  (routes on bp)
from workspace.blueprints.partnerships.views import bp

__all__ = ["bp"]
