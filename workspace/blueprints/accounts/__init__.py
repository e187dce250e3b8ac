from workspace.blueprints.accounts.views import bp

__all__ = ["bp"]
