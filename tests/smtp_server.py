"""A real SMTP server on 127.0.0.1 for the alert tests (aiosmtpd), that records what it accepts.

It can ask for a login, refuse recipients, and stop answering at a chosen
moment (while a recipient is being accepted, or once the whole message is in),
so that a test can kill the sender there.
"""

from __future__ import annotations

import asyncio
import email
import socket
import threading
from email import policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """The server's handler: every message it accepted, as (envelope sender, recipients, parsed message)."""

    def __init__(self):
        self.accepted: list[tuple[str, list[str], email.message.EmailMessage]] = []
        self.data_received = 0
        """Messages received whole (final "." included), answered or not."""
        self.encrypted: list[bool] = []
        """For each message accepted: whether it came over TLS."""
        self.refuse: set[str] = set()
        self.hang_in: str | None = None
        """"rcpt" or "data": stop answering there until :attr:`release` is set."""
        self.arrived = threading.Event()
        self.release = threading.Event()

    async def _hang(self, where: str) -> None:
        if self.hang_in == where:
            self.arrived.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        await self._hang("rcpt")
        if address in self.refuse:
            return "550 5.1.1 <%s>: no such mailbox here" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_received += 1
        # Stored before the answer, as a mail server queues it: when the answer is lost, the message is there.
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        self.encrypted.append(server.transport.get_extra_info("ssl_object") is not None)
        self.accepted.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        await self._hang("data")
        return "250 2.0.0 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for _, _, m in self.accepted]


class SmtpServer:
    """Start with :meth:`start`, stop with :meth:`stop`; ``login`` makes it require that user and password."""

    def __init__(self, login: tuple[str, str] | None = None, tls_context=None, implicit_tls: bool = False):
        self.recorder = Recorder()
        self.port = free_port()
        kwargs = {}
        if login:
            user, password = login

            def authenticate(server, session, envelope, mechanism, auth_data):
                ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
                    user.encode(), password.encode())
                return AuthResult(success=ok, handled=False)  # not handled: the server answers 535 itself

            # Without TLS (127.0.0.1 only) the login is offered, not required: aiosmtpd warns about the other way.
            # With implicit TLS aiosmtpd does not know the connection is encrypted: it is, from the first byte.
            starttls = tls_context is not None and not implicit_tls
            kwargs.update(authenticator=authenticate, auth_required=starttls, auth_require_tls=starttls)
        if tls_context is not None and implicit_tls:
            kwargs.update(ssl_context=tls_context)  # SMTPS: encrypted from the first byte
        elif tls_context is not None:
            kwargs.update(tls_context=tls_context, require_starttls=True)
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port, **kwargs)

    def start(self) -> "SmtpServer":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.recorder.release.set()
        self.controller.stop()
