"""The stages a case moves through and the only moves allowed between them: a small declared table, so the
whole workflow can be read (and drawn) in one place. `services.move` is the one place a stage changes."""

from __future__ import annotations

from collections.abc import Mapping

from lantern.cases.enums import Stage

TRANSITIONS: Mapping[Stage, frozenset[Stage]] = {
    # WT-REF-DECIDE-1: the decision on a referral; no further action closes the case.
    Stage.REFERRAL: frozenset({Stage.CLOSED, Stage.EARLY_HELP, Stage.ASSESSMENT, Stage.STRATEGY}),
    # New concerns bring an early-help or assessment case back to a referral decision or a strategy discussion.
    Stage.EARLY_HELP: frozenset({Stage.REFERRAL, Stage.STRATEGY, Stage.CLOSED}),
    Stage.ASSESSMENT: frozenset({Stage.REFERRAL, Stage.STRATEGY, Stage.EARLY_HELP, Stage.CLOSED}),
    # A strategy discussion starts a s47 enquiry, or the assessment continues without one.
    Stage.STRATEGY: frozenset({Stage.S47, Stage.ASSESSMENT}),
    # The enquiry's outcome: an initial conference, or the assessment continues (child in need, not substantiated).
    Stage.S47: frozenset({Stage.CONFERENCE, Stage.ASSESSMENT}),
    Stage.CONFERENCE: frozenset({Stage.CP_PLAN, Stage.ASSESSMENT}),
    # A plan ends at a review conference: the child stays supported as a child in need, or the case closes.
    Stage.CP_PLAN: frozenset({Stage.ASSESSMENT, Stage.CLOSED}),
    Stage.CLOSED: frozenset(),
}

STATUTORY_STAGES = frozenset({Stage.STRATEGY, Stage.S47, Stage.CONFERENCE, Stage.CP_PLAN})
"""While a case is here the child is subject to a strategy discussion, s47 enquiry or the plan that follows one:
the fact (`Person.statutory_enquiry_open`) that lets partners' sexual-health detail and the case be shared."""


def allowed(from_stage: str, to_stage: str) -> bool:
    return Stage(to_stage) in TRANSITIONS[Stage(from_stage)]
