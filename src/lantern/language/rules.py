"""The rulebook's language rule (section I), as one small named unit."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from lantern.language.enums import ALTERNATIVE

_ALLOWED = re.compile(r"^[\w'\- /]+$")
_CURLY = str.maketrans({"\u2019": "'", "\u2018": "'"})  # one character for one, so positions in the text stay true
_JOIN = r"[\s\-]+"  # between words: any spacing, or a hyphen ("street wise", "street-wise")


@dataclass(frozen=True)
class Entry:
    """What the check needs of one entry of the guide."""

    id: int
    phrase: str
    wordings: tuple[str, ...]
    better: str
    applies_when: str
    explanation: str
    rule_id: str


@dataclass(frozen=True)
class Suggestion:
    """Words found in a text (as written, with their position) and the better phrase the guide offers."""

    phrase_id: int
    found: str
    start: int
    end: int
    phrase: str
    better: str
    applies_when: str
    explanation: str
    rule: str

    @property
    def advice(self) -> str:
        """What to write instead; where the words are wrong only in some contexts, it says which, and does not
        pretend to know whether this text is one of them."""
        if self.applies_when:
            return f"If {self.applies_when}, then write “{self.better}” instead."
        return f"Write “{self.better}” instead."


class LANG_VICTIM_BLAMING:  # noqa: N801 - named after the rule id
    """LANG-VICTIM-BLAMING. "Free text in screenings, assessments, case notes and intelligence is checked, and
    the writer is offered a better phrase (never blocked). [...] The list is data, editable by the partnership."

    A wording is words separated by spaces; "/" separates alternative words ("put/putting herself/himself at
    risk"); a hyphen inside a word also matches a space or nothing ("street-wise" finds "streetwise"). Matching
    is by whole words and ignores case: "boyfriends" is found only if listed, "riskier" never as "risk".
    Where wordings overlap, the longest is found ("child prostitute" rather than "prostitute")."""

    RULE = "LANG-VICTIM-BLAMING"

    @staticmethod
    def wording_problem(wording: str) -> str | None:
        """Why a wording cannot be looked for, or None if it can."""
        text = wording.translate(_CURLY).strip()
        if not text:
            return "is empty"
        if not _ALLOWED.match(text) or "_" in text:
            return "can only contain letters, numbers, spaces, hyphens, apostrophes and / between alternative words"
        for word in text.split():
            if any(not alternative.strip("-'") for alternative in word.split(ALTERNATIVE)):
                return f"has an empty alternative in “{word}”: put a word on each side of /"
        if not re.search(r"[^\W\d_]", text):
            return "must contain a letter"
        return None

    @staticmethod
    def pattern(wording: str) -> str:
        """The regular expression that finds one wording (already checked by `wording_problem`)."""
        words = []
        for word in wording.translate(_CURLY).split():
            alternatives = sorted(set(word.split(ALTERNATIVE)), key=len, reverse=True)
            words.append("(?:" + "|".join(_word(a) for a in alternatives) + ")")
        return r"(?<!\w)" + _JOIN.join(words) + r"(?!\w)"

    @staticmethod
    def find(text: str, entries: Iterable[Entry]) -> list[Suggestion]:
        """Every place the text uses an entry's wording, in the order they appear."""
        entries = tuple(entries)
        if not text or not entries:
            return []
        compiled, owners = _compiled(tuple((e.id, e.wordings) for e in entries))
        by_id = {e.id: e for e in entries}
        found = []
        for match in compiled.finditer(text.translate(_CURLY)):
            entry = by_id[owners[match.lastgroup or ""]]
            found.append(
                Suggestion(
                    phrase_id=entry.id,
                    found=text[match.start() : match.end()],
                    start=match.start(),
                    end=match.end(),
                    phrase=entry.phrase,
                    better=entry.better,
                    applies_when=entry.applies_when,
                    explanation=entry.explanation,
                    rule=entry.rule_id,
                )
            )
        return found


def _word(word: str) -> str:
    return r"[\s\-]?".join(re.escape(piece) for piece in word.split("-") if piece)


@lru_cache(maxsize=16)
def _compiled(key: tuple[tuple[int, tuple[str, ...]], ...]) -> tuple[re.Pattern[str], dict[str, int]]:
    """One expression for the whole list, longest wordings first, each in a group naming its entry. Cached on
    the list's wordings, so a check costs one small query and one scan of the text."""
    wordings = [
        (wording, entry_id)
        for entry_id, entry_wordings in key
        for wording in entry_wordings
        if LANG_VICTIM_BLAMING.wording_problem(wording) is None
    ]
    wordings.sort(key=lambda pair: len(pair[0]), reverse=True)
    owners = {f"w{i}": entry_id for i, (_, entry_id) in enumerate(wordings)}
    alternatives = [f"(?P<w{i}>{LANG_VICTIM_BLAMING.pattern(w)})" for i, (w, _) in enumerate(wordings)]
    return re.compile("|".join(alternatives) or r"(?!)", re.IGNORECASE), owners
