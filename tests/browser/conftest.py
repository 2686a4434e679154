"""Browser tests: Debian's chromium, driven by Playwright, against pytest-django's live server.

One browser for the whole session; a fresh context (no cookies, no storage) and page for every test.
Never run `playwright install`: the tests use the system chromium at /usr/bin/chromium.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import Browser, Page, sync_playwright

if TYPE_CHECKING:
    from pytest_django.fixtures import SettingsWrapper
    from pytest_django.live_server_helper import LiveServer

    from tests.browser.casework import Casework

# Playwright's sync API runs an asyncio event loop in this thread, and Django refuses ORM calls from a thread
# with a running loop unless told otherwise: the documented workaround for Playwright with Django tests.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: SettingsWrapper) -> None:
    """Every test creates the twelve demo users afresh, and PBKDF2 for each would cost seconds per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def demo_org(transactional_db: None) -> None:
    """The Kestrelmoor agencies, teams, twelve demo users and sharing agreements."""
    from lantern.demo.generator import ensure_organisation

    ensure_organisation()


@pytest.fixture
def demo_password() -> str:
    return django_settings.LANTERN_DEMO_PASSWORD


@pytest.fixture
def casework(demo_org: None) -> Casework:
    """Two synthetic children, a shared and a closed record, others' looks at them, and a break glass."""
    from tests.browser.casework import make_casework

    return make_casework()
