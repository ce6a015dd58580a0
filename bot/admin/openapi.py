"""The JSON API's OpenAPI 3.1 description, served at ``GET /api/openapi.json``.

It is built from the route table itself: every route under ``/api/`` the app serves is in it, and
nothing else, so a new API route cannot be forgotten. An API module declares its routes with :func:`api_route`,
which files the operation's summary, body and answers here under the route's name, and its JSON shapes with
:func:`define_schemas`. A route declared with plain ``route`` still appears, with a generic entry."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.admin.keys import SERVED_ROUTES
from bot.admin.routing import Access, Handler, Route, route

API_PREFIX = "/api/"
API_VERSION = "1.0.0"
# aiohttp's ``{name}`` or ``{name:regex}``; OpenAPI knows only ``{name}``.
PATH_PARAMETER = re.compile(r"\{(\w+)(?::([^{}]*))?\}")
ERROR_TEXT: dict[int, str] = {
    400: "The request cannot be carried out in the record's present state",
    401: "No valid API token (Authorization: Bearer dn_…)",
    403: "The token's admin lacks the permission",
    404: "No such record",
    409: "Conflict: a duplicate, a change already in effect, or a version changed meanwhile",
    413: "The request body is too large",
    422: "Invalid input; the message says which rule was broken, in the admin's language",
}


@dataclass(frozen=True)
class Parameter:
    name: str
    schema: Mapping[str, Any]
    description: str = ""
    where: str = "query"
    required: bool = False


@dataclass(frozen=True)
class Operation:
    summary: str
    tag: str
    description: str = ""
    query: tuple[Parameter, ...] = ()  # query parameters, and path parameters to describe beyond their name
    body: str | None = None  # the component schema of the JSON body
    # status -> (what it means, component schema of the body or None for none)
    answers: Mapping[int, tuple[str, str | None]] = field(default_factory=lambda: {200: ("OK", None)})
    errors: tuple[int, ...] = ()  # statuses answered with an Error body (401/403 are added for token routes)


OPERATIONS: dict[str, Operation] = {}
SCHEMAS: dict[str, dict[str, Any]] = {
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "properties": {
            "error": {"type": "string", "description": "A stable code naming the rule or the failure"},
            "message": {"type": "string", "description": "A polite text for a person, in the admin's language"},
        },
    },
}


def api_route(
    method: str, path: str, name: str, operation: Operation, access: Access = Access.TOKEN
) -> Callable[[Handler], Route]:
    """``route`` for the API: the same Route, with its description filed under the route's name."""
    OPERATIONS[name] = operation
    return route(method, path, name, access)


def define_schemas(schemas: Mapping[str, dict[str, Any]]) -> None:
    """Add JSON shapes to the description's components; two modules defining one name differently is a bug."""
    clash = sorted(name for name, schema in schemas.items() if SCHEMAS.get(name, schema) != schema)
    if clash:
        raise ValueError(f"OpenAPI schemas defined twice, differently: {clash}")
    SCHEMAS.update(schemas)


def ref(schema: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{schema}"}


def openapi_path(path: str) -> str:
    return PATH_PARAMETER.sub(lambda m: "{" + m[1] + "}", path)


def _path_parameters(path: str) -> list[dict[str, Any]]:
    parameters = []
    for match in PATH_PARAMETER.finditer(path):
        numeric = match[2] in {r"\d+", "[0-9]+"}
        schema: dict[str, Any] = {"type": "integer", "minimum": 1} if numeric else {"type": "string"}
        parameters.append({"name": match[1], "in": "path", "required": True, "schema": schema})
    return parameters


def _json(schema: str | None) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": ref(schema)}}} if schema else {}


def _operation(entry: Route) -> dict[str, Any]:
    documented = OPERATIONS.get(entry.name)
    operation = documented or Operation(summary=entry.name.replace("_", " "), tag="other")
    declared = [
        {
            "name": p.name,
            "in": p.where,
            "required": p.required or p.where == "path",
            "schema": dict(p.schema),
            **({"description": p.description} if p.description else {}),
        }
        for p in operation.query
    ]
    # A path parameter the operation declares (to give it a type or a description) replaces the generic one.
    overridden = {p["name"] for p in declared if p["in"] == "path"}
    parameters = [p for p in _path_parameters(entry.path) if p["name"] not in overridden] + declared
    responses: dict[str, Any] = {
        str(status): {"description": meaning, **_json(schema)}
        for status, (meaning, schema) in operation.answers.items()
    }
    errors = set(operation.errors) | ({401, 403} if entry.access is Access.TOKEN else set())
    if not documented:
        errors |= {400, 404, 409, 422}
    for status in sorted(errors):
        responses[str(status)] = {"description": ERROR_TEXT.get(status, "Refused"), **_json("Error")}
    described: dict[str, Any] = {
        "operationId": entry.name,
        "summary": operation.summary,
        "tags": [operation.tag],
        "responses": responses,
        "security": [{"bearerAuth": []}] if entry.access is Access.TOKEN else [],
    }
    if operation.description:
        described["description"] = operation.description
    if parameters:
        described["parameters"] = parameters
    if operation.body:
        described["requestBody"] = {"required": True, **_json(operation.body)}
    return described


def describe(routes: Iterable[Route]) -> dict[str, Any]:
    """The OpenAPI document of the API routes among ``routes``."""
    paths: dict[str, dict[str, Any]] = {}
    for entry in routes:
        if entry.path.startswith(API_PREFIX):
            paths.setdefault(openapi_path(entry.path), {})[entry.method.lower()] = _operation(entry)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Dongne admin API",
            "version": API_VERSION,
            "description": (
                "Staff and role administration, and text messages through the UMS (문자전송: send, schedule, "
                "cancel, results, saved recipient lists), for scripts and other systems. Authenticate with an API "
                "token an admin creates on the admin pages: `Authorization: Bearer dn_…`. The token acts as that "
                "admin for as long as they are an active admin (and, for messages, hold sms.send). Errors answer "
                '`{"error": code, "message": text}`.'
            ),
        },
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(SCHEMAS.items())),
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "dn_…"}},
        },
    }


@api_route(
    "GET",
    "/api/openapi.json",
    "api_openapi",
    Operation(summary="This description of the API", tag="meta", answers={200: ("The OpenAPI document", None)}),
    access=Access.PUBLIC,
)
async def api_openapi(request: web.Request) -> web.StreamResponse:
    served: list[Route] = request.app[SERVED_ROUTES]
    return web.json_response(describe(served))


ROUTES: list[Route] = [api_openapi]
