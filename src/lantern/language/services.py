"""Writes to the language guide: the partnership adds, changes and removes entries. Each service checks access
(`LANGUAGE_GUIDE`: only board members change the guide), validates, changes and audits in one transaction.
A refusal of the input raises ValidationError naming the field at fault; nothing is saved in part.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lantern.access.policy import Action, Category, require
from lantern.accounts.models import User
from lantern.audit.services import AuditAction, Outcome, audit_record
from lantern.language.enums import (
    LANG_VICTIM_BLAMING,
    MAX_BETTER,
    MAX_EXPLANATION,
    MAX_PHRASE,
    MAX_RULE_ID,
    MAX_VARIANTS,
    MAX_WHEN,
)
from lantern.language.models import Phrase
from lantern.language.rules import LANG_VICTIM_BLAMING as RULE
from lantern.validation import checked_text

FIELDS = ("phrase", "variants", "better", "applies_when", "explanation", "rule_id")


@dataclass(frozen=True)
class PhraseFields:
    """An entry as the partnership writes it."""

    phrase: str
    better: str
    explanation: str
    variants: str = ""
    applies_when: str = ""
    rule_id: str = LANG_VICTIM_BLAMING


def _normal(wording: str) -> str:
    return " ".join(wording.lower().replace("\u2019", "'").split())


def _text(errors: dict[str, str], name: str, value: str, label: str, limit: int, *, required: bool = True) -> str:
    return checked_text(errors, name, value, label, limit=limit, required=required)


def _validated(fields: PhraseFields, *, editing: Phrase | None = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    values = {
        "phrase": _text(errors, "phrase", fields.phrase, "the words to avoid", MAX_PHRASE),
        "variants": "\n".join(
            line.strip() for line in _text(
                errors, "variants", fields.variants, "other wordings", MAX_VARIANTS, required=False
            ).splitlines() if line.strip()
        ),
        "better": _text(errors, "better", fields.better, "the better phrase", MAX_BETTER),
        "applies_when": _text(errors, "applies_when", fields.applies_when, "when the words are wrong", MAX_WHEN,
                              required=False),
        "explanation": _text(errors, "explanation", fields.explanation, "why the words are wrong", MAX_EXPLANATION),
        "rule_id": _text(errors, "rule_id", fields.rule_id, "the rule id", MAX_RULE_ID),
    }  # fmt: skip
    if "phrase" not in errors and (problem := RULE.wording_problem(values["phrase"])):
        errors["phrase"] = f"The words to avoid {problem}"
    if "variants" not in errors:
        for line in values["variants"].splitlines():
            if problem := RULE.wording_problem(line):
                errors["variants"] = f"The wording “{line}” {problem}"
                break
    if "phrase" not in errors and "variants" not in errors:
        _check_unique(errors, values, editing)
    if errors:
        raise ValidationError(errors)
    return values


def _check_unique(errors: dict[str, str], values: dict[str, str], editing: Phrase | None) -> None:
    """Each wording belongs to one entry, so a match has one better phrase."""
    mine = [values["phrase"], *values["variants"].splitlines()]
    seen: dict[str, str] = {}
    for wording in mine:
        if _normal(wording) in seen:
            errors["variants"] = f"“{wording}” is listed twice: list each wording once"
            return
        seen[_normal(wording)] = wording
    others = Phrase.objects.exclude(pk=editing.pk) if editing is not None else Phrase.objects.all()
    for other in others:
        for wording in other.wordings:
            if _normal(wording) in seen:
                field = "phrase" if _normal(wording) == _normal(values["phrase"]) else "variants"
                errors[field] = f"“{seen[_normal(wording)]}” is already in the guide, under “{other.phrase}”"
                return


def phrase_create(*, actor: User, fields: PhraseFields) -> Phrase:
    require(actor, Action.CREATE, Category.LANGUAGE_GUIDE, purpose="add to the language guide")
    values = _validated(fields)
    phrase = Phrase(**values, changed_by=actor, changed_at=timezone.now())
    phrase.full_clean()
    with transaction.atomic():
        phrase.save(force_insert=True)
        audit_record(
            actor=actor, action=AuditAction.CREATE, target=phrase, purpose="add to the language guide",
            outcome=Outcome.SUCCESS, detail={"phrase": phrase.phrase, "better": phrase.better},
        )  # fmt: skip
    return phrase


def phrase_update(*, actor: User, phrase: Phrase, fields: PhraseFields) -> Phrase:
    require(actor, Action.UPDATE, phrase, purpose="change the language guide")
    values = _validated(fields, editing=phrase)
    changed: dict[str, Any] = {
        name: [getattr(phrase, name), value] for name, value in values.items() if getattr(phrase, name) != value
    }
    for name, value in values.items():
        setattr(phrase, name, value)
    phrase.changed_by, phrase.changed_at = actor, timezone.now()
    phrase.full_clean()
    with transaction.atomic():
        phrase.save()
        audit_record(
            actor=actor, action=AuditAction.UPDATE, target=phrase, purpose="change the language guide",
            outcome=Outcome.SUCCESS, detail={"phrase": phrase.phrase, "changed": changed},
        )  # fmt: skip
    return phrase


def phrase_delete(*, actor: User, phrase: Phrase) -> None:
    require(actor, Action.DELETE, phrase, purpose="remove from the language guide")
    with transaction.atomic():
        audit_record(
            actor=actor, action=AuditAction.DELETE, target=phrase, purpose="remove from the language guide",
            outcome=Outcome.SUCCESS, detail={"phrase": phrase.phrase, "better": phrase.better},
        )  # fmt: skip
        phrase.delete()
