"""The JSON API at /api/v1/, with its OpenAPI document at /api/v1/openapi.json.

The interactive documentation page is off: it would load scripts from a third-party CDN.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from rightsdesk.cases import staff_api, staff_api_tools
from rightsdesk.intake.api import ApiError, not_signed_in
from rightsdesk.intake.api import router as reporting

api = NinjaAPI(
    title="rightsdesk",
    version="1",
    description="Confidential reporting for volunteers at risk.",
    urls_namespace="api",
    docs_url=None,
)
api.add_router("/", reporting)
api.add_router("/staff/", staff_api.router)
api.add_router("/staff/", staff_api_tools.router)


@api.exception_handler(ApiError)
def api_error(request: HttpRequest, error: ApiError) -> HttpResponse:
    return api.create_response(request, error.body, status=error.status)


@api.exception_handler(staff_api.StaffApiError)
def staff_api_error(request: HttpRequest, error: staff_api.StaffApiError) -> HttpResponse:
    return api.create_response(request, error.body, status=error.status)


@api.exception_handler(ValidationError)
def malformed(request: HttpRequest, error: ValidationError) -> HttpResponse:
    body = {
        "code": "malformed",
        "message": _("The request is not in the expected form."),
        "errors": [
            {"location": [str(part) for part in item.get("loc", [])], "type": item.get("type", "")}
            for item in error.errors
        ],
    }
    return api.create_response(request, body, status=400)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    match = request.resolver_match
    if match and (match.url_name or "").startswith("staff-"):
        return staff_api_error(request, staff_api.not_signed_in())
    return api_error(request, not_signed_in())
