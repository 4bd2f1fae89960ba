"""Login manager and CSRF for the web UI (the API uses bearer tokens and is CSRF-exempt)."""
from __future__ import annotations

from functools import wraps

from flask import Flask, abort
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

from grants.accounts import sessions
from grants.core import db
from grants.core.i18n import _
from grants.core.permissions import has_role

csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _("Zaloguj się, aby zobaczyć tę stronę.")
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"


@login_manager.user_loader
def _load(session_id: str):
    # "<id>:<generation>": a cookie of an ended generation (logout, password change…) loads nobody
    return sessions.load_session_user(db.session(), session_id)


def init(app: Flask) -> None:
    csrf.init_app(app)
    login_manager.init_app(app)


def roles_required(*roles: str):
    """A view for these roles only (403 for others, login for the anonymous)."""
    def deco(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not has_role(current_user, *roles):
                abort(403)
            return view(*args, **kwargs)
        return wrapper
    return deco
