"""JSON API: voice (filled in by the issue-9 work on it)."""

from __future__ import annotations

from ninja import Router

router = Router()
