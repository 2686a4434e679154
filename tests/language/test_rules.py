"""LANG-VICTIM-BLAMING: every example of the rule, as seeded, is found in text and offered its better phrase;
innocent text is left alone; words wrong only in some contexts say so ("If ..., then ...")."""

from __future__ import annotations

from typing import Any

import pytest

from lantern.language.defaults import DEFAULTS
from lantern.language.enums import LANG_VICTIM_BLAMING
from lantern.language.models import Phrase
from lantern.language.rules import LANG_VICTIM_BLAMING as RULE
from lantern.language.selectors import suggestions_for

pytestmark = pytest.mark.usefixtures("guide")

# The rule's examples, word for word: (text a practitioner might write, the words found, the better phrase).
EXAMPLES = [
    (
        "She is putting themselves at risk by going out.",
        "putting themselves at risk",
        "being exposed to risk by adults",
    ),
    ("Described by school as promiscuous.", "promiscuous", "being sexually exploited"),
    ("Her boyfriend collects her from school.", "boyfriend", "adult who is exploiting the child"),
    ("Concerns about prostitution at the hotel.", "prostitution", "child sexual exploitation"),
    ("Officer called her a child prostitute.", "child prostitute", "child being sexually exploited"),
    ("Relationship described as consensual.", "consensual", "the child cannot consent to exploitation"),
    ("Staff felt this was a lifestyle choice.", "lifestyle choice", "being groomed or coerced"),
    ("She is streetwise and can look after herself.", "streetwise", "a child with unmet needs"),
    ("Mother says he is sexually active.", "sexually active", "being sexually abused"),
]

# Natural variants of the examples, each found under the example's entry.
VARIANTS = [
    ("She keeps putting herself at risk.", "putting herself at risk", "putting themselves at risk"),
    ("He puts himself at risk most weekends.", "puts himself at risk", "putting themselves at risk"),
    ("They put themselves at risk.", "put themselves at risk", "putting themselves at risk"),
    ("She put herself at risk again.", "put herself at risk", "putting themselves at risk"),
    ("Placing herself in danger at the park.", "Placing herself in danger", "putting themselves at risk"),
    ("PROMISCUITY was mentioned.", "PROMISCUITY", "promiscuous"),
    ("Two boyfriends, both over 20.", "boyfriends", "boyfriend"),
    ("An older boyfriend aged 24.", "older boyfriend", "boyfriend"),
    ("Her boyfriend’s car was outside.", "boyfriend", "boyfriend"),
    ("Police called them child prostitutes.", "child prostitutes", "child prostitute"),
    ("Known as a young prostitute.", "young prostitute", "child prostitute"),
    ("Girls used as prostitutes at parties.", "prostitutes", "prostitute"),
    ("Linked to child prostitution.", "child prostitution", "prostitution"),
    ("Their lifestyle choices worry staff.", "lifestyle choices", "lifestyle choice"),
    ("Very street-wise for her age.", "street-wise", "streetwise"),
    ("A street wise lad.", "street wise", "streetwise"),
    ("Sexually-active since 14.", "Sexually-active", "sexually active"),
]

# Text that must not be flagged: the words inside other words, or near misses.
INNOCENT = [
    "The riskier route home was discussed.",
    "No risk assessment was needed.",
    "She has a friend at school.",
    "Exboyfriend is a made-up word, as is boyfriendship.",
    "Consent to share information was given.",
    "The lifestyle magazine was on the table.",
    "Active on social media; the street was quiet.",
    "She puts her coat on and goes to school.",
    "",
]


@pytest.mark.parametrize(("text", "found", "better"), EXAMPLES, ids=[e[1] for e in EXAMPLES])
def test_LANG_VICTIM_BLAMING_each_example_is_offered_its_better_phrase(text: str, found: str, better: str) -> None:
    suggestions = suggestions_for(text)
    assert [(s.found, s.better, s.rule) for s in suggestions] == [(found, better, LANG_VICTIM_BLAMING)]
    only = suggestions[0]
    assert text[only.start : only.end] == found
    assert only.explanation


@pytest.mark.parametrize(("text", "found", "phrase"), VARIANTS, ids=[v[1] for v in VARIANTS])
def test_LANG_VICTIM_BLAMING_natural_variants_are_found_under_their_example(text: str, found: str, phrase: str) -> None:
    suggestions = suggestions_for(text)
    assert [(s.found, s.phrase) for s in suggestions] == [(found, phrase)]
    assert text[suggestions[0].start : suggestions[0].end] == found


@pytest.mark.parametrize("text", INNOCENT)
def test_LANG_VICTIM_BLAMING_innocent_text_is_left_alone(text: str) -> None:
    assert suggestions_for(text) == []


def test_LANG_VICTIM_BLAMING_words_wrong_only_in_context_say_if_rather_than_pretend_to_know() -> None:
    advice = {s.phrase: s.advice for s in suggestions_for("Boyfriend; consensual; sexually active; prostitute.")}
    assert advice == {
        "boyfriend": "If this is an adult who is abusing or exploiting the child, then write “adult who is exploiting "
        "the child” instead.",
        "consensual": "If it says a child agreed to sexual activity with an adult who is exploiting them, then write "
        "“the child cannot consent to exploitation” instead.",
        "sexually active": "If it describes the child being sexually exploited, then write “being sexually abused” "
        "instead.",
        "prostitute": "If it is said of a child, then write “child being sexually exploited” instead.",
    }
    (always,) = suggestions_for("promiscuous")
    assert always.advice == "Write “being sexually exploited” instead."


def test_LANG_VICTIM_BLAMING_every_match_in_a_text_is_found_in_order_with_its_position() -> None:
    text = "Streetwise, promiscuous, and her boyfriend (24) says it was consensual. Streetwise again."
    found = [(s.found, s.start) for s in suggestions_for(text)]
    assert found == [
        ("Streetwise", 0),
        ("promiscuous", 12),
        ("boyfriend", 33),
        ("consensual", 60),
        ("Streetwise", 72),
    ]


def test_LANG_VICTIM_BLAMING_the_seeded_list_is_the_rule_s_examples_with_the_rule_id() -> None:
    seeded = {p.phrase: (p.better, p.rule_id, p.changed_by_id) for p in Phrase.objects.all()}
    assert seeded == {d.phrase: (d.better, LANG_VICTIM_BLAMING, None) for d in DEFAULTS}
    rule_examples = {
        "putting themselves at risk": "being exposed to risk by adults",
        "promiscuous": "being sexually exploited",
        "boyfriend": "adult who is exploiting the child",
        "prostitution": "child sexual exploitation",
        "child prostitute": "child being sexually exploited",
        "consensual": "the child cannot consent to exploitation",
        "lifestyle choice": "being groomed or coerced",
        "streetwise": "a child with unmet needs",
        "sexually active": "being sexually abused",
    }
    assert {phrase: seeded[phrase][0] for phrase in rule_examples} == rule_examples


@pytest.mark.parametrize(
    ("wording", "problem"),
    [
        ("", "is empty"),
        ("risk!", "can only contain letters, numbers, spaces, hyphens, apostrophes and / between alternative words"),
        ("at_risk", "can only contain letters, numbers, spaces, hyphens, apostrophes and / between alternative words"),
        ("put/ herself", "has an empty alternative in “put/”: put a word on each side of /"),
        ("1 2 3", "must contain a letter"),
        ("girl's boyfriend/boyfriends", None),
    ],
)
def test_LANG_VICTIM_BLAMING_wordings_the_check_cannot_use_are_named(wording: str, problem: str | None) -> None:
    assert RULE.wording_problem(wording) == problem


def test_LANG_VICTIM_BLAMING_the_check_costs_one_small_query_however_long_the_text(
    django_assert_num_queries: Any,
) -> None:
    """Fast enough for every save: one query for the list; the expression is compiled once per version of it."""
    note = ("The child was seen at school and spoke about her week; promiscuous was crossed out. " * 120)[:10_000]
    suggestions_for(note)
    with django_assert_num_queries(1):
        found = suggestions_for(note)
    assert len(found) == note.count("promiscuous")
