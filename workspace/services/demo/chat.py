"""The demo's chat, written from the records it talks about: a teacher says she has a place
only when she holds one, the waiting list is quoted from the waiting list, thanks for a day
come from people its register marked attended."""

from workspace.models.chat import ChannelKind
from workspace.models.cpd import Attendance, BookingStatus
from workspace.services.chat import messages
from workspace.services.cpd import sessions
from workspace.services.demo.cpd import NetworkStory
from workspace.services.partnerships import membership


def _channels(partnership, lead) -> list:
    return messages.readable_channels(partnership, membership.find_membership(partnership.id,
                                                                              lead))


def _status(cpd_session, user):
    booking = sessions.booking_of(cpd_session, user)
    return booking.status if booking else None


def load_general(partnership, lead, primary: NetworkStory, people: list) -> None:
    """The lead announces the next primary day; each teacher answers from their booking."""
    general = messages.general_channel(partnership)
    day = primary.full
    if day is None:
        return  # no session ahead: today is beyond the term table
    row = sessions.session_row(day)
    welcome = messages.post_message(
        general, lead, f"The next **primary network day** is full ({row.booked} places "
                       f"booked, {row.waiting} on the waiting list): #cpd-{day.id}")
    for user in people:
        status = _status(day, user)
        if status == BookingStatus.BOOKED:
            messages.post_message(general, user, f"I have my place on #cpd-{day.id}, thank "
                                                 "you! Is it OK to bring a TA?", parent=welcome)
        elif status == BookingStatus.WAITING:
            position = sessions.waiting_position(sessions.booking_of(day, user))
            messages.post_message(general, user, f"I'm number {position} on the waiting list "
                                                 f"for #cpd-{day.id}: fingers crossed.",
                                  parent=welcome)
    messages.post_message(general, lead, "Teachers working towards the CME can see their units "
                                         "and what counts already: #qual-CME")


def load_network_thanks(partnership, lead, story: NetworkStory) -> None:
    """In the network's channel, the people marked attended at its last day thank for it."""
    if not story.past:
        return
    channel = next(c for c in _channels(partnership, lead)
                   if c.kind == ChannelKind.NETWORK and c.network_id == story.network.id)
    last = story.past[-1]
    attended = [b.user for b in sessions.register(last) if b.attendance == Attendance.ATTENDED]
    for n, user in enumerate(attended[:2]):
        text = ("Thank you for the last network day, #cpd-{id}: I tried the warm-ups with my "
                "class the next morning." if n == 0 else
                "Same here, #cpd-{id} gave me plenty for next term. Could we share the slides?")
        messages.post_message(channel, user, text.format(id=last.id))


def load_steering(partnership, lead, steer, action) -> None:
    channel = next(c for c in _channels(partnership, lead) if c.kind == ChannelKind.STEERING)
    messages.post_message(channel, lead, f"@{steer.name}, here is the SEND singing pilot we "
                                         f"agreed: #action-{action.id}")
