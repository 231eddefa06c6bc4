"""The metrics a competition can rank by or show, each knowing which direction is better.

Every metric is scikit-learn's definition; the tests compare against scikit-learn directly.
scikit-learn (and SciPy under it) is imported inside the functions that use it: the
registry is read by every web process and beat, which never compute a metric, and the
import costs them about 150 MB and a second at start-up.
"""

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

# Log loss clips probabilities to [EPSILON, 1] and rescales rows, as Kaggle does, so that
# one confident mistake costs a lot but not infinity.
LOG_LOSS_EPSILON = 1e-15


@dataclass(frozen=True)
class MetricInput:
    targets: np.ndarray  # true class index per row
    classes: np.ndarray  # predicted class index per row
    probabilities: np.ndarray | None  # (rows, classes) for probability submissions
    n_classes: int
    top_k: int = 3


@dataclass(frozen=True)
class Metric:
    name: str
    # The human name is marked for translation by the Django side (competitions.models).
    label: str
    higher_is_better: bool
    needs_probabilities: bool
    compute: Callable[[MetricInput], float]

    def better(self, a: float, b: float) -> bool:
        return a > b if self.higher_is_better else a < b

    def sort_key(self, score: float) -> float:
        """Sorting by this key puts the best score first, whatever the direction."""
        return -score if self.higher_is_better else score


def _accuracy(data: MetricInput) -> float:
    # accuracy_score's definition, without its input checks: those copy and sort a
    # million-row column several times, and accuracy is the metric scored most often.
    return float(np.count_nonzero(data.targets == data.classes) / len(data.targets))


def _balanced_accuracy(data: MetricInput) -> float:
    from sklearn.metrics import balanced_accuracy_score

    with warnings.catch_warnings():
        # "y_pred contains classes not in y_true" is expected on a subset of the test set.
        warnings.simplefilter("ignore", UserWarning)
        return float(balanced_accuracy_score(data.targets, data.classes))


def _macro_f1(data: MetricInput) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(data.targets, data.classes, average="macro", zero_division=0))


def _top_k_accuracy(data: MetricInput) -> float:
    from sklearn.metrics import top_k_accuracy_score

    return float(top_k_accuracy_score(data.targets, data.probabilities, k=data.top_k,
                                      labels=np.arange(data.n_classes)))


def _log_loss(data: MetricInput) -> float:
    from sklearn.metrics import log_loss

    clipped = np.clip(data.probabilities, LOG_LOSS_EPSILON, 1.0)
    clipped /= clipped.sum(axis=1, keepdims=True)
    return float(log_loss(data.targets, clipped, labels=np.arange(data.n_classes)))


METRICS: dict[str, Metric] = {metric.name: metric for metric in [
    Metric("accuracy", "Accuracy", True, False, _accuracy),
    Metric("balanced_accuracy", "Balanced accuracy", True, False, _balanced_accuracy),
    Metric("macro_f1", "Macro-F1", True, False, _macro_f1),
    Metric("top_k_accuracy", "Top-k accuracy", True, True, _top_k_accuracy),
    Metric("log_loss", "Log loss", False, True, _log_loss),
]}
