"""The partnership keeps the guide: board members add, change and remove entries, each change audited; everyone
else is refused (and the refusal audited); what the guide says is what the check offers, at once."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from lantern.access.policy import AccessDenied
from lantern.accounts.models import User
from lantern.audit.models import AuditEvent
from lantern.language import services
from lantern.language.models import Phrase
from lantern.language.selectors import suggestions_for
from lantern.language.services import PhraseFields

pytestmark = pytest.mark.usefixtures("guide")

NEW_ENTRY = PhraseFields(
    phrase="risky behaviour",
    variants="risk-taking behaviour/behaviours",
    better="being exploited by adults",
    explanation="It makes the child responsible for what adults do to them.",
)


def audit_rows(**match: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(**match).order_by("seq"))


def test_a_board_member_adds_a_phrase_the_check_offers_at_once(org: dict[str, User]) -> None:
    assert suggestions_for("Her risk-taking behaviours worry school.") == []
    made = services.phrase_create(actor=org["board1"], fields=NEW_ENTRY)
    assert (made.changed_by, made.rule_id) == (org["board1"], "LANG-VICTIM-BLAMING")
    (found,) = suggestions_for("Her risk-taking behaviours worry school.")
    assert (found.found, found.better, found.phrase_id) == ("risk-taking behaviours", "being exploited by adults",
                                                            made.pk)  # fmt: skip
    (row,) = audit_rows(object_type="language_phrase", object_id=str(made.pk))
    assert (row.action, row.outcome, row.actor_username) == ("create", "success", "board1")
    assert json.loads(row.detail) == {"phrase": "risky behaviour", "better": "being exploited by adults"}


def test_changing_an_entry_changes_the_check_and_records_what_changed(org: dict[str, User]) -> None:
    entry = Phrase.objects.get(phrase="streetwise")
    fields = PhraseFields(phrase="streetwise", variants="street-wise\nstreet smart", better="a child whose needs are "
                          "not being met", explanation=entry.explanation)  # fmt: skip
    services.phrase_update(actor=org["board1"], phrase=entry, fields=fields)
    (found,) = suggestions_for("Quite street smart.")
    assert (found.found, found.better) == ("street smart", "a child whose needs are not being met")
    entry.refresh_from_db()
    assert entry.changed_by == org["board1"]
    (row,) = audit_rows(object_type="language_phrase", object_id=str(entry.pk), action="update")
    assert json.loads(row.detail) == {
        "phrase": "streetwise",
        "changed": {
            "variants": ["street-wise", "street-wise\nstreet smart"],
            "better": ["a child with unmet needs", "a child whose needs are not being met"],
        },
    }


def test_removing_an_entry_stops_the_check_offering_it(org: dict[str, User]) -> None:
    entry = Phrase.objects.get(phrase="promiscuous")
    pk = entry.pk
    services.phrase_delete(actor=org["board1"], phrase=entry)
    assert suggestions_for("promiscuous") == []
    assert not Phrase.objects.filter(pk=pk).exists()
    (row,) = audit_rows(object_type="language_phrase", object_id=str(pk))
    assert (row.action, json.loads(row.detail)["phrase"]) == ("delete", "promiscuous")


@pytest.mark.parametrize("username", ["sw1", "tm1", "cse1", "analyst1", "admin1", "ig1"])
def test_only_the_board_changes_the_guide_and_every_refusal_is_audited(org: dict[str, User], username: str) -> None:
    entry = Phrase.objects.get(phrase="streetwise")
    before = Phrase.objects.count()
    attempts = [
        lambda: services.phrase_create(actor=org[username], fields=NEW_ENTRY),
        lambda: services.phrase_update(actor=org[username], phrase=entry, fields=NEW_ENTRY),
        lambda: services.phrase_delete(actor=org[username], phrase=entry),
    ]
    for attempt in attempts:
        with pytest.raises(AccessDenied):
            attempt()
    assert Phrase.objects.count() == before
    entry.refresh_from_db()
    assert entry.better == "a child with unmet needs"
    refused = audit_rows(actor_username=username, action="denied")
    assert [json.loads(r.detail)["attempted"] for r in refused] == ["create", "update", "delete"]
    assert {json.loads(r.detail)["category"] for r in refused} == {"language_guide"}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"phrase": "  "}, "phrase", "Enter the words to avoid"),
        ({"better": ""}, "better", "Enter the better phrase"),
        ({"explanation": ""}, "explanation", "Enter why the words are wrong"),
        ({"phrase": "x" * 101}, "phrase", "The words to avoid must be 100 characters or fewer"),
        (
            {"phrase": "risky!"},
            "phrase",
            "The words to avoid can only contain letters, numbers, spaces, hyphens, "
            "apostrophes and / between alternative words",
        ),
        (
            {"variants": "fine\nput/ herself"},
            "variants",
            "The wording “put/ herself” has an empty alternative in “put/”: put a word on each side of /",
        ),
        ({"phrase": "Streetwise"}, "phrase", "“Streetwise” is already in the guide, under “streetwise”"),
        (
            {"variants": "older  Boyfriend/boyfriends"},
            "variants",
            "“older  Boyfriend/boyfriends” is already in the guide, under “boyfriend”",
        ),
        ({"variants": "risky behaviour"}, "variants", "“risky behaviour” is listed twice: list each wording once"),
    ],
)
def test_entries_the_check_could_not_use_are_refused_field_by_field(
    org: dict[str, User], changes: dict[str, str], field: str, message: str
) -> None:
    before = Phrase.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.phrase_create(actor=org["board1"], fields=PhraseFields(**{**NEW_ENTRY.__dict__, **changes}))
    assert refused.value.message_dict == {field: [message]}
    assert Phrase.objects.count() == before


def test_an_entry_keeps_its_own_wordings_when_changed(org: dict[str, User]) -> None:
    entry = Phrase.objects.get(phrase="boyfriend")
    fields = PhraseFields(phrase="boyfriend", variants=entry.variants, better=entry.better,
                          applies_when=entry.applies_when, explanation="Shorter.")  # fmt: skip
    services.phrase_update(actor=org["board1"], phrase=entry, fields=fields)
    entry.refresh_from_db()
    assert entry.explanation == "Shorter."
