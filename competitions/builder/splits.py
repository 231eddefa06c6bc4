"""Stratified splits: train/test within each class, then Public/Private within the test set.

Every class keeps at least one image on each side of the train/test split, and one on each
side of the Public/Private split when it has two test images. The public share is spread
over the classes by largest remainder, so the public part has the class mix of the whole
test set; there is always at least one public and one private image.
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
                           public_fraction, rng)
    return Split(train=train,
                 public={label: items[:quotas[label]] for label, items in test.items()},
                 private={label: items[quotas[label]:] for label, items in test.items()})


def public_quotas(test_counts: dict[str, int], fraction: float,
                  rng: random.Random | None = None) -> dict[str, int]:
    """How many test images of each class are public.

    Every class with two test images or more has at least one public and one private
    image: a class missing from either board would be scored on one board only. The total
    is the test set's share rounded (moved as little as those minimums need, and never all
    nor none), shared by largest remainder; ties go by `rng`, not by the labels' order,
    so that no class is always the one rounded up.
    """
    rng = rng or random.Random(0)
    total = sum(test_counts.values())
    low = {label: 1 if count >= 2 else 0 for label, count in test_counts.items()}
    high = {label: count - 1 if count >= 2 else count for label, count in test_counts.items()}
    wanted = round_half_up(total * fraction)
    wanted = max(wanted, sum(low.values()), 1)
    wanted = min(wanted, sum(high.values()), max(1, total - 1))
    exact = {label: count * wanted / total for label, count in test_counts.items()}
    quotas = {label: min(max(math.floor(exact[label]), low[label]), high[label])
              for label in test_counts}
    tie = {label: rng.random() for label in sorted(test_counts)}

    def remainder(label: str) -> tuple[float, float]:
        return exact[label] - quotas[label], tie[label]

    while sum(quotas.values()) < wanted:
        label = max((label for label in quotas if quotas[label] < high[label]), key=remainder)
        quotas[label] += 1
    while sum(quotas.values()) > wanted:
        label = min((label for label in quotas if quotas[label] > low[label]), key=remainder)
        quotas[label] -= 1
    return quotas
