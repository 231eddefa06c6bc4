"""`experiment`: the course's Day-2 sweeps. One setting changes at a time on a small plain
CNN (learning rate, activation, optimizer, depth), or the cut layer of a frozen backbone for
pattern 1; each writes its learning curves (PNG), and a summary table (CSV and Markdown)."""

import csv
import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import models
from .augment import NO_AUGMENTATION
from .train import (
    Prepared,
    TrainConfig,
    build_classifier,
    build_extractor,
    extract_features,
    feature_key,
)

# The course's plain CNN: no BatchNorm, no dropout, no augmentation, a constant learning
# rate and no early stopping, so that each curve shows the setting alone.
PLAIN = {"blocks": 2, "width": 16, "batch_norm": False, "dropout": 0.0,
         "augment": NO_AUGMENTATION, "schedule": "constant", "label_smoothing": 0.0,
         "optimizer": "sgd", "learning_rate": 0.01, "activation": "relu"}


@dataclass(frozen=True)
class Sweep:
    parameter: str  # the TrainConfig field that changes
    values: tuple
    fixed: dict  # what differs from PLAIN for this sweep
    title: str


SWEEPS = {
    "lr": Sweep("learning_rate", (0.5, 0.05, 0.01, 0.001), {"optimizer": "momentum"},
                "Learning rate (SGD, momentum 0.9)"),
    # Adam: with plain SGD at 0.01 this CNN barely leaves chance in 100 epochs (the lr sweep).
    "activation": Sweep("activation", ("relu", "sigmoid", "tanh", "elu"),
                        {"optimizer": "adam", "learning_rate": 0.001},
                        "Activation function (Adam, learning rate 0.001)"),
    "optimizer": Sweep("optimizer", ("sgd", "momentum", "rmsprop", "adam"),
                       {"learning_rate": 0.001}, "Optimizer (learning rate 0.001)"),
    "depth": Sweep("blocks", (1, 2, 3, 4), {"optimizer": "adam", "learning_rate": 0.001},
                   "Depth: convolution blocks (Adam, learning rate 0.001)"),
}
CUT_LAYERS = {
    "mobilenetv2": ("block_2_add", "block_5_add", "block_9_add", "block_12_add",
                    "block_15_add", "out_relu"),
    "vgg16": ("block1_pool", "block2_pool", "block3_pool", "block4_pool", "block5_pool"),
    "resnet50": ("conv2_block3_out", "conv3_block4_out", "conv4_block6_out",
                 "conv5_block3_out"),
    "efficientnetb0": ("block2b_add", "block3b_add", "block4c_add", "block5c_add",
                       "block6d_add", "top_activation"),
}
NAMES = (*SWEEPS, "cut-layer")


def parse_values(name: str, text: str | None) -> tuple | None:
    """`--values 0.1,0.01` in the sweep's own type."""
    if not text:
        return None
    items = [item.strip() for item in text.split(",") if item.strip()]
    if name == "lr":
        return tuple(float(item) for item in items)
    if name == "depth":
        return tuple(int(item) for item in items)
    return tuple(items)


def run_sweep(name: str, base: TrainConfig, prepared: Prepared, out: Path,
              values: tuple | None = None, overrides: dict | None = None) -> list[dict]:
    """Train one model per value and write curves.png, summary.csv and summary.md to out.
    `overrides` change the fixed settings (e.g. plain SGD for the learning-rate sweep)."""
    import keras

    from .callbacks import make_callbacks
    from .data import make_dataset

    sweep = SWEEPS[name]
    out.mkdir(parents=True, exist_ok=True)
    results, histories = [], {}
    targets = prepared.competition.train_targets
    split = prepared.split
    for value in values or sweep.values:
        config = dataclasses.replace(base, **{**PLAIN, **sweep.fixed, **(overrides or {}),
                                              sweep.parameter: value})
        keras.utils.set_random_seed(config.seed)  # the same start for every setting
        model = models.build_cnn(prepared.input_shape, prepared.competition.n_classes,
                                 blocks=config.blocks, width=config.width,
                                 activation=config.activation, batch_norm=False, dropout=0.0)
        models.compile_model(model, optimizer=config.optimizer,
                             learning_rate=config.learning_rate)
        training = make_dataset(prepared.images[split.train], targets[split.train],
                                config.batch_size, shuffle=True, seed=config.seed)
        validation = make_dataset(prepared.images[split.validation],
                                  targets[split.validation], config.batch_size)
        label = f"{sweep.parameter}={value}"
        print(f"--- {label}: {model.count_params():,} parameters, {config.epochs} epochs")
        started = time.monotonic()
        history = model.fit(training, validation_data=validation, epochs=config.epochs,
                            shuffle=False, verbose=config.verbose,
                            callbacks=make_callbacks(out, epochs=config.epochs,
                                                     learning_rate=config.learning_rate,
                                                     schedule="constant",
                                                     patience=config.epochs + 1,
                                                     log_name=f"history_{value}.csv",
                                                     checkpoint=False)).history
        seconds = time.monotonic() - started
        curve = np.nan_to_num(np.array(history["val_accuracy"]))
        histories[str(value)] = history
        results.append({"setting": label, "best_val_accuracy": round(float(curve.max()), 4),
                        "best_epoch": int(curve.argmax()) + 1,
                        "learning_from_epoch": _learning_started(
                            curve, prepared.competition.n_classes),
                        "final_val_loss": _rounded(history["val_loss"][-1]),
                        "parameters": model.count_params(), "seconds": round(seconds, 1)})
    title = sweep.title
    if overrides and overrides.get("optimizer") not in (None, PLAIN["optimizer"],
                                                        sweep.fixed.get("optimizer")):
        title = f"{sweep.title.split(' (')[0]} ({overrides['optimizer']})"
    plot_curves(histories, out / "curves.png", f"{title}: {prepared.competition.folder.name}, "
                f"{len(split.train):,} training images")
    write_tables(results, out)
    return results


def _learning_started(curve: np.ndarray, n_classes: int) -> int | None:
    """The course's "when does learning start": the first epoch halfway from chance to the
    best accuracy, None when the best is barely above chance (a blip is not learning)."""
    chance = 1 / n_classes
    best = float(curve.max()) if len(curve) else chance
    if best < chance + 0.1:
        return None
    return int(np.argmax(curve >= chance + (best - chance) / 2)) + 1


def _rounded(value: float) -> float | None:
    return None if not np.isfinite(value) else round(float(value), 4)


def run_cut_layers(base: TrainConfig, prepared: Prepared, out: Path,
                   values: tuple | None = None) -> list[dict]:
    """Pattern 1 at several depths of the backbone: features + the classifier, per layer."""
    out.mkdir(parents=True, exist_ok=True)
    layers = values or CUT_LAYERS[base.backbone]
    competition, split = prepared.competition, prepared.split
    rows = np.concatenate([split.train, split.validation])
    ids = [competition.train_ids[row] for row in rows]
    results = []
    for layer in layers:
        config = dataclasses.replace(base, cut_layer=layer)
        started = time.monotonic()
        extractor = build_extractor(config, prepared)  # seeded: see build_extractor
        features = extract_features(extractor, prepared.images[rows], config,
                                    feature_key(config, extractor, prepared, "train", ids),
                                    competition)
        classifier = build_classifier(config.classifier, config.seed)
        classifier.fit(features[:len(split.train)], competition.train_targets[split.train])
        accuracy = classifier.score(features[len(split.train):],
                                    competition.train_targets[split.validation])
        seconds = time.monotonic() - started
        print(f"--- {layer}: {features.shape[1]} features, validation accuracy "
              f"{accuracy:.4f} ({seconds:.0f} s)")
        results.append({"setting": f"cut_layer={layer}", "features": int(features.shape[1]),
                        "best_val_accuracy": round(float(accuracy), 4),
                        "seconds": round(seconds, 1)})
    plot_bars(results, out / "curves.png",
              f"Pattern 1 by cut layer: {base.backbone} ({base.weights}), {base.pool} pooling, "
              f"{base.classifier}")
    write_tables(results, out)
    return results


# --- pictures and tables ------------------------------------------------------------------

def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # files only: no window, no display needed
    import matplotlib.pyplot as plt

    return plt


def plot_curves(histories: dict[str, dict], path: Path, title: str) -> Path:
    """Validation accuracy and loss per epoch, one line per setting (training dashed)."""
    plt = _pyplot()
    figure, (accuracy, loss) = plt.subplots(1, 2, figsize=(10, 4))
    for index, (setting, history) in enumerate(histories.items()):
        color = f"C{index}"
        epochs = np.arange(1, len(history["loss"]) + 1)
        accuracy.plot(epochs, history["val_accuracy"], color=color, label=setting)
        accuracy.plot(epochs, history["accuracy"], color=color, linestyle="--", alpha=0.4)
        loss.plot(epochs, np.clip(np.nan_to_num(history["val_loss"], nan=10.0), 0, 10),
                  color=color, label=setting)
    accuracy.set(xlabel="epoch", ylabel="accuracy (dashed: training)", ylim=(0, 1))
    loss.set(xlabel="epoch", ylabel="validation loss (capped at 10)")
    accuracy.legend(fontsize=8)
    loss.legend(fontsize=8)
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    figure.savefig(path, dpi=70)
    plt.close(figure)
    return path


def plot_bars(results: list[dict], path: Path, title: str) -> Path:
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=(8, 3.5))
    names = [result["setting"].split("=", 1)[1] for result in results]
    values = [result["best_val_accuracy"] for result in results]
    bars = axis.bar(names, values, color="C0")
    axis.bar_label(bars, labels=[f"{value:.2f}" for value in values], fontsize=8)
    axis.set(ylabel="validation accuracy", ylim=(0, 1), xlabel="cut layer (input → output)")
    axis.tick_params(axis="x", labelsize=8)
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    figure.savefig(path, dpi=70)
    plt.close(figure)
    return path


def write_tables(results: list[dict], out: Path) -> None:
    columns = list(results[0])
    with (out / "summary.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(results)
    lines = ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    lines += ["| " + " | ".join("–" if result[column] is None else str(result[column])
                                for column in columns) + " |" for result in results]
    (out / "summary.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
