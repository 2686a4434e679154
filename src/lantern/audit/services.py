"""The one entry point that writes the audit log, and the check that it has not been tampered with."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils import timezone

from lantern.audit.models import AuditEvent, AuditHead

GENESIS = "0" * 64


class AuditAction(StrEnum):
    VIEW = "view"
    SEARCH = "search"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    SHARE = "share"
    EXPORT = "export"
    MERGE = "merge"
    UNMERGE = "unmerge"
    IMPORT = "import"
    BREAK_GLASS = "break-glass"
    LOGIN = "login"
    LOGOUT = "logout"
    DENIED = "denied"
    TOKEN = "token"  # noqa: S105 - the audit action name, not a secret


class Outcome(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    DENIED = "denied"


def _canonical(fields: dict[str, Any]) -> str:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _row_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "at": event.at.isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "agency": event.agency,
        "role": event.role,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_owner_id": event.object_owner_id,
        "purpose": event.purpose,
        "outcome": event.outcome,
        "detail": event.detail,
        "prev_hash": event.prev_hash,
    }


def row_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(_row_fields(event)).encode()).hexdigest()


def _owner_of(target: Any) -> int | None:
    owner = getattr(target, "audit_owner_id", None)
    return int(owner) if owner is not None else None


def audit_record(
    *,
    actor: Any,
    action: AuditAction,
    outcome: Outcome,
    purpose: str = "",
    target: Any = None,
    object_type: str = "",
    object_id: str = "",
    detail: dict[str, Any] | None = None,
    username: str = "",
) -> AuditEvent:
    """Append one row. Joins the caller's transaction, so a write and its audit row commit together."""
    authenticated = bool(getattr(actor, "is_authenticated", False))
    with transaction.atomic():
        # Locking the head serialises appends on PostgreSQL; SQLite's IMMEDIATE transactions already do.
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            # The log's first row: concurrent writers may all find no head. get_or_create waits for the one
            # that inserts it, then every writer locks the same head.
            AuditHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS})
            head = AuditHead.objects.select_for_update().get(pk=1)
        event = AuditEvent(
            seq=head.seq + 1,
            at=timezone.now(),
            actor_id=actor.pk if authenticated else None,
            actor_username=actor.username if authenticated else username,
            agency=(actor.agency.code if authenticated and actor.agency_id else ""),
            role=actor.role if authenticated else "",
            action=action.value,
            object_type=(target.AUDIT_TYPE if target is not None else object_type),
            object_id=(str(target.pk) if target is not None else object_id),
            object_owner_id=_owner_of(target),
            purpose=purpose[:500],
            outcome=outcome.value,
            detail=_canonical(detail) if detail else "",
            prev_hash=head.hash,
        )
        event.hash = row_hash(event)
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    row_id: int | None
    problem: str

    def __str__(self) -> str:
        where = f"row seq={self.seq}" + (f" (id {self.row_id})" if self.row_id is not None else "")
        return f"{where}: {self.problem}"


def _rows() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq", "pk").iterator(chunk_size=2000)


def audit_verify(*, progress: Callable[[int], None] | None = None) -> tuple[int, ChainBreak | None]:
    """Walk the chain in order; return (rows checked, first break or None)."""
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    for event in _rows():
        if event.seq != expected_seq:
            problem = (
                f"sequence jumps from {expected_seq - 1} to {event.seq}: a row was deleted or renumbered"
                if event.seq > expected_seq
                else f"sequence {event.seq} repeats or goes backwards: rows were reordered"
            )
            return checked, ChainBreak(event.seq, event.pk, problem)
        if event.prev_hash != expected_prev:
            return checked, ChainBreak(event.seq, event.pk, "previous-hash link broken: a row was removed or reordered")
        if row_hash(event) != event.hash:
            return checked, ChainBreak(event.seq, event.pk, "contents do not match the row's hash: the row was edited")
        expected_prev, expected_seq = event.hash, event.seq + 1
        checked += 1
        if progress:
            progress(checked)
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.seq, head.hash) != (expected_seq - 1, expected_prev):
        return checked, ChainBreak(
            head.seq,
            None,
            f"the log ends at seq {expected_seq - 1} but its head records "
            f"seq {head.seq}: rows were removed from the end",
        )
    return checked, None


def audit_count() -> int:
    return AuditEvent.objects.count()


def save_with_audit(
    *,
    actor: Any,
    obj: Any,
    action: AuditAction,
    purpose: str,
    detail: dict[str, Any] | None = None,
    create: bool = False,
) -> None:
    """Validate a row, save it and write its audit row in one transaction: both land or neither does."""
    obj.full_clean()
    with transaction.atomic():
        obj.save(force_insert=create)
        audit_record(actor=actor, action=action, target=obj, purpose=purpose, outcome=Outcome.SUCCESS, detail=detail)
