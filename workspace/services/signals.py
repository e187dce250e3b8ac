"""Named signals: how a change in one domain reaches another that shows it, without the first
importing the second (a booking changes the chat card of its session).

The service that makes the change sends the signal before it commits, so that what receivers
write (chat's live events) is part of the same transaction. Receivers: `grep` the signal's
name; chat's cards (`services/chat/cards.py`) listen to all three.
"""

from blinker import Namespace

_signals = Namespace()

session_changed = _signals.signal("cpd-session-changed")
"""A CPD session or one of its bookings changed. Sender: the CpdSession."""

action_changed = _signals.signal("action-changed")
"""A steering action changed. Sender: the Action."""

poll_changed = _signals.signal("poll-changed")
"""A poll or one of its votes changed. Sender: the Poll."""
