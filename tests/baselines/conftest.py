"""A tiny generated competition for the starter kit: three Japanese classes drawn as simple
shapes (a bar across, a bar down, a ring) on 16x16 grayscale, in the platform's file
formats. Its test images are the shared test competition's ids and true labels
(tests.conftest), so a submission of the kit can be scored by a live server."""

import csv
import importlib.util
import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from tests.conftest import LABELS, SOLUTION_CSV, TEST_IDS, TRUE_LABELS, skip_or_fail

TRAIN_PER_CLASS = 16
SIZE = 16


@pytest.fixture(scope="session", autouse=True)
def keras_installed():
    """Without the `baselines` extra these tests cannot run: a skip on a laptop, a failure in
    CI (KOMPE_REQUIRE_ALL_TESTS)."""
    missing = [name for name in ("keras", "tensorflow", "matplotlib")
               if importlib.util.find_spec(name) is None]
    if missing:
        skip_or_fail(f"The starter kit's extra is not installed ({', '.join(missing)}): "
                     f"pip install -e '.[baselines]' (make test does).")


def draw(label: str, rng: np.random.Generator) -> bytes:
    image = Image.new("L", (SIZE, SIZE), 0)
    pen = ImageDraw.Draw(image)
    dx, dy = rng.integers(-2, 3, size=2)
    if label == LABELS[0]:
        pen.rectangle((3 + dx, 7 + dy, 12 + dx, 9 + dy), fill=230)
    elif label == LABELS[1]:
        pen.rectangle((7 + dx, 3 + dy, 9 + dx, 12 + dy), fill=230)
    else:
        pen.ellipse((4 + dx, 4 + dy, 12 + dx, 12 + dy), outline=230, width=2)
    noisy = np.asarray(image, dtype=np.float32) + rng.normal(0, 12, (SIZE, SIZE))
    out = io.BytesIO()
    Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)).save(out, format="PNG")
    return out.getvalue()


def write_competition(folder: Path, *, sample_format: str = "label") -> Path:
    """The files a participant downloads, plus `solution.csv` for the tests' own checks."""
    rng = np.random.default_rng(7)
    folder.mkdir(parents=True, exist_ok=True)
    train_labels = [LABELS[number % 3] for number in range(TRAIN_PER_CLASS * 3)]
    train_ids = [f"train_{number:03d}.png" for number in range(len(train_labels))]
    with zipfile.ZipFile(folder / "train.zip", "w") as archive:
        for id_, label in zip(train_ids, train_labels, strict=True):
            archive.writestr(f"train/{id_}", draw(label, rng))
    with zipfile.ZipFile(folder / "test.zip", "w") as archive:
        for id_, label in zip(TEST_IDS, TRUE_LABELS, strict=True):
            archive.writestr(id_, draw(label, rng))
    _write_csv(folder / "train.csv", ["id", "label"], zip(train_ids, train_labels, strict=True))
    _write_csv(folder / "labels.csv", ["label", "name"],
               zip(LABELS, ["inu", "neko", "tori"], strict=True))
    if sample_format == "probability":
        _write_csv(folder / "sample_submission.csv", ["id", *LABELS],
                   [[id_, "1", "0", "0"] for id_ in TEST_IDS])
    elif sample_format == "headerless-index":
        _write_csv(folder / "sample_submission.csv", None, [[id_, "0"] for id_ in TEST_IDS])
    else:
        _write_csv(folder / "sample_submission.csv", ["id", "label"],
                   [[id_, LABELS[0]] for id_ in TEST_IDS])
    (folder / "solution.csv").write_bytes(SOLUTION_CSV)
    return folder


def _write_csv(path: Path, header: list[str] | None, rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        if header:
            writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture(scope="session")
def tiny_data(tmp_path_factory) -> Path:
    return write_competition(tmp_path_factory.mktemp("tiny") / "data")


@pytest.fixture(scope="session")
def cnn_run(tiny_data, tmp_path_factory) -> Path:
    """A CNN trained for one epoch, with its submission written: shared by the tests that
    only need some run."""
    from baselines.cli import main

    out = tmp_path_factory.mktemp("runs") / "cnn"
    assert main(["train", "--data", str(tiny_data), "--model", "cnn", "--epochs", "1",
                 "--width", "4", "--blocks", "2", "--quiet", "--out", str(out)]) == 0
    return out
