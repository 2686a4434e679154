"""The oversight API under /api/v1/oversight/: one router per part, as the pages are split."""

from __future__ import annotations

from ninja import Router

from lantern.oversight.api import alerts, board, team, training, voice

router = Router(tags=["oversight"])
for part in (training, team, board, alerts, voice):
    router.add_router("", part.router)
