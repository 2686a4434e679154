"""Maps access refusals raised anywhere in a page to the right GOV.UK error page."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lantern.access.policy import AccessDenied, NotVisible


class AccessErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotVisible):
            return not_found_page(request)
        if isinstance(exception, AccessDenied):
            target = exception.target
            context = {
                "reason": exception.decision.reason,
                "break_glass": exception.decision.break_glass_possible,
                "object_type": getattr(target, "AUDIT_TYPE", ""),
                "object_id": str(getattr(target, "pk", "")),
            }
            return render(request, "web/forbidden.html", context, status=403)
        return None


def not_found_page(request: HttpRequest) -> HttpResponse:
    return render(request, "web/not_found.html", status=404)
