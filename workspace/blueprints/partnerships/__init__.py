from workspace.blueprints.partnerships.views import bp

__all__ = ["bp"]
