"""The starter kit's figures on Hiragana-20 (baselines/README.md): each model's validation
accuracy, its public and private leaderboard accuracy, and its wall time.

Every configuration runs as the learner would run it (`python -m baselines train …` in a
fresh process, timed from start to written submission). The leaderboard accuracies are
computed from the demo's hidden solution with the platform's scoring core, exactly as the
worker scores an upload: the kit itself never reads the solution.

    .venv/bin/python bench/baselines_figures.py                 # everything (~15 min, 2 cores)
    .venv/bin/python bench/baselines_figures.py features-block12 cnn-best
    .venv/bin/python bench/baselines_figures.py --list
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scoring.scorer import score_submission  # noqa: E402
from scoring.solution import parse_solution  # noqa: E402

DATA = ROOT / "demo" / "hiragana-20"
OUT = ROOT / "runs" / "bench"
OFFLINE = ["--backbone", "mobilenetv2", "--weights", "torchvision-mobilenetv2"]

# name → (what it is, the train command's options); predict-only entries start with "predict".
CONFIGURATIONS = {
    "features-last": ("MobileNetV2 (ImageNet, offline), last block, average-pooled, "
                      "+ logistic regression", ["--model", "features", *OFFLINE]),
    "features-none": ("the same with random weights (the control)",
                      ["--model", "features", "--backbone", "mobilenetv2", "--weights",
                       "none"]),
    "features-block12": ("MobileNetV2 (ImageNet, offline) cut at block_12_add, pooled 2x2, "
                         "+ logistic regression",
                         ["--model", "features", *OFFLINE, "--cut-layer", "block_12_add",
                          "--pool", "avg2x2"]),
    "finetune": ("MobileNetV2 (ImageNet, offline): 2 epochs of head, then the top 40 layers "
                 "for 4 epochs", ["--model", "finetune", *OFFLINE, "--head-epochs", "2",
                                  "--epochs", "4", "--unfreeze", "40", "--finetune-lr",
                                  "3e-4", "--patience", "4"]),
    "cnn-plain": ("the course's plain CNN: no BatchNorm, no augmentation, Adam, 15 epochs",
                  ["--model", "cnn", "--no-batchnorm", "--no-augment", "--blocks", "2",
                   "--width", "16", "--dropout", "0", "--schedule", "constant",
                   "--label-smoothing", "0", "--lr", "0.001", "--epochs", "15",
                   "--patience", "15"]),
    "cnn-best": ("small CNN (BatchNorm, GAP, dropout), augmentation, cosine schedule, label "
                 "smoothing; test-time augmentation (7 views)",
                 ["--model", "cnn", "--epochs", "36", "--time-budget", "12", "--tta", "7",
                  "--patience", "36"]),
}


def run(name: str, options: list[str]) -> dict:
    out = OUT / name
    command = [sys.executable, "-m", "baselines", "train", "--data", str(DATA), "--out",
               str(out), "--quiet", *options]
    print("$", " ".join(command[1:]), flush=True)
    started = time.monotonic()
    finished = subprocess.run(command, cwd=ROOT, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
                              capture_output=True, text=True)
    seconds = time.monotonic() - started
    if finished.returncode:
        raise SystemExit(f"{name} failed:\n{finished.stderr[-3000:]}")
    (OUT / f"{name}.log").write_text(finished.stdout + finished.stderr, encoding="utf-8")
    info = json.loads((out / "run.json").read_text(encoding="utf-8"))
    public, private = leaderboard(out / "submission.csv", info["labels"])
    return {"name": name, "validation": info["validation_accuracy"], "public": public,
            "private": private, "seconds": seconds, "train_images": info["train_images"],
            "epochs": info.get("epochs_run")}


def leaderboard(path: Path, labels: list[str]) -> tuple[float, float]:
    solution = parse_solution((DATA / "solution.csv").read_bytes(), labels)
    scores = score_submission(path.read_bytes(), solution=solution, labels=labels,
                              metric="accuracy")
    return scores.public, scores.private


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="configurations (default: all)")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    if args.list:
        for name, (what, options) in CONFIGURATIONS.items():
            print(f"{name}: {what}\n    {' '.join(options)}")
        return
    OUT.mkdir(parents=True, exist_ok=True)
    results = [run(name, CONFIGURATIONS[name][1]) for name in args.names or CONFIGURATIONS]
    print(f"\nHiragana-20, {os.cpu_count()} cores; public 600 / private 1,400 test images "
          f"in fonts unseen in training.\n")
    print("| model | validation | public | private | wall time | training images, epochs |")
    print("| --- | --- | --- | --- | --- | --- |")
    for result in results:
        print(f"| {result['name']} | {result['validation']:.3f} | {result['public']:.3f} | "
              f"{result['private']:.3f} | {result['seconds'] / 60:.1f} min | "
              f"{result['train_images']:,}, {result['epochs'] or '–'} |")


if __name__ == "__main__":
    main()
