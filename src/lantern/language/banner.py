"""After a save: the page that follows lists the words the guide would put better (rule LANG-VICTIM-BLAMING).

The record is saved exactly as written; this only adds a GOV.UK notification banner to the next page, through
Django's messages like every other page's banners. Views that save free text call `offer_better_words` once
the save has succeeded.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from lantern.language.rules import Suggestion
from lantern.language.selectors import suggestions_for


def free_text(form: forms.Form) -> list[str]:
    """What the writer typed into the form's text areas."""
    data = getattr(form, "cleaned_data", {})
    return [
        data[name]
        for name, field in form.fields.items()
        if isinstance(field.widget, forms.Textarea) and isinstance(data.get(name), str)
    ]


def distinct(suggestions: list[Suggestion]) -> list[tuple[Suggestion, list[str]]]:
    """One line per entry of the guide, with every different way the text used its words."""
    found: dict[int, tuple[Suggestion, list[str]]] = {}
    for suggestion in suggestions:
        _, words = found.setdefault(suggestion.phrase_id, (suggestion, []))
        if suggestion.found.lower() not in (w.lower() for w in words):
            words.append(suggestion.found)
    return list(found.values())


def offer_better_words(request: HttpRequest, form: forms.Form) -> None:
    """Queue the banner for the next page if the saved text uses words the guide lists; otherwise nothing."""
    suggestions = [s for text in free_text(form) for s in suggestions_for(text)]
    if not suggestions:
        return
    # Rendered with autoescaping from the guide's entries and the writer's words, so the markup is safe; the
    # session storage of messages records that it is, and the banner shows it as markup.
    rules = ", ".join(sorted({s.rule for s in suggestions}))
    content = render_to_string("language/_saved_banner.html", {"rows": distinct(suggestions), "rules": rules}).strip()
    messages.info(request, mark_safe(content))
