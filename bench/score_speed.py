"""How long the scoring core takes for one submission (parse, validate, both scores).

Run: .venv/bin/python bench/score_speed.py [--repeat 50]
Prints the median and the 90th percentile for the demo competition (2,000 rows) and for a
generated 100,000-row one. No Django, no worker: the core alone.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scoring.scorer import score_submission  # noqa: E402
from scoring.solution import parse_solution  # noqa: E402

DEMO = Path(__file__).resolve().parent.parent / "demo" / "hiragana-20"


def generated(rows: int, classes: int = 20) -> tuple[bytes, bytes, list[str]]:
    rng = np.random.default_rng(0)
    labels = [f"class_{number}" for number in range(classes)]
    truth = rng.integers(0, classes, rows)
    guess = np.where(rng.random(rows) < 0.7, truth, rng.integers(0, classes, rows))
    ids = [f"{number:08x}.png" for number in range(rows)]
    solution = "id,label,usage\n" + "".join(
        f"{i},{labels[t]},{'Public' if n % 10 < 3 else 'Private'}\n"
        for n, (i, t) in enumerate(zip(ids, truth, strict=True)))
    submission = "id,label\n" + "".join(f"{i},{labels[g]}\n" for i, g in zip(ids, guess,
                                                                               strict=True))
    return solution.encode(), submission.encode(), labels


def measure(name: str, solution_csv: bytes, submission_csv: bytes, labels, repeat: int) -> None:
    solution = parse_solution(solution_csv, labels)
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        score_submission(submission_csv, solution=solution, labels=labels, metric="accuracy")
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    print(f"{name:32} rows={len(solution):>7}  median={statistics.median(timings):7.2f} ms  "
          f"p90={timings[int(len(timings) * 0.9) - 1]:7.2f} ms  (n={repeat})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    labels = [line.split(",")[0] for line in
              (DEMO / "labels.csv").read_text(encoding="utf-8").splitlines()[1:]]
    measure("Hiragana-20 sample_submission", (DEMO / "solution.csv").read_bytes(),
            (DEMO / "sample_submission.csv").read_bytes(), labels, args.repeat)
    measure("generated", *generated(100_000), repeat=max(5, args.repeat // 10))


if __name__ == "__main__":
    main()
