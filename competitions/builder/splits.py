"""Stratified splits: train/test within each class, then Public/Private within the test set.

Every class keeps at least one image on each side of the train/test split. The public
share is spread over the classes by largest remainder, so the public part has the class
mix of the whole test set; there is always at least one public and one private image.
"""

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Split(Generic[T]):
    train: dict[str, list[T]]
    public: dict[str, list[T]]
    private: dict[str, list[T]]


def round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def stratified_split(by_label: dict[str, Sequence[T]], *, test_fraction: float,
                     public_fraction: float, rng: random.Random) -> Split[T]:
    """`by_label` holds at least two items per class (the builder asks for more)."""
    train: dict[str, list[T]] = {}
    test: dict[str, list[T]] = {}
    for label, items in by_label.items():
        shuffled = list(items)
        rng.shuffle(shuffled)
        count = min(len(shuffled) - 1, max(1, round_half_up(len(shuffled) * test_fraction)))
        test[label], train[label] = shuffled[:count], shuffled[count:]
    quotas = public_quotas({label: len(items) for label, items in test.items()},
                           public_fraction)
    return Split(train=train,
                 public={label: items[:quotas[label]] for label, items in test.items()},
                 private={label: items[quotas[label]:] for label, items in test.items()})


def public_quotas(test_counts: dict[str, int], fraction: float) -> dict[str, int]:
    """How many test images of each class are public: the total rounded, at least one
    public and one private (when the test set has two), shared by largest remainder."""
    total = sum(test_counts.values())
    wanted = min(max(1, round_half_up(total * fraction)), max(1, total - 1))
    exact = {label: count * wanted / total for label, count in test_counts.items()}
    quotas = {label: math.floor(value) for label, value in exact.items()}
    by_remainder = sorted(exact, key=lambda label: (-(exact[label] - quotas[label]), label))
    for label in by_remainder[:wanted - sum(quotas.values())]:
        quotas[label] += 1
    return quotas
