"""Probe: can a rival keep an account's owner out by failing logins on purpose? (issue 21)

Against a running server (loopback only), with a bounded number of requests:
  1. the rival fails the demo NGO's password from many addresses, then hammers from one address;
  2. the owner signs in with the right password from their own address;
  3. the rival fails from the owner's own address too (an office behind one NAT, say), the owner's
     password attempt is throttled (429 with Retry-After), and the owner signs in by the one-time
     link e-mailed to them (read from the server's outbox directory of .eml files);
and prints a summary. Exit status 0 when the owner got in both ways and every 429 had Retry-After.

Distinct client addresses are sent as X-Forwarded-For, so start the server with
GRANTS_TRUSTED_PROXIES=1 (loopback plays the TLS proxy of production). Without it every request
shares the loopback address, as every user shared the proxy's before the fix: the probe says so.

  GRANTS_TRUSTED_PROXIES=1 ... gunicorn --bind 127.0.0.1:5072 'grants:create_app()'
  python bench/probe_lockout.py http://127.0.0.1:5072 --outbox /tmp/instance/outbox
"""
from __future__ import annotations

import argparse
import email
import email.policy
import http.cookiejar
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

OWNER_IP = "192.0.2.10"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """One browser: its own cookies, its CSRF token, its address (sent as X-Forwarded-For)."""

    def __init__(self, base: str, ip: str):
        self.base, self.ip = base.rstrip("/"), ip
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())
        self.csrf = ""
        self.requests = 0

    def call(self, method: str, path: str, data: dict | None = None) -> tuple[int, dict, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, method=method,
                                     headers={"X-Forwarded-For": self.ip, "Accept-Language": "pl"})
        self.requests += 1
        try:
            with self.opener.open(req, timeout=30) as r:
                return r.status, dict(r.headers), r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read().decode("utf-8", "replace")

    def get_csrf(self, path: str = "/login") -> None:
        _, _, html = self.call("GET", path)
        m = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or \
            re.search(r'name="csrf_token" value="([^"]+)"', html)
        self.csrf = m.group(1) if m else ""

    def login(self, email_: str, password: str) -> tuple[int, dict, str]:
        if not self.csrf:
            self.get_csrf()
        return self.call("POST", "/login", {"csrf_token": self.csrf, "email": email_, "password": password})

    def signed_in(self) -> bool:
        return 'action="/logout"' in self.call("GET", "/")[2]


def _newest_link(outbox: Path, to: str, after: float, timeout: float = 30.0) -> str | None:
    """The sign-in link of the newest mail to `to` written after `after` (the server's worker
    writes .eml files when no SMTP is configured)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        files = sorted((p for p in outbox.glob("*.eml") if p.stat().st_mtime >= after),
                       key=lambda p: p.stat().st_mtime, reverse=True)
        for p in files:
            msg = email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
            if (msg["To"] or "").lower() != to.lower():
                continue
            m = re.search(r"https?://\S+/login/link/\S+", msg.get_content())
            if m:
                return m.group(0)
        time.sleep(0.5)
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("base_url", help="e.g. http://127.0.0.1:5072 (loopback only)")
    ap.add_argument("--email", default="ngo@demo.krakow.pl")
    ap.add_argument("--password", default="Demo-Grants-2026")
    ap.add_argument("--addresses", type=int, default=12, help="rival addresses (default 12)")
    ap.add_argument("--per-address", type=int, default=5, help="failures tried from each (default 5)")
    ap.add_argument("--hammer", type=int, default=25, help="failures from one address (default 25)")
    ap.add_argument("--outbox", type=Path, help="the server's instance/outbox directory, for the link")
    args = ap.parse_args(argv)
    host = urllib.parse.urlparse(args.base_url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        print("refusing: the probe runs against a loopback server only", file=sys.stderr)
        return 2
    budget = args.addresses * args.per_address + args.hammer
    if budget > 400:
        print("refusing: more than 400 attack requests", file=sys.stderr)
        return 2

    statuses: Counter = Counter()
    missing_retry_after = 0
    total = 0

    def note(status: int, headers: dict) -> None:
        nonlocal missing_retry_after
        statuses[status] += 1
        if status == 429 and not headers.get("Retry-After"):
            missing_retry_after += 1

    # 1. the rival fails from many addresses, then hammers from one
    rivals = [Client(args.base_url, f"198.51.100.{i + 1}") for i in range(args.addresses)]
    for c in rivals:
        for _ in range(args.per_address):
            note(*c.login(args.email, "zgadywane-haslo-123")[:2])
    hammer = Client(args.base_url, "203.0.113.66")
    for _ in range(args.hammer):
        note(*hammer.login(args.email, "zgadywane-haslo-123")[:2])
    total += sum(c.requests for c in rivals) + hammer.requests

    # 2. the owner, from their own address, with the right password
    owner = Client(args.base_url, OWNER_IP)
    status, headers, _ = owner.login(args.email, args.password)
    note(status, headers)
    password_ok = status == 302 and owner.signed_in()
    total += owner.requests
    shared = not password_ok and status == 429

    # 3. failures from the owner's own address; the owner signs in by the one-time link
    office_rival = Client(args.base_url, OWNER_IP)
    for _ in range(6):
        note(*office_rival.login(args.email, "zgadywane-haslo-123")[:2])
    owner2 = Client(args.base_url, OWNER_IP)
    status2, headers2, html2 = owner2.login(args.email, args.password)
    note(status2, headers2)
    throttled_offers_link = status2 == 429 and 'action="/login/link"' in html2
    link_ok = None
    if args.outbox:
        started = time.time() - 1
        owner2.get_csrf("/login/link")
        st, _, _ = owner2.call("POST", "/login/link", {"csrf_token": owner2.csrf, "email": args.email})
        link = _newest_link(args.outbox, args.email, started)
        link_ok = False
        if st == 302 and link:
            path = urllib.parse.urlparse(link).path
            owner2.get_csrf(path)
            st2, _, _ = owner2.call("POST", path, {"csrf_token": owner2.csrf})
            link_ok = st2 == 302 and owner2.signed_in()
            # a second use of the same link is refused
            again = Client(args.base_url, OWNER_IP)
            again.get_csrf(path)
            st3, _, _ = again.call("POST", path, {"csrf_token": again.csrf})
            total += again.requests
            link_ok = link_ok and st3 == 400
    total += office_rival.requests + owner2.requests

    print(f"lock-out probe against {args.base_url} for {args.email}")
    print(f"  requests sent: {total} (attack: {budget} failures from {args.addresses + 1} addresses, "
          f"then 6 from the owner's own address)")
    print("  answers: " + ", ".join(f"{k}×{v}" for k, v in sorted(statuses.items())))
    print(f"  429 without Retry-After: {missing_retry_after}")
    print(f"  owner signs in with the password from their own address after the attack: "
          f"{'yes' if password_ok else 'NO'} (status {status})")
    if shared:
        print("  (the owner was throttled like the rival: is the server started with "
              "GRANTS_TRUSTED_PROXIES=1? Without it every request shares the loopback address)")
    print(f"  owner's password throttled after failures from the same address: "
          f"{'yes, 429 Retry-After ' + str(headers2.get('Retry-After')) if status2 == 429 else 'no'}"
          f"{', page offers the one-time link' if throttled_offers_link else ''}")
    if link_ok is None:
        print("  one-time link: not tried (pass --outbox DIR)")
    else:
        print(f"  owner signs in by the one-time link while throttled (and the link works once): "
              f"{'yes' if link_ok else 'NO'}")
    ok = password_ok and missing_retry_after == 0 and link_ok is not False
    print("RESULT:", "the owner cannot be locked out" if ok else "PROBLEM")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
