from workspace.blueprints.credentials.views import bp

__all__ = ["bp"]
