"""Small-number suppression, as the DfE's children's social care statistics do it.

Primary suppression hides every count from 1 to 5 inclusive. Zero is shown: the DfE does not suppress zeros, and a
zero names no child. Secondary suppression then makes sure a hidden count cannot be worked out from the figures
shown beside it: wherever a set of counts is shown with its total (every ward for one month with the borough's
count; a ward's twelve months with its twelve-month count; an ward's LSOAs with the ward), no such line may hold
exactly one hidden figure. If one does, the smallest other non-zero count in it is hidden too (or, when there is
none, the total); that can break another line, so the rule is applied until every line is safe.

A table is described by its figures (any hashable key -> count, None where there is no count) and its lines
(a total's key and the keys of the parts that add up to it). The answer is the set of keys to hide. Rates, limits
and verdicts computed from a hidden count are hidden with it by whoever draws them (`Cell`).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from lantern.locality.enums import SMALL_MAX, SMALL_MIN


@dataclass(frozen=True)
class Line:
    """Parts shown with their total: the total equals the sum of the parts."""

    total: Hashable
    parts: Sequence[Hashable]


def is_small(count: int | None) -> bool:
    return count is not None and SMALL_MIN <= count <= SMALL_MAX


def suppress(counts: Mapping[Hashable, int | None], lines: Iterable[Line]) -> set[Hashable]:
    """The keys to hide: primary (1 to 5) and as many more as keep every line from giving one away."""
    hidden = {key for key, count in counts.items() if is_small(count)}
    usable = [line for line in lines if line.total in counts and all(p in counts for p in line.parts)]
    # Lines touching each key, so a newly hidden figure only re-examines the lines it sits on.
    touching: dict[Hashable, list[int]] = {}
    for index, line in enumerate(usable):
        for key in (line.total, *line.parts):
            touching.setdefault(key, []).append(index)
    pending = {index for key in hidden for index in touching.get(key, ())}
    while pending:
        index = pending.pop()
        line = usable[index]
        members = (line.total, *line.parts)
        if sum(1 for key in members if key in hidden) != 1:
            continue
        choice = _next_to_hide(line, counts, hidden)
        if choice is None:
            continue  # every other figure in the line is unknown (None) or zero with a zero total: nothing leaks
        hidden.add(choice)
        pending.update(touching.get(choice, ()))
    return hidden


def _next_to_hide(line: Line, counts: Mapping[Hashable, int | None], hidden: set[Hashable]) -> Hashable | None:
    """The smallest shown non-zero part (ties by order in the line), else the total if it is not zero."""
    best: tuple[int, int] | None = None
    choice: Hashable | None = None
    for position, key in enumerate(line.parts):
        count = counts[key]
        if key in hidden or not count:
            continue
        if best is None or (count, position) < best:
            best, choice = (count, position), key
    if choice is not None:
        return choice
    total = counts[line.total]
    return line.total if total and line.total not in hidden else None
