"""Production mode: gunicorn on PostgreSQL, DEBUG off, security headers, `check --deploy` clean."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    # A clean environment for the server: no Lantern settings and no test-only Django switches.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("LANTERN_") and key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(
        {
            "LANTERN_HOME": str(tmp_path),
            "LANTERN_DEMO_MODE": "0",
            "LANTERN_SECRET_KEY": "prod-test-" + "k3y" * 20,
            "LANTERN_ALLOWED_HOSTS": "127.0.0.1,lantern.kestrelmoor.example",
            "LANTERN_BEHIND_PROXY": "1",
            "DATABASE_URL": database_url,
        }
    )
    return env


def lantern(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lantern.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_check_deploy_is_clean(tmp_path: Path) -> None:
    env = production_env(tmp_path, "postgres://root@127.0.0.1:5432/test")
    result = lantern(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = production_env(tmp_path, "postgres://root@127.0.0.1:5432/test")
    del env["LANTERN_SECRET_KEY"]
    result = lantern(env, "check")
    assert result.returncode != 0
    assert "LANTERN_SECRET_KEY must be set" in result.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path, django_db_setup: None, django_db_blocker) -> Iterator[str]:
    """`lantern serve` on the test run's PostgreSQL database (or a fresh one when the run uses SQLite)."""
    if connection.vendor != "postgresql":
        pytest.skip("production mode runs on PostgreSQL; the PostgreSQL run covers it")
    settings_dict = connection.settings_dict
    url = f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"
    env = production_env(tmp_path, url)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "lantern.cli", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                httpx.get(f"{base}/account/sign-in/", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None:
                    pytest.fail(f"lantern serve exited: {process.stdout.read() if process.stdout else ''}")
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_serve_sends_security_headers(served: str) -> None:
    https = {"X-Forwarded-Proto": "https"}
    page = httpx.get(f"{served}/account/sign-in/", headers=https)
    assert page.status_code == 200
    assert page.headers["Server"].startswith("gunicorn")
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    cookie = page.headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "SameSite=Strict" in cookie
    assert "Synthetic data" not in page.text  # no demo banner in production
    stylesheet = page.text.split('rel="stylesheet" href="')[1].split('"')[0]
    assert httpx.get(f"{served}{stylesheet}", headers=https).status_code == 200  # whitenoise


def test_serve_redirects_plain_http_to_https(served: str) -> None:
    response = httpx.get(f"{served}/account/sign-in/")
    assert response.status_code == 301
    assert response.headers["Location"].startswith("https://")


def test_debug_is_off_in_production(served: str) -> None:
    missing = httpx.get(f"{served}/no-such-page/", headers={"X-Forwarded-Proto": "https"})
    assert missing.status_code == 404
    assert "Traceback" not in missing.text
    assert "Page not found" in missing.text
