"""Per-class results, confusion matrices and comparisons, checked against scikit-learn on
generated predictions."""

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

from scoring.error_analysis import Confusion, compare

LABELS = ["あ", "い", "う", "え", "お"]


def generated(seed: int, rows: int = 500, right: float = 0.6):
    rng = np.random.default_rng(seed)
    targets = rng.integers(0, len(LABELS), rows)
    guesses = rng.integers(0, len(LABELS), rows)
    return targets, np.where(rng.random(rows) < right, targets, guesses)


@pytest.mark.parametrize("seed", range(5))
def test_confusion_matrix_matches_scikit_learn(seed):
    targets, predicted = generated(seed)
    confusion = Confusion.of(targets, predicted, LABELS)
    expected = confusion_matrix(targets, predicted, labels=range(len(LABELS)))
    assert confusion.counts.tolist() == expected.tolist()
    assert confusion.accuracy == pytest.approx((targets == predicted).mean())


@pytest.mark.parametrize("seed", range(5))
def test_per_class_results_match_scikit_learn(seed):
    targets, predicted = generated(seed, rows=300, right=0.4)
    precision, recall, f1, support = precision_recall_fscore_support(
        targets, predicted, labels=range(len(LABELS)), zero_division=0)
    results = Confusion.of(targets, predicted, LABELS).per_class()
    assert [result.label for result in results] == LABELS
    assert [result.precision for result in results] == pytest.approx(precision.tolist())
    assert [result.recall for result in results] == pytest.approx(recall.tolist())
    assert [result.f1 for result in results] == pytest.approx(f1.tolist())
    assert [result.support for result in results] == support.tolist()


def test_a_class_never_predicted_or_absent_has_no_precision_or_recall():
    targets, predicted = np.array([0, 0, 1]), np.array([0, 1, 1])
    results = Confusion.of(targets, predicted, ["a", "b", "c"]).per_class()
    assert (results[2].precision, results[2].recall, results[2].f1) == (None, None, None)
    assert results[2].support == 0


def test_most_confused_pairs_come_by_count_and_skip_right_answers():
    targets = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2])
    predicted = np.array([1, 1, 0, 0, 1, 2, 2, 0, 1])
    pairs = Confusion.of(targets, predicted, ["a", "b", "c"]).most_confused()
    assert pairs[0] == ("a", "b", 2)
    assert sorted(pairs[1:]) == [("b", "a", 1), ("c", "a", 1), ("c", "b", 1)]


def test_row_shares_shade_each_true_class_by_its_own_rows():
    confusion = Confusion.from_lists([[3, 1], [0, 0]], ["a", "b"])
    assert confusion.row_shares().tolist() == [[0.75, 0.25], [0.0, 0.0]]


@pytest.mark.parametrize("seed", range(3))
def test_comparison_counts_fixed_and_broken_rows_by_class(seed):
    targets, first = generated(seed)
    _, second = generated(seed + 100)
    comparison = compare(first, second, targets, LABELS)
    assert comparison.agreeing == int((first == second).sum())
    assert comparison.fixed == int(((first != targets) & (second == targets)).sum())
    assert comparison.broken == int(((first == targets) & (second != targets)).sum())
    # Accuracy moves by exactly what was fixed minus what was broken.
    assert (second == targets).sum() - (first == targets).sum() == (
        comparison.fixed - comparison.broken)
    assert sum(fixed for _, fixed, _ in comparison.per_class) == comparison.fixed


def test_comparison_without_labels_says_only_what_changed():
    comparison = compare(np.array([0, 1, 2]), np.array([0, 2, 2]))
    assert (comparison.agreeing, comparison.changed, comparison.fixed) == (2, 1, None)
    assert comparison.agreement == pytest.approx(2 / 3)
