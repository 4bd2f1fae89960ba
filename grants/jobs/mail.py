"""E-mail delivery: SMTP when GRANTS_SMTP_URL is set, otherwise .eml files in instance/outbox/."""
from __future__ import annotations

import contextlib
import os
import smtplib
import socket
import threading
import uuid
from email import policy as email_policy
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlparse

from grants.core import config
from grants.core.addresses import address  # noqa: F401 - the header address, also used from here

FROM = "grants@localhost"


def mail_from() -> str:
    """The From of every mail: GRANTS_MAIL_FROM (e.g. "Urząd Miasta Krakowa <granty@um.krakow.pl>")."""
    return os.environ.get("GRANTS_MAIL_FROM", "").strip() or FROM


class _HeaderClasses(HeaderRegistry):
    """The standard header classes, each made once: the library makes a new class for every header
    of every message (a third of building a mail in a fan-out of thousands)."""

    def __init__(self):
        super().__init__()
        self._made: dict[str, type] = {}

    def __getitem__(self, name):
        made = self._made.get(name.lower())
        if made is None:
            made = self._made[name.lower()] = super().__getitem__(name)
        return made


POLICY = email_policy.default.clone(header_factory=_HeaderClasses())


def build(to: str, subject: str, body: str, sender: str | None = None, message_id: str | None = None,
          date: str | None = None, html: str | None = None, headers: dict | None = None,
          attachments: list[dict] | None = None) -> EmailMessage:
    msg = EmailMessage(policy=POLICY)
    msg["From"] = address(sender or mail_from())
    msg["To"] = address(to)
    msg["Subject"] = subject
    msg["Date"] = date or formatdate(localtime=False)
    msg["Message-ID"] = message_id or make_msgid(domain="grants.local")
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    if html:
        msg.add_alternative(html, subtype="html")
    for a in attachments or ():  # text files only (an invitation): {filename, content_type "text/…", text}
        msg.add_attachment(a["text"], subtype=a["content_type"].split("/", 1)[1], filename=a["filename"])
    return msg


#: errors after which the server certainly does not have the message (it answered with an error
#: code, or there was no server to talk to); after any other error it might have it
NOT_DELIVERED = (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused, ConnectionRefusedError,
                 socket.gaierror)


_reused = threading.local()  # this thread's open connection inside `connection()`


@contextlib.contextmanager
def connection():
    """The mails this thread sends inside share one SMTP connection, opened with the first and
    closed at the end (a batch of a fan-out: no handshake per mail). A connection that failed is
    dropped; the next mail opens another."""
    _reused.active, _reused.smtp = True, None
    try:
        yield
    finally:
        smtp, _reused.active, _reused.smtp = getattr(_reused, "smtp", None), False, None
        if smtp is not None:
            _goodbye(smtp)


def _goodbye(smtp) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()  # the message (if accepted) is the server's now; the goodbye does not matter


def _open(url: str):
    u = urlparse(url)
    port = u.port or (465 if u.scheme == "smtps" else 25)
    cls = smtplib.SMTP_SSL if u.scheme == "smtps" else smtplib.SMTP
    smtp = cls(u.hostname or "localhost", port, timeout=30)
    try:
        if u.scheme == "smtp+starttls":
            smtp.starttls()
        if u.username:
            smtp.login(unquote(u.username), unquote(u.password or ""))
    except BaseException:
        _goodbye(smtp)
        raise
    return smtp


def _send_reusing(msg: EmailMessage, url: str, on_accepted: Callable[[], None] | None) -> None:
    smtp = _reused.smtp
    if smtp is not None:
        try:
            smtp.noop()  # still there? (servers drop idle connections): if not, a new one; nothing sent yet
        except (smtplib.SMTPException, OSError):
            smtp.close()
            smtp = None
    if smtp is None:
        _reused.smtp = None
        smtp = _reused.smtp = _open(url)
    try:
        smtp.send_message(msg)
    except BaseException:
        _reused.smtp = None
        smtp.close()
        raise
    if on_accepted is not None:
        on_accepted()


def send(msg: EmailMessage, settings: config.Settings | None = None,
         on_accepted: Callable[[], None] | None = None) -> str:
    """Delivers one message; returns where it went. `on_accepted` runs as soon as the server has
    accepted the message (before QUIT: a connection lost while saying goodbye loses nothing)."""
    settings = settings or config.load(validate=False)
    url = settings.smtp_url
    if not url:
        out = settings.outbox_dir
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"{uuid.uuid4().hex}.eml"
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(bytes(msg))
        tmp.replace(path)  # a whole file or none
        if on_accepted is not None:
            on_accepted()
        return str(path)
    u = urlparse(url)
    where = f"{u.hostname}:{u.port or (465 if u.scheme == 'smtps' else 25)}"
    if getattr(_reused, "active", False):
        _send_reusing(msg, url, on_accepted)
        return where
    smtp = _open(url)
    try:
        smtp.send_message(msg)
        if on_accepted is not None:
            on_accepted()
    finally:
        _goodbye(smtp)
    return where


def outbox_files(settings: config.Settings | None = None) -> list[Path]:
    settings = settings or config.load(validate=False)
    return sorted(settings.outbox_dir.glob("*.eml")) if settings.outbox_dir.exists() else []
