"""`predict` and `submit`: probabilities from one or more run folders (an ensemble averages
them), optionally over augmented views (test-time augmentation), written in the
competition's submission format and checked with the platform's own `scoring` core.

The format comes from the competition itself (`--format-from SLUG` asks the server once, at
`train` or `predict`, and run.json keeps it) or from `--kind/--header/--labels-as`. Only when
neither is given is it guessed from sample_submission.csv, with a warning: the sample is
always `id,label`, so it cannot show a probability or a headerless format.
"""

import csv
import io
import json
from dataclasses import dataclass, field, replace
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
DEFAULT_METRIC = "accuracy"
DEFAULT_TOP_K = 3  # score_submission's own default, when the competition's is not known
FORMAT_FIELDS = ("kind", "header", "labels_as")


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
                      seed: int = 0, verbose: int = 0, flip: bool | None = None
                      ) -> np.ndarray:
    """Class probabilities for `images`: the plain view, its mirror image when `flip` (by
    default the run's own flip_tta, which photo runs have), plus `tta - 1` augmented views
    (the run's own augmentation settings), averaged."""
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
    views = max(1, tta)
    if run.info.get("flip_tta", False) if flip is None else flip:
        total = total + predict(data.make_dataset(images[:, :, ::-1], None, batch_size))
        views += 1
    for _ in range(tta - 1):
        total = total + predict(data.make_dataset(images, None, batch_size,
                                                  augmentation=augmentation))
    return total / views


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

@dataclass(frozen=True)
class FormatChoice:
    """The submission format to write, where it came from, and which of its fields were only
    guessed; with the competition's metric and top_k when the server said them."""

    fmt: SubmissionFormat
    source: str
    guessed: tuple[str, ...] = ()
    metric: str | None = None
    top_k: int | None = None
    details: dict = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict:
        return {"kind": str(self.fmt.kind), "header": str(self.fmt.header),
                "labels_as": str(self.fmt.labels_as), "source": self.source,
                "guessed": list(self.guessed), "metric": self.metric, "top_k": self.top_k}

    @classmethod
    def from_dict(cls, saved: dict) -> "FormatChoice":
        return cls(SubmissionFormat(kind=Kind(saved["kind"]), header=Header(saved["header"]),
                                    labels_as=LabelsAs(saved["labels_as"])),
                   source=saved["source"], guessed=tuple(saved.get("guessed", ())),
                   metric=saved.get("metric"), top_k=saved.get("top_k"))

    def warning(self) -> str | None:
        if not self.guessed:
            return None
        return (f"Warning: the submission format's {', '.join(self.guessed)} was guessed from "
                f"sample_submission.csv, which is always id,label and cannot show a "
                f"probability or a headerless format; the server may refuse the file. Give "
                f"the competition's format: --format-from SLUG, or --kind, --header and "
                f"--labels-as.")


def competition_format(slug: str, client=None) -> FormatChoice:
    """The competition's submission format, metric and top_k from the Kompe server (the only
    network use of train and predict, and only when asked)."""
    from kompe.client import Client

    info = (client or Client.from_environment()).competition(slug)
    fmt = SubmissionFormat(kind=Kind(info["submission_kind"]),
                           header=Header(info["submission_header"]),
                           labels_as=LabelsAs(info["submission_labels_as"]))
    return FormatChoice(fmt, source=f"competition {slug}", metric=info.get("metric"),
                        top_k=info.get("top_k"), details={"labels": info.get("labels")})


def choose_format(*, slug: str | None = None, saved: dict | None = None,
                  sample: Path | None = None, labels: list[str] | None = None,
                  kind: str | None = None, header: str | None = None,
                  labels_as: str | None = None, client=None) -> FormatChoice:
    """The competition's format (`slug`), else the one a run saved, else a guess from the
    sample; then each flag given replaces its field (and is no longer a guess)."""
    if slug:
        choice = competition_format(slug, client)
        if choice.details.get("labels") not in (None, labels) and labels is not None:
            raise ValueError(f"The competition {slug} has other classes than the downloaded "
                             f"files: is --data the right competition's?")
    elif saved:
        choice = FormatChoice.from_dict(saved)
    else:
        choice = FormatChoice(infer_format(sample, labels), source="sample_submission.csv",
                              guessed=FORMAT_FIELDS)
    flags = {"kind": kind, "header": header, "labels_as": labels_as}
    given = {name: value for name, value in flags.items() if value}
    if not given:
        return choice
    fmt = replace(choice.fmt, **{name: {"kind": Kind, "header": Header,
                                        "labels_as": LabelsAs}[name](value)
                                 for name, value in given.items()})
    guessed = tuple(name for name in choice.guessed if name not in given)
    if fmt.kind == Kind.PROBABILITY:
        guessed = tuple(name for name in guessed if name != "labels_as")  # no label column
    source = choice.source if not choice.guessed or guessed else "the command's flags"
    return replace(choice, fmt=fmt, guessed=guessed,
                   source=f"{source} with " + ", ".join(f"--{name.replace('_', '-')} {value}"
                                                       for name, value in given.items()))


def infer_format(sample_path: Path, labels: list[str]) -> SubmissionFormat:
    """A guess at the format from `sample_submission.csv`: a header or none, labels as names
    or as class numbers. The platform's sample is always `id,label`, so this cannot see a
    probability or a headerless format: only the last resort of `choose_format`."""
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
        if fmt.header != Header.ABSENT:
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
                labels: list[str], fmt: SubmissionFormat, metric: str = DEFAULT_METRIC,
                top_k: int = DEFAULT_TOP_K) -> float:
    """The validation rows written as a submission and scored by the platform's scorer,
    exactly as the leaderboard would score them (with the competition's top_k)."""
    if METRICS[metric].needs_probabilities and fmt.kind != Kind.PROBABILITY:
        fmt = SubmissionFormat(kind=Kind.PROBABILITY)
    content = submission_bytes(ids, probabilities, labels, fmt)
    scores = score_submission(content, solution=_solution(ids, list(targets), labels),
                              labels=labels, metric=metric, fmt=fmt, top_k=top_k)
    return scores.public


def _solution(ids: list[str], targets: list[int], labels: list[str]) -> Solution:
    rows = "".join(f"{_quoted(id_)},{_quoted(labels[int(target)])},Public\n"
                   for id_, target in zip(ids, targets, strict=True))
    return parse_solution(("id,label,usage\n" + rows).encode(), labels)


def _quoted(value: str) -> str:
    return f'"{value}"' if any(char in value for char in ',"\n') else value


def write_submission(runs: list[Run], out: Path, *, choice: FormatChoice, tta: int = 1,
                     metric: str | None = None, top_k: int | None = None,
                     data_folder: Path | None = None, verbose: int = 1) -> dict:
    """Predict the test images with every run, average, write `out` in the chosen format,
    validate it, and score the same ensemble on the validation rows. Returns what happened,
    for printing."""
    labels = runs[0].labels
    if any(run.labels != labels for run in runs):
        raise ValueError("The runs were trained on different class lists.")
    competition = data.read_competition(Path(data_folder or runs[0].info["data"]))
    if competition.labels != labels:
        raise ValueError(f"The runs were trained on other classes than {competition.folder}'s.")
    shapes = {_load_key(run) for run in runs}
    probabilities = np.mean([
        run_probabilities(run, load_test_images(competition, run), tta=tta, verbose=verbose)
        for run in runs], axis=0)
    fmt = choice.fmt
    metric = metric or choice.metric or DEFAULT_METRIC
    top_k = top_k or choice.top_k or DEFAULT_TOP_K
    content = submission_bytes(competition.test_ids, probabilities, labels, fmt)
    check_submission(content, competition.test_ids, labels, fmt)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content)
    ids, targets, validation = ensemble_validation(runs)
    if tta > 1:  # score what is submitted: the validation rows with the same views
        rows = np.load(runs[0].folder / VALIDATION_FILE)["rows"]
        train_images = {(shape, fit): data.load_images(competition, "train", shape=shape,
                                                       fit=fit)
                        for shape, fit in shapes}
        validation = np.mean([
            run_probabilities(run, train_images[_load_key(run)][rows],
                              tta=tta, verbose=0) for run in runs], axis=0)
    return {"path": out, "rows": len(competition.test_ids), "format": fmt,
            "choice": choice, "metric": metric, "top_k": top_k,
            "validation_score": local_score(ids, targets, validation, labels, fmt, metric,
                                            top_k)}


def load_test_images(competition: data.Competition, run: Run) -> np.ndarray:
    """The test images at the height, width and channels the run was trained on: a test set
    of other sizes or another colour mode than the training set still fits the model."""
    return data.load_images(competition, "test", shape=tuple(run.info["input_shape"]),
                            fit=run.info.get("fit", "squash"))


def _load_key(run: Run) -> tuple:
    """How the run's images are loaded: their shape and fit (squashed or centre-cropped)."""
    return tuple(run.info["input_shape"]), run.info.get("fit", "squash")


__all__ = ["SUBMISSION_NAME", "InvalidFile", "Run", "load_run", "write_submission",
           "FormatChoice", "choose_format", "competition_format", "infer_format",
           "submission_bytes", "check_submission", "local_score", "run_probabilities",
           "load_test_images"]
