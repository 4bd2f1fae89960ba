"""E-mail addresses as mail headers need them (used by the mailer and by forms that take an address)."""
from __future__ import annotations

from email.headerregistry import Address
from email.utils import parseaddr


def address(value: str) -> Address:
    """An address for a header: a display name kept (RFC 2047 encoded), the domain IDNA-encoded
    ("ngo@kraków.pl" -> "ngo@xn--krakw-3ta.pl"): a raw non-ASCII domain makes an invalid header."""
    name, addr = parseaddr(value)
    local, _sep, domain = (addr or value).rpartition("@")
    if not _sep:
        raise ValueError(f"not an e-mail address: {value!r}")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError as e:
        raise ValueError(f"invalid domain in {value!r}: {e}") from None
    return Address(display_name=name, username=local, domain=domain)
