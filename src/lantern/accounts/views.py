from __future__ import annotations

import base64
from datetime import timedelta
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantern.access.policy import Action, Category, Draft, require
from lantern.access.registry import guards, no_personal_data
from lantern.accounts import forms, selectors, services
from lantern.accounts.models import User
from lantern.web.actor import signed_in_user
from lantern.web.middleware import not_found_page


def _safe_next(request: HttpRequest, default: str = "/") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}):
        return candidate
    return default


@no_personal_data
def sign_in(request: HttpRequest) -> HttpResponse:
    form = forms.SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.sign_in(
            request=request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if getattr(request, "axes_locked_out", False):
            return render(request, "accounts/locked_out.html", _lockout_context(), status=429)
        if user is not None:
            login(request, user)
            return redirect(_safe_next(request))
        form.add_error(None, "Enter a correct username and password. Both are case-sensitive.")
    return render(request, "accounts/login.html", {"form": form, "next": _safe_next(request)})


def _lockout_context() -> dict[str, object]:
    """The same names django-axes gives the template when its middleware answers the lockout."""
    return {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_timedelta": timedelta(hours=settings.AXES_COOLOFF_TIME),
    }


@no_personal_data
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.sign_out_audit(user=signed_in_user(request), reason="sign out")
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect("accounts:login")


@no_personal_data
@login_required
def account(request: HttpRequest) -> HttpResponse:
    has_device = TOTPDevice.objects.filter(user=signed_in_user(request), confirmed=True).exists()
    return render(request, "accounts/account.html", {"has_device": has_device})


@no_personal_data
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = forms.PasswordChange(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        services.password_changed(user=user)
        messages.success(request, "Your password has been changed.")
        return redirect("accounts:account")
    return render(request, "accounts/password_change.html", {"form": form})


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@no_personal_data
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app (first time) or enter its code to verify this session."""
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required guarantees a real user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
            user=user, name="Authenticator app", confirmed=False
        )
    form = forms.TwoFactorForm(request.POST or None)
    allowed, throttle = device.verify_is_allowed()
    if request.method == "POST" and form.is_valid() and not allowed:
        locked_until = (throttle or {}).get("locked_until")
        wait = max(1, int((locked_until - timezone.now()).total_seconds()) + 1) if locked_until else 1
        form.add_error("token", f"Too many wrong codes: wait {wait} seconds, then enter the code your app shows")
    elif request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("token", "The code is not right: enter the code your app shows now")
    context = {"form": form, "setting_up": setting_up, "next": _safe_next(request)}
    if setting_up:
        context["qr"] = _qr_svg(device.config_url)
        context["secret"] = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/two_factor.html", context)


@guards(Category.USER_ACCOUNT)
@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    users = selectors.user_list(actor=signed_in_user(request))
    return render(request, "accounts/user_list.html", {"users": users})


@guards(Category.USER_ACCOUNT)
@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    actor = signed_in_user(request)
    require(actor, Action.CREATE, Draft(Category.USER_ACCOUNT, actor.agency_id), purpose="create a user")
    form = forms.NewUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.user_create(actor=actor, **form.cleaned_data)
        messages.success(request, f"User {user.username} created.")
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@guards(Category.USER_ACCOUNT)
@login_required
def user_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = signed_in_user(request)
    user = selectors.user_get(actor=actor, user_id=user_id, action=Action.UPDATE)
    if user is None:
        return not_found_page(request)
    initial = {name: getattr(user, name) for name in services.USER_FIELDS} | {"username": user.username}
    form = forms.UserForm(request.POST or None, initial=initial)
    form.fields["username"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in services.USER_FIELDS}
        services.user_update(actor=actor, user=user, **data)
        messages.success(request, f"User {user.username} updated.")
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "creating": False, "edited": user})
