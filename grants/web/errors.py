"""Error pages (HTML); the API answers problem+json itself."""
from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError

from grants.api.problems import problem
from grants.core import db
from grants.core.i18n import _

from . import unavailable


def init(app: Flask) -> None:
    def page(status, title, message, headers=None):
        if request.path.startswith("/api/"):
            return problem(status, str(title), str(message), headers=headers)
        try:
            html = render_template("errors/error.html", status=status, title=title, message=message)
        except Exception as e:
            if db.is_unavailable(e):  # the layout loads the signed-in user from a database that is down
                return unavailable.response(e)
            raise
        return html, status, headers or {}

    @app.errorhandler(CSRFError)
    def _csrf(e):
        return page(400, _("Sesja formularza wygasła"),
                    _("Formularz wygasł lub nie pochodzi z tej strony. Odśwież stronę i spróbuj ponownie."))

    @app.errorhandler(403)
    def _forbidden(e):
        return page(403, _("Brak dostępu"), _("Nie masz uprawnień do tej strony."))

    @app.errorhandler(404)
    def _not_found(e):
        return page(404, _("Nie znaleziono"), _("Nie ma takiej strony albo nie masz do niej dostępu."))

    @app.errorhandler(405)
    def _method(e):
        allow = {k: v for k, v in e.get_headers() if k.lower() == "allow"}  # RFC 9110: a 405 lists them
        return page(405, _("Niedozwolona metoda"), _("Ta strona nie obsługuje takiego żądania."), allow)

    @app.errorhandler(413)
    def _too_large(e):
        return page(413, _("Za duży plik"), _("Przesłane dane są zbyt duże."))
