"""Account writes: API tokens, sign-in and sign-out (each audited), and user administration."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from lantern.access.policy import Action, Category, Draft, require
from lantern.accounts.models import ApiToken, User
from lantern.audit.services import AuditAction, Outcome, audit_record, save_with_audit

TOKEN_PREFIX = "ltn_"  # noqa: S105 - a public prefix that marks Lantern tokens, not a secret


class TokenError(Exception):
    """A bearer token that cannot be used; the message says why."""


@dataclass(frozen=True)
class IssuedToken:
    key: str
    token: ApiToken


def token_create(*, user: User, issued_by: str, days: int | None = None) -> IssuedToken:
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    lifetime = days if days is not None else settings.LANTERN_TOKEN_DAYS
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            prefix=key[:12],
            key_hash=ApiToken.hash_key(key),
            expires_at=timezone.now() + timedelta(days=lifetime),
        )
        audit_record(
            actor=user,
            action=AuditAction.TOKEN,
            object_type="api_token",
            object_id=str(token.pk),
            purpose=f"API token issued by {issued_by}",
            outcome=Outcome.SUCCESS,
            detail={"expires_at": token.expires_at.isoformat()},
        )
    return IssuedToken(key=key, token=token)


def token_authenticate(*, key: str) -> User:
    """The user behind a bearer token; raises TokenError saying why it cannot be used."""
    token = ApiToken.objects.select_related("user", "user__agency").filter(key_hash=ApiToken.hash_key(key)).first()
    problem = ""
    if token is None:
        problem = "The token is not recognised."
    elif token.revoked_at is not None:
        problem = "The token has been revoked."
    elif token.is_expired:
        problem = "The token has expired: ask for a new one."
    elif not token.user.is_active:
        problem = "The account behind this token is disabled."
    if problem:
        audit_record(
            actor=None,
            username=token.user.username if token else "",
            action=AuditAction.LOGIN,
            object_type="api_token",
            object_id=str(token.pk) if token else "",
            purpose="API token",
            outcome=Outcome.FAILURE,
            detail={"reason": problem},
        )
        raise TokenError(problem)
    assert token is not None  # noqa: S101 - every other case raised above
    # Touch at most once a minute, so reads do not turn into a write per request.
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def sign_in(*, request: HttpRequest, username: str, password: str) -> User | None:
    """Check credentials (django-axes counts failures) and audit the attempt either way."""
    user = authenticate(request, username=username, password=password)
    if user is None:
        audit_record(
            actor=None,
            username=username[:150],
            action=AuditAction.LOGIN,
            purpose="sign in",
            outcome=Outcome.FAILURE,
            detail={"locked_out": bool(getattr(request, "axes_locked_out", False))},
        )
        return None
    assert isinstance(user, User)  # noqa: S101 - AUTH_USER_MODEL is User
    audit_record(actor=user, action=AuditAction.LOGIN, purpose="sign in", outcome=Outcome.SUCCESS)
    return user


def sign_out_audit(*, user: User, reason: str) -> None:
    audit_record(actor=user, action=AuditAction.LOGOUT, purpose=reason, outcome=Outcome.SUCCESS)


def user_create(*, actor: User, **fields: Any) -> User:
    require(actor, Action.CREATE, Draft(Category.USER_ACCOUNT, actor.agency_id), purpose="create a user")
    password = fields.pop("password", None)
    user = User(**fields)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    save_with_audit(
        actor=actor,
        obj=user,
        action=AuditAction.CREATE,
        purpose="create a user",
        detail={"username": user.username},
        create=True,
    )
    return user


USER_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "agency",
    "team",
    "role",
    "swe_registration",
    "swe_registration_expires",
    "is_active",
)


def user_update(*, actor: User, user: User, **fields: Any) -> User:
    require(actor, Action.UPDATE, Draft(Category.USER_ACCOUNT, actor.agency_id), purpose="update a user")
    changed = sorted(name for name in USER_FIELDS if name in fields and getattr(user, name) != fields[name])
    for name in changed:
        setattr(user, name, fields[name])
    save_with_audit(
        actor=actor, obj=user, action=AuditAction.UPDATE, purpose="update a user", detail={"changed": changed}
    )
    return user


def password_changed(*, user: User) -> None:
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        object_type="user",
        object_id=str(user.pk),
        purpose="password change",
        outcome=Outcome.SUCCESS,
    )
