"""`report RUN`: the pictures of a run for the closing presentation.

Everything comes from the run folder and the competition's training images; nothing from
the hidden test labels. Written into RUN/report/:

- `learning-curve.png`: accuracy and loss per epoch (history.csv) for the cnn and finetune;
  for features, validation accuracy against the number of training images (the classifier
  refitted on growing stratified shares of the cached training features);
- `confusion-matrix.png`: the held-out validation rows, true class against predicted;
- `good-predictions.png` and `bad-predictions.png`: the validation images predicted right
  with the most confidence, and those predicted wrong with the most confidence, each with
  its true and predicted class;
- `report.html`: the above on one page with the run's settings and the defaults chosen.
"""

import csv
import html
from pathlib import Path

import numpy as np

from . import data
from .predict import Run, load_run
from .train import VALIDATION_FILE

REPORT_FOLDER = "report"
EXAMPLES = 8
LEARNING_CURVE_SHARES = (0.1, 0.2, 0.35, 0.5, 0.75, 1.0)


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # files only: no window, no display needed
    import matplotlib.pyplot as plt

    return plt


def write_report(run_folder: Path, out: Path | None = None) -> dict[str, Path]:
    """Every picture and the HTML page; returns their paths by name."""
    run = load_run(run_folder)
    out = Path(out or run.folder / REPORT_FOLDER)
    out.mkdir(parents=True, exist_ok=True)
    competition = data.read_competition(Path(run.info["data"]))
    names = competition.display_names
    saved = np.load(run.folder / VALIDATION_FILE)
    rows, targets, probabilities = saved["rows"], saved["targets"], saved["probabilities"]
    images = data.load_images(competition, "train", shape=tuple(run.info["input_shape"]),
                              fit=run.info.get("fit", "squash"))
    paths = {"learning-curve": learning_curve(run, competition, out / "learning-curve.png"),
             "confusion-matrix": confusion_matrix_png(targets, probabilities.argmax(1), names,
                                                      out / "confusion-matrix.png")}
    good, bad = pick_examples(targets, probabilities)
    paths["good-predictions"] = examples_png(
        images[rows[good]], targets[good], probabilities[good], names,
        out / "good-predictions.png", "Right, with the most confidence")
    paths["bad-predictions"] = examples_png(
        images[rows[bad]], targets[bad], probabilities[bad], names,
        out / "bad-predictions.png", "Wrong, with the most confidence")
    paths["report"] = report_html(run, targets, probabilities, paths, out / "report.html")
    return paths


def pick_examples(targets: np.ndarray, probabilities: np.ndarray,
                  count: int = EXAMPLES) -> tuple[np.ndarray, np.ndarray]:
    """Positions (into the validation rows) of the most confident right predictions and
    the most confident wrong ones."""
    predicted = probabilities.argmax(1)
    confidence = probabilities.max(1)
    order = np.argsort(-confidence, kind="stable")
    right = order[predicted[order] == targets[order]][:count]
    wrong = order[predicted[order] != targets[order]][:count]
    return right, wrong


def confusion(targets: np.ndarray, predicted: np.ndarray, n_classes: int) -> np.ndarray:
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (targets, predicted), 1)
    return matrix


def confusion_matrix_png(targets: np.ndarray, predicted: np.ndarray, names: list[str],
                         path: Path) -> Path:
    plt = _pyplot()
    matrix = confusion(targets, predicted, len(names))
    side = max(4.0, 0.45 * len(names) + 2)
    figure, axes = plt.subplots(figsize=(side, side))
    axes.imshow(matrix, cmap="Blues")
    axes.set_xticks(range(len(names)), names, rotation=90)
    axes.set_yticks(range(len(names)), names)
    axes.set_xlabel("predicted")
    axes.set_ylabel("true")
    accuracy = np.trace(matrix) / max(1, matrix.sum())
    axes.set_title(f"Validation: {matrix.sum()} images, accuracy {accuracy:.3f}")
    for (row, column), value in np.ndenumerate(matrix):
        if value:
            axes.text(column, row, str(value), ha="center", va="center", fontsize=8,
                      color="white" if value > matrix.max() / 2 else "black")
    figure.tight_layout()
    figure.savefig(path, dpi=80)
    plt.close(figure)
    return path


def examples_png(images: np.ndarray, targets: np.ndarray, probabilities: np.ndarray,
                 names: list[str], path: Path, title: str) -> Path:
    plt = _pyplot()
    count = max(1, len(images))
    figure, axes = plt.subplots(1, count, figsize=(max(4.5, 1.9 * count), 2.9),
                                squeeze=False)
    for axis in axes[0]:
        axis.axis("off")
    for axis, image, target, row in zip(axes[0], images, targets, probabilities, strict=False):
        predicted = int(row.argmax())
        shown = image[..., 0] if image.shape[-1] == 1 else image
        axis.imshow(shown, cmap="gray" if image.shape[-1] == 1 else None, vmin=0, vmax=255)
        colour = "green" if predicted == target else "red"
        axis.set_title(f"true {names[target]}\npredicted {names[predicted]}\n"
                       f"{row[predicted]:.2f}", fontsize=8, color=colour)
    if not len(images):
        axes[0][0].text(0.5, 0.5, "none", ha="center", va="center")
    figure.suptitle(title, y=0.98)
    figure.tight_layout(rect=(0, 0, 1, 0.9))
    figure.savefig(path, dpi=80)
    plt.close(figure)
    return path


def learning_curve(run: Run, competition: data.Competition, path: Path) -> Path:
    history = run.folder / "history.csv"
    if history.exists():
        return _epoch_curve(history, path)
    return _size_curve(run, competition, path)


def _epoch_curve(history: Path, path: Path) -> Path:
    with history.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    plt = _pyplot()
    figure, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5))
    epochs = [int(row["epoch"]) + 1 for row in rows]
    for key, style in (("accuracy", "--"), ("val_accuracy", "-")):
        if rows and key in rows[0]:
            left.plot(epochs, [float(row[key]) for row in rows], style,
                      label="training" if key == "accuracy" else "validation")
    for key, style in (("loss", "--"), ("val_loss", "-")):
        if rows and key in rows[0]:
            right.plot(epochs, [float(row[key]) for row in rows], style,
                       label="training" if key == "loss" else "validation")
    left.set(xlabel="epoch", ylabel="accuracy", title="Accuracy per epoch")
    right.set(xlabel="epoch", ylabel="loss", title="Loss per epoch")
    left.legend()
    right.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=80)
    plt.close(figure)
    return path


def _size_curve(run: Run, competition: data.Competition, path: Path) -> Path:
    """Pattern 1 has no epochs: its learning curve is accuracy against training images."""
    import joblib
    import keras
    from sklearn.base import clone

    from .train import classifier_probabilities, fit_classifier

    saved = np.load(run.folder / VALIDATION_FILE)
    validation = saved["rows"]
    train_rows = np.setdiff1d(np.arange(len(competition.train_ids)), validation)
    images = data.load_images(competition, "train", shape=tuple(run.info["input_shape"]),
                              fit=run.info.get("fit", "squash"))
    extractor = keras.saving.load_model(run.folder / "extractor.keras")
    features = extractor.predict(data.make_dataset(images[np.concatenate(
        [train_rows, validation])], None, 64), verbose=0)
    train_features, validation_features = features[:len(train_rows)], \
        features[len(train_rows):]
    fitted = joblib.load(run.folder / "classifier.joblib")
    rng = np.random.default_rng(run.info.get("seed", 0))
    order = rng.permutation(len(train_rows))
    sizes, scores = [], []
    for share in LEARNING_CURVE_SHARES:
        chosen = order[:max(2 * competition.n_classes, int(share * len(train_rows)))]
        targets = competition.train_targets[train_rows[chosen]]
        if len(np.unique(targets)) < 2:
            continue
        classifier = fit_classifier(clone(fitted), train_features[chosen], targets)
        probabilities = classifier_probabilities(classifier, validation_features,
                                                 competition.n_classes)
        sizes.append(len(chosen))
        scores.append(float((probabilities.argmax(1) ==
                             competition.train_targets[validation]).mean()))
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(5, 3.5))
    axes.plot(sizes, scores, "o-")
    axes.set(xlabel="training images", ylabel="validation accuracy",
             title="Features + classifier: more images, better?")
    figure.tight_layout()
    figure.savefig(path, dpi=80)
    plt.close(figure)
    return path


def report_html(run: Run, targets: np.ndarray, probabilities: np.ndarray,
                pictures: dict[str, Path], path: Path) -> Path:
    info = run.info
    accuracy = float((probabilities.argmax(1) == targets).mean())
    settings = info.get("settings", {})
    items = "".join(f"<li>{html.escape(str(key))}: {html.escape(str(value))}</li>"
                    for key, value in settings.items())
    choices = "".join(f"<li>{html.escape(reason)}</li>" for reason in info.get("choices", []))
    figures = "".join(
        f'<figure><img src="{html.escape(picture.name)}" alt="{html.escape(name)}">'
        f"<figcaption>{html.escape(name.replace('-', ' '))}</figcaption></figure>"
        for name, picture in pictures.items())
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(info['model'])} run</title>
<style>body{{font-family:sans-serif;max-width:1000px;margin:2em auto}}img{{max-width:100%}}
figure{{margin:1.5em 0}}</style></head><body>
<h1>{html.escape(info['model'])}: validation accuracy {accuracy:.3f}</h1>
<p>{info['train_images']:,} training images, {info['validation_images']:,} held out for
validation; {info['train_seconds']:.0f} s of training.</p>
<h2>Settings</h2><ul>{items}</ul>
{f'<h2>Defaults chosen</h2><ul>{choices}</ul>' if choices else ''}
{figures}
</body></html>
"""
    path.write_text(page, encoding="utf-8")
    return path

