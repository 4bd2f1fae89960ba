"""Probe: the membership attack of issue 21 against a running server (R-ORG-MEMBERSHIP).

    .venv/bin/python -m bench.probe_membership http://127.0.0.1:5071 [--password Demo-Grants-2026]

With the demo data (`make run`): an officer of another department (urzednik.kd@demo.krakow.pl)
tries to make themselves a member of the NGO of ngo@demo.krakow.pl, through the page (the old
e-mail-only form, then the staff exception with a reason) and through the API; then to read that
NGO's draft offer and to withdraw its offer. Prints each step and whether it was refused; exits 1
when any step got through. About 20 requests; loopback addresses only. Standard library only.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import ipaddress
import json
import re
import socket
import sys
import urllib.error
import urllib.parse
import urllib.request

OFFICER = "urzednik.kd@demo.krakow.pl"
NGO = "ngo@demo.krakow.pl"
REASON = "Próba: urzędnik innego wydziału dodaje siebie do organizacji (sonda bezpieczeństwa)."
MAX_REQUESTS = 40


class Client:
    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())
        self.count = 0

    def request(self, method: str, path: str, *, form: dict | None = None, body: dict | None = None,
                token: str | None = None) -> tuple[int, str]:
        self.count += 1
        if self.count > MAX_REQUESTS:
            raise SystemExit("request budget exhausted")
        headers, data = {}, None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with self.opener.open(req, timeout=30) as r:
                return r.status, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **kw):
        return None


def _csrf(page: str, name: str = "csrf_token") -> str:
    m = re.search(r'name="%s"[^>]*value="([^"]+)"' % re.escape(name), page) or \
        re.search(r'value="([^"]+)"[^>]*name="%s"' % re.escape(name), page)
    return m.group(1) if m else ""


def _loopback(base: str) -> None:
    host = urllib.parse.urlparse(base).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror:
        raise SystemExit(f"cannot resolve {host}") from None
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        raise SystemExit(f"refusing to probe {host}: loopback addresses only")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("base_url")
    ap.add_argument("--password", default="Demo-Grants-2026", help="the demo logins' password")
    args = ap.parse_args(argv)
    _loopback(args.base_url)
    results: list[tuple[str, bool, str]] = []  # (step, refused, detail)

    def step(name: str, refused: bool, detail: str) -> None:
        results.append((name, refused, detail))
        print(f"  {'REFUSED ' if refused else 'ALLOWED!'}  {name}: {detail}")

    api = Client(args.base_url)
    status, text = api.request("POST", "/api/v1/tokens", body={"email": NGO, "password": args.password})
    if status != 201:
        print(f"cannot sign in as {NGO} ({status}): is the demo loaded?")
        return 2
    ngo_token = json.loads(text)["token"]
    status, text = api.request("GET", "/api/v1/offers?per_page=500", token=ngo_token)
    offers = json.loads(text)["items"] if status == 200 else []
    drafts = [o for o in offers if o["state"] == "draft"]
    withdrawable = [o for o in offers if o["state"] in ("submitted", "needs_correction", "eligible")]
    if not drafts:
        print("the NGO has no draft offer in the demo data")
        return 2
    org_id = drafts[0]["organisation_id"]
    draft_id = drafts[0]["id"]
    print(f"target: organisation {org_id} (member {NGO}), draft offer {draft_id}, "
          f"offers to withdraw: {[o['id'] for o in withdrawable if o['organisation_id'] == org_id][:1]}")

    status, text = api.request("POST", "/api/v1/tokens", body={"email": OFFICER, "password": args.password})
    if status != 201:
        print(f"cannot sign in as {OFFICER} ({status})")
        return 2
    officer_token = json.loads(text)["token"]
    status, _ = api.request("GET", f"/api/v1/offers/{draft_id}", token=officer_token)
    print(f"before: the officer reads the draft through the API -> {status}")

    web = Client(args.base_url)
    status, page = web.request("GET", "/login")
    status, _ = web.request("POST", "/login", form={"email": OFFICER, "password": args.password,
                                                     "csrf_token": _csrf(page)})
    if status not in (302, 303):
        print(f"cannot sign in to the pages as {OFFICER} ({status})")
        return 2
    status, page = web.request("GET", f"/organisations/{org_id}/members")
    token = _csrf(page, "staff-csrf_token") or _csrf(page)
    print(f"the officer opens the organisation's members page -> {status}")
    # 1. the form of the finding: e-mail only
    status, text = web.request("POST", f"/organisations/{org_id}/members",
                               form={"email": OFFICER, "csrf_token": token, "staff-csrf_token": token})
    step("page: add self, e-mail only", status not in (302, 303), f"HTTP {status}")
    # 2. the staff exception, for themselves, with a reason
    status, text = web.request("POST", f"/organisations/{org_id}/members",
                               form={"staff-email": OFFICER, "staff-reason": REASON, "staff-role": "board",
                                     "staff-csrf_token": token})
    step("page: add self with a written reason", status not in (302, 303), f"HTTP {status}")
    # 3. the API, for themselves and for a colleague
    for email in (OFFICER, "urzednik@demo.krakow.pl"):
        status, text = api.request("POST", f"/api/v1/organisations/{org_id}/members", token=officer_token,
                                   body={"email": email, "reason": REASON, "role": "board"})
        detail = json.loads(text).get("detail", "") if text.startswith("{") else ""
        step(f"API: add {email}", status >= 400, f"HTTP {status} {detail[:120]}")
    # 4. an invitation to themselves (only the board invites)
    status, text = api.request("POST", f"/api/v1/organisations/{org_id}/invitations", token=officer_token,
                               body={"email": OFFICER, "role": "board"})
    step("API: invite self", status >= 400, f"HTTP {status}")
    # 5. the NGO's data
    status, _ = api.request("GET", f"/api/v1/offers/{draft_id}", token=officer_token)
    step("API: read the NGO's draft", status in (403, 404), f"HTTP {status}")
    status, _ = web.request("GET", f"/offers/{draft_id}")
    step("page: read the NGO's draft", status in (403, 404), f"HTTP {status}")
    target = next((o for o in withdrawable if o["organisation_id"] == org_id), None) or drafts[0]
    status, _ = api.request("POST", f"/api/v1/offers/{target['id']}/transitions/withdraw", token=officer_token)
    step(f"API: withdraw the NGO's offer {target['id']} ({target['state']})", status >= 400, f"HTTP {status}")
    # the NGO's members list is unchanged
    status, text = api.request("GET", f"/api/v1/organisations/{org_id}/members", token=ngo_token)
    emails = [m["email"] for m in json.loads(text)["items"]] if status == 200 else []
    step("the officer is not among the NGO's members", OFFICER not in emails, f"members: {emails}")

    allowed = [r for r in results if not r[1]]
    print(f"\n{len(results) - len(allowed)} of {len(results)} attack steps refused; {api.count + web.count} requests.")
    return 1 if allowed else 0


if __name__ == "__main__":
    sys.exit(main())
