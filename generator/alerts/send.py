"""Submitting alerts over SMTP, with the one moment that matters made visible.

An SMTP transaction is complete when the server has received the final
``<CRLF>.<CRLF>`` of the message and answered it (RFC 5321, 4.1.1.4): until
the "." is sent, a dropped connection means no mail. :meth:`Smtp.send`
therefore calls ``committing()`` just before it sends the ".", so the caller
can record it: a crash before that point is safe to retry, a crash after it is
not known to be (see :mod:`.state`).

Every failure is a :class:`DeliveryError` with a sentence for the operator;
:class:`MaybeDelivered` is the one failure after which the message may have
gone.
"""

from __future__ import annotations

import re
import smtplib
import socket
import ssl
from typing import Callable

from ..core.settings import AlertSettings

TIMEOUT = 60


class DeliveryError(Exception):
    """Not delivered: the message says why, and what to do."""


class MaybeDelivered(Exception):
    """The connection failed while the server was answering the final ".": it may have the message."""


def _reply(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return f"{code} {' '.join(text.split())}".strip()


class Smtp:
    """One SMTP session: connect, secure, log in, then :meth:`send` each message."""

    def __init__(self, settings: AlertSettings, password: str | None, timeout: float = TIMEOUT):
        self.settings = settings
        self.password = password
        self.timeout = timeout
        self.where = f"{settings.host}:{settings.default_port}"
        self.client: smtplib.SMTP | None = None

    def __enter__(self) -> "Smtp":
        return self.open()

    def open(self) -> "Smtp":
        """Connect, secure the connection and log in; :class:`DeliveryError` if any of it fails."""
        s = self.settings
        context = ssl.create_default_context()
        try:
            if s.security == "tls":
                self.client = smtplib.SMTP_SSL(s.host, s.default_port, timeout=self.timeout, context=context)
            else:
                self.client = smtplib.SMTP(s.host, s.default_port, timeout=self.timeout)
            self.client.ehlo()
            if s.security == "starttls":
                if not self.client.has_extn("starttls"):
                    raise DeliveryError(f"the SMTP server {self.where} does not offer STARTTLS: set "
                                        "accompany.alerts.security to tls if it encrypts from the start")
                self.client.starttls(context=context)
                self.client.ehlo()
            if s.username:
                self.client.login(s.username, self.password or "")
        except DeliveryError:
            self.close()
            raise
        except smtplib.SMTPAuthenticationError as exc:
            self.close()
            raise DeliveryError(f"the SMTP server {self.where} refused the login of {s.username!r} "
                                f"({_reply(exc.smtp_code, exc.smtp_error)}): check accompany.alerts.username "
                                "and the password in the environment variable named by password_env") from None
        except smtplib.SMTPNotSupportedError:
            self.close()
            raise DeliveryError(f"the SMTP server {self.where} does not accept a login (no AUTH): "
                                "remove accompany.alerts.username, or use the server that submits your mail") from None
        except ssl.SSLCertVerificationError as exc:
            self.close()
            raise DeliveryError(f"cannot make a secure connection to {self.where}: its certificate is not trusted "
                                f"({exc.verify_message}); nothing was sent") from None
        except ssl.SSLError as exc:
            self.close()
            raise DeliveryError(f"cannot make a secure connection to {self.where}: {exc.reason or exc}") from None
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise DeliveryError(f"cannot reach the SMTP server {self.where}: {_why(exc)}") from None
        return self

    def __exit__(self, *exc) -> None:
        if self.client is not None and exc[0] is None:
            try:
                self.client.quit()
            except (OSError, smtplib.SMTPException):
                pass
        self.close()

    def close(self) -> None:
        if self.client is not None:
            try:
                self.client.close()
            except OSError:
                pass
            self.client = None

    def send(self, sender: str, recipients: list[str], data: bytes, committing: Callable[[], None]) -> None:
        """Submit one message to every recipient, or to none.

        A recipient refused means nothing is sent (the transaction is reset).
        ``committing`` is called right before the final "." goes out.
        """
        client = self.client
        try:
            code, reply = client.mail(sender)
            if code != 250:
                raise DeliveryError(f"the SMTP server {self.where} refused the sender {sender} "
                                    f"({_reply(code, reply)}): check accompany.alerts.from")
            for address in recipients:
                code, reply = client.rcpt(address)
                if code not in (250, 251):
                    client.rset()
                    raise DeliveryError(f"the SMTP server {self.where} refused the recipient {address} "
                                        f"({_reply(code, reply)}): nothing was sent to anyone; correct "
                                        "accompany.alerts.to or bcc and run again")
            client.putcmd("data")
            code, reply = client.getreply()
            if code != 354:
                raise DeliveryError(f"the SMTP server {self.where} refused the message ({_reply(code, reply)})")
            client.send(_dot_stuffed(data))
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"the connection to {self.where} failed before the message was complete "
                                f"({_why(exc)}): it was not delivered") from None
        committing()
        try:
            client.send(b".\r\n")
            code, reply = client.getreply()
        except (OSError, smtplib.SMTPException) as exc:
            raise MaybeDelivered(f"the connection to {self.where} failed while the server was accepting the "
                                 f"message ({_why(exc)})") from None
        if code != 250:
            raise DeliveryError(f"the SMTP server {self.where} did not accept the message ({_reply(code, reply)})")


def _dot_stuffed(data: bytes) -> bytes:
    """The message as DATA carries it: CRLF line ends, a "." doubled at the start of a line, a final CRLF."""
    data = re.sub(rb"\r?\n", b"\r\n", data)
    data = re.sub(rb"(?m)^\.", b"..", data)
    return data if data.endswith(b"\r\n") else data + b"\r\n"


def _why(exc: BaseException) -> str:
    if isinstance(exc, socket.gaierror):
        return "no such host"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "no answer (timed out)"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "the server closed the connection"
    if isinstance(exc, smtplib.SMTPResponseException):
        return _reply(exc.smtp_code, exc.smtp_error)
    return str(exc) or type(exc).__name__
