"""The JSON API under /api/v1/, assembled from each domain's router.

Authentication: a member's API token as `Authorization: Bearer cw_...`, or the browser
session (then unsafe methods need the CSRF token, as on the pages). Every error answers
with one JSON shape: {"code": stable machine code, "message": for people, "field": the
offending input or null}.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from commonwork.commons.api import router as commons_router
from commonwork.core.errors import DomainError
from commonwork.governance.api import router as governance_router
from commonwork.ledger.api import router as ledger_router
from commonwork.members.actions import user_for_api_token
from commonwork.members.api import router as members_router
from commonwork.members.selectors import may_use_api
from commonwork.site import throttle
from commonwork.site.edges import is_unavailable
from commonwork.vault.api import router as vault_router
from commonwork.work.api import router as work_router


class MemberToken(HttpBearer):
    """A member's API token (stored hashed; see members.actions.create_api_token). A
    suspended or removed member's tokens authenticate nobody."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        throttle.check_token_guessing(request)
        user = user_for_api_token(token)
        if user is None or not may_use_api(user):
            throttle.token_refused(request)
            return None
        return user


class MemberSession(SessionAuth):
    """The browser's session, for the pages' own htmx calls. Someone not logged in gets
    401 like any unauthenticated call (the CSRF check is for a logged-in session: it
    would otherwise answer an anonymous write 403 first)."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user if user is not None and may_use_api(user) else None


logger = logging.getLogger(__name__)

ERROR_SCHEMA = {
    "type": "object",
    "required": ["code", "message", "field"],
    "properties": {
        "code": {"type": "string", "description": "A stable machine code."},
        "message": {"type": "string", "description": "For people, in English."},
        "field": {"type": ["string", "null"], "description": "The offending input."},
    },
}
ERRORS = {
    400: "Refused: the request is well-formed but the operation cannot be done as asked.",
    401: "Not logged in, or the token is unknown, revoked or its member suspended.",
    403: "You may not do this.",
    404: "No such thing, or not one you may see.",
    409: "It conflicts with the current state (already taken, already decided...).",
    413: "The request body is larger than the server reads.",
    422: "The input is not valid: the field is named.",
    429: "Too many attempts: wait and try again.",
}


def errors_for(operation: dict[str, Any], *, method: str) -> dict[int, str]:
    """The error statuses an operation can answer: every operation validates its input;
    one behind authentication can be refused by the domain; one with a body can be too
    large or not JSON."""
    statuses = {422}
    if operation.get("security"):
        statuses |= {400, 401, 403, 404, 409, 429}
    if "{" in operation.get("x-path", "") or operation.get("parameters"):
        statuses.add(404)
    if method in ("post", "put", "patch"):
        statuses |= {400, 413}
    return {status: ERRORS[status] for status in sorted(statuses)}


class CommonworkAPI(NinjaAPI):
    """The API, whose schema declares every error an operation can answer, in one shape."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        schema["components"].setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        for path, item in schema["paths"].items():
            for method, operation in item.items():
                responses = operation.setdefault("responses", {})
                for status, description in errors_for(
                    {**operation, "x-path": path}, method=method
                ).items():
                    responses.setdefault(
                        status,
                        {
                            "description": description,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Error"}
                                }
                            },
                        },
                    )
        return schema


api = CommonworkAPI(
    title="Commonwork API",
    version="1",
    description=__doc__ or "",
    auth=[MemberToken(), MemberSession()],
    urls_namespace="api-v1",
)
api.add_router("/", members_router)
api.add_router("/", vault_router)
api.add_router("/", work_router)
api.add_router("/", ledger_router)
api.add_router("/", governance_router)
api.add_router("/", commons_router)


def _error(
    request: HttpRequest, status: int, code: str, message: str, field: str | None = None
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "field": field}, status=status
    )


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message, exc.field)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    # ninja locates body errors as ("body", <parameter name>, field...): keep the fields.
    location = [str(part) for part in first.get("loc", ())]
    if location[:1] == ["body"]:
        location = location[2:]
    elif location[:1] in (["query"], ["path"], ["header"]):
        location = location[1:]
    field = ".".join(location) or None
    message = first.get("msg", "The request is not valid.")
    return _error(request, 422, "invalid", f"{field}: {message}" if field else message, field)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(
        request,
        401,
        "not_authenticated",
        "Log in, or send a valid API token as 'Authorization: Bearer <token>'.",
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {403: "forbidden", 404: "not_found", 405: "method_not_allowed", 429: "throttled"}.get(
        exc.status_code, "error"
    )
    return _error(request, exc.status_code, code, exc.message)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", str(exc) or "Not found.")


@api.exception_handler(DatabaseError)
def on_database_error(request: HttpRequest, exc: DatabaseError) -> HttpResponse:
    """The database restarting, failing over or refusing connections: a 503 the client
    may retry (with its idempotency key), not a 500. A database error of another kind is
    a bug, answered as one."""
    if not is_unavailable(exc):
        return on_unexpected(request, exc)
    logger.warning("database unavailable in %s %s: %s", request.method, request.path, exc)
    response = _error(
        request, 503, "unavailable", "The database is not answering; try again in a moment."
    )
    response["Retry-After"] = "2"
    return response


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug: logged with its traceback for the operators, and answered in the API's
    shape, never with Django's HTML error page (nor, with DEBUG on, a traceback)."""
    logger.exception("Unexpected error in %s %s", request.method, request.path)
    return _error(request, 500, "server_error", "Something went wrong on our side.")
