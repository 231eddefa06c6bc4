"""The metrics a competition can rank by, each knowing which direction is better."""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import accuracy_score


@dataclass(frozen=True)
class Metric:
    name: str
    # The human name is marked for translation by the Django side (competitions.models).
    label: str
    higher_is_better: bool
    compute: Callable[[np.ndarray, np.ndarray], float]


def accuracy(targets: np.ndarray, predictions: np.ndarray) -> float:
    return float(accuracy_score(targets, predictions))


METRICS: dict[str, Metric] = {
    "accuracy": Metric("accuracy", "Accuracy", higher_is_better=True, compute=accuracy),
}
