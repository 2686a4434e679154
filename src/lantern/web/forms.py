"""GOV.UK markup for Django forms: classes, hints and error links wired in one place."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

_WIDGET_CLASSES: dict[type[forms.Widget], str] = {
    forms.RadioSelect: "govuk-radios__input",
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.PasswordInput: "govuk-input govuk-password-input__input govuk-js-password-input-input",
    forms.DateInput: "govuk-input govuk-input--width-10",
}


class GovukForm(forms.Form):
    """Adds GOV.UK classes, aria-describedby for hints and errors, and error styling after validation."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            css = next((c for t, c in _WIDGET_CLASSES.items() if isinstance(widget, t)), "govuk-input")
            widget.attrs["class"] = css
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{name}-hint"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            error_class = widget.attrs["class"].split()[0] + "--error"
            widget.attrs["class"] += f" {error_class}"
            described = widget.attrs.get("aria-describedby", "")
            widget.attrs["aria-describedby"] = f"{described} id_{name}-error".strip()


def apply_errors(form: forms.Form, error: ValidationError, renames: dict[str, str] | None = None) -> None:
    """Put a service's errors on the form's boxes (under the form's names for them); errors naming no box,
    or not naming fields at all, go to the top of the form."""
    renames = renames or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, problems in error.message_dict.items():
        target = renames.get(name, name)
        form.add_error(target if target in form.fields else None, problems)
