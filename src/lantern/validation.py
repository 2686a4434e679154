"""Field checks the services share. Each check puts a field's problem into `Errors`, so a service refuses with
every problem at once (one ValidationError by field, which the forms and the API show beside each box) and saves
nothing."""

from __future__ import annotations

from django.core.exceptions import ValidationError

Errors = dict[str, str]


def refuse_if_any(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def checked_text(errors: Errors, name: str, value: str, label: str, *, limit: int, required: bool = True) -> str:
    """The text trimmed; an error under `name` when it is required and empty, or longer than `limit`."""
    value = (value or "").strip()
    if required and not value:
        errors[name] = f"Enter {label}"
    elif len(value) > limit:
        errors[name] = f"{label[0].upper()}{label[1:]} must be {limit:,} characters or fewer"
    return value
