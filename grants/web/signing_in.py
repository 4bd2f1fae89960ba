"""The browser session at the moments a person signs in or out (password, one-time link, TOTP
code, logout, password change)."""
from __future__ import annotations

from flask import session
from flask_login import login_user


def fresh_session() -> None:
    """Empties the browser's session (no fixation, nothing of the last user), keeping its language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def start_session(user) -> None:
    """A fresh session for a user who proved who they are (password or one-time link)."""
    fresh_session()
    login_user(user)
