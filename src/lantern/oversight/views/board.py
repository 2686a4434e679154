"""Pages: board (filled in by the issue-9 work on it)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
