"""Each metric is scikit-learn's definition, on the public and private rows separately."""

import numpy as np
import pytest
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    f1_score,
    log_loss,
    top_k_accuracy_score,
)

from scoring.formats import Kind, SubmissionFormat
from scoring.metrics import METRICS
from scoring.scorer import score_submission
from scoring.solution import parse_solution

CLASSES = 20
LABELS = [f"class_{number}" for number in range(CLASSES)]
ROWS = 600


@pytest.fixture(scope="module")
def case():
    rng = np.random.default_rng(11)
    ids = [f"{number:05x}.png" for number in range(ROWS)]
    truth = rng.integers(0, CLASSES, ROWS)
    logits = rng.normal(size=(ROWS, CLASSES))
    logits[np.arange(ROWS), truth] += 1.5
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    probabilities[0] = 0  # a confident mistake, to exercise the clipping
    probabilities[0, (truth[0] + 1) % CLASSES] = 1
    public = rng.random(ROWS) < 0.3
    solution = parse_solution(("id,label,usage\n" + "".join(
        f"{i},{LABELS[t]},{'Public' if p else 'Private'}\n"
        for i, t, p in zip(ids, truth, public, strict=True))).encode(), LABELS)
    csv = ("id," + ",".join(LABELS) + "\n" + "".join(
        i + "," + ",".join(repr(float(v)) for v in row) + "\n"
        for i, row in zip(ids, probabilities, strict=True))).encode()
    return truth, probabilities, public, solution, csv


def expected(name, truth, probabilities, k=3):
    predicted = probabilities.argmax(axis=1)
    clipped = np.clip(probabilities, 1e-15, 1)
    clipped /= clipped.sum(axis=1, keepdims=True)
    return {
        "accuracy": accuracy_score(truth, predicted),
        "balanced_accuracy": balanced_accuracy_score(truth, predicted),
        "macro_f1": f1_score(truth, predicted, average="macro", zero_division=0),
        "top_k_accuracy": top_k_accuracy_score(truth, probabilities, k=k,
                                               labels=range(CLASSES)),
        "log_loss": log_loss(truth, clipped, labels=range(CLASSES)),
    }[name]


@pytest.mark.parametrize("name", list(METRICS))
def test_metric_matches_scikit_learn_on_public_and_private_rows(case, name):
    truth, probabilities, public, solution, csv = case
    scores = score_submission(csv, solution=solution, labels=LABELS, metric=name,
                              fmt=SubmissionFormat(kind=Kind.PROBABILITY), top_k=5)
    assert scores.public == pytest.approx(expected(name, truth[public], probabilities[public],
                                                   k=5), rel=1e-12)
    assert scores.private == pytest.approx(expected(name, truth[~public],
                                                    probabilities[~public], k=5), rel=1e-12)


def test_extra_metrics_are_scored_beside_the_ranking_one(case):
    truth, probabilities, public, solution, csv = case
    scores = score_submission(csv, solution=solution, labels=LABELS, metric="accuracy",
                              fmt=SubmissionFormat(kind=Kind.PROBABILITY),
                              extra_metrics=["log_loss", "macro_f1", "accuracy"])
    assert set(scores.extra) == {"log_loss", "macro_f1"}
    assert scores.extra["log_loss"]["private"] == pytest.approx(
        expected("log_loss", truth[~public], probabilities[~public]))


def test_each_metric_knows_its_direction_and_needs():
    assert [name for name, metric in METRICS.items() if not metric.higher_is_better] == [
        "log_loss"]
    assert {name for name, metric in METRICS.items() if metric.needs_probabilities} == {
        "top_k_accuracy", "log_loss"}
    assert METRICS["log_loss"].better(0.1, 0.2) and METRICS["accuracy"].better(0.9, 0.8)
