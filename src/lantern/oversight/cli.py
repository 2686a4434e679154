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

from lantern.access.policy import AccessDenied
from lantern.access.roles import Role
from lantern.accounts.models import Agency, User
from lantern.oversight.comparators import import_path
from lantern.oversight.services import ImportRefused, training_import
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


def import_training(
    *,
    path: Path,
    options: dict[str, Any],
    progress_bar: ProgressBar,  # noqa: ARG001 - every importer's signature; a year's completions need no bar
    refuse: Callable[..., NoReturn],
    write: Callable[[str], Any],
) -> None:
    """An agency's learning-system export (`username,course,completed_on`), imported as `--user` (a team manager or
    system administrator of that agency), or as the agency's one system administrator when no one is named. All
    or nothing; the same file again adds nothing."""
    agency = _agency(options.get("agency"))
    actor = _training_importer(agency, options.get("user"))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise CommandError(f"{path}: not a CSV saved as UTF-8. Nothing was imported.") from error
    try:
        result = training_import(actor=actor, text=text)
    except ImportRefused as refused:
        refuse(path=path, errors=refused.errors, report=options.get("errors"))
    except AccessDenied as denied:
        raise CommandError(f"{actor.username} may not import CSE training: {denied.decision.reason}") from denied
    write(f"Imported CSE training for {agency.code} as {actor.username}: {result.created} new, "
          f"{result.unchanged} already held.")  # fmt: skip


def _agency(code: str | None) -> Agency:
    if not code:
        raise CommandError("Give --agency CODE: the agency whose staff completed these courses.")
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        known = ", ".join(Agency.objects.order_by("code").values_list("code", flat=True)) or "none yet"
        raise CommandError(f"No agency with code {code!r} (known: {known}).")
    return agency


def _training_importer(agency: Agency, username: str | None) -> User:
    """Who the import is recorded as: the named user, who must work for the agency, or its one administrator."""
    staff = User.objects.filter(agency=agency, is_active=True)
    if username:
        user = staff.filter(username=username).first()
        if user is None:
            raise CommandError(f"No active user {username!r} in {agency.code}: --user names who is importing.")
        return user
    admins = list(staff.filter(role=Role.SYSTEM_ADMIN))
    if len(admins) != 1:
        may = staff.filter(role__in=[Role.SYSTEM_ADMIN, Role.TEAM_MANAGER]).order_by("username")
        names = ", ".join(may.values_list("username", flat=True)) or "nobody yet"
        raise CommandError(f"Give --user USERNAME: who in {agency.code} is importing ({names}).")
    return admins[0]


IMPORTERS: dict[str, Importer] = {
    "children-in-need": import_children_in_need,
    "training": import_training,
    # One entry per kind, each added beside its importer above: "training", "children-in-need".
}
