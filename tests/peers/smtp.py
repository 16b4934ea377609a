"""A local SMTP catcher for tests: the e-mails a real Parvis process sends, kept in memory.

A threaded ``socketserver`` on ``127.0.0.1`` that speaks just enough plain SMTP (RFC 5321) for
Django's SMTP backend and ``smtplib``: ``EHLO``/``HELO``, ``MAIL``, ``RCPT``, ``DATA`` (with
dot-unstuffing), ``RSET``, ``NOOP``, ``QUIT``. Everything else (``STARTTLS``, ``AUTH``,
``VRFY``…) is answered ``502``: a client that insists on TLS or a password fails loudly instead
of sending in the clear. Each message is parsed with the ``email`` package (modern policy).

Point a Parvis process at it with ``EMAIL_URL=smtp://127.0.0.1:<port>`` (``smtp://`` is plain
SMTP in parvis/settings.py; ``smtp+tls://`` and ``smtps://`` would ask for TLS)::

    with smtp_catcher_running() as catcher:
        env["EMAIL_URL"] = catcher.url
        ...
        mail = catcher.wait_for(lambda m: "Alerte" in m.subject, timeout=30)
"""

from __future__ import annotations

import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import cast

import pytest

MAX_LINE = 4096  # RFC 5321 says 1,000 octets per command line; room for long parameters
MAX_MESSAGE = 10 * 1024 * 1024


@dataclass(frozen=True)
class CaughtMail:
    """One message as the catcher received it: the envelope and the parsed message."""

    sender: str
    recipients: tuple[str, ...]
    message: EmailMessage

    @property
    def subject(self) -> str:
        # A folded header keeps the fold's white space (Django folds long encoded subjects).
        return " ".join(str(self.message.get("Subject", "")).split())

    @property
    def to(self) -> str:
        return " ".join(str(self.message.get("To", "")).split())

    def text(self) -> str:
        """The plain-text body (or the HTML one when there is no plain text)."""
        body = self.message.get_body(preferencelist=("plain", "html"))
        if body is None:
            return ""
        return _lines(str(cast(EmailMessage, body).get_content()))

    def html(self) -> str:
        body = self.message.get_body(preferencelist=("html",))
        return "" if body is None else _lines(str(cast(EmailMessage, body).get_content()))


def _lines(text: str) -> str:
    """Bodies arrive with SMTP's CRLF line ends: tests read them with ``\\n``."""
    return text.replace("\r\n", "\n")


@dataclass
class SmtpCatcher:
    host: str
    port: int
    messages: list[CaughtMail] = field(default_factory=list)
    # Every command line received, for a failing test to show what the client said.
    transcript: list[str] = field(default_factory=list)
    _changed: threading.Condition = field(default_factory=threading.Condition)

    @property
    def url(self) -> str:
        """The ``EMAIL_URL`` of a Parvis process sending here (plain SMTP, no TLS)."""
        return f"smtp://{self.host}:{self.port}"

    def add(self, mail: CaughtMail) -> None:
        with self._changed:
            self.messages.append(mail)
            self._changed.notify_all()

    def caught(self) -> list[CaughtMail]:
        with self._changed:
            return list(self.messages)

    def wait_for(
        self, predicate: Callable[[CaughtMail], bool], *, timeout: float, what: str = "e-mail"
    ) -> CaughtMail:
        """The first message ``predicate`` accepts, waiting up to ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for mail in self.messages:
                    if predicate(mail):
                        return mail
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    subjects = [m.subject for m in self.messages]
                    raise AssertionError(
                        f"no {what} within {timeout} s; caught: {subjects}; "
                        f"last commands: {self.transcript[-10:]}"
                    )
                self._changed.wait(remaining)


class _Session(socketserver.StreamRequestHandler):
    server: _Server
    timeout = 30  # a client that goes quiet is dropped

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        catcher = self.server.catcher
        sender: str | None = None
        recipients: list[str] = []
        self.reply("220 127.0.0.1 parvis-test-smtp ESMTP")
        while True:
            raw = self.rfile.readline(MAX_LINE + 1)
            if not raw:
                return
            if len(raw) > MAX_LINE:
                self.reply("500 5.5.2 Line too long")
                return
            line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
            catcher.transcript.append(line)
            verb, _sep, argument = line.partition(" ")
            verb = verb.upper()
            if verb == "EHLO":
                sender, recipients = None, []
                self.reply("250-127.0.0.1 greets " + (argument.strip() or "you"))
                self.reply("250-8BITMIME")
                self.reply("250-SMTPUTF8")
                self.reply(f"250 SIZE {MAX_MESSAGE}")
            elif verb == "HELO":
                sender, recipients = None, []
                self.reply("250 127.0.0.1")
            elif verb == "MAIL" and argument.upper().startswith("FROM:"):
                sender, recipients = _address(argument[5:]), []
                self.reply("250 2.1.0 OK")
            elif verb == "RCPT" and argument.upper().startswith("TO:"):
                if sender is None:
                    self.reply("503 5.5.1 MAIL first")
                else:
                    recipients.append(_address(argument[3:]))
                    self.reply("250 2.1.5 OK")
            elif verb == "DATA":
                if sender is None or not recipients:
                    self.reply("503 5.5.1 RCPT first")
                    continue
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = self._read_data()
                if data is None:
                    return
                message = message_from_bytes(data, policy=policy.default)
                catcher.add(CaughtMail(sender, tuple(recipients), message))
                sender, recipients = None, []
                self.reply("250 2.0.0 OK: queued")
            elif verb == "RSET":
                sender, recipients = None, []
                self.reply("250 2.0.0 OK")
            elif verb == "NOOP":
                self.reply("250 2.0.0 OK")
            elif verb == "QUIT":
                self.reply("221 2.0.0 Bye")
                return
            else:
                self.reply("502 5.5.1 Command not implemented")

    def _read_data(self) -> bytes | None:
        """The message up to the lone dot, dot-unstuffed; None when the client went away."""
        lines: list[bytes] = []
        size = 0
        while True:
            raw = self.rfile.readline(MAX_MESSAGE)
            if not raw:
                return None
            if raw in (b".\r\n", b".\n"):
                return b"".join(lines)
            if raw.startswith(b"."):
                raw = raw[1:]
            size += len(raw)
            if size > MAX_MESSAGE:
                self.reply("552 5.3.4 Message too big")
                return None
            lines.append(raw)


def _address(argument: str) -> str:
    """``<a@b.fr> SIZE=123`` → ``a@b.fr`` (the empty reverse path ``<>`` stays empty)."""
    text = argument.strip()
    if text.startswith("<"):
        return text[1 : text.find(">")] if ">" in text else text[1:]
    return text.split(" ", 1)[0]


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, catcher: SmtpCatcher) -> None:
        super().__init__((catcher.host, 0), _Session)
        self.catcher = catcher
        catcher.port = int(self.server_address[1])


@contextmanager
def smtp_catcher_running(host: str = "127.0.0.1") -> Iterator[SmtpCatcher]:
    """Run the catcher on a free port of ``host`` (loopback) for the duration of the block."""
    catcher = SmtpCatcher(host=host, port=0)
    server = _Server(catcher)
    thread = threading.Thread(target=server.serve_forever, name="smtp-catcher", daemon=True)
    thread.start()
    try:
        yield catcher
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def smtp_catcher() -> Iterator[SmtpCatcher]:
    """A fresh catcher per test: its ``port``, its ``url`` for ``EMAIL_URL`` and ``messages``."""
    with smtp_catcher_running() as catcher:
        yield catcher
