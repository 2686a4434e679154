"""`lantern import training|children-in-need FILE`: the oversight half of the import command.

training: an agency's learning-system export of CSE course completions (`--agency CODE`).
children-in-need: a DfE "Children in need" data file as downloaded from explore-education-statistics (the
completed-assessments-by-duration or the section 47 / ICPC file), keyed by `new_la_code`; no agency needed.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, NoReturn, Protocol

from django.core.management.base import CommandError

from lantern.accounts.models import User
from lantern.oversight.comparators import import_path
from lantern.people.imports import FileError

KINDS = ("training", "children-in-need")
ProgressBar = Callable[..., AbstractContextManager[Callable[[], None] | None]]


class Importer(Protocol):
    def __call__(
        self,
        *,
        path: Path,
        options: dict[str, Any],
        progress_bar: ProgressBar,
        refuse: Callable[..., NoReturn],
        write: Callable[[str], Any],
    ) -> None: ...


def import_oversight(
    *,
    kind: str,
    path: Path,
    options: dict[str, Any],
    progress_bar: ProgressBar,
    refuse: Callable[..., NoReturn],
    write: Callable[[str], Any],
) -> None:
    """Import one file as `kind`: each kind's importer is in IMPORTERS, below."""
    importer = IMPORTERS.get(kind)
    if importer is None:
        raise CommandError(f"Importing {kind} is not built yet.")
    importer(path=path, options=options, progress_bar=progress_bar, refuse=refuse, write=write)


# --- children-in-need ---------------------------------------------------------------------------------------


def import_children_in_need(
    *,
    path: Path,
    options: dict[str, Any],
    progress_bar: ProgressBar,  # noqa: ARG001 - every importer's signature; these files need no bar
    refuse: Callable[..., NoReturn],
    write: Callable[[str], Any],
) -> None:
    """A DfE C2 or C4 file (a few thousand rows, read in a moment). `--user` names who is importing, for the
    audit log."""
    actor = None
    if options.get("user"):
        actor = User.objects.filter(username=options["user"], is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user {options['user']!r}: --user names who is importing, for the audit log.")
    try:
        result = import_path(path=path, actor=actor)
    except FileError as error:
        raise CommandError(f"{path}: {error}. Nothing was imported.") from error
    if result.errors:
        refuse(path=path, errors=result.errors, report=options.get("errors"))
    write(result.summary)


# --- training -----------------------------------------------------------------------------------------------


IMPORTERS: dict[str, Importer] = {
    "children-in-need": import_children_in_need,
    # One entry per kind, each added beside its importer above: "training", "children-in-need".
}
