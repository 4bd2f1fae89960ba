"""The OpenAPI 3.1 document, built from the registered collections and their pydantic schemas."""
from __future__ import annotations

import re
import sys

from pydantic import BaseModel

from . import me, seals, tokens, users
from .collections import AREAS, REGISTRY
from grants.notifications import api as notifications_api

PROBLEM = {
    "type": "object", "required": ["type", "title", "status"],
    "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                   "detail": {"type": "string"},
                   "errors": {"type": "array", "items": {"type": "object", "properties": {
                       "field": {"type": "string"}, "message": {"type": "string"}}}}},
}
TRANSITION = {"type": "object", "required": ["name", "allowed"], "properties": {
    "name": {"type": "string"}, "label": {"type": "string"}, "allowed": {"type": "boolean"},
    "reason": {"type": ["string", "null"]}, "rule": {"type": ["string", "null"]},
    "automatic": {"type": "boolean"}}}


IF_MATCH = {"name": "If-Match", "in": "header",
            "description": 'The version read, e.g. "3" (the ETag); when stale, 409 with the current version.',
            "schema": {"type": "string", "maxLength": 30}}
IDEMPOTENCY_KEY = {"name": "Idempotency-Key", "in": "header",
                   "description": "A retry with the same key and caller returns the first result.",
                   "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[!-~]{1,200}$"}}


def _schema(model: type[BaseModel], components: dict) -> dict:
    js = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, sub in js.pop("$defs", {}).items():
        components[name] = sub
    components[model.__name__] = js
    return {"$ref": f"#/components/schemas/{model.__name__}"}


MALFORMED = "Malformed JSON, or JSON nested deeper than the limit (GRANTS_API_MAX_JSON_DEPTH, 64 by default)"
TOO_LARGE = "Body larger than the limit (GRANTS_API_MAX_BODY_BYTES, 1 MB by default)"


def _problem(desc: str) -> dict:
    return {"description": desc, "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _json(schema: dict, desc: str) -> dict:
    return {"description": desc, "content": {"application/json": {"schema": schema}}}


def document() -> dict:
    components: dict = {"Problem": PROBLEM, "Transition": TRANSITION}
    paths: dict = {}
    bearer = [{"bearer": []}]
    paths.update(tokens.paths_doc(lambda model: _schema(model, components)))
    paths.update(users.paths_doc())
    paths.update(me.openapi_paths(_schema, _json, _problem, components))
    paths.update(notifications_api.openapi_paths(_json, _problem))
    id_param = {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 30}}
    for name, c in sorted(REGISTRY.items()):
        item_ref = _schema(c.item_schema, components) if c.item_schema else {"type": "object"}
        full = {"allOf": [item_ref, {"type": "object", "required": ["transitions"], "properties": {
            "transitions": {"type": "array", "items": {"$ref": "#/components/schemas/Transition"}}}}]}
        sec = [{}, *bearer] if c.public else bearer
        tag = [name]
        coll = {"get": {
            "summary": f"List {name}", "operationId": f"list_{name.replace('-', '_')}", "tags": tag, "security": sec,
            "parameters": [
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100000}},
                {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}}],
            "responses": {"200": _json({"type": "object", "required": ["items", "total"], "properties": {
                "items": {"type": "array", "items": item_ref}, "total": {"type": "integer"},
                "page": {"type": "integer"}, "per_page": {"type": "integer"}}}, "A page of objects"),
                "401": _problem("Token required or invalid"), "422": _problem("Invalid paging")}}}
        if c.create is not None:
            coll["post"] = {
                "summary": f"Create in {name}", "operationId": f"create_{name.replace('-', '_')}", "tags": tag,
                "security": bearer,
                "parameters": [IDEMPOTENCY_KEY],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _schema(c.create_schema, components)}}},
                "responses": {"201": _json(full, "Created"),
                              "400": _problem(MALFORMED + ", or an Idempotency-Key that is not 1-200 visible ASCII"),
                              "413": _problem(TOO_LARGE),
                              "401": _problem("Token required"), "403": _problem("Not allowed"),
                              "422": _problem("Invalid input")}}
        paths[f"/api/v1/{name}"] = coll
        one = {"get": {
            "summary": f"One of {name}, with the caller's transitions", "operationId": f"get_{name.replace('-', '_')}",
            "tags": tag, "security": sec, "parameters": [id_param],
            "responses": {"200": _json(full, "The object"), "401": _problem("Token required or invalid"),
                          "404": _problem("Missing or not visible")}}}
        if c.patch is not None:
            one["patch"] = {
                "summary": f"Edit one of {name} while its state allows", "operationId": f"patch_{name.replace('-', '_')}",
                "tags": tag, "security": bearer,
                "parameters": [id_param, IF_MATCH],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _schema(c.patch_schema, components)}}},
                "responses": {"200": _json(full, "Edited"), "400": _problem(MALFORMED), "413": _problem(TOO_LARGE),
                              "401": _problem("Token required"), "403": _problem("Not allowed"),
                              "404": _problem("Missing or not visible"),
                              "409": _problem("Stale version or not editable in this state"),
                              "422": _problem("Invalid input")}}
        paths[f"/api/v1/{name}/{{id}}"] = one
        paths[f"/api/v1/{name}/{{id}}/transitions/{{name}}"] = {"post": {
            "summary": f"Perform a transition on one of {name}", "operationId": f"transition_{name.replace('-', '_')}",
            "tags": tag, "security": bearer,
            "parameters": [id_param,
                           {"name": "name", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 60}},
                           IF_MATCH,
                           IDEMPOTENCY_KEY],
            "requestBody": {"required": False, "content": {"application/json": {"schema": {"type": "object"}}}},
            "responses": {"200": _json(full, "Performed"),
                          "400": _problem(MALFORMED + ", or an Idempotency-Key that is not 1-200 visible ASCII"),
                          "413": _problem(TOO_LARGE),
                          "401": _problem("Token required"), "403": _problem("Role or relation does not allow it"),
                          "404": _problem("Missing or not visible"),
                          "409": _problem("Unknown transition, not available in this state, or stale If-Match"),
                          "422": _problem("Invalid payload, or a rule refuses (its id in type)")}}}
    _sub_resources(paths, bearer, components)
    paths.update(seals.openapi_paths(lambda model: _schema(model, components)))
    return {
        "openapi": "3.1.0",
        "info": {"title": "grants API", "version": "1.0.0",
                 "description": "Grant contests for public tasks (UDPP). Money is a string of digits with at most two "
                                "decimals after a dot (\"1250.50\"; no exponent, sign, NaN or thousands separator); "
                                "ids are opaque strings; errors are application/problem+json (RFC 9457)."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": components,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


def _sub_resources(paths: dict, bearer: list, components: dict | None = None) -> None:
    """Sub-resources an area lists in its EXTRA_PATHS_DOC ({path: [methods]}): documented with their
    path parameters and the uniform error responses (their bodies are described on the area's page)."""

    modules = [m for name, m in sorted(sys.modules.items())
               if m is not None and (name in AREAS or name.startswith("grants.calltypes."))]
    for module in modules:
        for path, methods in sorted((getattr(module, "EXTRA_PATHS_DOC", None) or {}).items()):
            item = paths.setdefault(path, {})
            params = [{"name": n, "in": "path", "required": True, "schema": {"type": "string", "maxLength": 60}}
                      for n in re.findall(r"{(\w+)}", path)]
            for method in methods:
                if method in item:
                    continue
                op_id = re.sub(r"\W+", "_", f"{method}_{path.removeprefix('/api/v1/')}").strip("_")
                item[method] = {
                    "summary": f"{method.upper()} {path}", "operationId": op_id, "tags": [path.split("/")[3]],
                    "security": bearer, "parameters": params,
                    **({"requestBody": {"required": False, "content": {"application/json": {
                        "schema": {"type": "object"}}}}} if method in ("post", "put", "patch") else {}),
                    "responses": {"200": {"description": "OK"}, "201": {"description": "Created"},
                                  "401": _problem("Token required"), "403": _problem("Role or relation does not allow it"),
                                  "404": _problem("Missing or not visible"), "409": _problem("State or version conflict"),
                                  "422": _problem("Invalid input, or a rule refuses")}}
                # an area may describe an operation further: {(path, method): (summary, body model or None)}
                summary, body = (getattr(module, "EXTRA_PATHS_DETAILS", None) or {}).get((path, method), (None, None))
                if summary:
                    item[method]["summary"] = summary
                if body is not None and components is not None:
                    item[method]["requestBody"] = {"required": method != "delete", "content": {
                        "application/json": {"schema": _schema(body, components)}}}
                multipart = (getattr(module, "EXTRA_PATHS_MULTIPART", None) or {}).get((path, method))
                if multipart:  # an upload: {(path, method): schema of the form's fields}
                    item[method]["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": multipart}}}
