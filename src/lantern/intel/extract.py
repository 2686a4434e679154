"""Suggestions found in what a submitter wrote: registration marks and phone numbers by validated patterns,
and names given as nicknames ("known as Tiny"). They are suggestions only, until an analyst confirms them."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from lantern.intel.enums import EntityKind
from lantern.people import normalise

# In free text only the formats that cannot be mistaken for ordinary words: current (AB12 CDE) and prefix
# (A123 BCD). A dateless mark such as "A1" would match half the words in a sentence.
_VRM_IN_TEXT = re.compile(r"\b([A-Z]{2}\d{2}\s?[A-Z]{3}|[A-Z]\d{1,3}\s?[A-Z]{3})\b", re.IGNORECASE)
# Straight apostrophes are left out: "O'Brien's" is not a quotation.
_OPEN_QUOTES = '"\u201c\u2018'
_CLOSE_QUOTES = '"\u201d\u2019'
_NAMED = re.compile(
    r"(?:known as|called|calls himself|calls herself|nicknamed|goes by|named)\s+"
    rf"[{_OPEN_QUOTES}]?([A-Z][\w'-]+(?:\s[A-Z][\w'-]+)?)"
)
_QUOTED = re.compile(rf"[{_OPEN_QUOTES}]([A-Z][\w-]{{1,30}}(?:\s[A-Z][\w-]{{1,30}})?)[{_CLOSE_QUOTES}]")
_SPLIT = re.compile(r"\s*(?:,|;|/|\band\b|\n)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Mention:
    kind: EntityKind
    text: str  # as written
    value: str  # normalised


def vehicles_in(text: str) -> list[Mention]:
    found: dict[str, Mention] = {}
    for match in _VRM_IN_TEXT.finditer(text):
        if vrm := normalise.try_vrm(match.group(1)):
            found.setdefault(vrm, Mention(EntityKind.VEHICLE, match.group(1), vrm))
    return list(found.values())


def phones_in(text: str) -> list[Mention]:
    found: dict[str, Mention] = {}
    matcher = phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE)
    for match in matcher:
        if e164 := normalise.try_phone(match.raw_string):
            found.setdefault(e164, Mention(EntityKind.PHONE, match.raw_string, e164))
    return list(found.values())


def names_in(text: str) -> list[Mention]:
    """Names the text gives as what someone is called: "a man known as Tiny", "“Big Mo”"."""
    found: dict[str, Mention] = {}
    for pattern in (_NAMED, _QUOTED):
        for match in pattern.finditer(text):
            name = match.group(1).strip()
            found.setdefault(name.lower(), Mention(EntityKind.PERSON, name, name))
    return list(found.values())


def listed(text: str) -> list[str]:
    """The items of a list someone typed into one box: "Tiny, Big Mo and Dan" -> three names."""
    return [item.strip() for item in _SPLIT.split(text) if item.strip()]


def suggestions(text: str) -> list[Mention]:
    return [*vehicles_in(text), *phones_in(text), *names_in(text)]
