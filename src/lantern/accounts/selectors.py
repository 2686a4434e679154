"""Reads of user accounts (never personal data about children or adults of concern)."""

from __future__ import annotations

from django.db.models import QuerySet

from lantern.access.policy import Action, Category, require
from lantern.accounts.models import User
from lantern.audit.services import AuditAction, Outcome, audit_record


def user_list(*, actor: User) -> QuerySet[User]:
    require(actor, Action.VIEW, Category.USER_ACCOUNT, purpose="list users")
    audit_record(
        actor=actor, action=AuditAction.VIEW, object_type="user", purpose="list users", outcome=Outcome.SUCCESS
    )
    return User.objects.select_related("agency", "team").order_by("agency__code", "username")


def user_get(*, actor: User, user_id: int, action: Action = Action.VIEW) -> User | None:
    require(actor, action, Category.USER_ACCOUNT, purpose="open a user account")
    return User.objects.select_related("agency", "team").filter(pk=user_id).first()
