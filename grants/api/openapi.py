"""The OpenAPI 3.1 document, built from the registered collections and their pydantic schemas."""
from __future__ import annotations

from pydantic import BaseModel

from . import me, seals, tokens, users  # noqa: F401 - their operations are declared on import
from .collections import REGISTRY
from .declare import IDEMPOTENCY_KEY, IF_MATCH, OPERATIONS, Operation, path_variables

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


class SchemaNameClash(ValueError):
    pass


def _put(components: dict, name: str, js: dict) -> None:
    """Two different schemas under one name would silently document one of them for both."""
    if name in components and components[name] != js:
        raise SchemaNameClash(f"two different schemas are named {name}: rename one of the models")
    components[name] = js


def _schema(model: type[BaseModel], components: dict) -> dict:
    js = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, sub in js.pop("$defs", {}).items():
        _put(components, name, sub)
    _put(components, model.__name__, js)
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
                {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}},
                {"name": "after", "in": "query", "schema": {"type": "string"},
                 "description": "the `next` of the previous page: the page after it, by key"}],
            "responses": {"200": _json({"type": "object", "required": ["items", "total"], "properties": {
                "items": {"type": "array", "items": item_ref}, "total": {"type": "integer"},
                "page": {"type": "integer"}, "per_page": {"type": "integer"},
                "total_exact": {"type": "boolean", "description": "false: more than `total` objects"},
                "next": {"type": ["string", "null"], "description": "pass as `after` for the next page"}}},
                "A page of objects"),
                "401": _problem("Token required or invalid"), "422": _problem("Invalid paging")}}}
        if c.visitors_fingerprint is not None:  # a visitor's list carries an ETag (grants.web.public_cache)
            coll["get"]["parameters"].append(
                {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"},
                 "description": "without a token: the ETag of a copy kept; 304 while it is current"})
            coll["get"]["responses"]["304"] = {"description": "Not modified: the copy named by If-None-Match is current"}
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
    for name, c in REGISTRY.items():
        _describe_collection(paths, name, c, components)
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op, components)
    return {
        "openapi": "3.1.0",
        "info": {"title": "grants API", "version": "1.0.0",
                 "description": "Grant contests for public tasks (UDPP). Money is a string of digits with at most two "
                                "decimals after a dot (\"1250.50\"; no exponent, sign, NaN or thousands separator); "
                                "ids are opaque strings; errors are application/problem+json (RFC 9457). Labels, "
                                "reasons and domain messages are in Polish or English: as Accept-Language asks, "
                                "else the token holder's language, else Polish (Content-Language says which)."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": components,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


def full_schema(name: str, components: dict) -> dict:
    """One object of a collection as GET /<collection>/{id} answers it: its item with its transitions."""
    c = REGISTRY[name]
    item_ref = _schema(c.item_schema, components) if c.item_schema else {"type": "object"}
    return {"allOf": [item_ref, {"type": "object", "required": ["transitions"], "properties": {
        "transitions": {"type": "array", "items": {"$ref": "#/components/schemas/Transition"}}}}]}


def _ref_or_schema(schema, components: dict) -> dict:
    """A pydantic model, "collection:<name>" (one object with its transitions) or a JSON schema."""
    if isinstance(schema, type) and issubclass(schema, BaseModel):
        return _schema(schema, components)
    if isinstance(schema, str) and schema.startswith("collection:"):
        return full_schema(schema.split(":", 1)[1], components)
    return schema


def example_of(schema: dict, components: dict, depth: int = 0):
    """A plausible value for a JSON schema, for operations that declare no example of their own."""
    if depth > 6:
        return None
    if "$ref" in schema:
        return example_of(components.get(schema["$ref"].rsplit("/", 1)[1], {}), components, depth + 1)
    if "examples" in schema and schema["examples"]:
        return schema["examples"][0]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [o for o in schema[key] if o.get("type") != "null"] or schema[key]
            return example_of(options[0], components, depth + 1)
    if "allOf" in schema:
        out: dict = {}
        for part in schema["allOf"]:
            value = example_of(part, components, depth + 1)
            if isinstance(value, dict):
                out.update(value)
        return out
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        return {name: example_of(sub, components, depth + 1) for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [example_of(schema.get("items", {}), components, depth + 1)]
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "date-time":
            return "2027-03-01T10:00:00Z"
        if fmt == "date":
            return "2027-03-01"
        if "Money" in str(schema.get("title", "")) or "decimal" in str(schema.get("description", "")).lower():
            return "1250.00"
        return "1"
    return {}


UNIFORM = {
    400: MALFORMED,
    401: "Token required, unknown, revoked or expired",
    404: "Missing, or not visible to the caller",
    413: TOO_LARGE,
    422: "Invalid input: the fields are named in `errors`",
}


def _operation(op: Operation, components: dict) -> dict:
    params = [{"name": name, "in": "path", "required": True,
               "schema": {"type": "integer", "minimum": 0} if conv == "int" else {"type": "string", "maxLength": 60}}
              for name, conv in path_variables(op.rule)]
    if any(p["schema"].get("type") == "integer" for p in params):
        for p in params:
            if p["schema"].get("type") == "integer":
                p["schema"]["maximum"] = 2147483647
    params += [*op.query, *op.headers]
    codes: dict[int, str] = {401: UNIFORM[401]} if op.reads_token else {}
    if params and any(p["in"] == "path" for p in params):
        codes[404] = UNIFORM[404]
    if op.body is not None:
        codes.update({400: UNIFORM[400], 413: UNIFORM[413], 422: UNIFORM[422]})
    if IDEMPOTENCY_KEY in op.headers:
        codes[400] = codes.get(400, "Bad request") + ", or an Idempotency-Key that is not 1-200 visible ASCII"
    codes[422] = UNIFORM[422] + " (also an unknown query parameter)"
    codes.update(op.errors)
    responses: dict = {}
    if op.response is None:
        responses[str(op.status)] = {"description": "Done, no body"}
    else:
        schema = _ref_or_schema(op.response, components)
        example = op.example if op.example is not None else example_of(schema, components)
        media = {"schema": schema} if op.response_type != "application/json" else {"schema": schema, "example": example}
        responses[str(op.status)] = {"description": "Success", "content": {op.response_type: media}}
    for code in sorted(codes):
        responses[str(code)] = _problem(codes[code])
    who = f"**Who may call it:** {op.who}" + (" No token is needed." if op.public else "")
    out = {"summary": op.summary, "description": "\n\n".join(x for x in (op.description, who) if x),
           "operationId": op.operation_id, "tags": [op.tag],
           "security": ([{}, {"bearer": []}] if op.reads_token else []) if op.public else [{"bearer": []}],
           "responses": responses}
    if params:
        out["parameters"] = params
    if op.body is not None:
        schema = _ref_or_schema(op.body, components)
        example = op.body_example if op.body_example is not None else example_of(schema, components)
        media = {"schema": schema} if op.body_type != "application/json" else {"schema": schema, "example": example}
        out["requestBody"] = {"required": op.body_required, "content": {op.body_type: media}}
    return out


COLLECTION_WHO = {
    "get": "{readers}; a list holds only what the caller may see, an object not visible is a 404.",
    "post": "a signed-in user whose role may create it (403 with the reason otherwise).",
    "patch": "a signed-in user whose role and relation may edit it in its current state.",
}
TRANSITION_WHO = ("the roles and relations the workflow declares for the transition: GET the object to see "
                  "`transitions` with `allowed` and `reason` for the caller.")


def _describe_collection(paths: dict, name: str, c, components: dict) -> None:
    """The generic operations of a collection: who may call them, and an example of each body."""
    readers = "anyone (public objects); signed-in users by their role and relation" if c.public else \
        "signed-in users by their role and relation"
    for path in (f"/api/v1/{name}", f"/api/v1/{name}/{{id}}", f"/api/v1/{name}/{{id}}/transitions/{{name}}"):
        for method, op in paths.get(path, {}).items():
            who = TRANSITION_WHO if path.endswith("{name}") else COLLECTION_WHO[method].format(readers=readers)
            op["description"] = "\n\n".join(x for x in (c.summary, f"**Who may call it:** {who}") if x)
            for part in [*op["responses"].values(), op.get("requestBody", {})]:
                body = part.get("content", {}).get("application/json")
                if body is not None and "example" not in body:
                    body["example"] = example_of(body["schema"], components)
