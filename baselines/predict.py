"""`predict` and `submit`: probabilities from one or more run folders (an ensemble averages
them), optionally over augmented views (test-time augmentation), written in the
competition's submission format and checked with the platform's own `scoring` core."""

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from scoring.formats import Header, Kind, LabelsAs, SubmissionFormat
from scoring.metrics import METRICS
from scoring.problems import InvalidFile
from scoring.scorer import score_submission, validate_submission
from scoring.solution import Solution, parse_solution

from . import data
from .augment import AugmentSettings, build_augmentation
from .submit import SUBMISSION_NAME
from .train import RUN_FILE, VALIDATION_FILE, classifier_probabilities

PROBABILITY_DIGITS = 6


@dataclass
class Run:
    folder: Path
    info: dict

    @property
    def labels(self) -> list[str]:
        return self.info["labels"]


def load_run(folder: Path) -> Run:
    folder = Path(folder)
    if not (folder / RUN_FILE).exists():
        raise FileNotFoundError(f"{folder} is not a run folder (no {RUN_FILE}): train first.")
    return Run(folder, json.loads((folder / RUN_FILE).read_text(encoding="utf-8")))


def run_probabilities(run: Run, images: np.ndarray, tta: int = 1, batch_size: int = 128,
                      seed: int = 0, verbose: int = 0) -> np.ndarray:
    """Class probabilities for `images`: the plain view, plus `tta - 1` augmented views
    (the run's own augmentation settings) averaged in."""
    import keras

    settings = AugmentSettings.from_dict(run.info.get("augment", {}))
    augmentation = build_augmentation(settings, seed=seed) if tta > 1 else None
    if run.info["model"] == "features":
        import joblib

        extractor = keras.saving.load_model(run.folder / "extractor.keras")
        classifier = joblib.load(run.folder / "classifier.joblib")

        def predict(dataset):
            return classifier_probabilities(classifier, extractor.predict(dataset,
                                                                          verbose=verbose),
                                            len(run.labels))
    else:
        model = keras.saving.load_model(run.folder / "model.keras")

        def predict(dataset):
            return model.predict(dataset, verbose=verbose)

    keras.utils.set_random_seed(seed)
    total = predict(data.make_dataset(images, None, batch_size))
    for _ in range(tta - 1):
        total = total + predict(data.make_dataset(images, None, batch_size,
                                                  augmentation=augmentation))
    return total / max(1, tta)


def ensemble_validation(runs: list[Run]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The validation ids, targets and averaged probabilities saved by `train` (all runs must
    share the split: same data, seed and validation fraction)."""
    saved = [np.load(run.folder / VALIDATION_FILE) for run in runs]
    ids = saved[0]["ids"]
    for other, run in zip(saved[1:], runs[1:], strict=True):
        if not np.array_equal(other["ids"], ids):
            raise ValueError(f"{run.folder} was validated on other rows: train the runs of "
                             f"an ensemble with the same --seed and validation fraction.")
    return ([str(id_) for id_ in ids], saved[0]["targets"],
            np.mean([item["probabilities"] for item in saved], axis=0))


# --- the submission format ---------------------------------------------------------------

def infer_format(sample_path: Path, labels: list[str]) -> SubmissionFormat:
    """The format of `sample_submission.csv`, which the platform makes valid by construction:
    a header or none, labels as names or as class numbers, or one probability column per
    class."""
    rows = [row for row in csv.reader(io.StringIO(sample_path.read_text(encoding="utf-8-sig")))
            if row]
    first = rows[0]
    if first[0] == "id" and first[1:] == labels:
        return SubmissionFormat(header=Header.REQUIRED, kind=Kind.PROBABILITY)
    header = Header.REQUIRED if first == ["id", "label"] else Header.ABSENT
    body = rows[1:] if header == Header.REQUIRED else rows
    values = {row[1] for row in body[:200]}
    by_index = values and all(value.isdigit() for value in values) and not values <= set(labels)
    return SubmissionFormat(header=header, labels_as=LabelsAs.INDEX if by_index
                            else LabelsAs.NAME)


def submission_bytes(ids: list[str], probabilities: np.ndarray, labels: list[str],
                     fmt: SubmissionFormat) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if fmt.kind == Kind.PROBABILITY:
        writer.writerow(["id", *labels])
        rounded = np.round(probabilities / probabilities.sum(1, keepdims=True),
                           PROBABILITY_DIGITS)
        for id_, row in zip(ids, rounded, strict=True):
            writer.writerow([id_, *(f"{value:.{PROBABILITY_DIGITS}f}" for value in row)])
        return out.getvalue().encode()
    if fmt.header != Header.ABSENT:
        writer.writerow(["id", "label"])
    for id_, best in zip(ids, probabilities.argmax(1), strict=True):
        writer.writerow([id_, best if fmt.labels_as == LabelsAs.INDEX else labels[best]])
    return out.getvalue().encode()


def check_submission(content: bytes, ids: list[str], labels: list[str],
                     fmt: SubmissionFormat) -> None:
    """The platform's own validation of the file (ids, labels, header, probabilities): any
    problem raises InvalidFile with the platform's messages."""
    stand_in = _solution(ids, [0] * len(ids), labels)
    validate_submission(content, solution=stand_in, labels=labels, fmt=fmt)


def local_score(ids: list[str], targets: np.ndarray, probabilities: np.ndarray,
                labels: list[str], fmt: SubmissionFormat, metric: str = "accuracy") -> float:
    """The validation rows written as a submission and scored by the platform's scorer,
    exactly as the leaderboard would score them."""
    if METRICS[metric].needs_probabilities and fmt.kind != Kind.PROBABILITY:
        fmt = SubmissionFormat(kind=Kind.PROBABILITY)
    content = submission_bytes(ids, probabilities, labels, fmt)
    scores = score_submission(content, solution=_solution(ids, list(targets), labels),
                              labels=labels, metric=metric, fmt=fmt)
    return scores.public


def _solution(ids: list[str], targets: list[int], labels: list[str]) -> Solution:
    rows = "".join(f"{_quoted(id_)},{_quoted(labels[int(target)])},Public\n"
                   for id_, target in zip(ids, targets, strict=True))
    return parse_solution(("id,label,usage\n" + rows).encode(), labels)


def _quoted(value: str) -> str:
    return f'"{value}"' if any(char in value for char in ',"\n') else value


def write_submission(runs: list[Run], out: Path, *, tta: int = 1, metric: str = "accuracy",
                     data_folder: Path | None = None, verbose: int = 1) -> dict:
    """Predict the test images with every run, average, write `out`, validate it, and score
    the same ensemble on the validation rows. Returns what happened, for printing."""
    labels = runs[0].labels
    if any(run.labels != labels for run in runs):
        raise ValueError("The runs were trained on different class lists.")
    competition = data.read_competition(Path(data_folder or runs[0].info["data"]))
    if competition.labels != labels:
        raise ValueError(f"The runs were trained on other classes than {competition.folder}'s.")
    images = data.load_images(competition, "test", runs[0].info.get("image_size"))
    probabilities = np.mean([run_probabilities(run, images, tta=tta, verbose=verbose)
                             for run in runs], axis=0)
    fmt = infer_format(competition.folder / "sample_submission.csv", labels)
    content = submission_bytes(competition.test_ids, probabilities, labels, fmt)
    check_submission(content, competition.test_ids, labels, fmt)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content)
    ids, targets, validation = ensemble_validation(runs)
    if tta > 1:  # score what is submitted: the validation rows with the same views
        rows = np.load(runs[0].folder / VALIDATION_FILE)["rows"]
        train_images = data.load_images(competition, "train", runs[0].info.get("image_size"))
        validation = np.mean([run_probabilities(run, train_images[rows], tta=tta, verbose=0)
                              for run in runs], axis=0)
    return {"path": out, "rows": len(competition.test_ids), "format": fmt,
            "validation_score": local_score(ids, targets, validation, labels, fmt, metric),
            "metric": metric}


__all__ = ["SUBMISSION_NAME", "InvalidFile", "Run", "load_run", "write_submission", "infer_format",
           "submission_bytes", "check_submission", "local_score", "run_probabilities"]
