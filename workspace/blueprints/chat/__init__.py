"""Chat: channels, messages and threads, live delivery, cards and slash commands, on bp."""

from workspace.blueprints.chat import cards, stream, topics  # noqa: F401  (routes on bp)
from workspace.blueprints.chat.views import bp

__all__ = ["bp"]
