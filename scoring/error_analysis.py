"""Where a model goes wrong: confusion matrices, per-class results and comparisons.

Pure numpy over class indices, like the metrics; the platform decides which rows a reader
may see (never the Private ones before the reveal) and passes only those in.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ClassResult:
    label: str
    precision: float | None  # None when the class was never predicted
    recall: float | None  # None when the class has no rows here
    f1: float | None
    support: int


@dataclass(frozen=True)
class Confusion:
    """Rows: the true class; columns: the predicted class; cells: counts."""

    labels: tuple[str, ...]
    counts: np.ndarray

    @classmethod
    def of(cls, targets: np.ndarray, classes: np.ndarray, labels: Sequence[str]
           ) -> "Confusion":
        n = len(labels)
        flat = np.bincount(targets.astype(np.int64) * n + classes, minlength=n * n)
        return cls(tuple(labels), flat.reshape(n, n))

    @classmethod
    def from_lists(cls, counts: list[list[int]], labels: Sequence[str]) -> "Confusion":
        return cls(tuple(labels), np.asarray(counts, dtype=np.int64).reshape(
            len(labels), len(labels)))

    def as_lists(self) -> list[list[int]]:
        return self.counts.tolist()

    def __add__(self, other: "Confusion") -> "Confusion":
        return Confusion(self.labels, self.counts + other.counts)

    @property
    def total(self) -> int:
        return int(self.counts.sum())

    @property
    def accuracy(self) -> float | None:
        return float(np.trace(self.counts) / self.total) if self.total else None

    def row_shares(self) -> np.ndarray:
        """Each row divided by its total (0 for an empty row): the heatmap's shading."""
        totals = self.counts.sum(axis=1, keepdims=True)
        return np.divide(self.counts, totals, out=np.zeros(self.counts.shape),
                         where=totals > 0)

    def per_class(self) -> list[ClassResult]:
        """Precision, recall and F1 of each class, as scikit-learn's
        precision_recall_fscore_support (with zero_division left undefined: None)."""
        correct = np.diag(self.counts)
        predicted = self.counts.sum(axis=0)
        support = self.counts.sum(axis=1)
        results = []
        for index, label in enumerate(self.labels):
            precision = _share(correct[index], predicted[index])
            recall = _share(correct[index], support[index])
            f1 = (None if precision is None or recall is None else
                  0.0 if precision + recall == 0 else
                  2 * precision * recall / (precision + recall))
            results.append(ClassResult(label, precision, recall, f1, int(support[index])))
        return results

    def most_confused(self, limit: int = 5) -> list[tuple[str, str, int]]:
        """The (true, predicted, count) pairs of the most frequent mistakes."""
        off_diagonal = self.counts.copy()
        np.fill_diagonal(off_diagonal, 0)
        order = np.argsort(-off_diagonal, axis=None, kind="stable")[:limit]
        pairs = []
        for flat in order:
            true, predicted = divmod(int(flat), len(self.labels))
            if off_diagonal[true, predicted] == 0:
                break
            pairs.append((self.labels[true], self.labels[predicted],
                          int(off_diagonal[true, predicted])))
        return pairs


def _share(part: int, whole: int) -> float | None:
    return float(part / whole) if whole else None


@dataclass(frozen=True)
class Comparison:
    """Two submissions' predictions on the same rows."""

    rows: int
    agreeing: int
    # With the true labels (only where the reader may see them):
    fixed: int | None = None  # wrong in A, right in B
    broken: int | None = None  # right in A, wrong in B
    per_class: list[tuple[str, int, int]] | None = None  # (label, fixed, broken)

    @property
    def agreement(self) -> float | None:
        return self.agreeing / self.rows if self.rows else None

    @property
    def changed(self) -> int:
        return self.rows - self.agreeing


def compare(a: np.ndarray, b: np.ndarray, targets: np.ndarray | None = None,
            labels: Sequence[str] = ()) -> Comparison:
    """How B's predictions differ from A's; with targets, which way each change went."""
    agreeing = int((a == b).sum())
    if targets is None:
        return Comparison(rows=len(a), agreeing=agreeing)
    right_a, right_b = a == targets, b == targets
    fixed_rows, broken_rows = ~right_a & right_b, right_a & ~right_b
    n = len(labels)
    fixed_by_class = np.bincount(targets[fixed_rows], minlength=n)
    broken_by_class = np.bincount(targets[broken_rows], minlength=n)
    return Comparison(
        rows=len(a), agreeing=agreeing, fixed=int(fixed_rows.sum()),
        broken=int(broken_rows.sum()),
        per_class=[(label, int(fixed_by_class[i]), int(broken_by_class[i]))
                   for i, label in enumerate(labels)
                   if fixed_by_class[i] or broken_by_class[i]])
