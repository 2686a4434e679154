"""The language guide's API shapes, one In/Out per operation."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from lantern.language.enums import (
    LANG_VICTIM_BLAMING,
    MAX_BETTER,
    MAX_CHECKED_TEXT,
    MAX_EXPLANATION,
    MAX_PHRASE,
    MAX_RULE_ID,
    MAX_WHEN,
)

SLACK = 2  # the services give the friendly message at the limit; the schema only stops absurd bodies


class CheckIn(Schema):
    text: str = Field(max_length=MAX_CHECKED_TEXT, description="the free text to check; it is not stored")


class SuggestionOut(Schema):
    phrase_id: int
    found: str = Field(description="the words as the text has them")
    start: int = Field(description="where they start in the text (a character offset)")
    end: int
    phrase: str = Field(description="the guide's entry")
    better: str = Field(description="the better phrase")
    applies_when: str = Field(description="empty if the words are always wrong; else the context that makes them so")
    advice: str = Field(description="one sentence to show the writer")
    explanation: str
    rule: str


class CheckOut(Schema):
    items: list[SuggestionOut]
    count: int


class PhraseOut(Schema):
    id: int
    phrase: str
    variants: list[str] = Field(description="other wordings found; / separates alternative words")
    better: str
    applies_when: str
    explanation: str
    rule_id: str
    changed_by: str | None = Field(description="username; null for the rulebook's own entries")
    changed_at: dt.datetime


class PhraseList(Schema):
    items: list[PhraseOut]
    count: int


class PhraseIn(Schema):
    phrase: str = Field(max_length=MAX_PHRASE * SLACK)
    variants: list[str] = Field(default_factory=list, max_length=200)
    better: str = Field(max_length=MAX_BETTER * SLACK)
    applies_when: str = Field(default="", max_length=MAX_WHEN * SLACK)
    explanation: str = Field(max_length=MAX_EXPLANATION * SLACK)
    rule_id: str = Field(default=LANG_VICTIM_BLAMING, max_length=MAX_RULE_ID * SLACK)


class PhrasePatch(Schema):
    phrase: str | None = Field(default=None, max_length=MAX_PHRASE * SLACK)
    variants: list[str] | None = Field(default=None, max_length=200)
    better: str | None = Field(default=None, max_length=MAX_BETTER * SLACK)
    applies_when: str | None = Field(default=None, max_length=MAX_WHEN * SLACK)
    explanation: str | None = Field(default=None, max_length=MAX_EXPLANATION * SLACK)
    rule_id: str | None = Field(default=None, max_length=MAX_RULE_ID * SLACK)
