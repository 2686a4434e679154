"""The language guide's forms: the board's entry form and anyone's "check your wording" box."""

from __future__ import annotations

from django import forms

from lantern.language.enums import (
    LANG_VICTIM_BLAMING,
    MAX_BETTER,
    MAX_CHECKED_TEXT,
    MAX_EXPLANATION,
    MAX_PHRASE,
    MAX_RULE_ID,
    MAX_VARIANTS,
    MAX_WHEN,
)
from lantern.language.services import PhraseFields
from lantern.web.forms import GovukForm


class PhraseForm(GovukForm):
    language_check = False  # the guide's own words are the ones to avoid: no live check on this form

    phrase = forms.CharField(
        label="Words to avoid", max_length=MAX_PHRASE, help_text="As the guide shows them, for example: streetwise",
        error_messages={"required": "Enter the words to avoid"},
    )  # fmt: skip
    variants = forms.CharField(
        label="Other wordings to find (optional)", required=False, max_length=MAX_VARIANTS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One a line. Put / between alternative words: “put/putting herself/himself at risk” finds "
        "“put herself at risk” and “putting himself at risk”. Whole words are found, in any case: list plurals too.",
    )  # fmt: skip
    better = forms.CharField(
        label="Better phrase", max_length=MAX_BETTER, error_messages={"required": "Enter the better phrase"}
    )
    applies_when = forms.CharField(
        label="Only wrong when (optional)", required=False, max_length=MAX_WHEN,
        help_text="Leave empty if the words are always wrong. Otherwise finish the sentence “If …, then write the "
        "better phrase”, for example: this is an adult who is exploiting the child",
    )  # fmt: skip
    explanation = forms.CharField(
        label="Why the words are wrong", max_length=MAX_EXPLANATION, widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the words are wrong"},
    )  # fmt: skip
    rule_id = forms.CharField(
        label="Rule", max_length=MAX_RULE_ID, initial=LANG_VICTIM_BLAMING,
        help_text="The rulebook id the entry comes under", error_messages={"required": "Enter the rule id"},
    )  # fmt: skip

    def fields_for_service(self) -> PhraseFields:
        return PhraseFields(**self.cleaned_data)


class CheckForm(GovukForm):
    text = forms.CharField(
        label="Words to check", max_length=MAX_CHECKED_TEXT, widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Paste a sentence or a few paragraphs. Nothing you paste here is saved.",
        error_messages={"required": "Enter the words to check"},
    )  # fmt: skip
