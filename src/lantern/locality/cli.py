"""`lantern import indicators|fingertips|boundaries FILE`: the locality half of the import command."""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import CommandError
from rich.console import Console

from lantern.accounts.models import User
from lantern.locality.enums import ImportKind
from lantern.locality.imports import ImportResult, count_rows, import_file
from lantern.locality.services import profiles_recompute
from lantern.people.imports import FileError

KINDS = tuple(ImportKind.values)
ProgressBar = Callable[..., AbstractContextManager[Callable[[], None] | None]]


def import_locality(
    *,
    kind: str,
    path: Path,
    options: dict[str, Any],
    progress_bar: ProgressBar,
    refuse: Callable[..., NoReturn],
    write: Callable[[str], Any],
) -> None:
    """Import one file as ``kind`` (agency not needed: locality data is the partnership's), then recompute the
    profiles if anything changed. ``--user`` names who is importing, for the audit log."""
    actor = _actor(options.get("user"))
    import_kind = ImportKind(kind)
    try:
        with progress_bar(total=count_rows(kind=import_kind, path=path), label="import") as advance:
            result = import_file(
                kind=import_kind, path=path, actor=actor, replace=bool(options.get("replace")), progress=advance
            )
    except FileError as error:
        raise CommandError(f"{path}: {error}. Nothing was imported.") from error
    if result.already is not None:
        batch = result.already
        write(
            f"{path.name} was imported on {batch.imported_at:%d %b %Y at %H:%M} as {batch.filename} "
            f"({batch.rows} rows): nothing to do."
        )
        return
    if result.errors:
        refuse(path=path, errors=result.errors, report=options.get("errors"))
    write(_summary(result))
    if result.changed and not options.get("no_recompute"):
        console = Console(file=sys.stderr)
        with console.status("Recomputing locality profiles…"):
            recomputed = profiles_recompute()
        write(f"Profiles recomputed: {recomputed.figures} figures in {recomputed.seconds:.1f} s.")


def _actor(username: str | None) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"No active user {username!r}: --user names the person importing, for the audit log.")
    return user


def _summary(result: ImportResult) -> str:
    parts: list[str] = []
    if result.kind == ImportKind.BOUNDARIES:
        parts.append(f"{result.areas_created} areas new, {result.areas_updated} changed, {result.unchanged} unchanged")
    else:
        parts.append(f"{result.created} figures new, {result.unchanged} unchanged")
        if result.replaced:
            parts.append(f"{result.replaced} replaced")
        if result.indicators_created:
            parts.append(f"{result.indicators_created} indicators new")
        if result.areas_created:
            parts.append(f"{result.areas_created} comparator areas new")
    notes = f" ({'; '.join(result.skipped_why)})" if result.skipped_why else ""
    return f"Imported {result.filename}: {', '.join(parts)}{notes}."
