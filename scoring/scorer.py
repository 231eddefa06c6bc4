"""Score a submission's bytes against a parsed solution: the whole core in one call."""

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .compression import MAX_UNPACKED_BYTES, unpack
from .error_analysis import Confusion
from .fastpath import parse_fast
from .formats import DEFAULT_FORMAT, Kind, SubmissionFormat
from .hints import hint_for
from .metrics import METRICS, MetricInput
from .problems import InvalidFile
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


# What one row of an honest submission can take beyond its id and label: quotes, spaces,
# commas, CRLF. And a probability written out in full ("-1.2345678901234567e-05,").
ROW_OVERHEAD_BYTES = 16
PROBABILITY_BYTES = 25
# Headers, blank lines and the smallest competitions.
CEILING_FLOOR_BYTES = 2**20


def unpack_ceiling(solution: Solution, labels: Sequence[str], fmt: SubmissionFormat) -> int:
    """The most an honest submission of this competition unpacks to: every row at its
    longest id and longest label (or fully written probabilities), generously spaced.
    A 2,000-image competition allows about 1 MB; a bomb of bad rows stops there."""
    if fmt.kind == Kind.PROBABILITY:
        row = len(labels) * PROBABILITY_BYTES
    else:
        row = max(len(label.encode()) for label in labels)
    per_row = solution.id_width + row + ROW_OVERHEAD_BYTES
    return CEILING_FLOOR_BYTES + len(solution) * per_row


def validate_submission(data: bytes, *, solution: Solution, labels: Sequence[str],
                        fmt: SubmissionFormat = DEFAULT_FORMAT,
                        max_unpacked_bytes: int = MAX_UNPACKED_BYTES) -> Predictions:
    """The predictions of a valid file, or InvalidFile with the first problems and their
    count. Never a score: the dry run calls this alone. Memory is bounded by the unpack
    ceiling, whatever the file holds."""
    unpacked = None
    try:
        unpacked = unpack(data, min(max_unpacked_bytes, unpack_ceiling(solution, labels, fmt)))
        return parse_fast(unpacked, solution, labels, fmt) or parse_submission(
            unpacked, solution, labels, fmt)
    except InvalidFile as invalid:
        hint = hint_for(data, unpacked, solution=solution, labels=labels, fmt=fmt)
        if hint is None:
            raise
        raise invalid.with_hint(hint) from None
