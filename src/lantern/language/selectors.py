"""Reads of the language guide, through `access`, and the check every save runs on free text.

The guide holds no personal data, so reading it (like reading aggregates) leaves no audit row; a refusal does.
The check reads the text it is given and keeps nothing of it: neither the text nor what was found is stored
or logged, because the text is usually about a child.
"""

from __future__ import annotations

from django.db.models import QuerySet

from lantern.access.policy import Action, Category, require, require_row, scope
from lantern.accounts.models import User
from lantern.language.models import Phrase
from lantern.language.rules import LANG_VICTIM_BLAMING, Entry, Suggestion


def _phrases() -> QuerySet[Phrase]:
    return Phrase.objects.select_related("changed_by", "changed_by__agency")


def phrase_list(*, actor: User, purpose: str = "read the language guide") -> QuerySet[Phrase]:
    require(actor, Action.VIEW, Category.LANGUAGE_GUIDE, purpose=purpose)
    return scope(actor, _phrases())


def phrase_get(*, actor: User, phrase_id: object, purpose: str = "read an entry of the language guide") -> Phrase:
    return require_row(actor, Action.VIEW, _phrases(), phrase_id, purpose=purpose)


def phrase_for_change(*, actor: User, phrase_id: object, action: Action, purpose: str) -> Phrase:
    """An entry the actor may change (UPDATE) or remove (DELETE): refused and audited otherwise."""
    return require_row(actor, action, _phrases(), phrase_id, purpose=purpose)


def entries() -> list[Entry]:
    """The guide as the check needs it: one small query."""
    rows = Phrase.objects.values_list("pk", "phrase", "variants", "better", "applies_when", "explanation", "rule_id")
    return [
        Entry(pk, phrase, tuple(Phrase(phrase=phrase, variants=variants).wordings), better, when, why, rule)
        for pk, phrase, variants, better, when, why, rule in rows
    ]


def suggestions_for(text: str) -> list[Suggestion]:
    """The words in `text` that the guide lists, each with where it is, the better phrase and why (rule
    LANG-VICTIM-BLAMING). Offers, never blocks: callers save the text exactly as written."""
    if not text or not text.strip():
        return []
    return LANG_VICTIM_BLAMING.find(text, entries())


def check(*, actor: User, text: str) -> list[Suggestion]:
    """The check for a signed-in writer (the page's script, the API): anyone who may read the guide."""
    require(actor, Action.VIEW, Category.LANGUAGE_GUIDE, purpose="check wording against the language guide")
    return suggestions_for(text)
