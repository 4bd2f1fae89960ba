"""What the access matrices share: requests as a role through the web or the API, each response
scanned for leaks (`assert_no_leak`, defined by each matrix's world)."""
from __future__ import annotations


class Requests:
    clients: dict
    tokens: dict

    def assert_no_leak(self, role: str, r) -> None:  # pragma: no cover - each world defines it
        raise NotImplementedError

    def web(self, role: str, method: str, path: str, **kw):
        c = self.clients[role]
        r = c.open(path, method=method, **kw)
        self.assert_no_leak(role, r)
        if method != "GET" and role != "anonymous":
            with c.session_transaction() as s:  # flashes pile up in the cookie otherwise
                s.pop("_flashes", None)
        return r

    def api(self, role: str, method: str, path: str, **kw):
        headers = {**self.tokens[role], **kw.pop("headers", {})}
        r = self.clients["anonymous"].open(path, method=method, headers=headers, **kw)
        self.assert_no_leak(role, r)
        if r.status_code >= 400:
            assert r.mimetype == "application/problem+json", (r.status_code, r.mimetype)
            assert r.get_json()["status"] == r.status_code
        return r
