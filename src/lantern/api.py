"""The JSON API under /api/v1/: bearer tokens, the same access and audit as the pages, one error mapping."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from lantern.access.policy import AccessDenied, NotVisible
from lantern.accounts.api import router as accounts_router
from lantern.accounts.models import User
from lantern.accounts.services import TokenError, token_authenticate
from lantern.audit.api import router as audit_router
from lantern.audit.services import AuditAction, Outcome, audit_record
from lantern.cases.api import router as cases_router
from lantern.intel.api import public_router
from lantern.intel.api import router as intel_router
from lantern.intel.selectors import ExistenceOnly
from lantern.language.api import ScriptSession
from lantern.language.api import router as language_router
from lantern.locality.api import router as locality_router
from lantern.network.api import router as network_router
from lantern.network.services import BuildBusy
from lantern.oversight.api import router as oversight_router
from lantern.oversight.services import ImportRefused
from lantern.people.api import records_router
from lantern.people.api import router as people_router
from lantern.people.linking import LinkageBusy
from lantern.screening.api import router as screening_router
from lantern.web.api import router as web_router


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = token_authenticate(key=token)
        request.user = user
        return user


api = NinjaAPI(
    title="Lantern API",
    version="1",
    urls_namespace="api",
    auth=BearerToken(),
    docs_url=None,  # Swagger UI needs a CDN; the schema is at /api/v1/openapi.json
    description="Multi-agency safeguarding intelligence. Every call is checked by `access` and written to the "
    "audit log. Lists answer {items, count} and page with limit and offset.",
)
api.add_router("/", accounts_router)
api.add_router("/people", people_router)
api.add_router("/records", records_router)
api.add_router("/audit", audit_router)
api.add_router("/intel", intel_router)
api.add_router("/public", public_router)
api.add_router("/cases", cases_router)
api.add_router("/locality", locality_router)
api.add_router("/screening", screening_router)
# The language check also answers the signed-in page's own script, through the session with a CSRF check.
api.add_router("/language", language_router, auth=[BearerToken(), ScriptSession()])
# The link chart's script asks for the networks the reader opens, through their session.
api.add_router("/network", network_router, auth=[BearerToken(), ScriptSession()])
api.add_router("/oversight", oversight_router)
api.add_router("/", web_router)


def _rejected(request: HttpRequest, status: int, reason: str) -> None:
    """Input the API refused is recorded: who sent what kind of request where, and why it failed."""
    action = {
        "POST": AuditAction.CREATE,
        "PATCH": AuditAction.UPDATE,
        "PUT": AuditAction.UPDATE,
        "DELETE": AuditAction.DELETE,
    }.get(request.method or "", AuditAction.VIEW)
    audit_record(
        actor=request.user,
        action=action,
        purpose="rejected API request",
        outcome=Outcome.FAILURE,
        detail={"path": request.path, "status": status, "reason": reason},
    )


def _detail(request: HttpRequest, status: int, detail: Any, **headers: str) -> HttpResponse:
    response = api.create_response(request, {"detail": detail}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


@api.exception_handler(TokenError)
def token_error(request: HttpRequest, exc: TokenError) -> HttpResponse:
    return _detail(request, 401, str(exc), **{"WWW-Authenticate": 'Bearer error="invalid_token"'})


@api.exception_handler(AuthenticationError)
def missing_token(request: HttpRequest, _exc: AuthenticationError) -> HttpResponse:
    return _detail(
        request,
        401,
        "Send a bearer token: Authorization: Bearer <token> (see `lantern token`).",
        **{"WWW-Authenticate": "Bearer"},
    )


@api.exception_handler(NotVisible)
def not_visible(request: HttpRequest, _exc: NotVisible) -> HttpResponse:
    return _detail(request, 404, "Not found.")


@api.exception_handler(ExistenceOnly)
def existence_only(request: HttpRequest, exc: ExistenceOnly) -> HttpResponse:
    """Known to exist, not readable: who holds it, its grade and date, and how to ask for it."""
    report = exc.view.report
    return api.create_response(
        request,
        {
            "detail": exc.decision.reason,
            "held_by": report.agency.code,
            "grade": report.grade,
            "occurred_on": report.occurred_on.isoformat(),
            "request_access": f"/api/v1/intel/reports/{report.pk}/access-requests",
        },
        status=403,
    )


@api.exception_handler(AccessDenied)
def access_denied(request: HttpRequest, exc: AccessDenied) -> HttpResponse:
    return _detail(request, 403, exc.decision.reason)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"loc": ["query" if field in request.GET else "body", field], "msg": message, "type": "value_error"}
        for field, messages in exc.message_dict.items()
        for message in messages
    ]
    _rejected(request, 422, "invalid fields")
    return _detail(request, 422, errors)


@api.exception_handler(NinjaValidationError)
def invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    _rejected(request, 422, "invalid fields")
    return _detail(request, 422, exc.errors)


@api.exception_handler(LinkageBusy)
def linkage_busy(request: HttpRequest, exc: LinkageBusy) -> HttpResponse:
    return _detail(request, 409, str(exc))  # the service has audited the refusal already


@api.exception_handler(ImportRefused)
def import_refused(request: HttpRequest, exc: ImportRefused) -> HttpResponse:
    errors = [{"loc": ["body", "csv", e.line, e.field], "msg": e.message, "type": "value_error"} for e in exc.errors]
    _rejected(request, 422, str(exc))
    return _detail(request, 422, errors)


@api.exception_handler(BuildBusy)
def build_busy(request: HttpRequest, exc: BuildBusy) -> HttpResponse:
    return _detail(request, 409, str(exc))


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc)
    if exc.status_code == 400 and "parse" in message.lower():
        message = "The request body is not valid JSON. Check quotes, commas and brackets."
    _rejected(request, exc.status_code, message)
    return _detail(request, exc.status_code, message)
