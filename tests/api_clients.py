"""Bearer-token clients for the demo users, for tests that drive the JSON API of a live server."""

from __future__ import annotations

import httpx

from lantern.accounts.models import User
from lantern.accounts.services import token_create


class Api:
    """One bearer-token client per demo user, on the live server's /api/v1."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.clients: dict[str, httpx.Client] = {}

    def __call__(self, username: str) -> httpx.Client:
        if username not in self.clients:
            key = token_create(user=User.objects.get(username=username), issued_by="test").key
            self.clients[username] = httpx.Client(
                base_url=self.base_url, timeout=60, headers={"Authorization": f"Bearer {key}"}
            )
        return self.clients[username]

    def close(self) -> None:
        for client in self.clients.values():
            client.close()
