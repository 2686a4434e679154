"""`lantern import training|children-in-need FILE`: the oversight half of the import command.

training: an agency's learning-system export of CSE course completions (`--agency CODE`).
children-in-need: a DfE "Children in need" data file as downloaded from explore-education-statistics (the
completed-assessments-by-duration or the section 47 / ICPC file), keyed by `new_la_code`; no agency needed.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import CommandError

KINDS = ("training", "children-in-need")
ProgressBar = Callable[..., AbstractContextManager[Callable[[], None] | None]]


def import_oversight(
    *,
    kind: str,
    path: Path,
    options: dict[str, Any],
    progress_bar: ProgressBar,
    refuse: Callable[..., NoReturn],
    write: Callable[[str], Any],
) -> None:
    raise CommandError(f"Importing {kind} is not built yet.")
