"""The partnership's CSE courses: awareness for every practitioner, and leading CSE practice for first- and
second-line managers (the reviews recommended both). Agencies' learning systems export completions under these
codes. Seeded by a migration, and again by `ensure_courses` wherever a database may have been emptied since."""

from __future__ import annotations

from typing import Any

COURSES = (
    ("cse-awareness", "CSE awareness: the signs, the language, and what to do", "practitioners", 36),
    ("cse-leading", "Leading CSE practice: supervision, challenge and escalation", "managers", 36),
)


def ensure_courses(model: Any = None) -> None:
    """Create or correct the standard courses; `model` is the migration's historical model when run from one."""
    if model is None:
        from lantern.oversight.models import TrainingCourse  # noqa: PLC0415 - the migration passes its own

        model = TrainingCourse
    for code, title, audience, months in COURSES:
        model.objects.update_or_create(code=code, defaults={"title": title, "audience": audience,
                                                            "valid_months": months})  # fmt: skip
