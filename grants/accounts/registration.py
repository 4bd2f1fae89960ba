"""Self-registration of participants (S1) that does not reveal which e-mails have accounts.

Whatever the address, valid input gets the same answer ("check your mailbox") after the same work
(one password hash): a new address gets an unconfirmed account and a confirmation link; an address
whose account is still unconfirmed gets its registration replaced (the earlier link stops working)
and a new link; an address with a confirmed account gets a mail telling its owner that someone
tried to register with it. Input is checked before the address is looked up, so a refusal never
depends on it either. Flask-free; the caller passes the secret and the links.
"""
from __future__ import annotations

from enum import Enum
from typing import Callable

from sqlalchemy.orm import Session

from grants.core import audit, outbox
from grants.core.i18n import _
from grants.core.permissions import STAKEHOLDER_TYPES

from . import links
from .operations import AccountError, check_new_password, create_user, normalise_email
from .passwords import hash_password


class Outcome(str, Enum):
    """What happened (for tests and logs; never shown: the answer is the same for all)."""
    CREATED = "created"
    RENEWED = "renewed"
    EXISTS = "exists"


def register_participant(session: Session, *, email: str, password: str, full_name: str,
                         stakeholder_type: str, secret: str, confirm_link_for: Callable[[str], str],
                         login_url: str) -> Outcome:
    """Registers a participant as described above; the caller commits and answers the same."""
    email = normalise_email(email)
    check_new_password(password, email=email, full_name=full_name)
    if stakeholder_type not in STAKEHOLDER_TYPES:
        raise AccountError("stakeholder_type", _("Nieznany typ interesariusza."))
    existing = links.find_user(session, email)
    outcome = Outcome.CREATED
    if existing is not None and existing.email_confirmed_at is None:
        # an unconfirmed registration never signed in and owns nothing: the newer one replaces it,
        # so nobody can hold an address they cannot read
        audit.record(session, "user", existing.id, "registration_replaced", None, changes={"email": email})
        session.delete(existing)
        session.flush()
        existing, outcome = None, Outcome.RENEWED
    if existing is not None:
        hash_password(password)  # the same work as the other answers, so timing tells nothing either
        _mail_someone_tried(session, existing.email, login_url)
        return Outcome.EXISTS
    user = create_user(session, email=email, password=password, roles=["participant"], full_name=full_name,
                       stakeholder_type=stakeholder_type, email_confirmed=False)
    _mail_confirmation(session, user.email, confirm_link_for(links.confirmation_token(user, secret)))
    return outcome


def _mail_confirmation(session: Session, to: str, url: str) -> None:
    hours = int(links.CONFIRM_MAX_AGE.total_seconds() // 3600)
    body = "\n\n".join(str(x) for x in (
        _("Dziękujemy za rejestrację w serwisie konkursów grantowych."),
        _("Aby potwierdzić adres e-mail i włączyć konto, otwórz link i potwierdź przyciskiem (link działa raz, "
          "przez %(n)s godzin):", n=hours),
        url,
        _("Jeśli to nie Ty zakładałeś konto, zignoruj tę wiadomość: bez potwierdzenia konto nie zadziała."),
    ))
    outbox.emit(session, "email.send", {"to": to, "subject": str(_("Potwierdź adres e-mail")), "body": body})


def _mail_someone_tried(session: Session, to: str, login_url: str) -> None:
    body = "\n\n".join(str(x) for x in (
        _("Ktoś próbował założyć nowe konto w serwisie konkursów grantowych z Twoim adresem e-mail."),
        _("Masz już konto z tym adresem, więc nic nie zmieniliśmy. Jeśli to Ty, zaloguj się tutaj (możesz też "
          "poprosić o jednorazowy link do logowania):"),
        login_url,
        _("Jeśli to nie Ty, zignoruj tę wiadomość."),
    ))
    outbox.emit(session, "email.send", {"to": to, "subject": str(_("Próba rejestracji z Twoim adresem")),
                                        "body": body})
