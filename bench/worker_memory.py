"""Peak memory of scoring a 1,000,000-row label submission, as a worker would.

Run: .venv/bin/python bench/worker_memory.py [--rows 1000000] [--repeat 3] [--stages]
Each measurement runs in a fresh process (this script again, with --child) that reads
VmHWM (peak resident set) from /proc/self/status at the end, and prints it in MiB:
- baseline: the process imports what the scoring worker imports (Django set up, the
  Celery app and its task modules; scikit-learn and pandas only if those import them);
- parse: the same, then `read_solution` of a generated solution (20 classes, 30% Public)
  read from disk, as `Competition.load_solution` does;
- parse + score: the same, then validate + score (`score_submission`, accuracy) of a
  generated label submission read from disk, the solution kept alive as the worker's cache
  keeps it.
The target is at most 200 MB for 1,000,000 rows (issue 13). VmHWM, not getrusage's ru_maxrss: Linux
carries the parent's peak over exec into a child's ru_maxrss, so a child started by a
large parent reports at least the parent's size. --stages also prints the resident set and
the peak after each step of one parse + score process.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLASSES = 20
MODES = ("baseline", "parse", "parse+score")


def status_mib(field: str) -> float:
    """A VmXXX line of /proc/self/status (kB), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


def labels_of(classes: int = CLASSES) -> list[str]:
    return [f"class_{number}" for number in range(classes)]


def write_files(rows: int, folder: Path) -> tuple[Path, Path]:
    """A solution and a submission about 70% right, as in score_speed.py, on disk."""
    import numpy as np

    rng = np.random.default_rng(0)
    labels = labels_of()
    truth = rng.integers(0, CLASSES, rows)
    guess = np.where(rng.random(rows) < 0.7, truth, rng.integers(0, CLASSES, rows))
    solution, submission = folder / "solution.csv", folder / "submission.csv"
    with solution.open("w", encoding="utf-8") as out:
        out.write("id,label,usage\n")
        out.writelines(f"{n:08x}.png,{labels[t]},{'Public' if n % 10 < 3 else 'Private'}\n"
                       for n, t in enumerate(truth.tolist()))
    with submission.open("w", encoding="utf-8") as out:
        out.write("id,label\n")
        out.writelines(f"{n:08x}.png,{labels[g]}\n" for n, g in enumerate(guess.tolist()))
    return solution, submission


def child(mode: str, solution_path: Path, submission_path: Path, stages: bool,
          metric: str = "accuracy") -> None:
    """Runs in the fresh process: the imports a worker has, then the work of `mode`."""
    from config.celery import app

    app.loader.import_default_modules()

    from scoring.scorer import score_submission
    from scoring.solution import read_solution

    def stage(name: str) -> None:
        if stages:
            print(f"  {name:34} VmRSS={status_mib('VmRSS'):7.1f} MiB  "
                  f"VmHWM={status_mib('VmHWM'):7.1f} MiB", file=sys.stderr)

    stage("imports")
    labels = labels_of()
    if mode != "baseline":
        # As Competition.load_solution reads it: the bytes go before the ids are indexed.
        solution = read_solution(solution_path.read_bytes, labels)
        stage("parse_solution")
        if mode == "parse+score":
            data = submission_path.read_bytes()
            stage("submission bytes read")
            scores = score_submission(data, solution=solution, labels=labels, metric=metric)
            stage("score_submission")
            assert 0.6 < scores.public < 0.8, scores
    print(status_mib("VmHWM"))


def measure(mode: str, solution: Path, submission: Path, stages: bool,
            metric: str = "accuracy") -> float:
    command = [sys.executable, __file__, "--child", mode, "--solution", str(solution),
               "--submission", str(submission), "--metric", metric] + (
                   ["--stages"] if stages else [])
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "config.settings",
           "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-not-a-secret")}
    done = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True,
                          env=env)
    if done.stderr:
        print(f"{mode}:\n{done.stderr.rstrip()}")
    return float(done.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--stages", action="store_true")
    parser.add_argument("--metric", default="accuracy",
                        help="accuracy needs no scikit-learn; balanced_accuracy or macro_f1 "
                             "import it (once per worker process)")
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--solution", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--submission", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(ROOT))
        child(args.child, args.solution, args.submission, args.stages, args.metric)
        return
    with tempfile.TemporaryDirectory(prefix="kompe-bench-memory-") as folder:
        start = time.perf_counter()
        solution, submission = write_files(args.rows, Path(folder))
        print(f"generated {args.rows:,} rows in {time.perf_counter() - start:.1f} s: "
              f"solution {solution.stat().st_size / 2**20:.1f} MiB, "
              f"submission {submission.stat().st_size / 2**20:.1f} MiB")
        peaks = {mode: [] for mode in MODES}
        for run in range(args.repeat):
            for mode in MODES:
                peaks[mode].append(measure(mode, solution, submission,
                                           args.stages and run == 0, args.metric))
    baseline = statistics.median(peaks["baseline"])
    for mode, name in [("baseline", "imports only (the worker's)"),
                       ("parse", f"parse_solution, {args.rows:,} rows"),
                       ("parse+score", f"parse_solution + score_submission, {args.rows:,} rows")]:
        peak = statistics.median(peaks[mode])
        increment = "" if mode == "baseline" else f"  (+{peak - baseline:.0f} MiB over imports)"
        if mode == "parse+score":
            name += f", {args.metric}"
        print(f"peak RSS (VmHWM), {name:52} median={peak:6.0f} MiB{increment}  "
              f"(n={len(peaks[mode])})")
    peak = statistics.median(peaks["parse+score"])
    target = 200e6 / 2**20  # 200 MB
    print(f"target: at most 200 MB ({target:.0f} MiB) for 1,000,000 rows; parse + score of "
          f"{args.rows:,} rows peaks {'within' if peak <= target else 'OVER'} it "
          f"({peak - target:+.0f} MiB)")


if __name__ == "__main__":
    main()
