"""Kestrelmoor's oversight: staff's CSE training, the agencies' escalation chains, practitioners' and young
people's feedback to the board with its answers, the DfE's comparator figures, and today's digests."""

from __future__ import annotations

import random
from collections.abc import Callable


def generate_oversight(*, seed: int, progress: Callable[[str, int], None]) -> dict[str, int]:
    """Make each part with a random of its own, so the borough made before it is the same with or without it."""
    rng = random.Random(f"oversight-{seed}")
    return {
        "training_records": _training(rng, progress),
        "escalation_levels": _chains(rng, progress),
        "feedback": _feedback(rng, progress),
        "comparator_figures": _comparators(rng, progress),
        "digests": _digests(rng, progress),
    }


def _training(rng: random.Random, progress: Callable[[str, int], None]) -> int:
    return 0


def _chains(rng: random.Random, progress: Callable[[str, int], None]) -> int:
    return 0


def _feedback(rng: random.Random, progress: Callable[[str, int], None]) -> int:
    return 0


def _comparators(rng: random.Random, progress: Callable[[str, int], None]) -> int:
    return 0


def _digests(rng: random.Random, progress: Callable[[str, int], None]) -> int:
    return 0
