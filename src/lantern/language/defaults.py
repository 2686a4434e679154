"""The guide as the rulebook starts it: every example of rule LANG-VICTIM-BLAMING, with the wordings practitioners
use for the same thing. The partnership edits the list from there; this only seeds an empty guide.

Rule 35 (rulebook section I, informed by The Children's Society "Appropriate language" guidance): "putting
themselves at risk" -> "being exposed to risk by adults"; "promiscuous" -> "being sexually exploited";
"boyfriend" (for an adult abuser) -> "adult who is exploiting the child"; "prostitution"/"child prostitute" ->
"child sexual exploitation"/"child being sexually exploited"; "consensual" (of a child with an adult exploiter)
-> "the child cannot consent to exploitation"; "lifestyle choice" -> "being groomed or coerced"; "streetwise" ->
"a child with unmet needs"; "sexually active" (of exploitation) -> "being sexually abused".
"""

from __future__ import annotations

from typing import Any, NamedTuple

from lantern.language.enums import LANG_VICTIM_BLAMING


class Default(NamedTuple):
    phrase: str
    variants: tuple[str, ...]
    better: str
    applies_when: str
    explanation: str


DEFAULTS: tuple[Default, ...] = (
    Default(
        "putting themselves at risk",
        (
            "putting/puts/put/placing/places/placed herself/himself/themselves/themself at risk",
            "putting/puts/put/placing/places/placed herself/himself/themselves/themself in danger",
        ),
        "being exposed to risk by adults",
        "",
        "It makes the child responsible for the harm. Children do not put themselves at risk of exploitation: "
        "the adults who exploit them create the risk.",
    ),
    Default(
        "promiscuous",
        ("promiscuity",),
        "being sexually exploited",
        "",
        "It blames the child and suggests a free choice. A child who is being sexually exploited is the victim "
        "of abuse, whatever their behaviour seems to show.",
    ),
    Default(
        "boyfriend",
        ("boyfriends", "older boyfriend/boyfriends"),
        "adult who is exploiting the child",
        "this is an adult who is abusing or exploiting the child",
        "It describes abuse as a relationship the child chose, and hides the power the adult holds. An adult who "
        "exploits a child is an abuser, whatever the child calls them. A boyfriend of the child's own age may be "
        "just that.",
    ),
    Default(
        "prostitution",
        ("child/teenage/juvenile prostitution", "prostituting"),
        "child sexual exploitation",
        "",
        "A child cannot be involved in prostitution: what happens to them is child sexual exploitation. The "
        "law no longer speaks of child prostitution (Serious Crime Act 2015).",
    ),
    Default(
        "child prostitute",
        ("child/young/teenage/juvenile prostitute/prostitutes",),
        "child being sexually exploited",
        "",
        "It labels the child by the abuse done to them and suggests a trade they chose. The child is being "
        "sexually exploited.",
    ),
    Default(
        "prostitute",
        ("prostitutes",),
        "child being sexually exploited",
        "it is said of a child",
        "A child cannot be a prostitute: a child who is paid, or given things, for sex is being sexually "
        "exploited, and the adults paying are abusing them.",
    ),
    Default(
        "consensual",
        ("consensually",),
        "the child cannot consent to exploitation",
        "it says a child agreed to sexual activity with an adult who is exploiting them",
        "A child cannot consent to their own abuse or exploitation, and under 16 cannot consent to sexual "
        "activity in law. What looks like agreement is often the result of grooming, fear or coercion.",
    ),
    Default(
        "lifestyle choice",
        ("lifestyle choices", "chosen lifestyle"),
        "being groomed or coerced",
        "",
        "It suggests the child chose to be exploited. Behaviour that looks like a choice is usually the result "
        "of grooming, coercion or control.",
    ),
    Default(
        "streetwise",
        ("street-wise",),
        "a child with unmet needs",
        "",
        "It suggests the child can look after themselves and needs less protection. It hides how vulnerable "
        "the child is and the needs no one is meeting.",
    ),
    Default(
        "sexually active",
        (),
        "being sexually abused",
        "it describes the child being sexually exploited",
        "It describes abuse as the child's own sexual behaviour. Sexual activity that is exploitation is sexual abuse.",
    ),
)


def seed_defaults(phrase_model: Any) -> int:
    """Add each default whose phrase the guide lacks (the migration passes its historical model) and return how
    many were added; entries already there are left as the partnership wrote them. Only the migration calls
    this, once, so an entry the partnership removes stays removed (tests call it on an emptied database)."""
    have = {p.lower() for p in phrase_model.objects.values_list("phrase", flat=True)}
    missing = [d for d in DEFAULTS if d.phrase.lower() not in have]
    phrase_model.objects.bulk_create(
        phrase_model(
            phrase=d.phrase,
            variants="\n".join(d.variants),
            better=d.better,
            applies_when=d.applies_when,
            explanation=d.explanation,
            rule_id=LANG_VICTIM_BLAMING,
        )
        for d in missing
    )
    return len(missing)
