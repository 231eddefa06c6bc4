"""The starter kit's figures (baselines/README.md): each model's validation accuracy, its
public and private leaderboard accuracy, and its wall time, on Hiragana-20 and on real
photos (LFW faces against non-faces, the 200 photos that scikit-image ships).

Every configuration runs as the learner would run it (`python -m baselines train …` in a
fresh process, timed from start to written submission). The leaderboard accuracies are
computed from the competition's hidden solution with the platform's scoring core, exactly as
the worker scores an upload: the kit itself never reads the solution. The real-photo
competition is built first, by the platform's own builder (competitions/builder), from
scikit-image's bundled `lfw_subset`; its reference figure is scikit-image's own gallery
method (Haar-like features and a random forest) run on the same split.

    .venv/bin/python bench/baselines_figures.py                 # everything (~20 min, 2 cores)
    .venv/bin/python bench/baselines_figures.py features-block12 cnn-best
    .venv/bin/python bench/baselines_figures.py lfw-features lfw-reference
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
LFW = ROOT / "runs" / "bench-data" / "lfw-faces"  # built by build_lfw_competition()
OUT = ROOT / "runs" / "bench"
LFW_SEED = 0
LFW_TEST_FRACTION = 0.3  # 60 of the 200 photos: 18 public, 42 private
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
    # Real photos: the default command first, as a learner types it.
    "lfw-features": ("the default command: MobileNetV2 (ImageNet: the offline weights), "
                     "+ logistic regression", ["--model", "features"]),
    "lfw-features-none": ("the same with random weights (the control)",
                          ["--model", "features", "--weights", "none"]),
    "lfw-finetune": ("MobileNetV2 (ImageNet): 3 epochs of head, then the top 40 layers for 6 "
                     "epochs", ["--model", "finetune", "--head-epochs", "3", "--epochs", "6",
                                "--unfreeze", "40", "--finetune-lr", "3e-4", "--patience",
                                "6"]),
    "lfw-cnn": ("small CNN from scratch (BatchNorm, GAP, dropout), augmentation, 40 epochs "
                "of batches of 16 (at 64, 126 images make 2 steps an epoch: BatchNorm's "
                "statistics never settle)",
                ["--model", "cnn", "--epochs", "40", "--batch-size", "16", "--patience",
                 "40"]),
}
# Not a kit command: the set's reference, computed in this process.
REFERENCES = {"lfw-reference": "scikit-image's gallery method: Haar-like features "
                               "(type-2-x, type-2-y) + a random forest of 1,000 trees"}


def dataset(name: str) -> Path:
    return LFW if name.startswith("lfw-") else DATA


def build_lfw_competition(folder: Path = LFW) -> Path:
    """scikit-image's `lfw_subset` (100 faces, 100 non-faces: 25x25 grey crops of LFW's
    photos) as a zip of class folders, built into a competition by the platform's builder
    (the same code as an uploaded zip), in `folder`."""
    import io
    import shutil
    import tempfile
    import zipfile

    import django
    import numpy as np
    from PIL import Image
    from skimage.data import lfw_subset

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    django.setup()
    from competitions.builder.build import BuildOptions, build_dataset
    from competitions.builder.limits import Limits

    if (folder / "solution.csv").exists():
        return folder
    photos = (lfw_subset() * 255).round().astype(np.uint8)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number, photo in enumerate(photos):
            label = "face" if number < 100 else "non-face"
            png = io.BytesIO()
            Image.fromarray(photo).save(png, format="PNG")
            archive.writestr(f"lfw/{label}/{number:03d}.png", png.getvalue())
    buffer.seek(0)
    scratch = Path(tempfile.mkdtemp(prefix="lfw-build-"))
    try:
        built = build_dataset(buffer, folder=scratch, limits=Limits(),
                              options=BuildOptions(test_fraction=LFW_TEST_FRACTION,
                                                   public_fraction=0.3, seed=LFW_SEED))
        folder.mkdir(parents=True, exist_ok=True)
        for name, path in built.files.items():
            shutil.copy(path, folder / name)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return folder


def lfw_reference() -> dict:
    """scikit-image's "Face classification using Haar-like feature descriptor" method on
    this competition's split: trained on train.csv's photos, scored on the hidden test set
    like a submission."""
    import io
    import zipfile

    import numpy as np
    from PIL import Image
    from skimage.feature import haar_like_feature
    from skimage.transform import integral_image
    from sklearn.ensemble import RandomForestClassifier

    def images(split: str, ids: list[str]) -> list[np.ndarray]:
        with zipfile.ZipFile(LFW / f"{split}.zip") as archive:
            return [np.asarray(Image.open(io.BytesIO(archive.read(id_))), dtype=np.float64)
                    / 255 for id_ in ids]

    def features(image: np.ndarray) -> np.ndarray:
        integral = integral_image(image)
        return haar_like_feature(integral, 0, 0, integral.shape[0], integral.shape[1],
                                 feature_type=["type-2-x", "type-2-y"])

    started = time.monotonic()
    rows = [line.split(",") for line in (LFW / "train.csv").read_text().splitlines()[1:]]
    test_ids = [line.split(",")[0] for line in
                (LFW / "sample_submission.csv").read_text().splitlines()[1:]]
    train_x = np.array([features(image) for image in images("train", [r[0] for r in rows])])
    test_x = np.array([features(image) for image in images("test", test_ids)])
    forest = RandomForestClassifier(n_estimators=1000, max_depth=None, max_features=100,
                                    n_jobs=-1, random_state=0)
    forest.fit(train_x, [r[1] for r in rows])
    submission = OUT / "lfw-reference.csv"
    submission.write_text("id,label\n" + "".join(
        f"{id_},{label}\n" for id_, label in zip(test_ids, forest.predict(test_x),
                                                  strict=True)))
    labels = (LFW / "labels.csv").read_text().splitlines()[1:]
    public, private = leaderboard(submission, labels, LFW)
    return {"name": "lfw-reference", "validation": float("nan"), "public": public,
            "private": private, "seconds": time.monotonic() - started,
            "train_images": len(rows), "epochs": None}


def run(name: str, options: list[str]) -> dict:
    out = OUT / name
    command = [sys.executable, "-m", "baselines", "train", "--data", str(dataset(name)), "--out",
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
    public, private = leaderboard(out / "submission.csv", info["labels"], dataset(name))
    return {"name": name, "validation": info["validation_accuracy"], "public": public,
            "private": private, "seconds": seconds, "train_images": info["train_images"],
            "epochs": info.get("epochs_run")}


def leaderboard(path: Path, labels: list[str], folder: Path = DATA) -> tuple[float, float]:
    solution = parse_solution((folder / "solution.csv").read_bytes(), labels)
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
        for name, what in REFERENCES.items():
            print(f"{name}: {what}")
        return
    OUT.mkdir(parents=True, exist_ok=True)
    names = args.names or [*CONFIGURATIONS, *REFERENCES]
    if any(name.startswith("lfw-") for name in names):
        build_lfw_competition()
    results = [lfw_reference() if name == "lfw-reference" else
               run(name, CONFIGURATIONS[name][1]) for name in names]
    print(f"\n{os.cpu_count()} cores. Hiragana-20: public 600 / private 1,400 test images "
          f"in fonts unseen in training. LFW faces: public 18 / private 42 test photos.\n")
    print("| model | validation | public | private | wall time | training images, epochs |")
    print("| --- | --- | --- | --- | --- | --- |")
    for result in results:
        print(f"| {result['name']} | {result['validation']:.3f} | {result['public']:.3f} | "
              f"{result['private']:.3f} | {result['seconds'] / 60:.1f} min | "
              f"{result['train_images']:,}, {result['epochs'] or '–'} |")


if __name__ == "__main__":
    main()
