from workspace.blueprints.main.views import bp

__all__ = ["bp"]
