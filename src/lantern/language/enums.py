"""The language guide's constants: the rule it encodes and the limits on what an entry holds."""

from __future__ import annotations

LANG_VICTIM_BLAMING = "LANG-VICTIM-BLAMING"
"""Rulebook section I, rule 35: free text is checked and the writer offered a better phrase, never blocked."""

MAX_PHRASE = 100
MAX_BETTER = 200
MAX_WHEN = 200
MAX_VARIANTS = 2000
MAX_EXPLANATION = 1000
MAX_RULE_ID = 40
MAX_CHECKED_TEXT = 50_000
"""The longest text the check reads: more than any free-text box in Lantern accepts."""

ALTERNATIVE = "/"
"""Between alternative words in a wording: "put/putting herself/himself at risk" is four wordings."""
