"""The partnership's list of words that blame children, each with a better phrase: data, not code (rule
LANG-VICTIM-BLAMING: "The list is data, editable by the partnership")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from lantern.language.enums import (
    LANG_VICTIM_BLAMING,
    MAX_BETTER,
    MAX_EXPLANATION,
    MAX_PHRASE,
    MAX_RULE_ID,
    MAX_VARIANTS,
    MAX_WHEN,
)


class Phrase(models.Model):
    """One entry of the guide: the words to avoid (and other wordings of them), what to write instead, when
    the words are wrong if only in some contexts, and why."""

    phrase = models.CharField(max_length=MAX_PHRASE, help_text="the words to avoid, as the guide shows them")
    variants = models.TextField(
        max_length=MAX_VARIANTS, blank=True, help_text="other wordings to find, one a line; / between alternative words"
    )
    better = models.CharField(max_length=MAX_BETTER, help_text="what to write instead")
    applies_when = models.CharField(
        max_length=MAX_WHEN, blank=True, help_text="empty if always wrong; else the context that makes it wrong"
    )
    explanation = models.TextField(max_length=MAX_EXPLANATION)
    rule_id = models.CharField(max_length=MAX_RULE_ID, default=LANG_VICTIM_BLAMING)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["phrase"]
        constraints = [models.UniqueConstraint(Lower("phrase"), name="language_phrase_unique")]

    ACCESS_CATEGORY = "language_guide"
    AUDIT_TYPE = "language_phrase"
    ACCESS_FIELDS: dict[str, tuple[str, ...]] = {}  # no conditions: the guide holds no personal data

    def __str__(self) -> str:
        return self.phrase

    @property
    def wordings(self) -> list[str]:
        """The phrase and each other wording, as written (each may hold / between alternative words)."""
        lines = [line.strip() for line in self.variants.splitlines()]
        return [self.phrase.strip(), *(line for line in lines if line)]
