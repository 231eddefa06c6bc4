import numpy as np
from sklearn.metrics import accuracy_score

from scoring.metrics import METRICS
from scoring.scorer import score_submission
from scoring.solution import parse_solution

LABELS = [f"class_{number}" for number in range(20)]


def test_public_and_private_accuracy_match_scikit_learn_on_random_predictions():
    rng = np.random.default_rng(7)
    ids = [f"{number:05x}.png" for number in range(500)]
    truth = rng.integers(0, 20, size=500)
    predicted = np.where(rng.random(500) < 0.6, truth, rng.integers(0, 20, size=500))
    public = rng.random(500) < 0.3
    solution = parse_solution(("id,label,usage\n" + "".join(
        f"{i},{LABELS[t]},{'Public' if p else 'Private'}\n"
        for i, t, p in zip(ids, truth, public, strict=True))).encode(), LABELS)
    submission = ("id,label\n" + "".join(
        f"{i},{LABELS[p]}\n" for i, p in zip(ids, predicted, strict=True))).encode()

    scores = score_submission(submission, solution=solution, labels=LABELS, metric="accuracy")

    assert scores.public == accuracy_score(truth[public], predicted[public])
    assert scores.private == accuracy_score(truth[~public], predicted[~public])
    assert 0.5 < scores.public < 0.8


def test_solution_without_private_rows_gives_no_private_score():
    solution = parse_solution(b"id,label,usage\na,class_0,Public\n", LABELS)
    scores = score_submission(b"id,label\na,class_1\n", solution=solution, labels=LABELS,
                              metric="accuracy")
    assert (scores.public, scores.private) == (0.0, None)


def test_accuracy_is_registered_as_higher_is_better():
    assert METRICS["accuracy"].higher_is_better
