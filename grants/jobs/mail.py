"""E-mail delivery: SMTP when GRANTS_SMTP_URL is set, otherwise .eml files in instance/outbox/."""
from __future__ import annotations

import smtplib
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlparse

from grants.core import config

FROM = "grants@localhost"


def build(to: str, subject: str, body: str, sender: str = FROM, message_id: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = message_id or make_msgid(domain="grants.local")
    msg.set_content(body)
    return msg


def send(msg: EmailMessage, settings: config.Settings | None = None) -> str:
    """Delivers one message; returns where it went."""
    settings = settings or config.load(validate=False)
    url = settings.smtp_url
    if not url:
        out = settings.outbox_dir
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"{uuid.uuid4().hex}.eml"
        path.write_bytes(bytes(msg))
        return str(path)
    u = urlparse(url)
    port = u.port or (465 if u.scheme == "smtps" else 25)
    cls = smtplib.SMTP_SSL if u.scheme == "smtps" else smtplib.SMTP
    with cls(u.hostname or "localhost", port, timeout=30) as smtp:
        if u.scheme == "smtp+starttls":
            smtp.starttls()
        if u.username:
            smtp.login(unquote(u.username), unquote(u.password or ""))
        smtp.send_message(msg)
    return f"{u.hostname}:{port}"


def outbox_files(settings: config.Settings | None = None) -> list[Path]:
    settings = settings or config.load(validate=False)
    return sorted(settings.outbox_dir.glob("*.eml")) if settings.outbox_dir.exists() else []
