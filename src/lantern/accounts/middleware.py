"""Session rules every page obeys: an idle timeout and, outside demo mode, two-factor authentication."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from lantern.accounts.services import sign_out_audit

LAST_SEEN = "lantern_last_seen"
EXEMPT_PREFIXES = ("/static/", "/api/", "/report")


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not request.path.startswith(EXEMPT_PREFIXES):
            now = time.time()
            last_seen = request.session.get(LAST_SEEN)
            limit = settings.LANTERN_IDLE_TIMEOUT_MINUTES * 60
            if last_seen is not None and now - float(last_seen) > limit:
                sign_out_audit(user=user, reason="idle timeout")
                logout(request)
                messages.info(
                    request,
                    f"You were signed out after {settings.LANTERN_IDLE_TIMEOUT_MINUTES} minutes without "
                    "activity, to protect the information in Lantern. Sign in again to carry on.",
                )
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            request.session[LAST_SEEN] = now
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Outside demo mode nobody reaches a page until their session is verified with a TOTP code."""

    ALLOWED_NAMES = ("accounts:two_factor", "accounts:logout")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.LANTERN_REQUIRE_2FA
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not user.is_verified()  # type: ignore[attr-defined]  # set by django-otp middleware
            and request.path not in {reverse(name) for name in self.ALLOWED_NAMES}
        ):
            return redirect(f"{reverse('accounts:two_factor')}?next={request.path}")
        return self.get_response(request)
