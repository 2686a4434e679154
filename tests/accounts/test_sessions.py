"""Idle timeout and two-factor sign-in."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantern.accounts.middleware import LAST_SEEN
from lantern.audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    UserFactory(username=username)
    client = Client()
    response = client.post("/account/sign-in/", {"username": username, "password": "lantern-demo"})
    assert response.status_code == 302
    return client


def test_idle_session_is_signed_out(settings) -> None:
    settings.LANTERN_IDLE_TIMEOUT_MINUTES = 30
    client = signed_in("idle-sw")
    assert client.get("/").status_code == 200
    session = client.session
    session[LAST_SEEN] = time.time() - 31 * 60
    session.save()
    response = client.get("/people/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/")
    follow = client.get(response["Location"])
    assert "signed out after 30 minutes" in follow.content.decode()
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="logout", purpose="idle timeout").count() == 1


def test_active_session_stays(settings) -> None:
    settings.LANTERN_IDLE_TIMEOUT_MINUTES = 30
    client = signed_in("busy-sw")
    session = client.session
    session[LAST_SEEN] = time.time() - 29 * 60
    session.save()
    assert client.get("/").status_code == 200


def test_two_factor_required_outside_demo_mode(settings) -> None:
    settings.LANTERN_REQUIRE_2FA = True
    client = signed_in("mfa-sw")
    response = client.get("/people/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/two-factor/")
    setup = client.get(response["Location"])
    assert "Set up two-factor sign-in" in setup.content.decode()
    device = TOTPDevice.objects.get(user__username="mfa-sw", confirmed=False)
    wrong = client.post("/account/two-factor/", {"token": "000000" if totp(device.bin_key) != 0 else "111111"})
    assert "The code is not right" in wrong.content.decode()
    throttled = client.post("/account/two-factor/", {"token": f"{totp(device.bin_key):06d}"})
    assert "Too many wrong codes: wait" in throttled.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # as if the wait had passed
    right = client.post(
        "/account/two-factor/?next=/people/", {"token": f"{totp(device.bin_key):06d}", "next": "/people/"}
    )
    assert right.status_code == 302
    assert right["Location"] == "/people/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/people/").status_code == 200


def test_demo_mode_banner_says_two_factor_is_off(settings) -> None:
    settings.LANTERN_REQUIRE_2FA = False
    settings.DEMO_MODE = True
    client = signed_in("banner-sw")
    page = client.get("/").content.decode()
    assert "Synthetic data — demo" in page
    assert "Two-factor sign-in is switched off in demo mode" in page
