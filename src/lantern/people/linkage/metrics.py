"""Pairwise precision and recall of a clustering against the truth, from counts (no pair is enumerated)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class PairwiseScores:
    true_positives: int
    predicted_pairs: int
    true_pairs: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def _pairs(size: int) -> int:
    return size * (size - 1) // 2


def pairwise_scores(predicted: Mapping[str, str], truth: Mapping[str, str]) -> PairwiseScores:
    """Score `predicted` (record -> cluster) against `truth` (record -> true person) over the same records."""
    if predicted.keys() != truth.keys():
        raise ValueError("predicted and truth must cover the same records")
    joint = Counter((predicted[record], truth[record]) for record in predicted)
    return PairwiseScores(
        true_positives=sum(_pairs(n) for n in joint.values()),
        predicted_pairs=sum(_pairs(n) for n in Counter(predicted.values()).values()),
        true_pairs=sum(_pairs(n) for n in Counter(truth.values()).values()),
    )
