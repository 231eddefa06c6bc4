"""Peak memory of the web process (the dry run) and the worker (scoring) for the worst
uploads we can construct: gzip and zip bombs of bad rows, one huge line, a million
columns, nested archives, a text that widens when decoded.

Run: .venv/bin/python bench/upload_memory.py [--rows 2000] [--only NAME]
Each file is checked in a fresh process (this script again, with --child):
- web: `import config.wsgi` (Django set up as a gunicorn worker is), then
  `validate_submission` as `/api/v1/competitions/{slug}/validate/` calls it;
- worker: the scoring worker's imports (the Celery app and its task modules), then
  `score_submission`.
It prints the process's peak resident set (VmHWM) before and after, the growth, the
time, and the answer (problem count and first code). The target is growth of at most
200 MB for every file; the 16 KB gzip of `id,label` + 8,000,000 lines of `x` should
answer within a second with its problem count.
"""

import argparse
import gzip
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABELS = [f"class_{number}" for number in range(20)]
ENV = {"SECRET_KEY": "bench-only-not-a-secret", "DJANGO_SETTINGS_MODULE": "config.settings"}


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9)


def _zip(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("submission.csv", data)
    return buffer.getvalue()


def worst_files() -> dict[str, bytes]:
    """The uploads, compressed as an attacker would send them."""
    x_lines = b"id,label\n" + b"x\n" * 8_000_000
    return {
        "gzip, 8M lines of x (the issue's 16 KB file)": _gzip(x_lines),
        "zip, 8M lines of x": _zip(x_lines),
        "gzip, 8M rows of a,b (2 problems a row)": _gzip(b"id,label\n" + b"a,b\n" * 8_000_000),
        "gzip, one 200 MB line": _gzip(b"id,label\n" + b"a" * 200_000_000),
        "gzip, a million columns": _gzip(b"id,label\n" + b"," * 1_000_000 + b"\n"),
        "gzip, 20 lines of a million columns": _gzip(b"id,label\n"
                                                     + (b"," * 1_000_000 + b"\n") * 20),
        "gzip in gzip, 200 MB of x": _gzip(_gzip(b"x\n" * 100_000_000)),
        "gzip, 100 MB ASCII and one emoji": _gzip(b"id,label\n" + b"a,b\n" * 25_000_000
                                                  + "😀,b\n".encode()),
    }


def _solution_csv(rows: int) -> bytes:
    return ("id,label,usage\n" + "".join(
        f"{n:08x}.png,{LABELS[n % len(LABELS)]},{'Public' if n % 10 < 3 else 'Private'}\n"
        for n in range(rows))).encode()


def _peak_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise LookupError("VmHWM")


def child(mode: str, upload: Path, solution_path: Path) -> None:
    """In a fresh process: the imports of `mode`, then one check of the upload."""
    if mode == "web":
        import config.wsgi  # noqa: F401
    else:
        from config.celery import app

        app.loader.import_default_modules()
    from scoring.problems import InvalidFile
    from scoring.scorer import score_submission, validate_submission
    from scoring.solution import parse_solution

    solution = parse_solution(solution_path.read_bytes(), LABELS)
    data = upload.read_bytes()
    before = _peak_mib()
    start = time.perf_counter()
    answer = {"count": 0, "first": "valid"}
    try:
        if mode == "web":
            validate_submission(data, solution=solution, labels=LABELS)
        else:
            score_submission(data, solution=solution, labels=LABELS, metric="accuracy")
    except InvalidFile as invalid:
        answer = {"count": invalid.count, "first": invalid.problems[0].code}
    answer.update(seconds=time.perf_counter() - start, before=before, after=_peak_mib())
    print(json.dumps(answer))


def measure(mode: str, upload: Path, solution: Path) -> dict:
    command = [sys.executable, __file__, "--child", mode, "--upload", str(upload),
               "--solution", str(solution)]
    done = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True,
                          env={**os.environ, **ENV, "PYTHONPATH": str(ROOT)})
    return json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=2000, help="rows of the solution")
    parser.add_argument("--only", help="only the files whose name contains this")
    parser.add_argument("--child", choices=("web", "worker"), help=argparse.SUPPRESS)
    parser.add_argument("--upload", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--solution", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(ROOT))
        child(args.child, args.upload, args.solution)
        return
    with tempfile.TemporaryDirectory(prefix="kompe-bench-uploads-") as folder:
        solution = Path(folder) / "solution.csv"
        solution.write_bytes(_solution_csv(args.rows))
        print(f"solution: {args.rows:,} rows, 20 classes; growth = VmHWM after - before")
        worst = 0.0
        for name, data in worst_files().items():
            if args.only and args.only not in name:
                continue
            upload = Path(folder) / "upload"
            upload.write_bytes(data)
            for mode in ("web", "worker"):
                result = measure(mode, upload, solution)
                growth = result["after"] - result["before"]
                worst = max(worst, growth)
                print(f"{mode:6} {name:45} {len(data) / 1024:9.0f} KiB  peak "
                      f"{result['before']:5.0f} -> {result['after']:5.0f} MiB "
                      f"(+{growth:4.0f})  {result['seconds']:6.2f} s  "
                      f"{result['count']:>9,} problem(s), first {result['first']}")
        print(f"largest growth: {worst:.0f} MiB (target: at most 200 MB = 191 MiB)")


if __name__ == "__main__":
    main()
