"""Score a submission's bytes against a parsed solution: the whole core in one call."""

from collections.abc import Sequence
from dataclasses import dataclass

from .metrics import METRICS
from .solution import Solution
from .submission import parse_submission


@dataclass(frozen=True)
class Scores:
    public: float
    private: float | None


def score_submission(
    data: bytes, *, solution: Solution, labels: Sequence[str], metric: str
) -> Scores:
    """Public and private scores, or InvalidFile (from parsing) with every problem."""
    predictions = parse_submission(data, solution, labels)
    compute = METRICS[metric].compute
    public = solution.is_public
    private = ~public
    return Scores(
        public=compute(solution.targets[public], predictions[public]),
        private=compute(solution.targets[private], predictions[private]) if private.any()
        else None,
    )
