"""One declaration per API operation: the route and its documentation together (issue 15).

    @api_route("/commissions/<cid>/members", "POST", summary="Add a member", who="...",
               body=MemberIn, response=CommissionOut, errors={403: "...", 422: "..."})
    def add_member(cid): ...

registers the Flask rule on the /api/v1 blueprint *and* the OpenAPI operation (grants/api/openapi.py
reads OPERATIONS), so an endpoint cannot exist undocumented. The generic collection endpoints
(grants/api/collections.py) are documented from the same `Collection` registry that routes them.
tests/api/test_openapi_coverage.py walks the URL map and fails on any rule missing from the document
and on any documented path that does not route."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from flask import request
from pydantic import BaseModel

from .blueprint import bp
from .problems import invalid

# Flask's <conv:name> → OpenAPI's {name}
_VAR = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def openapi_path(rule: str) -> str:
    """'/api/v1/offers/<obj_id>/cost-lines/<int:n>' → '/api/v1/offers/{obj_id}/cost-lines/{n}'."""
    return _VAR.sub(lambda m: "{%s}" % m.group(2), rule)


def path_variables(rule: str) -> list[tuple[str, str | None]]:
    return [(m.group(2), m.group(1)) for m in _VAR.finditer(rule)]


Schema = type[BaseModel] | dict | None


@dataclass
class Operation:
    rule: str                 # the Flask rule, with the /api/v1 prefix
    method: str               # GET, POST, PUT, PATCH, DELETE
    view: Callable
    summary: str
    who: str                  # the role and relation that may call it (shown in the description)
    body: Schema = None       # the request body's model (or JSON schema); None: no body
    body_required: bool = True
    response: Schema = None   # the success body's model (or JSON schema); None with status 204
    status: int = 200
    errors: dict[int, str] = field(default_factory=dict)
    example: Any = None       # an example of the success body (one is derived from the schema otherwise)
    body_example: Any = None
    public: bool = False      # callable without a token
    query: tuple[dict, ...] = ()
    operation_id: str = ""
    tag: str = ""
    description: str = ""
    headers: tuple[dict, ...] = ()  # request headers (If-Match, Idempotency-Key)
    reads_token: bool = True  # False: the token is not even read (security: [])
    body_type: str = "application/json"      # multipart/form-data for uploads
    response_type: str = "application/json"  # e.g. application/octet-stream for a download

    @property
    def path(self) -> str:
        return openapi_path(self.rule)


OPERATIONS: list[Operation] = []


def query_param(name: str, description: str, schema: dict | None = None, required: bool = False) -> dict:
    return {"name": name, "in": "query", "required": required, "description": description,
            "schema": schema or {"type": "string", "maxLength": 200}}


IF_MATCH = {"name": "If-Match", "in": "header",
            "description": 'The version read, e.g. "3" (the ETag); when stale, 409 with the current version.',
            "schema": {"type": "string", "maxLength": 30}}
IDEMPOTENCY_KEY = {"name": "Idempotency-Key", "in": "header",
                   "description": "A retry with the same key and caller returns the first result.",
                   "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[!-~]{1,200}$"}}


def api_route(rule: str, method: str, *, summary: str, who: str, body: Schema = None, body_required: bool = True,
              response: Schema = None, status: int = 200, errors: dict[int, str] | None = None, example: Any = None,
              body_example: Any = None, public: bool = False, query: tuple[dict, ...] = (),
              operation_id: str = "", tag: str = "", description: str = "",
              headers: tuple[dict, ...] = (), reads_token: bool = True, body_type: str = "application/json",
              response_type: str = "application/json") -> Callable:
    """Registers `rule` (relative to /api/v1) for `method` on the API blueprint and its OpenAPI
    operation. Stack it for a view answering several methods."""
    method = method.upper()
    if not summary or not who:
        raise ValueError(f"{method} {rule}: an API operation needs a summary and who may call it")
    if response is None and status != 204:
        raise ValueError(f"{method} {rule}: an API operation needs a response schema (or status=204)")

    def register(view: Callable) -> Callable:
        op = Operation(rule=bp.url_prefix + rule, method=method, view=view, summary=summary, who=who, body=body,
                       body_required=body_required, response=response, status=status, errors=dict(errors or {}),
                       example=example, body_example=body_example, public=public, query=tuple(query),
                       operation_id=operation_id or _operation_id(view, method),
                       tag=tag or rule.strip("/").split("/")[0], description=description, headers=tuple(headers),
                       reads_token=reads_token, body_type=body_type, response_type=response_type)
        if any(o.path == op.path and o.method == method for o in OPERATIONS):
            raise ValueError(f"{method} {op.path} declared twice")
        OPERATIONS.append(op)
        bp.add_url_rule(rule, endpoint=view.__name__, view_func=_checked(view, method, op.query), methods=[method])
        return view

    return register


def _checked(view: Callable, method: str, query: tuple[dict, ...]) -> Callable:
    """The view behind a check of its query string: a parameter the operation does not declare is a
    422 naming it (a typo such as ?rol=officer would otherwise silently list everyone). One wrapper
    per view, whatever the methods it is declared for (Flask keeps one function per endpoint)."""
    wrapper = _WRAPPERS.get(view)
    if wrapper is None:
        allowed: dict[str, dict[str, dict]] = {}

        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            declared = allowed.get(request.method, {})
            unknown = sorted(set(request.args) - set(declared))
            if unknown:
                raise invalid([{"field": name, "message": "unknown query parameter"} for name in unknown[:20]],
                              "Unknown query parameter")
            errors = [{"field": name, "message": message} for name, schema in declared.items()
                      for message in [_query_error(request.args.getlist(name), schema)] if message]
            if errors:
                raise invalid(errors, "Invalid query parameter")
            return view(*args, **kwargs)

        wrapper.allowed = allowed  # type: ignore[attr-defined]
        _WRAPPERS[view] = wrapper
    wrapper.allowed.setdefault(method, {}).update({p["name"]: p.get("schema", {}) for p in query})  # type: ignore
    return wrapper


def _query_error(values: list[str], schema: dict) -> str | None:
    """What is wrong with a query parameter's values against its declared schema (one value, of the
    declared type, enum and bounds), or None. The views read them knowing they are well formed."""
    if not values:
        return None
    if len(values) > 1:
        return "given more than once"
    value = values[0]
    if "\x00" in value:
        return "must not contain the NUL character"
    if schema.get("type") == "integer":
        if not (value.isascii() and value.isdigit() and len(value) <= 9):
            return "must be a whole number"
        number = int(value)
        if number < schema.get("minimum", number) or number > schema.get("maximum", number):
            return f"must be from {schema.get('minimum', '')} to {schema.get('maximum', '')}".replace("from  to", "at most")
    if "enum" in schema and value not in schema["enum"]:
        return "must be one of: " + ", ".join(map(str, schema["enum"]))
    if len(value) > schema.get("maxLength", 1000):
        return f"at most {schema.get('maxLength', 1000)} characters"
    return None


_WRAPPERS: dict[Callable, Callable] = {}


def _operation_id(view: Callable, method: str) -> str:
    name = view.__name__
    return name if not any(o.operation_id == name for o in OPERATIONS) else f"{name}_{method.lower()}"
