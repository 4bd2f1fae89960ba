"""One-time links by e-mail: the sign-in link (the owner's way in while password attempts are
throttled; CAPTCHA-free proof of possession of the mailbox) and the e-mail confirmation of a new
registration. Asking for a link answers the same whether or not the e-mail has an account; using
one takes a button press (a POST), so mail scanners that open links use nothing up."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from grants import ratelimits
from grants.accounts import links
from grants.core import db
from grants.core.i18n import _
from grants.forms.auth import ConfirmForm, SigninLinkForm
from grants.ratelimits import limiter

from .auth import finish_sign_in
from .links import external_url

bp = Blueprint("signin", __name__)


@bp.route("/login/link", methods=["GET", "POST"])
@limiter.limit(ratelimits.MAIL_REQUESTS_PER_ADDRESS, methods=["POST"])
def request_link():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SigninLinkForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        # beyond the per-recipient cap nothing more is sent: the links already sent still work
        if ratelimits.mail_allowed("signin", email):
            links.request_signin_link(db.session(), email, secret=current_app.secret_key,
                                      link_for=lambda t: external_url("signin.use_link", token=t))
            db.session.commit()
        return redirect(url_for("signin.mailbox", why="signin"))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/signin_link.html", form=form), status


@bp.route("/login/sent")
def mailbox():
    why = "register" if request.args.get("why") == "register" else "signin"
    return render_template("auth/mailbox.html", why=why)


@bp.route("/login/link/<token>", methods=["GET", "POST"])
def use_link(token: str):
    return _link_page(lambda: links.use_signin_link(db.session(), token, secret=current_app.secret_key,
                                                    ip=request.remote_addr or ""),
                      lambda user: finish_sign_in(user, url_for("home.index")),
                      title=_("Logowanie jednorazowym linkiem"),
                      text=_("Naciśnij przycisk, aby się zalogować. Link działa tylko raz."),
                      button=_("Zaloguj się"), retry_url=url_for("signin.request_link"))


@bp.route("/register/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    return _link_page(lambda: links.confirm_email(db.session(), token, secret=current_app.secret_key),
                      _email_confirmed, title=_("Potwierdzenie adresu e-mail"),
                      text=_("Naciśnij przycisk, aby potwierdzić adres e-mail i włączyć konto."),
                      button=_("Potwierdź adres"), retry_url=url_for("auth.register"))


def _email_confirmed(_result):
    flash(_("Adres e-mail potwierdzony. Możesz się zalogować."), "success")
    return redirect(url_for("auth.login"))


def _link_page(use, done, **page):
    """A one-time link's page: its button (a POST) runs `use()` and commits, then `done(result)`
    answers; a link that does not work (links.LinkError) shows the page again saying why (400).
    `page`: the page's title, text, button and retry_url (where to ask for a new link)."""
    form = ConfirmForm()
    error = None
    if form.validate_on_submit():
        try:
            result = use()
            db.session.commit()
        except links.LinkError as e:
            db.session.rollback()
            error = e.message
        else:
            return done(result)
    return render_template("auth/use_link.html", form=form, error=error, **page), (400 if error else 200)
