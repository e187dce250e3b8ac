"""A real SMTP server on this machine for the tests' mail (aiosmtpd); the `smtp_server`
fixture in conftest.py starts one on a free port of 127.0.0.1 and points the app at it."""

import email
import socket
from email.message import EmailMessage
from email.policy import default


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """What the server received; it answers 550 to an address in `refuse`."""

    def __init__(self) -> None:
        self.envelopes = []
        self.refuse: set[str] = set()
        self.port = 0  # set once the server listens

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"

    @property
    def messages(self) -> list[EmailMessage]:
        return [email.message_from_bytes(e.content, policy=default) for e in self.envelopes]

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def subjects(self) -> list[str]:
        return [m["Subject"] for m in self.messages]

