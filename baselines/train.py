"""`train`: fit one model on a competition's training images and save it as a run folder.

A run folder holds `run.json` (what was trained, on which classes, the validation score),
the model (`model.keras`, or `extractor.keras` + `classifier.joblib` for features), the
learning curve `history.csv`, and the validation rows' probabilities, which `predict` uses
to score ensembles locally.
"""

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import data, models
from .augment import AugmentSettings, build_augmentation
from .callbacks import make_callbacks

RUN_FILE = "run.json"
VALIDATION_FILE = "validation.npz"
CLASSIFIERS = ("logistic", "logistic-cv", "svm", "forest")
MAX_NATIVE_SIZE = 160  # larger photos are loaded at this size to keep every array in memory
# The regularisation strengths logistic-cv chooses from by cross-validation.
CV_STRENGTHS = tuple(float(c) for c in np.logspace(-4, 1, 11))
CV_FOLDS = 5
# Training steps after which BatchNorm's running statistics (momentum 0.99) have settled.
SETTLED_STEPS = 1000


@dataclass
class TrainConfig:
    data: Path
    model: str = "cnn"  # cnn | features | finetune
    out: Path | None = None
    seed: int = 0
    validation_fraction: float = data.DEFAULT_VALIDATION_FRACTION
    train_size: int | None = None  # use only this many training images (stratified)
    image_size: int | None = None  # load size; None: the images' own size
    fit: str = "squash"  # how images reach the load size: data.FITS
    flip_tta: bool = False  # validation and test images also predicted mirrored
    choices: list[str] = field(default_factory=list)  # the defaults chosen, and why
    epochs: int = 30
    batch_size: int = 64
    learning_rate: float = 2e-3
    optimizer: str = "adam"
    schedule: str = "cosine"
    patience: int = 8
    label_smoothing: float = 0.1
    time_budget_minutes: float | None = None
    augment: AugmentSettings = field(default_factory=AugmentSettings)
    # cnn
    blocks: int = models.DEFAULT_CNN_BLOCKS
    width: int = models.DEFAULT_CNN_WIDTH
    activation: str = "relu"
    batch_norm: bool = True
    dropout: float = models.DEFAULT_DROPOUT
    # backbones
    backbone: str = models.DEFAULT_BACKBONE
    weights: str = "imagenet"
    backbone_size: int = models.DEFAULT_BACKBONE_SIZE
    cut_layer: str | None = None
    pool: str = "avg"
    classifier: str = "logistic"
    head_epochs: int = 3
    unfreeze: int = 30
    finetune_learning_rate: float = 1e-4
    verbose: int = 1
    # The competition's submission format (kind, header, labels_as, metric, top_k, source),
    # saved in run.json so that `predict` writes what the platform accepts.
    submission_format: dict | None = None


@dataclass
class Prepared:
    """The competition, its split and its images, loaded once for one or more fits."""

    competition: data.Competition
    split: data.Split
    images: np.ndarray

    @property
    def input_shape(self) -> tuple[int, int, int]:
        return tuple(self.images.shape[1:])


def prepare(config: TrainConfig) -> Prepared:
    competition = data.read_competition(config.data)
    split = data.stratified_split(competition.train_targets, config.validation_fraction,
                                  config.seed)
    split = data.Split(train=data.subsample(split.train, competition.train_targets,
                                            config.train_size, config.seed),
                       validation=split.validation)
    images = data.load_images(competition, "train", _load_size(competition, config),
                              fit=config.fit)
    return Prepared(competition, split, images)


def _load_size(competition: data.Competition, config: TrainConfig) -> int | None:
    if config.image_size:
        return config.image_size
    from PIL import Image

    first = competition.folder / "train.zip"
    if first.exists():
        import io
        import zipfile

        with zipfile.ZipFile(first) as archive:
            name = next(n for n in archive.namelist() if n.lower().endswith(data.IMAGE_SUFFIXES))
            size = Image.open(io.BytesIO(archive.read(name))).size
        if max(size) > MAX_NATIVE_SIZE:
            return MAX_NATIVE_SIZE
    return None


def train(config: TrainConfig, prepared: Prepared | None = None) -> dict:
    """Fit the configured model, save the run folder, and return run.json's contents."""
    import keras

    keras.utils.set_random_seed(config.seed)
    prepared = prepared or prepare(config)
    data.check_images(prepared.competition, "test")  # before the training, not after it
    out = Path(config.out or Path("runs") / config.model)
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    fit = {"cnn": _train_cnn, "features": _train_features, "finetune": _train_finetune}
    if config.model not in fit:
        raise ValueError(f"Unknown model {config.model!r}: choose cnn, features or finetune.")
    details = fit[config.model](config, prepared, out)
    seconds = time.monotonic() - started
    probabilities = details.pop("validation_probabilities")
    mirrored = details.pop("validation_mirrored", None)
    if mirrored is not None:  # flip TTA: what the submission will do on the test images
        probabilities = (probabilities + mirrored) / 2
    rows = prepared.split.validation
    np.savez(out / VALIDATION_FILE, rows=rows, probabilities=probabilities,
             ids=np.array([prepared.competition.train_ids[row] for row in rows]),
             targets=prepared.competition.train_targets[rows])
    accuracy = float((probabilities.argmax(1) == prepared.competition.train_targets[rows])
                     .mean())
    # input_shape is the resolved (height, width, channels) of the training images: predict
    # loads the test images to exactly this, whatever their own size and mode.
    run = {"model": config.model, "labels": prepared.competition.labels,
           "input_shape": list(prepared.input_shape),
           "image_size": _load_size(prepared.competition, config), "fit": config.fit,
           "flip_tta": config.flip_tta, "choices": config.choices,
           "data": str(prepared.competition.folder), "seed": config.seed,
           "train_images": len(prepared.split.train),
           "validation_images": len(rows), "validation_accuracy": accuracy,
           "train_seconds": round(seconds, 1), "augment": config.augment.to_dict(),
           "submission_format": config.submission_format, **details}
    (out / RUN_FILE).write_text(json.dumps(run, indent=2, ensure_ascii=False) + "\n",
                                encoding="utf-8")
    return run


def _datasets(config: TrainConfig, prepared: Prepared, augment: bool = True):
    targets = prepared.competition.train_targets
    split = prepared.split
    augmentation = build_augmentation(config.augment, config.seed) if augment else None
    training = data.make_dataset(prepared.images[split.train], targets[split.train],
                                 config.batch_size, shuffle=True, augmentation=augmentation,
                                 seed=config.seed)
    validation = data.make_dataset(prepared.images[split.validation],
                                   targets[split.validation], config.batch_size)
    return training, validation


def batch_norm_momentum(train_images: int, batch_size: int, epochs: int) -> float:
    """Keras' 0.99 when training takes enough steps for BatchNorm's running statistics to
    settle (Hiragana-20: 113 an epoch), 0.9 for a small set: 126 photos in batches of 16
    for 40 epochs are 320 steps, and at 0.99 the statistics used at prediction still lag
    the weights, so every validation image gets the same class."""
    steps = -(-train_images // batch_size) * epochs
    return 0.99 if steps >= SETTLED_STEPS else 0.9


def _callbacks(config: TrainConfig, out: Path, learning_rate: float) -> list:
    """The callbacks of a training run (for fine-tuning: of its second phase), from the
    config; `learning_rate` is the one the run starts from."""
    return make_callbacks(out, epochs=config.epochs, learning_rate=learning_rate,
                          schedule=config.schedule, patience=config.patience,
                          time_budget_minutes=config.time_budget_minutes)


def _train_cnn(config: TrainConfig, prepared: Prepared, out: Path) -> dict:
    momentum = batch_norm_momentum(len(prepared.split.train), config.batch_size,
                                   config.epochs)
    model = models.build_cnn(prepared.input_shape, prepared.competition.n_classes,
                             blocks=config.blocks, width=config.width,
                             activation=config.activation, batch_norm=config.batch_norm,
                             dropout=config.dropout, batch_norm_momentum=momentum)
    models.compile_model(model, optimizer=config.optimizer, learning_rate=config.learning_rate,
                         label_smoothing=config.label_smoothing)
    training, validation = _datasets(config, prepared)
    history = model.fit(training, validation_data=validation, epochs=config.epochs,
                        shuffle=False, verbose=config.verbose,
                        callbacks=_callbacks(config, out, config.learning_rate))
    model.save(out / "model.keras")
    return {"epochs_run": len(history.history["loss"]), "parameters": model.count_params(),
            "settings": {"blocks": config.blocks, "width": config.width,
                         "batch_norm_momentum": momentum,
                         "activation": config.activation, "batch_norm": config.batch_norm,
                         "optimizer": config.optimizer, "learning_rate": config.learning_rate,
                         "schedule": config.schedule,
                         "label_smoothing": config.label_smoothing},
            "validation_probabilities": model.predict(validation, verbose=0),
            "validation_mirrored": _mirrored_predictions(model, config, prepared)}


def _train_finetune(config: TrainConfig, prepared: Prepared, out: Path) -> dict:
    import keras

    model, base = models.build_finetune_model(
        prepared.input_shape, prepared.competition.n_classes, backbone=config.backbone,
        weights=config.weights, image_size=config.backbone_size)
    training, validation = _datasets(config, prepared)
    # Phase 1: only the new head learns, so its random start does not send large gradients
    # into the pretrained layers.
    models.compile_model(model, learning_rate=config.learning_rate,
                         label_smoothing=config.label_smoothing)
    head = model.fit(training, validation_data=validation, epochs=config.head_epochs,
                     shuffle=False, verbose=config.verbose,
                     callbacks=[keras.callbacks.CSVLogger(str(out / "history_head.csv"))])
    # Phase 2: open the top of the base at a low learning rate.
    opened = models.unfreeze_model(base, config.unfreeze)
    models.compile_model(model, learning_rate=config.finetune_learning_rate,
                         label_smoothing=config.label_smoothing)
    tuned = model.fit(training, validation_data=validation, epochs=config.epochs,
                      shuffle=False, verbose=config.verbose,
                      callbacks=_callbacks(config, out, config.finetune_learning_rate))
    model.save(out / "model.keras")
    return {"epochs_run": len(head.history["loss"]) + len(tuned.history["loss"]),
            "parameters": model.count_params(),
            "settings": {"backbone": config.backbone, "weights": config.weights,
                         "backbone_size": config.backbone_size, "unfreeze": config.unfreeze,
                         "layers_opened": opened, "head_epochs": config.head_epochs,
                         "finetune_learning_rate": config.finetune_learning_rate},
            "validation_probabilities": model.predict(validation, verbose=0),
            "validation_mirrored": _mirrored_predictions(model, config, prepared)}


def _mirrored_predictions(model, config: TrainConfig, prepared: Prepared):
    """The validation images' probabilities seen mirrored, when flip TTA is on."""
    if not config.flip_tta:
        return None
    mirrored = prepared.images[prepared.split.validation][:, :, ::-1]
    return model.predict(data.make_dataset(mirrored, None, config.batch_size), verbose=0)


# --- pattern 1: features + scikit-learn -------------------------------------------------

def build_classifier(name: str, seed: int = 0):
    """Standardised features into a scikit-learn classifier (all give probabilities, which
    test-time augmentation and probability submissions need)."""
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    if name == "logistic":
        # Strong L2 (small C): thousands of features, a few thousand images.
        classifier = LogisticRegression(C=0.05, max_iter=300)
    elif name == "logistic-cv":
        # The strength chosen on the training features by stratified k-fold accuracy: a
        # few hundred photos and 1,280 features want another C than 7,000 glyphs.
        from sklearn.linear_model import LogisticRegressionCV

        classifier = LogisticRegressionCV(Cs=list(CV_STRENGTHS), cv=CV_FOLDS, max_iter=1000,
                                          scoring="accuracy")
    elif name == "svm":
        classifier = SVC(C=3.0, probability=True, random_state=seed)
    elif name == "forest":
        classifier = RandomForestClassifier(n_estimators=300, n_jobs=-1, random_state=seed)
    else:
        raise ValueError(f"Unknown classifier {name!r}: choose from {', '.join(CLASSIFIERS)}.")
    return make_pipeline(StandardScaler(), classifier)


def fit_classifier(classifier, features: np.ndarray, targets: np.ndarray):
    """Fit; a cross-validated classifier gets at most as many folds as its smallest class
    has images (a learner's class of 4 photos must not stop the run)."""
    step = classifier.steps[-1][1] if hasattr(classifier, "steps") else classifier
    if hasattr(step, "Cs"):
        counts = np.bincount(np.asarray(targets, dtype=np.int64))
        smallest = int(counts[counts > 0].min(initial=2))
        classifier.set_params(**{f"{classifier.steps[-1][0]}__cv":
                                 max(2, min(CV_FOLDS, smallest))})
    return classifier.fit(features, targets)


def extract_features(extractor, images: np.ndarray, config: TrainConfig, cache_key: str,
                     competition: data.Competition, augmentation=None) -> np.ndarray:
    """The extractor's vectors for `images`, cached on disk: extraction is the slow part, and
    a learner tries several classifiers on the same features."""
    path = competition.folder / data.CACHE_FOLDER / f"features-{cache_key}.npy"
    if augmentation is None and path.exists():
        return np.load(path)
    dataset = data.make_dataset(images, None, config.batch_size, augmentation=augmentation)
    features = extractor.predict(dataset, verbose=config.verbose)
    if augmentation is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, features)
    return features


def feature_key(config: TrainConfig, extractor, prepared: Prepared, split: str,
                ids: list[str]) -> str:
    """The cache key of one extractor's features: its settings, a fingerprint of its actual
    weights (two random-weight extractors built from different seeds differ), and the stamp
    and shape of the images it read."""
    described = json.dumps([config.backbone, config.weights, config.backbone_size,
                            config.cut_layer, config.pool, list(prepared.input_shape),
                            weights_fingerprint(extractor),
                            data.image_stamp(prepared.competition.folder,
                                             split.partition("-")[0]), split, ids,
                            config.fit])
    return hashlib.sha256(described.encode()).hexdigest()[:16]


def weights_fingerprint(model) -> str:
    """sha1 of the first and last weight arrays and every weight's shape: cheap, and enough
    to tell apart two initialisations or two weight files of the same architecture."""
    weights = model.get_weights()
    digest = hashlib.sha1(repr([w.shape for w in weights]).encode())
    for array in (weights[:1] + weights[-1:]):
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def build_extractor(config: TrainConfig, prepared: Prepared):
    """The frozen feature extractor, seeded first: with --weights none its random weights
    depend on the seed, and the feature cache relies on the same seed giving the same
    extractor."""
    import keras

    keras.utils.set_random_seed(config.seed)
    return models.build_feature_extractor(
        prepared.input_shape, backbone=config.backbone, weights=config.weights,
        image_size=config.backbone_size, cut_layer=config.cut_layer, pool=config.pool)


def _train_features(config: TrainConfig, prepared: Prepared, out: Path) -> dict:
    import joblib

    extractor = build_extractor(config, prepared)
    competition = prepared.competition
    split = prepared.split
    rows = np.concatenate([split.train, split.validation])
    ids = [competition.train_ids[row] for row in rows]
    started = time.monotonic()
    features = extract_features(extractor, prepared.images[rows], config,
                                feature_key(config, extractor, prepared, "train", ids),
                                competition)
    train_part, validation_part = features[:len(split.train)], features[len(split.train):]
    targets = competition.train_targets[split.train]
    mirrored = None
    if config.augment.horizontal_flip or config.flip_tta:
        # The mirror images' features: more training examples for the classifier (hflip),
        # and the validation rows' second view (flip TTA).
        mirrored = extract_features(extractor, prepared.images[rows][:, :, ::-1], config,
                                    feature_key(config, extractor, prepared, "train-mirrored",
                                                ids), competition)
    if mirrored is not None and config.augment.horizontal_flip:
        train_part = np.concatenate([train_part, mirrored[:len(split.train)]])
        targets = np.concatenate([targets, targets])
    extract_seconds = time.monotonic() - started
    classifier = fit_classifier(build_classifier(config.classifier, config.seed), train_part,
                                targets)
    extractor.save(out / "extractor.keras")
    joblib.dump(classifier, out / "classifier.joblib")
    settings = {"backbone": config.backbone, "weights": config.weights,
                "backbone_size": config.backbone_size,
                "cut_layer": config.cut_layer or "(last block)", "pool": config.pool,
                "classifier": config.classifier,
                "mirrored_training_copies": config.augment.horizontal_flip}
    chosen = getattr(classifier[-1], "C_", None)
    if chosen is not None:
        settings["C"] = float(chosen[0])
    return {"feature_size": int(features.shape[1]),
            "extract_seconds": round(extract_seconds, 1), "settings": settings,
            "validation_probabilities": classifier_probabilities(classifier, validation_part,
                                                                 competition.n_classes),
            "validation_mirrored": None if not (config.flip_tta and mirrored is not None)
            else classifier_probabilities(classifier, mirrored[len(split.train):],
                                          competition.n_classes)}


def classifier_probabilities(classifier, features: np.ndarray, n_classes: int) -> np.ndarray:
    """predict_proba with one column per competition class, also for a class that the
    training rows happened to lack."""
    known = classifier.predict_proba(features)
    probabilities = np.zeros((len(features), n_classes), dtype=np.float32)
    probabilities[:, classifier.classes_.astype(int)] = known
    return probabilities
