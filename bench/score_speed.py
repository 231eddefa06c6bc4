"""How long the scoring core takes for one submission: validate + score, and the solution parse.

Run: .venv/bin/python bench/score_speed.py [--repeat 50]
Prints, one line each, the median and the 90th percentile (nearest rank) of:
- validate + score (the `score_submission` call, the solution parsed beforehand) of the demo
  competition's sample_submission.csv (Hiragana-20, 2,000 rows, accuracy);
- the same for generated 20-class label submissions of 10,000 and 100,000 rows (accuracy)
  and a 10,000-row probability submission (log_loss);
- `parse_solution` of a generated 100,000-row solution.
Each line also says whether the fast path (`scoring/fastpath.py`) accepted the file. No
Django, no worker: the core alone, in this process. `--repeat` runs of the small cases,
a fifth of that (at least 10) of the 100,000-row ones.
"""

import argparse
import math
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scoring.fastpath import parse_fast  # noqa: E402
from scoring.formats import DEFAULT_FORMAT, Kind, SubmissionFormat  # noqa: E402
from scoring.scorer import score_submission  # noqa: E402
from scoring.solution import parse_solution  # noqa: E402

DEMO = Path(__file__).resolve().parent.parent / "demo" / "hiragana-20"
PROBABILITY = SubmissionFormat(kind=Kind.PROBABILITY)


def generated(rows: int, classes: int = 20, kind: Kind = Kind.LABEL
              ) -> tuple[bytes, bytes, list[str]]:
    """A solution (30% Public) and a submission about 70% right, ids in the same order."""
    rng = np.random.default_rng(0)
    labels = [f"class_{number}" for number in range(classes)]
    truth = rng.integers(0, classes, rows)
    guess = np.where(rng.random(rows) < 0.7, truth, rng.integers(0, classes, rows))
    ids = [f"{number:08x}.png" for number in range(rows)]
    solution = "id,label,usage\n" + "".join(
        f"{i},{labels[t]},{'Public' if n % 10 < 3 else 'Private'}\n"
        for n, (i, t) in enumerate(zip(ids, truth, strict=True)))
    if kind == Kind.PROBABILITY:
        # Noise plus a bump on the guessed class; six decimals keep each row's sum within
        # the tolerance.
        weights = rng.random((rows, classes))
        weights[np.arange(rows), guess] += classes / 2
        weights /= weights.sum(axis=1, keepdims=True)
        submission = "id," + ",".join(labels) + "\n" + "".join(
            i + "," + ",".join(f"{value:.6f}" for value in row) + "\n"
            for i, row in zip(ids, weights.tolist(), strict=True))
    else:
        submission = "id,label\n" + "".join(f"{i},{labels[g]}\n"
                                            for i, g in zip(ids, guess, strict=True))
    return solution.encode(), submission.encode(), labels


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest rank: the smallest value with at least `fraction` of the values at or below."""
    return sorted_values[max(0, math.ceil(fraction * len(sorted_values)) - 1)]


def report(name: str, rows: int, timings: list[float], note: str = "") -> None:
    timings = sorted(timings)
    print(f"{name:46} rows={rows:>7}  median={statistics.median(timings):8.2f} ms  "
          f"p90={percentile(timings, 0.9):8.2f} ms  (n={len(timings)}){note}")


def measure_score(name: str, solution_csv: bytes, submission_csv: bytes, labels,
                  repeat: int, metric: str = "accuracy",
                  fmt: SubmissionFormat = DEFAULT_FORMAT) -> None:
    solution = parse_solution(solution_csv, labels)
    fast = parse_fast(submission_csv, solution, labels, fmt) is not None
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        score_submission(submission_csv, solution=solution, labels=labels, metric=metric,
                         fmt=fmt)
        timings.append((time.perf_counter() - start) * 1000)
    report(name, len(solution), timings,
           "  fast path" if fast else "  SLOW PATH (the fast path refused the file)")


def measure_parse(name: str, solution_csv: bytes, labels, repeat: int) -> None:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        solution = parse_solution(solution_csv, labels)
        timings.append((time.perf_counter() - start) * 1000)
    report(name, len(solution), timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    large = max(10, args.repeat // 5)
    labels = [line.split(",")[0] for line in
              (DEMO / "labels.csv").read_text(encoding="utf-8").splitlines()[1:]]
    print("validate + score (score_submission, solution parsed beforehand):")
    measure_score("Hiragana-20 sample_submission, accuracy", (DEMO / "solution.csv").read_bytes(),
                  (DEMO / "sample_submission.csv").read_bytes(), labels, args.repeat)
    measure_score("generated labels, 20 classes, accuracy", *generated(10_000),
                  repeat=args.repeat)
    big_solution, big_submission, big_labels = generated(100_000)
    measure_score("generated labels, 20 classes, accuracy", big_solution, big_submission,
                  big_labels, repeat=large)
    measure_score("generated probabilities, 20 classes, log_loss",
                  *generated(10_000, kind=Kind.PROBABILITY), repeat=args.repeat,
                  metric="log_loss", fmt=PROBABILITY)
    print("parse the solution (parse_solution):")
    measure_parse("generated solution, 20 classes", big_solution, big_labels, repeat=large)


if __name__ == "__main__":
    main()
