"""Score a submission's bytes against a parsed solution: the whole core in one call."""

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .compression import MAX_UNPACKED_BYTES, unpack
from .error_analysis import Confusion
from .fastpath import parse_fast
from .formats import DEFAULT_FORMAT, SubmissionFormat
from .metrics import METRICS, MetricInput
from .solution import Solution
from .submission import Predictions, parse_submission


@dataclass(frozen=True)
class Scores:
    public: float
    private: float | None
    # Display metrics: name → {"public": x, "private": y}.
    extra: dict[str, dict[str, float | None]] = field(default_factory=dict)
    # Confusion matrices (true × predicted counts): {"public": [[…]], "private": [[…]]}.
    # Kept with the scores so that per-class results and the organizer's analytics never
    # parse the file again.
    confusion: dict[str, list[list[int]]] = field(default_factory=dict)


def score_submission(data: bytes, *, solution: Solution, labels: Sequence[str], metric: str,
                     fmt: SubmissionFormat = DEFAULT_FORMAT,
                     extra_metrics: Sequence[str] = (), top_k: int = 3,
                     max_unpacked_bytes: int = MAX_UNPACKED_BYTES) -> Scores:
    """Public and private scores, or InvalidFile (from parsing) with every problem."""
    predictions = validate_submission(data, solution=solution, labels=labels, fmt=fmt,
                                      max_unpacked_bytes=max_unpacked_bytes)
    public = solution.is_public

    def on_rows(name: str, rows: np.ndarray) -> float | None:
        if not rows.any():
            return None
        probabilities = predictions.probabilities
        return METRICS[name].compute(MetricInput(
            targets=solution.targets[rows], classes=predictions.classes[rows],
            probabilities=None if probabilities is None else probabilities[rows],
            n_classes=len(labels), top_k=top_k))

    def confusion(rows: np.ndarray) -> list[list[int]]:
        return Confusion.of(solution.targets[rows], predictions.classes[rows],
                            labels).as_lists()

    return Scores(
        public=on_rows(metric, public), private=on_rows(metric, ~public),
        extra={name: {"public": on_rows(name, public), "private": on_rows(name, ~public)}
               for name in extra_metrics if name != metric},
        confusion={"public": confusion(public), "private": confusion(~public)})


def validate_submission(data: bytes, *, solution: Solution, labels: Sequence[str],
                        fmt: SubmissionFormat = DEFAULT_FORMAT,
                        max_unpacked_bytes: int = MAX_UNPACKED_BYTES) -> Predictions:
    """The predictions of a valid file, or InvalidFile with every problem. Never a score:
    the dry run calls this alone."""
    data = unpack(data, max_unpacked_bytes)
    return parse_fast(data, solution, labels, fmt) or parse_submission(data, solution,
                                                                       labels, fmt)
